import { expect } from "chai";
import { ZeroHash } from "ethers";

import { OutputCommitment, textPart } from "../../src/commitments.js";
import { commitmentsOf, consumerArgs } from "../../src/consumer.js";
import { Level, Route, type Answer } from "../../src/ledger.js";

describe("consumer arguments", () => {
  const output = new OutputCommitment([textPart("yes"), textPart("because")]);
  const answer: Answer = {
    inferenceId: "0x" + "11".repeat(32),
    route: Route.Local,
    subject: 1n,
    claimed: Level.TEE,
    inputCommitment: "0x" + "22".repeat(32),
    outputCommitment: output.root,
    paymentRef: ZeroHash,
  };

  it("builds [id, commitments, part, proof] for a part", () => {
    const [id, commitments, part, proof] = consumerArgs(answer, output, 1);
    expect(id).to.equal(answer.inferenceId);
    expect(commitments).to.deep.equal(commitmentsOf(answer));
    expect(part.index).to.equal(1);
    expect(proof).to.deep.equal(output.proof(1));
  });

  it("refuses an output that is not the answer's", () => {
    const other = new OutputCommitment([textPart("no")]);
    expect(() => consumerArgs(answer, other, 0)).to.throw("is not the answer's output commitment");
  });
});
