/**
 * The whole Proofline lifecycle as a short story, on the built-in network: `npm run demo`.
 *
 * Every step checks that it did what it says and the script exits non-zero at the first one that did not. Deploys
 * everything with Ignition (ledger, registry, verifier, escrow with a test USDC, twin market), then: a model with two
 * artifacts under one label; a fast answer over features a credit bureau attested, which a settled-only consumer
 * refuses; a TEE settlement it accepts; a real ZK proof settling another inference at ZKML; a valid proof over
 * features the node made up, which the consumer refuses; the label moving and a consumer pinned to the old artifact refusing the
 * new one's output; an escrowed payment released on settlement and another refunded after its deadline; twin market
 * trades, a fee increase a trader's limit protects against, and the increase applying after its delay; and the trail
 * of one inference.
 */
import { ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import { OutputCommitment } from "../src/commitments.js";
import { ESCROW_CLAIM_WINDOW, FeeSetting, TWIN_MARKET } from "../src/constants.js";
import { consumerArgs } from "../src/consumer.js";
import { twinIdOf, twinSalt } from "../src/market.js";
import { requestRef } from "../src/escrow.js";
import { Level, RecordState, Route } from "../src/ledger.js";
import { deployScenario } from "../testing/index.js";
import { buildTrail, formatTrail } from "../src/trail.js";
import { riskScore } from "../src/models/riskScorer.js";
import { releaseProver } from "../src/zk.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

let step = 0;
const say = (text: string) => console.log(`\n${++step}. ${text}`);
const detail = (text: string) => console.log(`   ${text}`);
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`demo step ${step} failed: ${what}`);
  detail(`ok: ${what}`);
}
/** Resolves to the custom error name a call reverts with (or "none"). */
async function revertName(
  contract: { interface: { parseError(data: string): { name: string } | null } },
  call: Promise<unknown>,
): Promise<string> {
  try {
    await call;
    return "none";
  } catch (error) {
    const data = (error as { data?: string }).data;
    return (data && contract.interface.parseError(data)?.name) || "unknown";
  }
}

// Stop snarkjs's worker threads however the story ends, so the process exits with its status.
process.on("exit", () => void releaseProver());

say("Deploy the system on the built-in network");
const scenario = await deployScenario(connection);
const { ledger, registry, signers, makeAnswer, submit, attest, models } = scenario;
const { escrow, usdc, market } = scenario;
const ledgerAddress = await ledger.getAddress();
const chainId = (await ethers.provider.getNetwork()).chainId;
const lender = await ethers.deployContract("RiskScoreConsumer", [
  ledgerAddress,
  [1n],
  [signers.node.address],
  [1n],
  86_400n,
]);
detail("the whole system with Ignition (ProoflineLocal, deploy/parameters/default.json); the deployer keeps no role");
detail(`ledger ${ledgerAddress}, registry ${await registry.getAddress()}`);
detail(
  `escrow ${await escrow.getAddress()} (test USDC ${await usdc.getAddress()}), market ${await market.getAddress()}`,
);
detail(
  `RiskScoreConsumer ${await lender.getAddress()}: TEE or better, settled only, pinned to artifact 1, ` +
    "answered by its scorer node, over features the credit bureau (data source 1) attested",
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
  };
  await escrow.connect(requester).open(params, { value: amount });
  return params;
};
const paidParams = await request(1n, 10n ** 16n);
const paid = makeAnswer({
  claimed: Level.TEE,
  inputCommitment: paidParams.inputCommitment,
  paymentRef: requestRef(chainId, await escrow.getAddress(), 1n),
});
await submit(paid);
await ledger.settleTee(paid.inferenceId, await attest(signers.enclave, paid));
await escrow.release(1n, paid.inferenceId, paid.outputCommitment);
check(
  (await escrow.creditOf(signers.deployer.address, ZeroAddress)) === paidParams.amount,
  "request 1 paid 0.01 ETH to the node's operator once its answer settled at TEE",
);
await request(2n, 2n * 10n ** 16n);
const early = await revertName(escrow, escrow.refundExpired(2n));
check(early === "NotExpired", `request 2 cannot be refunded before its deadline and claim window: ${early}`);
await networkHelpers.time.increase(3_600n + ESCROW_CLAIM_WINDOW + 1n);
await escrow.refundExpired(2n);
check(
  (await escrow.creditOf(requester.address, ZeroAddress)) === 2n * 10n ** 16n,
  "nobody answered request 2: the requester gets all 0.02 ETH back",
);

say("Twin market: a trade, a fee increase a trader's limit protects against, and the increase after its delay");
const twin = twinIdOf(signers.publisher.address, twinSalt("ada"));
await market.connect(signers.publisher).createTwin(twinSalt("ada"));
const deadline = async () => BigInt(await networkHelpers.time.latest()) + 600n;
const trader = signers.other;
const cost = await market.getBuyPriceAfterFees(twin, 3n);
await market.connect(trader).buy(twin, 3n, cost, await deadline(), { value: cost });
check((await market.sharesOf(twin, trader.address)) === 3n, `bought 3 shares for ${ethers.formatEther(cost)} ETH`);
const quote = await market.getBuyPriceAfterFees(twin, 1n);
await market.connect(signers.feeAdmin).setFee(FeeSetting.ProtocolFee, TWIN_MARKET.MAX_PROTOCOL_FEE);
const pending = await market.pendingChange(FeeSetting.ProtocolFee);
detail(`protocol fee 1% -> 5% queued, effective ${new Date(Number(pending.effectiveAt) * 1000).toISOString()}`);
const tooEarly = await revertName(market, market.connect(signers.feeAdmin).applyFeeChange(FeeSetting.ProtocolFee));
check(tooEarly === "ChangeNotYetEffective", `the increase cannot apply before its time: ${tooEarly}`);
await networkHelpers.time.increaseTo(pending.effectiveAt);
await market.connect(signers.feeAdmin).applyFeeChange(FeeSetting.ProtocolFee);
check((await market.fees())[0] === TWIN_MARKET.MAX_PROTOCOL_FEE, "after three days the increase applies");
const limited = await revertName(
  market,
  market.connect(trader).buy(twin, 1n, quote, await deadline(), { value: quote * 2n }),
);
check(limited === "CostAboveLimit", `a buy limited to the old quote is refused, not overcharged: ${limited}`);

say("The trail of the first inference, from chain data alone");
await releaseProver();
const trail = await buildTrail({ ledger, registry, attesters: scenario.attesters, escrow }, fast.inferenceId);
console.log(
  formatTrail(trail)
    .split("\n")
    .map((line) => `   ${line}`)
    .join("\n"),
);
check(
  trail.state === "Settled" && trail.consumptions.length === 1,
  "the trail shows the settlement and the consumption",
);
check(trail.artifact?.labelMovedSinceAnswer === true, "and flags that the label moved since the answer");

console.log(`\nAll ${step} steps did what they say.`);
