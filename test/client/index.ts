import { expect } from "chai";

import * as proofline from "../../src/index.js";

describe("client library entry point", () => {
  it("exports the integrator's API from one module", () => {
    for (const name of [
      "OutputCommitment",
      "InputCommitment",
      "answerDigest",
      "blobIdToBytes32",
      "bytes32ToBlobId",
      "signAnswer",
      "signAttestation",
      "signBatch",
      "SettlementBatch",
      "proveRiskScore",
      "loadRiskModel",
      "riskScorePart",
      "weightsDigest",
      "zkBinding",
      "zkEvidence",
      "SNARK_SCALAR_FIELD",
      "requestRef",
      "signEscrowAuthorization",
      "signPermit",
      "consumerArgs",
      "buildTrail",
      "formatTrail",
      "executeDelayed",
    ]) {
      expect(proofline, name).to.have.property(name);
    }
  });
});
