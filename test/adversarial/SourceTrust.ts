import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";

import { InputCommitment, OutputCommitment } from "../../src/commitments.js";
import { attestedInputArg, consumerArgs } from "../../src/consumer.js";
import { signSourcedData } from "../../src/dataSources.js";
import { Level, Route, inferenceIdFor, signAnswer } from "../../src/ledger.js";
import { inputHash, riskScore, riskScorePart, type RiskInput } from "../../src/models/riskScorer.js";
import { releaseProver, zkInputContent, zkInputPart } from "../../src/zk.js";
import { deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/**
 * ZKML and TEE prove what was computed, not that the input is true nor that the node is one the consumer trusts. The
 * adversaries: any node (registering one is free), and the lender's own scorer node, each proving a real score from
 * features it made up. The promise: the lender acts only on scores its scorer nodes computed over features its credit
 * bureau attested, and every attack below ends in a valid ZKML settlement the lender still refuses.
 */
async function fixture() {
  const scenario = await deployScenario(connection);
  const { signers, ledger } = scenario;
  const lender = await scenario.deployLender(3_600n);
  const borrower = signers.other.address;
  const truth: RiskInput = { subject: borrower, features: [900n, 9n, 100n, 900n], salt: 11n };
  const invented: RiskInput = { subject: borrower, features: [0n, 0n, 900n, 0n], salt: 12n };
  return { ...scenario, lender, borrower, truth, invented };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("adversarial: consumers act on the right source, not just the right proof", function () {
  this.timeout(120_000);
  after(releaseProver);

  it("a node anyone registered proves a score from attested features: refused, it is not a scorer node", async () => {
    const { lender, ledger, registerNode, answerRiskScore, settleRiskScore, signers, truth } = await load();
    const stranger = signers.publisher;
    await registerNode(stranger, stranger);
    const record = await answerRiskScore(truth, { attestedBy: signers.bureau, by: stranger });
    await settleRiskScore(record);
    expect((await ledger.getRecord(record.answer.inferenceId)).achieved).to.equal(BigInt(Level.ZKML));
    await expect(lender.updateScore(...consumerArgs(record.answer, record.output, 0), record.features!))
      .to.be.revertedWithCustomError(lender, "AnswererNotAllowed")
      .withArgs(record.answer.inferenceId, stranger.address);
  });

  it("the scorer node proves a score from features it made up and signed itself: refused, not attested", async () => {
    const { lender, ledger, answerRiskScore, settleRiskScore, signers, invented } = await load();
    const record = await answerRiskScore(invented, { attestedBy: signers.node });
    await settleRiskScore(record);
    expect((await ledger.getRecord(record.answer.inferenceId)).achieved).to.equal(BigInt(Level.ZKML));
    await expect(lender.updateScore(...consumerArgs(record.answer, record.output, 0), record.features!))
      .to.be.revertedWithCustomError(lender, "InputNotAttested")
      .withArgs(record.answer.inferenceId, 0n);
  });

  it("the scorer node commits the attested features and proves over invented ones beside them: refused", async () => {
    const {
      lender,
      ledger,
      bonds,
      domain,
      attestersDomain,
      proveRecord,
      riskScoreEvidence,
      models,
      signers,
      truth,
      invented,
    } = await load();
    // The input holds the bureau's attested commitment to the true features and, beside it, the node's invented one.
    const attested = zkInputContent(inputHash(truth));
    const signature = await signSourcedData(signers.bureau, attestersDomain, attested);
    const inputTree = new InputCommitment([
      zkInputPart(inputHash(truth), "external/credit-bureau", signature),
      zkInputPart(inputHash(invented), "zk-input"),
    ]);
    const score = riskScore(models[0], invented);
    const output = new OutputCommitment([riskScorePart(invented.subject, score)]);
    const answer = {
      inferenceId: inferenceIdFor(signers.node.address, "two inputs"),
      route: Route.Local,
      subject: 1n,
      claimed: Level.ZKML,
      inputCommitment: inputTree.root,
      outputCommitment: output.root,
      paymentRef: ZeroHash,
    };
    await bonds.connect(signers.node).lock(answer.inferenceId, answer.paymentRef);
    await ledger.answer(answer, await signAnswer(signers.node, domain, answer));
    // The proof is over the invented part, and it is a valid one: the record settles at ZKML.
    const record = {
      answer,
      input: invented,
      artifact: 1n,
      inputTree,
      inputIndex: 1,
      output,
      score,
      features: undefined,
    };
    await ledger.settleZk(answer.inferenceId, riskScoreEvidence(await proveRecord(record), record));
    expect((await ledger.getRecord(answer.inferenceId)).achieved).to.equal(BigInt(Level.ZKML));

    // Presented with its proof, the attested part is not the whole input; presented as the whole input, it is not
    // the record's input at all.
    const features = attestedInputArg(inputTree, 0);
    await expect(lender.updateScore(...consumerArgs(answer, output, 0), features))
      .to.be.revertedWithCustomError(lender, "InputNotWhole")
      .withArgs(answer.inferenceId);
    await expect(lender.updateScore(...consumerArgs(answer, output, 0), { ...features, proof: [] }))
      .to.be.revertedWithCustomError(lender, "InputPartNotCommitted")
      .withArgs(answer.inferenceId, 0n);
  });

  it("the scorer node over the bureau's attested features is accepted, and only until the bureau revokes its key", async () => {
    const { lender, answerRiskScore, settleRiskScore, signers, truth, borrower, attesters } = await load();
    const record = await answerRiskScore(truth, { attestedBy: signers.bureau });
    await settleRiskScore(record);
    const args = [...consumerArgs(record.answer, record.output, 0), record.features!] as const;
    expect((await lender.checkInferenceWithInput(...args))[1]).to.equal(1n);
    await attesters.connect(signers.bureau).revokeDataSourceKey(signers.bureau.address);
    await expect(lender.updateScore(...args))
      .to.be.revertedWithCustomError(lender, "InputNotAttested")
      .withArgs(record.answer.inferenceId, 0n);
    await expect(lender.scoreOf(borrower)).to.be.revertedWithCustomError(lender, "NoScore");
  });
});
