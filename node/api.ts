/**
 * The node's HTTP API (express 5, x402 v2's express middleware with the `proofline` scheme):
 *
 * - `GET  /health`: the chain, the node, and how many jobs are pending.
 * - `GET  /metrics`: Prometheus text: requests, answers, settlements by level, releases, refunds, jobs by state,
 *   proving and answering times, and how long the bond lock takes on the fast path.
 * - `GET  /v1/artifacts`: what is sold: artifact id, model, label, claimed level, price and token.
 * - `POST /v1/inferences`: `{ artifact | label, input, memory?, external? }`. Validated first (400 with a reason, 404
 *   for an artifact not served, 409 for a revoked one or a label that moved, 503 when the node's free bond cannot
 *   cover the lock the answer needs: node/bonds.ts), so a request the node cannot answer is never offered a payment
 *   nor charged; then x402: without payment, 402 with the offer (price, token, escrow, minimum level, deadline, and the
 *   input commitment of this very body); with a valid payment, the escrow request is opened and funded (`upfront`),
 *   the model runs, the signed answer is submitted to the ledger, and the response carries (without waiting for the
 *   answer's block) the answer, its inference id, its commitments, every part, and the state `Answered`
 *   (`settled: false`; `onLedger` says whether its block has come yet).
 * - `GET  /v1/inferences/<id>`: every input and output part of an inference, its commitments, and its state as the
 *   ledger says now, so anyone can check the parts against the record.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { x402Facilitator } from "@x402/core/facilitator";
import { HTTPFacilitatorClient, type FacilitatorClient } from "@x402/core/server";
import { decodePaymentSignatureHeader } from "@x402/core/http";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";

import { OutputCommitment } from "../src/commitments.js";
import { LockStatus } from "../src/constants.js";
import { Level, RecordState, Route } from "../src/ledger.js";
import { TestUSDC__factory } from "../src/typechain/index.js";
import {
  InProcessFacilitatorClient,
  PROOFLINE_SCHEME,
  ProoflineFacilitatorScheme,
  ProoflineServerScheme,
  networkOf,
  parseProoflinePayload,
} from "../src/x402/index.js";
import { Wallet } from "ethers";
import { BondNotCovered, paidLockAmount } from "./bonds.js";
import { artifactOfRequest, jobSpecOf, RequestRefused, type JobSpec } from "./models.js";
import type { NodeService, StoredInput, StoredOutput } from "./service.js";
import { JOB_STATES } from "./store.js";

/** How long a client's payment authorization stays valid. */
export const MAX_TIMEOUT_SECONDS = 300;

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** The JSON of a stored part (content as given), with bigints as strings. */
const jsonSafe = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as unknown;

/** The express app of `service`, with the x402 resource server wired to its escrow. */
export async function createApp(service: NodeService) {
  const { config, chainId } = service;
  const network = networkOf(chainId);
  const token = TestUSDC__factory.connect(config.addresses.usdc, service.provider);
  const [, tokenName, tokenVersion] = await token.eip712Domain();
  const decimals = Number(await token.decimals());
  const serverScheme = new ProoflineServerScheme({
    address: config.addresses.usdc,
    name: tokenName,
    version: tokenVersion,
    decimals,
  });
  const facilitator: FacilitatorClient =
    config.facilitatorUrl === undefined
      ? new InProcessFacilitatorClient(
          new x402Facilitator().register(
            network,
            new ProoflineFacilitatorScheme(
              // One account, one nonce sequence: the operator's sender when the facilitator is the operator.
              config.facilitatorKey === config.operatorKey
                ? service.sender.signer
                : new Wallet(config.facilitatorKey, service.provider),
              config.addresses.escrow,
            ),
          ),
        )
      : new HTTPFacilitatorClient({ url: config.facilitatorUrl });
  const resourceServer = new x402ResourceServer(facilitator).register(network, serverScheme);

  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "256kb" }));

  app.get("/health", async (_req, res) => {
    const counts = service.store.countsByState();
    const pending = JOB_STATES.filter((s) => !["Released", "Refunded"].includes(s)).reduce((n, s) => n + counts[s], 0);
    const block = await service.provider.getBlockNumber().catch(() => null);
    res.status(block === null ? 503 : 200).json({
      ok: block !== null,
      chainId: chainId.toString(),
      block,
      nodeId: service.nodeId.toString(),
      node: service.nodeWallet().address,
      pendingJobs: pending,
    });
  });

  app.get("/metrics", (_req, res) => {
    const m = service.metrics;
    const counts = service.store.countsByState();
    const lines = [
      "# TYPE proofline_requests_total counter",
      `proofline_requests_total ${m.requests}`,
      "# TYPE proofline_requests_refused_total counter",
      `proofline_requests_refused_total ${m.refusedRequests}`,
      "# TYPE proofline_answers_total counter",
      `proofline_answers_total ${m.answers}`,
      "# TYPE proofline_settlements_total counter",
      ...Object.entries(m.settlements).map(([level, n]) => `proofline_settlements_total{level="${level}"} ${n}`),
      "# TYPE proofline_releases_total counter",
      `proofline_releases_total ${m.releases}`,
      "# TYPE proofline_refunds_total counter",
      `proofline_refunds_total ${m.refunds}`,
      "# TYPE proofline_jobs gauge",
      ...JOB_STATES.map((s) => `proofline_jobs{state="${s}"} ${counts[s]}`),
      "# TYPE proofline_proving_ms summary",
      `proofline_proving_ms{quantile="0.5"} ${quantile(m.provingMs, 0.5)}`,
      `proofline_proving_ms{quantile="0.95"} ${quantile(m.provingMs, 0.95)}`,
      `proofline_proving_ms_count ${m.provingMs.length}`,
      "# TYPE proofline_answer_ms summary",
      `proofline_answer_ms{quantile="0.5"} ${quantile(m.answerMs, 0.5)}`,
      `proofline_answer_ms{quantile="0.95"} ${quantile(m.answerMs, 0.95)}`,
      `proofline_answer_ms_count ${m.answerMs.length}`,
      "# TYPE proofline_bond_lock_ms summary",
      `proofline_bond_lock_ms{quantile="0.5"} ${quantile(m.lockMs, 0.5)}`,
      `proofline_bond_lock_ms{quantile="0.95"} ${quantile(m.lockMs, 0.95)}`,
      `proofline_bond_lock_ms_count ${m.lockMs.length}`,
    ];
    res.type("text/plain; version=0.0.4").send(`${lines.join("\n")}\n`);
  });

  app.get("/v1/artifacts", (_req, res) => {
    res.json({
      network,
      escrow: config.addresses.escrow,
      token: { address: config.addresses.usdc, name: tokenName, version: tokenVersion, decimals },
      nodeId: service.nodeId.toString(),
      artifacts: [...service.served.values()].map((a) => ({
        artifact: a.artifactId.toString(),
        model: a.kind,
        label: a.label,
        route: Route[Route.Local],
        claims: Level[a.claimed],
        price: a.price.toString(),
        weightsDigest: a.digest,
      })),
    });
  });

  // Validation before payment: a request that cannot be answered is never offered a price. Its job spec is kept for
  // the request's lifetime (keyed by its parsed body), so pricing and answering use the one validation.
  const specs = new WeakMap<object, JobSpec>();
  app.post("/v1/inferences", async (req: Request, res: Response, next: NextFunction) => {
    service.metrics.requests += 1;
    try {
      const body = req.body as Record<string, unknown> | undefined;
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw new RequestRefused(400, "the body must be a JSON object");
      }
      const artifact = await artifactOfRequest(body, service.served, service.registry());
      const spec = jobSpecOf(body, artifact);
      specs.set(body, spec);
      res.locals.spec = spec;
      res.locals.bondHold = await coverBond(spec, req.header("payment-signature"));
      if (res.locals.bondHold !== undefined) {
        // A payment that does not become a job (refused, failed) gives its hold back; a job has taken it by then.
        res.once("close", () => service.cover.drop(res.locals.bondHold as string));
      }
      next();
    } catch (error) {
      service.metrics.refusedRequests += 1;
      if (error instanceof RequestRefused) res.status(error.status).json({ error: error.reason });
      else if (error instanceof BondNotCovered) {
        service.log("bond-not-covered", { nodeId: error.nodeId, required: error.required, free: error.free });
        res.status(error.status).set("retry-after", "30").json({ error: error.message });
      } else next(error);
    }
  });

  /**
   * Before the payment is settled: the lock the answer will need, from the offer (the price, the minimum multiple) or,
   * when the request carries a payment, from its signed terms (its amount, asset and bond multiple, which the client
   * may raise), must be covered by the node's free bond less the holds of answers in flight. A paid request holds it
   * (the returned key) until its lock is on the chain. Vanilla answers lock nothing.
   */
  let holds = 0;
  async function coverBond(spec: JobSpec, paymentHeader: string | undefined): Promise<string | undefined> {
    if (spec.artifact.claimed === Level.Vanilla) return undefined;
    let terms = { asset: config.addresses.usdc, amount: spec.artifact.price, bondMultiple: 0 };
    let paid = false;
    if (paymentHeader !== undefined) {
      try {
        const { params } = parseProoflinePayload(decodePaymentSignatureHeader(paymentHeader).payload);
        terms = { asset: params.asset, amount: params.amount, bondMultiple: params.bondMultiple };
        paid = true;
      } catch {
        // Not a proofline payment: x402 refuses it next, and nothing is charged.
      }
    }
    const required = paidLockAmount(terms.amount, terms.asset, terms.bondMultiple, service.cover.minimumLock);
    const key = paid ? `payment:${++holds}` : undefined;
    await service.cover.cover(terms.asset, required, key);
    return key;
  }

  /**
   * The offer for a validated body: the artifact's price and terms, and the body's input commitment. x402 sees the
   * request's parsed body, the very object the validation above kept its job spec for.
   */
  const specOf = (context: { adapter: { getBody?: () => unknown } }): JobSpec => {
    const spec = specs.get(context.adapter.getBody?.() as object);
    if (spec === undefined) throw new Error("x402 priced a request the validation did not see");
    return spec;
  };
  app.use(
    paymentMiddleware(
      {
        "POST /v1/inferences": {
          accepts: {
            scheme: PROOFLINE_SCHEME,
            network,
            payTo: config.addresses.escrow,
            price: (context) => {
              const spec = specOf(context);
              return {
                amount: spec.artifact.price.toString(),
                asset: config.addresses.usdc,
                extra: {
                  inputCommitment: spec.inputCommitment,
                  route: Route.Local,
                  subject: spec.artifact.artifactId.toString(),
                  minLevel: spec.artifact.claimed,
                  nodeId: service.nodeId.toString(),
                  deadlineSeconds: Number(config.deadlineSeconds),
                },
              };
            },
            maxTimeoutSeconds: MAX_TIMEOUT_SECONDS,
          },
          description: "Verified inference: paid into escrow, released to the node only once the answer is proven",
          mimeType: "application/json",
        },
      },
      resourceServer,
    ),
  );

  app.post("/v1/inferences", async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.header("payment-signature");
      const settlement =
        header === undefined ? undefined : serverScheme.settlementFor(decodePaymentSignatureHeader(header));
      if (settlement === undefined) {
        res.status(500).json({ error: "the payment was settled but its escrow request is unknown" });
        return;
      }
      const spec = res.locals.spec as JobSpec;
      const job = await service.acceptPaid(
        spec,
        { requestId: settlement.requestId, transaction: settlement.transaction },
        res.locals.bondHold as string | undefined,
      );
      res.status(200).json(await describeJob(service, job.inferenceId!));
    } catch (error) {
      next(error);
    }
  });

  app.get("/v1/inferences/:id", async (req: Request, res: Response) => {
    const id = String(req.params.id).toLowerCase();
    if (!/^0x[0-9a-f]{64}$/.test(id)) {
      res.status(400).json({ error: "the inference id must be 32 bytes of hex (0x + 64 digits)" });
      return;
    }
    const described = await describeJob(service, id);
    if (described === undefined) res.status(404).json({ error: `no inference ${id} was answered by this node` });
    else res.json(described);
  });

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    service.log("http-error", { error: error.message.slice(0, 300) });
    res.status(500).json({ error: "internal error: the request was not completed; a paid request is resumed" });
  });
  return app;
}

/** Everything public about an inference this node answered: parts, commitments, and the ledger's state now. */
export async function describeJob(service: NodeService, inferenceId: string) {
  const job = service.store.jobByInference(inferenceId);
  if (job === undefined || job.answer === null) return undefined;
  const answer = job.answer as Record<string, unknown>;
  const [[state, achieved, settledAt], lock] = await Promise.all([
    service.ledger().settlementOf(inferenceId),
    service.bonds().lockOf(inferenceId),
  ]);
  const output = job.outputParts as StoredOutput;
  const input = job.inputParts as StoredInput;
  return {
    inferenceId,
    artifact: job.artifactId,
    route: Route[job.route],
    claimed: Level[job.claimedLevel],
    // Until its block, a submitted answer is not on the ledger yet: still `Answered` (never settled), `onLedger` false.
    state: Number(state) === RecordState.None ? RecordState[RecordState.Answered] : RecordState[Number(state)],
    onLedger: Number(state) !== RecordState.None,
    achieved: Number(state) === RecordState.Settled ? Level[Number(achieved)] : null,
    settled: Number(state) === RecordState.Settled,
    settledAt: Number(state) === RecordState.Settled ? Number(settledAt) : null,
    job: job.state,
    answer: jsonSafe(answer),
    result: output.result,
    commitments: { input: answer.inputCommitment, output: new OutputCommitment(output.parts).root },
    inputParts: jsonSafe(input.parts),
    outputParts: jsonSafe(output.parts),
    payment: { escrowRequestId: job.escrowRequestId, transaction: job.paymentTx, paymentRef: answer.paymentRef },
    // The node's bond locked for this answer (none for Vanilla; `None` until the lock's block has come).
    bond: {
      status: LockStatus[Number(lock.status)],
      asset: Number(lock.status) === LockStatus.None ? null : await service.assetAt(Number(lock.assetIndex)),
      amount: lock.amount.toString(),
    },
    transactions: { answer: job.answerTx, settle: job.settleTx, release: job.releaseTx, refund: job.refundTx },
  };
}
