/**
 * `./proofline serve [--network <network>]`: the node service (node/serve.ts), with its keys from the environment or,
 * when a key is not set there, from Hardhat's keystore (`./proofline keystore set PROOFLINE_NODE_KEY`; the keystore
 * asks for its password once). On an HTTP network without `PROOFLINE_RPC_URL`, the node uses the network's own URL
 * (a configuration variable too, e.g. `BASE_SEPOLIA_RPC_URL`). Keys are read into the node's configuration and never
 * printed; the rest of the configuration is the environment's (docs/NODE.md).
 */
import { configVariable } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { ConfigError } from "../../node/config.js";
import { serveUntilStopped } from "../../node/serve.js";
import { fail, taskAction } from "./lib/failure.js";

/** The node's secrets: each may live in the environment or in Hardhat's keystore. */
export const NODE_KEY_VARIABLES = [
  "PROOFLINE_NODE_KEY",
  "PROOFLINE_OPERATOR_KEY",
  "PROOFLINE_ENCLAVE_KEY",
  "PROOFLINE_FACILITATOR_KEY",
] as const;

/**
 * The environment the node runs with: `env`, plus each key variable `env` lacks that Hardhat's configuration
 * variable hooks (the keystore's among them) can supply, plus the selected HTTP network's URL as `PROOFLINE_RPC_URL`
 * when that is not set.
 */
export async function nodeEnvironment(
  hre: HardhatRuntimeEnvironment,
  env: NodeJS.ProcessEnv = process.env,
): Promise<NodeJS.ProcessEnv> {
  const resolved: NodeJS.ProcessEnv = { ...env };
  for (const name of NODE_KEY_VARIABLES) {
    if (resolved[name]) continue;
    const value = await hre.hooks
      .runHandlerChain("configurationVariables", "fetchValue", [configVariable(name)], async () => undefined as never)
      .catch(() => undefined);
    if (typeof value === "string" && value !== "") resolved[name] = value;
  }
  const networkName = hre.globalOptions.network;
  const network = networkName === undefined ? undefined : hre.config.networks[networkName];
  if (!resolved.PROOFLINE_RPC_URL && network?.type === "http") resolved.PROOFLINE_RPC_URL = await network.url.getUrl();
  return resolved;
}

async function serve(_args: Record<string, unknown>, hre: HardhatRuntimeEnvironment): Promise<void> {
  const env = await nodeEnvironment(hre);
  try {
    await serveUntilStopped(env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

export default taskAction(serve);
