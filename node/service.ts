/**
 * The node service: sells inference over HTTP for the artifacts it serves, paid with x402 into the escrow, answers at
 * once, then settles in the background and collects, surviving a kill at any point (issue 18).
 *
 * The life of a paid request (a job in the store, node/store.ts):
 *
 * 1. **Paid.** x402's `upfront` flow settles the payment before the handler runs: the client's EIP-3009 authorization
 *    opens and funds an escrow request naming this node, this artifact, the minimum level, a deadline and the input
 *    commitment of the request body. The handler stores the job at once.
 * 2. **Answered.** The model runs; the answer (inference id derived from the escrow request, so a restart finds the
 *    same id) is stored and signed once (`signOnce`); an answer above Vanilla first locks the node's bond in the vault
 *    (`bonds.lock`, from the operator's account, submitted just before the answer so the two take consecutive nonces
 *    and neither waits for the other's block); the answer is recorded on the ledger, and returned: state `Answered`,
 *    never presented as settled. Before the payment, the node checked that its free bond covers the lock (node/bonds.ts)
 *    and refused the request otherwise, so it never takes money it cannot answer for.
 * 3. **Proving / Attesting.** In the background: the risk scorer is proven with Groth16 in worker threads and settled
 *    with `settleZk`; a TEE answer is attested by the DEVELOPMENT enclave (a plain key, no hardware) into this round's
 *    batch, whose Merkle root the enclave commits once per round, and settled from it with every other pending member
 *    in one `settleManyFromBatch`.
 * 4. **Settled -> Released**, the escrow pays the operator, who withdraws, and the lock goes back to the node's free
 *    bond; or, when the deadline passes unsettled, **Expired / Rejected -> Refunded** to the requester (a lock that was
 *    never answered is cancelled; one whose record missed its deadline stays for anyone to slash).
 *
 * Every background step reads the chain before acting (is the record already settled, the request already paid), so
 * a step that ran before a crash is never done twice; every failure is retried with backoff (store's `recordFailure`).
 */
import type { Server } from "node:http";

import { JsonRpcProvider, Wallet, ZeroHash, hexlify, type TransactionReceipt } from "ethers";

import { SettlementBatch } from "../src/batch.js";
import {
  InputCommitment,
  OutputCommitment,
  answerDigest,
  contentBytes,
  type InputPartSpec,
  type OutputPartSpec,
} from "../src/commitments.js";
import { LockStatus } from "../src/constants.js";
import { RequestStatus, readRequest, requestRef, type EscrowRequest } from "../src/escrow.js";
import {
  Level,
  RecordState,
  attesterRegistryDomain,
  inferenceIdFor,
  ledgerDomain,
  signAnswer,
  signBatch,
  signHeartbeat,
  type Answer,
} from "../src/ledger.js";
import {
  AttesterRegistry__factory,
  BondVault__factory,
  InferenceEscrow__factory,
  InferenceLedger__factory,
  ModelRegistry__factory,
} from "../src/typechain/index.js";
import { zkBinding, zkEvidence } from "../src/zk.js";
import { BondCover, jobHold } from "./bonds.js";
import { describeConfig, type NodeConfig } from "./config.js";
import { createApp } from "./api.js";
import {
  loadServedArtifact,
  runModel,
  toRiskInput,
  SERVED_ROUTE,
  type JobSpec,
  type RiskInputJson,
  type ServedArtifact,
} from "./models.js";
import { ProverPool } from "./prover.js";
import { Sender, withRetry } from "./sender.js";
import { JobStore, type Job } from "./store.js";

/** What a job stores as its input: the parts and the model's own input (for answering again and proving). */
export interface StoredInput {
  parts: InputPartSpec[];
  modelInput: JobSpec["modelInput"];
}

/** What a job stores as its output: the parts (contents as hex) and the model's result, readable. */
export interface StoredOutput {
  parts: OutputPartSpec[];
  result: unknown;
}

/** Counters for `/metrics`. */
export class Metrics {
  requests = 0;
  refusedRequests = 0;
  answers = 0;
  settlements: Record<string, number> = {};
  releases = 0;
  refunds = 0;
  provingMs: number[] = [];
  answerMs: number[] = [];
  /** How long submitting each bond lock took on the fast path (its estimate and broadcast; the answer waits for it). */
  lockMs: number[] = [];
}

/** One structured log line per event, never a secret. */
export type Log = (event: string, fields?: Record<string, unknown>) => void;
export const jsonLog: Log = (event, fields = {}) =>
  console.log(
    JSON.stringify({ at: new Date().toISOString(), event, ...fields }, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
  );

/** Test-only fault injection: `PROOFLINE_CRASH_AT=<point>` kills the process with SIGKILL at that point, once. */
function crashPoint(point: string): void {
  if (process.env.PROOFLINE_CRASH_AT === point) process.kill(process.pid, "SIGKILL");
}

/** `make()` on the first call, the same value after. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Batches of one round are capped at this many leaves (one commit, then one settle each). */
export const MAX_BATCH = 64;

/**
 * The gas limit of an answer sent right behind its lock: it cannot be estimated (the ledger refuses an unbonded claim,
 * and the lock is not mined yet), so it is fixed, well above what an answer uses (docs/GAS.md); only the gas used is paid.
 */
export const ANSWER_GAS_LIMIT = 300_000n;

export class NodeService {
  readonly metrics = new Metrics();
  private server?: Server;
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private stopped = false;
  private readonly inFlight = new Set<number>();

  private constructor(
    readonly config: NodeConfig,
    readonly provider: JsonRpcProvider,
    readonly chainId: bigint,
    readonly nodeId: bigint,
    readonly store: JobStore,
    readonly served: Map<bigint, ServedArtifact>,
    readonly prover: ProverPool,
    readonly sender: Sender,
    readonly cover: BondCover,
    readonly log: Log,
  ) {}

  readonly nodeWallet = () => new Wallet(this.config.nodeKey);
  readonly operator = () => new Wallet(this.config.operatorKey, this.provider);
  // One contract object each (building one parses its whole ABI, a cost the fast path should not pay per request).
  readonly ledger = once(() => InferenceLedger__factory.connect(this.config.addresses.ledger, this.sender.signer));
  readonly escrow = once(() => InferenceEscrow__factory.connect(this.config.addresses.escrow, this.sender.signer));
  /** Each job's escrow request as opened, by job id (see `openedRequest`). */
  private readonly requests = new Map<number, EscrowRequest>();
  readonly registry = once(() => ModelRegistry__factory.connect(this.config.addresses.registry, this.provider));
  readonly bonds = once(() => BondVault__factory.connect(this.config.addresses.bonds, this.sender.signer));
  private readonly attesters = once(() =>
    AttesterRegistry__factory.connect(this.config.addresses.attesters, this.sender.signer),
  );
  readonly domain = () => ledgerDomain(this.chainId, this.config.addresses.ledger);
  private readonly assets = new Map<number, Promise<string>>();

  /** The vault's asset at `index` (0 is ETH): its list only grows, so each is read once. */
  assetAt(index: number): Promise<string> {
    let asset = this.assets.get(index);
    if (asset === undefined) {
      asset = withRetry("asset", () => this.bonds().assetAt(index));
      asset.catch(() => this.assets.delete(index));
      this.assets.set(index, asset);
    }
    return asset;
  }

  /** Connects, checks every served artifact against the registry, opens the store, and starts serving. */
  static async start(config: NodeConfig, log: Log = jsonLog): Promise<NodeService> {
    // No batching stall: ethers waits 10 ms by default to batch calls, which the fast path would pay per round trip.
    const provider = new JsonRpcProvider(config.rpcUrl, undefined, {
      staticNetwork: true,
      pollingInterval: 250,
      batchStallTime: 0,
    });
    const chainId = (await withRetry("chain id", () => provider.getNetwork())).chainId;
    const nodeKey = new Wallet(config.nodeKey).address;
    const attesters = AttesterRegistry__factory.connect(config.addresses.attesters, provider);
    const nodeId = BigInt(await withRetry("node id", () => attesters.activeNodeId(nodeKey)));
    if (nodeId === 0n) throw new Error(`the node key ${nodeKey} is not an active node of the attester registry`);
    const registry = ModelRegistry__factory.connect(config.addresses.registry, provider);
    const served = new Map<bigint, ServedArtifact>();
    for (const entry of config.served) served.set(entry.artifactId, await loadServedArtifact(entry, registry));
    const store = JobStore.open(config.dbFile);
    const sender = new Sender(new Wallet(config.operatorKey, provider), log);
    const bonds = BondVault__factory.connect(config.addresses.bonds, sender.signer);
    const cover = new BondCover(() => bonds, nodeId, await withRetry("minimum lock", () => bonds.minimumLock()));
    const prover = new ProverPool({ size: config.provers });
    const service = new NodeService(config, provider, chainId, nodeId, store, served, prover, sender, cover, log);
    await service.holdInFlight();
    log("start", { ...describeConfig(config), chainId, nodeId, pending: store.countsByState() });
    const app = await createApp(service);
    await new Promise<void>((resolve, reject) => {
      service.server = app.listen(config.port, config.host, () => resolve());
      service.server.once("error", reject);
    });
    service.timer = setInterval(() => void service.tick(), 250);
    void service.tick();
    return service;
  }

  /** The URL the node serves on. */
  get url(): string {
    const address = this.server?.address();
    const port = typeof address === "object" && address !== null ? address.port : this.config.port;
    return `http://${this.config.host}:${port}`;
  }

  /** Stops serving and the background work, and closes the store and the provers. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
    while (this.ticking) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.prover.close();
    this.store.close();
    this.provider.destroy();
    this.log("stop");
  }

  // ------------------------------------------------------------------------------------------------ the fast path

  /**
   * Stores a paid request as a job, answers it and records the answer: what the handler returns. `hold` names the
   * bond the request held before its payment (node/bonds.ts): the job keeps it until its lock is on the chain.
   */
  async acceptPaid(spec: JobSpec, payment: { requestId: bigint; transaction: string }, hold?: string): Promise<Job> {
    const stored: StoredInput = { parts: spec.inputParts, modelInput: spec.modelInput };
    const job = this.store.createJob({
      escrowRequestId: payment.requestId.toString(),
      paymentTx: payment.transaction,
      artifactId: spec.artifact.artifactId.toString(),
      route: SERVED_ROUTE,
      subject: spec.artifact.artifactId.toString(),
      claimedLevel: spec.artifact.claimed,
      inputParts: stored,
    });
    if (hold !== undefined) this.cover.move(hold, jobHold(job.id));
    // The background loop must not take this job while the handler answers it.
    this.inFlight.add(job.id);
    try {
      crashPoint("after-payment");
      return await this.answerJob(job, { fresh: true });
    } finally {
      this.inFlight.delete(job.id);
    }
  }

  /** The inference id of a job: the node key's, derived from the escrow request, so it is the same after a restart. */
  inferenceIdOf(job: Job): string {
    return inferenceIdFor(this.nodeWallet().address, `${this.config.addresses.escrow}/${job.escrowRequestId}`);
  }

  /**
   * `Paid -> Answered`: runs the model, signs the answer once, and submits it to the ledger (unless it is already
   * recorded). Returns once the transaction is accepted, not mined: the background loop confirms it is on the ledger
   * (and sends the stored answer again if it is not) before proving or attesting. A `fresh` job (just paid, never
   * stored before) cannot be on the ledger yet, so its record is not read first.
   */
  async answerJob(job: Job, { fresh = false } = {}): Promise<Job> {
    const started = Date.now();
    const artifact = this.served.get(BigInt(job.artifactId));
    if (artifact === undefined) throw new Error(`job ${job.id}: artifact ${job.artifactId} is no longer served`);
    const input = job.inputParts as StoredInput;
    const { output: parts, result } = runModel({ artifact, modelInput: input.modelInput });
    // Contents as 0x hex: the bytes the leaves commit to, stored and published without re-interpretation.
    const output = parts.map((part) => ({ ...part, content: hexlify(contentBytes(part.content)) }));
    const outputTree = new OutputCommitment(output);
    const inferenceId = this.inferenceIdOf(job);
    const answer: Answer = {
      inferenceId,
      route: job.route,
      subject: BigInt(job.subject),
      claimed: job.claimedLevel as Level,
      inputCommitment: new InputCommitment(input.parts).root,
      outputCommitment: outputTree.root,
      paymentRef: requestRef(this.config.addresses.escrow, BigInt(job.escrowRequestId)),
    };
    const signature = await this.store.signOnce(inferenceId, answer, () =>
      signAnswer(this.nodeWallet(), this.domain(), answer),
    );
    crashPoint("after-sign");
    let answerTx: string | undefined;
    const [state] = fresh
      ? [RecordState.None]
      : await withRetry("record state", () => this.ledger().settlementOf(inferenceId));
    if (Number(state) === RecordState.None) {
      const lockSent = await this.lockFor(job, answer, { fresh });
      crashPoint("after-lock");
      answerTx = await this.submitAnswer(inferenceId, { lockSent });
    } else {
      this.cover.drop(jobHold(job.id)); // recorded, so its lock is on the chain
    }
    crashPoint("after-answer");
    const stored: StoredOutput = { parts: output, result };
    const answered = this.store.markAnswered(job.id, { inferenceId, outputParts: stored, answerTx });
    this.metrics.answers += 1;
    this.metrics.answerMs.push(Date.now() - started);
    this.log("answered", { job: job.id, inferenceId, artifact: job.artifactId, claimed: Level[job.claimedLevel] });
    return answered;
  }

  /**
   * Submits the stored, signed answer of `inferenceId` (the only one the node ever signs for it); its hash. Right
   * behind a lock that is not mined yet (`lockSent`) the answer cannot be simulated, so it goes with a fixed gas limit.
   */
  private async submitAnswer(inferenceId: string, { lockSent = false } = {}): Promise<string> {
    const signed = this.store.signedAnswer(inferenceId)!;
    const stored = JSON.parse(signed.answerJson) as Answer;
    const ledger = this.ledger();
    const overrides = lockSent ? { gasLimit: ANSWER_GAS_LIMIT } : {};
    const response = await this.sender.submit(`answer ${inferenceId}`, () =>
      ledger.answer(stored, signed.signature!, overrides),
    );
    return response.hash;
  }

  /**
   * Locks the node's bond for an answer above Vanilla, unless its lock is already on the chain (read first, except
   * for a `fresh` job, which cannot have one). The operator's lock is submitted, not mined: the answer follows it with
   * the next nonce. Returns whether a lock was sent now. A lock that was cancelled can never be made again (one lock
   * per inference, ever): such a job cannot be answered above Vanilla and will expire and be refunded.
   */
  private async lockFor(job: Job, answer: Answer, { fresh = false } = {}): Promise<boolean> {
    if (answer.claimed === Level.Vanilla) return false;
    const bonds = this.bonds();
    const inferenceId = answer.inferenceId;
    if (!fresh) {
      const lock = await withRetry("lock", () => bonds.lockOf(inferenceId));
      const status = Number(lock.status) as LockStatus;
      if (status === LockStatus.Locked) {
        this.cover.drop(jobHold(job.id));
        return false;
      }
      if (status !== LockStatus.None) {
        throw new Error(`inference ${inferenceId}: its lock is ${LockStatus[status]}, so it cannot be answered again`);
      }
    }
    const started = Date.now();
    const request = await this.openedRequest(job);
    const requestId = BigInt(job.escrowRequestId);
    const response = await this.sender.submit(`lock ${inferenceId}`, () =>
      bonds.lockPaid(inferenceId, requestId, request),
    );
    this.metrics.lockMs.push(Date.now() - started);
    this.log("bond-lock-sent", { job: job.id, inferenceId, tx: response.hash });
    return true;
  }

  /**
   * At start: every job that may still lock (paid or answered, its lock not on the chain) holds what it will lock, so
   * the node does not sell that bond twice after a restart.
   */
  private async holdInFlight(): Promise<void> {
    const jobs = this.store.dueJobs(["Paid", "Answered"], { limit: 10_000, now: Number.MAX_SAFE_INTEGER });
    const bonds = this.bonds();
    for (const job of jobs.filter((j) => j.claimedLevel !== Level.Vanilla)) {
      const inferenceId = this.inferenceIdOf(job);
      try {
        if (Number((await bonds.lockOf(inferenceId)).status) !== LockStatus.None) continue;
        const request = await this.openedRequest(job);
        const [asset, amount] = await bonds.lockRequirement(this.nodeId, BigInt(job.escrowRequestId), request);
        this.cover.hold(jobHold(job.id), asset, amount);
      } catch {
        // Its request is closed (or names another node): it will never lock.
      }
    }
  }

  /**
   * Whether an answered job's record is on the ledger. When it is not, and its answer transaction is not pending
   * either (mined and reverted, dropped, or never sent before a crash), the stored answer is sent again.
   */
  private async answerRecorded(job: Job): Promise<boolean> {
    const inferenceId = job.inferenceId!;
    const [state] = await withRetry("record state", () => this.ledger().settlementOf(inferenceId));
    if (Number(state) !== RecordState.None) {
      this.cover.drop(jobHold(job.id)); // recorded, so its lock is on the chain
      return true;
    }
    if (job.answerTx !== null) {
      const [pending, receipt] = await Promise.all([
        withRetry("answer tx", () => this.provider.getTransaction(job.answerTx!)),
        withRetry("answer receipt", () => this.provider.getTransactionReceipt(job.answerTx!)),
      ]);
      if (pending !== null && receipt === null) return false; // still waiting for its block
    }
    // The lost transaction's nonce is a gap every later one waits behind: read the nonce from the chain again, so the
    // resent answer fills it.
    this.sender.signer.reset();
    // The lock may have been lost with the answer (or never sent before a crash): locked again first when it is missing.
    const lockSent = await this.lockFor(job, job.answer as Answer);
    const hash = await this.submitAnswer(inferenceId, { lockSent });
    this.store.setAnswerTx(job.id, hash);
    this.log("answer-resent", { job: job.id, inferenceId, tx: hash });
    return false;
  }

  // ------------------------------------------------------------------------------------------------ the background

  /** One pass over the jobs that are due: each advances one step, failures are retried later. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      await this.commitBatches();
    } catch (error) {
      this.log("batch-error", { error: (error as Error).message.slice(0, 300) });
    }
    try {
      const due = this.store.dueJobs(["Paid", "Answered", "Proving", "Settled", "Rejected", "Expired"], { limit: 64 });
      await Promise.all(due.filter((job) => !this.inFlight.has(job.id)).map((job) => this.step(job)));
    } catch (error) {
      this.log("tick-error", { error: (error as Error).message.slice(0, 300) });
    } finally {
      this.ticking = false;
    }
  }

  private async step(job: Job): Promise<void> {
    this.inFlight.add(job.id);
    try {
      if (await this.expireIfLate(job)) return;
      switch (job.state) {
        case "Paid":
          await this.answerJob(job);
          break;
        case "Answered":
          if (!(await this.answerRecorded(job))) break;
          if (job.claimedLevel === Level.ZKML) this.store.startProving(job.id);
          else this.store.startAttesting(job.id);
          break;
        case "Proving":
          await this.prove(job);
          break;
        case "Settled":
          await this.release(job);
          break;
        case "Rejected":
        case "Expired":
          await this.refund(job);
          break;
      }
    } catch (error) {
      const message = (error as Error).message?.slice(0, 500) ?? String(error);
      this.store.recordFailure(job.id, job.state, message);
      this.log("step-failed", { job: job.id, state: job.state, error: message });
    } finally {
      this.inFlight.delete(job.id);
    }
  }

  /**
   * A job's escrow request as opened (the escrow keeps only a commitment to it; release, refunds and the bond lock
   * take it back), from the `RequestOpened` log of the payment transaction that opened it, read once per job.
   */
  private async openedRequest(job: Job): Promise<EscrowRequest> {
    const cached = this.requests.get(job.id);
    if (cached !== undefined) return cached;
    const request = await withRetry("request", () =>
      readRequest(this.escrow(), BigInt(job.escrowRequestId), { transaction: job.paymentTx }),
    );
    this.requests.set(job.id, request);
    return request;
  }

  /** The escrow request of a job, where it stands, and the chain's time. */
  private async request(job: Job) {
    const [request, status, block] = await Promise.all([
      this.openedRequest(job),
      withRetry("request status", () => this.escrow().requestStatus(BigInt(job.escrowRequestId))),
      withRetry("block", () => this.provider.getBlock("latest")),
    ]);
    return { request, status: Number(status) as RequestStatus, now: BigInt(block!.timestamp) };
  }

  /** A job still unsettled after its escrow deadline expires (the escrow would not pay it any more). */
  private async expireIfLate(job: Job): Promise<boolean> {
    if (!["Paid", "Answered", "Proving", "Attesting"].includes(job.state)) return false;
    const { request, now } = await this.request(job);
    if (now <= request.deadline) return false;
    if (job.inferenceId !== null) {
      const [state] = await this.ledger().settlementOf(job.inferenceId);
      if (Number(state) === RecordState.Settled) return false; // settled in time or not: release decides
    }
    this.store.markExpired(job.id, job.state as "Paid" | "Answered" | "Proving" | "Attesting");
    this.cover.drop(jobHold(job.id)); // the escrow would not pay it: it will not lock any more
    this.log("expired", { job: job.id, inferenceId: job.inferenceId });
    return true;
  }

  /** `Proving -> Settled`: a Groth16 proof in a worker thread, then `settleZk` (unless already settled). */
  private async prove(job: Job): Promise<void> {
    const inferenceId = job.inferenceId!;
    const ledger = this.ledger();
    const [state] = await withRetry("record state", () => ledger.settlementOf(inferenceId));
    if (Number(state) === RecordState.Settled) {
      this.settled(job, "Proving", "already settled", Level.ZKML);
      return;
    }
    const artifact = this.served.get(BigInt(job.artifactId))!;
    const input = job.inputParts as StoredInput;
    const riskInput = toRiskInput(input.modelInput as RiskInputJson);
    const binding = zkBinding(this.chainId, this.config.addresses.ledger, inferenceId);
    const { proof, provingMs } = await this.prover.prove({ model: artifact.riskModel!, input: riskInput, binding });
    this.metrics.provingMs.push(provingMs);
    crashPoint("after-proof");
    const answer = job.answer as Answer;
    const evidence = zkEvidence({
      proof,
      input: new InputCommitment(input.parts),
      inputIndex: input.parts.length - 1,
      outputCommitment: answer.outputCommitment,
      paymentRef: answer.paymentRef,
    });
    const receipt = await this.sender.send(`settleZk ${inferenceId}`, () => ledger.settleZk(inferenceId, evidence));
    this.settled(job, "Proving", receipt.hash, Level.ZKML);
  }

  private settled(job: Job, from: "Proving" | "Attesting", tx: string, level: Level): void {
    this.store.markSettled(job.id, from, tx);
    this.metrics.settlements[Level[level]] = (this.metrics.settlements[Level[level]] ?? 0) + 1;
    this.log("settled", { job: job.id, inferenceId: job.inferenceId, level: Level[level], tx });
  }

  /**
   * TEE answers: once per round the development enclave commits a batch of every attesting job not yet in one, then
   * its members are settled from it in one call. A batch is stored before it is committed, so a restart commits or settles what a killed
   * node left. Answers that arrive after this round's batch wait for the next round (one batch per enclave per round).
   */
  private async commitBatches(): Promise<void> {
    if (this.config.enclaveKey === undefined) return;
    const ledger = this.ledger();
    const enclave = new Wallet(this.config.enclaveKey);
    await this.keepEnclaveLive(enclave);
    for (const batch of this.store.uncommittedBatches()) {
      const stored = await withRetry("batch root", () =>
        ledger.batchRoot(enclave.address, batch.round).catch(() => ZeroHash),
      );
      if (stored === batch.merkleRoot) {
        this.store.markBatchCommitted(batch.round, "already committed");
      } else if (BigInt(await ledger.currentRound()) === BigInt(batch.round)) {
        const signature = await signBatch(enclave, this.domain(), BigInt(batch.round), batch.merkleRoot);
        try {
          const receipt = await this.sender.send(`commitBatch ${batch.round}`, () =>
            ledger.commitBatch(batch.round, batch.merkleRoot, signature),
          );
          this.store.markBatchCommitted(batch.round, receipt.hash);
        } catch (error) {
          // The round ended between the read and the block: its members go into a later batch.
          const data = revertData(error);
          if (data === undefined || ledger.interface.parseError(data)?.name !== "BatchRoundNotCurrent") throw error;
          this.store.dropBatch(batch.round);
        }
      } else {
        // Its round ended before it was committed (the node was down): its members go into a later batch.
        this.store.dropBatch(batch.round);
      }
    }
    await this.settleCommitted(enclave.address);
    const round = BigInt(await withRetry("round", () => ledger.currentRound()));
    if (this.store.batch(Number(round)) !== undefined) return; // this round's batch is spent: wait for the next
    const waiting = this.store
      .dueJobs(["Attesting"], { limit: MAX_BATCH })
      .filter((job) => this.store.batchOf(job.inferenceId!) === undefined);
    if (waiting.length === 0) return;
    if (Date.now() - Math.min(...waiting.map((job) => job.updatedAt)) < this.config.batchMs) return;
    const entries = waiting.map((job) => ({
      inferenceId: job.inferenceId!,
      answerDigest: answerDigestOf(job.answer as Answer),
    }));
    const tree = new SettlementBatch(this.config.addresses.ledger, round, entries);
    this.store.createBatch(
      Number(round),
      tree.root,
      entries.map((e) => e.inferenceId),
    );
    crashPoint("after-batch-stored");
    this.log("batch", { round, members: entries.length, root: tree.root });
    await this.commitBatches();
  }

  private lastHeartbeatCheck = 0;

  /**
   * Keeps the development enclave live: when its last heartbeat is more than half the registry's TTL old (chain
   * time), it signs a new one and the operator relays it. Checked at most every 5 seconds.
   */
  private async keepEnclaveLive(enclave: Wallet): Promise<void> {
    if (Date.now() - this.lastHeartbeatCheck < 5_000) return;
    this.lastHeartbeatCheck = Date.now();
    const attesters = this.attesters();
    const [record, ttl, block] = await Promise.all([
      withRetry("enclave", () => attesters.getEnclave(enclave.address)),
      withRetry("ttl", () => attesters.heartbeatTtl()),
      withRetry("block", () => this.provider.getBlock("latest")),
    ]);
    const now = BigInt(block!.timestamp);
    if (now - record.lastHeartbeat < ttl / 2n) return;
    const domain = attesterRegistryDomain(this.chainId, this.config.addresses.attesters);
    const signature = await signHeartbeat(enclave, domain, now);
    await this.sender.send(`heartbeat ${enclave.address}`, () => attesters.heartbeat(enclave.address, now, signature));
    this.log("heartbeat", { enclave: enclave.address, development: true });
  }

  /**
   * Settles the attesting jobs whose batch is committed: per batch, one `settleManyFromBatch` with one multiproof for
   * every member still pending (a record settled another way meanwhile is skipped by the ledger, not a failure). A job
   * the call did not settle (its artifact revoked, its deadline passed) records the failure and is tried again later.
   */
  private async settleCommitted(enclave: string): Promise<void> {
    const ledger = this.ledger();
    const byRound = new Map<number, Job[]>();
    for (const job of this.store.dueJobs(["Attesting"], { limit: MAX_BATCH * 2 })) {
      const round = this.store.batchOf(job.inferenceId!);
      const batch = round === undefined ? undefined : this.store.batch(round);
      if (batch === undefined || batch.commitTx === null) continue;
      byRound.set(batch.round, [...(byRound.get(batch.round) ?? []), job]);
    }
    for (const [round, jobs] of byRound) {
      const isSettled = async (job: Job) =>
        Number((await withRetry("settlement", () => ledger.settlementOf(job.inferenceId!)))[0]) === RecordState.Settled;
      try {
        const pending: Job[] = [];
        for (const job of jobs) {
          if (await isSettled(job)) this.settled(job, "Attesting", "already settled", Level.TEE);
          else pending.push(job);
        }
        if (pending.length === 0) continue;
        const members = this.store.batch(round)!.members.map((id) => ({
          inferenceId: id,
          answerDigest: answerDigestOf(this.store.jobByInference(id)!.answer as Answer),
        }));
        const tree = new SettlementBatch(this.config.addresses.ledger, BigInt(round), members);
        const many = tree.multiProof(pending.map((job) => job.inferenceId!));
        const receipt: TransactionReceipt = await this.sender.send(
          `settleManyFromBatch ${round} (${pending.length})`,
          () =>
            ledger.settleManyFromBatch(
              enclave,
              round,
              many.inferenceIds,
              many.answerDigests,
              many.proof,
              many.proofFlags,
            ),
        );
        const settledHere = new Set(
          receipt.logs
            .map((log) => ledger.interface.parseLog(log))
            .filter((event) => event?.name === "InferenceSettled")
            .map((event) => (event!.args.inferenceId as string).toLowerCase()),
        );
        for (const job of pending) {
          if (settledHere.has(job.inferenceId!.toLowerCase())) this.settled(job, "Attesting", receipt.hash, Level.TEE);
          else if (await isSettled(job)) this.settled(job, "Attesting", "already settled", Level.TEE);
          else
            this.store.recordFailure(
              job.id,
              "Attesting",
              `settleManyFromBatch of round ${round} skipped it (past its deadline, or its artifact revoked)`,
            );
        }
      } catch (error) {
        const message = (error as Error).message.slice(0, 500);
        for (const job of jobs) {
          if (this.store.job(job.id)?.state === "Attesting") this.store.recordFailure(job.id, "Attesting", message);
        }
      }
    }
  }

  /** `Settled -> Released`: the escrow pays the operator (unless already paid); then the operator withdraws. */
  private async release(job: Job): Promise<void> {
    const escrow = this.escrow();
    const { request, status } = await this.request(job);
    let tx = "already released";
    if (status === RequestStatus.Open) {
      const answer = job.answer as Answer;
      const receipt = await this.sender.send(`release ${job.escrowRequestId}`, () =>
        escrow.release(BigInt(job.escrowRequestId), request, answer.inferenceId, answer.outputCommitment),
      );
      tx = receipt.hash;
    }
    await this.releaseLock(job);
    this.store.markReleased(job.id, tx);
    this.metrics.releases += 1;
    this.log("released", { job: job.id, inferenceId: job.inferenceId, tx });
    const operator = this.operator().address;
    if ((await escrow.creditOf(operator, request.asset)) > 0n) {
      await this.sender.send(`withdraw ${request.asset}`, () => escrow.withdraw(request.asset, operator));
    }
  }

  /**
   * Gives the lock of a settled answer back to the node's free bond (`bonds.release`, anyone may), unless it is not
   * locked any more (released before a crash, or never locked: a Vanilla answer).
   */
  private async releaseLock(job: Job): Promise<void> {
    if (job.claimedLevel === Level.Vanilla) return;
    const inferenceId = job.inferenceId!;
    const bonds = this.bonds();
    const lock = await withRetry("lock", () => bonds.lockOf(inferenceId));
    if (Number(lock.status) !== LockStatus.Locked) return;
    const receipt = await this.sender.send(`bond-release ${inferenceId}`, () => bonds.release(inferenceId));
    this.log("bond-released", { job: job.id, inferenceId, amount: lock.amount, tx: receipt.hash });
  }

  /**
   * The lock of a job that ends without settling: cancelled when its answer never reached the ledger, released when
   * the vault allows it (rejected because its artifact was revoked under it); a lock whose record missed its deadline
   * or was refuted stays, for anyone to slash (docs/BONDS.md).
   */
  private async endLock(job: Job): Promise<void> {
    this.cover.drop(jobHold(job.id));
    if (job.claimedLevel === Level.Vanilla) return;
    const inferenceId = job.inferenceId ?? this.inferenceIdOf(job);
    const bonds = this.bonds();
    const lock = await withRetry("lock", () => bonds.lockOf(inferenceId));
    if (Number(lock.status) !== LockStatus.Locked) return;
    const [state] = await withRetry("record state", () => this.ledger().settlementOf(inferenceId));
    if (Number(state) === RecordState.None) {
      const receipt = await this.sender.send(`bond-cancel ${inferenceId}`, () => bonds.cancelLock(inferenceId));
      this.log("bond-lock-cancelled", { job: job.id, inferenceId, amount: lock.amount, tx: receipt.hash });
      return;
    }
    const releasable = await bonds.release.staticCall(inferenceId).then(
      () => true,
      () => false,
    );
    if (!releasable) return;
    const receipt = await this.sender.send(`bond-release ${inferenceId}`, () => bonds.release(inferenceId));
    this.log("bond-released", { job: job.id, inferenceId, amount: lock.amount, tx: receipt.hash });
  }

  /**
   * `Rejected / Expired -> Refunded`: the requester gets the payment back, by `refundRejected` once the record is
   * rejected (the node rejects its own late record when the ledger allows), or `refundExpired` after the claim window.
   */
  private async refund(job: Job): Promise<void> {
    const escrow = this.escrow();
    const ledger = this.ledger();
    const { request, status, now } = await this.request(job);
    if (status !== RequestStatus.Open) {
      await this.endLock(job);
      this.store.markRefunded(job.id, job.state as "Rejected" | "Expired", "already closed");
      return;
    }
    const requestId = BigInt(job.escrowRequestId);
    if (job.inferenceId !== null) {
      let [state] = await ledger.settlementOf(job.inferenceId);
      if (Number(state) === RecordState.Answered) {
        const rejectable = await ledger.reject.staticCall(job.inferenceId).then(
          () => true,
          () => false,
        );
        if (rejectable) await this.sender.send(`reject ${job.inferenceId}`, () => ledger.reject(job.inferenceId!));
        [state] = await ledger.settlementOf(job.inferenceId);
      }
      if (Number(state) === RecordState.Rejected) {
        const answer = job.answer as Answer;
        const receipt = await this.sender.send(`refundRejected ${requestId}`, () =>
          escrow.refundRejected(requestId, request, answer.inferenceId, answer.outputCommitment),
        );
        return await this.refunded(job, receipt.hash);
      }
    }
    const refundableAt = request.deadline + BigInt(await escrow.CLAIM_WINDOW());
    if (now <= refundableAt) throw new Error(`not refundable before ${refundableAt} (chain time ${now})`);
    const receipt = await this.sender.send(`refundExpired ${requestId}`, () =>
      escrow.refundExpired(requestId, request),
    );
    await this.refunded(job, receipt.hash);
  }

  private async refunded(job: Job, tx: string): Promise<void> {
    await this.endLock(job);
    this.store.markRefunded(job.id, job.state as "Rejected" | "Expired", tx);
    this.metrics.refunds += 1;
    this.log("refunded", { job: job.id, inferenceId: job.inferenceId, tx });
  }
}

/** The revert data an ethers error carries, if any. */
function revertData(error: unknown): string | undefined {
  const data = (error as { data?: unknown })?.data;
  return typeof data === "string" && data.startsWith("0x") ? data : undefined;
}

/** The answer digest a batch leaf and an attestation carry for `answer`. */
export function answerDigestOf(answer: Answer): string {
  return answerDigest(answer.inputCommitment, answer.outputCommitment, answer.paymentRef);
}
