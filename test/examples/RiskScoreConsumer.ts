import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";

import { MEDIA_TYPES, OutputCommitment, dataPart, textPart } from "../../src/commitments.js";
import { executeDelayed } from "../../src/admin.js";
import { consumerArgs } from "../../src/consumer.js";
import { Level, RecordState, Route, signEnclaveKeyConsent } from "../../src/ledger.js";
import { MEASUREMENT, SETTLEMENT_WINDOW, deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const SCORE_TYPE = MEDIA_TYPES.riskScore;
const MAX_AGE = 3_600n;

async function fixture() {
  const scenario = await deployScenario(connection);
  const lender = await ethers.deployContract("RiskScoreConsumer", [await scenario.ledger.getAddress(), [1n], MAX_AGE]);
  const borrower = scenario.signers.other.address;
  /** An answer scoring `borrower`, with the score in part 0 and an explanation in part 1. */
  const scored = (score: number, overrides = {}, who = borrower) => {
    const output = new OutputCommitment([
      dataPart(SCORE_TYPE, ["address", "uint16"], [who, score]),
      textPart(`score ${score}`),
    ]);
    return { output, answer: scenario.makeAnswer({ outputCommitment: output.root, ...overrides }) };
  };
  /** Answers and TEE-settles a score. */
  const settledScore = async (score: number, overrides = {}, who = borrower) => {
    const { output, answer } = scored(score, overrides, who);
    await scenario.submit(answer);
    await scenario.ledger.settleTee(answer.inferenceId, await scenario.attest(scenario.signers.enclave, answer));
    return { output, answer };
  };
  return { ...scenario, lender, borrower, scored, settledScore };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("RiskScoreConsumer (example)", () => {
  it("declares a settled-only, TEE-or-better, pinned, single-use policy", async () => {
    const { lender } = await load();
    const policy = await lender.policy();
    expect(policy.minLevel).to.equal(BigInt(Level.TEE));
    expect([policy.allowUnsettled, policy.pinArtifacts, policy.singleUse]).to.deep.equal([false, true, true]);
    expect(policy.maxAge).to.equal(MAX_AGE);
    expect(await lender.pinnedArtifacts()).to.deep.equal([1n]);
  });

  it("takes a TEE-settled score from the pinned artifact and sets the loan-to-value", async () => {
    const { lender, ledger, borrower, settledScore } = await load();
    expect(await lender.maxLoanToValueBps(borrower)).to.equal(0n);
    const { output, answer } = await settledScore(250);
    await expect(lender.updateScore(...consumerArgs(answer, output, 0)))
      .to.emit(lender, "ScoreUpdated")
      .withArgs(borrower, 250n, BigInt(Level.TEE), answer.inferenceId)
      .and.to.emit(lender, "InferenceConsumed")
      .withArgs(answer.inferenceId, await ledger.getAddress(), 0n, BigInt(Level.TEE), false);
    const score = await lender.scoreOf(borrower);
    expect(score.score).to.equal(250n);
    expect(score.level).to.equal(BigInt(Level.TEE));
    expect(await lender.maxLoanToValueBps(borrower)).to.equal(7500n);
  });

  it("maps scores to loan-to-value bands", async () => {
    const { lender, borrower, settledScore, advance } = await load();
    for (const [score, ltv] of [
      [600, 5000n],
      [601, 0n],
      [300, 7500n],
    ] as const) {
      await advance(1n);
      const { output, answer } = await settledScore(score);
      await lender.updateScore(...consumerArgs(answer, output, 0));
      expect(await lender.maxLoanToValueBps(borrower)).to.equal(ltv);
    }
  });

  it("refuses an answer that is not settled yet", async () => {
    const { lender, submit, scored } = await load();
    const { output, answer } = scored(100);
    await submit(answer);
    await expect(lender.updateScore(...consumerArgs(answer, output, 0)))
      .to.be.revertedWithCustomError(lender, "InferenceNotSettled")
      .withArgs(answer.inferenceId, 1n);
  });

  it("refuses a settled Vanilla answer: below the TEE level it requires", async () => {
    const { lender, submit, scored, advance } = await load();
    const { output, answer } = scored(100, { claimed: Level.Vanilla });
    await submit(answer);
    await advance(3_601n);
    await expect(lender.updateScore(...consumerArgs(answer, output, 0)))
      .to.be.revertedWithCustomError(lender, "LevelTooLow")
      .withArgs(answer.inferenceId, BigInt(Level.Vanilla), BigInt(Level.TEE));
  });

  it("refuses a proxy-route answer, even TEE-settled", async () => {
    const { lender, ledger, submit, attest, scored, signers } = await load();
    const { output, answer } = scored(100, { route: Route.Proxy, subject: 1n });
    await submit(answer);
    await ledger.settleTee(answer.inferenceId, await attest(signers.proxyEnclave, answer));
    await expect(lender.updateScore(...consumerArgs(answer, output, 0)))
      .to.be.revertedWithCustomError(lender, "ProxyRouteRefused")
      .withArgs(answer.inferenceId, 1n);
  });

  it("refuses a TEE-settled answer from another artifact of the same model (pinned by artifact, not label)", async () => {
    const { lender, ledger, attesters, attestersDomain, manager, submit, attest, scored, signers, advance, beat } =
      await load();
    // A second enclave, bound to artifact 2 (the model's next version), registered through the delayed admin path.
    const enclave2 = signers.deployer;
    const binding = { measurement: MEASUREMENT, route: Route.Local, subject: 2n };
    const register = attesters.interface.encodeFunctionData("registerEnclave", [
      enclave2.address,
      MEASUREMENT,
      Route.Local,
      2n,
      ZeroHash,
      await signEnclaveKeyConsent(enclave2, attestersDomain, binding),
    ]);
    await executeDelayed(manager, signers.trustAdmin, await attesters.getAddress(), register, advance);
    await beat(enclave2);
    const { output, answer } = scored(100, { subject: 2n });
    await submit(answer);
    await ledger.settleTee(answer.inferenceId, await attest(enclave2, answer));
    await expect(lender.updateScore(...consumerArgs(answer, output, 0)))
      .to.be.revertedWithCustomError(lender, "ArtifactNotPinned")
      .withArgs(answer.inferenceId, 2n);
  });

  it("refuses a rejected answer, an old answer, a reused answer and an older answer", async () => {
    const { lender, ledger, submit, scored, settledScore, advance, beat, signers } = await load();
    const late = scored(100);
    await submit(late.answer);
    await advance(SETTLEMENT_WINDOW + 1n);
    await ledger.reject(late.answer.inferenceId);
    await beat(signers.enclave);
    await expect(lender.updateScore(...consumerArgs(late.answer, late.output, 0))).to.be.revertedWithCustomError(
      lender,
      "InferenceWasRejected",
    );

    const old = await settledScore(100);
    const newer = await settledScore(200);
    await lender.updateScore(...consumerArgs(newer.answer, newer.output, 0));
    await expect(lender.updateScore(...consumerArgs(newer.answer, newer.output, 0))).to.be.revertedWithCustomError(
      lender,
      "InferenceAlreadyConsumed",
    );
    await expect(lender.updateScore(...consumerArgs(old.answer, old.output, 0))).to.be.revertedWithCustomError(
      lender,
      "ScoreNotNewer",
    );
    await advance(MAX_AGE + 1n);
    await beat(signers.enclave);
    const stale = await settledScore(300, {}, (await ethers.Wallet.createRandom()).address);
    await advance(MAX_AGE + 1n);
    await expect(lender.updateScore(...consumerArgs(stale.answer, stale.output, 0))).to.be.revertedWithCustomError(
      lender,
      "InferenceTooOld",
    );
  });

  it("refuses the explanation part as a score, a forged part, and an out-of-range score", async () => {
    const { lender, borrower, settledScore } = await load();
    const { output, answer } = await settledScore(100);
    await expect(lender.updateScore(...consumerArgs(answer, output, 1)))
      .to.be.revertedWithCustomError(lender, "NotAScorePart")
      .withArgs(1n);
    const [id, commitments, part, proof] = consumerArgs(answer, output, 0);
    const forged = { ...part, content: dataPart(SCORE_TYPE, ["address", "uint16"], [borrower, 1]).content };
    await expect(lender.updateScore(id, commitments, forged, proof))
      .to.be.revertedWithCustomError(lender, "OutputPartNotCommitted")
      .withArgs(id, 0n);
    const high = await settledScore(1001);
    await expect(lender.updateScore(...consumerArgs(high.answer, high.output, 0)))
      .to.be.revertedWithCustomError(lender, "ScoreOutOfRange")
      .withArgs(1001n);
  });

  it("reports unscored borrowers and answers checkInference without consuming", async () => {
    const { lender, borrower, settledScore } = await load();
    await expect(lender.scoreOf(borrower)).to.be.revertedWithCustomError(lender, "NoScore").withArgs(borrower);
    const { output, answer } = await settledScore(100);
    const record = await lender.checkInference(...consumerArgs(answer, output, 0));
    expect(record.state).to.equal(BigInt(RecordState.Settled));
    expect(record.achieved).to.equal(BigInt(Level.TEE));
    expect(await lender.consumed(answer.inferenceId)).to.equal(false);
  });
});
