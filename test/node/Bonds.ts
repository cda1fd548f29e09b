/**
 * The node service's bond (node/bonds.ts, node/service.ts): each paid answer above Vanilla locks the node's bond
 * before it is recorded and gives it back once settled and paid; a node whose free bond cannot cover the lock refuses
 * the request with 503 before any payment, so the client is never charged for an answer the node cannot bond.
 * (A node killed between its lock and its answer is test/utils/nodeServiceSuite.ts's "after lock" case.)
 */
import { expect } from "chai";
import { x402Client } from "@x402/core/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import { JsonRpcProvider, Wallet, ZeroAddress, type Signer } from "ethers";

import { devWallet, type Localnet } from "../../node/localnet.js";
import type { NodeService } from "../../node/service.js";
import { LockStatus } from "../../src/constants.js";
import { RequestStatus } from "../../src/escrow.js";
import { Level } from "../../src/ledger.js";
import { BondVault__factory, InferenceEscrow__factory, TestUSDC__factory } from "../../src/typechain/index.js";
import { InferenceRequestError, ProoflineClientScheme, ProoflineNodeClient, networkOf } from "../../src/x402/index.js";
import { LOCAL_PRICES } from "../../node/localnet.js";
import { startLocalNode, type LocalNode } from "../utils/localNode.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("node service: bonds", function () {
  this.timeout(240_000);
  let node: LocalNode;
  let localnet: Localnet;
  let service: NodeService;
  let provider: JsonRpcProvider;
  let client: ProoflineNodeClient;
  const payer = new Wallet(devWallet(3).privateKey);
  // The operator (account 0) is also the node's sender (and its x402 facilitator's): the test sends through the
  // node's own signer for that account, so the two keep one nonce sequence.
  let operator: Signer;

  const contracts = () => ({
    bonds: BondVault__factory.connect(localnet.record.addresses.bonds, operator),
    escrow: InferenceEscrow__factory.connect(localnet.record.addresses.escrow, provider),
    usdc: TestUSDC__factory.connect(localnet.record.addresses.usdc, provider),
  });
  const nodeId = () => service.nodeId;
  const usdcBond = async () => contracts().bonds.bondOf(nodeId(), localnet.record.addresses.usdc);
  const riskBody = (features: number[]) => ({ artifact: "1", input: { subject: payer.address, features } });
  const spamBody = (text: string) => ({ label: "spam-filter", input: { text } });

  /** Waits until `check` holds, polling. */
  const until = async (what: string, check: () => Promise<boolean>, ms = 120_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  };

  /** What a refused request left behind: the escrow's request count and the payer's balance. */
  const money = async () => {
    const { escrow, usdc } = contracts();
    return [await escrow.requestCount(), await usdc.balanceOf(payer.address)];
  };

  before(async () => {
    node = await startLocalNode("bonds", { PROOFLINE_BATCH_MS: "100" });
    ({ localnet, provider, service } = node);
    operator = service.sender.signer;
    const usdc = TestUSDC__factory.connect(localnet.record.addresses.usdc, operator);
    await (await usdc.mint(payer.address, 10_000_000n)).wait();
    client = await ProoflineNodeClient.connect({
      nodeUrl: service.url,
      payer: payer.connect(provider),
      provider,
      trustedEscrows: [localnet.record.addresses.escrow],
      maxAmountPerPayment: 100_000n,
    });
  });

  after(async () => node?.stop());

  it("the local network bonds its node in ETH and test USDC", async () => {
    const { bonds } = contracts();
    expect(localnet.record.bond).to.deep.equal({
      nodeId: `${nodeId()}`,
      eth: `${100n * 10n ** 18n}`,
      usdc: `${100n * 10n ** 6n}`,
    });
    expect((await bonds.bondOf(nodeId(), ZeroAddress)).free).to.equal(100n * 10n ** 18n);
  });

  it("locks twice the price before answering a paid ZKML and a paid TEE job, and releases both once settled", async () => {
    const { bonds } = contracts();
    const before = await usdcBond();
    const risk = await client.infer(riskBody([400, 2, 500, 100]));
    const spam = await client.infer(spamBody("WIN a FREE cruise, click now!!!"));
    for (const [answer, price] of [
      [risk, LOCAL_PRICES["risk-scorer"]],
      [spam, LOCAL_PRICES["spam-filter"]],
    ] as const) {
      // The lock is on the chain before the answer (the ledger would refuse an unbonded claim), for the payment.
      const lock = await bonds.lockOf(answer.inferenceId);
      expect([Number(lock.status), lock.amount, lock.requestId, lock.nodeId]).to.deep.equal([
        LockStatus.Locked,
        2n * price,
        BigInt(answer.payment.escrowRequestId),
        nodeId(),
      ]);
      expect((answer as unknown as { bond: unknown }).bond).to.deep.equal({
        status: "Locked",
        asset: localnet.record.addresses.usdc,
        amount: `${2n * price}`,
      });
    }
    const locked = 2n * (LOCAL_PRICES["risk-scorer"] + LOCAL_PRICES["spam-filter"]);
    expect((await usdcBond()).free).to.equal(before.free - locked);
    expect((await usdcBond()).locked).to.equal(before.locked + locked);

    expect(await risk.settled({ minLevel: Level.ZKML, pollMs: 100 })).to.deep.include({ level: Level.ZKML });
    expect(await spam.settled({ minLevel: Level.TEE, pollMs: 100 })).to.deep.include({ level: Level.TEE });
    const released = async () =>
      (await Promise.all([risk, spam].map((a) => bonds.lockOf(a.inferenceId)))).every(
        (lock) => Number(lock.status) === LockStatus.Released,
      );
    await until("both locks released", released);
    const { escrow } = contracts();
    for (const answer of [risk, spam]) {
      expect(Number(await escrow.requestStatus(BigInt(answer.payment.escrowRequestId)))).to.equal(
        RequestStatus.Released,
      );
    }
    // The bond is whole again.
    const after = await usdcBond();
    expect([after.free, after.locked]).to.deep.equal([before.free, before.locked]);
  });

  it("refuses with 503 before any payment when its free bond cannot cover the lock; charges nothing", async () => {
    const { bonds } = contracts();
    const usdcAddress = localnet.record.addresses.usdc;
    const bond = await usdcBond();
    // The operator starts unbonding all but 1.5 times the risk scorer's price: less than its lock.
    const keep = (3n * LOCAL_PRICES["risk-scorer"]) / 2n;
    await (await bonds.beginUnbonding(nodeId(), usdcAddress, bond.free - keep)).wait();
    try {
      const before = await money();
      const refused = await client.infer(riskBody([1, 2, 3, 4])).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).to.be.instanceOf(InferenceRequestError);
      expect((refused as InferenceRequestError).status).to.equal(503);
      expect((refused as Error).message).to.equal(
        `node ${nodeId()} cannot bond this answer now: it locks ${2n * LOCAL_PRICES["risk-scorer"]} of ${usdcAddress} ` +
          `and the node's free bond is ${keep}, of which 0 is held for answers in flight. Nothing was charged; ` +
          "try again later or ask another node",
      );
      // Without a payment, no offer either: the 402 is not made.
      const unpaid = await fetch(`${service.url}/v1/inferences`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(riskBody([1, 2, 3, 4])),
      });
      expect([unpaid.status, unpaid.headers.get("retry-after")]).to.deep.equal([503, "30"]);
      expect(await money(), "no request opened, nothing paid").to.deep.equal(before);
      // The spam filter's lock (twice a fifth of a cent) still fits: the node answers what it can bond.
      const spam = await client.infer(spamBody("are we still on for lunch?"));
      expect(spam.state).to.equal("Answered");
    } finally {
      await (await bonds.cancelUnbonding(nodeId(), usdcAddress)).wait();
    }
    const again = await client.infer(riskBody([1, 2, 3, 4]));
    expect(again.state).to.equal("Answered");
  });

  it("refuses a payment that asks for a larger bond multiple than the node can cover, before settling it", async () => {
    // A client whose payment asks the node to lock 20,000 times the price (200 USDC; the node has 100).
    const scheme = new ProoflineClientScheme(payer.connect(provider), {
      trustedEscrows: [localnet.record.addresses.escrow],
      bondMultiple: 20_000,
    });
    const network = networkOf((await provider.getNetwork()).chainId);
    const paidFetch = wrapFetchWithPayment(
      fetch,
      new x402Client().register(network, scheme).setSpendControls({
        allowedAssets: [{ network, asset: localnet.record.addresses.usdc, maxAmountPerPayment: "100000" }],
      }),
    );
    const before = await money();
    const response = await paidFetch(`${service.url}/v1/inferences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(riskBody([5, 6, 7, 8])),
    });
    expect(response.status).to.equal(503);
    expect(((await response.json()) as { error: string }).error).to.match(
      /it locks 200000000 of .* Nothing was charged/,
    );
    expect(await money(), "the payment was never settled").to.deep.equal(before);
  });
});
