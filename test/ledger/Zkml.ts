import { expect } from "chai";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { OutputCommitment, textPart } from "../../src/commitments.js";
import { consumerArgs } from "../../src/consumer.js";
import { Level, RecordState, Route } from "../../src/ledger.js";
import { RISK_SCORER_OUTPUTS, deployScenario } from "../../testing/index.js";
import {
  inputHash,
  proveRiskScore,
  riskScore,
  verifyRiskProof,
  type RiskInput,
  type RiskModel,
} from "../../src/models/riskScorer.js";
import { releaseProver, zkBinding } from "../../src/zk.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const FEATURES = [400n, 2n, 500n, 100n];

async function fixture() {
  const scenario = await deployScenario(connection);
  const { ledger, signers } = scenario;
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const ledgerAddress = await ledger.getAddress();
  const borrower = signers.other.address;
  const lender = await scenario.deployLender(3_600n);

  let salt = 1000n;
  /** A model input about `borrower`. */
  const riskInput = (features = FEATURES): RiskInput => ({ subject: borrower, features, salt: ++salt });

  /**
   * The scenario's risk-score answer with a prompt before the input hash in the input tree (so the proof's input part
   * is not the tree's only leaf), and optionally a second, unprovable output part.
   */
  const answerScore = (
    input: RiskInput,
    options: { score?: bigint; claimed?: Level; artifact?: bigint; route?: Route; extraPart?: boolean } = {},
  ) =>
    scenario.answerRiskScore(input, {
      ...options,
      prompt: "score this borrower",
      extraPart: options.extraPart ? textPart("an unproven explanation") : undefined,
    });

  /** A real proof of `model` on any `input` for the record `inferenceId` (honest or not: the tests decide). */
  const prove = (input: RiskInput, inferenceId: string, model: RiskModel = scenario.models[0]) =>
    proveRiskScore(model, input, zkBinding(chainId, ledgerAddress, inferenceId));

  const evidence = scenario.riskScoreEvidence;

  return {
    ...scenario,
    chainId,
    ledgerAddress,
    borrower,
    lender,
    riskInput,
    answerScore,
    prove,
    evidence,
  };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("ZKML settlement with real Groth16 proofs", function () {
  // Each proof takes about a second on two cores.
  this.timeout(120_000);
  after(releaseProver);

  it("runs the whole path: artifact with ZK commitment, attested input, answer, prove, settle at ZKML, consume", async () => {
    const {
      ledger,
      router,
      registry,
      lender,
      borrower,
      verifier,
      riskInput,
      answerRiskScore,
      prove,
      evidence,
      signers,
    } = await load();
    const [, modelCommitment] = await router.bindingOf(1n);
    expect(modelCommitment).to.equal((await registry.getArtifact(1n)).zkCommitment);

    // The credit bureau attests the borrower's features (as their Poseidon commitment): the record's whole input.
    const input = riskInput();
    const record = await answerRiskScore(input, { attestedBy: signers.bureau });
    expect(record.score).to.equal(329n);
    const proof = await prove(input, record.answer.inferenceId);
    expect(await verifyRiskProof(proof)).to.equal(true);

    const proofHash = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256[8]"], [proof.proof]));
    const round = await ledger.currentRound();
    await expect(ledger.settleZk(record.answer.inferenceId, evidence(proof, record)))
      .to.emit(ledger, "Attested")
      .withArgs(record.answer.inferenceId, BigInt(Level.ZKML), verifier, proofHash, round)
      .and.to.emit(ledger, "InferenceSettled")
      .withArgs(record.answer.inferenceId, BigInt(Level.ZKML), round);
    const stored = await ledger.getRecord(record.answer.inferenceId);
    expect(stored.achieved).to.equal(BigInt(Level.ZKML));
    expect(stored.state).to.equal(BigInt(RecordState.Settled));

    await expect(lender.updateScore(...consumerArgs(record.answer, record.output, 0), record.features!))
      .to.emit(lender, "ScoreUpdated")
      .withArgs(borrower, 329n, BigInt(Level.ZKML), record.answer.inferenceId);
    expect((await lender.scoreOf(borrower)).level).to.equal(BigInt(Level.ZKML));
  });

  it("refuses a proof for another input", async () => {
    const { ledger, verifier, riskInput, answerScore, prove, evidence } = await load();
    const input = riskInput();
    const record = await answerScore(input);
    const proof = await prove(riskInput([400n, 0n, 500n, 100n]), record.answer.inferenceId);
    // The other input's hash is not in the record's input tree...
    await expect(ledger.settleZk(record.answer.inferenceId, evidence(proof, record)))
      .to.be.revertedWithCustomError(ledger, "ZkInputNotCommitted")
      .withArgs(record.answer.inferenceId);
    // ...and claiming the record's input hash for it fails the proof.
    const forged = { ...evidence(proof, record), inputHash: inputHash(input) };
    await expect(ledger.settleZk(record.answer.inferenceId, forged))
      .to.be.revertedWithCustomError(ledger, "InvalidZkProof")
      .withArgs(record.answer.inferenceId, verifier);
  });

  it("refuses a proof made with another artifact's weights", async () => {
    const { ledger, models, verifier, riskInput, answerScore, prove, evidence } = await load();
    const input = riskInput();
    // Artifact 2's model scores this input 349; the record is artifact 1's, answered with 349 too.
    const score = riskScore(models[1], input);
    expect(score).to.equal(349n);
    const record = await answerScore(input, { score });
    const proof = await prove(input, record.answer.inferenceId, models[1]);
    await expect(ledger.settleZk(record.answer.inferenceId, evidence(proof, record)))
      .to.be.revertedWithCustomError(ledger, "InvalidZkProof")
      .withArgs(record.answer.inferenceId, verifier);
  });

  it("refuses a proof of another output, and an output the proof does not cover", async () => {
    const { ledger, verifier, riskInput, answerScore, prove, evidence } = await load();
    const input = riskInput();
    // The node committed a wrong score; the true proof's outputs are not the record's output.
    const wrong = await answerScore(input, { score: 100n });
    const proof = await prove(input, wrong.answer.inferenceId);
    await expect(ledger.settleZk(wrong.answer.inferenceId, evidence(proof, wrong)))
      .to.be.revertedWithCustomError(ledger, "ZkOutputNotCommitted")
      .withArgs(wrong.answer.inferenceId);
    // Claiming the record's (wrong) outputs for the true proof fails the proof.
    const forged = { ...evidence(proof, wrong), outputs: [BigInt(input.subject), 100n] };
    await expect(ledger.settleZk(wrong.answer.inferenceId, forged))
      .to.be.revertedWithCustomError(ledger, "InvalidZkProof")
      .withArgs(wrong.answer.inferenceId, verifier);
    // An output with a part the proof does not cover cannot reach ZKML, even with the true score in part 0.
    const partial = await answerScore(riskInput(), { extraPart: true });
    const partialProof = await prove(input, partial.answer.inferenceId);
    await expect(ledger.settleZk(partial.answer.inferenceId, evidence(partialProof, partial)))
      .to.be.revertedWithCustomError(ledger, "ZkOutputNotCommitted")
      .withArgs(partial.answer.inferenceId);
  });

  it("refuses a proof made for another record, even with identical commitments", async () => {
    const { ledger, verifier, riskInput, answerScore, prove, evidence } = await load();
    const input = riskInput();
    const first = await answerScore(input);
    const second = await answerScore(input);
    expect(second.answer.inputCommitment).to.equal(first.answer.inputCommitment);
    expect(second.answer.outputCommitment).to.equal(first.answer.outputCommitment);
    const proof = await prove(input, first.answer.inferenceId);
    const replay = { ...evidence(proof, first), commitments: { ...evidence(proof, first).commitments } };
    replay.commitments.paymentRef = second.answer.paymentRef;
    await expect(ledger.settleZk(second.answer.inferenceId, replay))
      .to.be.revertedWithCustomError(ledger, "InvalidZkProof")
      .withArgs(second.answer.inferenceId, verifier);
    await ledger.settleZk(first.answer.inferenceId, evidence(proof, first));
  });

  it("a frozen verifier refuses: nothing settles or refutes through it, the record stays pending", async () => {
    const { ledger, router, verifier, signers, riskInput, answerScore, prove, evidence } = await load();
    const input = riskInput();
    const record = await answerScore(input);
    const proof = await prove(input, record.answer.inferenceId);
    const wrong = await answerScore(input, { score: 100n, claimed: Level.Vanilla });
    const refutation = await prove(input, wrong.answer.inferenceId);
    await expect(router.connect(signers.guardian).freezeVerifier(verifier))
      .to.emit(router, "VerifierFrozen")
      .withArgs(verifier, signers.guardian.address);
    // The router's error comes back through the ledger.
    await expect(ledger.settleZk(record.answer.inferenceId, evidence(proof, record)))
      .to.be.revertedWithCustomError(router, "VerifierIsFrozen")
      .withArgs(verifier);
    await expect(ledger.refuteZk(wrong.answer.inferenceId, evidence(refutation, wrong), wrong.output.parts[0].content))
      .to.be.revertedWithCustomError(router, "VerifierIsFrozen")
      .withArgs(verifier);
    expect(await ledger.stateOf(record.answer.inferenceId)).to.equal(BigInt(RecordState.Answered));
    expect(await ledger.stateOf(wrong.answer.inferenceId)).to.equal(BigInt(RecordState.Answered));
  });

  it("a ZK refutation rejects a wrong Vanilla answer during its window", async () => {
    const { ledger, verifier, riskInput, answerScore, prove, evidence } = await load();
    const input = riskInput();
    const wrong = await answerScore(input, { score: 100n, claimed: Level.Vanilla });
    const proof = await prove(input, wrong.answer.inferenceId);
    const recorded = wrong.output.parts[0].content;
    const proven = keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint16"], [input.subject, 329n]));
    // A refuter cannot swap in commitments of its own (another payment reference) around the recorded output.
    const args = evidence(proof, wrong);
    await expect(
      ledger.refuteZk(
        wrong.answer.inferenceId,
        { ...args, commitments: { ...args.commitments, paymentRef: keccak256("0x01") } },
        recorded,
      ),
    )
      .to.be.revertedWithCustomError(ledger, "CommitmentsMismatch")
      .withArgs(wrong.answer.inferenceId);
    await expect(ledger.refuteZk(wrong.answer.inferenceId, args, recorded))
      .to.emit(ledger, "Refuted")
      .withArgs(wrong.answer.inferenceId, BigInt(Level.ZKML), verifier, proven)
      .and.to.emit(ledger, "InferenceRejected")
      .withArgs(wrong.answer.inferenceId, 1n, BigInt(Level.Vanilla));
    expect(await ledger.stateOf(wrong.answer.inferenceId)).to.equal(BigInt(RecordState.Rejected));
  });

  it("a refutation must show the record's one output part, of the proof's media type, with another output", async () => {
    const { ledger, riskInput, answerScore, prove, evidence } = await load();
    const input = riskInput();
    const right = await answerScore(input, { claimed: Level.Vanilla });
    const args = evidence(await prove(input, right.answer.inferenceId), right);
    await expect(ledger.refuteZk(right.answer.inferenceId, args, right.output.parts[0].content))
      .to.be.revertedWithCustomError(ledger, "SameOutput")
      .withArgs(right.answer.inferenceId);
    // Content that is not the record's output.
    const invented = AbiCoder.defaultAbiCoder().encode(["address", "uint16"], [input.subject, 1n]);
    await expect(ledger.refuteZk(right.answer.inferenceId, args, invented))
      .to.be.revertedWithCustomError(ledger, "ZkOutputNotCommitted")
      .withArgs(right.answer.inferenceId);
    // The right content under another media type.
    const otherType = { ...args, outputMediaType: keccak256(toUtf8Bytes("text/plain")) };
    await expect(ledger.refuteZk(right.answer.inferenceId, otherType, right.output.parts[0].content))
      .to.be.revertedWithCustomError(ledger, "ZkOutputNotCommitted")
      .withArgs(right.answer.inferenceId);
  });

  it("a record with several output parts cannot be refuted through one of them (nor settled)", async () => {
    const { ledger, riskInput, answerScore, prove, evidence } = await load();
    const input = riskInput();
    // A wrong score next to an unproven explanation: the shape settleZk refuses, so refuteZk refuses it too.
    const wrong = await answerScore(input, { score: 100n, claimed: Level.Vanilla, extraPart: true });
    const args = evidence(await prove(input, wrong.answer.inferenceId), wrong);
    await expect(ledger.refuteZk(wrong.answer.inferenceId, args, wrong.output.parts[0].content))
      .to.be.revertedWithCustomError(ledger, "ZkOutputNotCommitted")
      .withArgs(wrong.answer.inferenceId);
    await expect(ledger.settleZk(wrong.answer.inferenceId, args))
      .to.be.revertedWithCustomError(ledger, "ZkOutputNotCommitted")
      .withArgs(wrong.answer.inferenceId);
    expect(await ledger.stateOf(wrong.answer.inferenceId)).to.equal(BigInt(RecordState.Answered));
  });

  it("checks the record before the proof: route, commitments, binding, output count, state", async () => {
    const { ledger, riskInput, answerScore, prove, evidence, advance } = await load();
    const input = riskInput();
    const record = await answerScore(input);
    const proof = await prove(input, record.answer.inferenceId);
    const args = evidence(proof, record);

    await expect(
      ledger.settleZk(record.answer.inferenceId, {
        ...args,
        commitments: { ...args.commitments, paymentRef: keccak256("0x01") },
      }),
    )
      .to.be.revertedWithCustomError(ledger, "CommitmentsMismatch")
      .withArgs(record.answer.inferenceId);
    await expect(ledger.settleZk(record.answer.inferenceId, { ...args, outputs: [...args.outputs, 0n] }))
      .to.be.revertedWithCustomError(ledger, "ZkOutputNotCommitted")
      .withArgs(record.answer.inferenceId);

    const proxied = await answerScore(input, { route: Route.Proxy, claimed: Level.TEE });
    await expect(ledger.settleZk(proxied.answer.inferenceId, evidence(proof, proxied)))
      .to.be.revertedWithCustomError(ledger, "ZkNeedsLocalRoute")
      .withArgs(proxied.answer.inferenceId);

    const unknown = keccak256(toUtf8Bytes("never answered"));
    await expect(ledger.settleZk(unknown, args)).to.be.revertedWithCustomError(ledger, "UnknownInference");

    await ledger.settleZk(record.answer.inferenceId, args);
    await expect(ledger.settleZk(record.answer.inferenceId, args))
      .to.be.revertedWithCustomError(ledger, "NotPending")
      .withArgs(record.answer.inferenceId, BigInt(RecordState.Settled));

    const late = await answerScore(riskInput());
    await advance(86_401n);
    await expect(ledger.settleZk(late.answer.inferenceId, evidence(proof, late))).to.be.revertedWithCustomError(
      ledger,
      "DeadlinePassed",
    );
  });

  it("refuses an artifact without a binding, and outputs of the wrong count", async () => {
    const { ledger, router, makeAnswer, submit, riskInput, answerScore, prove, evidence, registerArtifact } =
      await load();
    await registerArtifact("2.0.0", 0n);
    const input = riskInput();
    const record = await answerScore(input);
    const proof = await prove(input, record.answer.inferenceId);
    const args = evidence(proof, record);
    const unbound = makeAnswer({
      subject: 3n,
      claimed: Level.ZKML,
      inputCommitment: record.answer.inputCommitment,
      outputCommitment: record.answer.outputCommitment,
    });
    await submit(unbound);
    await expect(
      ledger.settleZk(unbound.inferenceId, {
        ...args,
        commitments: { ...args.commitments, paymentRef: unbound.paymentRef },
      }),
    )
      .to.be.revertedWithCustomError(router, "ArtifactNotBound")
      .withArgs(3n);

    // A one-output evidence whose single part is committed: the verifier takes exactly two outputs.
    const single = new OutputCommitment([
      {
        kind: 3,
        mediaType: "application/vnd.proofline.risk-score+abi",
        content: AbiCoder.defaultAbiCoder().encode(["uint256"], [329n]),
      },
    ]);
    const oneOutput = makeAnswer({
      claimed: Level.ZKML,
      inputCommitment: record.answer.inputCommitment,
      outputCommitment: single.root,
    });
    await submit(oneOutput);
    await expect(
      ledger.settleZk(oneOutput.inferenceId, {
        ...args,
        commitments: { ...args.commitments, output: single.root, paymentRef: oneOutput.paymentRef },
        outputs: [329n],
      }),
    )
      .to.be.revertedWithCustomError(router, "ZkOutputCountMismatch")
      .withArgs(RISK_SCORER_OUTPUTS, 1n);
  });

  it("computes the binding signal the client computes", async () => {
    const { ledger, chainId, ledgerAddress } = await load();
    const id = keccak256(toUtf8Bytes("some inference"));
    expect(await ledger.zkBinding(id)).to.equal(zkBinding(chainId, ledgerAddress, id));
  });
});
