import { expect } from "chai";
import { ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import { SettlementBatch } from "../../src/batch.js";
import { InputCommitment, InputKind, OutputCommitment, Provenance, answerDigest } from "../../src/commitments.js";
import { attestedInputArg, consumerArgs } from "../../src/consumer.js";
import { signSourcedData } from "../../src/dataSources.js";
import { slashLock } from "../../src/bonds.js";
import { readRequest, requestRef } from "../../src/escrow.js";
import { Level, Route, signBatch } from "../../src/ledger.js";
import { MEASUREMENT, SETTLEMENT_WINDOW, deployScenario } from "../../testing/index.js";
import { buildTrail, flagsOf, formatTrail, TrailError, type Trail } from "../../src/trail.js";
import { riskScorePart } from "../../src/models/riskScorer.js";
import { bytes32ToBlobId } from "../../src/blobId.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function fixture() {
  const scenario = await deployScenario(connection);
  const { ledger, registry, signers, makeAnswer, submit } = scenario;
  const ledgerAddress = await ledger.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const escrow = await ethers.deployContract("InferenceEscrow", [ledgerAddress]);
  const escrowAddress = await escrow.getAddress();
  const lender = await scenario.deployLender(3_600n);
  const contracts = {
    ledger,
    registry,
    attesters: scenario.attesters,
    escrow,
  };

  // A paid request over the bureau's attested features (a one-part input), answered, settled from an enclave batch,
  // consumed, paid; then the label moves and the enclave's measurement is revoked.
  const features = ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [signers.other.address, 1n]);
  const input = new InputCommitment([
    {
      kind: InputKind.External,
      name: "external/credit-bureau",
      content: features,
      provenance: Provenance.SourceSigned,
      signature: await signSourcedData(signers.bureau, scenario.attestersDomain, features),
    },
  ]);
  const params = {
    asset: ZeroAddress,
    amount: 10n ** 15n,
    route: Route.Local,
    subject: 1n,
    minLevel: Level.TEE,
    nodeId: 1n,
    deadline: BigInt(await networkHelpers.time.latest()) + 86_400n,
    inputCommitment: input.root,
    salt: ZeroHash,
    bondMultiple: 0,
  };
  await escrow.connect(signers.publisher).open(params, { value: params.amount });
  const output = new OutputCommitment([riskScorePart(signers.other.address, 250n)]);
  const paid = makeAnswer({
    claimed: Level.TEE,
    inputCommitment: params.inputCommitment,
    outputCommitment: output.root,
    paymentRef: requestRef(escrowAddress, 1n),
  });
  await submit(paid);
  const round = await ledger.currentRound();
  const batch = new SettlementBatch(ledgerAddress, round, [
    {
      inferenceId: paid.inferenceId,
      answerDigest: answerDigest(paid.inputCommitment, paid.outputCommitment, paid.paymentRef),
    },
  ]);
  await ledger.commitBatch(round, batch.root, await signBatch(signers.enclave, scenario.domain, round, batch.root));
  await ledger.settleFromBatch(signers.enclave.address, round, paid.inferenceId, batch.proof(paid.inferenceId));
  await lender.updateScore(...consumerArgs(paid, output, 0), attestedInputArg(input, 0));
  await escrow.release(1n, await readRequest(escrow, 1n), paid.inferenceId, paid.outputCommitment);
  await registry.connect(signers.publisher).moveLabel(1n, 2n);
  await scenario.attesters.connect(signers.guardian).revokeMeasurement(MEASUREMENT);

  // A TEE claim on a proxy route that missed its deadline, its request refunded.
  const proxied = makeAnswer({ route: Route.Proxy, subject: 1n, claimed: Level.TEE });
  await submit(proxied);
  await networkHelpers.time.increase(SETTLEMENT_WINDOW + 1n);
  await ledger.reject(proxied.inferenceId);

  return { ...scenario, escrow, escrowAddress, lender, contracts, paid, batch, round, proxied, input };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("trail", () => {
  it("rebuilds a paid, batch-settled, consumed inference field by field, with its flags", async () => {
    const { contracts, paid, batch, round, signers, lender, escrowAddress, registry } = await load();
    const trail: Trail = await buildTrail(contracts, paid.inferenceId);
    expect(trail.state).to.equal("Settled");
    expect([trail.claimed, trail.achieved]).to.deep.equal(["TEE", "TEE"]);
    expect(trail.answered.nodeId).to.equal(1);
    expect(trail.answered.nodeKey).to.equal(signers.node.address);
    expect(trail.answered.nodeOperator).to.equal(signers.deployer.address);
    expect(trail.answered.route).to.equal("Local");
    expect(trail.answered.inputCommitment).to.equal(paid.inputCommitment);
    expect(trail.answered.outputCommitment).to.equal(paid.outputCommitment);
    expect(trail.answered.paymentRef).to.equal(paid.paymentRef);

    const artifact = await registry.getArtifact(1n);
    expect(trail.artifact).to.deep.equal({
      id: 1,
      modelId: 1,
      blobId: bytes32ToBlobId(artifact.blobId),
      contentDigest: artifact.contentDigest,
      status: "Active",
      labelNow: 2,
      labelMovedSinceAnswer: true,
    });
    expect(trail.provider).to.equal(undefined);

    expect(trail.proofs).to.have.length(1);
    const [proof] = trail.proofs;
    expect(proof.level).to.equal("TEE");
    expect(proof.by).to.equal("enclave batch");
    expect(proof.attester).to.equal(signers.enclave.address);
    expect(proof.measurement).to.equal(MEASUREMENT);
    expect(proof.measurementRevoked).to.equal(true);
    expect(proof.enclaveDisabled).to.equal(false);
    expect(proof.batchRoot).to.equal(batch.root);
    expect(proof.round).to.equal(Number(round));
    expect(trail.settled).to.include({ level: "TEE", round: Number(round) });
    expect(trail.settled!.block).to.equal(proof.block);
    expect(trail.rejected).to.equal(undefined);
    expect(trail.challenges).to.deep.equal([]);

    expect(trail.payment).to.include({
      escrow: escrowAddress,
      requestId: 1,
      requester: signers.publisher.address,
      asset: ZeroAddress,
      amount: (10n ** 15n).toString(),
      paidLevel: "TEE",
    });
    expect(trail.payment!.released).to.include({
      payee: signers.deployer.address,
      amount: (10n ** 15n).toString(),
      byThisInference: true,
    });
    expect(trail.payment!.refunded).to.equal(undefined);

    expect(trail.consumptions).to.have.length(1);
    expect(trail.consumptions[0]).to.include({
      consumer: await lender.getAddress(),
      partIndex: 0,
      achieved: "TEE",
      beforeSettlement: false,
    });
    expect(trail.inputParts).to.equal(undefined);
    expect(trail.consumptions[0].block).to.be.greaterThan(trail.settled!.block);
    expect(trail.answered.block).to.be.lessThan(proof.block);

    expect(trail.flags).to.deep.equal([
      "the model's label moved since the answer (now artifact 2)",
      `the measurement of enclave ${signers.enclave.address} has been revoked since`,
    ]);
    const table = formatTrail(trail);
    expect(table).to.contain("enclave batch");
    expect(table).to.contain(batch.root);
    expect(table).to.contain("FLAG");
    expect(JSON.parse(JSON.stringify(trail))).to.deep.equal(trail);
  });

  it("lists the attested input part a consumer acted on, with its data source", async () => {
    const { contracts, paid, input, signers } = await load();
    const trail = await buildTrail(contracts, paid.inferenceId);
    expect(trail.consumptions[0].attestedInputs).to.deep.equal([
      {
        inputIndex: 0,
        contentHash: input.manifest[0].contentHash,
        source: { id: 1, name: "credit-bureau", registrant: signers.bureau.address },
      },
    ]);
    expect(formatTrail(trail)).to.match(
      new RegExp(`attested input +part 0 \\(${input.manifest[0].contentHash}\\) from data source 1 credit-bureau`),
    );
  });

  it("with the input manifest, lists every part and resolves each signature's key and data source", async () => {
    const { contracts, paid, input, signers } = await load();
    const source = { id: 1, name: "credit-bureau", registrant: signers.bureau.address };
    const expected = [
      {
        index: 0,
        kind: "External",
        name: "external/credit-bureau",
        contentHash: input.manifest[0].contentHash,
        provenance: "SourceSigned",
        signer: signers.bureau.address,
        source,
        keyRevoked: false,
      },
    ];
    // The commitment, or its bare manifest, as options or after a positional fromBlock.
    for (const trail of [
      await buildTrail(contracts, paid.inferenceId, { input }),
      await buildTrail(contracts, paid.inferenceId, 0, { input: input.manifest }),
      await buildTrail(contracts, paid.inferenceId, {
        fromBlock: 0,
        input: JSON.parse(JSON.stringify(input.manifest)),
      }),
    ]) {
      expect(trail.inputParts).to.deep.equal(expected);
      expect(trail.flags).to.have.length(2);
      expect(JSON.parse(JSON.stringify(trail))).to.deep.equal(trail);
    }
    const table = formatTrail(await buildTrail(contracts, paid.inferenceId, { input }));
    expect(table).to.contain(
      `External external/credit-bureau, SourceSigned, content ${input.manifest[0].contentHash}; ` +
        `signed by ${signers.bureau.address}, key of data source 1 credit-bureau (registrant ${signers.bureau.address})`,
    );
  });

  it("refuses an input manifest that is not the record's", async () => {
    const { contracts, paid, input, proxied } = await load();
    const renamed = [{ ...input.manifest[0], name: "external/other-bureau" }];
    await expect(buildTrail(contracts, paid.inferenceId, { input: renamed })).to.be.rejectedWith(
      TrailError,
      /not to the record's input commitment/,
    );
    await expect(buildTrail(contracts, proxied.inferenceId, { input })).to.be.rejectedWith(TrailError);
    await expect(buildTrail(contracts, paid.inferenceId, { input: [] })).to.be.rejectedWith(TrailError);
  });

  it("flags a source-signed part whose signature is no data source key's", async () => {
    const { contracts, signers, attestersDomain, makeAnswer, submit } = await load();
    const content = "0x1234";
    const input = new InputCommitment([
      { kind: InputKind.Prompt, name: "prompt", content: "score this borrower", provenance: Provenance.Unattested },
      {
        kind: InputKind.External,
        name: "external/self-signed",
        content,
        provenance: Provenance.SourceSigned,
        signature: await signSourcedData(signers.other, attestersDomain, content),
      },
    ]);
    const answer = makeAnswer({ inputCommitment: input.root });
    await submit(answer);
    const trail = await buildTrail(contracts, answer.inferenceId, { input });
    expect(trail.inputParts!.map((part) => [part.kind, part.provenance])).to.deep.equal([
      ["Prompt", "Unattested"],
      ["External", "SourceSigned"],
    ]);
    expect(trail.inputParts![1]).to.include({ signer: signers.other.address });
    expect(trail.inputParts![1].source).to.equal(undefined);
    expect(trail.flags).to.include(
      `input part 1 (external/self-signed) is SourceSigned but its signature recovers to ${signers.other.address}, ` +
        "no data source key",
    );
    expect(formatTrail(trail)).to.contain("NO DATA SOURCE KEY");
  });

  it("flags a revoked data source key and the consumer that acted on what it signed", async () => {
    const { contracts, paid, input, signers, attesters, lender } = await load();
    await attesters.connect(signers.bureau).revokeDataSourceKey(signers.bureau.address);
    const trail = await buildTrail(contracts, paid.inferenceId, { input });
    const [part] = trail.inputParts!;
    expect(part).to.include({ signer: signers.bureau.address, keyRevoked: true });
    expect(part.keyRevokedAt!.block).to.be.greaterThan(trail.consumptions[0].block);
    const at = `(block ${part.keyRevokedAt!.block})`;
    expect(trail.flags.slice(2)).to.deep.equal([
      `input part 0 (external/credit-bureau): data source 1 (credit-bureau) has revoked the key ` +
        `${signers.bureau.address} that signed it ${at}`,
      `${await lender.getAddress()} acted on input part 0 attested by data source 1 (credit-bureau) ` +
        `(block ${trail.consumptions[0].block}), whose key ${signers.bureau.address} was revoked since ${at}`,
    ]);
    expect(formatTrail(trail)).to.contain("KEY REVOKED");
    // Without the manifest the key is unknown: no key flags.
    expect((await buildTrail(contracts, paid.inferenceId)).flags).to.have.length(2);
  });

  it("shows a proxy claim that missed its deadline as rejected, claimed more than proven", async () => {
    const { contracts, proxied } = await load();
    const trail = await buildTrail(contracts, proxied.inferenceId);
    expect(trail.state).to.equal("Rejected");
    expect(trail.provider).to.deep.equal({ id: 1, name: "openai/gpt-4o-2024-08-06" });
    expect(trail.artifact).to.equal(undefined);
    expect(trail.rejected).to.include({ reason: "DeadlineMissed", achieved: "Vanilla" });
    expect(trail.payment).to.equal(undefined);
    expect(trail.flags).to.deep.equal([
      "claimed TEE but was rejected at Vanilla",
      "its node's lock of 0.01 ETH is not slashed yet: anyone may slash it",
    ]);
    expect(trail.bond).to.include({ status: "Locked", outlook: "slashable", requestId: 0 });
    expect(formatTrail(trail)).to.contain("openai/gpt-4o-2024-08-06");
  });

  it("flags consumption before settlement and a claim not yet proven", () => {
    const base = {
      state: "Answered",
      claimed: "TEE",
      achieved: "Vanilla",
      proofs: [],
      challenges: [],
      consumptions: [{ consumer: "0xC0", block: 9, beforeSettlement: true }],
    } as unknown as Trail;
    expect(flagsOf(base)).to.deep.equal([
      "acted on before settlement by 0xC0 (block 9)",
      "claimed TEE, proven only Vanilla so far",
    ]);
  });

  it("refuses an unknown inference", async () => {
    const { contracts } = await load();
    await expect(buildTrail(contracts, ethers.id("never answered"))).to.be.rejectedWith(TrailError);
  });
});

/** Records on the scenario's own escrow (the one the bond vault is bound to, so its requests' locks are paid locks). */
async function bondFixture() {
  const scenario = await deployScenario(connection);
  const { ledger, registry, attesters, escrow, bonds, signers, makeAnswer, submit, attest } = scenario;
  const contracts = { ledger, registry, attesters, escrow };
  const price = 10n ** 16n;
  let requests = 0n;
  const open = async () => {
    const params = {
      asset: ZeroAddress,
      amount: price,
      route: Route.Local,
      subject: 1n,
      minLevel: Level.TEE,
      nodeId: 1n,
      deadline: BigInt(await networkHelpers.time.latest()) + 86_400n,
      inputCommitment: ethers.id(`request ${++requests}`),
      salt: ZeroHash,
      bondMultiple: 0,
    };
    await escrow.connect(signers.publisher).open(params, { value: price });
    return makeAnswer({
      claimed: Level.TEE,
      inputCommitment: params.inputCommitment,
      paymentRef: requestRef(await escrow.getAddress(), requests),
    });
  };
  // Paid, pending; paid, settled and released; paid, refuted by an enclave's attestation of another output that a
  // watcher submitted, then slashed by a third account.
  const pending = await open();
  await submit(pending);
  const released = await open();
  await submit(released);
  await ledger.settleTee(released.inferenceId, await attest(signers.enclave, released));
  await bonds.connect(signers.bureau).release(released.inferenceId);
  const refuted = await open();
  await submit(refuted);
  const other = ethers.id("the enclave's output");
  const watcher = signers.other;
  await ledger
    .connect(watcher)
    .refuteTee(
      refuted.inferenceId,
      refuted.inputCommitment,
      refuted.outputCommitment,
      refuted.paymentRef,
      other,
      await attest(signers.enclave, refuted, other),
    );
  await slashLock(bonds.connect(signers.bureau), refuted.inferenceId); // a paid lock: slashPaid with its request
  return { ...scenario, contracts, price, pending, released, refuted, watcher };
}

describe("trail of a record's bond", () => {
  const load = () => networkHelpers.loadFixture(bondFixture);

  it("shows a pending claim's lock as Locked and pending, never as resolved", async () => {
    const { contracts, pending, price, bonds } = await load();
    const trail = await buildTrail(contracts, pending.inferenceId);
    expect(trail.state).to.equal("Answered");
    expect(trail.bond).to.deep.include({
      vault: await bonds.getAddress(),
      nodeId: 1,
      asset: ZeroAddress,
      amount: (2n * price).toString(),
      requestId: 1,
      status: "Locked",
      outlook: "pending",
    });
    expect(trail.bond!.locked!.block).to.be.lessThan(trail.answered.block);
    expect([trail.bond!.released, trail.bond!.slashed, trail.bond!.cancelled]).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
    const table = formatTrail(trail);
    expect(table).to.match(/bond locked +.*0\.02 ETH of node 1's bond, backing escrow request 1/);
    expect(table).to.match(/bond now +Locked, pending until the record resolves/);
    expect(JSON.parse(JSON.stringify(trail))).to.deep.equal(trail);
  });

  it("shows a settled record's lock released back to the node", async () => {
    const { contracts, released, price } = await load();
    const trail = await buildTrail(contracts, released.inferenceId);
    expect(trail.state).to.equal("Settled");
    expect(trail.bond).to.include({ status: "Released", amount: (2n * price).toString(), requestId: 2 });
    expect(trail.bond!.outlook).to.equal(undefined);
    expect(trail.bond!.released!.block).to.be.greaterThan(trail.settled!.block);
    expect(trail.flags).to.deep.equal([]);
    const table = formatTrail(trail);
    expect(table).to.match(/bond released +.* back to node 1's free bond/);
    expect(table).to.not.contain("bond now");
  });

  it("shows a settled lock nobody released yet as releasable, and a claim without a lock as none", async () => {
    const { contracts, makeAnswer, submit, ledger, attest, signers } = await load();
    const settled = makeAnswer({ claimed: Level.TEE });
    await submit(settled);
    await ledger.settleTee(settled.inferenceId, await attest(signers.enclave, settled));
    const trail = await buildTrail(contracts, settled.inferenceId);
    expect(trail.bond).to.include({
      status: "Locked",
      outlook: "releasable",
      requestId: 0,
      amount: "10000000000000000",
    });
    expect(formatTrail(trail)).to.contain("backing an unpaid claim");
    const vanilla = makeAnswer({ claimed: Level.Vanilla });
    await submit(vanilla);
    expect((await buildTrail(contracts, vanilla.inferenceId)).bond).to.equal(undefined);
  });

  it("shows a refuted record's lock slashed, with the refuter, the requester and the protocol's shares", async () => {
    const { contracts, refuted, price, watcher, signers, bonds } = await load();
    const trail = await buildTrail(contracts, refuted.inferenceId);
    expect(trail.state).to.equal("Rejected");
    expect(trail.rejected).to.include({ reason: "Refuted", refuter: watcher.address });
    expect(trail.challenges[0].attester).to.equal(signers.enclave.address);
    const amount = 2n * price;
    expect(trail.bond).to.include({ status: "Slashed", amount: amount.toString(), requestId: 3 });
    expect(trail.bond!.slashed).to.include({
      reporter: watcher.address,
      reporterShare: ((amount * 5_000n) / 10_000n).toString(),
      requester: signers.publisher.address,
      requesterShare: ((amount * 3_000n) / 10_000n).toString(),
      protocol: await bonds.feeDestination(),
      protocolShare: ((amount * 2_000n) / 10_000n).toString(),
    });
    // Slashed: nothing left for an auditor to chase.
    expect(trail.flags).to.deep.equal([
      "claimed TEE but was rejected at Vanilla",
      `refuted at TEE by ${signers.enclave.address}`,
    ]);
    const table = formatTrail(trail);
    expect(table).to.contain(`Refuted, refutation submitted by ${watcher.address}`);
    expect(table).to.match(new RegExp(`to reporter +0\\.01 ETH to ${watcher.address}`));
    expect(table).to.match(new RegExp(`to requester +0\\.006 ETH to ${signers.publisher.address}`));
    expect(table).to.match(/to protocol +0\.004 ETH to 0x/);
    expect(JSON.parse(JSON.stringify(trail))).to.deep.equal(trail);
  });
});
