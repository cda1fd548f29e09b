/**
 * A pool of worker threads that prove the risk scorer's Groth16 proofs (issue 18), so the node keeps answering HTTP
 * while it proves. Each thread runs node/proverWorker.ts, which calls `proveRiskScore` (src/models/riskScorer.ts):
 * nothing of the proving is written here.
 *
 * - `size` threads (default: one fewer than the machine's parallelism, at least one), one proof at a time each, and
 *   a first-in first-out queue in front of them.
 * - A per-job timeout, counted from the moment a thread takes the job: the job fails with `ProverTimeout` and its
 *   thread is terminated and replaced (a proof in snarkjs cannot be cancelled otherwise).
 * - A thread that dies (an uncaught error, running out of memory, terminated from outside) is replaced, and its job
 *   is retried once on another thread; a second death fails the job with `ProverCrashed`. A proof the circuit refuses
 *   is not retried: it fails with `ZkmlError`, as `proveRiskScore` does.
 * - `close()` fails the waiting jobs with `ProverPoolClosed`, asks idle threads to release snarkjs's curve and end,
 *   and terminates the rest.
 *
 * Loading the worker: the built package runs `proverWorker.js` directly. From TypeScript sources (tests, `node
 * --import tsx`), a loader registered in the main thread through tsx's API (as Hardhat does) does not reach worker
 * threads, so the thread starts with a two-line bootstrap that registers tsx first and then imports
 * `proverWorker.ts`.
 */
import { EventEmitter } from "node:events";
import { availableParallelism } from "node:os";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

import type { RiskInput, RiskModel } from "../src/models/riskScorer.js";
import { ZkmlError, type ZkProof } from "../src/zk.js";
import type { FromWorker, ToWorker } from "./proverWorker.js";

/** One proof to make: `proveRiskScore(model, input, binding, score)`. */
export interface ProofRequest {
  model: RiskModel;
  input: RiskInput;
  binding: bigint;
  score?: bigint;
}

export interface ProofResult {
  proof: ZkProof;
  /** Wall time of the proof inside its thread (witness and Groth16), in milliseconds. */
  provingMs: number;
  /** 1, or 2 when the first thread died and the job was retried. */
  attempts: number;
  threadId: number;
}

export interface ProverPoolOptions {
  /** Threads; default `max(1, availableParallelism() - 1)`. */
  size?: number;
  /** Per-job timeout once a thread has the job, in milliseconds; default 2 minutes. */
  timeoutMs?: number;
  /** How long `close()` waits for a thread to end by itself before terminating it; default 5 seconds. */
  closeGraceMs?: number;
}

export class ProverPoolClosed extends Error {
  override name = "ProverPoolClosed";
  constructor() {
    super("the prover pool is closed");
  }
}

export class ProverTimeout extends Error {
  override name = "ProverTimeout";
  constructor(
    readonly jobId: number,
    readonly timeoutMs: number,
  ) {
    super(`proof job ${jobId} took longer than ${timeoutMs} ms`);
  }
}

export class ProverCrashed extends Error {
  override name = "ProverCrashed";
  constructor(
    readonly jobId: number,
    readonly attempts: number,
    readonly reason: string,
  ) {
    super(`proof job ${jobId}: its thread died on each of ${attempts} attempts (last: ${reason})`);
  }
}

/** Events, for logs and metrics: a thread took a job, a thread died, a thread was replaced. */
export interface ProverPoolEvents {
  start: [{ jobId: number; attempt: number; threadId: number; worker: Worker }];
  crash: [{ threadId: number; jobId: number | undefined; reason: string }];
  proved: [{ jobId: number; threadId: number; provingMs: number }];
}

interface Job {
  id: number;
  request: ProofRequest;
  attempts: number;
  timeoutMs: number;
  resolve(result: ProofResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** `worker.threadId`, kept: it reads -1 once the thread has exited. */
  threadId: number;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Set when the pool ends the thread itself (timeout, close): its exit is not a crash. */
  retiring: boolean;
  lastError: string | undefined;
}

/** After this many threads in a row die before they are ready, the pool stops replacing them and fails its jobs. */
const MAX_START_FAILURES = 3;

/** The `workerData` of a prover thread: what `web-worker` 1.2 reads on import in any thread (node/proverWorker.ts). */
const PROVER_WORKER_DATA = { mod: "data:text/javascript,", type: "module", name: "proofline-prover" } as const;

const SOURCE = fileURLToPath(import.meta.url);
const WORKER_ENTRY = new URL(`./proverWorker${extname(SOURCE)}`, import.meta.url);

export class ProverPool extends EventEmitter<ProverPoolEvents> {
  readonly size: number;
  readonly #timeoutMs: number;
  readonly #closeGraceMs: number;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #nextJobId = 1;
  #closed = false;
  #startFailures = 0;

  constructor(options: ProverPoolOptions = {}) {
    super();
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism() - 1));
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#closeGraceMs = options.closeGraceMs ?? 5_000;
    for (let i = 0; i < this.size; i++) this.#spawn();
  }

  /** Proves `request` on the next free thread. */
  prove(request: ProofRequest, options: { timeoutMs?: number } = {}): Promise<ProofResult> {
    if (this.#closed) return Promise.reject(new ProverPoolClosed());
    return new Promise((resolve, reject) => {
      const id = this.#nextJobId++;
      this.#queue.push({ id, request, attempts: 0, timeoutMs: options.timeoutMs ?? this.#timeoutMs, resolve, reject });
      this.#dispatch();
    });
  }

  /** Jobs waiting for a thread. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Jobs a thread is proving now. */
  get busy(): number {
    return [...this.#slots].filter((slot) => slot.job !== undefined).length;
  }

  /** Fails every waiting and running job with `ProverPoolClosed` and ends every thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new ProverPoolClosed());
    await Promise.all([...this.#slots].map((slot) => this.#endSlot(slot)));
  }

  #spawn() {
    const worker = startWorker();
    const slot: Slot = {
      worker,
      threadId: worker.threadId,
      ready: false,
      job: undefined,
      timer: undefined,
      retiring: false,
      lastError: undefined,
    };
    this.#slots.add(slot);
    slot.worker.on("message", (message: FromWorker) => this.#onMessage(slot, message));
    slot.worker.on("error", (error) => (slot.lastError = error.message));
    slot.worker.on("exit", (code) => this.#onExit(slot, code));
  }

  #onMessage(slot: Slot, message: FromWorker) {
    if (message.type === "ready") {
      slot.ready = true;
      this.#startFailures = 0;
      this.#dispatch();
      return;
    }
    if (message.type === "closed") return;
    const job = slot.job;
    if (job === undefined || job.id !== message.jobId) return;
    this.#free(slot);
    if (message.type === "proved") {
      const threadId = slot.threadId;
      this.emit("proved", { jobId: job.id, threadId, provingMs: message.provingMs });
      job.resolve({ proof: message.proof, provingMs: message.provingMs, attempts: job.attempts, threadId });
    } else {
      job.reject(new ZkmlError(message.message));
    }
    this.#dispatch();
  }

  #onExit(slot: Slot, code: number) {
    this.#slots.delete(slot);
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    if (slot.retiring || this.#closed) return;

    const reason = slot.lastError ?? `exit code ${code}`;
    const job = slot.job;
    this.emit("crash", { threadId: slot.threadId, jobId: job?.id, reason });
    if (job !== undefined) {
      if (job.attempts < 2) this.#queue.unshift(job);
      else job.reject(new ProverCrashed(job.id, job.attempts, reason));
    }
    if (!slot.ready && ++this.#startFailures >= MAX_START_FAILURES && this.#slots.size === 0) {
      for (const waiting of this.#queue.splice(0)) {
        waiting.reject(new ProverCrashed(waiting.id, waiting.attempts, `no prover thread could start: ${reason}`));
      }
      return;
    }
    this.#spawn();
  }

  #dispatch() {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (!slot.ready || slot.job !== undefined || slot.retiring) continue;
      const job = this.#queue.shift()!;
      job.attempts++;
      slot.job = job;
      slot.timer = setTimeout(() => this.#timeout(slot, job), job.timeoutMs);
      const { model, input, binding, score } = job.request;
      const message: ToWorker = { type: "prove", jobId: job.id, model, input, binding, score };
      slot.worker.postMessage(message);
      this.emit("start", { jobId: job.id, attempt: job.attempts, threadId: slot.threadId, worker: slot.worker });
    }
  }

  #timeout(slot: Slot, job: Job) {
    if (slot.job !== job) return;
    this.#free(slot);
    job.reject(new ProverTimeout(job.id, job.timeoutMs));
    slot.retiring = true;
    void slot.worker.terminate();
    if (!this.#closed) this.#spawn();
  }

  #free(slot: Slot) {
    slot.job = undefined;
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
  }

  /** Ends one thread: an idle one is asked to release snarkjs and exit, a busy one (or a slow one) is terminated. */
  async #endSlot(slot: Slot): Promise<void> {
    slot.retiring = true;
    const running = slot.job;
    this.#free(slot);
    running?.reject(new ProverPoolClosed());
    const exited = new Promise<void>((resolve) => slot.worker.once("exit", () => resolve()));
    if (running !== undefined || !slot.ready) {
      await slot.worker.terminate();
      return;
    }
    slot.worker.postMessage({ type: "close" } satisfies ToWorker);
    const grace = setTimeout(() => void slot.worker.terminate(), this.#closeGraceMs);
    await exited;
    clearTimeout(grace);
  }
}

/**
 * A thread running node/proverWorker: the built `.js` directly; the `.ts` source through a bootstrap that registers
 * tsx in the thread first (when tsx cannot be found, the thread relies on a loader in `process.execArgv`).
 */
function startWorker(): Worker {
  const options = { workerData: PROVER_WORKER_DATA };
  if (extname(SOURCE) !== ".ts") return new Worker(WORKER_ENTRY, options);
  let tsx: string;
  try {
    tsx = import.meta.resolve("tsx/esm/api");
  } catch {
    return new Worker(WORKER_ENTRY, options);
  }
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_ENTRY.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
