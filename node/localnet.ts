/**
 * A whole Proofline network on this machine, in one call (`npm start`): a local chain (`hardhat node`, `anvil`, or one
 * already running at a URL), the system deployed with Ignition's `ProoflineLocal` module and set up by the devkit
 * (trust through the real delays, the risk scorer's artifacts bound to their verifier, a registered node key, two
 * development enclaves with fresh heartbeats, a data source), and a record of it all in `.proofline/localnet.json`
 * for the node service, the client and the panel to read.
 *
 * Everything here is DEVELOPMENT set-up: the accounts are the publicly known development accounts of the "test test
 * ... junk" mnemonic, and the enclaves are development enclave keys (plain accounts, no hardware, no quote checked).
 * Nothing of it belongs on a live network.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { HDNodeWallet, Mnemonic } from "ethers";

import { deployProofline } from "../testing/devkit.js";
import { httpProvider, startChain, waitForRpc, type ChainKind, type LocalChain } from "./chain.js";

/** The development mnemonic `hardhat node` and `anvil` both fund: publicly known, never for real value. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Development account `index` of {@link DEV_MNEMONIC}, with its (publicly known) private key. */
export function devWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}

/** Where `npm start` records the network it brought up. */
export const LOCALNET_FILE = ".proofline/localnet.json";

/** What `.proofline/localnet.json` holds. */
export interface LocalnetRecord {
  chain: ChainKind | "external";
  rpcUrl: string;
  chainId: string;
  /** The deployed contracts, by the `ProoflineLocal` module's result names. */
  addresses: Record<string, string>;
  /** Who plays which part, by account index of the development mnemonic. */
  accounts: Record<string, { index: number; address: string }>;
  startedAt: string;
}

/** Options of {@link startLocalnet}. */
export interface LocalnetOptions {
  /** Start this chain client on `port`; ignored with `rpcUrl`. */
  chain?: ChainKind;
  port?: number;
  /** Use the chain already serving at this URL instead of starting one. */
  rpcUrl?: string;
  /** Where to write the record (default `.proofline/localnet.json`). */
  recordFile?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** A running local network. */
export interface Localnet {
  record: LocalnetRecord;
  chain?: LocalChain;
  deployment: Awaited<ReturnType<typeof deployProofline>>;
  /** Stops what `startLocalnet` started (the chain, when it started one). */
  stop(): Promise<void>;
}

/** The devkit's parts by development account index (see `deployProofline`). */
const PARTS = {
  deployer: 0,
  publisher: 1,
  node: 4,
  devEnclave: 5,
  devProxyEnclave: 6,
  other: 7,
  bureau: 8,
  admin: 10,
  guardian: 11,
  trustAdmin: 12,
  feeAdmin: 13,
  feeDestination: 14,
} as const;

/** Brings up a chain (or connects to one), deploys and sets up Proofline, and records it. */
export async function startLocalnet(options: LocalnetOptions = {}): Promise<Localnet> {
  const log = options.log ?? (() => undefined);
  let chain: LocalChain | undefined;
  let rpcUrl = options.rpcUrl;
  if (rpcUrl === undefined) {
    const kind = options.chain ?? "hardhat";
    log(`starting ${kind} on 127.0.0.1:${options.port ?? 8545}`);
    chain = await startChain(kind, options.port ?? 8545);
    rpcUrl = chain.url;
  } else {
    log(`using the chain at ${rpcUrl}`);
    await waitForRpc(rpcUrl, 10_000);
  }
  try {
    log("deploying the system with Ignition and setting up trust through its delays (development enclaves)");
    const started = Date.now();
    const deployment = await deployProofline({ provider: httpProvider(rpcUrl) });
    log(`deployed and set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const accounts = Object.fromEntries(
      Object.entries(PARTS).map(([part, index]) => [part, { index, address: devWallet(index).address }]),
    );
    const record: LocalnetRecord = {
      chain: chain?.kind ?? "external",
      rpcUrl,
      chainId: deployment.chainId.toString(),
      addresses: { ...deployment.addresses },
      accounts,
      startedAt: new Date().toISOString(),
    };
    const file = options.recordFile ?? LOCALNET_FILE;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    log(`recorded in ${file}`);
    return { record, chain, deployment, stop: async () => chain?.stop() };
  } catch (error) {
    await chain?.stop();
    throw error;
  }
}
