import type { NetworkConnection } from "hardhat/types/network";

import { DEV_ENCLAVE_MEASUREMENT, deployProofline } from "./devkit.js";

/** The development measurement the scenario's enclaves run (the devkit's `DEV_ENCLAVE_MEASUREMENT`). */
export const MEASUREMENT = DEV_ENCLAVE_MEASUREMENT;

/**
 * This repository's test fixture: the devkit's deployment (`deployProofline`, the one implementation, which
 * integrators get from `proofline/testing`), with the connection's `ethers` and `networkHelpers`, and the two
 * development enclave keys under the names the tests use, `signers.enclave` and `signers.proxyEnclave`.
 */
export async function deployScenario(connection: NetworkConnection) {
  const { ethers, networkHelpers } = connection;
  const proofline = await deployProofline(connection);
  const { devEnclave, devProxyEnclave, ...signers } = proofline.signers;
  /**
   * The example lender (`RiskScoreConsumer`) as the tests and scripts use it: artifact 1 pinned, the scenario's node
   * as its one scorer, the credit bureau (data source 1) as its one attester of features, answers at most `maxAge`
   * seconds old.
   */
  const deployLender = async (maxAge = 3_600n) =>
    ethers.deployContract("RiskScoreConsumer", [
      await proofline.ledger.getAddress(),
      [1n],
      [signers.node.address],
      [1n],
      maxAge,
    ]);
  return {
    ...proofline,
    ethers,
    networkHelpers,
    signers: { ...signers, enclave: devEnclave, proxyEnclave: devProxyEnclave },
    deployLender,
  };
}
