/**
 * The paying client of a Proofline node: `fetch` wrapped with x402's client and the `proofline` scheme, so a request
 * is paid into the node's escrow (never to the node's wallet), and the answer comes back with its commitments and
 * every part, checked here against those commitments. `await result.settled({ minLevel })` then waits for the ledger:
 * it resolves when the record is settled at that level or above, and rejects when it is rejected, settles lower, or
 * its escrow deadline passes unsettled. Until then the answer is only an answer.
 */
import { x402Client } from "@x402/core/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import { Contract, type Provider, type Signer } from "ethers";

import { InputCommitment, OutputCommitment, type InputPartSpec, type OutputPartSpec } from "../commitments.js";
import { readRequest } from "../escrow.js";
import { Level, RecordState } from "../ledger.js";
import { InferenceEscrow__factory } from "../typechain/index.js";
import { ProoflineClientScheme } from "./client.js";
import { networkOf } from "./scheme.js";

/** A node's answer as `POST /v1/inferences` returns it (and `GET /v1/inferences/<id>`). */
export interface NodeAnswer {
  inferenceId: string;
  artifact: string;
  claimed: string;
  /** `Answered` until settled: the node answers without waiting for its answer's block (see `onLedger`). */
  state: string;
  settled: boolean;
  /** Whether the answer's record is on the ledger yet (false for a few blocks at most after the response). */
  onLedger: boolean;
  result: unknown;
  answer: { inputCommitment: string; outputCommitment: string; paymentRef: string; [key: string]: unknown };
  commitments: { input: string; output: string };
  inputParts: InputPartSpec[];
  outputParts: OutputPartSpec[];
  payment: { escrowRequestId: string; transaction: string; paymentRef: string };
}

/** The node refused the request (`status` and its reason), or its answer does not match its own commitments. */
export class InferenceRequestError extends Error {
  override name = "InferenceRequestError";
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** The record did not reach the level waited for: rejected, settled lower, or its deadline passed. */
export class NotSettledError extends Error {
  override name = "NotSettledError";
}

export interface ProoflineNodeClientOptions {
  /** The node's base URL, e.g. `http://127.0.0.1:8402`. */
  nodeUrl: string;
  /** The payer: signs the EIP-3009 authorization into the escrow. Connected to a provider of the node's chain. */
  payer: Signer;
  provider: Provider;
  /** The escrows the payer is willing to pay into (an offer naming another address is refused before signing). */
  trustedEscrows: string[];
  /** The most the client pays per request, in the token's atomic units (x402's spend control). */
  maxAmountPerPayment: bigint;
  /**
   * How many times the price the node must lock from its bond before answering above Vanilla (the escrow request's
   * `bondMultiple`; default 0, the vault's minimum of 2). A node whose free bond cannot cover it refuses before the
   * payment is settled (HTTP 503).
   */
  bondMultiple?: number;
}

const LEDGER_ABI = [
  "function settlementOf(bytes32) view returns (uint8 state, uint8 achieved, uint256 settledAt)",
] as const;

/** A paid inference: the node's answer, checked, and a way to wait for its proof. */
export interface PaidInference extends Omit<NodeAnswer, "settled"> {
  /** Resolves with the level the ledger settled the record at, once it is `minLevel` or more. */
  settled(options?: {
    minLevel?: Level;
    pollMs?: number;
    timeoutMs?: number;
  }): Promise<{ level: Level; settledAt: bigint }>;
}

/** A client that pays a Proofline node over x402 and follows its answers to settlement. */
export class ProoflineNodeClient {
  private constructor(
    private readonly options: ProoflineNodeClientOptions,
    private readonly paidFetch: typeof fetch,
  ) {}

  /** Reads the node's terms (`GET /v1/artifacts`) and sets up x402 for its chain, escrow and token. */
  static async connect(options: ProoflineNodeClientOptions): Promise<ProoflineNodeClient> {
    const terms = (await (await fetch(new URL("/v1/artifacts", options.nodeUrl))).json()) as {
      token: { address: string };
    };
    const network = networkOf((await options.provider.getNetwork()).chainId);
    const scheme = new ProoflineClientScheme(options.payer, {
      trustedEscrows: options.trustedEscrows,
      bondMultiple: options.bondMultiple,
    });
    const client = new x402Client().register(network, scheme).setSpendControls({
      allowedAssets: [
        { network, asset: terms.token.address, maxAmountPerPayment: options.maxAmountPerPayment.toString() },
      ],
    });
    return new ProoflineNodeClient(options, wrapFetchWithPayment(fetch, client));
  }

  /** Pays for and gets an inference: `body` is `{ artifact | label, input, memory?, external? }`. */
  async infer(body: Record<string, unknown>): Promise<PaidInference> {
    const response = await this.paidFetch(new URL("/v1/inferences", this.options.nodeUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.json().catch(() => ({}))) as NodeAnswer & { error?: string };
    if (!response.ok) throw new InferenceRequestError(response.status, json.error ?? `HTTP ${response.status}`);
    checkAnswer(json);
    return { ...json, settled: (options) => this.settled(json, options) }; // `state` says where the record stood
  }

  /** Waits for `answer`'s record on the ledger (see {@link PaidInference.settled}). */
  async settled(
    answer: Pick<NodeAnswer, "inferenceId" | "payment">,
    {
      minLevel = Level.Vanilla,
      pollMs = 500,
      timeoutMs = 600_000,
    }: { minLevel?: Level; pollMs?: number; timeoutMs?: number } = {},
  ): Promise<{ level: Level; settledAt: bigint }> {
    const { provider } = this.options;
    const escrow = InferenceEscrow__factory.connect(this.options.trustedEscrows[0], provider);
    const ledger = new Contract(await escrow.ledger(), LEDGER_ABI, provider);
    // The request as the trusted escrow opened it, from its log in the payment transaction the node names (a node
    // naming another transaction finds no such log there: an error, not a wrong deadline).
    const requestId = BigInt(answer.payment.escrowRequestId);
    const request = await readRequest(escrow, requestId, { transaction: answer.payment.transaction });
    const until = Date.now() + timeoutMs;
    for (;;) {
      const [state, achieved, settledAt] = (await ledger.settlementOf(answer.inferenceId)) as [bigint, bigint, bigint];
      if (Number(state) === RecordState.Settled) {
        if (Number(achieved) < minLevel) {
          throw new NotSettledError(
            `${answer.inferenceId} settled at ${Level[Number(achieved)]}, below ${Level[minLevel]}`,
          );
        }
        return { level: Number(achieved) as Level, settledAt };
      }
      if (Number(state) === RecordState.Rejected) throw new NotSettledError(`${answer.inferenceId} was rejected`);
      const now = BigInt((await provider.getBlock("latest"))!.timestamp);
      if (now > request.deadline) {
        throw new NotSettledError(`${answer.inferenceId} did not settle by its escrow deadline (${request.deadline})`);
      }
      if (Date.now() > until)
        throw new NotSettledError(`${answer.inferenceId}: still not settled after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/** The parts a node returned must be the ones its answer commits to. */
export function checkAnswer(answer: NodeAnswer): void {
  const input = new InputCommitment(answer.inputParts).root;
  const output = new OutputCommitment(answer.outputParts).root;
  if (input !== answer.answer.inputCommitment) {
    throw new InferenceRequestError(502, `the node's input parts do not match its answer's input commitment`);
  }
  if (output !== answer.answer.outputCommitment) {
    throw new InferenceRequestError(502, `the node's output parts do not match its answer's output commitment`);
  }
}
