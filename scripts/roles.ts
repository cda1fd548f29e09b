/**
 * `npx hardhat roles [--deployment-id <id>] [--network ...]`: a deployment's contracts with their addresses, and who
 * holds which power over them, read back from chain data (logic in src/deployments.ts). The deployment defaults to
 * the connected chain's Ignition deployment (deploy/deployments/chain-<id>/).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  contractsOf,
  defaultDeploymentId,
  deploymentStartBlock,
  findDeployed,
  formatRoleReport,
  readDeployedAddresses,
  readRoles,
} from "../src/deployments.js";

interface RolesArguments {
  deploymentId: string;
  fromBlock: bigint;
  json: boolean;
}

export default async function roles(args: RolesArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  const { ethers, networkName } = await hre.network.create();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const deploymentId = args.deploymentId || defaultDeploymentId(chainId);
  const addresses = readDeployedAddresses(deploymentId);
  const accessManager = findDeployed(addresses, "AccessManager");
  if (accessManager === undefined) {
    throw new Error(`no AccessManager in deploy/deployments/${deploymentId}: deploy with Ignition first`);
  }
  // Role events start with the deployment: search from its first block (the journal's), unless told otherwise.
  const fromBlock = args.fromBlock > 0n ? Number(args.fromBlock) : (deploymentStartBlock(deploymentId) ?? 0);
  const report = await readRoles(ethers.provider, accessManager, contractsOf(addresses), fromBlock);
  const title = `Proofline deployment ${deploymentId} on ${networkName} (chain ${chainId})`;
  console.log(
    args.json
      ? JSON.stringify(
          { deploymentId, chainId, addresses, ...report },
          (_, v) => (typeof v === "bigint" ? `${v}` : v),
          2,
        )
      : formatRoleReport(title, addresses, report),
  );
}
