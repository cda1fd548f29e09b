import { expect } from "chai";
import { TypedDataEncoder, Wallet, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { BatchError, SettlementBatch, batchLeafHash } from "../../src/batch.js";
import { answerDigest } from "../../src/commitments.js";
import { BATCH_TYPES, Level, RecordState, Route, ledgerDomain, signBatch, type Answer } from "../../src/ledger.js";
import { deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { networkHelpers } = connection;
const ROUND = 3_600n;

/** What `batchRoot` answers for a committed `root`: its first 224 bits (the slot keeps the round in the last 32). */
const storedRoot = (root: string) => `${root.slice(0, 2 + 56)}${"0".repeat(8)}`;

async function fixture() {
  const scenario = await deployScenario(connection);
  const { ledger, makeAnswer, submit } = scenario;
  const ledgerAddress = await ledger.getAddress();
  const digestOf = (answer: Answer) => answerDigest(answer.inputCommitment, answer.outputCommitment, answer.paymentRef);
  /** Answers `count` TEE claims on artifact 1 (or the given route and subject). */
  const answers = async (count: number, overrides: Partial<Answer> = {}) => {
    const list: Answer[] = [];
    for (let i = 0; i < count; i++) {
      const answer = makeAnswer({ claimed: Level.TEE, ...overrides });
      await submit(answer);
      list.push(answer);
    }
    return list;
  };
  /** The current round's batch over `list`, signed by `signer` (the Local enclave by default) and committed. */
  const commit = async (list: Answer[], signer = scenario.signers.enclave) => {
    const round = await ledger.currentRound();
    const batch = new SettlementBatch(
      ledgerAddress,
      round,
      list.map((answer) => ({ inferenceId: answer.inferenceId, answerDigest: digestOf(answer) })),
    );
    await ledger.commitBatch(round, batch.root, await signBatch(signer, scenario.domain, round, batch.root));
    return batch;
  };
  /** Moves to the next round, with fresh heartbeats from both enclaves. */
  const nextRound = async () => {
    await networkHelpers.time.increase(ROUND);
    await scenario.beat(scenario.signers.enclave);
    await scenario.beat(scenario.signers.proxyEnclave);
  };
  return { ...scenario, ledgerAddress, digestOf, answers, commit, nextRound };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("Batch settlement from enclave-signed Merkle roots", () => {
  it("commits one root for a round's attestations, then settles each record with its leaf", async () => {
    const { ledger, signers, domain, ledgerAddress, digestOf, answers, nextRound } = await load();
    const list = await answers(5);
    const round = await ledger.currentRound();
    const batch = new SettlementBatch(
      ledgerAddress,
      round,
      list.map((answer) => ({ inferenceId: answer.inferenceId, answerDigest: digestOf(answer) })),
    );
    await expect(ledger.commitBatch(round, batch.root, await signBatch(signers.enclave, domain, round, batch.root)))
      .to.emit(ledger, "BatchCommitted")
      .withArgs(signers.enclave.address, round, batch.root);
    expect(await ledger.batchRoot(signers.enclave.address, round)).to.equal(storedRoot(batch.root));
    expect(await ledger.lastBatchRound(signers.enclave.address)).to.equal(round);

    await nextRound();
    for (const answer of list) {
      await expect(
        ledger
          .connect(signers.other)
          .settleFromBatch(signers.enclave.address, round, answer.inferenceId, batch.proof(answer.inferenceId)),
      )
        .to.emit(ledger, "Attested")
        .withArgs(answer.inferenceId, BigInt(Level.TEE), signers.enclave.address, batch.root, round)
        .and.to.emit(ledger, "InferenceSettled")
        .withArgs(answer.inferenceId, BigInt(Level.TEE), round);
      const record = await ledger.getRecord(answer.inferenceId);
      expect(record.state).to.equal(BigInt(RecordState.Settled));
      expect(record.achieved).to.equal(BigInt(Level.TEE));
      // The record keeps the round the enclave attested in, not the round it was relayed in.
      expect(record.round).to.equal(round);
    }
  });

  it("raises a ZKML claim to TEE without settling it", async () => {
    const { ledger, signers, answers, commit } = await load();
    const [answer] = await answers(1, { claimed: Level.ZKML });
    const batch = await commit([answer]);
    await expect(
      ledger.settleFromBatch(signers.enclave.address, batch.round, answer.inferenceId, batch.proof(answer.inferenceId)),
    ).to.not.emit(ledger, "InferenceSettled");
    const record = await ledger.getRecord(answer.inferenceId);
    expect(record.achieved).to.equal(BigInt(Level.TEE));
    expect(record.state).to.equal(BigInt(RecordState.Answered));
  });

  it("uses a leaf once", async () => {
    const { ledger, signers, answers, commit, nextRound } = await load();
    const [answer] = await answers(1);
    const batch = await commit([answer]);
    const settle = () =>
      ledger.settleFromBatch(signers.enclave.address, batch.round, answer.inferenceId, batch.proof(answer.inferenceId));
    await settle();
    await expect(settle())
      .to.be.revertedWithCustomError(ledger, "NotPending")
      .withArgs(answer.inferenceId, BigInt(RecordState.Settled));
    // A ZKML claim raised to TEE stays pending, and its leaf still cannot raise it again.
    const [zk] = await answers(1, { claimed: Level.ZKML });
    await nextRound();
    const second = await commit([zk]);
    const settleZk = () =>
      ledger.settleFromBatch(signers.enclave.address, second.round, zk.inferenceId, second.proof(zk.inferenceId));
    await settleZk();
    await expect(settleZk())
      .to.be.revertedWithCustomError(ledger, "LevelNotRaised")
      .withArgs(zk.inferenceId, BigInt(Level.TEE));
  });

  it("refuses a leaf from another round", async () => {
    const { ledger, signers, answers, commit, nextRound } = await load();
    const [first, second] = await answers(2);
    const early = await commit([first]);
    await nextRound();
    const later = await commit([second]);
    // first's leaf and proof, presented as part of the later round.
    await expect(
      ledger.settleFromBatch(signers.enclave.address, later.round, first.inferenceId, early.proof(first.inferenceId)),
    )
      .to.be.revertedWithCustomError(ledger, "NotInBatch")
      .withArgs(first.inferenceId, signers.enclave.address, later.round);
    // second's proof from the later tree, presented as part of the early round.
    await expect(
      ledger.settleFromBatch(signers.enclave.address, early.round, second.inferenceId, later.proof(second.inferenceId)),
    )
      .to.be.revertedWithCustomError(ledger, "NotInBatch")
      .withArgs(second.inferenceId, signers.enclave.address, early.round);
  });

  it("refuses a leaf built for another contract, and a root signed for another contract", async () => {
    const { ledger, signers, digestOf, answers } = await load();
    const [answer] = await answers(1);
    const round = await ledger.currentRound();
    const elsewhere = Wallet.createRandom().address;
    const foreign = new SettlementBatch(elsewhere, round, [
      { inferenceId: answer.inferenceId, answerDigest: digestOf(answer) },
    ]);
    // Signed for another ledger's domain, the root does not recover to the enclave.
    const otherDomain = ledgerDomain((await connection.ethers.provider.getNetwork()).chainId, elsewhere);
    const foreignSignature = await signBatch(signers.enclave, otherDomain, round, foreign.root);
    await expect(ledger.commitBatch(round, foreign.root, foreignSignature)).to.be.revertedWithCustomError(
      ledger,
      "EnclaveNotLive",
    );
    // Signed for this ledger, the root commits, but its leaves name the other ledger and settle nothing here.
    const domain = ledgerDomain((await connection.ethers.provider.getNetwork()).chainId, await ledger.getAddress());
    await ledger.commitBatch(round, foreign.root, await signBatch(signers.enclave, domain, round, foreign.root));
    await expect(
      ledger.settleFromBatch(signers.enclave.address, round, answer.inferenceId, foreign.proof(answer.inferenceId)),
    )
      .to.be.revertedWithCustomError(ledger, "NotInBatch")
      .withArgs(answer.inferenceId, signers.enclave.address, round);
  });

  it("refuses a leaf whose content differs from the record's", async () => {
    const { ledger, signers, answers, commit } = await load();
    const [answer] = await answers(1);
    const batch = await commit([{ ...answer, outputCommitment: keccak256(toUtf8Bytes("another output")) }]);
    await expect(
      ledger.settleFromBatch(signers.enclave.address, batch.round, answer.inferenceId, batch.proof(answer.inferenceId)),
    ).to.be.revertedWithCustomError(ledger, "NotInBatch");
  });

  it("commits only a live enclave's non-zero root for the current round, once per round", async () => {
    const { ledger, signers, domain } = await load();
    const round = await ledger.currentRound();
    const root = keccak256(toUtf8Bytes("root"));
    await expect(
      ledger.commitBatch(round, ZeroHash, await signBatch(signers.enclave, domain, round, ZeroHash)),
    ).to.be.revertedWithCustomError(ledger, "ZeroBatchRoot");
    await expect(ledger.commitBatch(round + 1n, root, await signBatch(signers.enclave, domain, round + 1n, root)))
      .to.be.revertedWithCustomError(ledger, "BatchRoundNotCurrent")
      .withArgs(round + 1n, round);
    await expect(ledger.commitBatch(round, root, await signBatch(signers.node, domain, round, root)))
      .to.be.revertedWithCustomError(ledger, "EnclaveNotLive")
      .withArgs(signers.node.address);
    await ledger.commitBatch(round, root, await signBatch(signers.enclave, domain, round, root));
    const again = keccak256(toUtf8Bytes("another root"));
    await expect(ledger.commitBatch(round, again, await signBatch(signers.enclave, domain, round, again)))
      .to.be.revertedWithCustomError(ledger, "BatchAlreadyCommitted")
      .withArgs(signers.enclave.address, round);
  });

  it("settles only while the enclave is live and bound to the record's subject", async () => {
    const { ledger, attesters, signers, answers, commit } = await load();
    const [local, another] = await answers(2);
    const [proxied] = await answers(1, { route: Route.Proxy, subject: 1n });
    // The proxy enclave's batch holds a Local record: the binding does not match.
    const proxyBatch = await commit([local, proxied], signers.proxyEnclave);
    await expect(
      ledger.settleFromBatch(
        signers.proxyEnclave.address,
        proxyBatch.round,
        local.inferenceId,
        proxyBatch.proof(local.inferenceId),
      ),
    )
      .to.be.revertedWithCustomError(ledger, "EnclaveBindingMismatch")
      .withArgs(signers.proxyEnclave.address, BigInt(Route.Proxy), 1n);
    await ledger.settleFromBatch(
      signers.proxyEnclave.address,
      proxyBatch.round,
      proxied.inferenceId,
      proxyBatch.proof(proxied.inferenceId),
    );
    // Disabling the enclave after it committed stops its batch at once.
    const batch = await commit([local, another]);
    await ledger.settleFromBatch(
      signers.enclave.address,
      batch.round,
      local.inferenceId,
      batch.proof(local.inferenceId),
    );
    await attesters.connect(signers.guardian).disableEnclave(signers.enclave.address);
    await expect(
      ledger.settleFromBatch(
        signers.enclave.address,
        batch.round,
        another.inferenceId,
        batch.proof(another.inferenceId),
      ),
    )
      .to.be.revertedWithCustomError(ledger, "EnclaveNotLive")
      .withArgs(signers.enclave.address);
  });

  it("a stale heartbeat stops an enclave's batch from settling", async () => {
    const { ledger, signers, answers, commit } = await load();
    const [answer] = await answers(1);
    const batch = await commit([answer]);
    await networkHelpers.time.increase(2n * ROUND);
    await expect(
      ledger.settleFromBatch(signers.enclave.address, batch.round, answer.inferenceId, batch.proof(answer.inferenceId)),
    )
      .to.be.revertedWithCustomError(ledger, "EnclaveNotLive")
      .withArgs(signers.enclave.address);
  });

  it("refuses a round with no root, and reuses a root slot after BATCH_ROOT_SLOTS rounds", async () => {
    const { ledger, signers, domain, beat, answers } = await load();
    const [answer] = await answers(1);
    const round = await ledger.currentRound();
    await expect(ledger.settleFromBatch(signers.enclave.address, round, answer.inferenceId, []))
      .to.be.revertedWithCustomError(ledger, "UnknownBatch")
      .withArgs(signers.enclave.address, round);
    const slots = await ledger.BATCH_ROOT_SLOTS();
    const first = keccak256(toUtf8Bytes("first"));
    await ledger.commitBatch(round, first, await signBatch(signers.enclave, domain, round, first));
    expect(await ledger.batchRoot(signers.enclave.address, round)).to.equal(storedRoot(first));
    // The slot of round + slots holds round's root: asked for that round, it answers none.
    expect(await ledger.batchRoot(signers.enclave.address, round + slots)).to.equal(ZeroHash);
    await networkHelpers.time.increase(ROUND * slots);
    await beat(signers.enclave);
    const later = await ledger.currentRound();
    expect(later).to.equal(round + slots);
    const second = keccak256(toUtf8Bytes("second"));
    await ledger.commitBatch(later, second, await signBatch(signers.enclave, domain, later, second));
    expect(await ledger.batchRoot(signers.enclave.address, later)).to.equal(storedRoot(second));
    // The earlier round's root is gone: the slot now holds another round.
    expect(await ledger.batchRoot(signers.enclave.address, round)).to.equal(ZeroHash);
    expect(await ledger.lastBatchRound(signers.enclave.address)).to.equal(later);
  });

  it("refuses to settle from a round whose slot now holds another round, with UnknownBatch", async () => {
    const { ledger, signers, beat, makeAnswer, submit, answers, commit } = await load();
    const slots = await ledger.BATCH_ROOT_SLOTS();
    // The enclave's early root covers an answer that reaches the ledger only when the ring has come round, so the
    // record is still pending when the early round's slot holds the later round.
    const answer = makeAnswer({ claimed: Level.TEE });
    const early = await commit([answer]);
    await networkHelpers.time.increase(ROUND * slots);
    await beat(signers.enclave);
    await submit(answer);
    const later = await commit(await answers(1));
    expect(later.round).to.equal(early.round + slots);
    await expect(
      ledger.settleFromBatch(signers.enclave.address, early.round, answer.inferenceId, early.proof(answer.inferenceId)),
    )
      .to.be.revertedWithCustomError(ledger, "UnknownBatch")
      .withArgs(signers.enclave.address, early.round);
    // In its own round's batch the same leaf would have settled: the refusal is about the slot, not the leaf.
    expect(await ledger.stateOf(answer.inferenceId)).to.equal(BigInt(RecordState.Answered));
  });

  it("lastBatchRound is 0 before any batch, then each enclave's newest committed round", async () => {
    const { ledger, signers, answers, commit, nextRound } = await load();
    expect(await ledger.lastBatchRound(signers.enclave.address)).to.equal(0n);
    expect(await ledger.lastBatchRound(signers.proxyEnclave.address)).to.equal(0n);
    expect(await ledger.lastBatchRound(signers.other.address)).to.equal(0n);
    const [first, second] = await answers(2);
    const early = await commit([first]);
    expect(await ledger.lastBatchRound(signers.enclave.address)).to.equal(early.round);
    expect(await ledger.lastBatchRound(signers.proxyEnclave.address)).to.equal(0n);
    await nextRound();
    await nextRound();
    const later = await commit([second]);
    expect(later.round).to.equal(early.round + 2n);
    expect(await ledger.lastBatchRound(signers.enclave.address)).to.equal(later.round);
    expect(await ledger.lastBatchRound(signers.proxyEnclave.address)).to.equal(0n);
  });

  it("matches the ledger's leaf and typed-data hashes", async () => {
    const { ledger, domain, digestOf, answers } = await load();
    const [answer] = await answers(1);
    const round = await ledger.currentRound();
    const entry = { inferenceId: answer.inferenceId, answerDigest: digestOf(answer) };
    expect(await ledger.batchLeaf(round, entry.inferenceId, entry.answerDigest)).to.equal(
      batchLeafHash(await ledger.getAddress(), round, entry),
    );
    const root = new SettlementBatch(await ledger.getAddress(), round, [entry]).root;
    expect(await ledger.batchTypedDataHash(round, root)).to.equal(
      TypedDataEncoder.hash(domain, BATCH_TYPES, { round, root }),
    );
  });

  it("the client refuses empty batches, duplicates, bad rounds and unknown records", () => {
    const entry = { inferenceId: keccak256("0x01"), answerDigest: keccak256("0x02") };
    const ledger = Wallet.createRandom().address;
    expect(() => new SettlementBatch(ledger, 1n, [])).to.throw(BatchError);
    expect(() => new SettlementBatch(ledger, 1n, [entry, entry])).to.throw(BatchError, "twice");
    expect(() => new SettlementBatch(ledger, 0n, [entry])).to.throw(BatchError, "round");
    expect(() => new SettlementBatch(ledger, 2n ** 32n, [entry])).to.throw(BatchError, "round");
    expect(() => new SettlementBatch(ledger, 1n, [entry]).proof(keccak256("0x03"))).to.throw(BatchError, "not in");
  });
});

describe("Settling many records from one batch in one call (settleManyFromBatch)", () => {
  /** `settleManyFromBatch` for `ids` (default: all) of `batch`, as `enclave` committed it. */
  const settleMany = (
    scenario: Awaited<ReturnType<typeof load>>,
    batch: SettlementBatch,
    ids?: string[],
    enclave = scenario.signers.enclave.address,
  ) => {
    const { inferenceIds, answerDigests, proof, proofFlags } = batch.multiProof(ids);
    return scenario.ledger.settleManyFromBatch(enclave, batch.round, inferenceIds, answerDigests, proof, proofFlags);
  };

  /** How many records `settleManyFromBatch` of all of `batch` would settle now (a static call). */
  const settledBy = (scenario: Awaited<ReturnType<typeof load>>, batch: SettlementBatch) => {
    const { inferenceIds, answerDigests, proof, proofFlags } = batch.multiProof();
    const enclave = scenario.signers.enclave.address;
    return scenario.ledger.settleManyFromBatch.staticCall(
      enclave,
      batch.round,
      inferenceIds,
      answerDigests,
      proof,
      proofFlags,
    );
  };

  it("settles every listed record with one multiproof, each with its own events, and returns how many", async () => {
    const scenario = await load();
    const { ledger, signers, answers, commit } = scenario;
    const list = await answers(9);
    const batch = await commit(list);
    expect(await settledBy(scenario, batch)).to.equal(9n);
    const tx = settleMany(scenario, batch);
    for (const answer of list) {
      await expect(tx)
        .to.emit(ledger, "Attested")
        .withArgs(answer.inferenceId, Level.TEE, signers.enclave.address, batch.root, await ledger.currentRound());
      await expect(tx).to.emit(ledger, "InferenceSettled");
    }
    for (const answer of list) {
      const record = await ledger.getRecord(answer.inferenceId);
      expect(record.state).to.equal(BigInt(RecordState.Settled));
      expect(record.achieved).to.equal(BigInt(Level.TEE));
    }
  });

  it("settles a subset, and raises a ZKML claim to TEE without settling it", async () => {
    const scenario = await load();
    const { ledger, answers, commit } = scenario;
    const list = await answers(6);
    const [zk] = await answers(1, { claimed: Level.ZKML });
    const batch = await commit([...list, zk]);
    await settleMany(scenario, batch, [list[1].inferenceId, list[4].inferenceId, zk.inferenceId]);
    expect((await ledger.getRecord(list[1].inferenceId)).state).to.equal(BigInt(RecordState.Settled));
    expect((await ledger.getRecord(list[0].inferenceId)).state).to.equal(BigInt(RecordState.Answered));
    const raised = await ledger.getRecord(zk.inferenceId);
    expect([raised.state, raised.achieved]).to.deep.equal([BigInt(RecordState.Answered), BigInt(Level.TEE)]);
  });

  it("a front-runner settling one record first, or a record listed twice, skips it and settles the others", async () => {
    const scenario = await load();
    const { ledger, signers, answers, commit } = scenario;
    const list = await answers(4);
    const batch = await commit(list);
    await ledger.settleFromBatch(
      signers.enclave.address,
      batch.round,
      list[2].inferenceId,
      batch.proof(list[2].inferenceId),
    );
    expect(await settledBy(scenario, batch)).to.equal(3n);
    await expect(settleMany(scenario, batch)).to.not.emit(ledger, "InferenceRejected");
    // Every leaf is used: a second call settles nothing and changes nothing.
    expect(await settledBy(scenario, batch)).to.equal(0n);
  });

  it("skips records past their deadline and records whose artifact was revoked", async () => {
    const scenario = await load();
    const { ledger, registry, signers, answers, commit, makeAnswer, submit } = scenario;
    const vanilla = makeAnswer({ claimed: Level.Vanilla });
    await submit(vanilla);
    const [tee] = await answers(1);
    const batch = await commit([vanilla, tee]);
    // The Vanilla claim's one-hour window passes; the TEE claim has a day.
    await networkHelpers.time.increase(ROUND);
    await scenario.beat(signers.enclave);
    await settleMany(scenario, batch);
    expect((await ledger.getRecord(vanilla.inferenceId)).achieved).to.equal(BigInt(Level.Vanilla));
    expect((await ledger.getRecord(tee.inferenceId)).state).to.equal(BigInt(RecordState.Settled));

    const [left] = await answers(1);
    const later = await commit([left]);
    await registry.connect(signers.publisher).revokeArtifact(1n, 2);
    await settleMany(scenario, later);
    expect((await ledger.getRecord(left.inferenceId)).state).to.equal(BigInt(RecordState.Answered));
  });

  it("a leaf whose attested content is not the record's raises nothing", async () => {
    const scenario = await load();
    const { ledger, answers, commit } = scenario;
    const [answer] = await answers(1);
    const batch = await commit([{ ...answer, outputCommitment: keccak256(toUtf8Bytes("another output")) }]);
    expect((await settleMany(scenario, batch).then((tx) => tx.wait()))!.logs).to.have.length(0);
    expect((await ledger.getRecord(answer.inferenceId)).achieved).to.equal(BigInt(Level.Vanilla));
  });

  it("refuses a proof that does not match the root (BatchProofInvalid), a malformed call and an unknown batch", async () => {
    const scenario = await load();
    const { ledger, signers, answers, commit, nextRound } = scenario;
    const list = await answers(3);
    const batch = await commit(list);
    const { inferenceIds, answerDigests, proof, proofFlags } = batch.multiProof();
    const enclave = signers.enclave.address;
    // Another record's id in place of a listed one, or a digest changed.
    const [stranger] = await answers(1);
    await expect(
      ledger.settleManyFromBatch(
        enclave,
        batch.round,
        [stranger.inferenceId, ...inferenceIds.slice(1)],
        answerDigests,
        proof,
        proofFlags,
      ),
    )
      .to.be.revertedWithCustomError(ledger, "BatchProofInvalid")
      .withArgs(enclave, batch.round);
    await expect(
      ledger.settleManyFromBatch(
        enclave,
        batch.round,
        inferenceIds,
        [ZeroHash, ...answerDigests.slice(1)],
        proof,
        proofFlags,
      ),
    ).to.be.revertedWithCustomError(ledger, "BatchProofInvalid");
    // No records, or one digest short.
    await expect(
      ledger.settleManyFromBatch(enclave, batch.round, [], [], [batch.root], []),
    ).to.be.revertedWithCustomError(ledger, "BatchSettlementMalformed");
    await expect(
      ledger.settleManyFromBatch(enclave, batch.round, inferenceIds, answerDigests.slice(1), proof, proofFlags),
    ).to.be.revertedWithCustomError(ledger, "BatchSettlementMalformed");
    await expect(ledger.settleManyFromBatch(enclave, batch.round + 1n, inferenceIds, answerDigests, proof, proofFlags))
      .to.be.revertedWithCustomError(ledger, "UnknownBatch")
      .withArgs(enclave, batch.round + 1n);
    // Round r's leaves and proof, offered against the enclave's root of round r + 1: each leaf names its round.
    await nextRound();
    const later = await commit([stranger]);
    await expect(ledger.settleManyFromBatch(enclave, later.round, inferenceIds, answerDigests, proof, proofFlags))
      .to.be.revertedWithCustomError(ledger, "BatchProofInvalid")
      .withArgs(enclave, later.round);
  });

  it("settles only while the enclave is live, and only records bound to its subject (EnclaveBindingMismatch)", async () => {
    const scenario = await load();
    const { ledger, attesters, signers, answers, commit } = scenario;
    const [local] = await answers(1);
    const [proxied] = await answers(1, { route: Route.Proxy, subject: 1n });
    const proxyBatch = await commit([local, proxied], signers.proxyEnclave);
    await expect(settleMany(scenario, proxyBatch, undefined, signers.proxyEnclave.address))
      .to.be.revertedWithCustomError(ledger, "EnclaveBindingMismatch")
      .withArgs(signers.proxyEnclave.address, BigInt(Route.Proxy), 1n);
    await settleMany(scenario, proxyBatch, [proxied.inferenceId], signers.proxyEnclave.address);
    expect((await ledger.getRecord(proxied.inferenceId)).state).to.equal(BigInt(RecordState.Settled));

    const batch = await commit([local]);
    await attesters.connect(signers.guardian).disableEnclave(signers.enclave.address);
    await expect(settleMany(scenario, batch))
      .to.be.revertedWithCustomError(ledger, "EnclaveNotLive")
      .withArgs(signers.enclave.address);
  });
});
