import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { readParameters, type DeploymentParameters } from "../../src/deployments.js";

/**
 * A copy of `deploy/parameters/<networkName>.json` changed by `edit`, written to a fresh temporary file whose path is
 * returned. Tests pass parameters as a file, as a deployer does: Ignition reads bigint strings ("5n") only from files.
 */
export function editedParametersFile(networkName: string, edit: (parameters: DeploymentParameters) => void): string {
  const parameters = readParameters(networkName);
  edit(parameters);
  const file = join(mkdtempSync(join(tmpdir(), "proofline-")), `${networkName}.json`);
  writeFileSync(file, JSON.stringify(parameters, null, 2));
  return file;
}
