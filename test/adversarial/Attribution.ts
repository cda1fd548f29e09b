import { expect } from "chai";
import { network } from "hardhat";

import { SettlementBatch } from "../../src/batch.js";
import { answerDigest } from "../../src/commitments.js";
import { Level, inferenceIdFor, signAnswer, signBatch, type Answer } from "../../src/ledger.js";
import { releaseProver } from "../../src/zk.js";
import { deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/**
 * A competing node watches the mempool, copies an honest node's answer and tries to record it first under its own
 * key, to take the honest node's attestation, proof, payment or place in the trail. The promise: a proof settles only
 * the answer it was made for, and "who answered" is the node that did.
 */
async function fixture() {
  const scenario = await deployScenario(connection);
  const [, , , , , , , , , , , , , , , copier] = await ethers.getSigners();
  await scenario.registerNode(copier, copier);
  return { ...scenario, copier };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("adversarial: a proof settles only the answer it was made for", () => {
  // Stop snarkjs's worker threads once this file's proofs are made, so the test process can exit.
  after(releaseProver);

  it("a node cannot record another node's answer first: the id names its node", async () => {
    const { ledger, bonds, submit, makeAnswer, signers, copier } = await load();
    const honest = makeAnswer({ claimed: Level.TEE });
    // The copier cannot lock the honest node's bond for it, nor record the same answer signed by its own key.
    await expect(bonds.connect(copier).lock(honest.inferenceId, honest.paymentRef))
      .to.be.revertedWithCustomError(bonds, "NotNodeOrOperator")
      .withArgs(1n, copier.address);
    await expect(submit(honest, copier, { bond: false }))
      .to.be.revertedWithCustomError(ledger, "InferenceIdOfAnotherNode")
      .withArgs(honest.inferenceId, copier.address);
    await submit(honest);
    expect((await ledger.getRecord(honest.inferenceId)).nodeId).to.equal(1n);
    expect(honest.inferenceId.slice(0, 42)).to.equal(signers.node.address.toLowerCase());
  });

  it("a copy under the copier's own id takes none of the honest node's attestation, batch leaf or ZK proof", async () => {
    const scenario = await load();
    const { ledger, bonds, submit, makeAnswer, attest, signers, copier, domain, beat } = scenario;
    const { answerRiskScore, proveRecord, riskScoreEvidence } = scenario;
    const honest = makeAnswer({ claimed: Level.TEE });
    const copy: Answer = { ...honest, inferenceId: inferenceIdFor(copier.address, "copied") };
    await submit(honest);
    await submit(copy, copier);

    // The enclave attested the honest record; the attestation names its id, so it cannot settle the copy.
    const attestation = await attest(signers.enclave, honest);
    await expect(ledger.settleTee(copy.inferenceId, attestation)).to.be.revertedWithCustomError(
      ledger,
      "EnclaveNotLive",
    );
    // Nor can a batch leaf made for the honest record.
    const round = await ledger.currentRound();
    const entry = {
      inferenceId: honest.inferenceId,
      answerDigest: answerDigest(honest.inputCommitment, honest.outputCommitment, honest.paymentRef),
    };
    const batch = new SettlementBatch(await ledger.getAddress(), round, [entry]);
    await beat(signers.enclave);
    await ledger.commitBatch(round, batch.root, await signBatch(signers.enclave, domain, round, batch.root));
    await expect(
      ledger.settleFromBatch(signers.enclave.address, round, copy.inferenceId, batch.proof(honest.inferenceId)),
    )
      .to.be.revertedWithCustomError(ledger, "NotInBatch")
      .withArgs(copy.inferenceId, signers.enclave.address, round);
    await ledger.settleTee(honest.inferenceId, attestation);

    // A ZK proof is bound to its record's id, and so to the node that answered.
    const input = { subject: signers.other.address, features: [400n, 2n, 500n, 100n], salt: 99n };
    const record = await answerRiskScore(input);
    const proof = await proveRecord(record);
    const copied: Answer = { ...record.answer, inferenceId: inferenceIdFor(copier.address, "copied proof") };
    await bonds.connect(copier).lock(copied.inferenceId, copied.paymentRef);
    await ledger.answer(copied, await signAnswer(copier, domain, copied));
    const stolen = riskScoreEvidence(proof, { ...record, answer: copied });
    await expect(ledger.settleZk(copied.inferenceId, stolen)).to.be.revertedWithCustomError(ledger, "InvalidZkProof");
    await expect(ledger.settleZk(record.answer.inferenceId, riskScoreEvidence(proof, record))).to.emit(
      ledger,
      "InferenceSettled",
    );
  });
});
