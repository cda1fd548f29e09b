/**
 * Proofline's client library: everything an integrator needs off-chain, from one entry point.
 *
 * - Commitments (docs/HASHING.md): output and input Merkle commitments, parts and proofs, answer digests.
 * - Blob ids: Walrus-style base64url text <-> bytes32.
 * - Signing (EIP-712): answers, enclave attestations, heartbeats, settlement batches; escrow permits and EIP-3009
 *   authorizations.
 * - ZKML: record binding, Groth16 proofs and their formatting for `settleZk` (`zk.ts`); the risk scorer's model,
 *   Poseidon commitments and proofs (`models/riskScorer.ts`). Served on the TEE route instead: the spam filter's
 *   weights, features, classification and output part (`models/spamFilter.ts`).
 * - Batches: settlement Merkle trees and proofs for `commitBatch` / `settleFromBatch`.
 * - Consumers: the arguments a consumer contract's check takes, attested input parts included.
 * - Attested external data: data source key consents and signatures over input parts (`dataSources.ts`).
 * - The twin market: twin ids, derived from their owner and a salt.
 * - The trail: an inference's history from chain data.
 * - Deployments: Ignition's recorded addresses, who holds which role over them, and the payment token check.
 * - x402 payments into the escrow: the `proofline` scheme's client, server and facilitator (`x402/`).
 * - Mirrors of the contracts' enums and constants (`constants.ts` holds those with no other home).
 */
export * from "./admin.js";
export * from "./batch.js";
export * from "./blobId.js";
export * from "./bonds.js";
export * from "./commitments.js";
export * from "./constants.js";
export * from "./consumer.js";
export * from "./dataSources.js";
export * from "./deployments.js";
export * from "./escrow.js";
export * from "./ledger.js";
export * from "./logs.js";
export * from "./market.js";
export * from "./registry.js";
export * from "./roles.js";
export * from "./selectors.js";
export * from "./tokens.js";
export * from "./trail.js";
export * from "./zk.js";
export * from "./models/riskScorer.js";
export * from "./models/spamFilter.js";
export * from "./x402/index.js";
