import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";

import {
  InputCommitment,
  InputKind,
  MEDIA_TYPES,
  OutputCommitment,
  Provenance,
  dataPart,
  textPart,
} from "../../src/commitments.js";
import { executeDelayed } from "../../src/admin.js";
import { Answerers, AttestedInputRule, attestedInputArg, consumerArgs } from "../../src/consumer.js";
import { signDataSourceKeyConsent, signSourcedData } from "../../src/dataSources.js";
import { Level, RecordState, Route, inferenceIdFor, signEnclaveKeyConsent } from "../../src/ledger.js";
import { MEASUREMENT, SETTLEMENT_WINDOW, deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const SCORE_TYPE = MEDIA_TYPES.riskScore;
const MAX_AGE = 3_600n;

async function fixture() {
  const scenario = await deployScenario(connection);
  const { signers, attestersDomain } = scenario;
  const lender = await scenario.deployLender(MAX_AGE);
  const borrower = signers.other.address;
  let counter = 0;
  /** A one-part input: the borrower's features, attested by `signer` (the scenario's bureau, data source 1). */
  const featuresOf = async (who: string, signer = signers.bureau) => {
    counter += 1;
    const content = ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [who, counter]);
    const signature = await signSourcedData(signer, attestersDomain, content);
    return new InputCommitment([
      {
        kind: InputKind.External,
        name: "external/credit-bureau",
        content,
        provenance: Provenance.SourceSigned,
        signature,
      },
    ]);
  };
  /** An answer scoring `borrower` over attested features, with the score in part 0 and an explanation in part 1. */
  const scored = async (score: number, overrides = {}, who = borrower, input?: InputCommitment) => {
    const features = input ?? (await featuresOf(who));
    const output = new OutputCommitment([
      dataPart(SCORE_TYPE, ["address", "uint16"], [who, score]),
      textPart(`score ${score}`),
    ]);
    const answer = scenario.makeAnswer({ inputCommitment: features.root, outputCommitment: output.root, ...overrides });
    return { output, answer, features };
  };
  type Scored = Awaited<ReturnType<typeof scored>>;
  /** `updateScore`'s arguments for output part `index` and input part 0. */
  const args = (scoredAnswer: Scored, index = 0) =>
    [
      ...consumerArgs(scoredAnswer.answer, scoredAnswer.output, index),
      attestedInputArg(scoredAnswer.features, 0),
    ] as const;
  /** Answers and TEE-settles a score. */
  const settledScore = async (score: number, overrides = {}, who = borrower) => {
    const result = await scored(score, overrides, who);
    await scenario.submit(result.answer);
    await scenario.ledger.settleTee(result.answer.inferenceId, await scenario.attest(signers.enclave, result.answer));
    return result;
  };
  return { ...scenario, lender, borrower, featuresOf, scored, args, settledScore };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("RiskScoreConsumer (example)", () => {
  it("declares a settled-only, TEE-or-better, pinned, single-use policy over its nodes and attested features", async () => {
    const { lender, signers } = await load();
    const policy = await lender.policy();
    expect(policy.minLevel).to.equal(BigInt(Level.TEE));
    expect([policy.allowUnsettled, policy.pinArtifacts, policy.singleUse]).to.deep.equal([false, true, true]);
    expect(policy.maxAge).to.equal(MAX_AGE);
    expect(policy.answerers).to.equal(BigInt(Answerers.Nodes));
    expect(policy.attestedInput).to.equal(BigInt(AttestedInputRule.Whole));
    expect(await lender.pinnedArtifacts()).to.deep.equal([1n]);
    expect(await lender.allowedAnswerers()).to.deep.equal([signers.node.address]);
    expect(await lender.allowedDataSources()).to.deep.equal([1n]);
  });

  it("takes a TEE-settled score from the pinned artifact and sets the loan-to-value", async () => {
    const { lender, ledger, borrower, settledScore, args } = await load();
    expect(await lender.maxLoanToValueBps(borrower)).to.equal(0n);
    const scoredAnswer = await settledScore(250);
    const { answer, features } = scoredAnswer;
    await expect(lender.updateScore(...args(scoredAnswer)))
      .to.emit(lender, "ScoreUpdated")
      .withArgs(borrower, 250n, BigInt(Level.TEE), answer.inferenceId)
      .and.to.emit(lender, "InferenceConsumed")
      .withArgs(answer.inferenceId, await ledger.getAddress(), 0n, BigInt(Level.TEE), false)
      .and.to.emit(lender, "AttestedInputUsed")
      .withArgs(answer.inferenceId, 0n, 1n, features.manifest[0].contentHash);
    const score = await lender.scoreOf(borrower);
    expect(score.score).to.equal(250n);
    expect(score.level).to.equal(BigInt(Level.TEE));
    expect(await lender.maxLoanToValueBps(borrower)).to.equal(7500n);
  });

  it("maps scores to loan-to-value bands", async () => {
    const { lender, borrower, settledScore, advance, args } = await load();
    for (const [score, ltv] of [
      [600, 5000n],
      [601, 0n],
      [300, 7500n],
    ] as const) {
      await advance(1n);
      await lender.updateScore(...args(await settledScore(score)));
      expect(await lender.maxLoanToValueBps(borrower)).to.equal(ltv);
    }
  });

  it("refuses an answer that is not settled yet", async () => {
    const { lender, submit, scored, args } = await load();
    const result = await scored(100);
    const { answer } = result;
    await submit(answer);
    await expect(lender.updateScore(...args(result)))
      .to.be.revertedWithCustomError(lender, "InferenceNotSettled")
      .withArgs(answer.inferenceId, 1n);
  });

  it("refuses a settled Vanilla answer: below the TEE level it requires", async () => {
    const { lender, submit, scored, advance, args } = await load();
    const result = await scored(100, { claimed: Level.Vanilla });
    const { answer } = result;
    await submit(answer);
    await advance(3_601n);
    await expect(lender.updateScore(...args(result)))
      .to.be.revertedWithCustomError(lender, "LevelTooLow")
      .withArgs(answer.inferenceId, BigInt(Level.Vanilla), BigInt(Level.TEE));
  });

  it("refuses a proxy-route answer, even TEE-settled", async () => {
    const { lender, ledger, submit, attest, scored, signers, args } = await load();
    const result = await scored(100, { route: Route.Proxy, subject: 1n });
    const { answer } = result;
    await submit(answer);
    await ledger.settleTee(answer.inferenceId, await attest(signers.proxyEnclave, answer));
    await expect(lender.updateScore(...args(result)))
      .to.be.revertedWithCustomError(lender, "ProxyRouteRefused")
      .withArgs(answer.inferenceId, 1n);
  });

  it("refuses a TEE-settled answer from another artifact of the same model (pinned by artifact, not label)", async () => {
    const {
      lender,
      ledger,
      attesters,
      attestersDomain,
      manager,
      submit,
      attest,
      scored,
      signers,
      advance,
      beat,
      args,
    } = await load();
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
    const result = await scored(100, { subject: 2n });
    const { answer } = result;
    await submit(answer);
    await ledger.settleTee(answer.inferenceId, await attest(enclave2, answer));
    await expect(lender.updateScore(...args(result)))
      .to.be.revertedWithCustomError(lender, "ArtifactNotPinned")
      .withArgs(answer.inferenceId, 2n);
  });

  it("refuses a rejected answer, an old answer, a reused answer and an older answer", async () => {
    const { lender, ledger, submit, scored, settledScore, advance, beat, signers, args } = await load();
    const late = await scored(100);
    await submit(late.answer);
    await advance(SETTLEMENT_WINDOW + 1n);
    await ledger.reject(late.answer.inferenceId);
    await beat(signers.enclave);
    await expect(lender.updateScore(...args(late))).to.be.revertedWithCustomError(lender, "InferenceWasRejected");

    const old = await settledScore(100);
    const newer = await settledScore(200);
    await lender.updateScore(...args(newer));
    await expect(lender.updateScore(...args(newer))).to.be.revertedWithCustomError(lender, "InferenceAlreadyConsumed");
    await expect(lender.updateScore(...args(old))).to.be.revertedWithCustomError(lender, "ScoreNotNewer");
    await advance(MAX_AGE + 1n);
    await beat(signers.enclave);
    const stale = await settledScore(300, {}, (await ethers.Wallet.createRandom()).address);
    await advance(MAX_AGE + 1n);
    await expect(lender.updateScore(...args(stale))).to.be.revertedWithCustomError(lender, "InferenceTooOld");
  });

  it("refuses the explanation part as a score, a forged part, and an out-of-range score", async () => {
    const { lender, borrower, settledScore, args } = await load();
    const result = await settledScore(100);
    await expect(lender.updateScore(...args(result, 1)))
      .to.be.revertedWithCustomError(lender, "NotAScorePart")
      .withArgs(1n);
    const [id, commitments, part, proof, features] = args(result);
    const forged = { ...part, content: dataPart(SCORE_TYPE, ["address", "uint16"], [borrower, 1]).content };
    await expect(lender.updateScore(id, commitments, forged, proof, features))
      .to.be.revertedWithCustomError(lender, "OutputPartNotCommitted")
      .withArgs(id, 0n);
    const high = await settledScore(1001);
    await expect(lender.updateScore(...args(high)))
      .to.be.revertedWithCustomError(lender, "ScoreOutOfRange")
      .withArgs(1001n);
  });

  it("reports unscored borrowers and answers checkInferenceWithInput without consuming", async () => {
    const { lender, borrower, settledScore, args } = await load();
    await expect(lender.scoreOf(borrower)).to.be.revertedWithCustomError(lender, "NoScore").withArgs(borrower);
    const result = await settledScore(100);
    const { answer, output } = result;
    const [record, sourceId] = await lender.checkInferenceWithInput(...args(result));
    expect(record.state).to.equal(BigInt(RecordState.Settled));
    expect(record.achieved).to.equal(BigInt(Level.TEE));
    expect(sourceId).to.equal(1n);
    expect(await lender.consumed(answer.inferenceId)).to.equal(false);
    // Without its attested input the check refuses: the policy requires one.
    await expect(lender.checkInference(...consumerArgs(answer, output, 0)))
      .to.be.revertedWithCustomError(lender, "AttestedInputRequired")
      .withArgs(answer.inferenceId);
  });

  describe("who answered, and over what", () => {
    it("refuses a TEE-settled score from a node it does not list", async () => {
      const { lender, ledger, registerNode, scored, submit, attest, signers, args } = await load();
      const stranger = signers.publisher;
      await registerNode(stranger, stranger);
      const result = await scored(100, { inferenceId: inferenceIdFor(stranger.address, "stranger's score") });
      const { answer } = result;
      await submit(answer, stranger);
      await ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer));
      await expect(lender.updateScore(...args(result)))
        .to.be.revertedWithCustomError(lender, "AnswererNotAllowed")
        .withArgs(answer.inferenceId, stranger.address);
    });

    it("refuses features nobody attested, attested by a source it does not list, or by a revoked key", async () => {
      const { lender, ledger, attesters, attestersDomain, scored, submit, attest, signers, args, featuresOf } =
        await load();
      const settle = async (input: InputCommitment) => {
        const result = await scored(100, {}, undefined, input);
        await submit(result.answer);
        await ledger.settleTee(result.answer.inferenceId, await attest(signers.enclave, result.answer));
        return result;
      };
      // Unattested: the part went in as Unattested, so presenting it as attested matches no leaf.
      const content = "0x1234";
      const plain = await settle(
        new InputCommitment([
          { kind: InputKind.External, name: "external/credit-bureau", content, provenance: Provenance.Unattested },
        ]),
      );
      const signature = await signSourcedData(signers.bureau, attestersDomain, content);
      const [id, commitments, part, proof, presented] = args({
        ...plain,
        features: new InputCommitment([
          {
            kind: InputKind.External,
            name: "external/credit-bureau",
            content,
            provenance: Provenance.SourceSigned,
            signature,
          },
        ]),
      });
      await expect(lender.updateScore(id, commitments, part, proof, presented))
        .to.be.revertedWithCustomError(lender, "InputPartNotCommitted")
        .withArgs(id, 0n);

      // Signed by a key no data source registered (the node itself).
      const selfSigned = await settle(await featuresOf(signers.other.address, signers.node));
      await expect(lender.updateScore(...args(selfSigned)))
        .to.be.revertedWithCustomError(lender, "InputNotAttested")
        .withArgs(selfSigned.answer.inferenceId, 0n);

      // Signed by a registered data source the lender does not list.
      const rival = signers.deployer;
      await attesters.connect(rival).registerDataSource("rival-bureau");
      await attesters
        .connect(rival)
        .addDataSourceKey(2n, rival.address, await signDataSourceKeyConsent(rival, attestersDomain, 2n));
      const byRival = await settle(await featuresOf(signers.other.address, rival));
      await expect(lender.updateScore(...args(byRival)))
        .to.be.revertedWithCustomError(lender, "DataSourceNotAllowed")
        .withArgs(byRival.answer.inferenceId, 2n);

      // Attested by the bureau, whose key is then revoked: nothing it signed counts any more.
      const attested = await settle(await featuresOf(signers.other.address));
      await attesters.connect(signers.bureau).revokeDataSourceKey(signers.bureau.address);
      await expect(lender.updateScore(...args(attested)))
        .to.be.revertedWithCustomError(lender, "InputNotAttested")
        .withArgs(attested.answer.inferenceId, 0n);
    });

    it("refuses attested features that are only part of the input", async () => {
      const { lender, ledger, attestersDomain, scored, submit, attest, signers, args } = await load();
      const content = "0x5678";
      const signature = await signSourcedData(signers.bureau, attestersDomain, content);
      const input = new InputCommitment([
        {
          kind: InputKind.External,
          name: "external/credit-bureau",
          content,
          provenance: Provenance.SourceSigned,
          signature,
        },
        { kind: InputKind.External, name: "zk-input", content: "0x9abc", provenance: Provenance.Unattested },
      ]);
      const result = await scored(100, {}, undefined, input);
      await submit(result.answer);
      await ledger.settleTee(result.answer.inferenceId, await attest(signers.enclave, result.answer));
      await expect(lender.updateScore(...args(result)))
        .to.be.revertedWithCustomError(lender, "InputNotWhole")
        .withArgs(result.answer.inferenceId);
    });
  });
});
