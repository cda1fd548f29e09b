/**
 * One prover thread of `ProverPool` (node/prover.ts): proves risk scores with `proveRiskScore` (src/models/riskScorer.ts)
 * one at a time, off the service's main thread, and answers the pool by message.
 *
 * snarkjs in a worker thread: its curve library (ffjavascript) imports `web-worker` 1.2, which assumes that any thread
 * other than the main one is a thread it started itself and reads its `workerData.mod` on import
 * (developit/web-worker#57; fixed upstream after the version ffjavascript pins). The pool therefore starts this thread
 * with that `workerData` (an empty module, see `PROVER_WORKER_DATA` in node/prover.ts), and since `web-worker` cannot
 * start threads from here, this thread builds snarkjs's BN254 curve single-threaded and leaves it where snarkjs looks
 * for its cached curve (`globalThis.curve_bn128`) before it says it is ready. Every proof then runs on this one thread:
 * the pool, not snarkjs, decides how many cores prove, at the lowest scheduling priority. A `close` message releases the curve (`releaseProver`) and lets
 * the thread end.
 */
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";

import { curves } from "snarkjs";

import { proveRiskScore, type RiskInput, type RiskModel } from "../src/models/riskScorer.js";
import { releaseProver, type ZkProof } from "../src/zk.js";

/** snarkjs exports its curve builders; its type package leaves them out. */
declare module "snarkjs" {
  export const curves: {
    getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<object>;
  };
}

/** What the pool sends. */
export type ToWorker =
  | { type: "prove"; jobId: number; model: RiskModel; input: RiskInput; binding: bigint; score?: bigint }
  | { type: "close" };

/** What the thread answers. */
export type FromWorker =
  | { type: "ready" }
  | { type: "proved"; jobId: number; proof: ZkProof; provingMs: number }
  | { type: "failed"; jobId: number; message: string }
  | { type: "closed" };

// Proving yields to answering: on Linux a nice value is per thread, and `setPriority` with no pid sets the calling
// thread's, so this thread runs at the lowest priority and the HTTP loop (and a local chain) always get a core first.
try {
  setPriority(19);
} catch {
  // not permitted here (or not Linux): proving still runs off the main thread
}

const port = parentPort;
if (port === null) throw new Error("node/proverWorker.ts runs as a worker thread of ProverPool");

const reply = (message: FromWorker) => port.postMessage(message);

port.on("message", (message: ToWorker) => {
  if (message.type === "close") {
    void releaseProver().then(() => {
      reply({ type: "closed" });
      port.close();
    });
    return;
  }
  const started = performance.now();
  proveRiskScore(message.model, message.input, message.binding, message.score).then(
    (proof) => reply({ type: "proved", jobId: message.jobId, proof, provingMs: performance.now() - started }),
    (error: unknown) => reply({ type: "failed", jobId: message.jobId, message: (error as Error).message }),
  );
});

(globalThis as { curve_bn128?: object }).curve_bn128 = await curves.getCurveFromName("bn128", { singleThread: true });
reply({ type: "ready" });
