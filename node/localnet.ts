/**
 * A whole Proofline network on this machine, in one call (`npm start`): a local chain (`hardhat node`, `anvil`, or one
 * already running at a URL), the system deployed with Ignition's `ProoflineLocal` module and set up by the devkit
 * (trust through the real delays, the risk scorer's artifacts bound to their verifier, a registered node key bonded in
 * ETH and test USDC by its operator, two development enclaves with fresh heartbeats, a data source), and a record of
 * it all in `.proofline/localnet.json`
 * for the node service, the client and the panel to read.
 *
 * Everything here is DEVELOPMENT set-up: the accounts are the publicly known development accounts of the "test test
 * ... junk" mnemonic, and the enclaves are development enclave keys (plain accounts, no hardware, no quote checked).
 * Nothing of it belongs on a live network.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { BrowserProvider, HDNodeWallet, Mnemonic, ZeroAddress, formatEther, formatUnits } from "ethers";

import { executeDelayed } from "../src/admin.js";
import { Route, signEnclaveKeyConsent } from "../src/ledger.js";
import { RISK_SCORER } from "../src/models/riskScorer.js";
import { SPAM_FILTER, loadSpamFilter } from "../src/models/spamFilter.js";
import { toArtifactParams, weightsDigest } from "../src/registry.js";
import { DEV_ENCLAVE_MEASUREMENT, DEV_NODE_BOND, deployProofline, readParameterFile } from "../testing/devkit.js";
import { httpProvider, startChain, waitForRpc, type ChainKind, type ChainOptions, type LocalChain } from "./chain.js";
import type { ServedArtifactJson } from "./config.js";

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
  /** What the node service serves (its `PROOFLINE_SERVE` default). */
  served: ServedArtifactJson[];
  /** The local node's bond in the vault at start (free, in wei and test USDC units). */
  bond: { nodeId: string; eth: string; usdc: string };
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
  /** Passed to `startChain` (coverage runs only). */
  chainOptions?: ChainOptions;
  /** Seconds per settlement round (default {@link LOCAL_ROUND_SECONDS}); tests that wait for rounds shorten it. */
  roundSeconds?: number;
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
  client: 2,
  node: 4,
  devEnclave: 5,
  devProxyEnclave: 6,
  other: 7,
  bureau: 8,
  spamEnclave: 9,
  admin: 10,
  guardian: 11,
  trustAdmin: 12,
  feeAdmin: 13,
  feeDestination: 14,
} as const;

/**
 * The environment of a node service on a local network recorded in `recordFile` (node/config.ts reads it): the
 * development accounts' keys for the node key (4), the operator (0) and the spam filter's development enclave (9),
 * the job store at `dbFile`, any free port; `extra` adds or overrides. Development keys only: they
 * are publicly known.
 */
export function localNodeEnvironment(
  recordFile: string,
  dbFile: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PROOFLINE_LOCALNET: recordFile,
    PROOFLINE_NODE_KEY: devWallet(PARTS.node).privateKey,
    PROOFLINE_OPERATOR_KEY: devWallet(PARTS.deployer).privateKey,
    PROOFLINE_ENCLAVE_KEY: devWallet(PARTS.spamEnclave).privateKey,
    PROOFLINE_NODE_DB: dbFile,
    PROOFLINE_NODE_PORT: "0",
    ...extra,
  };
}

/** The test USDC the local network's client account (development account 2) starts with: 100 USDC. */
export const LOCAL_CLIENT_USDC = 100_000_000n;

/** Settlement rounds on a local network: short, so batched TEE answers settle within a minute. */
export const LOCAL_ROUND_SECONDS = 30;

/** Prices of the served artifacts, in test USDC units (6 decimals): 1 cent and a fifth of a cent. */
export const LOCAL_PRICES = { "risk-scorer": 10_000n, "spam-filter": 2_000n } as const;

/**
 * The spam filter (a second real model, served on the TEE route): its model and artifact registered by the publisher
 * from the weights file, and a development enclave (account 9, a plain key) registered for it by the trust admin
 * through the real delay, with a fresh heartbeat. Returns the artifact id.
 */
async function addSpamFilter(deployment: Awaited<ReturnType<typeof deployProofline>>, provider: BrowserProvider) {
  const { registry, attesters, manager, signers, attestersDomain, addresses } = deployment;
  const bytes = loadSpamFilter().bytes;
  await (await registry.connect(signers.publisher).createModel(SPAM_FILTER.label, "ipfs://spam-filter-card")).wait();
  const [modelId] = await Promise.all([registry.modelIdOf(signers.publisher.address, SPAM_FILTER.label)]);
  const params = toArtifactParams({
    blobId: weightsDigest(bytes),
    contentDigest: weightsDigest(bytes),
    format: SPAM_FILTER.format,
    version: SPAM_FILTER.version,
    zkCommitment: 0n,
  });
  await (await registry.connect(signers.publisher).registerArtifact(modelId, params, true)).wait();
  const artifactId = await registry.currentArtifact(modelId);
  const enclave = await provider.getSigner(PARTS.spamEnclave);
  const consent = await signEnclaveKeyConsent(enclave, attestersDomain, {
    measurement: DEV_ENCLAVE_MEASUREMENT,
    route: Route.Local,
    subject: artifactId,
  });
  const register = attesters.interface.encodeFunctionData("registerEnclave", [
    enclave.address,
    DEV_ENCLAVE_MEASUREMENT,
    Route.Local,
    artifactId,
    // A development enclave has no hardware quote: this stands in for the hash of the one a trust admin checks.
    weightsDigest(new TextEncoder().encode(`development quote of ${enclave.address}`)),
    consent,
  ]);
  await executeDelayed(manager, signers.trustAdmin, addresses.attesters, register, deployment.advance);
  await deployment.beat(enclave);
  return artifactId;
}

/**
 * The local node's bond: its operator (the deployer) deposits {@link DEV_NODE_BOND} in ETH and test USDC where the
 * node has less free (the devkit bonds the node it registers, so usually nothing is sent). Returns the free bond.
 */
async function bondNode(deployment: Awaited<ReturnType<typeof deployProofline>>) {
  const { bonds, usdc, attesters, signers, addresses } = deployment;
  const nodeId = await attesters.nodeIdOf(signers.node.address);
  const eth = (await bonds.bondOf(nodeId, ZeroAddress)).free;
  if (eth < DEV_NODE_BOND.eth) {
    const top = DEV_NODE_BOND.eth - eth;
    await (await bonds.deposit(nodeId, ZeroAddress, top, { value: top })).wait();
  }
  const tokens = (await bonds.bondOf(nodeId, addresses.usdc)).free;
  if (tokens < DEV_NODE_BOND.usdc) {
    const top = DEV_NODE_BOND.usdc - tokens;
    await (await usdc.mint(signers.deployer.address, top)).wait();
    await (await usdc.approve(addresses.bonds, top)).wait();
    await (await bonds.deposit(nodeId, addresses.usdc, top)).wait();
  }
  const [ethBond, usdcBond] = await Promise.all([
    bonds.bondOf(nodeId, ZeroAddress),
    bonds.bondOf(nodeId, addresses.usdc),
  ]);
  return { nodeId, eth: ethBond.free, usdc: usdcBond.free };
}

/** Brings up a chain (or connects to one), deploys and sets up Proofline, and records it. */
export async function startLocalnet(options: LocalnetOptions = {}): Promise<Localnet> {
  const log = options.log ?? (() => undefined);
  let chain: LocalChain | undefined;
  let rpcUrl = options.rpcUrl;
  if (rpcUrl === undefined) {
    const kind = options.chain ?? "hardhat";
    log(`starting ${kind} on 127.0.0.1:${options.port ?? 8545}`);
    chain = await startChain(kind, options.port ?? 8545, options.chainOptions);
    rpcUrl = chain.url;
  } else {
    log(`using the chain at ${rpcUrl}`);
    await waitForRpc(rpcUrl, 10_000);
  }
  try {
    log("deploying the system with Ignition and setting up trust through its delays (development enclaves)");
    const started = Date.now();
    const provider = httpProvider(rpcUrl);
    const parameters = readParameterFile("default");
    parameters.InferenceLedger = {
      ...parameters.InferenceLedger,
      roundDuration: options.roundSeconds ?? LOCAL_ROUND_SECONDS,
    };
    const deployment = await deployProofline({ provider }, { parameters });
    const spamArtifact = await addSpamFilter(deployment, new BrowserProvider(provider));
    // The spam filter's trust delay aged the other development enclaves' heartbeats: they beat again.
    await deployment.beat(deployment.signers.devEnclave);
    await deployment.beat(deployment.signers.devProxyEnclave);
    // A client to pay the node from (`./proofline ask --network localhost` pays from it by default).
    await (await deployment.usdc.mint(devWallet(PARTS.client).address, LOCAL_CLIENT_USDC)).wait();
    log(`deployed and set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const bond = await bondNode(deployment);
    log(
      `node ${bond.nodeId} bonded by its operator (account ${PARTS.deployer}): ${formatEther(bond.eth)} ETH and ` +
        `${formatUnits(bond.usdc, 6)} test USDC free in the bond vault; each paid TEE or ZKML answer locks twice its ` +
        "price until it settles (docs/NODE.md, Bonds)",
    );
    const publisher = deployment.signers.publisher.address;
    const served: ServedArtifactJson[] = [
      {
        artifact: "1",
        kind: "risk-scorer",
        weights: RISK_SCORER.modelFile,
        publisher,
        label: "risk-scorer",
        price: LOCAL_PRICES["risk-scorer"].toString(),
      },
      {
        artifact: spamArtifact.toString(),
        kind: "spam-filter",
        weights: SPAM_FILTER.weightsFile,
        publisher,
        label: SPAM_FILTER.label,
        price: LOCAL_PRICES["spam-filter"].toString(),
      },
    ];
    const accounts = Object.fromEntries(
      Object.entries(PARTS).map(([part, index]) => [part, { index, address: devWallet(index).address }]),
    );
    const record: LocalnetRecord = {
      chain: chain?.kind ?? "external",
      rpcUrl,
      chainId: deployment.chainId.toString(),
      addresses: { ...deployment.addresses },
      accounts,
      served,
      bond: { nodeId: `${bond.nodeId}`, eth: `${bond.eth}`, usdc: `${bond.usdc}` },
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
