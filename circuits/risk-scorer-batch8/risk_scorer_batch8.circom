pragma circom 2.1.0;

include "../risk-scorer/risk_scorer_parts.circom";

// Eight risk-scorer inferences of one artifact in one Groth16 proof (RiskScorerBatch in risk_scorer_parts.circom):
// 1 + 3 x 8 = 25 public signals, settled by the ledger's settleZkMany. See ../README.md.
component main {public [modelCommitment, inputHash, binding, packedOutput]} = RiskScorerBatch(8, 4, 3, 16);
