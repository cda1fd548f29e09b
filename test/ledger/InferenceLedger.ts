import { expect } from "chai";
import { TypedDataEncoder, ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import {
  ANSWER_BATCH_TYPES,
  ANSWER_TYPES,
  ATTESTATION_TYPES,
  Level,
  RecordState,
  Route,
  ledgerDomain,
  signAnswer,
  signAnswers,
  type Answer,
} from "../../src/ledger.js";
import { answerDigest } from "../../src/commitments.js";
import { RevocationReason } from "../../src/registry.js";
import { CHALLENGE_WINDOW, MEASUREMENT, SETTLEMENT_WINDOW, deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { networkHelpers } = connection;
const fixture = () => deployScenario(connection);
const load = () => networkHelpers.loadFixture(fixture);

describe("InferenceLedger", () => {
  describe("answer", () => {
    it("stores a two-slot record (digest by id, fields by id and digest), achieved Vanilla, and emits every field", async () => {
      const { ledger, makeAnswer, submit } = await load();
      const answer = makeAnswer({ claimed: Level.TEE });
      await expect(submit(answer))
        .to.emit(ledger, "Answered")
        .withArgs(
          answer.inferenceId,
          1n,
          1n,
          Route.Local,
          Level.TEE,
          answer.inputCommitment,
          answer.outputCommitment,
          answer.paymentRef,
        );
      const record = await ledger.getRecord(answer.inferenceId);
      expect(record.nodeId).to.equal(1n);
      expect(record.subject).to.equal(1n);
      expect(record.claimed).to.equal(BigInt(Level.TEE));
      expect(record.achieved).to.equal(BigInt(Level.Vanilla));
      expect(record.state).to.equal(BigInt(RecordState.Answered));
      expect(record.answerDigest).to.equal(
        answerDigest(answer.inputCommitment, answer.outputCommitment, answer.paymentRef),
      );
      expect(await ledger.stateOf(answer.inferenceId)).to.equal(BigInt(RecordState.Answered));
    });

    it("records a proxy route against a registered provider", async () => {
      const { ledger, makeAnswer, submit } = await load();
      const answer = makeAnswer({ route: Route.Proxy, subject: 1n });
      await submit(answer);
      expect((await ledger.getRecord(answer.inferenceId)).route).to.equal(BigInt(Route.Proxy));
    });

    it("reverts with AlreadyRecorded when the same inference is answered again", async () => {
      const { ledger, makeAnswer, submit, signers } = await load();
      const answer = makeAnswer();
      await submit(answer);
      // Unbonded: the ledger refuses the copy before it looks at the bond.
      await expect(submit({ ...answer, outputCommitment: ZeroHash }, signers.node, { bond: false }))
        .to.be.revertedWithCustomError(ledger, "AlreadyRecorded")
        .withArgs(answer.inferenceId);
    });

    it("reverts with ZeroInferenceId and InvalidClaim on a malformed answer", async () => {
      const { ledger, makeAnswer, submit: bonded, signers } = await load();
      // Unbonded: these are refused before the ledger looks at the bond.
      const submit = (answer: Answer) => bonded(answer, signers.node, { bond: false });
      await expect(submit(makeAnswer({ inferenceId: ZeroHash }))).to.be.revertedWithCustomError(
        ledger,
        "ZeroInferenceId",
      );
      await expect(submit(makeAnswer({ claimed: Level.None })))
        .to.be.revertedWithCustomError(ledger, "InvalidClaim")
        .withArgs(Route.Local, Level.None);
      await expect(submit(makeAnswer({ route: Route.Proxy, claimed: Level.ZKML })))
        .to.be.revertedWithCustomError(ledger, "InvalidClaim")
        .withArgs(Route.Proxy, Level.ZKML);
    });

    it("reverts with NotActiveNode for an unregistered or deactivated signer", async () => {
      const { ledger, attesters, makeAnswer, submit, signers } = await load();
      await expect(submit(makeAnswer(), signers.other, { bond: false }))
        .to.be.revertedWithCustomError(ledger, "NotActiveNode")
        .withArgs(signers.other.address);
      await attesters.connect(signers.deployer).deactivateNode(1n);
      await expect(submit(makeAnswer(), signers.node, { bond: false }))
        .to.be.revertedWithCustomError(ledger, "NotActiveNode")
        .withArgs(signers.node.address);
    });

    it("refuses a signature replayed from another chain or another ledger", async () => {
      const { ledger, makeAnswer, signers, domain } = await load();
      const answer = makeAnswer();
      for (const foreign of [
        ledgerDomain(8453n, String(domain.verifyingContract)),
        ledgerDomain(BigInt(domain.chainId!), signers.other.address),
      ]) {
        const signature = await signAnswer(signers.node, foreign, answer);
        await expect(ledger.answer(answer, signature)).to.be.revertedWithCustomError(ledger, "NotActiveNode");
      }
      await expect(ledger.answer(answer, "0x1234")).to.be.revertedWithCustomError(
        ledger,
        "ECDSAInvalidSignatureLength",
      );
    });

    it("reverts with InvalidAnswerSubject for an unknown or revoked artifact, or an unknown provider", async () => {
      const { ledger, attesters, registry, makeAnswer, submit, signers } = await load();
      await expect(submit(makeAnswer({ subject: 9n })))
        .to.be.revertedWithCustomError(ledger, "InvalidAnswerSubject")
        .withArgs(Route.Local, 9n);
      await expect(submit(makeAnswer({ subject: 0n })))
        .to.be.revertedWithCustomError(ledger, "InvalidAnswerSubject")
        .withArgs(Route.Local, 0n);
      await registry.connect(signers.publisher).revokeArtifact(1n, RevocationReason.Compromised);
      await expect(submit(makeAnswer({ subject: 1n })))
        .to.be.revertedWithCustomError(ledger, "InvalidAnswerSubject")
        .withArgs(Route.Local, 1n);
      await expect(submit(makeAnswer({ route: Route.Proxy, subject: 2n })))
        .to.be.revertedWithCustomError(ledger, "InvalidAnswerSubject")
        .withArgs(Route.Proxy, 2n);
      await expect(submit(makeAnswer({ route: Route.Proxy, subject: 0n })))
        .to.be.revertedWithCustomError(ledger, "InvalidAnswerSubject")
        .withArgs(Route.Proxy, 0n);
      // The attester registry decides: a provider registered there is a valid subject at once.
      await attesters.registerProvider("anthropic/claude");
      const proxied = makeAnswer({ route: Route.Proxy, subject: 2n });
      await submit(proxied);
      expect((await ledger.getRecord(proxied.inferenceId)).subject).to.equal(2n);
    });
  });

  describe("answerMany", () => {
    it("records many answers of one node under one signature, each stored, evented and bonded as answer does", async () => {
      const { ledger, bonds, makeAnswer, signers, domain } = await load();
      const answers = [
        makeAnswer({ claimed: Level.TEE }),
        makeAnswer({ claimed: Level.Vanilla }),
        makeAnswer({ claimed: Level.ZKML, subject: 2n }),
        makeAnswer({ claimed: Level.TEE, route: Route.Proxy, subject: 1n }),
      ];
      for (const answer of answers) {
        if (answer.claimed !== Level.Vanilla)
          await bonds.connect(signers.node).lock(answer.inferenceId, answer.paymentRef);
      }
      const signature = await signAnswers(signers.node, domain, answers);
      expect(await ledger.answerBatchTypedDataHash(answers)).to.equal(
        TypedDataEncoder.hash(domain, ANSWER_BATCH_TYPES, { answers }),
      );
      const tx = ledger.answerMany(answers, signature);
      for (const answer of answers) {
        await expect(tx)
          .to.emit(ledger, "Answered")
          .withArgs(
            answer.inferenceId,
            1n,
            answer.subject,
            answer.route,
            answer.claimed,
            answer.inputCommitment,
            answer.outputCommitment,
            answer.paymentRef,
          );
      }
      for (const answer of answers) {
        const record = await ledger.getRecord(answer.inferenceId);
        expect(record.claimed).to.equal(BigInt(answer.claimed));
        expect(record.answerDigest).to.equal(
          answerDigest(answer.inputCommitment, answer.outputCommitment, answer.paymentRef),
        );
      }
      // Replayed, the batch records nothing twice.
      await expect(ledger.answerMany(answers, signature))
        .to.be.revertedWithCustomError(ledger, "AlreadyRecorded")
        .withArgs(answers[0].inferenceId);
    });

    it("fails as a whole when any answer fails a check of answer's: unbonded, another node's id, a bad subject", async () => {
      const { ledger, bonds, makeAnswer, signers, domain } = await load();
      const good = makeAnswer({ claimed: Level.Vanilla });
      const unbonded = makeAnswer({ claimed: Level.TEE });
      await expect(ledger.answerMany([good, unbonded], await signAnswers(signers.node, domain, [good, unbonded])))
        .to.be.revertedWithCustomError(bonds, "ClaimNotBonded")
        .withArgs(unbonded.inferenceId, 1n);
      const foreign = makeAnswer({ claimed: Level.Vanilla }, signers.other);
      await expect(ledger.answerMany([good, foreign], await signAnswers(signers.node, domain, [good, foreign])))
        .to.be.revertedWithCustomError(ledger, "InferenceIdOfAnotherNode")
        .withArgs(foreign.inferenceId, signers.node.address);
      // The subject is read again whenever it changes from one answer to the next.
      const unknown = makeAnswer({ claimed: Level.Vanilla, subject: 99n });
      await expect(ledger.answerMany([good, unknown], await signAnswers(signers.node, domain, [good, unknown])))
        .to.be.revertedWithCustomError(ledger, "InvalidAnswerSubject")
        .withArgs(Route.Local, 99n);
      const proxied = makeAnswer({ claimed: Level.Vanilla, route: Route.Proxy, subject: 1n });
      const badProxy = makeAnswer({ claimed: Level.Vanilla, route: Route.Proxy, subject: 2n });
      await expect(ledger.answerMany([proxied, badProxy], await signAnswers(signers.node, domain, [proxied, badProxy])))
        .to.be.revertedWithCustomError(ledger, "InvalidAnswerSubject")
        .withArgs(Route.Proxy, 2n);
      expect(await ledger.stateOf(good.inferenceId)).to.equal(BigInt(RecordState.None));
    });

    it("refuses an empty batch, a signature over other answers, and a key that is not an active node", async () => {
      const { ledger, makeAnswer, signers, domain } = await load();
      await expect(ledger.answerMany([], await signAnswers(signers.node, domain, []))).to.be.revertedWithCustomError(
        ledger,
        "EmptyAnswerBatch",
      );
      const [a, b] = [makeAnswer({ claimed: Level.Vanilla }), makeAnswer({ claimed: Level.Vanilla })];
      // Signed for [a], submitted as [a, b]: the signature recovers another key.
      await expect(
        ledger.answerMany([a, b], await signAnswers(signers.node, domain, [a])),
      ).to.be.revertedWithCustomError(ledger, "NotActiveNode");
      const theirs = makeAnswer({ claimed: Level.Vanilla }, signers.other);
      await expect(ledger.answerMany([theirs], await signAnswers(signers.other, domain, [theirs])))
        .to.be.revertedWithCustomError(ledger, "NotActiveNode")
        .withArgs(signers.other.address);
    });
  });

  describe("settleTee", () => {
    it("settles a TEE claim with a live, bound enclave's attestation", async () => {
      const { ledger, makeAnswer, submit, attest, signers } = await load();
      const answer = makeAnswer({ claimed: Level.TEE });
      await submit(answer);
      const round = await ledger.currentRound();
      const tx = ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer));
      await expect(tx)
        .to.emit(ledger, "Attested")
        .withArgs(answer.inferenceId, Level.TEE, signers.enclave.address, ZeroHash, round);
      await expect(tx).to.emit(ledger, "InferenceSettled").withArgs(answer.inferenceId, Level.TEE, round);
      const record = await ledger.getRecord(answer.inferenceId);
      expect(record.achieved).to.equal(BigInt(Level.TEE));
      expect(record.state).to.equal(BigInt(RecordState.Settled));
      expect(record.round).to.equal(round);
      expect(record.settledAt).to.be.greaterThan(0n);
    });

    it("raises a ZKML claim to TEE achieved but leaves it unsettled: achieved is what was proven", async () => {
      const { ledger, makeAnswer, submit, attest, signers } = await load();
      const answer = makeAnswer({ claimed: Level.ZKML });
      await submit(answer);
      await expect(ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer))).not.to.emit(
        ledger,
        "InferenceSettled",
      );
      const record = await ledger.getRecord(answer.inferenceId);
      expect(record.achieved).to.equal(BigInt(Level.TEE));
      expect(record.state).to.equal(BigInt(RecordState.Answered));
      // Attested, not settled: no settlement time or round is written (the attestation is in Attested).
      expect(record.settledAt).to.equal(0n);
      expect(record.round).to.equal(0n);
      await expect(ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer)))
        .to.be.revertedWithCustomError(ledger, "LevelNotRaised")
        .withArgs(answer.inferenceId, Level.TEE);
    });

    it("settles a proxy route only through an enclave bound to the same provider", async () => {
      const { ledger, makeAnswer, submit, attest, signers } = await load();
      const answer = makeAnswer({ route: Route.Proxy, subject: 1n });
      await submit(answer);
      await expect(ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer)))
        .to.be.revertedWithCustomError(ledger, "EnclaveBindingMismatch")
        .withArgs(signers.enclave.address, Route.Local, 1n);
      await ledger.settleTee(answer.inferenceId, await attest(signers.proxyEnclave, answer));
      expect(await ledger.stateOf(answer.inferenceId)).to.equal(BigInt(RecordState.Settled));
    });

    it("refuses an attestation over different content", async () => {
      const { ledger, makeAnswer, submit, attest, signers } = await load();
      const answer = makeAnswer();
      await submit(answer);
      const wrong = await attest(signers.enclave, answer, keccak256(toUtf8Bytes("other output")));
      await expect(ledger.settleTee(answer.inferenceId, wrong)).to.be.revertedWithCustomError(ledger, "EnclaveNotLive");
    });

    it("refuses a stale enclave, and accepts it again after a fresh heartbeat", async () => {
      const { ledger, attesters, makeAnswer, submit, attest, signers, advance, beat } = await load();
      const answer = makeAnswer();
      await submit(answer);
      await advance(3_601n);
      const signature = await attest(signers.enclave, answer);
      await expect(ledger.settleTee(answer.inferenceId, signature))
        .to.be.revertedWithCustomError(ledger, "EnclaveNotLive")
        .withArgs(signers.enclave.address);
      expect(await attesters.isEnclaveLive(signers.enclave.address)).to.equal(false);
      await beat(signers.enclave);
      await ledger.settleTee(answer.inferenceId, signature);
    });

    it("refuses an enclave whose measurement was revoked or which was disabled, at once", async () => {
      const { ledger, attesters, makeAnswer, submit, attest, signers } = await load();
      const first = makeAnswer();
      const second = makeAnswer({ route: Route.Proxy });
      await submit(first);
      await submit(second);
      await expect(attesters.connect(signers.guardian).disableEnclave(signers.proxyEnclave.address))
        .to.emit(attesters, "EnclaveDisabled")
        .withArgs(signers.proxyEnclave.address, signers.guardian.address);
      await expect(
        ledger.settleTee(second.inferenceId, await attest(signers.proxyEnclave, second)),
      ).to.be.revertedWithCustomError(ledger, "EnclaveNotLive");
      await expect(attesters.connect(signers.guardian).revokeMeasurement(MEASUREMENT))
        .to.emit(attesters, "MeasurementRevoked")
        .withArgs(MEASUREMENT, signers.guardian.address);
      await expect(ledger.settleTee(first.inferenceId, await attest(signers.enclave, first)))
        .to.be.revertedWithCustomError(ledger, "EnclaveNotLive")
        .withArgs(signers.enclave.address);
    });

    it("reverts with UnknownInference, NotPending and DeadlinePassed outside an open record", async () => {
      const { ledger, makeAnswer, submit, attest, signers, advance } = await load();
      const missing = makeAnswer();
      await expect(ledger.settleTee(missing.inferenceId, await attest(signers.enclave, missing)))
        .to.be.revertedWithCustomError(ledger, "UnknownInference")
        .withArgs(missing.inferenceId);
      const answer = makeAnswer();
      await submit(answer);
      await ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer));
      await expect(ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer)))
        .to.be.revertedWithCustomError(ledger, "NotPending")
        .withArgs(answer.inferenceId, RecordState.Settled);
      const late = makeAnswer();
      await submit(late);
      await advance(SETTLEMENT_WINDOW + 1n);
      await expect(
        ledger.settleTee(late.inferenceId, await attest(signers.enclave, late)),
      ).to.be.revertedWithCustomError(ledger, "DeadlinePassed");
    });
  });

  describe("inspect and lookupByDigest", () => {
    it("answers the record's status by id, and by id and answer digest with the same words", async () => {
      const { ledger, makeAnswer, submit, advance } = await load();
      const answer = makeAnswer({ claimed: Level.Vanilla });
      await submit(answer);
      const digest = answerDigest(answer.inputCommitment, answer.outputCommitment, answer.paymentRef);
      const record = await ledger.getRecord(answer.inferenceId);
      const expected = [BigInt(RecordState.Answered), BigInt(Level.Vanilla), BigInt(answer.route), answer.subject];
      const status = await ledger.inspect(answer.inferenceId);
      expect([...status]).to.deep.equal([...expected, record.answeredAt, digest]);
      expect([...(await ledger.lookupByDigest(answer.inferenceId, digest))]).to.deep.equal([...status]);
      // A Vanilla claim past its challenge window reads Settled before anyone finalizes it.
      await advance(CHALLENGE_WINDOW + 1n);
      expect((await ledger.lookupByDigest(answer.inferenceId, digest)).state).to.equal(BigInt(RecordState.Settled));
      expect((await ledger.inspect(answer.inferenceId)).state).to.equal(BigInt(RecordState.Settled));
    });

    it("answers as inspect for another digest (so the caller sees the mismatch) and None for an unknown id", async () => {
      const { ledger, makeAnswer, submit } = await load();
      const answer = makeAnswer();
      await submit(answer);
      const other = keccak256(toUtf8Bytes("other commitments"));
      const status = await ledger.lookupByDigest(answer.inferenceId, other);
      expect([...status]).to.deep.equal([...(await ledger.inspect(answer.inferenceId))]);
      expect(status.answerDigest).to.not.equal(other);
      const unknown = await ledger.lookupByDigest(keccak256(toUtf8Bytes("never answered")), other);
      expect([...unknown]).to.deep.equal([0n, 0n, 0n, 0n, 0n, ZeroHash]);
    });

    it("keeps lookupByDigest the lowest selector, the first the dispatcher compares", async () => {
      const { ledger } = await load();
      const selectors: string[] = [];
      ledger.interface.forEachFunction((fn) => selectors.push(fn.selector));
      selectors.sort();
      expect(selectors[0]).to.equal(ledger.interface.getFunction("lookupByDigest")!.selector);
    });
  });

  describe("finalize and stateOf", () => {
    it("settles a Vanilla claim once its challenge window passes unrefuted", async () => {
      const { ledger, makeAnswer, submit, advance } = await load();
      const answer = makeAnswer({ claimed: Level.Vanilla });
      await submit(answer);
      const deadline = await ledger.deadlineOf(answer.inferenceId);
      await expect(ledger.finalize(answer.inferenceId))
        .to.be.revertedWithCustomError(ledger, "DeadlineNotReached")
        .withArgs(answer.inferenceId, deadline);
      await advance(CHALLENGE_WINDOW + 1n);
      expect(await ledger.stateOf(answer.inferenceId)).to.equal(BigInt(RecordState.Settled));
      expect((await ledger.getRecord(answer.inferenceId)).state).to.equal(BigInt(RecordState.Answered));
      await expect(ledger.finalize(answer.inferenceId)).to.emit(ledger, "InferenceSettled");
      const record = await ledger.getRecord(answer.inferenceId);
      expect(record.state).to.equal(BigInt(RecordState.Settled));
      expect(record.achieved).to.equal(BigInt(Level.Vanilla));
      await expect(ledger.finalize(answer.inferenceId))
        .to.be.revertedWithCustomError(ledger, "NotPending")
        .withArgs(answer.inferenceId, RecordState.Settled);
    });

    it("refuses to finalize at the last second of the window, and finalizes the second after", async () => {
      const { ledger, makeAnswer, submit, networkHelpers: helpers } = await load();
      const answer = makeAnswer({ claimed: Level.Vanilla });
      await submit(answer);
      const deadline = await ledger.deadlineOf(answer.inferenceId);
      expect(deadline).to.equal((await ledger.getRecord(answer.inferenceId)).answeredAt + CHALLENGE_WINDOW);
      await helpers.time.setNextBlockTimestamp(deadline);
      await expect(ledger.finalize(answer.inferenceId))
        .to.be.revertedWithCustomError(ledger, "DeadlineNotReached")
        .withArgs(answer.inferenceId, deadline);
      await helpers.time.setNextBlockTimestamp(deadline + 1n);
      await expect(ledger.finalize(answer.inferenceId)).to.emit(ledger, "InferenceSettled");
    });

    it("records when the claim became final and that moment's round, not the time of the call", async () => {
      const { ledger, makeAnswer, submit, attest, signers, beat, networkHelpers: helpers } = await load();
      const vanilla = makeAnswer({ claimed: Level.Vanilla });
      await submit(vanilla);
      const final = (await ledger.getRecord(vanilla.inferenceId)).answeredAt + CHALLENGE_WINDOW + 1n;
      // A TEE claim settled at that very second tells which round contains it.
      const reference = makeAnswer({ claimed: Level.TEE });
      await submit(reference);
      await helpers.time.increaseTo(final - 10n);
      await beat(signers.enclave);
      await helpers.time.setNextBlockTimestamp(final);
      await ledger.settleTee(reference.inferenceId, await attest(signers.enclave, reference));
      const { round: finalRound, settledAt: referenceTime } = await ledger.getRecord(reference.inferenceId);
      expect(referenceTime).to.equal(final);

      // Finalized five rounds later, the record still says when and in which round it became final.
      await helpers.time.increase(5n * 3_600n);
      await expect(ledger.finalize(vanilla.inferenceId))
        .to.emit(ledger, "InferenceSettled")
        .withArgs(vanilla.inferenceId, Level.Vanilla, finalRound);
      const record = await ledger.getRecord(vanilla.inferenceId);
      expect(record.settledAt).to.equal(final);
      expect(record.round).to.equal(finalRound);
      expect(await ledger.currentRound()).to.be.greaterThanOrEqual(finalRound + 5n);
    });

    it("reverts with NotPending for a claim above Vanilla, UnknownInference for none", async () => {
      const { ledger, makeAnswer, submit } = await load();
      const answer = makeAnswer({ claimed: Level.TEE });
      await submit(answer);
      await expect(ledger.finalize(answer.inferenceId))
        .to.be.revertedWithCustomError(ledger, "NotPending")
        .withArgs(answer.inferenceId, RecordState.Answered);
      await expect(ledger.finalize(ZeroHash)).to.be.revertedWithCustomError(ledger, "UnknownInference");
      await expect(ledger.deadlineOf(ZeroHash)).to.be.revertedWithCustomError(ledger, "UnknownInference");
      await expect(ledger.getRecord(ZeroHash)).to.be.revertedWithCustomError(ledger, "UnknownInference");
    });
  });

  describe("settlementOf", () => {
    it("reads None, None and 0 for an unknown id", async () => {
      const { ledger } = await load();
      const unknown = keccak256(toUtf8Bytes("never answered"));
      expect([...(await ledger.settlementOf(unknown))]).to.deep.equal([
        BigInt(RecordState.None),
        BigInt(Level.None),
        0n,
      ]);
      expect([...(await ledger.settlementOf(ZeroHash))]).to.deep.equal([0n, 0n, 0n]);
    });

    it("reads an answered TEE claim Answered at Vanilla, not settled; settled, at TEE with its block time", async () => {
      const { ledger, makeAnswer, submit, attest, signers } = await load();
      const answer = makeAnswer({ claimed: Level.TEE });
      await submit(answer);
      expect([...(await ledger.settlementOf(answer.inferenceId))]).to.deep.equal([
        BigInt(RecordState.Answered),
        BigInt(Level.Vanilla),
        0n,
      ]);
      const receipt = await (await ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer))).wait();
      const settledAt = BigInt((await receipt!.getBlock()).timestamp);
      expect([...(await ledger.settlementOf(answer.inferenceId))]).to.deep.equal([
        BigInt(RecordState.Settled),
        BigInt(Level.TEE),
        settledAt,
      ]);
      expect((await ledger.getRecord(answer.inferenceId)).settledAt).to.equal(settledAt);
    });

    it("reads a ZKML claim raised to TEE as achieved TEE but not settled (settledAt 0)", async () => {
      const { ledger, makeAnswer, submit, attest, signers } = await load();
      const answer = makeAnswer({ claimed: Level.ZKML });
      await submit(answer);
      await ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer));
      expect([...(await ledger.settlementOf(answer.inferenceId))]).to.deep.equal([
        BigInt(RecordState.Answered),
        BigInt(Level.TEE),
        0n,
      ]);
    });

    it("reads a Vanilla claim Answered within its window, then Settled as of the window's end, finalized or not", async () => {
      const { ledger, makeAnswer, submit, networkHelpers: helpers } = await load();
      const answer = makeAnswer({ claimed: Level.Vanilla });
      await submit(answer);
      const answeredAt = (await ledger.getRecord(answer.inferenceId)).answeredAt;
      const final = answeredAt + CHALLENGE_WINDOW + 1n;
      const pending = [BigInt(RecordState.Answered), BigInt(Level.Vanilla), 0n];
      const settled = [BigInt(RecordState.Settled), BigInt(Level.Vanilla), final];
      expect([...(await ledger.settlementOf(answer.inferenceId))]).to.deep.equal(pending);
      await helpers.time.increaseTo(answeredAt + CHALLENGE_WINDOW - 1n);
      expect([...(await ledger.settlementOf(answer.inferenceId))]).to.deep.equal(pending);
      await helpers.time.increaseTo(final + 1n);
      // Past the window, before anyone finalizes: the stored record still says Answered.
      expect((await ledger.getRecord(answer.inferenceId)).state).to.equal(BigInt(RecordState.Answered));
      expect([...(await ledger.settlementOf(answer.inferenceId))]).to.deep.equal(settled);
      await helpers.time.increase(CHALLENGE_WINDOW);
      await ledger.finalize(answer.inferenceId);
      expect([...(await ledger.settlementOf(answer.inferenceId))]).to.deep.equal(settled);
    });

    it("reads a rejected record Rejected with settledAt 0, whatever its level and however late", async () => {
      const { ledger, makeAnswer, submit, attest, signers, advance } = await load();
      const missed = makeAnswer({ claimed: Level.ZKML });
      await submit(missed);
      const refuted = makeAnswer({ claimed: Level.Vanilla });
      await submit(refuted);
      const other = keccak256(toUtf8Bytes("the right output"));
      await ledger.refuteTee(
        refuted.inferenceId,
        refuted.inputCommitment,
        refuted.outputCommitment,
        refuted.paymentRef,
        other,
        await attest(signers.enclave, refuted, other),
      );
      await advance(SETTLEMENT_WINDOW + 1n);
      await ledger.reject(missed.inferenceId);
      const rejected = [BigInt(RecordState.Rejected), BigInt(Level.Vanilla), 0n];
      expect([...(await ledger.settlementOf(missed.inferenceId))]).to.deep.equal(rejected);
      // Refuted within its window, a Vanilla claim stays rejected once the window has passed.
      expect([...(await ledger.settlementOf(refuted.inferenceId))]).to.deep.equal(rejected);
    });
  });

  describe("settlementByDigest", () => {
    it("reads what settlementOf reads, plus node, route and subject, only under the record's answer digest", async () => {
      const { ledger, makeAnswer, submit, attest, signers, advance } = await load();
      const tee = makeAnswer({ claimed: Level.TEE });
      const vanilla = makeAnswer({ claimed: Level.Vanilla, route: Route.Proxy, subject: 1n });
      await submit(tee);
      await submit(vanilla);
      await ledger.settleTee(tee.inferenceId, await attest(signers.enclave, tee));
      await advance(CHALLENGE_WINDOW + 1n);
      for (const answer of [tee, vanilla]) {
        const digest = answerDigest(answer.inputCommitment, answer.outputCommitment, answer.paymentRef);
        const read = [...(await ledger.settlementByDigest(answer.inferenceId, digest))];
        expect(read.slice(0, 3)).to.deep.equal([...(await ledger.settlementOf(answer.inferenceId))]);
        expect(read.slice(3)).to.deep.equal([1n, BigInt(answer.route), answer.subject]);
        // Another output, input or payment reference is another digest: no record under it.
        const other = answerDigest(answer.inputCommitment, keccak256("0x01"), answer.paymentRef);
        expect([...(await ledger.settlementByDigest(answer.inferenceId, other))]).to.deep.equal([
          0n,
          0n,
          0n,
          0n,
          0n,
          0n,
        ]);
      }
      expect([...(await ledger.settlementByDigest(ZeroHash, ZeroHash))]).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n]);
    });
  });

  describe("reject", () => {
    it("rejects a claim that missed its settlement deadline: claiming more than proven is a failure", async () => {
      const { ledger, makeAnswer, submit, advance } = await load();
      const answer = makeAnswer({ claimed: Level.ZKML });
      await submit(answer);
      await expect(ledger.reject(answer.inferenceId)).to.be.revertedWithCustomError(ledger, "DeadlineNotReached");
      await advance(SETTLEMENT_WINDOW + 1n);
      await expect(ledger.reject(answer.inferenceId))
        .to.emit(ledger, "InferenceRejected")
        .withArgs(answer.inferenceId, 0n, Level.Vanilla);
      expect(await ledger.stateOf(answer.inferenceId)).to.equal(BigInt(RecordState.Rejected));
    });

    it("reverts with NothingToReject for a Vanilla claim or a settled record", async () => {
      const { ledger, makeAnswer, submit, attest, signers } = await load();
      const vanilla = makeAnswer({ claimed: Level.Vanilla });
      await submit(vanilla);
      await expect(ledger.reject(vanilla.inferenceId))
        .to.be.revertedWithCustomError(ledger, "NothingToReject")
        .withArgs(vanilla.inferenceId);
      const tee = makeAnswer();
      await submit(tee);
      await ledger.settleTee(tee.inferenceId, await attest(signers.enclave, tee));
      await expect(ledger.reject(tee.inferenceId)).to.be.revertedWithCustomError(ledger, "NothingToReject");
      await expect(ledger.reject(ZeroHash)).to.be.revertedWithCustomError(ledger, "UnknownInference");
    });
  });

  describe("outcomeOf: how a record ended, for the bond vault", () => {
    it("reads None for an unknown id, the state for a pending or settled record", async () => {
      const { ledger, makeAnswer, submit, attest, signers, advance } = await load();
      expect(await ledger.outcomeOf(ZeroHash)).to.deep.equal([BigInt(RecordState.None), 0n, ZeroAddress]);
      const tee = makeAnswer({ claimed: Level.TEE });
      await submit(tee);
      expect((await ledger.outcomeOf(tee.inferenceId))[0]).to.equal(BigInt(RecordState.Answered));
      await ledger.settleTee(tee.inferenceId, await attest(signers.enclave, tee));
      expect(await ledger.outcomeOf(tee.inferenceId)).to.deep.equal([BigInt(RecordState.Settled), 0n, ZeroAddress]);
      // A Vanilla claim past its window reads Settled before anyone finalizes it, as stateOf does.
      const vanilla = makeAnswer({ claimed: Level.Vanilla });
      await submit(vanilla);
      await advance(CHALLENGE_WINDOW + 1n);
      expect((await ledger.outcomeOf(vanilla.inferenceId))[0]).to.equal(BigInt(RecordState.Settled));
    });

    it("keeps each rejection's reason, and who submitted a refutation (not the enclave that signed it)", async () => {
      const { ledger, registry, makeAnswer, submit, attest, signers, advance } = await load();
      const missed = makeAnswer({ claimed: Level.ZKML });
      const refuted = makeAnswer({ claimed: Level.TEE });
      const revoked = makeAnswer({ claimed: Level.TEE, subject: 2n });
      for (const answer of [missed, refuted, revoked]) await submit(answer);
      const other = keccak256(toUtf8Bytes("the output the enclave saw"));
      await ledger
        .connect(signers.other)
        .refuteTee(
          refuted.inferenceId,
          refuted.inputCommitment,
          refuted.outputCommitment,
          refuted.paymentRef,
          other,
          await attest(signers.enclave, refuted, other),
        );
      await registry.connect(signers.publisher).revokeArtifact(2n, RevocationReason.Defective);
      await ledger.rejectRevoked(revoked.inferenceId);
      await advance(SETTLEMENT_WINDOW + 1n);
      await ledger.connect(signers.bureau).reject(missed.inferenceId);
      const rejected = BigInt(RecordState.Rejected);
      expect(await ledger.outcomeOf(missed.inferenceId)).to.deep.equal([rejected, 0n, ZeroAddress]);
      expect(await ledger.outcomeOf(refuted.inferenceId)).to.deep.equal([rejected, 1n, signers.other.address]);
      expect(await ledger.outcomeOf(revoked.inferenceId)).to.deep.equal([rejected, 2n, ZeroAddress]);
    });

    it("reject records ArtifactRevoked, not DeadlineMissed, for a claim whose artifact was revoked by its deadline", async () => {
      const { ledger, registry, makeAnswer, submit, signers, advance } = await load();
      const answer = makeAnswer({ claimed: Level.ZKML, subject: 2n });
      await submit(answer);
      await registry.connect(signers.publisher).revokeArtifact(2n, RevocationReason.Defective);
      await advance(SETTLEMENT_WINDOW + 1n);
      await expect(ledger.reject(answer.inferenceId))
        .to.emit(ledger, "InferenceRejected")
        .withArgs(answer.inferenceId, 2n, Level.Vanilla);
      expect((await ledger.outcomeOf(answer.inferenceId))[1]).to.equal(2n);
    });

    it("a revocation after the deadline excuses nothing: rejectRevoked refuses, reject records DeadlineMissed", async () => {
      const { ledger, registry, makeAnswer, submit, signers, advance } = await load();
      const answer = makeAnswer({ claimed: Level.ZKML, subject: 2n });
      await submit(answer);
      await advance(SETTLEMENT_WINDOW + 1n);
      await registry.connect(signers.publisher).revokeArtifact(2n, RevocationReason.Defective);
      await expect(ledger.rejectRevoked(answer.inferenceId))
        .to.be.revertedWithCustomError(ledger, "ArtifactNotRevoked")
        .withArgs(answer.inferenceId);
      await expect(ledger.reject(answer.inferenceId))
        .to.emit(ledger, "InferenceRejected")
        .withArgs(answer.inferenceId, 0n, Level.Vanilla);
    });

    it("refuses a claim above Vanilla without a lock of its node's bond (ClaimNotBonded)", async () => {
      const { ledger, bonds, makeAnswer, submit, signers } = await load();
      const answer = makeAnswer({ claimed: Level.TEE });
      await expect(submit(answer, signers.node, { bond: false }))
        .to.be.revertedWithCustomError(bonds, "ClaimNotBonded")
        .withArgs(answer.inferenceId, 1n);
      // A Vanilla claim needs no bond.
      await submit(makeAnswer({ claimed: Level.Vanilla }), signers.node, { bond: false });
    });
  });

  describe("refuteTee", () => {
    it("rejects a Vanilla answer that a live enclave contradicts for the same input", async () => {
      const { ledger, makeAnswer, submit, attest, signers } = await load();
      const answer = makeAnswer({ claimed: Level.Vanilla });
      await submit(answer);
      const other = keccak256(toUtf8Bytes("the right output"));
      const args = [answer.inferenceId, answer.inputCommitment, answer.outputCommitment, answer.paymentRef] as const;
      const tx = ledger.refuteTee(...args, other, await attest(signers.enclave, answer, other));
      await expect(tx)
        .to.emit(ledger, "Refuted")
        .withArgs(answer.inferenceId, Level.TEE, signers.enclave.address, other);
      await expect(tx).to.emit(ledger, "InferenceRejected").withArgs(answer.inferenceId, 1n, Level.Vanilla);
      expect(await ledger.stateOf(answer.inferenceId)).to.equal(BigInt(RecordState.Rejected));
    });

    it("reverts with CommitmentsMismatch, SameOutput and LevelNotRaised on bad refutations", async () => {
      const { ledger, makeAnswer, submit, attest, signers } = await load();
      const answer = makeAnswer({ claimed: Level.ZKML });
      await submit(answer);
      const other = keccak256(toUtf8Bytes("other"));
      const signature = await attest(signers.enclave, answer, other);
      await expect(
        ledger.refuteTee(answer.inferenceId, ZeroHash, answer.outputCommitment, answer.paymentRef, other, signature),
      )
        .to.be.revertedWithCustomError(ledger, "CommitmentsMismatch")
        .withArgs(answer.inferenceId);
      const args = [answer.inferenceId, answer.inputCommitment, answer.outputCommitment, answer.paymentRef] as const;
      await expect(ledger.refuteTee(...args, answer.outputCommitment, signature))
        .to.be.revertedWithCustomError(ledger, "SameOutput")
        .withArgs(answer.inferenceId);
      await ledger.settleTee(answer.inferenceId, await attest(signers.enclave, answer));
      await expect(ledger.refuteTee(...args, other, signature))
        .to.be.revertedWithCustomError(ledger, "LevelNotRaised")
        .withArgs(answer.inferenceId, Level.TEE);
    });
  });

  describe("views", () => {
    it("exposes the EIP-712 digests the client signs", async () => {
      const { ledger, makeAnswer, domain } = await load();
      const answer = makeAnswer();
      expect(await ledger.answerTypedDataHash(answer)).to.equal(TypedDataEncoder.hash(domain, ANSWER_TYPES, answer));
      const attestation = { inferenceId: answer.inferenceId, route: Route.Proxy, subject: 3n, answerDigest: ZeroHash };
      expect(await ledger.attestationTypedDataHash(attestation.inferenceId, Route.Proxy, 3n, ZeroHash)).to.equal(
        TypedDataEncoder.hash(domain, ATTESTATION_TYPES, attestation),
      );
    });

    it("reports its windows and the registry, attester registry and router it reads", async () => {
      const { ledger, registry, attesters, router } = await load();
      expect(await ledger.windows()).to.deep.equal([CHALLENGE_WINDOW, SETTLEMENT_WINDOW, 3_600n]);
      expect(await ledger.modelRegistry()).to.equal(await registry.getAddress());
      expect(await ledger.attesterRegistry()).to.equal(await attesters.getAddress());
      expect(await ledger.verifierRouter()).to.equal(await router.getAddress());
      expect(await ledger.currentRound()).to.be.greaterThan(0n);
      expect(await ledger.answerDigest(ZeroHash, ZeroHash, ZeroHash)).to.equal(
        answerDigest(ZeroHash, ZeroHash, ZeroHash),
      );
    });
  });
});
