/**
 * The compiled artifacts (ABI and bytecode, as Hardhat writes them) of every contract Proofline deploys, and an
 * Ignition artifact resolver over them, so the system deploys into a project that never compiled Proofline.
 *
 * The files are read relative to this module: in this repository from Hardhat's `artifacts/` (what the last build
 * wrote), in the package from `dist/artifacts/`, where `tsconfig.build.json` copies the same files when the package
 * is built (`npm pack`'s `prepack` step).
 */
import { readFileSync } from "node:fs";

import type { Artifact, ArtifactResolver } from "@nomicfoundation/ignition-core";

/** Where each shipped artifact sits under `artifacts/`. Keep `tsconfig.build.json`'s `include` list equal to it. */
export const ARTIFACT_FILES = {
  /** OpenZeppelin's AccessManager, deployed as-is: holds every admin power. */
  AccessManager: "@openzeppelin/contracts/access/manager/AccessManager.sol/AccessManager.json",
  ModelRegistry: "contracts/registry/ModelRegistry.sol/ModelRegistry.json",
  AttesterRegistry: "contracts/verification/AttesterRegistry.sol/AttesterRegistry.json",
  VerifierRouter: "contracts/verification/VerifierRouter.sol/VerifierRouter.json",
  BondVault: "contracts/bonds/BondVault.sol/BondVault.json",
  InferenceLedger: "contracts/ledger/InferenceLedger.sol/InferenceLedger.json",
  InferenceEscrow: "contracts/payments/InferenceEscrow.sol/InferenceEscrow.json",
  TwinMarket: "contracts/market/TwinMarket.sol/TwinMarket.json",
  /** The Groth16 verifier of the risk scorer circuit (development setup: see docs/ZKML.md). */
  RiskScorerVerifier: "contracts/verification/zk/RiskScorerVerifier.sol/RiskScorerVerifier.json",
  /** Its batch verifiers: eight and sixteen risk-scorer inferences per proof (development setup). */
  RiskScorerBatch8Verifier: "contracts/verification/zk/RiskScorerBatch8Verifier.sol/RiskScorerBatch8Verifier.json",
  RiskScorerBatch16Verifier: "contracts/verification/zk/RiskScorerBatch16Verifier.sol/RiskScorerBatch16Verifier.json",
  /** A test token (ERC-20, EIP-2612, EIP-3009, 6 decimals) for networks without USDC; never for real value. */
  TestUSDC: "contracts/mocks/TestUSDC.sol/TestUSDC.json",
  /** The interface the `Payments` module reads the network's USDC through (ABI only). */
  IERC3009: "contracts/interfaces/IERC3009.sol/IERC3009.json",
  /** The example consumers. */
  RiskScoreConsumer: "contracts/examples/RiskScoreConsumer.sol/RiskScoreConsumer.json",
  ModerationQueue: "contracts/examples/ModerationQueue.sol/ModerationQueue.json",
} as const;

/** The name of a shipped artifact. */
export type ArtifactName = keyof typeof ARTIFACT_FILES;

const cache = new Map<string, Artifact>();

/** The artifact of contract `name` (its ABI, creation bytecode and deployed bytecode, unlinked: none needs a library). */
export function readArtifact(name: ArtifactName): Artifact {
  let artifact = cache.get(name);
  if (artifact === undefined) {
    const file = ARTIFACT_FILES[name];
    if (file === undefined) throw new Error(`Proofline ships no artifact named ${name}`);
    artifact = JSON.parse(readFileSync(new URL(`../artifacts/${file}`, import.meta.url), "utf8")) as Artifact;
    cache.set(name, artifact);
  }
  return artifact;
}

/** Resolves the contract names in Proofline's Ignition modules to the shipped artifacts (no build info). */
export const artifactResolver: ArtifactResolver = {
  loadArtifact: async (contractName) => readArtifact(contractName as ArtifactName),
  getBuildInfo: async () => undefined,
};
