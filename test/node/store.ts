import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

import { expect } from "chai";

import {
  JOB_STATES,
  JobStore,
  SCHEMA_VERSION,
  StoreAnswerConflict,
  StoreAnswerNotSigned,
  StoreBatchConflict,
  StoreJobExists,
  StoreTransitionRefused,
  type NewJob,
} from "../../node/store.js";

const STORE_MODULE = new URL("../../node/store.ts", import.meta.url).href;
const TSX = createRequire(import.meta.url).resolve("tsx/esm");

/** A clock the tests move by hand. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

let requestCounter = 0n;
function paidRequest(overrides: Partial<NewJob> = {}): NewJob {
  requestCounter++;
  return {
    escrowRequestId: requestCounter.toString(),
    paymentTx: `0x${requestCounter.toString(16).padStart(64, "0")}`,
    artifactId: "7",
    route: 0,
    subject: "7",
    claimedLevel: 3,
    inputParts: [{ kind: 1, name: "zk-input", content: "0x01" }],
    ...overrides,
  };
}

/** What `promise` rejects with (a test fails if it fulfils). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${String(value)}`),
    (error: unknown) => error,
  );
}

const inferenceIdOf = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const answerOf = (n: number, output = "0xaa") => ({ inferenceId: inferenceIdOf(n), output, level: 3n });

/** Runs a child `node` (with tsx) that evaluates `code` as a module; resolves once it prints `line`, with the child. */
function spawnChild(code: string, line: string) {
  const child = spawn(process.execPath, ["--import", TSX, "--input-type=module", "--eval", code], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(line)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`child exited (${code}) before "${line}": ${err}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_c, signal) => resolve(signal)));
  return { child, ready, exited, stderr: () => err };
}

describe("JobStore", function () {
  this.timeout(30_000);
  let dir: string;
  let file: string;
  const opened: JobStore[] = [];
  const open = (options: Parameters<typeof JobStore.open>[1] = {}) => {
    const store = JobStore.open(file, options);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "proofline-store-"));
    file = join(dir, "node.db");
  });
  afterEach(() => {
    opened.splice(0).forEach((s) => s.close());
    rmSync(dir, { recursive: true, force: true });
  });

  describe("open", () => {
    it("uses WAL, synchronous=FULL and a busy timeout, at the current schema version", () => {
      const store = open({ busyTimeoutMs: 4_321 });
      expect(store.settings()).to.deep.equal({ journalMode: "wal", synchronous: 2, busyTimeoutMs: 4_321 });
      expect(store.schemaVersion).to.equal(SCHEMA_VERSION);
    });

    it("silences only SQLite's ExperimentalWarning", async () => {
      const code = `
        import { JobStore } from ${JSON.stringify(STORE_MODULE)};
        JobStore.open(${JSON.stringify(file)}).close();
        process.emitWarning("another experiment", "ExperimentalWarning");
        console.log("done");
      `;
      const { ready, exited, stderr } = spawnChild(code, "done");
      await ready;
      await exited;
      expect(stderr()).to.include("ExperimentalWarning: another experiment");
      expect(stderr()).not.to.include("SQLite");
    });

    it("keeps every job, event, answer and batch across close and reopen", async () => {
      const store = open();
      const job = store.createJob(paidRequest());
      await store.signOnce(inferenceIdOf(1), answerOf(1), () => "0xsig1");
      store.markAnswered(job.id, { inferenceId: inferenceIdOf(1), outputParts: [{ score: 42 }], answerTx: "0xans" });
      store.startAttesting(job.id);
      store.createBatch(5, "0xroot", [inferenceIdOf(1)]);
      const before = store.job(job.id);
      store.close();

      const reopened = open();
      expect(reopened.schemaVersion).to.equal(SCHEMA_VERSION);
      expect(reopened.job(job.id)).to.deep.equal(before);
      expect(reopened.jobByInference(inferenceIdOf(1))?.id).to.equal(job.id);
      expect(reopened.jobByEscrowRequest(job.escrowRequestId)?.state).to.equal("Attesting");
      expect(reopened.history(job.id).map((e) => e.to)).to.deep.equal(["Paid", "Answered", "Attesting"]);
      expect(reopened.signedAnswer(inferenceIdOf(1))?.signature).to.equal("0xsig1");
      expect(reopened.uncommittedBatches()).to.have.length(1);
      expect(reopened.batch(5)?.members).to.deep.equal([inferenceIdOf(1)]);
    });
  });

  describe("jobs", () => {
    it("walks the whole happy path and stores what each step carries", async () => {
      const store = open();
      const job = store.createJob(paidRequest());
      expect(job.state).to.equal("Paid");
      expect(job.inputParts).to.deep.equal([{ content: "0x01", kind: 1, name: "zk-input" }]);
      await store.signOnce(inferenceIdOf(2), answerOf(2), () => "0xsig2");
      const answered = store.markAnswered(job.id, { inferenceId: inferenceIdOf(2), outputParts: ["0xout"] });
      expect(answered.answer).to.deep.equal({ inferenceId: inferenceIdOf(2), level: "3", output: "0xaa" });
      expect(answered.signature).to.equal("0xsig2");
      store.startProving(job.id);
      expect(store.markSettled(job.id, "Proving", "0xsettle").settleTx).to.equal("0xsettle");
      const released = store.markReleased(job.id, "0xrelease");
      expect(released.state).to.equal("Released");
      expect(released.releaseTx).to.equal("0xrelease");
    });

    it("refuses a second job for the same escrow request", () => {
      const store = open();
      const request = paidRequest();
      const job = store.createJob(request);
      expect(() => store.createJob(request))
        .to.throw(StoreJobExists)
        .with.property("jobId", job.id);
    });

    it("refuses a transition from the wrong state and changes nothing", async () => {
      const store = open();
      const job = store.createJob(paidRequest());
      const before = store.job(job.id);
      const refused = (fn: () => unknown) => {
        expect(fn).to.throw(StoreTransitionRefused).with.property("actual", "Paid");
        expect(store.job(job.id)).to.deep.equal(before);
        expect(store.history(job.id)).to.have.length(1);
      };
      refused(() => store.startProving(job.id));
      refused(() => store.markSettled(job.id, "Attesting", "0x1"));
      refused(() => store.markReleased(job.id, "0x1"));
      refused(() => store.markRefunded(job.id, "Expired", "0x1"));
      refused(() => store.recordFailure(job.id, "Answered", "boom"));

      // Released and Refunded are final.
      store.markExpired(job.id, "Paid");
      store.markRefunded(job.id, "Expired", "0xrefund");
      expect(() => store.markExpired(job.id, "Paid"))
        .to.throw(StoreTransitionRefused)
        .with.property("actual", "Refunded");
    });

    it("refuses to mark a job answered with an answer signOnce never signed, and changes nothing", () => {
      const store = open();
      const job = store.createJob(paidRequest());
      expect(() => store.markAnswered(job.id, { inferenceId: inferenceIdOf(3), outputParts: [] }))
        .to.throw(StoreAnswerNotSigned)
        .with.property("inferenceId", inferenceIdOf(3));
      expect(store.job(job.id)?.state).to.equal("Paid");
      expect(store.job(job.id)?.inferenceId).to.equal(null);
    });

    it("counts jobs by state, with every state present", async () => {
      const store = open();
      const a = store.createJob(paidRequest());
      store.createJob(paidRequest());
      store.markExpired(a.id, "Paid");
      const counts = store.countsByState();
      expect(Object.keys(counts)).to.deep.equal([...JOB_STATES]);
      expect(counts).to.include({ Paid: 1, Expired: 1, Answered: 0, Refunded: 0 });
    });
  });

  describe("due jobs and backoff", () => {
    it("lists due jobs of the asked states, earliest attempt first, and backs off failures exponentially", () => {
      const time = clock();
      const store = open({ now: time.now, baseBackoffMs: 1_000, maxBackoffMs: 5_000 });
      const a = store.createJob(paidRequest());
      time.advance(10);
      const b = store.createJob(paidRequest());
      time.advance(10);
      const c = store.createJob(paidRequest());
      store.markExpired(c.id, "Paid");

      expect(store.dueJobs(["Paid"]).map((j) => j.id)).to.deep.equal([a.id, b.id]);
      expect(store.dueJobs(["Paid", "Expired"]).map((j) => j.id)).to.deep.equal([a.id, b.id, c.id]);
      expect(store.dueJobs(["Paid"], { limit: 1 }).map((j) => j.id)).to.deep.equal([a.id]);

      // a fails: it waits 1 s, so b comes first and a is not due yet.
      const failed = store.recordFailure(a.id, "Paid", "rpc timeout");
      expect(failed).to.include({ attempts: 1, lastError: "rpc timeout", nextAttemptAt: time.now() + 1_000 });
      expect(store.dueJobs(["Paid"]).map((j) => j.id)).to.deep.equal([b.id]);
      time.advance(1_000);
      expect(store.dueJobs(["Paid"]).map((j) => j.id)).to.deep.equal([b.id, a.id]);

      // 1 s, 2 s, 4 s, then capped at 5 s.
      const delays = [2, 3, 4, 5].map(() => {
        const job = store.recordFailure(a.id, "Paid", "again");
        return job.nextAttemptAt - time.now();
      });
      expect(delays).to.deep.equal([2_000, 4_000, 5_000, 5_000]);
      expect(store.job(a.id)?.attempts).to.equal(5);

      // A transition resets the retry state: due at once.
      const expired = store.markExpired(a.id, "Paid");
      expect(expired).to.include({ attempts: 0, lastError: null, nextAttemptAt: time.now() });
    });
  });

  describe("signOnce", () => {
    it("signs once and returns the stored signature for the same answer without signing again", async () => {
      const store = open();
      let signed = 0;
      const sign = () => `0xsig${++signed}`;
      expect(await store.signOnce(inferenceIdOf(4), answerOf(4), sign)).to.equal("0xsig1");
      // Same answer, keys in another order: the same canonical answer.
      const reordered = { level: 3n, output: "0xaa", inferenceId: inferenceIdOf(4) };
      expect(await store.signOnce(inferenceIdOf(4), reordered, sign)).to.equal("0xsig1");
      expect(signed).to.equal(1);
    });

    it("refuses a different answer for the same inference id, without calling the signer", async () => {
      const store = open();
      await store.signOnce(inferenceIdOf(5), answerOf(5), () => "0xsig");
      let called = false;
      const error = await rejection(
        store.signOnce(inferenceIdOf(5), answerOf(5, "0xbb"), () => {
          called = true;
          return "0xother";
        }),
      );
      expect(error).to.be.instanceOf(StoreAnswerConflict).with.property("inferenceId", inferenceIdOf(5));
      expect(called).to.equal(false);
      expect(store.signedAnswer(inferenceIdOf(5))?.signature).to.equal("0xsig");
    });

    it("keeps the reservation when signing fails, so a retry signs the same answer and a different one is refused", async () => {
      const store = open();
      const failing = store.signOnce(inferenceIdOf(6), answerOf(6), () => {
        throw new Error("key locked");
      });
      expect(await rejection(failing)).to.have.property("message", "key locked");
      expect(store.signedAnswer(inferenceIdOf(6))).to.include({ signature: null });
      expect(await rejection(store.signOnce(inferenceIdOf(6), answerOf(6, "0xbb"), () => "0x"))).to.be.instanceOf(
        StoreAnswerConflict,
      );
      expect(await store.signOnce(inferenceIdOf(6), answerOf(6), () => "0xsig6")).to.equal("0xsig6");
    });
  });

  describe("TEE batches", () => {
    it("stores a half-built batch until its commit, and refuses a conflicting one", () => {
      const store = open();
      const members = [inferenceIdOf(7), inferenceIdOf(8)];
      store.createBatch(1, "0xroot1", members);
      expect(store.createBatch(1, "0xroot1", members).members).to.deep.equal(members);
      expect(() => store.createBatch(1, "0xroot2", members)).to.throw(StoreBatchConflict);
      expect(() => store.createBatch(2, "0xroot2", [inferenceIdOf(8)])).to.throw(StoreBatchConflict, "round 1");
      expect(store.batch(2)).to.equal(undefined);
      expect(store.batchOf(inferenceIdOf(8))).to.equal(1);
      expect(store.uncommittedBatches().map((b) => b.round)).to.deep.equal([1]);
      store.markBatchCommitted(1, "0xcommit");
      expect(store.uncommittedBatches()).to.deep.equal([]);
      expect(() => store.markBatchCommitted(1, "0xother")).to.throw(StoreBatchConflict);
    });

    it("drops a batch whose round ended uncommitted, freeing its members for a later round, and never a committed one", () => {
      const store = open();
      store.createBatch(3, "0xroot3", [inferenceIdOf(10), inferenceIdOf(11)]);
      expect(store.dropBatch(3)).to.deep.equal([inferenceIdOf(10), inferenceIdOf(11)]);
      expect(store.batch(3)).to.equal(undefined);
      expect(store.batchOf(inferenceIdOf(10))).to.equal(undefined);
      expect(store.createBatch(4, "0xroot4", [inferenceIdOf(10)]).members).to.deep.equal([inferenceIdOf(10)]);
      store.markBatchCommitted(4, "0xcommit4");
      expect(() => store.dropBatch(4)).to.throw(StoreBatchConflict, "cannot drop");
      expect(store.batch(4)?.members).to.deep.equal([inferenceIdOf(10)]);
      expect(store.dropBatch(99)).to.deep.equal([]);
    });
  });

  describe("a process killed at any point", () => {
    it("leaves the database consistent when SIGKILLed mid-transaction: nothing of the open transaction, all of the committed ones", async () => {
      // The child commits a job, then opens a transaction that moves it, adds a second job and reserves an answer,
      // and blocks before COMMIT; it is SIGKILLed there.
      const code = `
        import { JobStore } from ${JSON.stringify(STORE_MODULE)};
        const store = JobStore.open(${JSON.stringify(file)});
        const job = store.createJob(${JSON.stringify(paidRequest())});
        store.transaction(() => {
          store.markExpired(job.id, "Paid");
          store.createJob(${JSON.stringify(paidRequest())});
          for (let i = 0; i < 2000; i++) store.createJob({ ...${JSON.stringify(paidRequest())}, escrowRequestId: "bulk" + i });
          console.log("in-transaction");
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        });
      `;
      const { child, ready, exited } = spawnChild(code, "in-transaction");
      await ready;
      child.kill("SIGKILL");
      expect(await exited).to.equal("SIGKILL");

      const store = open();
      expect(store.integrityCheck()).to.equal("ok");
      const counts = store.countsByState();
      expect(counts).to.include({ Paid: 1, Expired: 0 });
      expect(Object.values(counts).reduce((a, b) => a + b)).to.equal(1);
      const [job] = store.dueJobs(["Paid", "Expired"]);
      expect(job.state).to.equal("Paid");
      expect(store.history(job.id).map((e) => e.to)).to.deep.equal(["Paid"]);
      // The store still works: the interrupted move goes through now.
      expect(store.markExpired(job.id, "Paid").state).to.equal("Expired");
    });

    it("keeps an answer reserved before the kill, so the restarted node cannot sign a different one", async () => {
      const code = `
        import { JobStore } from ${JSON.stringify(STORE_MODULE)};
        const store = JobStore.open(${JSON.stringify(file)});
        store.signOnce(${JSON.stringify(inferenceIdOf(9))}, { output: "0xaa" }, () => {
          console.log("signing");
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
          return "0xnever";
        });
      `;
      const { child, ready, exited } = spawnChild(code, "signing");
      await ready;
      child.kill("SIGKILL");
      await exited;

      const store = open();
      expect(store.signedAnswer(inferenceIdOf(9))).to.deep.equal({ answerJson: '{"output":"0xaa"}', signature: null });
      expect(await rejection(store.signOnce(inferenceIdOf(9), { output: "0xbb" }, () => "0x"))).to.be.instanceOf(
        StoreAnswerConflict,
      );
      expect(await store.signOnce(inferenceIdOf(9), { output: "0xaa" }, () => "0xsig9")).to.equal("0xsig9");
    });
  });
});
