/**
 * The contracts of the system on a chain, for the tasks that work beside a running node (`ask`, `panel`, `serve`):
 * the local network's record (`.proofline/localnet.json`, written by `npm start`) when it is for this chain, else the
 * chain's Ignition deployment (`deploy/deployments/chain-<id>/`), by contract name. Undefined when neither exists.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { LOCALNET_FILE, type LocalnetRecord } from "../../../node/localnet.js";
import { defaultDeploymentId, readDeployedAddresses } from "../../../src/deployments.js";

/** Contract addresses by the deployment module's names (`ledger`, `registry`, `attesters`, `escrow`, `usdc`...). */
export type SystemAddresses = Record<string, string>;

/** Ignition's contract names, as the local network record names them. */
const NAMES: Record<string, string> = {
  InferenceLedger: "ledger",
  ModelRegistry: "registry",
  AttesterRegistry: "attesters",
  InferenceEscrow: "escrow",
  VerifierRouter: "router",
  AccessManager: "accessManager",
};

export function systemAddresses(chainId: bigint, root: string): SystemAddresses | undefined {
  const localnet = join(root, LOCALNET_FILE);
  if (existsSync(localnet)) {
    const record = JSON.parse(readFileSync(localnet, "utf8")) as LocalnetRecord;
    if (BigInt(record.chainId) === chainId) return record.addresses;
  }
  const deployed = readDeployedAddresses(defaultDeploymentId(chainId));
  const addresses: SystemAddresses = {};
  for (const [future, address] of Object.entries(deployed)) {
    const name = NAMES[future.split("#")[1] ?? ""];
    if (name !== undefined) addresses[name] = address;
  }
  return addresses.ledger === undefined ? undefined : addresses;
}
