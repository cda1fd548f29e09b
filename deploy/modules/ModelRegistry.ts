import { buildModule } from "@nomicfoundation/ignition-core";

import { wireRoles } from "../wiring.js";
import AccessManagerModule from "./AccessManager.js";

/** The model registry, with `guardianRevokeArtifact` wired to the GUARDIAN role (no delay). */
export default buildModule("ModelRegistry", (m) => {
  const { accessManager } = m.useModule(AccessManagerModule);
  const registry = m.contract("ModelRegistry", [accessManager]);
  wireRoles(m, accessManager, registry, "ModelRegistry");
  return { accessManager, registry };
});
