import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { AbiCoder, keccak256 } from "ethers";
import { network } from "hardhat";

import { consumerArgs } from "../../src/consumer.js";
import { Level, RecordState } from "../../src/ledger.js";
import { packRiskOutput, verifyRiskBatchProof, type RiskInput } from "../../src/models/riskScorer.js";
import { RevocationReason } from "../../src/registry.js";
import { ZkmlError, releaseProver } from "../../src/zk.js";
import { deployScenario, type RiskScoreRecord } from "../../testing/index.js";

/** The batch verifier's size these tests use (the devkit binds the 8- and 16-record ones to artifact 1). */
const SIZE = 16;

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/**
 * Sixteen risk-score answers on artifact 1, each about its own borrower and features, the input hash attested by the
 * credit bureau; every odd one has a prompt before the input hash in its input tree (so its input part needs a Merkle
 * proof, and its input is not whole). Returns the records and one real batch proof of all of them.
 */
async function fixture() {
  const scenario = await deployScenario(connection);
  const borrowers = (await ethers.getSigners()).slice(0, SIZE).map((s) => s.address);
  let salt = 5_000n;
  const answerBatch = async (first = 0n): Promise<RiskScoreRecord[]> => {
    const records: RiskScoreRecord[] = [];
    for (let i = 0; i < SIZE; i++) {
      const input: RiskInput = {
        subject: borrowers[i],
        features: [100n + first + BigInt(37 * i), BigInt(i % 5), 900n - BigInt(23 * i), 12n + BigInt(i)],
        salt: ++salt,
      };
      records.push(await scenario.answerRiskScore(input, { prompt: promptOf(i), attestedBy: scenario.signers.bureau }));
    }
    return records;
  };
  const records = await answerBatch();
  const proof = await scenario.proveRecords(records);
  const lender = await scenario.deployLender(3_600n);
  return { ...scenario, answerBatch, records, proof, lender };
}
const load = () => networkHelpers.loadFixture(fixture);

/** The prompt of the batch's member `i`: odd members have one. */
const promptOf = (i: number) => (i % 2 === 1 ? `score borrower ${i}` : undefined);

/** The members of `evidence` in another order: what the proof was made for, listed differently. */
const swapped = <T extends { members: unknown[] }>(evidence: T, i: number, j: number): T => {
  const members = [...evidence.members];
  [members[i], members[j]] = [members[j], members[i]];
  return { ...evidence, members };
};

describe("ZKML batch settlement: sixteen inferences, one Groth16 proof", function () {
  // A batch proof takes a few seconds on two cores.
  this.timeout(300_000);
  after(releaseProver);

  it("settles all sixteen at ZKML, each bound to its own record, input and output, and consumers act on them", async () => {
    const { ledger, batchVerifier, records, proof, riskScoreBatchEvidence, lender } = await load();
    expect(proof.publicSignals).to.have.length(1 + 3 * SIZE);
    expect(await verifyRiskBatchProof(proof)).to.equal(true);
    for (const [i, record] of records.entries()) {
      expect(proof.publicSignals[1 + 2 * SIZE + i]).to.equal(packRiskOutput(record.input.subject, record.score));
    }
    const proofHash = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256[8]"], [proof.proof]));
    const round = await ledger.currentRound();
    const settling = ledger.settleZkMany(riskScoreBatchEvidence(proof, records));
    for (const record of [records[0], records[15]]) {
      await expect(settling)
        .to.emit(ledger, "Attested")
        .withArgs(record.answer.inferenceId, BigInt(Level.ZKML), batchVerifier, proofHash, round)
        .and.to.emit(ledger, "InferenceSettled")
        .withArgs(record.answer.inferenceId, BigInt(Level.ZKML), round);
    }
    for (const record of records) {
      const stored = await ledger.getRecord(record.answer.inferenceId);
      expect([stored.state, stored.achieved]).to.deep.equal([BigInt(RecordState.Settled), BigInt(Level.ZKML)]);
    }
    // A settled-only, ZKML-hungry consumer acts on any member as on a record proven alone.
    const scored = records[4];
    await expect(lender.updateScore(...consumerArgs(scored.answer, scored.output, 0), scored.features!))
      .to.emit(lender, "ScoreUpdated")
      .withArgs(scored.input.subject, scored.score, BigInt(Level.ZKML), scored.answer.inferenceId);
  });

  it("a batch with one wrong member settles nothing: wrong output, another record's binding, not pending, twice", async () => {
    const { ledger, batchVerifier, records, proof, riskScoreBatchEvidence, answerRiskScore, settleRiskScore } =
      await load();
    const evidence = riskScoreBatchEvidence(proof, records);
    const first = records[0].answer.inferenceId;

    // A member whose record committed to another score than the proof proves: its output part is not the proof's.
    const liar = await answerRiskScore(records[3].input, { score: 999n, prompt: "score borrower 3" });
    const withLiar = { ...evidence, members: [...evidence.members] };
    withLiar.members[3] = riskScoreBatchEvidence(proof, [...records.slice(0, 3), liar, ...records.slice(4)]).members[3];
    await expect(ledger.settleZkMany(withLiar))
      .to.be.revertedWithCustomError(ledger, "ZkOutputNotCommitted")
      .withArgs(liar.answer.inferenceId);

    // The same members in another order: each record's binding is computed by the ledger, so the proof fails.
    await expect(ledger.settleZkMany(swapped(evidence, 0, 1)))
      .to.be.revertedWithCustomError(ledger, "InvalidZkBatchProof")
      .withArgs(batchVerifier);

    // A record listed twice is no longer pending the second time.
    const twice = { ...evidence, members: [...evidence.members] };
    twice.members[15] = twice.members[0];
    await expect(ledger.settleZkMany(twice))
      .to.be.revertedWithCustomError(ledger, "NotPending")
      .withArgs(first, BigInt(RecordState.Settled));

    // A member settled another way first (its own proof): the batch no longer settles, and nothing else moved.
    await settleRiskScore(records[7]);
    await expect(ledger.settleZkMany(evidence))
      .to.be.revertedWithCustomError(ledger, "NotPending")
      .withArgs(records[7].answer.inferenceId, BigInt(RecordState.Settled));
    for (const record of [records[0], records[15]]) {
      expect(await ledger.stateOf(record.answer.inferenceId)).to.equal(BigInt(RecordState.Answered));
    }
  });

  it("the circuit refuses a wrong score for any member, so no proof of it exists", async () => {
    const { records, proveRecords } = await load();
    const scores = records.map((record) => record.score);
    scores[9] = scores[9] === 0n ? 1n : scores[9] - 1n;
    await expect(proveRecords(records, undefined, scores)).to.be.rejectedWith(ZkmlError, "refused the witness");
  });

  it("a proof cannot be replayed on other records, and one batch is about one artifact", async () => {
    const { ledger, router, batchVerifier, records, proof, riskScoreBatchEvidence, answerRiskScore } = await load();
    // Sixteen other records with the very same inputs and outputs: only their bindings differ, and the proof fails.
    const copies: RiskScoreRecord[] = [];
    for (const [i, record] of records.entries()) {
      copies.push(await answerRiskScore(record.input, { prompt: promptOf(i) }));
    }
    await expect(ledger.settleZkMany(riskScoreBatchEvidence(proof, copies)))
      .to.be.revertedWithCustomError(ledger, "InvalidZkBatchProof")
      .withArgs(batchVerifier);
    // A member on artifact 2 among artifact 1's records.
    const other = await answerRiskScore(records[4].input, { artifact: 2n });
    const mixed = riskScoreBatchEvidence(proof, [...records.slice(0, 4), other, ...records.slice(5)]);
    await expect(ledger.settleZkMany(mixed))
      .to.be.revertedWithCustomError(ledger, "ZkBatchMixesArtifacts")
      .withArgs(other.answer.inferenceId);
    const evidence = riskScoreBatchEvidence(proof, records);
    await expect(ledger.settleZkMany({ ...evidence, members: [] })).to.be.revertedWithCustomError(
      ledger,
      "BatchSettlementMalformed",
    );
    // Fifteen members: no batch verifier of artifact 1 takes that many.
    await expect(ledger.settleZkMany({ ...evidence, members: evidence.members.slice(1) }))
      .to.be.revertedWithCustomError(router, "NoBatchVerifier")
      .withArgs(1n, 15n);
    // The honest batch still settles after all of that.
    await expect(ledger.settleZkMany(evidence)).to.emit(ledger, "InferenceSettled");
  });

  it("eight records settle with the eight-record verifier; the sixteen-record proof then no longer does", async () => {
    const { ledger, batchVerifiers, records, proof, proveRecords, riskScoreBatchEvidence } = await load();
    const eight = records.slice(0, 8);
    const proofOfEight = await proveRecords(eight);
    expect(proofOfEight.publicSignals).to.have.length(1 + 3 * 8);
    expect(await verifyRiskBatchProof(proofOfEight)).to.equal(true);
    await expect(ledger.settleZkMany(riskScoreBatchEvidence(proofOfEight, eight)))
      .to.emit(ledger, "Attested")
      .withArgs(eight[7].answer.inferenceId, BigInt(Level.ZKML), batchVerifiers[8], anyValue, anyValue);
    for (const [i, record] of records.entries()) {
      expect(await ledger.stateOf(record.answer.inferenceId)).to.equal(
        BigInt(i < 8 ? RecordState.Settled : RecordState.Answered),
      );
    }
    await expect(ledger.settleZkMany(riskScoreBatchEvidence(proof, records)))
      .to.be.revertedWithCustomError(ledger, "NotPending")
      .withArgs(records[0].answer.inferenceId, BigInt(RecordState.Settled));
  });

  it("refuses a valid batch proof once the artifact is revoked", async () => {
    const { ledger, registry, signers, records, proof, riskScoreBatchEvidence } = await load();
    await registry.connect(signers.publisher).revokeArtifact(1n, RevocationReason.Defective);
    await expect(ledger.settleZkMany(riskScoreBatchEvidence(proof, records)))
      .to.be.revertedWithCustomError(ledger, "ArtifactRevokedWhilePending")
      .withArgs(records[0].answer.inferenceId, 1n);
  });
});
