/**
 * `npm run demo`: the Proofline story through a running node. A local network comes up as `npm start` brings it up (a
 * `hardhat node`, the system deployed with Ignition, the models registered, a development enclave); a node service
 * (node/service.ts) serves over HTTP; a client pays it over x402 into the escrow. Then:
 *
 * 1. a credit bureau attests a borrower's features and the client pays for a risk score: a fast answer, `Answered`;
 * 2. a lender's contract that acts only on settled, proven scores refuses it;
 * 3. the node proves the score in a worker thread (a real Groth16 proof) and settles it at ZKML;
 * 4. the lender acts on it; the escrow releases the payment to the operator;
 * 5. a second request, a spam-filter verdict on the TEE route, is answered, and then the node goes offline before its
 *    development enclave attests: after the deadline the client claims its refund, rejects the unproven record and
 *    slashes the bond the node locked for it (the reporter's and the requester's shares), and paid nothing in the end;
 * 6. the trails of both inferences, from chain data.
 *
 * Every step checks that it did what it says, and the script exits non-zero at the first that did not. The chain is a
 * local development chain: the story moves its clock ahead to pass the escrow's deadline and claim window. The
 * contract-level story (refutation, rejection, label moves, every settlement path) is `npm run demo:contracts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { JsonRpcProvider, NonceManager, Wallet } from "ethers";

import { freePort } from "../node/chain.js";
import { loadConfig } from "../node/config.js";
import { devWallet, localNodeEnvironment, startLocalnet } from "../node/localnet.js";
import { NodeService, type Log } from "../node/service.js";
import { InputCommitment, OutputCommitment } from "../src/commitments.js";
import { attestedInputArg, consumerArgs } from "../src/consumer.js";
import { signSourcedData } from "../src/dataSources.js";
import { BOND_VAULT, ESCROW_CLAIM_WINDOW } from "../src/constants.js";
import { RequestStatus, readRequest } from "../src/escrow.js";
import { Level, RecordState, attesterRegistryDomain, type Answer } from "../src/ledger.js";
import { inputHash } from "../src/models/riskScorer.js";
import { buildTrail, formatTrail } from "../src/trail.js";
import {
  AttesterRegistry__factory,
  BondVault__factory,
  InferenceEscrow__factory,
  InferenceLedger__factory,
  ModelRegistry__factory,
  RiskScoreConsumer__factory,
  TestUSDC__factory,
} from "../src/typechain/index.js";
import { ProoflineNodeClient, type PaidInference } from "../src/x402/index.js";
import { zkInputContent } from "../src/zk.js";
import { revertName, story } from "./lib/story.js";

const { say, detail, check, steps } = story("demo");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dir = mkdtempSync(join(tmpdir(), "proofline-demo-"));
const recordFile = join(dir, "localnet.json");

say("Bring up a local network: a hardhat node, the system deployed with Ignition, the models registered");
const localnet = await startLocalnet({ chain: "hardhat", port: await freePort(), recordFile, log: detail });
const provider = new JsonRpcProvider(localnet.record.rpcUrl, undefined, {
  staticNetwork: true,
  pollingInterval: 200,
  batchStallTime: 0,
});
const addresses = localnet.record.addresses;
const chainId = BigInt(localnet.record.chainId);
const account = (index: number) => new Wallet(devWallet(index).privateKey, provider);
// Development accounts (publicly known keys): the operator 0, the node key 4, a borrower 7, the credit bureau 8, the
// spam filter's development enclave 9; the client paying and the lender's deployer are 2 and 3.
const [operator, nodeKey, borrower, bureau, client, lenderOwner] = [0, 4, 7, 8, 2, 3].map(account);
const ledger = InferenceLedger__factory.connect(addresses.ledger, provider);
const escrow = InferenceEscrow__factory.connect(addresses.escrow, provider);
const usdc = TestUSDC__factory.connect(addresses.usdc, provider);
const attesters = AttesterRegistry__factory.connect(addresses.attesters, provider);
const registry = ModelRegistry__factory.connect(addresses.registry, provider);
await (await usdc.connect(operator).mint(client.address, 1_000_000n)).wait();
detail(`chain ${localnet.record.rpcUrl} (id ${chainId}); ledger ${addresses.ledger}, escrow ${addresses.escrow}`);
detail(`the client ${client.address} holds 1.00 test USDC`);

say("A lender deploys a contract that acts only on settled, proven scores");
const lender = await new RiskScoreConsumer__factory(lenderOwner).deploy(
  addresses.ledger,
  [1n],
  [nodeKey.address],
  [1],
  86_400n,
);
await lender.waitForDeployment();
detail(
  `RiskScoreConsumer ${await lender.getAddress()}: TEE or better, settled only, artifact 1, answered by node key ` +
    `${nodeKey.address}, over features the credit bureau (data source 1) attested`,
);

/** The node service over HTTP, with the events that tell the story printed as they happen. */
const startNode = async () => {
  const log: Log = (event, fields = {}) => {
    if (["settled", "released", "refunded", "expired"].includes(event)) {
      detail(`node: ${event} ${JSON.stringify(fields, (_, v: unknown) => (typeof v === "bigint" ? `${v}` : v))}`);
    }
  };
  return NodeService.start(
    loadConfig(
      localNodeEnvironment(recordFile, join(dir, "node.db"), {
        PROOFLINE_PROVERS: "1",
        PROOFLINE_DEADLINE_SECONDS: "600",
      }),
    ),
    log,
  );
};

say("Start the node: it checks the weights it serves against the registry, then sells inference over HTTP");
const service = await startNode();
const artifacts = (await (await fetch(`${service.url}/v1/artifacts`)).json()) as {
  artifacts: Array<{ artifact: string; model: string; claims: string; price: string }>;
};
for (const a of artifacts.artifacts) {
  detail(`artifact ${a.artifact} (${a.model}): claims ${a.claims}, ${Number(a.price) / 1e6} USDC`);
}
check(artifacts.artifacts.length === 2, "the node serves the risk scorer and the spam filter");
const connect = (nodeUrl: string) =>
  ProoflineNodeClient.connect({
    nodeUrl,
    payer: client,
    provider,
    trustedEscrows: [addresses.escrow],
    maxAmountPerPayment: 100_000n,
  });
const paying = await connect(service.url);

say("The credit bureau attests the borrower's features; the client pays the node over x402 for a risk score");
const features = [400n, 2n, 500n, 100n];
const salt = 20_261_202n;
const featuresHash = inputHash({ subject: borrower.address, features, salt });
const attestation = await signSourcedData(
  bureau,
  attesterRegistryDomain(chainId, addresses.attesters),
  zkInputContent(featuresHash),
);
const balanceBefore = await usdc.balanceOf(client.address);
const asked = Date.now();
const scored: PaidInference = await paying.infer({
  artifact: "1",
  input: { subject: borrower.address, features: features.map(String), salt: `${salt}`, attestation },
});
const answeredIn = Date.now() - asked;
const score = (scored.result as { score: number }).score;
detail(`answer in ${answeredIn} ms: score ${score} for ${borrower.address}`);
detail(`inference ${scored.inferenceId}, state ${scored.state}, escrow request ${scored.payment.escrowRequestId}`);
const requestId = BigInt(scored.payment.escrowRequestId);
// The escrow stores a commitment to each request; the request itself is in the log of the payment that opened it.
const request = await readRequest(escrow, requestId, { transaction: scored.payment.transaction });
check(scored.state === "Answered", "the answer comes back Answered, not settled");
check(
  Number(await escrow.requestStatus(requestId)) === RequestStatus.Open && request.requester === client.address,
  "the payment sits in the escrow, opened for the client (not in the node's wallet)",
);
check(
  balanceBefore - (await usdc.balanceOf(client.address)) === BigInt(request.amount),
  `the client paid ${Number(request.amount) / 1e6} USDC into it`,
);

/** The lender's arguments for an answer the node returned: the answer, its output part 0, the attested input. */
const lenderArgs = (paid: PaidInference) => {
  const answer = {
    ...paid.answer,
    subject: BigInt(String(paid.answer.subject)),
    claimed: Number(paid.answer.claimed) as Level,
    route: Number(paid.answer.route),
  } as unknown as Answer;
  const features = attestedInputArg(new InputCommitment(paid.inputParts), 0);
  return [...consumerArgs(answer, new OutputCommitment(paid.outputParts), 0), features] as const;
};

say("The lender refuses the answer: it is not settled yet");
while (Number((await ledger.settlementOf(scored.inferenceId))[0]) === RecordState.None) await sleep(100);
const refusal = await revertName(lender, lender.updateScore.staticCall(...lenderArgs(scored)));
detail(`updateScore reverts with ${refusal}`);
check(refusal === "InferenceNotSettled", "a settled-only consumer refuses an answer still being proven");

say("The proof lands: the node proves the score in a worker thread and settles it at ZKML");
const settled = await scored.settled({ minLevel: Level.ZKML, pollMs: 250, timeoutMs: 300_000 });
detail(
  `settled at ${Level[settled.level]}, ${((Date.now() - asked - answeredIn) / 1000).toFixed(1)} s after the answer`,
);
check(settled.level === Level.ZKML, "the record is settled at ZKML");

say("The lender acts on the proven score");
await (await lender.connect(lenderOwner).updateScore(...lenderArgs(scored))).wait();
const stored = await lender.scoreOf(borrower.address);
const ltv = await lender.maxLoanToValueBps(borrower.address);
detail(`score ${stored.score} at ${Level[Number(stored.level)]}; the borrower may borrow up to ${Number(ltv) / 100}%`);
check(Number(stored.score) === score && Number(stored.level) === Level.ZKML, "the lender stored the proven score");

say("The node is paid: the escrow releases the payment to its operator");
const waitForStatus = async (requestId: bigint, status: RequestStatus, what: string) => {
  const until = Date.now() + 300_000;
  while (Number(await escrow.requestStatus(requestId)) !== status) {
    if (Date.now() > until) throw new Error(`${what}: request ${requestId} is not ${RequestStatus[status]}`);
    await sleep(250);
  }
};
await waitForStatus(requestId, RequestStatus.Released, "release");
const [released] = await escrow.queryFilter(escrow.filters.PaymentReleased(requestId));
detail(`request ${requestId} released to ${released.args.payee}`);
check(released.args.payee === operator.address, "the escrow paid the node's operator, once the proof landed");

say("A second request, whose proof never comes: the node answers, then goes offline before its enclave attests");
const beforeSecond = await usdc.balanceOf(client.address);
const unproven = await paying.infer({ label: "spam-filter", input: { text: "claim your free prize now!!!" } });
// TEE answers wait for their round's batch (PROOFLINE_BATCH_MS, 2 s here): the node stops long before.
await service.stop();
detail(`answer: ${JSON.stringify(unproven.result)}, inference ${unproven.inferenceId}, state ${unproven.state}`);
detail("the node stopped before attesting: nothing will settle this answer");
const secondId = BigInt(unproven.payment.escrowRequestId);
const second = await readRequest(escrow, secondId, { transaction: unproven.payment.transaction });
const wait = second.deadline + ESCROW_CLAIM_WINDOW + 1n - BigInt((await provider.getBlock("latest"))!.timestamp);
await provider.send("evm_increaseTime", [`0x${wait.toString(16)}`]);
await provider.send("evm_mine", []);
detail(`the chain's clock moves ${wait} s ahead: past the request's deadline and the escrow's claim window`);
// Two transactions in a row from the client: a nonce manager counts them (the provider caches nonce reads briefly).
const clientSender = new NonceManager(client);
await (await escrow.connect(clientSender).refundExpired(secondId, second)).wait();
check(
  Number(await escrow.requestStatus(secondId)) === RequestStatus.Refunded,
  "the client claims the refund itself: no node, operator or admin has to cooperate",
);
await (await escrow.connect(clientSender).withdraw(addresses.usdc, client.address)).wait();
// The node locked its bond for the answer it never proved: past the record's deadline anyone may reject it and slash.
const bonds = BondVault__factory.connect(addresses.bonds, clientSender);
const lock = await bonds.lockOf(unproven.inferenceId);
detail(`the node had locked ${lock.amount} of its bond (twice the price) before answering`);
await (await ledger.connect(clientSender).reject(unproven.inferenceId)).wait();
await (await bonds.slashPaid(unproven.inferenceId, second)).wait();
const slashCredit = await bonds.creditOf(client.address, addresses.usdc);
check(
  slashCredit === (lock.amount * (BOND_VAULT.REPORTER_SHARE_BPS + BOND_VAULT.REQUESTER_SHARE_BPS)) / 10_000n,
  "the client rejects the unproven record and slashes the node's lock: the reporter's half and the requester's 30%",
);
await (await bonds.withdrawCredit(addresses.usdc, client.address)).wait();
const refusedSettle = await unproven.settled({ pollMs: 250, timeoutMs: 10_000 }).then(
  () => "settled",
  (error: Error) => error.message,
);
detail(`the client's settled() rejects: ${refusedSettle}`);
check(
  (await usdc.balanceOf(client.address)) === beforeSecond + slashCredit,
  "the client withdrew the refund in full and its share of the slash: an answer never proven cost it nothing",
);

say("The trails, rebuilt from chain data");
const contracts = { ledger, registry, attesters, escrow };
const scoredTrail = await buildTrail(contracts, scored.inferenceId, {
  input: new InputCommitment(scored.inputParts),
});
console.log(formatTrail(scoredTrail).replace(/^/gm, "   "));
check(
  scoredTrail.state === "Settled" && scoredTrail.consumptions.length === 1,
  "the risk score's trail shows its ZKML settlement and the lender's use of it",
);
const unprovenTrail = await buildTrail(contracts, unproven.inferenceId);
console.log();
console.log(formatTrail(unprovenTrail).replace(/^/gm, "   "));
check(unprovenTrail.state !== "Settled", "the spam filter's trail shows an answer that was never settled");

provider.destroy();
await localnet.stop();
rmSync(dir, { recursive: true, force: true });
console.log(`\nAll ${steps()} steps did what they say.`);
