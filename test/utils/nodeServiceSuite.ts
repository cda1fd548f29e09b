import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { freePort, testChainOptions } from "./hardhatNode.js";
import { JsonRpcProvider, Wallet } from "ethers";

import { startLocalnet, devWallet, type Localnet } from "../../node/localnet.js";
import type { ChainKind } from "../../node/chain.js";
import { RequestStatus } from "../../src/escrow.js";
import { Level, RecordState } from "../../src/ledger.js";
import {
  BondVault__factory,
  InferenceEscrow__factory,
  InferenceLedger__factory,
  TestUSDC__factory,
} from "../../src/typechain/index.js";
import { LockStatus } from "../../src/constants.js";
import { InferenceRequestError, ProoflineNodeClient } from "../../src/x402/index.js";

/** The node service as its own process (`npm run serve`'s script), on the local network `localnet` recorded. */
class NodeProcess {
  private child?: ChildProcess;
  output = "";
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly url: string,
  ) {}

  /** Starts it (with `crashAt`, it kills itself with SIGKILL at that point) and resolves once it serves. */
  async start(crashAt?: string): Promise<void> {
    const env = { ...process.env, ...this.env, ...(crashAt ? { PROOFLINE_CRASH_AT: crashAt } : {}) };
    if (!crashAt) delete env.PROOFLINE_CRASH_AT;
    this.output = ""; // this run's output only: "serving" must be this process's
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout!.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the node did not start:\n${this.output}`)), 60_000);
      const poll = setInterval(() => {
        if (this.output.includes('"event":"serving"')) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
      child.once("exit", (code) => {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`the node exited (${code}) before serving:\n${this.output}`));
      });
    });
    // Pooled keep-alive connections to the previous process are dead: a first request through each fails, as any
    // client of a restarted server sees. Use them up here, so the test's requests reach the new process.
    for (let attempt = 0; attempt < 8; attempt++) {
      if (
        await fetch(`${this.url}/health`).then(
          () => true,
          () => false,
        )
      )
        break;
    }
  }

  /** Resolves when the process has exited (after a crash point, or `stop`); fails after `ms` with its output. */
  exited(ms = 60_000): Promise<void> {
    const child = this.child!;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the node did not exit:\n${this.output.slice(-4000)}`)), ms);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      const exit = this.exited();
      this.child.kill("SIGTERM");
      await exit;
    }
  }
}

/**
 * The node service end to end, as an operator runs it and a client pays it: a real chain process (Hardhat's node and
 * Foundry's anvil), the node as its own process over HTTP, x402 payments into the escrow, a real Groth16 proof and a
 * batched TEE settlement by a development enclave, release to the operator and refund to the requester; and the node
 * killed with SIGKILL at each step of a job, then restarted, finishing every paid request. One file per chain
 * (test/node/NodeService.hardhat.ts, NodeService.anvil.ts), so parallel test workers run the two at once.
 */
export function nodeServiceSuite(kind: ChainKind): void {
  describe(`node service over HTTP with x402 payments (${kind})`, function () {
    this.timeout(300_000);
    let localnet: Localnet;
    let node: NodeProcess;
    let provider: JsonRpcProvider;
    let client: ProoflineNodeClient;
    const payer = devWallet(2);
    const operator = devWallet(0);

    const contracts = () => ({
      escrow: InferenceEscrow__factory.connect(localnet.record.addresses.escrow, provider),
      ledger: InferenceLedger__factory.connect(localnet.record.addresses.ledger, provider),
      usdc: TestUSDC__factory.connect(localnet.record.addresses.usdc, provider),
      bonds: BondVault__factory.connect(localnet.record.addresses.bonds, provider),
    });
    const riskBody = (features: number[]) => ({
      artifact: "1",
      input: { subject: payer.address, features },
      memory: [{ name: "loan-application-17", content: "requested 5,000 over 24 months" }],
    });
    const spamBody = (text: string) => ({ label: "spam-filter", input: { text } });

    /** Waits until escrow request `id` is `status`. */
    const until = async (id: bigint, status: RequestStatus, ms = 120_000) => {
      const { escrow } = contracts();
      const deadline = Date.now() + ms;
      while (Number(await escrow.requestStatus(id)) !== status) {
        if (Date.now() > deadline)
          throw new Error(`request ${id} not ${RequestStatus[status]}:\n${node.output.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    before(async () => {
      const dir = mkdtempSync(join(tmpdir(), `proofline-node-${kind}-`));
      const recordFile = join(dir, "localnet.json");
      localnet = await startLocalnet({
        chain: kind,
        port: await freePort(),
        recordFile,
        chainOptions: testChainOptions,
        // One batch per enclave per round: a TEE answer that misses this round's waits for the next one.
        roundSeconds: 5,
      });
      provider = new JsonRpcProvider(localnet.record.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 100 });
      const port = await freePort();
      node = new NodeProcess(
        {
          PROOFLINE_LOCALNET: recordFile,
          // Development accounts of the local chain (publicly known keys): node key 4, operator 0, the spam filter's
          // development enclave 9.
          PROOFLINE_NODE_KEY: devWallet(4).privateKey,
          PROOFLINE_OPERATOR_KEY: operator.privateKey,
          PROOFLINE_ENCLAVE_KEY: devWallet(9).privateKey,
          PROOFLINE_NODE_DB: join(dir, "node.db"),
          PROOFLINE_NODE_PORT: `${port}`,
          PROOFLINE_BATCH_MS: "100",
          PROOFLINE_PROVERS: "1",
        },
        `http://127.0.0.1:${port}`,
      );
      const { usdc } = contracts();
      await (await usdc.connect(new Wallet(operator.privateKey, provider)).mint(payer.address, 10_000_000n)).wait();
      await node.start();
      client = await ProoflineNodeClient.connect({
        nodeUrl: node.url,
        payer: new Wallet(payer.privateKey, provider),
        provider,
        trustedEscrows: [localnet.record.addresses.escrow],
        maxAmountPerPayment: 100_000n,
      });
    });

    after(async () => {
      await node?.stop();
      provider?.destroy();
      await localnet?.stop();
    });

    it("refuses bad requests before any offer, offers a price without payment, and moves no money", async () => {
      const { escrow, usdc } = contracts();
      const [count, balance] = [await escrow.requestCount(), await usdc.balanceOf(payer.address)];
      const post = (body: unknown) =>
        fetch(`${node.url}/v1/inferences`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const bad = await post({ artifact: "1", input: { subject: "nobody", features: [1, 2, 3, 4] } });
      expect([bad.status, ((await bad.json()) as { error: string }).error]).to.deep.equal([
        400,
        "`input.subject` must be an address",
      ]);
      const unknown = await post({ artifact: "2", input: {} });
      expect(unknown.status).to.equal(404);
      const noText = await post(spamBody(""));
      expect(noText.status).to.equal(400);
      const unpaid = await post(riskBody([1, 2, 3, 4]));
      expect(unpaid.status).to.equal(402);
      expect(unpaid.headers.get("payment-required")).to.be.a("string");
      const refused = await client
        .infer({ artifact: "1", input: { subject: payer.address, features: [9999, 0, 0, 0] } })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refused).to.be.instanceOf(InferenceRequestError);
      expect((refused as InferenceRequestError).status).to.equal(400);
      expect((refused as Error).message).to.include("input.features[0]");
      expect(await escrow.requestCount()).to.equal(count);
      expect(await usdc.balanceOf(payer.address)).to.equal(balance);
    });

    it("answers fast as Answered, then proves (ZKML) and settles a batch (TEE), releases to the operator", async () => {
      const { escrow, usdc } = contracts();
      const operatorBalance = await usdc.balanceOf(operator.address);
      const risk = await client.infer(riskBody([400, 2, 500, 100]));
      expect(risk.state).to.equal("Answered");
      expect(risk.claimed).to.equal("ZKML");
      expect(risk.inputParts.map((part) => part.name)).to.deep.equal(["memory/loan-application-17", "zk-input"]);
      const spam = await client.infer(
        spamBody("URGENT: your account is locked, verify your password at this link now"),
      );
      expect(spam.state).to.equal("Answered");
      expect(spam.result).to.deep.include({ spam: true }); // the model's own result, published beside its parts
      expect(await risk.settled({ minLevel: Level.ZKML, pollMs: 100 })).to.deep.include({ level: Level.ZKML });
      expect(await spam.settled({ minLevel: Level.TEE, pollMs: 100 })).to.deep.include({ level: Level.TEE });
      // The node settles a committed batch's pending members in one call, not one transaction each.
      const { ledger } = contracts();
      const [settlement] = await ledger.queryFilter(ledger.filters.InferenceSettled(spam.inferenceId));
      const settledBy = await provider.getTransaction(settlement.transactionHash);
      expect(ledger.interface.parseTransaction(settledBy!)?.name).to.equal("settleManyFromBatch");
      await until(BigInt(risk.payment.escrowRequestId), RequestStatus.Released);
      await until(BigInt(spam.payment.escrowRequestId), RequestStatus.Released);
      // The operator withdrew what the escrow credited it.
      const deadline = Date.now() + 30_000;
      while ((await usdc.balanceOf(operator.address)) - operatorBalance < 12_000n && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect((await usdc.balanceOf(operator.address)) - operatorBalance).to.equal(12_000n);
      expect(await escrow.creditOf(operator.address, await usdc.getAddress())).to.equal(0n);
      // Anyone can check the published parts against the record.
      const published = (await (await fetch(`${node.url}/v1/inferences/${risk.inferenceId}`)).json()) as {
        state: string;
        achieved: string;
      };
      expect(published).to.deep.include({ state: "Settled", achieved: "ZKML" });
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).to.match(/proofline_settlements_total\{level="ZKML"\} [1-9]/);
      expect(metrics).to.match(/proofline_settlements_total\{level="TEE"\} [1-9]/);
    });

    for (const [point, body] of [
      ["after-payment", riskBody([10, 20, 30, 40])],
      ["after-sign", spamBody("lunch tomorrow at noon? the usual place")],
      ["after-lock", riskBody([15, 25, 35, 45])],
      ["after-answer", riskBody([11, 21, 31, 41])],
      ["after-proof", riskBody([12, 22, 32, 42])],
      ["after-batch-stored", spamBody("Congratulations!!! You have been selected for a $1000 gift card")],
    ] as const) {
      it(`killed ${point.replace("-", " ")}: restarted, it finishes the paid request (settled once, released)`, async () => {
        const { escrow, ledger } = contracts();
        await node.stop();
        await node.start(point);
        const before = await escrow.requestCount();
        const outcome = await client.infer(body).then(
          () => "answered",
          (error: Error) => error.message,
        );
        // Before the answer the client gets none; after it, the node dies in the background.
        const background = point === "after-proof" || point === "after-batch-stored";
        expect(outcome === "answered", outcome).to.equal(background);
        await node.exited();
        const requestId = before + 1n;
        expect(await escrow.requestCount(), "the payment went through before the crash").to.equal(requestId);
        await node.start();
        await until(requestId, RequestStatus.Released);
        const answered = await ledger.queryFilter(ledger.filters.Answered());
        const ref = await escrow.requestRef(requestId);
        const ours = answered.filter((event) => event.args.paymentRef === ref);
        expect(ours, "one answer on the ledger for the request").to.have.length(1);
        const [state] = await ledger.settlementOf(ours[0].args.inferenceId);
        expect(Number(state)).to.equal(RecordState.Settled);
        // Its bond was locked once, before the answer, and comes back once the escrow has paid.
        const { bonds } = contracts();
        const locks = await bonds.queryFilter(bonds.filters.BondLocked(ours[0].args.inferenceId));
        expect(locks, "locked once").to.have.length(1);
        const deadline = Date.now() + 60_000;
        while (Number((await bonds.lockOf(ours[0].args.inferenceId)).status) !== LockStatus.Released) {
          if (Date.now() > deadline) throw new Error(`lock not released:\n${node.output.slice(-3000)}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      });
    }

    it("a request whose proof never comes is refunded to the requester after its deadline", async () => {
      const { escrow, usdc } = contracts();
      await node.stop();
      await node.start("after-answer");
      const before = await escrow.requestCount();
      const balance = await usdc.balanceOf(payer.address);
      await client.infer(riskBody([13, 23, 33, 43])).catch(() => undefined);
      await node.exited();
      const requestId = before + 1n;
      expect(await usdc.balanceOf(payer.address)).to.equal(balance - 10_000n);
      // The node stays down past the escrow deadline and the ledger's settlement window.
      await provider.send("evm_increaseTime", [2 * 86_400]);
      await provider.send("evm_mine", []);
      await node.start();
      await until(requestId, RequestStatus.Refunded);
      // The escrow credits the requester, who withdraws (a pull, so a requester that cannot receive blocks no one).
      expect(await escrow.creditOf(payer.address, await usdc.getAddress())).to.equal(10_000n);
      await (
        await escrow.connect(new Wallet(payer.privateKey, provider)).withdraw(await usdc.getAddress(), payer.address)
      ).wait();
      expect(await usdc.balanceOf(payer.address)).to.equal(balance);
    });
  });
}
