/**
 * The settling side of the `proofline` scheme: an x402 v2 scheme facilitator (x402's `SchemeNetworkFacilitator`)
 * that checks a proofline payment against the offer and the chain, then submits it to the escrow with
 * `openWithAuthorization` from its own account (which pays the gas), and an in-process facilitator client, so a
 * resource server can settle with no HTTP facilitator.
 *
 * Every refusal has its own reason (`ProoflineInvalidReason`) and a message that says what was wrong. A refused
 * payment moves no money: nothing is sent until every check and a static call of `openWithAuthorization` passed.
 */
import { Interface, Signature, TypedDataEncoder, getAddress, recoverAddress, type Signer } from "ethers";

import { RECEIVE_WITH_AUTHORIZATION_TYPES, authorizationNonce, tokenDomain } from "../escrow.js";
import { InferenceEscrow__factory, TestUSDC__factory, type InferenceEscrow } from "../typechain/index.js";
import {
  PROOFLINE_SCHEME,
  ProoflineParseError,
  networkOf,
  parseProoflineExtra,
  parseProoflinePayload,
  type ProoflineExtra,
  type ProoflinePayload,
} from "./scheme.js";
import {
  type Network,
  type PaymentPayload,
  type PaymentRequirements,
  type SettleResponse,
  type SupportedResponse,
  type VerifyResponse,
} from "./types.js";

/** Why a proofline payment was refused: `invalidReason` of a verify, `errorReason` of a settle. */
export const ProoflineInvalidReason = {
  /** The payload or the offer's `extra` is not what the scheme expects. */
  MalformedPayload: "invalid_proofline_payload",
  /** The payment is for another scheme or network than the offer, or than the facilitator's chain. */
  SchemeMismatch: "invalid_proofline_scheme_or_network",
  /** The authorization pays someone other than the escrow, or the offer's `payTo` is not the escrow. */
  WrongRecipient: "invalid_proofline_recipient",
  /** The authorization's value or the request's amount is less than the offer's amount. */
  Underpaid: "invalid_proofline_underpaid",
  /** The request differs from the offer (asset, route, subject, level, node, input), or the value from its amount. */
  ParamsMismatch: "invalid_proofline_params_mismatch",
  /** The authorization's nonce is not `authorizationNonce(from, params)`. */
  NonceMismatch: "invalid_proofline_nonce_mismatch",
  /** The authorization's `validAfter` is in the future. */
  NotYetValid: "invalid_proofline_authorization_not_yet_valid",
  /** The authorization's `validBefore` has passed (or passes before it could be mined). */
  Expired: "invalid_proofline_authorization_expired",
  /** The request's deadline is in the past, or further than `deadlineSeconds` (plus slack) away. */
  DeadlineOutOfRange: "invalid_proofline_deadline_out_of_range",
  /** The token already used (or cancelled) this authorization: a replay. */
  AuthorizationUsed: "invalid_proofline_authorization_used",
  /** The payer holds less than the amount. */
  InsufficientFunds: "invalid_proofline_insufficient_funds",
  /** The signature is not `from`'s over this authorization in the token's EIP-712 domain. */
  InvalidSignature: "invalid_proofline_signature",
  /** `openWithAuthorization` would revert; the message names the contract error. */
  WouldRevert: "invalid_proofline_open_would_revert",
  /** The transaction was sent and failed, or opened no request. */
  TransactionFailed: "invalid_proofline_transaction_failed",
} as const;
export type ProoflineInvalidReason = (typeof ProoflineInvalidReason)[keyof typeof ProoflineInvalidReason];

/** Seconds the facilitator allows for a deadline picked by a client whose clock runs ahead. */
export const DEADLINE_SLACK_SECONDS = 60n;
/** Seconds an authorization must stay valid after the check, for the transaction to be mined. */
export const SETTLEMENT_MARGIN_SECONDS = 6n;

/** A signer that knows its address (ethers' `Wallet`, `JsonRpcSigner`, Hardhat's signers). */
export type AddressedSigner = Signer & { readonly address: string };

/** Options of {@link ProoflineFacilitatorScheme}. */
export interface ProoflineFacilitatorOptions {
  /** Default {@link DEADLINE_SLACK_SECONDS}. */
  deadlineSlackSeconds?: bigint;
}

/** A refusal, thrown inside the checks and turned into a verify or settle response. */
class Refusal extends Error {
  constructor(
    readonly reason: ProoflineInvalidReason,
    message: string,
  ) {
    super(message);
  }
}

/** A payment that passed every check. */
interface CheckedPayment {
  payment: ProoflinePayload;
  v: number;
  r: string;
  s: string;
}

const ESCROW_ERRORS = new Interface(InferenceEscrow__factory.abi.filter((fragment) => fragment.type === "error"));
const TOKEN_ERRORS = new Interface(TestUSDC__factory.abi.filter((fragment) => fragment.type === "error"));

/**
 * Verifies and settles proofline payments into `escrow` on `signer`'s chain. `signer` is the facilitator's account:
 * it sends `openWithAuthorization` and pays its gas; the payer signs nothing but the authorization.
 */
export class ProoflineFacilitatorScheme {
  readonly scheme = PROOFLINE_SCHEME;
  readonly caipFamily = "eip155:*";
  readonly escrowAddress: string;
  private readonly escrow: InferenceEscrow;
  private readonly slack: bigint;

  constructor(
    private readonly signer: AddressedSigner,
    escrow: string,
    options: ProoflineFacilitatorOptions = {},
  ) {
    if (signer.provider === null) throw new Error("the facilitator's signer needs a provider");
    this.escrowAddress = getAddress(escrow);
    this.escrow = InferenceEscrow__factory.connect(this.escrowAddress, signer);
    this.slack = options.deadlineSlackSeconds ?? DEADLINE_SLACK_SECONDS;
  }

  getExtra(network: Network): Record<string, unknown> | undefined {
    void network;
    return { escrow: this.escrowAddress };
  }

  getSigners(network: string): string[] {
    void network;
    return [this.signer.address];
  }

  async verify(payload: PaymentPayload, requirements: PaymentRequirements): Promise<VerifyResponse> {
    try {
      const { payment } = await this.check(payload, requirements);
      return { isValid: true, payer: payment.authorization.from };
    } catch (error) {
      const { reason, message } = refusalOf(error);
      return { isValid: false, invalidReason: reason, invalidMessage: message, payer: payerOf(payload) };
    }
  }

  /** Checks the payment again, opens the request, and reports it: `extra: { requestId, paymentRef }`. */
  async settle(payload: PaymentPayload, requirements: PaymentRequirements): Promise<SettleResponse> {
    const network = requirements.network;
    let checked: CheckedPayment;
    try {
      checked = await this.check(payload, requirements);
    } catch (error) {
      const { reason, message } = refusalOf(error);
      return {
        success: false,
        errorReason: reason,
        errorMessage: message,
        payer: payerOf(payload),
        transaction: "",
        network,
      };
    }
    const { payment, v, r, s } = checked;
    const payer = payment.authorization.from;
    const { validAfter, validBefore } = payment.authorization;
    let transaction = "";
    try {
      const tx = await this.escrow.openWithAuthorization(payment.params, payer, validAfter, validBefore, v, r, s);
      transaction = tx.hash;
      const receipt = await tx.wait();
      // The request this transaction opened, from its own receipt's logs (the escrow's, nobody else's).
      const escrowAddress = this.escrowAddress.toLowerCase();
      const opened = (receipt?.status === 1 ? receipt.logs : [])
        .filter((log) => log.address.toLowerCase() === escrowAddress)
        .map((log) => this.escrow.interface.parseLog(log))
        .find((parsed) => parsed?.name === "RequestOpened");
      if (opened === undefined || opened === null) {
        throw new Refusal(ProoflineInvalidReason.TransactionFailed, `${transaction} opened no request`);
      }
      const { requestId, requestRef } = opened.args as unknown as { requestId: bigint; requestRef: string };
      return {
        success: true,
        payer,
        transaction,
        network,
        amount: payment.params.amount.toString(),
        extra: { requestId: requestId.toString(), paymentRef: requestRef },
      };
    } catch (error) {
      const message =
        error instanceof Refusal ? error.message : `openWithAuthorization failed: ${describeRevert(error)}`;
      return {
        success: false,
        errorReason: ProoflineInvalidReason.TransactionFailed,
        errorMessage: message,
        payer,
        transaction,
        network,
      };
    }
  }

  /** Every check, in order; throws a {@link Refusal} at the first that fails. */
  private async check(payload: PaymentPayload, requirements: PaymentRequirements): Promise<CheckedPayment> {
    const { payment, offer } = parse(payload, requirements);
    const chainId = await this.checkSchemeAndNetwork(payload, requirements);
    this.checkRecipient(payment, requirements);
    checkTerms(payment, offer, requirements);
    const { params, authorization } = payment;
    const nonce = authorizationNonce(chainId, this.escrowAddress, authorization.from, params);
    if (authorization.nonce !== nonce) {
      throw new Refusal(
        ProoflineInvalidReason.NonceMismatch,
        `nonce ${authorization.nonce} is not ${nonce} for these params`,
      );
    }
    // The chain is read once, all at once (the fast path waits on this); the checks then refuse in their order.
    let signature: Omit<CheckedPayment, "payment"> | undefined;
    let badSignature: unknown;
    try {
      signature = checkSignature(payment, offer, chainId);
    } catch (error) {
      badSignature = error;
    }
    const token = this.token(params.asset);
    const [now, used, balance, simulation] = await Promise.all([
      this.now(),
      token.authorizationState(authorization.from, authorization.nonce),
      token.balanceOf(authorization.from),
      signature === undefined ? undefined : this.simulate(payment, signature),
    ]);
    checkTimes(payment, offer, now, this.slack);
    checkToken(payment, used, balance);
    if (signature === undefined) throw badSignature;
    if (simulation !== undefined) throw simulation;
    return { payment, ...signature };
  }

  private async checkSchemeAndNetwork(payload: PaymentPayload, requirements: PaymentRequirements): Promise<bigint> {
    const accepted = payload.accepted;
    if (requirements.scheme !== PROOFLINE_SCHEME || accepted?.scheme !== PROOFLINE_SCHEME) {
      throw new Refusal(
        ProoflineInvalidReason.SchemeMismatch,
        `scheme ${accepted?.scheme} paid for ${requirements.scheme}; this facilitator settles ${PROOFLINE_SCHEME}`,
      );
    }
    const { chainId } = await this.signer.provider!.getNetwork();
    if (requirements.network !== networkOf(chainId) || accepted.network !== requirements.network) {
      throw new Refusal(
        ProoflineInvalidReason.SchemeMismatch,
        `network ${accepted.network} paid for ${requirements.network}; this facilitator settles on ${networkOf(chainId)}`,
      );
    }
    return chainId;
  }

  private checkRecipient({ authorization }: ProoflinePayload, requirements: PaymentRequirements): void {
    const payTo = requirements.payTo.toLowerCase();
    if (payTo !== this.escrowAddress.toLowerCase()) {
      throw new Refusal(
        ProoflineInvalidReason.WrongRecipient,
        `payTo ${requirements.payTo} is not the escrow ${this.escrowAddress}`,
      );
    }
    if (authorization.to !== this.escrowAddress) {
      throw new Refusal(
        ProoflineInvalidReason.WrongRecipient,
        `the authorization pays ${authorization.to}, not the escrow ${this.escrowAddress}`,
      );
    }
  }

  /** Simulates opening the request: undefined when it would succeed, else the refusal (returned, not thrown). */
  private async simulate(
    { params, authorization }: ProoflinePayload,
    { v, r, s }: Omit<CheckedPayment, "payment">,
  ): Promise<Refusal | undefined> {
    const { from, validAfter, validBefore } = authorization;
    try {
      await this.escrow.openWithAuthorization.staticCall(params, from, validAfter, validBefore, v, r, s);
      return undefined;
    } catch (error) {
      return new Refusal(
        ProoflineInvalidReason.WouldRevert,
        `openWithAuthorization would revert: ${describeRevert(error)}`,
      );
    }
  }

  private readonly tokens = new Map<string, ReturnType<typeof TestUSDC__factory.connect>>();

  /** The payment token's contract object, one per address (building one parses its ABI). */
  private token(address: string) {
    let token = this.tokens.get(address);
    if (token === undefined) this.tokens.set(address, (token = TestUSDC__factory.connect(address, this.signer)));
    return token;
  }

  private async now(): Promise<bigint> {
    const block = await this.signer.provider!.getBlock("latest");
    if (block === null) throw new Error("the facilitator's provider has no latest block");
    return BigInt(block.timestamp);
  }
}

/** The payload and the offer's terms, parsed; a {@link Refusal} when either is malformed. */
function parse(payload: PaymentPayload, requirements: PaymentRequirements) {
  try {
    const payment = parseProoflinePayload(payload?.payload, "payload");
    const offer = parseProoflineExtra(requirements?.extra, "requirements.extra");
    return { payment, offer };
  } catch (error) {
    if (error instanceof ProoflineParseError) throw new Refusal(ProoflineInvalidReason.MalformedPayload, error.message);
    throw error;
  }
}

/** The amounts and the request's terms against the offer's. */
function checkTerms(
  { params, authorization }: ProoflinePayload,
  offer: ProoflineExtra,
  requirements: PaymentRequirements,
) {
  const price = /^[0-9]+$/.test(requirements.amount) ? BigInt(requirements.amount) : undefined;
  if (price === undefined)
    throw new Refusal(
      ProoflineInvalidReason.MalformedPayload,
      `requirements.amount ${requirements.amount} is not an integer`,
    );
  if (authorization.value < price || params.amount < price) {
    throw new Refusal(
      ProoflineInvalidReason.Underpaid,
      `the authorization pays ${authorization.value} for a request of ${params.amount}; the price is ${price}`,
    );
  }
  const expected: [string, unknown, unknown][] = [
    ["asset", params.asset.toLowerCase(), requirements.asset.toLowerCase()],
    ["route", params.route, offer.route],
    ["subject", params.subject, offer.subject],
    ["minLevel", params.minLevel, offer.minLevel],
    ["nodeId", params.nodeId, offer.nodeId],
    ["inputCommitment", params.inputCommitment, offer.inputCommitment],
    ["amount (authorization value)", params.amount, authorization.value],
  ];
  for (const [field, actual, wanted] of expected) {
    if (actual !== wanted) {
      throw new Refusal(
        ProoflineInvalidReason.ParamsMismatch,
        `params.${field} is ${actual}; the offer asks ${wanted}`,
      );
    }
  }
}

/** The signature split into `v, r, s`, once it is `from`'s over the authorization in the token's domain. */
function checkSignature(
  { params, authorization, signature }: ProoflinePayload,
  offer: ProoflineExtra,
  chainId: bigint,
) {
  const domain = tokenDomain(offer.name, offer.version, chainId, params.asset);
  let signer: string;
  let parts: Signature;
  try {
    parts = Signature.from(signature);
    const digest = TypedDataEncoder.hash(domain, RECEIVE_WITH_AUTHORIZATION_TYPES, authorization);
    signer = recoveredSigner(digest, parts);
  } catch (error) {
    throw new Refusal(
      ProoflineInvalidReason.InvalidSignature,
      `the signature does not parse: ${describeRevert(error)}`,
    );
  }
  if (signer !== authorization.from) {
    throw new Refusal(
      ProoflineInvalidReason.InvalidSignature,
      `the authorization is signed by ${signer}, not by ${authorization.from}`,
    );
  }
  return { v: parts.v, r: parts.r, s: parts.s };
}

/**
 * The signer of `digest`, remembered for the most recent signatures: `settle` checks the payload `verify` just
 * checked, and recovering a key is the costliest step of both. Recovery is a pure function of digest and signature,
 * so a remembered answer is the answer.
 */
const RECOVERED_CAP = 4_096;
const recovered = new Map<string, string>();
function recoveredSigner(digest: string, signature: Signature): string {
  const key = `${digest}${signature.serialized.slice(2)}`;
  let signer = recovered.get(key);
  if (signer === undefined) {
    signer = recoverAddress(digest, signature);
    if (recovered.size >= RECOVERED_CAP) recovered.delete(recovered.keys().next().value!);
    recovered.set(key, signer);
  }
  return signer;
}

function refusalOf(error: unknown): { reason: ProoflineInvalidReason; message: string } {
  if (error instanceof Refusal) return { reason: error.reason, message: error.message };
  return { reason: ProoflineInvalidReason.WouldRevert, message: describeRevert(error) };
}

/** The payer a payload names, when it names one. */
function payerOf(payload: PaymentPayload): string | undefined {
  try {
    return parseProoflinePayload(payload?.payload).authorization.from;
  } catch {
    return undefined;
  }
}

/** A contract error as `Name(arg, ...)` when the escrow or the token declares it, else the error's own message. */
export function describeRevert(error: unknown): string {
  const data = revertData(error);
  if (data !== undefined) {
    for (const errors of [ESCROW_ERRORS, TOKEN_ERRORS]) {
      const decoded = errors.parseError(data);
      if (decoded !== null) return `${decoded.name}(${decoded.args.map(String).join(", ")})`;
    }
  }
  if (error instanceof Error) return (error as Error & { shortMessage?: string }).shortMessage ?? error.message;
  return String(error);
}

function revertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const { data } = current as { data?: unknown };
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8,}$/.test(data)) return data;
    const next = current as { error?: unknown; info?: { error?: unknown }; cause?: unknown };
    current = next.error ?? next.info?.error ?? next.cause;
  }
  return undefined;
}

/** `network` as a CAIP-2 id (`namespace:reference`). */
function asNetwork(network: string): Network {
  const match = /^([^:]+):(.+)$/.exec(network);
  if (match === null) throw new Error(`${network} is not a CAIP-2 network id`);
  return `${match[1]}:${match[2]}`;
}

/** What the in-process client needs of x402's `x402Facilitator` (`@x402/core/facilitator`). */
export interface LocalFacilitator {
  verify(payload: PaymentPayload, requirements: PaymentRequirements): Promise<VerifyResponse>;
  settle(payload: PaymentPayload, requirements: PaymentRequirements): Promise<SettleResponse>;
  getSupported(): {
    kinds: { x402Version: number; scheme: string; network: string; extra?: Record<string, unknown> }[];
    extensions: string[];
    signers: Record<string, string[]>;
  };
}

/**
 * x402's `FacilitatorClient` over a facilitator in the same process: what `x402ResourceServer` takes, with no HTTP
 * facilitator. Give it an `x402Facilitator` with the proofline scheme registered:
 * `new InProcessFacilitatorClient(new x402Facilitator().register(network, new ProoflineFacilitatorScheme(...)))`.
 */
export class InProcessFacilitatorClient {
  constructor(private readonly facilitator: LocalFacilitator) {}

  verify(payload: PaymentPayload, requirements: PaymentRequirements): Promise<VerifyResponse> {
    return this.facilitator.verify(payload, requirements);
  }

  settle(payload: PaymentPayload, requirements: PaymentRequirements): Promise<SettleResponse> {
    return this.facilitator.settle(payload, requirements);
  }

  async getSupported(): Promise<SupportedResponse> {
    const supported = this.facilitator.getSupported();
    return {
      ...supported,
      kinds: supported.kinds.map((kind) => ({ ...kind, network: asNetwork(kind.network) })),
    };
  }
}

/** The authorization's validity window and the request's deadline, against the chain's time `now`. */
function checkTimes({ params, authorization }: ProoflinePayload, offer: ProoflineExtra, now: bigint, slack: bigint) {
  if (authorization.validAfter > now) {
    throw new Refusal(
      ProoflineInvalidReason.NotYetValid,
      `the authorization is valid after ${authorization.validAfter}; now is ${now}`,
    );
  }
  if (authorization.validBefore <= now + SETTLEMENT_MARGIN_SECONDS) {
    throw new Refusal(
      ProoflineInvalidReason.Expired,
      `the authorization was valid before ${authorization.validBefore}; now is ${now}`,
    );
  }
  const latest = now + offer.deadlineSeconds + slack;
  if (params.deadline <= now || params.deadline > latest) {
    throw new Refusal(
      ProoflineInvalidReason.DeadlineOutOfRange,
      `deadline ${params.deadline} is not within (${now}, ${latest}]: now plus ${offer.deadlineSeconds} s and ${slack} s of slack`,
    );
  }
}

/** The authorization is unused (`used`, read from the token) and the payer holds `balance` >= the amount. */
function checkToken({ params, authorization }: ProoflinePayload, used: boolean, balance: bigint) {
  if (used) {
    throw new Refusal(
      ProoflineInvalidReason.AuthorizationUsed,
      `authorization ${authorization.nonce} of ${authorization.from} was already used`,
    );
  }
  if (balance < params.amount) {
    throw new Refusal(
      ProoflineInvalidReason.InsufficientFunds,
      `${authorization.from} holds ${balance}, less than ${params.amount}`,
    );
  }
}
