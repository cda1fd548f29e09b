import { buildModule } from "@nomicfoundation/ignition-core";

/**
 * The Groth16 verifiers generated from the committed proving keys (`tooling/zk-build.sh`): the risk scorer's, one
 * inference per proof, and its batch verifiers, eight and sixteen per proof. Deploying one does not make it usable: a TRUST_ADMIN
 * adds it to the ledger's router (`addVerifier`, `addBatchVerifier`), a delayed action, and the artifact's publisher
 * then binds the artifact to it (`bindArtifact`, then `bindBatchVerifier`).
 */
export default buildModule("ZkVerifiers", (m) => {
  const riskScorerVerifier = m.contract("RiskScorerVerifier");
  const riskScorerBatch8Verifier = m.contract("RiskScorerBatch8Verifier");
  const riskScorerBatch16Verifier = m.contract("RiskScorerBatch16Verifier");
  return { riskScorerVerifier, riskScorerBatch8Verifier, riskScorerBatch16Verifier };
});
