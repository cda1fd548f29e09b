import { expect } from "chai";
import { network } from "hardhat";

import { SettlementBatch } from "../../src/batch.js";
import { answerDigest } from "../../src/commitments.js";
import { RejectionReason } from "../../src/constants.js";
import { Level, RecordState, Route, signBatch, type Answer } from "../../src/ledger.js";
import { RevocationReason } from "../../src/registry.js";
import { releaseProver } from "../../src/zk.js";
import { CHALLENGE_WINDOW, deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { networkHelpers } = connection;
const fixture = () => deployScenario(connection);
const load = () => networkHelpers.loadFixture(fixture);

/**
 * A node whose artifact is revoked under a pending record tries every way to settle it anyway: an attestation, a
 * batch leaf, a ZK proof, or waiting out a Vanilla window. The promise: a revoked artifact's pending records never
 * settle, anyone can mark them rejected with their own reason, and records that settled before keep their history.
 */
describe("adversarial: a revoked artifact's pending records never settle", () => {
  // Stop snarkjs's worker threads once this file's proofs are made, so the test process can exit.
  after(releaseProver);

  const revoke = async (scenario: Awaited<ReturnType<typeof load>>, artifactId = 1n) =>
    scenario.registry.connect(scenario.signers.publisher).revokeArtifact(artifactId, RevocationReason.Defective);

  it("refuses a TEE attestation and a batch leaf after the revocation, and rejectRevoked rejects the record", async () => {
    const scenario = await load();
    const { ledger, makeAnswer, submit, attest, signers, domain } = scenario;
    const answer = makeAnswer({ claimed: Level.TEE });
    await submit(answer);
    const attestation = await attest(signers.enclave, answer);
    const round = await ledger.currentRound();
    const entry = {
      inferenceId: answer.inferenceId,
      answerDigest: answerDigest(answer.inputCommitment, answer.outputCommitment, answer.paymentRef),
    };
    const batch = new SettlementBatch(await ledger.getAddress(), round, [entry]);
    await ledger.commitBatch(round, batch.root, await signBatch(signers.enclave, domain, round, batch.root));

    await revoke(scenario);
    await expect(ledger.settleTee(answer.inferenceId, attestation))
      .to.be.revertedWithCustomError(ledger, "ArtifactRevokedWhilePending")
      .withArgs(answer.inferenceId, 1n);
    await expect(
      ledger.settleFromBatch(signers.enclave.address, round, answer.inferenceId, batch.proof(answer.inferenceId)),
    )
      .to.be.revertedWithCustomError(ledger, "ArtifactRevokedWhilePending")
      .withArgs(answer.inferenceId, 1n);

    await expect(ledger.rejectRevoked(answer.inferenceId))
      .to.emit(ledger, "InferenceRejected")
      .withArgs(answer.inferenceId, RejectionReason.ArtifactRevoked, Level.Vanilla);
    expect(await ledger.stateOf(answer.inferenceId)).to.equal(BigInt(RecordState.Rejected));
    await expect(ledger.rejectRevoked(answer.inferenceId))
      .to.be.revertedWithCustomError(ledger, "NotPending")
      .withArgs(answer.inferenceId, RecordState.Rejected);
  });

  it("refuses a valid ZK proof once the artifact is revoked", async () => {
    const scenario = await load();
    const { ledger, answerRiskScore, proveRecord, riskScoreEvidence, signers } = scenario;
    const record = await answerRiskScore({ subject: signers.other.address, features: [1n, 2n, 3n, 4n], salt: 5n });
    const evidence = riskScoreEvidence(await proveRecord(record), record);
    await revoke(scenario);
    await expect(ledger.settleZk(record.answer.inferenceId, evidence))
      .to.be.revertedWithCustomError(ledger, "ArtifactRevokedWhilePending")
      .withArgs(record.answer.inferenceId, 1n);
  });

  it("a Vanilla claim whose artifact is revoked inside its window never reads Settled, and cannot be finalized", async () => {
    const scenario = await load();
    const { ledger, makeAnswer, submit } = scenario;
    const answer = makeAnswer({ claimed: Level.Vanilla });
    await submit(answer);
    await revoke(scenario);
    await networkHelpers.time.increase(CHALLENGE_WINDOW + 1n);
    expect(await ledger.stateOf(answer.inferenceId)).to.equal(BigInt(RecordState.Answered));
    expect((await ledger.inspect(answer.inferenceId)).state).to.equal(BigInt(RecordState.Answered));
    expect([...(await ledger.settlementOf(answer.inferenceId))]).to.deep.equal([
      BigInt(RecordState.Answered),
      BigInt(Level.Vanilla),
      0n,
    ]);
    await expect(ledger.finalize(answer.inferenceId))
      .to.be.revertedWithCustomError(ledger, "ArtifactRevokedWhilePending")
      .withArgs(answer.inferenceId, 1n);
    await expect(ledger.rejectRevoked(answer.inferenceId)).to.emit(ledger, "InferenceRejected");
  });

  it("keeps the history of what settled before the revocation", async () => {
    const scenario = await load();
    const { ledger, makeAnswer, submit, attest, signers } = scenario;
    const vanilla = makeAnswer({ claimed: Level.Vanilla });
    const tee = makeAnswer({ claimed: Level.TEE });
    await submit(vanilla);
    await submit(tee);
    await ledger.settleTee(tee.inferenceId, await attest(signers.enclave, tee));
    // The Vanilla window ends, unwritten; then the artifact is revoked.
    await networkHelpers.time.increase(CHALLENGE_WINDOW + 1n);
    await revoke(scenario);
    expect(await ledger.stateOf(vanilla.inferenceId)).to.equal(BigInt(RecordState.Settled));
    expect(await ledger.stateOf(tee.inferenceId)).to.equal(BigInt(RecordState.Settled));
    await expect(ledger.rejectRevoked(vanilla.inferenceId))
      .to.be.revertedWithCustomError(ledger, "ArtifactNotRevoked")
      .withArgs(vanilla.inferenceId);
    await expect(ledger.rejectRevoked(tee.inferenceId))
      .to.be.revertedWithCustomError(ledger, "NotPending")
      .withArgs(tee.inferenceId, RecordState.Settled);
    await expect(ledger.finalize(vanilla.inferenceId)).to.emit(ledger, "InferenceSettled");
  });

  it("rejectRevoked refuses records whose artifact stands, proxy records and unknown ids", async () => {
    const scenario = await load();
    const { ledger, makeAnswer, submit } = scenario;
    const local: Answer = makeAnswer({ claimed: Level.TEE });
    const proxy: Answer = makeAnswer({ route: Route.Proxy, subject: 1n, claimed: Level.TEE });
    await submit(local);
    await submit(proxy);
    await revoke(scenario, 2n);
    for (const answer of [local, proxy]) {
      await expect(ledger.rejectRevoked(answer.inferenceId))
        .to.be.revertedWithCustomError(ledger, "ArtifactNotRevoked")
        .withArgs(answer.inferenceId);
    }
    const unknown = makeAnswer().inferenceId;
    await expect(ledger.rejectRevoked(unknown))
      .to.be.revertedWithCustomError(ledger, "UnknownInference")
      .withArgs(unknown);
  });
});
