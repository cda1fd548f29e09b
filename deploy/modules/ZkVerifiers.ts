import { buildModule } from "@nomicfoundation/ignition-core";

/**
 * The Groth16 verifiers generated from the committed proving keys (`tooling/zk-build.sh`). Deploying one does not make
 * it usable: a TRUST_ADMIN adds it to the ledger's router with `addVerifier`, a delayed action, and the artifact's
 * publisher then binds the artifact to it.
 */
export default buildModule("ZkVerifiers", (m) => {
  const riskScorerVerifier = m.contract("RiskScorerVerifier");
  return { riskScorerVerifier };
});
