/**
 * What every Proofline task starts from: a connection to the network `--network` names, the contracts of that chain's
 * Ignition deployment (`deploy/deployments/<deployment id>/deployed_addresses.json`, as `hardhat trail` and
 * `hardhat roles` read them), checked to have code on the connected chain, the network's accounts, and the clock.
 *
 * The code check is what catches the three usual mistakes with a local chain, each with its own one-line message
 * and fix: a `hardhat node` restarted since the deployment (it keeps nothing), a forgotten `--network localhost`
 * (Hardhat's built-in network has chain id 31337 too, so it reads the local node's deployment record, but it starts
 * empty for every command), and a network or RPC URL that points at another chain.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";

import { getAddress, isAddress, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  defaultDeploymentId,
  deploymentStartBlock,
  findDeployed,
  readDeployedAddresses,
} from "../../../src/deployments.js";
import { fail } from "./failure.js";

/** The deployed contracts tasks use, by contract name (the part after `#` in Ignition's future ids). */
export const CORE_CONTRACTS = [
  "AccessManager",
  "ModelRegistry",
  "AttesterRegistry",
  "VerifierRouter",
  "InferenceLedger",
] as const;
export type ContractName = (typeof CORE_CONTRACTS)[number] | "RiskScorerVerifier" | "InferenceEscrow" | "BondVault";

/** Options every deployment-reading task takes. */
export interface DeploymentArgs {
  deploymentId: string;
}

/** The command that deploys the whole system on a local chain (docs/FIRST-INFERENCE.md). */
export function localDeployCommand(networkName: string): string {
  return (
    `./proofline ignition deploy deploy/modules/ProoflineLocal.ts --network ${networkName} ` +
    `--parameters deploy/parameters/${networkName}.json --build-profile default`
  );
}

/** How the connected chain runs: Hardhat's built-in network, a local development node, or anything else. */
export type ChainKind = "built-in" | "local node" | "remote";

type Connection = Awaited<ReturnType<HardhatRuntimeEnvironment["network"]["create"]>>;

/** A connected network with a checked Proofline deployment on it. */
export class Proofline {
  private constructor(
    readonly hre: HardhatRuntimeEnvironment,
    readonly connection: Connection,
    readonly chainId: bigint,
    readonly kind: ChainKind,
    readonly deploymentId: string,
    readonly addresses: Record<string, string>,
    readonly signers: Signer[],
  ) {}

  /**
   * Connects to the network `--network` names and checks its deployment (`deploymentId`, default `chain-<id>`):
   * recorded, and with code at every core contract's address. Fails with one line naming the likely cause otherwise.
   */
  static async connect(hre: HardhatRuntimeEnvironment, deploymentId = ""): Promise<Proofline> {
    const connection = await hre.network.create();
    const { ethers } = connection;
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const kind = await chainKind(connection);
    const id = deploymentId || defaultDeploymentId(chainId);
    const addresses = readDeployedAddresses(id);
    const context = new Proofline(hre, connection, chainId, kind, id, addresses, await ethers.getSigners());
    await context.checkDeployment();
    return context;
  }

  get ethers() {
    return this.connection.ethers;
  }

  get networkName(): string {
    return this.connection.networkName;
  }

  /** The options a printed command needs to reach this network and deployment again. */
  get target(): string {
    const network = this.kind === "built-in" ? "" : ` --network ${this.networkName}`;
    const deployment =
      this.deploymentId === defaultDeploymentId(this.chainId) ? "" : ` --deployment-id ${this.deploymentId}`;
    return `${network}${deployment}`;
  }

  /** A command to print: `./proofline <task> <args> --network <this network>`. */
  command(task: string, ...args: string[]): string {
    return ["./proofline", task, ...args].join(" ") + this.target;
  }

  /** Where tasks keep what they need later for this deployment (inference inputs, batches): `.proofline/<id>/`. */
  stateFile(...parts: string[]): string {
    return join(this.hre.config.paths.root, ".proofline", this.deploymentId, ...parts);
  }

  /** `file` relative to the project, for printing. */
  shown(file: string): string {
    return relative(this.hre.config.paths.root, file) || file;
  }

  writeJson(file: string, value: unknown): void {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n");
  }

  readJson<T>(file: string, what: string): T {
    if (!existsSync(file)) fail(`${what}: ${this.shown(file)} does not exist`);
    try {
      return JSON.parse(readFileSync(file, "utf8")) as T;
    } catch (error) {
      fail(`${what}: ${this.shown(file)} is not valid JSON (${(error as Error).message})`);
    }
  }

  /** The block to search events from: the deployment's first block (from Ignition's journal), else 0. */
  get startBlock(): number {
    return deploymentStartBlock(this.deploymentId) ?? 0;
  }

  /** The recorded address of `name`; fails when the deployment has none. */
  address(name: ContractName): string {
    const address = findDeployed(this.addresses, name);
    if (address === undefined) fail(`deploy/deployments/${this.deploymentId} records no ${name}`);
    return address;
  }

  ledger(runner?: Signer) {
    return this.ethers.getContractAt("InferenceLedger", this.address("InferenceLedger"), runner);
  }

  registry(runner?: Signer) {
    return this.ethers.getContractAt("ModelRegistry", this.address("ModelRegistry"), runner);
  }

  attesters(runner?: Signer) {
    return this.ethers.getContractAt("AttesterRegistry", this.address("AttesterRegistry"), runner);
  }

  router(runner?: Signer) {
    return this.ethers.getContractAt("VerifierRouter", this.address("VerifierRouter"), runner);
  }

  bonds(runner?: Signer) {
    return this.ethers.getContractAt("BondVault", this.address("BondVault"), runner);
  }

  manager(runner?: Signer) {
    return this.ethers.getContractAt("AccessManager", this.address("AccessManager"), runner);
  }

  /**
   * One of the network's accounts: `spec` is an index into them (`4`) or an address among them. `what` names the
   * role in messages ("--signer", "--key"...). Empty `spec` gives `fallback` (an index), or fails without one.
   */
  async account(spec: string, what: string, fallback?: number): Promise<Signer> {
    const count = this.signers.length;
    if (spec === "") {
      if (fallback === undefined) fail(`pass ${what} <account index or address>`);
      if (count <= fallback) fail(`network ${this.networkName} has no account ${fallback}: pass ${what}`);
      return this.signers[fallback];
    }
    if (/^\d+$/.test(spec)) {
      const index = Number(spec);
      if (index >= count) {
        fail(
          `${what} ${spec}: network ${this.networkName} has ${count} account${count === 1 ? "" : "s"} (0-${count - 1})`,
        );
      }
      return this.signers[index];
    }
    if (!isAddress(spec)) fail(`${what} must be an account index (0, 1, ...) or an address; got "${spec}"`);
    const wanted = getAddress(spec);
    for (const signer of this.signers) if ((await signer.getAddress()) === wanted) return signer;
    fail(
      `${what} ${wanted} is not one of network ${this.networkName}'s accounts: this step needs its signature, so ` +
        "its key must be configured for the network",
    );
  }

  /** The first of the network's accounts for which `test` holds, or undefined. */
  async findAccount(test: (address: string) => Promise<boolean>): Promise<Signer | undefined> {
    for (const signer of this.signers) if (await test(await signer.getAddress())) return signer;
    return undefined;
  }

  /** The latest block's timestamp: the chain's "now" (a local node's clock moves with `time:advance`). */
  async now(): Promise<bigint> {
    const block = await this.ethers.provider.getBlock("latest");
    return BigInt(block!.timestamp);
  }

  /** What to do until `seconds` have passed on this chain. */
  waitHint(seconds: bigint): string {
    return this.kind === "remote"
      ? "wait until then"
      : `on a local node, move its clock: ${this.command("time:advance", `${seconds}`)}`;
  }

  private async checkDeployment(): Promise<void> {
    const where = `deploy/deployments/${this.deploymentId}`;
    if (Object.keys(this.addresses).length === 0) {
      if (this.kind === "built-in") {
        fail(
          `no Proofline deployment here: this is Hardhat's built-in network, which starts empty for every command. ` +
            `Start a node (./proofline node), deploy to it (${localDeployCommand("localhost")}), and add --network localhost`,
        );
      }
      fail(
        `no Proofline deployment recorded for chain ${this.chainId} (${where}/ is missing): deploy first` +
          (this.kind === "local node" ? `: ${localDeployCommand(this.networkName)}` : " (docs/DEPLOYING.md)"),
      );
    }
    const recorded = CORE_CONTRACTS.map((name) => [name, findDeployed(this.addresses, name)] as const).filter(
      (entry): entry is readonly [(typeof CORE_CONTRACTS)[number], string] => entry[1] !== undefined,
    );
    const codes = await Promise.all(recorded.map(([, address]) => this.ethers.provider.getCode(address)));
    const missing = recorded.find((_, i) => codes[i] === "0x");
    if (missing === undefined) return;
    const [name, address] = missing;
    const head = `${where} records ${name} at ${address}, but there is no code there on network ${this.networkName} (chain ${this.chainId})`;
    if (this.kind === "built-in") {
      fail(
        `${head}: this is Hardhat's built-in network, which shares chain id 31337 with a local node but starts empty ` +
          "for every command. Add --network localhost",
      );
    }
    if (this.kind === "local node") {
      fail(
        `${head}: the node was restarted since that deployment (a local node keeps nothing). Deploy again: ` +
          `${localDeployCommand(this.networkName)} (Ignition sees the new node and starts over)`,
      );
    }
    fail(`${head}: check --network, and that its RPC URL points at the chain ${where} was deployed to`);
  }
}

/** A connection to the network `--network` names, with its kind, for tasks that need no deployment. */
export async function connectNetwork(
  hre: HardhatRuntimeEnvironment,
): Promise<{ connection: Connection; kind: ChainKind }> {
  const connection = await hre.network.create();
  return { connection, kind: await chainKind(connection) };
}

/** Whether the connection is Hardhat's built-in network, a local development node (hardhat node, anvil) or other. */
async function chainKind(connection: Connection): Promise<ChainKind> {
  if (connection.networkConfig.type === "edr-simulated") return "built-in";
  try {
    const client = String(await connection.provider.request({ method: "web3_clientVersion" })).toLowerCase();
    return client.includes("hardhatnetwork") || client.includes("anvil") || client.includes("edr")
      ? "local node"
      : "remote";
  } catch {
    return "remote";
  }
}
