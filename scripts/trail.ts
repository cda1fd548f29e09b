/**
 * `npx hardhat trail <inferenceId> [--json] [--ledger 0x..] [--escrow 0x..] [--from-block N] [--input manifest.json]
 * [--network ...]`: the history of one inference, rebuilt from chain data alone (logic in src/trail.ts). With
 * `--input`, a JSON array of the record's input manifest entries (`InputCommitment.manifest`, signatures included),
 * the trail also lists the input parts and checks who signed the attested ones. Addresses default to the Ignition
 * deployment of the connected chain (deploy/deployments/chain-<id>/deployed_addresses.json).
 */
import { readFileSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { InputManifestEntry } from "../src/commitments.js";

import { defaultDeploymentId, deploymentStartBlock, findDeployed, readDeployedAddresses } from "../src/deployments.js";
import { buildTrail, formatTrail } from "../src/trail.js";

interface TrailArguments {
  inferenceId: string;
  ledger: string;
  escrow: string;
  fromBlock: bigint;
  input: string;
  json: boolean;
}

export default async function trail(args: TrailArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  const { ethers } = await hre.network.create();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const deploymentId = defaultDeploymentId(chainId);
  const deployed = readDeployedAddresses(deploymentId);
  const ledgerAddress = args.ledger || findDeployed(deployed, "InferenceLedger");
  if (!ledgerAddress) {
    throw new Error(
      `no ledger address: pass --ledger, or deploy with Ignition first (deploy/deployments/${deploymentId})`,
    );
  }
  const ledger = await ethers.getContractAt("InferenceLedger", ledgerAddress);
  const registry = await ethers.getContractAt("ModelRegistry", await ledger.modelRegistry());
  const attesters = await ethers.getContractAt("AttesterRegistry", await ledger.attesterRegistry());
  const escrowAddress = args.escrow || findDeployed(deployed, "InferenceEscrow") || "";
  const escrow = escrowAddress ? await ethers.getContractAt("InferenceEscrow", escrowAddress) : undefined;
  const input = args.input ? (JSON.parse(readFileSync(args.input, "utf8")) as InputManifestEntry[]) : undefined;
  const result = await buildTrail({ ledger, registry, attesters, escrow }, args.inferenceId, {
    // Without --from-block, start where this chain's deployment did (its journal) when the ledger is that
    // deployment's, else at block 0.
    fromBlock:
      args.fromBlock > 0n
        ? Number(args.fromBlock)
        : ((args.ledger ? undefined : deploymentStartBlock(deploymentId)) ?? 0),
    input,
  });
  console.log(args.json ? JSON.stringify(result, null, 2) : formatTrail(result));
}
