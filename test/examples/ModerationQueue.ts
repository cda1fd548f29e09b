import { expect } from "chai";
import { ZeroHash, keccak256, toUtf8Bytes, type Signer } from "ethers";
import { network } from "hardhat";

import { MEDIA_TYPES, OutputCommitment, dataPart, textPart } from "../../src/commitments.js";
import { Verdict } from "../../src/constants.js";
import { Answerers, consumerArgs } from "../../src/consumer.js";
import { Level, RecordState } from "../../src/ledger.js";
import { CHALLENGE_WINDOW, deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const VERDICT_TYPE = MEDIA_TYPES.moderation;
const KEEP = BigInt(Verdict.Keep);
const REMOVE = BigInt(Verdict.Remove);
const post = (text: string) => keccak256(toUtf8Bytes(text));

async function fixture() {
  const scenario = await deployScenario(connection);
  // The moderator is the operator of the scenario's node (the deployer registered it).
  const moderator = scenario.signers.deployer;
  const queue = await ethers.deployContract("ModerationQueue", [
    await scenario.ledger.getAddress(),
    [moderator.address],
  ]);
  /** A Vanilla answer by node key `by` whose part 0 judges `contentHash` with `verdict` (0 keep, 1 remove). */
  const judged = async (contentHash: string, verdict: number, by: Signer = scenario.signers.node) => {
    const output = new OutputCommitment([
      dataPart(VERDICT_TYPE, ["bytes32", "uint8"], [contentHash, verdict]),
      textPart("reasoning"),
    ]);
    const answer = scenario.makeAnswer(
      { claimed: Level.Vanilla, outputCommitment: output.root },
      {
        address: await by.getAddress(),
      },
    );
    await scenario.submit(answer, by);
    return { output, answer };
  };
  return { ...scenario, queue, judged, moderator };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("ModerationQueue (example)", () => {
  it("accepts verdicts only from its moderators' nodes, whatever keys they rotate to", async () => {
    const { queue, judged, advance, signers, moderator, registerNode } = await load();
    expect((await queue.policy()).answerers).to.equal(BigInt(Answerers.Operators));
    expect(await queue.allowedAnswerers()).to.deep.equal([moderator.address]);
    await queue.enqueue(post("gm"));

    // A node anyone registered for free, operated by someone the queue does not list.
    const stranger = signers.publisher;
    await registerNode(stranger, stranger);
    const foreign = await judged(post("gm"), 1, stranger);
    await advance(CHALLENGE_WINDOW + 1n);
    await expect(queue.advance(...consumerArgs(foreign.answer, foreign.output, 0)))
      .to.be.revertedWithCustomError(queue, "AnswererNotAllowed")
      .withArgs(foreign.answer.inferenceId, stranger.address);

    // The moderator rotates to a new node key: its verdicts count without redeploying the queue.
    const newKey = signers.other;
    await registerNode(moderator, newKey);
    const rotated = await judged(post("gm"), 0, newKey);
    await advance(CHALLENGE_WINDOW + 1n);
    await expect(queue.advance(...consumerArgs(rotated.answer, rotated.output, 0))).to.emit(queue, "Moderated");
  });

  it("refuses to advance on an unsettled verdict, then advances once it settles", async () => {
    const { queue, ledger, judged, advance, signers } = await load();
    await expect(queue.connect(signers.other).enqueue(post("gm")))
      .to.emit(queue, "Enqueued")
      .withArgs(0n, post("gm"), signers.other.address);
    const { output, answer } = await judged(post("gm"), 0);
    await expect(queue.advance(...consumerArgs(answer, output, 0)))
      .to.be.revertedWithCustomError(queue, "InferenceNotSettled")
      .withArgs(answer.inferenceId, BigInt(RecordState.Answered));
    expect((await queue.queue()).head).to.equal(0n);

    await advance(CHALLENGE_WINDOW + 1n);
    await expect(queue.advance(...consumerArgs(answer, output, 0)))
      .to.emit(queue, "Moderated")
      .withArgs(0n, post("gm"), KEEP, answer.inferenceId)
      .and.to.emit(queue, "InferenceConsumed")
      .withArgs(answer.inferenceId, await ledger.getAddress(), 0n, BigInt(Level.Vanilla), false);
    const item = await queue.itemOf(0n);
    expect(item.verdict).to.equal(KEEP);
    expect(item.inferenceId).to.equal(answer.inferenceId);
    expect(await queue.queue()).to.deep.equal([1n, 1n]);
  });

  it("never advances on a refuted verdict", async () => {
    const { queue, ledger, judged, attest, signers, advance } = await load();
    await queue.enqueue(post("spam"));
    const { output, answer } = await judged(post("spam"), 0);
    const other = keccak256(toUtf8Bytes("the enclave's output"));
    await ledger.refuteTee(
      answer.inferenceId,
      answer.inputCommitment,
      answer.outputCommitment,
      answer.paymentRef,
      other,
      await attest(signers.enclave, answer, other),
    );
    await advance(CHALLENGE_WINDOW + 1n);
    await expect(queue.advance(...consumerArgs(answer, output, 0))).to.be.revertedWithCustomError(
      queue,
      "InferenceWasRejected",
    );
  });

  it("decides items in order, each with its own verdict, once", async () => {
    const { queue, judged, advance } = await load();
    await queue.enqueue(post("a"));
    await queue.enqueue(post("b"));
    const forB = await judged(post("b"), 1);
    const forA = await judged(post("a"), 1);
    await advance(CHALLENGE_WINDOW + 1n);
    await expect(queue.advance(...consumerArgs(forB.answer, forB.output, 0)))
      .to.be.revertedWithCustomError(queue, "VerdictForOtherContent")
      .withArgs(post("b"), post("a"));
    await queue.advance(...consumerArgs(forA.answer, forA.output, 0));
    await expect(queue.advance(...consumerArgs(forA.answer, forA.output, 0))).to.be.revertedWithCustomError(
      queue,
      "InferenceAlreadyConsumed",
    );
    await queue.advance(...consumerArgs(forB.answer, forB.output, 0));
    expect((await queue.itemOf(1n)).verdict).to.equal(REMOVE);
    await expect(queue.advance(...consumerArgs(forB.answer, forB.output, 0))).to.be.revertedWithCustomError(
      queue,
      "QueueEmpty",
    );
  });

  it("refuses a zero content hash, a non-verdict part, an invalid verdict and unknown items", async () => {
    const { queue, judged, advance } = await load();
    await expect(queue.enqueue(ZeroHash)).to.be.revertedWithCustomError(queue, "ZeroContentHash");
    await queue.enqueue(post("x"));
    const explained = await judged(post("x"), 0);
    const invalid = await judged(post("x"), 7);
    await advance(CHALLENGE_WINDOW + 1n);
    await expect(queue.advance(...consumerArgs(explained.answer, explained.output, 1)))
      .to.be.revertedWithCustomError(queue, "NotAVerdictPart")
      .withArgs(1n);
    await expect(queue.advance(...consumerArgs(invalid.answer, invalid.output, 0)))
      .to.be.revertedWithCustomError(queue, "InvalidVerdict")
      .withArgs(7n);
    await expect(queue.itemOf(1n)).to.be.revertedWithCustomError(queue, "UnknownItem").withArgs(1n);
  });
});
