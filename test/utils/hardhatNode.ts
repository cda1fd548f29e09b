import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { resolve } from "node:path";

/** The same Hardhat the tests run under (the package does not export its CLI file, so it is found by path). */
export const HARDHAT_CLI = resolve("node_modules/hardhat/dist/src/cli.js");

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

/** Runs the Hardhat CLI in this project, as a user would type `npx hardhat <args>`, feeding `input` to its stdin. */
export function runHardhat(args: string[], env: NodeJS.ProcessEnv = {}, input = ""): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [HARDHAT_CLI, ...args], {
    encoding: "utf8",
    input,
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
}
