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
  return {
    ...proofline,
    ethers,
    networkHelpers,
    signers: { ...signers, enclave: devEnclave, proxyEnclave: devProxyEnclave },
  };
}
