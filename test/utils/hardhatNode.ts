import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { resolve } from "node:path";

import hre from "hardhat";

/** The same Hardhat the tests run under (the package does not export its CLI file, so it is found by path). */
export const HARDHAT_CLI = resolve("node_modules/hardhat/dist/src/cli.js");

/**
 * The environment for a Hardhat child process in another project: this process's, without the `HARDHAT_*` variables
 * the test runner sets (`HARDHAT_CONFIG` would point the child at this project's config), so the child behaves as if
 * a user had typed its command there.
 *
 * Children in this project keep them instead (see `runHardhat`): under `--coverage` the runner builds instrumented
 * artifacts, and a child built without coverage would overwrite them with plain ones, silently dropping the coverage
 * of every test that runs after it.
 */
export function foreignProjectEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(HARDHAT_|HH_TEST$)/.test(key)));
  return { ...env, ...extra };
}

/**
 * Starts `hardhat node` on `port` (with extra options such as `--chain-id`) and resolves once it serves JSON-RPC.
 * The caller kills the returned process.
 */
export function startHardhatNode(port: number, options: string[] = []): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, "node", "--port", String(port), ...options], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`hardhat node did not start:\n${output}`)), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Started HTTP and WebSocket JSON-RPC server")) {
        clearTimeout(timer);
        resolvePromise(child);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`hardhat node exited with ${code}:\n${output}`)));
  });
}

/**
 * Runs the Hardhat CLI in this project, as a user would type `npx hardhat <args>`, feeding `input` to its stdin. It
 * inherits the runner's `HARDHAT_*` variables, so it builds exactly as the runner did (see `foreignProjectEnv`).
 */
export function runHardhat(args: string[], env: NodeJS.ProcessEnv = {}, input = ""): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [HARDHAT_CLI, ...args], {
    encoding: "utf8",
    input,
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
}

export { freePort } from "../../node/chain.js";

/**
 * Options for the local chains a test starts (node/chain.ts): under `--coverage` the contracts are the instrumented
 * build, larger than EIP-170 allows, so anvil must lift the limit.
 */
export const testChainOptions = { unlimitedCodeSize: hre.globalOptions.coverage === true };
