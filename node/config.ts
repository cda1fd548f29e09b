/**
 * The node service's configuration: one typed object, read from the environment (and the local network record that
 * `npm start` writes), validated once at start with a message that names the variable.
 *
 * Keys come from environment variables only (on a live network, export them from Hardhat's keystore or a secrets
 * manager into the service's environment); they are never read from a file in the repository, never written
 * anywhere, and never logged: `describeConfig` prints addresses only.
 *
 * | variable                      | meaning                                                                        |
 * | ----------------------------- | ------------------------------------------------------------------------------ |
 * | `PROOFLINE_RPC_URL`           | the chain's JSON-RPC URL (default: the local network record's)                 |
 * | `PROOFLINE_LOCALNET`          | the local network record (default `.proofline/localnet.json`)                  |
 * | `PROOFLINE_NODE_KEY`          | the node key that signs answers (registered in the attester registry)          |
 * | `PROOFLINE_OPERATOR_KEY`      | the node's operator: sends the node's transactions, is paid on release         |
 * | `PROOFLINE_ENCLAVE_KEY`       | the DEVELOPMENT enclave key that attests TEE answers (a plain key, no hardware) |
 * | `PROOFLINE_FACILITATOR_KEY`   | the in-process x402 facilitator's account (default: the operator's)            |
 * | `PROOFLINE_FACILITATOR_URL`   | use an x402 facilitator over HTTP instead of the in-process one                |
 * | `PROOFLINE_NODE_PORT`         | HTTP port (default 8402); `PROOFLINE_NODE_HOST` (default 127.0.0.1)            |
 * | `PROOFLINE_NODE_DB`           | the job store's SQLite file (default `.proofline/node.db`)                     |
 * | `PROOFLINE_SERVE`             | served artifacts, JSON (default: the local network record's)                  |
 * | `PROOFLINE_DEADLINE_SECONDS`  | how long after payment an answer may settle (default 3600)                     |
 * | `PROOFLINE_BATCH_MS`          | how long TEE attestations gather before a batch is committed (default 2000)    |
 * | `PROOFLINE_PROVERS`           | proving worker threads (default: cores - 1, at least 1)                        |
 */
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

import { Wallet, getAddress, isAddress } from "ethers";

import { MODEL_KINDS, type ModelKind, type ServedArtifactConfig } from "./models.js";

/** The contracts the node talks to. */
export interface NodeAddresses {
  ledger: string;
  registry: string;
  attesters: string;
  router: string;
  escrow: string;
  usdc: string;
  /** The bond vault: paid answers above Vanilla lock the node's bond in it before they are recorded. */
  bonds: string;
}

export interface NodeConfig {
  rpcUrl: string;
  addresses: NodeAddresses;
  nodeKey: string;
  operatorKey: string;
  enclaveKey?: string;
  facilitatorKey: string;
  facilitatorUrl?: string;
  host: string;
  port: number;
  dbFile: string;
  served: ServedArtifactConfig[];
  deadlineSeconds: bigint;
  batchMs: number;
  provers: number;
}

/** A configuration problem: names the variable and what is wrong with it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const fail = (message: string): never => {
  throw new ConfigError(message);
};

function privateKey(env: NodeJS.ProcessEnv, name: string, required: boolean): string | undefined {
  const value = env[name];
  if (value === undefined || value === "")
    return required ? fail(`${name} is not set: the key is required`) : undefined;
  try {
    return new Wallet(value).privateKey;
  } catch {
    return fail(`${name} is not a private key (0x + 64 hex digits)`); // never echo the value
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) fail(`${name} must be an integer in [${min}, ${max}]`);
  return value;
}

/** A served-artifact entry as JSON (PROOFLINE_SERVE or the local network record). */
export interface ServedArtifactJson {
  artifact: string | number;
  kind: string;
  weights: string;
  publisher: string;
  label: string;
  price: string | number;
}

export function parseServed(list: unknown, where: string): ServedArtifactConfig[] {
  if (!Array.isArray(list) || list.length === 0) fail(`${where} must be a non-empty list of served artifacts`);
  return (list as ServedArtifactJson[]).map((entry, i) => {
    const at = `${where}[${i}]`;
    if (!/^[1-9][0-9]*$/.test(String(entry.artifact))) fail(`${at}.artifact must be an artifact id`);
    if (!MODEL_KINDS.includes(entry.kind as ModelKind)) fail(`${at}.kind must be one of ${MODEL_KINDS.join(", ")}`);
    if (typeof entry.weights !== "string" || !existsSync(entry.weights)) fail(`${at}.weights: no such file`);
    if (typeof entry.publisher !== "string" || !isAddress(entry.publisher)) fail(`${at}.publisher must be an address`);
    if (typeof entry.label !== "string" || entry.label === "") fail(`${at}.label must be the model's label`);
    if (!/^[1-9][0-9]*$/.test(String(entry.price))) fail(`${at}.price must be a positive integer (token units)`);
    return {
      artifactId: BigInt(entry.artifact),
      kind: entry.kind as ModelKind,
      weightsFile: entry.weights,
      publisher: getAddress(entry.publisher),
      label: entry.label,
      price: BigInt(entry.price),
    };
  });
}

/** Reads and checks the configuration from `env`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const recordFile = env.PROOFLINE_LOCALNET || ".proofline/localnet.json";
  const record = existsSync(recordFile)
    ? (JSON.parse(readFileSync(recordFile, "utf8")) as {
        rpcUrl: string;
        addresses: Record<string, string>;
        served?: ServedArtifactJson[];
      })
    : undefined;
  const rpcUrl =
    env.PROOFLINE_RPC_URL || record?.rpcUrl || fail("PROOFLINE_RPC_URL is not set (and no local network record)");
  const recorded = record?.addresses ?? {};
  const addresses = {} as NodeAddresses;
  for (const name of ["ledger", "registry", "attesters", "router", "escrow", "usdc", "bonds"] as const) {
    const variable = `PROOFLINE_${name.toUpperCase()}_ADDRESS`;
    const value = env[variable] || recorded[name];
    if (value === undefined || !isAddress(value))
      fail(`${variable} is not set or not an address (no local network record)`);
    addresses[name] = getAddress(value);
  }
  const operatorKey = privateKey(env, "PROOFLINE_OPERATOR_KEY", true)!;
  const served = env.PROOFLINE_SERVE
    ? parseServed(JSON.parse(env.PROOFLINE_SERVE), "PROOFLINE_SERVE")
    : parseServed(record?.served, `${recordFile} "served"`);
  return {
    rpcUrl,
    addresses,
    nodeKey: privateKey(env, "PROOFLINE_NODE_KEY", true)!,
    operatorKey,
    enclaveKey: privateKey(
      env,
      "PROOFLINE_ENCLAVE_KEY",
      served.some((s) => s.kind === "spam-filter"),
    ),
    facilitatorKey: privateKey(env, "PROOFLINE_FACILITATOR_KEY", false) ?? operatorKey,
    facilitatorUrl: env.PROOFLINE_FACILITATOR_URL || undefined,
    host: env.PROOFLINE_NODE_HOST || "127.0.0.1",
    port: integer(env, "PROOFLINE_NODE_PORT", 8402, 0, 65_535),
    dbFile: env.PROOFLINE_NODE_DB || ".proofline/node.db",
    served,
    deadlineSeconds: BigInt(integer(env, "PROOFLINE_DEADLINE_SECONDS", 3_600, 60, 30 * 86_400)),
    batchMs: integer(env, "PROOFLINE_BATCH_MS", 2_000, 10, 3_600_000),
    provers: integer(env, "PROOFLINE_PROVERS", Math.max(1, availableParallelism() - 1), 1, 64),
  };
}

/** The configuration without secrets: what the node logs at start. */
export function describeConfig(config: NodeConfig): Record<string, unknown> {
  return {
    rpcUrl: config.rpcUrl.replace(/\/\/[^/@]*@/, "//***@"), // credentials in a URL are secrets too
    ...config.addresses,
    node: new Wallet(config.nodeKey).address,
    operator: new Wallet(config.operatorKey).address,
    developmentEnclave: config.enclaveKey === undefined ? null : new Wallet(config.enclaveKey).address,
    facilitator: config.facilitatorUrl ?? `in-process (${new Wallet(config.facilitatorKey).address})`,
    listen: `${config.host}:${config.port}`,
    db: config.dbFile,
    served: config.served.map((s) => ({
      artifact: `${s.artifactId}`,
      kind: s.kind,
      label: s.label,
      price: `${s.price}`,
    })),
  };
}
