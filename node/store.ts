/**
 * The node's job store: every paid request and where it stands, in one SQLite file that survives the process being
 * killed at any point (issue 18).
 *
 * SQLite comes from Node's built-in `node:sqlite` (`DatabaseSync`), not better-sqlite3: better-sqlite3 is a native
 * addon that must be built against Node 22's headers, and those headers cannot be downloaded on the machines this
 * project runs on. `node:sqlite` needs no build. Node marks it experimental and prints an `ExperimentalWarning` when it
 * is loaded; this module silences that one warning and no other.
 *
 * Durability: WAL journal, `synchronous=FULL` (a committed transaction survives power loss, not only a crash), a busy
 * timeout so a second connection waits instead of failing, and every multi-statement change in one transaction.
 *
 * A job is one paid request. Its state machine:
 *
 * ```
 * Paid ─▶ Answered ─▶ Proving ──┬─▶ Settled ─▶ Released
 *   │         │      Attesting ─┘
 *   │         ├──────────┴─────────▶ Rejected ─▶ Refunded
 *   └─────────┴──────────┴─────────▶ Expired  ─▶ Refunded
 * ```
 *
 * Every transition names the state it expects to leave; from any other state it throws `StoreTransitionRefused` and
 * changes nothing. Every transition is recorded in `job_events`.
 *
 * The node never signs two different answers for one inference id: `signOnce` reserves the answer under its id before
 * signing it, and `markAnswered` takes the answer and signature from that table, so what reaches the chain is always
 * the one answer stored for the id.
 */
import { createRequire } from "node:module";

import type { DatabaseSync, SQLInputValue, SQLOutputValue } from "node:sqlite";

/** The job states, in the order of the happy path. */
export const JOB_STATES = [
  "Paid",
  "Answered",
  "Proving",
  "Attesting",
  "Settled",
  "Released",
  "Rejected",
  "Expired",
  "Refunded",
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Which states each state may move to. `Released` and `Refunded` are final. */
export const JOB_TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  Paid: ["Answered", "Expired"],
  Answered: ["Proving", "Attesting", "Rejected", "Expired"],
  Proving: ["Settled", "Rejected", "Expired"],
  Attesting: ["Settled", "Rejected", "Expired"],
  Settled: ["Released"],
  Released: [],
  Rejected: ["Refunded"],
  Expired: ["Refunded"],
  Refunded: [],
};

/** The schema this code reads and writes; `migrations[i]` moves a file from version `i` to `i + 1`. */
export const SCHEMA_VERSION = 1;

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    escrow_request_id TEXT NOT NULL UNIQUE,
    payment_tx        TEXT NOT NULL,
    artifact_id       TEXT NOT NULL,
    route             INTEGER NOT NULL,
    subject           TEXT NOT NULL,
    claimed_level     INTEGER NOT NULL,
    input_parts       TEXT NOT NULL,
    inference_id      TEXT UNIQUE REFERENCES signed_answers (inference_id),
    answer            TEXT,
    signature         TEXT,
    output_parts      TEXT,
    answer_tx         TEXT,
    settle_tx         TEXT,
    release_tx        TEXT,
    reject_tx         TEXT,
    refund_tx         TEXT,
    state             TEXT NOT NULL CHECK (state IN (${JOB_STATES.map((s) => `'${s}'`).join(", ")})),
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    next_attempt_at   INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX jobs_due ON jobs (state, next_attempt_at);
  CREATE TABLE job_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id     INTEGER NOT NULL REFERENCES jobs (id),
    from_state TEXT,
    to_state   TEXT NOT NULL,
    detail     TEXT,
    at         INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX job_events_job ON job_events (job_id, id);
  CREATE TABLE signed_answers (
    inference_id TEXT PRIMARY KEY,
    answer       TEXT NOT NULL,
    signature    TEXT,
    reserved_at  INTEGER NOT NULL,
    signed_at    INTEGER
  ) STRICT;
  CREATE TABLE tee_batches (
    round        INTEGER PRIMARY KEY,
    merkle_root  TEXT NOT NULL,
    commit_tx    TEXT,
    created_at   INTEGER NOT NULL,
    committed_at INTEGER
  ) STRICT;
  CREATE TABLE tee_batch_members (
    round        INTEGER NOT NULL REFERENCES tee_batches (round),
    position     INTEGER NOT NULL,
    inference_id TEXT NOT NULL UNIQUE,
    PRIMARY KEY (round, position)
  ) STRICT;
  `,
];

/** The base of every store error, so a caller can tell store refusals from I/O failures. */
export class StoreError extends Error {
  override name = "StoreError";
}

/** No job has this id. */
export class StoreJobNotFound extends StoreError {
  override name = "StoreJobNotFound";
  constructor(readonly jobId: number) {
    super(`no job ${jobId}`);
  }
}

/** A job for this escrow request is already stored (a payment is one job, once). */
export class StoreJobExists extends StoreError {
  override name = "StoreJobExists";
  constructor(
    readonly escrowRequestId: string,
    readonly jobId: number,
  ) {
    super(`escrow request ${escrowRequestId} is already job ${jobId}`);
  }
}

/** A transition asked from a state the job is not in, or one the state machine does not allow. */
export class StoreTransitionRefused extends StoreError {
  override name = "StoreTransitionRefused";
  constructor(
    readonly jobId: number,
    readonly actual: JobState,
    readonly expected: JobState,
    readonly to: JobState,
  ) {
    super(`job ${jobId} is ${actual}: cannot move ${expected} -> ${to}`);
  }
}

/** `signOnce` was asked to sign an answer that differs from the one already stored for the inference id. */
export class StoreAnswerConflict extends StoreError {
  override name = "StoreAnswerConflict";
  constructor(readonly inferenceId: string) {
    super(`inference ${inferenceId} already has a different answer; refusing to sign a second one`);
  }
}

/** `markAnswered` for an inference id whose answer was not signed through `signOnce`. */
export class StoreAnswerNotSigned extends StoreError {
  override name = "StoreAnswerNotSigned";
  constructor(readonly inferenceId: string) {
    super(`inference ${inferenceId} has no signed answer in the store`);
  }
}

/** A batch round or member that is already stored differently. */
export class StoreBatchConflict extends StoreError {
  override name = "StoreBatchConflict";
  constructor(
    readonly round: number,
    reason: string,
  ) {
    super(`batch round ${round}: ${reason}`);
  }
}

/** What a paid request carries when it becomes a job. */
export interface NewJob {
  /** The escrow's request id (a uint256, as a decimal string). */
  escrowRequestId: string;
  /** The transaction that funded the escrow request. */
  paymentTx: string;
  artifactId: string;
  /** `Route` (src/ledger.ts). */
  route: number;
  subject: string;
  /** `Level` (src/ledger.ts) the requester paid for. */
  claimedLevel: number;
  /** The input parts, as JSON-able values (stored as canonical JSON). */
  inputParts: unknown;
}

export interface Job {
  id: number;
  escrowRequestId: string;
  paymentTx: string;
  artifactId: string;
  route: number;
  subject: string;
  claimedLevel: number;
  inputParts: unknown;
  inferenceId: string | null;
  /** The signed answer, parsed from its stored canonical JSON. */
  answer: unknown;
  signature: string | null;
  outputParts: unknown;
  answerTx: string | null;
  settleTx: string | null;
  releaseTx: string | null;
  rejectTx: string | null;
  refundTx: string | null;
  state: JobState;
  attempts: number;
  lastError: string | null;
  /** Milliseconds since the epoch. */
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface JobEvent {
  from: JobState | null;
  to: JobState;
  detail: string | null;
  at: number;
}

export interface TeeBatch {
  round: number;
  merkleRoot: string;
  members: string[];
  commitTx: string | null;
  createdAt: number;
  committedAt: number | null;
}

export interface StoreOptions {
  /** The clock, in milliseconds (tests pass their own). */
  now?: () => number;
  /** How long a write waits for another connection's lock, in milliseconds. */
  busyTimeoutMs?: number;
  /** Retry delay after the first failure; it doubles per attempt up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

/** JSON with object keys sorted and bigints as decimal strings: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return Object.fromEntries(entries);
    }
    return v;
  });
}

type Row = Record<string, SQLOutputValue>;

export class JobStore {
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;

  private constructor(db: DatabaseSync, options: StoreOptions) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#baseBackoffMs = options.baseBackoffMs ?? 2_000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 10 * 60_000;
  }

  /** Opens (creating if needed) the store in `file` and migrates it to `SCHEMA_VERSION`. */
  static open(file: string, options: StoreOptions = {}): JobStore {
    const db = new (loadSqlite().DatabaseSync)(file, {
      timeout: options.busyTimeoutMs ?? 5_000,
      enableForeignKeyConstraints: true,
    });
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    const store = new JobStore(db, options);
    store.#migrate();
    return store;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** The schema version stored in the file. */
  get schemaVersion(): number {
    return Number(this.#db.prepare("SELECT version FROM schema_version").get()?.version ?? 0);
  }

  /** `PRAGMA` values the store relies on, for health checks. */
  settings(): { journalMode: string; synchronous: number; busyTimeoutMs: number } {
    const pragma = (name: string) => Object.values(this.#db.prepare(`PRAGMA ${name}`).get() ?? {})[0];
    return {
      journalMode: String(pragma("journal_mode")),
      synchronous: Number(pragma("synchronous")),
      busyTimeoutMs: Number(pragma("busy_timeout")),
    };
  }

  /** SQLite's own check of the file (`PRAGMA integrity_check`): `"ok"` when the file is sound. */
  integrityCheck(): string {
    return this.#db
      .prepare("PRAGMA integrity_check")
      .all()
      .map((row) => String(Object.values(row)[0]))
      .join("; ");
  }

  /**
   * Runs `fn` in one write transaction (`BEGIN IMMEDIATE`): all of its writes land, or none do. `fn` must be
   * synchronous; nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T {
    if (this.#db.isTransaction) return fn();
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  // ---------------------------------------------------------------- jobs

  /** Records a paid request as a job in `Paid`, due now. */
  createJob(job: NewJob): Job {
    return this.transaction(() => {
      const existing = this.jobByEscrowRequest(job.escrowRequestId);
      if (existing !== undefined) throw new StoreJobExists(job.escrowRequestId, existing.id);
      const now = this.#now();
      const { lastInsertRowid } = this.#db
        .prepare(
          `INSERT INTO jobs (escrow_request_id, payment_tx, artifact_id, route, subject, claimed_level, input_parts,
             state, next_attempt_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'Paid', ?, ?, ?)`,
        )
        .run(
          job.escrowRequestId,
          job.paymentTx,
          job.artifactId,
          job.route,
          job.subject,
          job.claimedLevel,
          canonicalJson(job.inputParts),
          now,
          now,
          now,
        );
      const id = Number(lastInsertRowid);
      this.#event(id, null, "Paid", `payment ${job.paymentTx}`);
      return this.#jobOrThrow(id);
    });
  }

  /**
   * `Paid -> Answered`: the answer stored for `inferenceId` by `signOnce` (and its signature) becomes the job's.
   * Throws `StoreAnswerNotSigned` when `signOnce` has not completed for that id.
   */
  markAnswered(jobId: number, args: { inferenceId: string; outputParts: unknown; answerTx?: string }): Job {
    return this.#transition(jobId, "Paid", "Answered", args.answerTx ?? null, () => {
      const signed = this.signedAnswer(args.inferenceId);
      if (signed === undefined || signed.signature === null) throw new StoreAnswerNotSigned(args.inferenceId);
      return {
        inference_id: args.inferenceId,
        answer: signed.answerJson,
        signature: signed.signature,
        output_parts: canonicalJson(args.outputParts),
        answer_tx: args.answerTx ?? null,
      };
    });
  }

  /** The answer transaction of an answered job, sent again (the first was dropped, reverted, or lost to a crash). */
  setAnswerTx(jobId: number, answerTx: string): Job {
    return this.transaction(() => {
      const job = this.#jobOrThrow(jobId);
      if (job.state !== "Answered") throw new StoreTransitionRefused(jobId, job.state, "Answered", "Answered");
      this.#db.prepare("UPDATE jobs SET answer_tx = ?, updated_at = ? WHERE id = ?").run(answerTx, this.#now(), jobId);
      return this.#jobOrThrow(jobId);
    });
  }

  /** `Answered -> Proving`: the ZKML path. */
  startProving(jobId: number): Job {
    return this.#transition(jobId, "Answered", "Proving", null);
  }

  /** `Answered -> Attesting`: the TEE path. */
  startAttesting(jobId: number): Job {
    return this.#transition(jobId, "Answered", "Attesting", null);
  }

  /** `Proving | Attesting -> Settled`, with the settling transaction. */
  markSettled(jobId: number, from: "Proving" | "Attesting", settleTx: string): Job {
    return this.#transition(jobId, from, "Settled", settleTx, () => ({ settle_tx: settleTx }));
  }

  /** `Settled -> Released`: the escrow paid the node. */
  markReleased(jobId: number, releaseTx: string): Job {
    return this.#transition(jobId, "Settled", "Released", releaseTx, () => ({ release_tx: releaseTx }));
  }

  /** `Answered | Proving | Attesting -> Rejected`: the ledger rejected the claim. */
  markRejected(jobId: number, from: "Answered" | "Proving" | "Attesting", rejectTx: string | null): Job {
    return this.#transition(jobId, from, "Rejected", rejectTx, () => ({ reject_tx: rejectTx }));
  }

  /** `Paid | Answered | Proving | Attesting -> Expired`: the request's deadline passed unsettled. */
  markExpired(jobId: number, from: "Paid" | "Answered" | "Proving" | "Attesting"): Job {
    return this.#transition(jobId, from, "Expired", null);
  }

  /** `Rejected | Expired -> Refunded`: the escrow refunded the requester. */
  markRefunded(jobId: number, from: "Rejected" | "Expired", refundTx: string): Job {
    return this.#transition(jobId, from, "Refunded", refundTx, () => ({ refund_tx: refundTx }));
  }

  /**
   * A failed attempt at the work of `state`: the job stays there, `attempts` grows, the error is kept and the next
   * attempt waits `baseBackoffMs * 2^(attempts - 1)`, at most `maxBackoffMs`. Refused (`StoreTransitionRefused`) when
   * the job has moved on from `state`.
   */
  recordFailure(jobId: number, state: JobState, error: string): Job {
    return this.transaction(() => {
      const job = this.#jobOrThrow(jobId);
      if (job.state !== state) throw new StoreTransitionRefused(jobId, job.state, state, state);
      const attempts = job.attempts + 1;
      const next = this.#now() + this.backoffMs(attempts);
      this.#db
        .prepare(
          "UPDATE jobs SET attempts = ?, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = ?",
        )
        .run(attempts, error, next, this.#now(), jobId, state);
      return this.#jobOrThrow(jobId);
    });
  }

  /** The delay before attempt `attempts + 1`, after `attempts` failures. */
  backoffMs(attempts: number): number {
    if (attempts <= 0) return 0;
    const exponent = Math.min(attempts - 1, 30);
    return Math.min(this.#baseBackoffMs * 2 ** exponent, this.#maxBackoffMs);
  }

  /** Jobs in `states` whose next attempt is due by `now`, earliest first (then oldest first). */
  dueJobs(states: readonly JobState[], options: { limit?: number; now?: number } = {}): Job[] {
    if (states.length === 0) return [];
    const rows = this.#db
      .prepare(
        `SELECT * FROM jobs WHERE state IN (${states.map(() => "?").join(", ")}) AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id LIMIT ?`,
      )
      .all(...states, options.now ?? this.#now(), options.limit ?? 100);
    return rows.map(toJob);
  }

  job(jobId: number): Job | undefined {
    return this.#one("SELECT * FROM jobs WHERE id = ?", jobId);
  }

  jobByInference(inferenceId: string): Job | undefined {
    return this.#one("SELECT * FROM jobs WHERE inference_id = ?", inferenceId);
  }

  jobByEscrowRequest(escrowRequestId: string): Job | undefined {
    return this.#one("SELECT * FROM jobs WHERE escrow_request_id = ?", escrowRequestId);
  }

  /** How many jobs are in each state (every state present, zeros included), for metrics. */
  countsByState(): Record<JobState, number> {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const row of this.#db.prepare("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all()) {
      counts[row.state as JobState] = Number(row.n);
    }
    return counts;
  }

  /** A job's transitions, oldest first. */
  history(jobId: number): JobEvent[] {
    return this.#db
      .prepare("SELECT from_state, to_state, detail, at FROM job_events WHERE job_id = ? ORDER BY id")
      .all(jobId)
      .map((row) => ({
        from: (row.from_state as JobState | null) ?? null,
        to: row.to_state as JobState,
        detail: (row.detail as string | null) ?? null,
        at: Number(row.at),
      }));
  }

  // ---------------------------------------------------------------- answers

  /**
   * The one signature for `inferenceId`. The answer is reserved under the id (in its own committed transaction)
   * before `sign` is called, so a second, different answer is refused even if the process died while signing:
   * - the same answer already signed: its stored signature, `sign` not called;
   * - the same answer reserved but not signed (a crash while signing): signed now and stored;
   * - a different answer: `StoreAnswerConflict`, nothing signed, nothing changed.
   * Concurrent calls for one id with the same answer may both call `sign`; the first signature stored wins.
   */
  async signOnce(inferenceId: string, answer: unknown, sign: (answer: unknown) => string | Promise<string>) {
    const answerJson = canonicalJson(answer);
    const reserved = this.transaction(() => {
      const existing = this.signedAnswer(inferenceId);
      if (existing === undefined) {
        this.#db
          .prepare("INSERT INTO signed_answers (inference_id, answer, reserved_at) VALUES (?, ?, ?)")
          .run(inferenceId, answerJson, this.#now());
        return undefined;
      }
      if (existing.answerJson !== answerJson) throw new StoreAnswerConflict(inferenceId);
      return existing.signature ?? undefined;
    });
    if (reserved !== undefined) return reserved;
    const signature = await sign(JSON.parse(answerJson));
    return this.transaction(() => {
      this.#db
        .prepare("UPDATE signed_answers SET signature = ?, signed_at = ? WHERE inference_id = ? AND signature IS NULL")
        .run(signature, this.#now(), inferenceId);
      return this.signedAnswer(inferenceId)?.signature ?? signature;
    });
  }

  /** The answer stored for `inferenceId` (canonical JSON) and its signature (null while reserved, unsigned). */
  signedAnswer(inferenceId: string): { answerJson: string; signature: string | null } | undefined {
    const row = this.#db
      .prepare("SELECT answer, signature FROM signed_answers WHERE inference_id = ?")
      .get(inferenceId);
    if (row === undefined) return undefined;
    return { answerJson: row.answer as string, signature: (row.signature as string | null) ?? null };
  }

  // ---------------------------------------------------------------- TEE batches

  /**
   * Records a TEE settlement batch before it is committed on chain, so a killed node can finish it. Storing the same
   * round with the same root and members again is a no-op; anything else for a stored round, or a member already in
   * another round, throws `StoreBatchConflict`.
   */
  createBatch(round: number, merkleRoot: string, members: readonly string[]): TeeBatch {
    return this.transaction(() => {
      const existing = this.batch(round);
      if (existing !== undefined) {
        if (existing.merkleRoot !== merkleRoot || canonicalJson(existing.members) !== canonicalJson(members)) {
          throw new StoreBatchConflict(round, "already stored with another root or members");
        }
        return existing;
      }
      this.#db
        .prepare("INSERT INTO tee_batches (round, merkle_root, created_at) VALUES (?, ?, ?)")
        .run(round, merkleRoot, this.#now());
      const insert = this.#db.prepare("INSERT INTO tee_batch_members (round, position, inference_id) VALUES (?, ?, ?)");
      members.forEach((inferenceId, position) => {
        const other = this.batchOf(inferenceId);
        if (other !== undefined) throw new StoreBatchConflict(round, `${inferenceId} is in round ${other}`);
        insert.run(round, position, inferenceId);
      });
      return this.batch(round)!;
    });
  }

  /** The batch's commit transaction, once it is mined. */
  markBatchCommitted(round: number, commitTx: string): TeeBatch {
    return this.transaction(() => {
      const batch = this.batch(round);
      if (batch === undefined) throw new StoreBatchConflict(round, "not stored");
      if (batch.commitTx !== null && batch.commitTx !== commitTx) {
        throw new StoreBatchConflict(round, `already committed in ${batch.commitTx}`);
      }
      this.#db
        .prepare("UPDATE tee_batches SET commit_tx = ?, committed_at = ? WHERE round = ?")
        .run(commitTx, this.#now(), round);
      return this.batch(round)!;
    });
  }

  /**
   * Forgets a batch that was never committed (its round ended first), so its members can join a later batch. Returns
   * the members. A committed batch cannot be dropped (`StoreBatchConflict`); an unknown round returns `[]`.
   */
  dropBatch(round: number): string[] {
    return this.transaction(() => {
      const batch = this.batch(round);
      if (batch === undefined) return [];
      if (batch.commitTx !== null) throw new StoreBatchConflict(round, `committed in ${batch.commitTx}; cannot drop`);
      this.#db.prepare("DELETE FROM tee_batch_members WHERE round = ?").run(round);
      this.#db.prepare("DELETE FROM tee_batches WHERE round = ?").run(round);
      return batch.members;
    });
  }

  batch(round: number): TeeBatch | undefined {
    const row = this.#db.prepare("SELECT * FROM tee_batches WHERE round = ?").get(round);
    return row === undefined ? undefined : this.#toBatch(row);
  }

  /** The round whose batch holds `inferenceId`, if any. */
  batchOf(inferenceId: string): number | undefined {
    const row = this.#db.prepare("SELECT round FROM tee_batch_members WHERE inference_id = ?").get(inferenceId);
    return row === undefined ? undefined : Number(row.round);
  }

  /** Batches built but not committed yet, oldest round first: what a restarted node finishes first. */
  uncommittedBatches(): TeeBatch[] {
    return this.#db
      .prepare("SELECT * FROM tee_batches WHERE commit_tx IS NULL ORDER BY round")
      .all()
      .map((row) => this.#toBatch(row));
  }

  // ---------------------------------------------------------------- internals

  #migrate() {
    this.#db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    this.transaction(() => {
      if (this.#db.prepare("SELECT COUNT(*) AS n FROM schema_version").get()?.n === 0) {
        this.#db.exec("INSERT INTO schema_version (version) VALUES (0)");
      }
      const from = this.schemaVersion;
      if (from > SCHEMA_VERSION) {
        throw new StoreError(`the store is at schema ${from}, newer than this code's ${SCHEMA_VERSION}`);
      }
      for (let version = from; version < SCHEMA_VERSION; version++) this.#db.exec(MIGRATIONS[version]);
      this.#db.prepare("UPDATE schema_version SET version = ?").run(SCHEMA_VERSION);
    });
  }

  /**
   * The one guarded transition: inside a transaction, checks the job is in `from` and that `from -> to` is allowed,
   * then applies `columns()` (computed inside the transaction, so its checks see the same snapshot), resets the retry
   * state and records the event.
   */
  #transition(
    jobId: number,
    from: JobState,
    to: JobState,
    detail: string | null,
    columns: () => Record<string, SQLInputValue> = () => ({}),
  ): Job {
    return this.transaction(() => {
      const job = this.#jobOrThrow(jobId);
      if (job.state !== from || !JOB_TRANSITIONS[from].includes(to)) {
        throw new StoreTransitionRefused(jobId, job.state, from, to);
      }
      const set = { ...columns(), state: to, attempts: 0, last_error: null, next_attempt_at: this.#now() };
      const names = Object.keys(set);
      const { changes } = this.#db
        .prepare(
          `UPDATE jobs SET ${names.map((n) => `${n} = ?`).join(", ")}, updated_at = ? WHERE id = ? AND state = ?`,
        )
        .run(...Object.values(set), this.#now(), jobId, from);
      if (Number(changes) !== 1) throw new StoreTransitionRefused(jobId, job.state, from, to);
      this.#event(jobId, from, to, detail);
      return this.#jobOrThrow(jobId);
    });
  }

  #event(jobId: number, from: JobState | null, to: JobState, detail: string | null) {
    this.#db
      .prepare("INSERT INTO job_events (job_id, from_state, to_state, detail, at) VALUES (?, ?, ?, ?, ?)")
      .run(jobId, from, to, detail, this.#now());
  }

  #one(sql: string, key: SQLInputValue): Job | undefined {
    const row = this.#db.prepare(sql).get(key);
    return row === undefined ? undefined : toJob(row);
  }

  #jobOrThrow(jobId: number): Job {
    const job = this.job(jobId);
    if (job === undefined) throw new StoreJobNotFound(jobId);
    return job;
  }

  #toBatch(row: Row): TeeBatch {
    const round = Number(row.round);
    const members = this.#db
      .prepare("SELECT inference_id FROM tee_batch_members WHERE round = ? ORDER BY position")
      .all(round)
      .map((m) => m.inference_id as string);
    return {
      round,
      merkleRoot: row.merkle_root as string,
      members,
      commitTx: (row.commit_tx as string | null) ?? null,
      createdAt: Number(row.created_at),
      committedAt: row.committed_at === null ? null : Number(row.committed_at),
    };
  }
}

const parseJson = (value: SQLOutputValue): unknown => (value === null ? null : JSON.parse(value as string));
const text = (value: SQLOutputValue) => (value === null ? null : (value as string));

function toJob(row: Row): Job {
  return {
    id: Number(row.id),
    escrowRequestId: row.escrow_request_id as string,
    paymentTx: row.payment_tx as string,
    artifactId: row.artifact_id as string,
    route: Number(row.route),
    subject: row.subject as string,
    claimedLevel: Number(row.claimed_level),
    inputParts: parseJson(row.input_parts),
    inferenceId: text(row.inference_id),
    answer: parseJson(row.answer),
    signature: text(row.signature),
    outputParts: parseJson(row.output_parts),
    answerTx: text(row.answer_tx),
    settleTx: text(row.settle_tx),
    releaseTx: text(row.release_tx),
    rejectTx: text(row.reject_tx),
    refundTx: text(row.refund_tx),
    state: row.state as JobState,
    attempts: Number(row.attempts),
    lastError: text(row.last_error),
    nextAttemptAt: Number(row.next_attempt_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * `node:sqlite`, loaded with its one `ExperimentalWarning` silenced: `process.emitWarning` is wrapped only while the
 * module loads, and only that warning is dropped.
 */
function loadSqlite(): typeof import("node:sqlite") {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const message = typeof warning === "string" ? warning : warning.message;
    if (type === "ExperimentalWarning" && message.startsWith("SQLite")) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return createRequire(import.meta.url)("node:sqlite") as typeof import("node:sqlite");
  } finally {
    process.emitWarning = emitWarning;
  }
}
