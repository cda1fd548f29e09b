/**
 * The local chains a developer runs Proofline on, as child processes: Hardhat's `hardhat node` (EDR) or Foundry's
 * `anvil` (an independent client, from the npm registry's `@foundry-rs/anvil`), both serving JSON-RPC over HTTP on
 * 127.0.0.1 with the same 20 development accounts (the publicly known "test test ... junk" mnemonic), and an EIP-1193
 * provider over HTTP for any chain, local or not.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { connect, createServer } from "node:net";
import { dirname, join } from "node:path";

/** The chain clients `startChain` runs. */
export const CHAIN_KINDS = ["hardhat", "anvil"] as const;
export type ChainKind = (typeof CHAIN_KINDS)[number];

/** The accounts a local chain funds: the devkit uses 0 to 8 and the role holders 10 to 14. */
export const LOCAL_ACCOUNTS = 20;

/**
 * Local chains mine a block every second on top of one per transaction, as a live chain does: the chain's clock (and
 * so the ledger's settlement rounds and deadlines) moves even when nobody sends anything.
 */
export const LOCAL_BLOCK_MS = 1_000;

/** An EIP-1193 request function, what Ignition, ethers' `BrowserProvider` and the devkit take. */
export interface Eip1193Provider {
  request(args: { readonly method: string; readonly params?: readonly unknown[] | object }): Promise<unknown>;
}

/** A JSON-RPC error as the node sent it, with its `data` (revert data) kept for decoding. */
export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    message: string,
    readonly code: number,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** An EIP-1193 provider that sends each request to `url` as one JSON-RPC call over HTTP. */
export function httpProvider(url: string): Eip1193Provider {
  let id = 0;
  return {
    async request({ method, params }) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
      });
      if (!response.ok) throw new RpcError(`${url} answered HTTP ${response.status} to ${method}`, -32_000);
      const body = (await response.json()) as {
        result?: unknown;
        error?: { message: string; code: number; data?: unknown };
      };
      if (body.error !== undefined) throw new RpcError(body.error.message, body.error.code, body.error.data);
      return body.result;
    },
  };
}

/** Resolves with the chain id once `url` answers `eth_chainId`, polling every 200 ms until `timeoutMs`. */
export async function waitForRpc(url: string, timeoutMs = 60_000): Promise<bigint> {
  const provider = httpProvider(url);
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return BigInt((await provider.request({ method: "eth_chainId" })) as string);
    } catch (error) {
      if (Date.now() > until) throw new Error(`no JSON-RPC node answered at ${url}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** A chain process this module started. */
export interface LocalChain {
  kind: ChainKind;
  url: string;
  chainId: bigint;
  process: ChildProcess;
  /** Stops the process (SIGTERM) and resolves when it exited. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** A TCP port on 127.0.0.1 that nothing listens on right now (the system picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Options of {@link startChain}. */
export interface ChainOptions {
  /**
   * Lift EIP-170's contract size limit on anvil: for coverage runs only, whose instrumented contracts outgrow it
   * (`hardhat node` under Hardhat's coverage run lifts it by itself).
   */
  unlimitedCodeSize?: boolean;
}

/** The command that runs `kind` on `port`: the locked packages' own binaries, nothing downloaded. */
function chainCommand(kind: ChainKind, port: number, options: ChainOptions): [string, string[]] {
  if (kind === "hardhat") {
    const cli = join(dirname(require.resolve("hardhat/package.json")), "dist", "src", "cli.js");
    return [process.execPath, [cli, "node", "--port", String(port)]];
  }
  const bin = join(dirname(require.resolve("@foundry-rs/anvil/package.json")), "bin.mjs");
  // A block every second besides one per transaction (mixed mining), as `startChain` sets up `hardhat node`.
  return [
    process.execPath,
    [
      bin,
      "--port",
      String(port),
      "--accounts",
      String(LOCAL_ACCOUNTS),
      "--block-time",
      "1",
      "--mixed-mining",
      "--silent",
      ...(options.unlimitedCodeSize ? ["--disable-code-size-limit"] : []),
    ],
  ];
}

/**
 * Starts a `kind` chain on 127.0.0.1:`port` and resolves once it serves JSON-RPC. Its output is kept (the last 64 kB)
 * for the error message if it exits early.
 */
export async function startChain(kind: ChainKind, port: number, options: ChainOptions = {}): Promise<LocalChain> {
  // Another chain already on the port would answer in this one's place (and with its own state).
  if (await portTaken(port)) {
    throw new Error(`127.0.0.1:${port} is already in use: stop what listens there, or choose another port`);
  }
  const [command, args] = chainCommand(kind, port, options);
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-65_536));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`${kind} exited with ${code} before serving:\n${output}`))),
  );
  const url = `http://127.0.0.1:${port}`;
  const chainId = await Promise.race([waitForRpc(url), exited]);
  exited.catch(() => undefined); // later exits are the caller's business (stop)
  if (kind === "hardhat") {
    // Hardhat keeps mining each transaction at once and adds a block every second.
    await httpProvider(url).request({ method: "evm_setIntervalMining", params: [LOCAL_BLOCK_MS] });
  }
  return {
    kind,
    url,
    chainId,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
