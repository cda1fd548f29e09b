/**
 * The fast path answers before its answer's block: what if that transaction never lands? A real `hardhat node` with
 * mining paused: the payment is mined by hand, the node submits its answer and returns it (`onLedger` false), and the
 * chain then drops the answer's transaction from its pool (`hardhat_dropTransaction`, as a congested or restarted
 * node would lose it). Mining resumes. The node's background must notice that the record is not on the ledger and
 * the transaction is gone, send the same signed answer again (filling the nonce gap the lost transaction left), and
 * carry the job through settlement to the operator's payout, once.
 */
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";

import { devWallet, type Localnet } from "../../node/localnet.js";
import type { NodeService } from "../../node/service.js";
import { RequestStatus } from "../../src/escrow.js";
import { Level, RecordState } from "../../src/ledger.js";
import { InferenceEscrow__factory, InferenceLedger__factory } from "../../src/typechain/index.js";
import { ProoflineNodeClient } from "../../src/x402/index.js";
import { startLocalNode, type LocalNode } from "../utils/localNode.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("node service: an answer transaction the chain dropped is sent again", function () {
  this.timeout(240_000);
  let localnet: Localnet;
  let provider: JsonRpcProvider;
  let service: NodeService;
  let node: LocalNode;
  const events: Array<{ event: string; fields: Record<string, unknown> }> = [];

  before(async () => {
    node = await startLocalNode("dropped", { PROOFLINE_BATCH_MS: "100" }, (event, fields = {}) =>
      events.push({ event, fields }),
    );
    ({ localnet, provider, service } = node);
  });

  after(async () => node?.stop());

  it("resends the one signed answer, and the job still settles and pays the operator once", async () => {
    const client = await ProoflineNodeClient.connect({
      nodeUrl: service.url,
      payer: new Wallet(devWallet(2).privateKey, provider),
      provider,
      trustedEscrows: [localnet.record.addresses.escrow],
      maxAmountPerPayment: 100_000n,
    });
    const rpc = (method: string, params: unknown[] = []) => provider.send(method, params);
    // Mining paused: nothing is mined until this test says so.
    await rpc("evm_setIntervalMining", [0]);
    await rpc("evm_setAutomine", [false]);
    const answering = client.infer({ label: "spam-filter", input: { text: "Win a free cruise!!!" } });
    // The payment (the facilitator's openWithAuthorization) waits in the pool: mine it, and only it.
    const escrowAddress = localnet.record.addresses.escrow.toLowerCase();
    const pendingTo = async (to: string) => {
      const block = (await rpc("eth_getBlockByNumber", ["pending", true])) as {
        transactions: Array<{ hash: string; to: string | null }>;
      };
      return block.transactions.filter((tx) => tx.to?.toLowerCase() === to);
    };
    for (let i = 0; (await pendingTo(escrowAddress)).length === 0; i++) {
      if (i > 400) throw new Error("the payment never reached the pool");
      await sleep(50);
    }
    await rpc("evm_mine");
    // The facilitator waits for the payment's receipt by polling for new blocks: with mining paused, a poll that began
    // just after the block was mined would wait for a next block forever. Empty blocks keep coming until the node has
    // answered, mined only while nothing waits in the pool, so the bond lock and the answer stay pending.
    let answered = false;
    const settled = answering.finally(() => (answered = true));
    while (!answered) {
      await Promise.race([settled.catch(() => undefined), sleep(500)]);
      const block = (await rpc("eth_getBlockByNumber", ["pending", false])) as { transactions: string[] };
      if (!answered && block.transactions.length === 0) await rpc("evm_mine");
    }
    const answer = await settled;
    expect(answer.onLedger, "answered before its block").to.equal(false);
    const lost = (answer as unknown as { transactions: { answer: string } }).transactions.answer;
    expect(lost).to.match(/^0x[0-9a-f]{64}$/);
    // The chain loses the answer's transaction; then mining resumes.
    expect(await rpc("hardhat_dropTransaction", [lost])).to.equal(true);
    await rpc("evm_setAutomine", [true]);
    await rpc("evm_setIntervalMining", [1_000]);

    const ledger = InferenceLedger__factory.connect(localnet.record.addresses.ledger, provider);
    const escrow = InferenceEscrow__factory.connect(localnet.record.addresses.escrow, provider);
    const requestId = BigInt(answer.payment.escrowRequestId);
    const until = Date.now() + 180_000;
    while (Number(await escrow.requestStatus(requestId)) !== RequestStatus.Released) {
      if (Date.now() > until) throw new Error(`not released; node events: ${JSON.stringify(events.slice(-20))}`);
      await sleep(250);
    }
    const resent = events.filter((e) => e.event === "answer-resent" && e.fields.inferenceId === answer.inferenceId);
    expect(resent, "the node noticed and sent the answer again").to.have.length(1);
    // Same answer, same signature, same nonce (the gap it fills): often the very same transaction, sent again.
    expect((await provider.getTransactionReceipt(String(resent[0].fields.tx)))?.status).to.equal(1);
    const [state, achieved] = await ledger.settlementOf(answer.inferenceId);
    expect([Number(state), Number(achieved)]).to.deep.equal([RecordState.Settled, Level.TEE]);
    // The record holds the very answer the client got, signed once.
    const [recorded] = await ledger.queryFilter(ledger.filters.Answered(answer.inferenceId));
    expect(recorded.transactionHash).to.equal(resent[0].fields.tx);
    expect(recorded.args.outputCommitment).to.equal(answer.answer.outputCommitment);
    const released = await escrow.queryFilter(escrow.filters.PaymentReleased(requestId));
    expect(released, "paid once").to.have.length(1);
    expect(released[0].args.payee).to.equal(devWallet(0).address);
  });
});
