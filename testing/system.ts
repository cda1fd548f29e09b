/**
 * Proofline's Ignition modules and parameter files, deployed from the shipped artifacts (`artifacts.ts`) into any
 * EIP-1193 provider (a Hardhat network connection's `provider`), with Ignition's own engine: the same modules
 * `hardhat ignition deploy` runs in this repository, without the consumer's project having compiled a contract.
 */
import { readFileSync } from "node:fs";

import {
  DeploymentResultType,
  deploy,
  type DeploymentParameters,
  type EIP1193Provider,
  type IgnitionModule,
  type IgnitionModuleResult,
} from "@nomicfoundation/ignition-core";

import ProoflineModule from "../deploy/modules/Proofline.js";
import ProoflineLocalModule from "../deploy/modules/ProoflineLocal.js";
import { artifactResolver } from "./artifacts.js";

export { ProoflineLocalModule, ProoflineModule };

/**
 * The shipped parameter files (`deploy/parameters/<name>.json`): `default` is the built-in network's (role holders
 * are Hardhat's default accounts 10 to 14, trust-admin delay one hour), `localhost` a local node's, `baseSepolia`
 * and `base` name no role holders (add them under `$global` before deploying, see docs/DEPLOYING.md).
 */
export const PARAMETER_FILES = ["default", "localhost", "baseSepolia", "base"] as const;
export type ParameterFile = (typeof PARAMETER_FILES)[number];

/**
 * A shipped parameter file, parsed as Ignition parses one: a string of digits followed by `n` is a bigint. Read
 * relative to this module: `deploy/parameters/` here, `dist/deploy/parameters/` in the package.
 */
export function readParameterFile(name: ParameterFile): DeploymentParameters {
  const text = readFileSync(new URL(`../deploy/parameters/${name}.json`, import.meta.url), "utf8");
  return JSON.parse(text, (_, value: unknown) =>
    typeof value === "string" && /^\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value,
  ) as DeploymentParameters;
}

/**
 * Deploys Ignition module `module` with `parameters` into `provider` from the shipped artifacts, with the provider's
 * first account as Ignition's `m.getAccount(0)` and the default sender, and returns each of the module's contracts'
 * addresses. Nothing is written to disk: a rerun deploys again. Throws with Ignition's errors when it fails.
 */
export async function deployModule<Results extends IgnitionModuleResult<string>>(
  provider: EIP1193Provider,
  module: IgnitionModule<string, string, Results>,
  parameters: DeploymentParameters,
): Promise<{ [Name in keyof Results]: string }> {
  const accounts = (await provider.request({ method: "eth_accounts" })) as string[];
  const result = await deploy({
    artifactResolver,
    provider,
    ignitionModule: module,
    deploymentParameters: parameters,
    accounts,
    // Development chains: a transaction is final once mined (Ignition asks for 5 confirmations over HTTP otherwise,
    // and refuses to start while the deployer's last transactions have fewer).
    config: { requiredConfirmations: 1 },
  });
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
    const { type, ...details } = result;
    throw new Error(`deploying ${module.id} failed (${type}): ${JSON.stringify(details, undefined, 2)}`);
  }
  return Object.fromEntries(
    Object.entries(module.results).map(([name, future]) => [name, result.contracts[future.id].address]),
  ) as { [Name in keyof Results]: string };
}
