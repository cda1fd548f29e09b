/**
 * `npx hardhat trail <inferenceId> [--json] [--ledger 0x..] [--escrow 0x..] [--from-block N] [--network ...]`: the
 * history of one inference, rebuilt from chain data alone (logic in src/trail.ts). Addresses default to the Ignition
 * deployment of the connected chain (deploy/deployments/chain-<id>/deployed_addresses.json).
 */
import { existsSync, readFileSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildTrail, formatTrail, type TrailContract } from "../src/trail.js";

interface TrailArguments {
  inferenceId: string;
  ledger: string;
  escrow: string;
  fromBlock: bigint;
  json: boolean;
}

export default async function trail(args: TrailArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  const { ethers } = await hre.network.connect();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const file = `deploy/deployments/chain-${chainId}/deployed_addresses.json`;
  const deployed: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const ledgerAddress = args.ledger || deployed["InferenceLedger#InferenceLedger"];
  if (!ledgerAddress) throw new Error(`no ledger address: pass --ledger, or deploy with Ignition first (${file})`);
  const ledger = await ethers.getContractAt("InferenceLedger", ledgerAddress);
  const registry = await ethers.getContractAt("ModelRegistry", await ledger.modelRegistry());
  const escrowAddress =
    args.escrow || deployed["Payments#InferenceEscrow"] || deployed["LocalPayments#InferenceEscrow"] || "";
  const escrow = escrowAddress ? await ethers.getContractAt("InferenceEscrow", escrowAddress) : undefined;
  const result = await buildTrail(
    {
      ledger: ledger as unknown as TrailContract,
      registry: registry as unknown as TrailContract,
      escrow: escrow as unknown as TrailContract | undefined,
    },
    args.inferenceId,
    Number(args.fromBlock),
  );
  console.log(args.json ? JSON.stringify(result, null, 2) : formatTrail(result));
}
