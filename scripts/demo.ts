/**
 * The whole Proofline lifecycle as a short story, on the built-in network (`npm run demo`) or a local node (`npm run
 * demo -- --network localhost`, as often as you like: each run deploys its own system).
 *
 * Every step checks that it did what it says and the script exits non-zero at the first one that did not. Deploys
 * everything with Ignition, shows the trust set-up the story relies on as the chain recorded it (delays included),
 * then: a model with two artifacts under one label; a fast answer over features a credit bureau attested, which a
 * settled-only consumer refuses; a TEE settlement it accepts; a real ZK proof settling another inference at ZKML; a
 * valid proof over features the node made up, which the consumer refuses; a wrong answer refuted by a stronger proof;
 * a claim rejected at its deadline; the label moving and a consumer pinned to the old artifact refusing the new one's
 * output; an escrowed payment released on settlement (and the node's bond lock with it) and another refunded after its
 * deadline; a node that claims TEE on a paid request, locks its bond, is refuted by an enclave's attestation a watcher
 * submits and slashed by a passer-by, the split credited (refuter, requester, protocol) and the refuter withdrawing;
 * and the trails of the TEE, the ZKML, the rejected and the slashed inference. The twin market has its own story:
 * `npm run demo:market`.
 *
 * The clock: the built-in network (or a local development node) is simulated, and the story moves its clock ahead
 * whenever it waits out a delay (the
 * trust admin's, a challenge window, a deadline), so the times in the trails are simulated time.
 */
import { ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import { OutputCommitment } from "../src/commitments.js";
import { bondAmountText } from "../src/bonds.js";
import { BOND_VAULT, ESCROW_CLAIM_WINDOW, LockStatus } from "../src/constants.js";
import { Roles } from "../src/roles.js";
import { consumerArgs } from "../src/consumer.js";
import { requestOf, requestRef } from "../src/escrow.js";
import { Level, RecordState, Route } from "../src/ledger.js";
import { SETTLEMENT_WINDOW, deployScenario } from "../testing/index.js";
import { buildTrail, formatTrail } from "../src/trail.js";
import { riskScore } from "../src/models/riskScorer.js";
import { releaseProver } from "../src/zk.js";
import { chainName, revertName, story } from "./lib/story.js";

const connection = await network.create();
const { ethers, networkHelpers, networkName } = connection;

const { say, detail, check, steps } = story("demo");

say(`Deploy the system on ${chainName(networkName)}`);
const scenario = await deployScenario(connection);
const { ledger, registry, signers, makeAnswer, submit, attest, models } = scenario;
const { escrow, usdc, attesters, router, manager, bonds } = scenario;
const ledgerAddress = await ledger.getAddress();
const chainId = (await ethers.provider.getNetwork()).chainId;
const lender = await scenario.deployLender(86_400n);
detail("the whole system with Ignition (ProoflineLocal, deploy/parameters/default.json); the deployer keeps no role");
detail(`ledger ${ledgerAddress}, registry ${await registry.getAddress()}`);
detail(`escrow ${await escrow.getAddress()} (test USDC ${await usdc.getAddress()})`);
detail(
  `RiskScoreConsumer ${await lender.getAddress()}: TEE or better, settled only, pinned to artifact 1, ` +
    "answered by its scorer node, over features the credit bureau (data source 1) attested",
);

say("The trust set-up the story relies on, as the chain recorded it");
const [, trustDelay] = await manager.getAccess(Roles.TRUST_ADMIN, signers.trustAdmin.address);
const executed = await manager.queryFilter(manager.filters.OperationExecuted());
detail(
  `the trust admin's actions wait ${trustDelay} s in the AccessManager: ${executed.length} were scheduled, waited out ` +
    `and executed (the clock of ${chainName(networkName)} moved ahead to pass each delay)`,
);
for (const event of await attesters.queryFilter(attesters.filters.MeasurementApproved())) {
  detail(`measurement ${event.args.measurement} approved`);
}
for (const event of await attesters.queryFilter(attesters.filters.EnclaveRegistered())) {
  detail(
    `enclave ${event.args.enclave} registered, bound to ${Route[Number(event.args.route)]} subject ` +
      `${event.args.subject}: a development enclave key (a plain account), not hardware`,
  );
}
for (const event of await router.queryFilter(router.filters.VerifierAdded())) {
  detail(`ZK verifier ${event.args.verifier} added (${event.args.outputs} outputs)`);
}
for (const event of await router.queryFilter(router.filters.ArtifactBound())) {
  detail(`artifact ${event.args.artifactId} bound to that verifier by its publisher`);
}
for (const event of await router.queryFilter(router.filters.BatchVerifierAdded())) {
  detail(`ZK batch verifier ${event.args.verifier} added (${event.args.size} inferences per proof)`);
}
for (const event of await router.queryFilter(router.filters.BatchVerifierBound())) {
  detail(`artifact ${event.args.artifactId} bound to the ${event.args.size}-inference batch verifier by its publisher`);
}
for (const event of await attesters.queryFilter(attesters.filters.NodeRegistered())) {
  detail(`node ${event.args.nodeId}: key ${event.args.key}, operator ${event.args.operator}, with the key's consent`);
}
for (const event of await attesters.queryFilter(attesters.filters.DataSourceRegistered())) {
  detail(`data source ${event.args.sourceId} "${event.args.name}" registered by ${event.args.registrant}`);
}
check(
  executed.length === 6,
  "a measurement, two enclaves, a verifier and two batch verifiers: each through the trust admin's delay",
);

say('A publisher registers the model "risk-scorer" with two artifacts under one label');
const model = await registry.getModel(1n);
const [first, second] = [await registry.getArtifact(1n), await registry.getArtifact(2n)];
detail(
  `artifact 1 (v${first.major}.${first.minor}.${first.patch}) and 2 (v${second.major}.${second.minor}.${second.patch}), both ZK-provable`,
);
check(model.label === "risk-scorer" && model.currentArtifact === 1n, "the label points at artifact 1");

say("The credit bureau attests a borrower's features; a node answers fast; the settled-only consumer refuses");
const borrower = signers.other.address;
const bureau = signers.bureau;
const firstInput = { subject: borrower, features: [300n, 1n, 400n, 50n], salt: 1n };
const fastRecord = await scenario.answerRiskScore(firstInput, { claimed: Level.TEE, attestedBy: bureau });
const fast = fastRecord.answer;
const fastArgs = [...consumerArgs(fast, fastRecord.output, 0), fastRecord.features!] as const;
detail(`the record's whole input: the features' Poseidon commitment, signed by the bureau (${bureau.address})`);
check((await ledger.stateOf(fast.inferenceId)) === BigInt(RecordState.Answered), "the record is Answered, not Settled");
const refusal = await revertName(lender, lender.updateScore(...fastArgs));
check(refusal === "InferenceNotSettled", `the consumer refuses: ${refusal}`);

say("An enclave attests the record at TEE; the consumer acts");
await ledger.settleTee(fast.inferenceId, await attest(signers.enclave, fast));
check((await ledger.getRecord(fast.inferenceId)).achieved === BigInt(Level.TEE), "achieved TEE, Settled");
await lender.updateScore(...fastArgs);
check(
  (await lender.scoreOf(borrower)).score === fastRecord.score,
  `the borrower's score is ${fastRecord.score}, proven at TEE, over attested features`,
);

say("A real Groth16 proof settles another inference at ZKML");
const features = { subject: borrower, features: [400n, 2n, 500n, 100n], salt: 2026n };
const zkRecord = await scenario.answerRiskScore(features, { attestedBy: bureau });
const zk = zkRecord.answer;
const zkOutput = zkRecord.output;
detail("proving with snarkjs (about a second)...");
await scenario.settleRiskScore(zkRecord);
check((await ledger.getRecord(zk.inferenceId)).achieved === BigInt(Level.ZKML), "achieved ZKML, Settled");
await networkHelpers.time.increase(1n);
await lender.updateScore(...consumerArgs(zk, zkOutput, 0), zkRecord.features!);
check(
  (await lender.scoreOf(borrower)).level === BigInt(Level.ZKML),
  `the score is now ${riskScore(models[0], features)}, proven at ZKML`,
);

say("The node proves a score from features it made up and signed itself; the lender refuses");
const invented = { subject: borrower, features: [0n, 0n, 0n, 0n], salt: 99n };
const inventedRecord = await scenario.answerRiskScore(invented, { attestedBy: signers.node });
await scenario.settleRiskScore(inventedRecord);
check(
  (await ledger.getRecord(inventedRecord.answer.inferenceId)).achieved === BigInt(Level.ZKML),
  "the proof is valid: achieved ZKML, Settled",
);
const unattested = await revertName(
  lender,
  lender.updateScore(...consumerArgs(inventedRecord.answer, inventedRecord.output, 0), inventedRecord.features!),
);
check(unattested === "InputNotAttested", `the node is no data source the lender lists: ${unattested}`);

say("A wrong answer, claimed at Vanilla, is refuted during its window by a ZK proof of the right one");
const wrongInput = { subject: borrower, features: [400n, 2n, 500n, 100n], salt: 31n };
const wrong = await scenario.answerRiskScore(wrongInput, { claimed: Level.Vanilla, score: 100n });
detail(`node says ${wrong.score}; the model says ${riskScore(models[0], wrongInput)}`);
const wrongProof = await scenario.proveRecord(wrong);
await ledger.refuteZk(
  wrong.answer.inferenceId,
  scenario.riskScoreEvidence(wrongProof, wrong),
  wrong.output.parts[0].content,
);
check(
  (await ledger.stateOf(wrong.answer.inferenceId)) === BigInt(RecordState.Rejected),
  "refuted by the proof's other output: the record is Rejected, and no policy accepts it",
);

say("A claim nobody proves is rejected at its deadline");
const unproven = makeAnswer({ claimed: Level.TEE });
await submit(unproven);
const tooSoon = await revertName(ledger, ledger.reject(unproven.inferenceId));
check(tooSoon !== "none", `it cannot be rejected while the node still has time: ${tooSoon}`);
await networkHelpers.time.increase(SETTLEMENT_WINDOW + 1n);
await ledger.reject(unproven.inferenceId);
check(
  (await ledger.stateOf(unproven.inferenceId)) === BigInt(RecordState.Rejected),
  "claimed TEE, no enclave attested it within the settlement window: Rejected",
);
await scenario.beat(signers.enclave);

say("The label moves to artifact 2; a consumer pinned to artifact 1 refuses artifact 2's output");
await registry.connect(signers.publisher).moveLabel(1n, 2n);
check((await registry.currentArtifact(1n)) === 2n, "the label now points at artifact 2 (LabelMoved emitted)");
const newer = { subject: borrower, features: [100n, 0n, 200n, 300n], salt: 7n };
const movedRecord = await scenario.answerRiskScore(newer, { artifact: 2n, attestedBy: bureau });
const moved = movedRecord.answer;
const newerOutput = movedRecord.output;
await scenario.settleRiskScore(movedRecord);
const pinned = await revertName(
  lender,
  lender.updateScore(...consumerArgs(moved, newerOutput, 0), movedRecord.features!),
);
check(pinned === "ArtifactNotPinned", `settled at ZKML, yet the pinned consumer refuses: ${pinned}`);

say("Escrow: a payment released on settlement, another refunded after its deadline");
const requester = signers.publisher;
const request = async (id: bigint, amount: bigint) => {
  const params = {
    asset: ZeroAddress,
    amount,
    route: Route.Local,
    subject: 1n,
    minLevel: Level.TEE,
    nodeId: 1n,
    deadline: BigInt(await networkHelpers.time.latest()) + 3_600n,
    inputCommitment: ethers.id(`demo request ${id}`),
    salt: ZeroHash,
    bondMultiple: 0,
  };
  await escrow.connect(requester).open(params, { value: amount });
  return params;
};
const paidParams = await request(1n, 10n ** 16n);
const paid = makeAnswer({
  claimed: Level.TEE,
  inputCommitment: paidParams.inputCommitment,
  paymentRef: requestRef(await escrow.getAddress(), 1n),
});
await submit(paid);
await ledger.settleTee(paid.inferenceId, await attest(signers.enclave, paid));
// The escrow stores a commitment to each request; whoever releases or refunds passes the request back.
await escrow.release(1n, requestOf(paidParams, requester.address), paid.inferenceId, paid.outputCommitment);
check(
  (await escrow.creditOf(signers.deployer.address, ZeroAddress)) === paidParams.amount,
  "request 1 paid 0.01 ETH to the node's operator once its answer settled at TEE",
);
const paidLock = await bonds.lockOf(paid.inferenceId);
await bonds.connect(requester).release(paid.inferenceId);
check(
  (await bonds.lockOf(paid.inferenceId)).status === BigInt(LockStatus.Released),
  `and anyone releases the ${bondAmountText(paidLock.amount, ZeroAddress)} the node locked for it back to its free bond`,
);
const expiring = requestOf(await request(2n, 2n * 10n ** 16n), requester.address);
const early = await revertName(escrow, escrow.refundExpired(2n, expiring));
check(early === "NotExpired", `request 2 cannot be refunded before its deadline and claim window: ${early}`);
await networkHelpers.time.increase(3_600n + ESCROW_CLAIM_WINDOW + 1n);
await escrow.refundExpired(2n, expiring);
check(
  (await escrow.creditOf(requester.address, ZeroAddress)) === 2n * 10n ** 16n,
  "nobody answered request 2: the requester gets all 0.02 ETH back",
);

say("A node overclaims TEE on a paid request; an enclave refutes it, anyone slashes its bond, the refuter is paid");
const accounts = await ethers.getSigners();
const [watcher, passerBy] = [accounts[15], accounts[16]]; // accounts no role or part of the story holds
const overclaimParams = await request(3n, 10n ** 16n);
const overclaim = makeAnswer({
  claimed: Level.TEE,
  inputCommitment: overclaimParams.inputCommitment,
  paymentRef: requestRef(await escrow.getAddress(), 3n),
});
const overclaimRequest = requestOf(overclaimParams, requester.address);
const [, lockAmount] = await bonds.lockRequirement(1n, 3n, overclaimRequest);
const freeBefore = (await bonds.bondOf(1n, ZeroAddress)).free;
await bonds.connect(signers.node).lockPaid(overclaim.inferenceId, 3n, overclaimRequest);
await submit(overclaim, signers.node, { bond: false });
detail(
  `request 3 pays ${bondAmountText(overclaimParams.amount, ZeroAddress)} for TEE; before answering, node 1 locks ` +
    `${bondAmountText(lockAmount, ZeroAddress)} of its bond (${BOND_VAULT.MIN_PAID_MULTIPLE}x the price)`,
);
check(
  (await bonds.lockOf(overclaim.inferenceId)).status === BigInt(LockStatus.Locked) &&
    (await bonds.bondOf(1n, ZeroAddress)).free === freeBefore - lockAmount,
  `the lock is live: ${bondAmountText(lockAmount, ZeroAddress)} moved from the node's free bond, pending`,
);
await scenario.beat(signers.enclave); // the clock moved past the escrow's claim window: a fresh heartbeat
const enclaveOutput = ethers.id("what the enclave's run of the model output");
await ledger
  .connect(watcher)
  .refuteTee(
    overclaim.inferenceId,
    overclaim.inputCommitment,
    overclaim.outputCommitment,
    overclaim.paymentRef,
    enclaveOutput,
    await attest(signers.enclave, overclaim, enclaveOutput),
  );
const [, , refuter] = await ledger.outcomeOf(overclaim.inferenceId);
check(
  refuter === watcher.address,
  `a watcher (${watcher.address}) submits the enclave's attestation of another output: Refuted, refuter recorded`,
);
const slashReceipt = await (await bonds.connect(passerBy).slashPaid(overclaim.inferenceId, overclaimRequest)).wait();
const slashed = slashReceipt!.logs
  .map((log) => bonds.interface.parseLog(log))
  .find((event) => event?.name === "BondSlashed")!.args;
const feeDestination = await bonds.feeDestination();
detail(`a passer-by (${passerBy.address}) slashes the lock; the split, credited in the vault:`);
detail(`  refuter   ${bondAmountText(slashed.reporterShare, ZeroAddress)} to ${slashed.reporter}`);
detail(
  `  requester ${bondAmountText(slashed.requesterShare, ZeroAddress)} to ${slashed.requester} (on top of its refund)`,
);
detail(`  protocol  ${bondAmountText(slashed.protocolShare, ZeroAddress)} to ${feeDestination}`);
check(
  slashed.reporter === watcher.address &&
    slashed.reporterShare === (lockAmount * BOND_VAULT.REPORTER_SHARE_BPS) / 10_000n &&
    slashed.requester === requester.address &&
    slashed.requesterShare === (lockAmount * BOND_VAULT.REQUESTER_SHARE_BPS) / 10_000n &&
    slashed.reporterShare + slashed.requesterShare + slashed.protocolShare === lockAmount &&
    (await bonds.creditOf(feeDestination, ZeroAddress)) >= slashed.protocolShare,
  "half to the refuter (not the slasher), 30% to the paying requester, the rest to the protocol",
);
const again = await revertName(bonds, bonds.connect(passerBy).slashPaid(overclaim.inferenceId, overclaimRequest));
check(again === "NotLocked", `nothing is slashed twice: ${again}`);
await escrow.refundRejected(3n, overclaimRequest, overclaim.inferenceId, overclaim.outputCommitment);
check(
  (await escrow.creditOf(requester.address, ZeroAddress)) === 2n * 10n ** 16n + overclaimParams.amount,
  "the requester's 0.01 ETH comes back from the escrow too (refunded: Rejected)",
);
const watcherBefore = await ethers.provider.getBalance(watcher.address);
const withdrawal = await (await bonds.connect(watcher).withdrawCredit(ZeroAddress, watcher.address)).wait();
const gasPaid = withdrawal!.gasUsed * withdrawal!.gasPrice;
check(
  (await ethers.provider.getBalance(watcher.address)) === watcherBefore + slashed.reporterShare - gasPaid &&
    (await bonds.creditOf(watcher.address, ZeroAddress)) === 0n,
  `the refuter withdraws its ${bondAmountText(slashed.reporterShare, ZeroAddress)}`,
);

say("The trails of the TEE, the ZKML, the rejected and the slashed inference, from chain data alone");
await releaseProver();
const contracts = { ledger, registry, attesters, escrow };
const show = (text: string) =>
  console.log(
    text
      .split("\n")
      .map((line) => `   ${line}`)
      .join("\n"),
  );
const teeTrail = await buildTrail(contracts, fast.inferenceId, { input: fastRecord.inputTree });
show(formatTrail(teeTrail));
check(
  teeTrail.state === "Settled" && teeTrail.consumptions.length === 1,
  "the TEE trail shows the settlement and the consumption",
);
check(
  teeTrail.consumptions[0].attestedInputs[0]?.source.name === "credit-bureau",
  "and that the consumer relied on input part 0, attested by the credit bureau",
);
check(teeTrail.artifact?.labelMovedSinceAnswer === true, "and flags that the label moved since the answer");
const zkTrail = await buildTrail(contracts, zk.inferenceId);
console.log();
show(formatTrail(zkTrail));
const zkProof = zkTrail.proofs[0];
check(
  zkProof?.by === "zk verifier" && zkProof.attester === scenario.verifier && zkProof.proofHash !== undefined,
  "the ZKML trail names the verifier and the proof's hash",
);
const rejectedTrail = await buildTrail(contracts, unproven.inferenceId);
console.log();
show(formatTrail(rejectedTrail));
check(
  rejectedTrail.flags.some((flag) => flag.startsWith("claimed TEE but was rejected")),
  "the rejected trail flags that it claimed more than was proven",
);

const slashedTrail = await buildTrail(contracts, overclaim.inferenceId);
console.log();
show(formatTrail(slashedTrail));
check(
  slashedTrail.bond?.status === "Slashed" && slashedTrail.bond.slashed?.reporter === watcher.address,
  "the slashed trail shows the lock, the refuter, and each share of the slash",
);
check(
  teeTrail.bond?.status === "Locked" && teeTrail.bond.outlook === "releasable",
  "and the settled TEE record's lock is still Locked, waiting for anyone to release it, never shown as slashed",
);

console.log(`\nAll ${steps()} steps did what they say.`);
