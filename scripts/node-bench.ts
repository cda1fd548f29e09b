/**
 * `npm run bench:node`: the node service under load on this machine, printed as a table (a measurement, not a timed
 * test). A local chain (`--chain hardhat|anvil`, default anvil), the system set up as `npm start` does, one node
 * (node/service.ts) over HTTP, and paying clients (x402 into the escrow) sending `--requests` paid requests (default
 * 40, half risk scorer, half spam filter) `--concurrency` at a time (default 8). Measures:
 *
 * - paid requests per second sustained, and request-to-answer latency (p50, p95), against the goals
 *   (p50 <= 300 ms, p95 <= 1 s, >= 20 paid requests/s);
 * - answer-to-settlement latency at ZKML (a Groth16 proof in the worker pool) and at TEE (batched per round), and the
 *   rounds a TEE answer waited;
 * - proofs per second of the pool and the time per proof;
 * - gas per inference end to end, from the receipts: the escrow funding (x402 settlement), the answer, the settlement
 *   (settleZk; or the batch commit and settleManyFromBatch shared by its members), the release, and the withdrawal
 *   share.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";

import { JsonRpcProvider, Wallet } from "ethers";

import { loadConfig } from "../node/config.js";
import { freePort } from "../node/chain.js";
import { devWallet, localNodeEnvironment, startLocalnet } from "../node/localnet.js";
import { NodeService, type Log } from "../node/service.js";
import { RecordState } from "../src/ledger.js";
import { InferenceLedger__factory, TestUSDC__factory } from "../src/typechain/index.js";
import { ProoflineNodeClient, type PaidInference } from "../src/x402/index.js";

const { values } = parseArgs({
  options: {
    chain: { type: "string", default: "anvil" },
    requests: { type: "string", default: "40" },
    concurrency: { type: "string", default: "8" },
    // Internal: this script run again as the paying clients (`--load <json>`), in a process of their own.
    load: { type: "string" },
  },
});
const total = Number(values.requests);
const concurrency = Number(values.concurrency);
const chain = values.chain as "hardhat" | "anvil";

const execFileAsync = promisify(execFile);
const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const progress = (line: string) => console.error(`bench: ${line}`);

/** One answered request, as the load process reports it. */
interface Answered {
  inferenceId: string;
  answeredAt: number;
  ms: number;
  kind: "ZKML" | "TEE";
}

/**
 * The paying clients: `total` requests (half risk scorer, half spam filter), `concurrency` at a time, over x402 into
 * the node's escrow; prints what was answered as JSON. Run in a process of its own, so the clients' own work (signing
 * authorizations, checking answers against commitments) is not charged to the node's thread.
 */
async function runLoad(args: { nodeUrl: string; rpcUrl: string; escrow: string; payerKeys: string[] }) {
  const rpc = new JsonRpcProvider(args.rpcUrl, undefined, { staticNetwork: true, batchStallTime: 0 });
  const wallets = args.payerKeys.map((key) => new Wallet(key, rpc));
  const clients = await Promise.all(
    wallets.map((payer) =>
      ProoflineNodeClient.connect({
        nodeUrl: args.nodeUrl,
        payer,
        provider: rpc,
        trustedEscrows: [args.escrow],
        maxAmountPerPayment: 100_000n,
      }),
    ),
  );
  const bodies = Array.from({ length: total }, (_, i) =>
    i % 2 === 0
      ? { artifact: "1", input: { subject: wallets[i % wallets.length].address, features: [i % 1024, 2, 500, 100] } }
      : { label: "spam-filter", input: { text: `message ${i}: claim your free prize now!!!` } },
  );
  const answers: Answered[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) {
        const i = next++;
        const sent = Date.now();
        const paid = await clients[(worker + i) % clients.length].infer(bodies[i]);
        const now = Date.now();
        answers.push({
          inferenceId: paid.inferenceId,
          answeredAt: now,
          ms: now - sent,
          kind: i % 2 === 0 ? "ZKML" : "TEE",
        });
      }
    }),
  );
  rpc.destroy();
  process.stdout.write(JSON.stringify({ answers, elapsedMs: Date.now() - started }));
}

if (values.load !== undefined) {
  await runLoad(JSON.parse(values.load) as Parameters<typeof runLoad>[0]);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "proofline-bench-"));
progress(`starting ${chain} and setting up the system`);
const localnet = await startLocalnet({ chain, port: await freePort(), recordFile: join(dir, "localnet.json") });
const gasByTx = new Map<string, { what: string; gas: bigint }>();
// The bond locks are submitted on the fast path (not waited for): their receipts are read at the end.
const lockTxs: string[] = [];
const log: Log = (event, fields = {}) => {
  if (event === "tx")
    gasByTx.set(String(fields.hash), { what: String(fields.what), gas: BigInt(String(fields.gasUsed)) });
  if (event === "bond-lock-sent") lockTxs.push(String(fields.tx));
};
const provider = new JsonRpcProvider(localnet.record.rpcUrl, undefined, {
  staticNetwork: true,
  pollingInterval: 100,
  batchStallTime: 0,
});
// The payers get test USDC from its owner (the operator's account) before the node starts sending from it.
const payers = [2, 3, 15, 16, 17, 18, 19].map((i) => new Wallet(devWallet(i).privateKey, provider));
// Sent through the chain's own account (it assigns the nonce), as the local network's set-up did.
const usdc = TestUSDC__factory.connect(localnet.record.addresses.usdc, await provider.getSigner(0));
for (const payer of payers) await (await usdc.mint(payer.address, 100_000_000n)).wait();
const service = await NodeService.start(
  loadConfig({
    ...process.env,
    ...localNodeEnvironment(join(dir, "localnet.json"), join(dir, "node.db"), { PROOFLINE_BATCH_MS: "500" }),
  }),
  log,
);
try {
  progress(`${total} paid requests, ${concurrency} at a time (the clients in a process of their own)`);
  const load = await execFileAsync(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      "--requests",
      String(total),
      "--concurrency",
      String(concurrency),
      "--load",
      JSON.stringify({
        nodeUrl: service.url,
        rpcUrl: localnet.record.rpcUrl,
        escrow: localnet.record.addresses.escrow,
        payerKeys: payers.map((payer) => payer.privateKey),
      }),
    ],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  const { answers, elapsedMs } = JSON.parse(load.stdout) as { answers: Answered[]; elapsedMs: number };
  const elapsed = elapsedMs / 1000; // from the first request to the last answer, as the clients saw it

  progress("waiting for every answer to settle and be released");
  const ledger = InferenceLedger__factory.connect(localnet.record.addresses.ledger, provider);
  const settledAfter = new Map<string, number[]>([
    ["ZKML", []],
    ["TEE", []],
  ]);
  const pending = new Set(answers);
  const deadline = Date.now() + 10 * 60_000;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const answer of [...pending]) {
      const [state] = await ledger.settlementOf(answer.inferenceId);
      if (Number(state) === RecordState.Settled) {
        settledAfter.get(answer.kind)!.push(Date.now() - answer.answeredAt);
        pending.delete(answer);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // a client's pace, not a load of its own on the chain
  }
  while (service.store.countsByState().Released < total && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  // Gas per inference from the receipts: the node's own transactions (logged) and the x402 settlements (jobs).
  const gasOf = (prefix: string) => [...gasByTx.values()].filter((t) => t.what.startsWith(prefix)).map((t) => t.gas);
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const mean = (xs: bigint[]) => (xs.length === 0 ? 0n : sum(xs) / BigInt(xs.length));
  // The answer is submitted on the fast path and confirmed later, so its receipt is read here too.
  const funding: bigint[] = [];
  const answerGas: bigint[] = [];
  for (const answer of answers) {
    const job = service.store.jobByInference(answer.inferenceId)!;
    funding.push((await provider.getTransactionReceipt(job.paymentTx))!.gasUsed);
    answerGas.push((await provider.getTransactionReceipt(job.answerTx!))!.gasUsed);
  }
  const lockGas: bigint[] = [];
  for (const hash of lockTxs) lockGas.push((await provider.getTransactionReceipt(hash))!.gasUsed);
  const bondReleaseGas = gasOf("bond-release ");
  const bondGas = mean(lockGas) + mean(bondReleaseGas);
  const [zkGas, batchGas, fromBatchGas, releaseGas, withdrawGas] = [
    gasOf("settleZk "),
    gasOf("commitBatch "),
    gasOf("settleManyFromBatch "),
    gasOf("release "),
    gasOf("withdraw "),
  ];
  // A batch's commit and its settleManyFromBatch calls are shared by its members.
  const teeCount = BigInt(Math.max(1, settledAfter.get("TEE")!.length));
  const perTee =
    mean(funding) + mean(answerGas) + (sum(batchGas) + sum(fromBatchGas)) / teeCount + mean(releaseGas) + bondGas;
  const perZk = mean(funding) + mean(answerGas) + mean(zkGas) + mean(releaseGas) + bondGas;
  const withdrawShare = sum(withdrawGas) / BigInt(Math.max(1, total));
  const provingMs = service.metrics.provingMs;
  const ms = answers.map((a) => a.ms);
  const rounds = BigInt((await ledger.windows())[2]);

  const rows: Array<[string, string, string]> = [
    ["paid requests/s sustained", (total / elapsed).toFixed(1), ">= 20"],
    ["request -> answer p50 (ms)", `${quantile(ms, 0.5)}`, "<= 300"],
    ["request -> answer p95 (ms)", `${quantile(ms, 0.95)}`, "<= 1000"],
    [
      "of which the bond lock's submission p50 / p95 (ms)",
      `${quantile(service.metrics.lockMs, 0.5)} / ${quantile(service.metrics.lockMs, 0.95)}`,
      "",
    ],
    [
      "answer -> settled ZKML p50 / p95 (ms)",
      `${quantile(settledAfter.get("ZKML")!, 0.5)} / ${quantile(settledAfter.get("ZKML")!, 0.95)}`,
      "",
    ],
    [
      `answer -> settled TEE p50 / p95 (ms, ${rounds} s rounds)`,
      `${quantile(settledAfter.get("TEE")!, 0.5)} / ${quantile(settledAfter.get("TEE")!, 0.95)}`,
      `<= 2 rounds`,
    ],
    ["TEE batches committed", `${batchGas.length}`, ""],
    [
      `proofs/s (pool of ${service.config.provers}, from the p50 proof time)`,
      (service.config.provers / (quantile(provingMs, 0.5) / 1000)).toFixed(2),
      "",
    ],
    [
      "proof time p50 / p95 (ms)",
      `${quantile(provingMs, 0.5).toFixed(0)} / ${quantile(provingMs, 0.95).toFixed(0)}`,
      "",
    ],
    ["gas: escrow funding (x402 settle)", `${mean(funding)}`, ""],
    ["gas: answer", `${mean(answerGas)}`, ""],
    ["gas: settleZk", `${mean(zkGas)}`, ""],
    [
      "gas: commitBatch / settleManyFromBatch per call (both shared), per TEE record",
      `${mean(batchGas)} / ${mean(fromBatchGas)}, ${(sum(batchGas) + sum(fromBatchGas)) / teeCount}`,
      "",
    ],
    ["gas: release", `${mean(releaseGas)}`, ""],
    ["gas: bond lock / bond release", `${mean(lockGas)} / ${mean(bondReleaseGas)}`, ""],
    ["gas per ZKML inference end to end", `${perZk + withdrawShare}`, ""],
    ["gas per TEE inference end to end", `${perTee + withdrawShare}`, ""],
    [
      "released / refunded",
      `${service.store.countsByState().Released} / ${service.store.countsByState().Refunded}`,
      `${total} / 0`,
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nnode service on ${chain}, ${total} paid requests, ${concurrency} concurrent, ${elapsed.toFixed(1)} s`);
  console.log(`${"measure".padEnd(width)}  ${"value".padStart(16)}  goal`);
  for (const [name, value, goal] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(16)}  ${goal}`);
} finally {
  provider.destroy();
  await service.stop();
  await localnet.stop();
}
