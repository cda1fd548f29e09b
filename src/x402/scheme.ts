/**
 * The `proofline` x402 scheme: an x402 v2 payment that opens an `InferenceEscrow` request instead of paying the
 * resource's wallet. The client signs an EIP-3009 `ReceiveWithAuthorization` to the escrow whose nonce is
 * `authorizationNonce(from, params)`, so the signature funds exactly one request: the route, subject, level, node and
 * input the resource named, with a deadline the client picked. A facilitator submits it with
 * `openWithAuthorization`; the node answers with the request's payment reference and is paid only once its answer
 * is proven (docs/ARCHITECTURE.md, payments).
 *
 * This module holds the names and shapes both sides agree on, and the strict parsers that turn untrusted JSON (a
 * 402 response's `extra`, a client's payload) into typed values or a {@link ProoflineParseError} that names the
 * field and why.
 */
import { getAddress, isAddress, isHexString } from "ethers";

import { type RequestParams } from "../escrow.js";
import { Level, Route } from "../ledger.js";
import { type Network } from "./types.js";

/** The scheme's name in x402 payment requirements. */
export const PROOFLINE_SCHEME = "proofline";

/** The asset transfer method the scheme uses (x402's `extra.assetTransferMethod`): EIP-3009 only. */
export const PROOFLINE_TRANSFER_METHOD = "eip3009";

/**
 * `requirements.extra` of a proofline offer, typed. On the wire ({@link ProoflineExtraWire}) the 64-bit values are
 * decimal strings.
 */
export interface ProoflineExtra {
  /** The token's EIP-712 domain name and version, as its authorizations are signed (USDC: version "2"). */
  name: string;
  version: string;
  route: Route;
  subject: bigint;
  minLevel: Level;
  nodeId: bigint;
  inputCommitment: string;
  /** How long after payment the answer may settle: the client sets `deadline = now + deadlineSeconds`. */
  deadlineSeconds: bigint;
}

/** {@link ProoflineExtra} as JSON. */
export interface ProoflineExtraWire {
  name: string;
  version: string;
  route: number;
  subject: string;
  minLevel: number;
  nodeId: string;
  inputCommitment: string;
  deadlineSeconds: number;
}

/** `RequestParams` as JSON: integers wider than 32 bits as decimal strings. */
export interface RequestParamsWire {
  asset: string;
  amount: string;
  route: number;
  subject: string;
  minLevel: number;
  nodeId: string;
  deadline: string;
  inputCommitment: string;
  salt: string;
  /** Optional on the wire (absent reads 0, the vault's minimum multiple). */
  bondMultiple?: number;
}

/** The EIP-3009 `ReceiveWithAuthorization` message, typed. */
export interface Authorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

/** {@link Authorization} as JSON. */
export interface AuthorizationWire {
  from: string;
  to: string;
  value: string;
  validAfter: string;
  validBefore: string;
  nonce: string;
}

/** The scheme's `payload` in an x402 `PaymentPayload`, as JSON. */
export interface ProoflinePayloadWire {
  params: RequestParamsWire;
  authorization: AuthorizationWire;
  /** The 65-byte EIP-712 signature of `authorization` in the token's domain. */
  signature: string;
}

/** The scheme's payload, typed. */
export interface ProoflinePayload {
  params: RequestParams;
  authorization: Authorization;
  signature: string;
}

/** Untrusted input that is not what the scheme expects; `field` is the path of the first bad value. */
export class ProoflineParseError extends Error {
  override name = "ProoflineParseError";
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const UINT8_MAX = 2n ** 8n - 1n;
const UINT16_MAX = 2n ** 16n - 1n;
const UINT32_MAX = 2n ** 32n - 1n;
const UINT40_MAX = 2n ** 40n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const UINT256_MAX = 2n ** 256n - 1n;

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProoflineParseError(field, "must be an object");
  }
  return value as Record<string, unknown>;
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0)
    throw new ProoflineParseError(field, "must be a non-empty string");
  return value;
}

function address(value: unknown, field: string): string {
  if (typeof value !== "string" || !isAddress(value)) throw new ProoflineParseError(field, "must be an address");
  return getAddress(value);
}

function bytes32(value: unknown, field: string): string {
  if (typeof value !== "string" || !isHexString(value, 32))
    throw new ProoflineParseError(field, "must be 32 bytes hex");
  return value.toLowerCase();
}

/** A decimal string of an unsigned integer at most `max`: no sign, no leading zeros, no exponent. */
function uintString(value: unknown, field: string, max: bigint): bigint {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]*)$/.test(value)) {
    throw new ProoflineParseError(field, "must be a decimal string of an unsigned integer");
  }
  const n = BigInt(value);
  if (n > max) throw new ProoflineParseError(field, `must be at most ${max}`);
  return n;
}

/** A JSON number that is a safe unsigned integer at most `max`. */
function uintNumber(value: unknown, field: string, max: bigint): bigint {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || BigInt(value) > max) {
    throw new ProoflineParseError(field, `must be an integer from 0 to ${max}`);
  }
  return BigInt(value);
}

function route(value: unknown, field: string): Route {
  const n = uintNumber(value, field, UINT8_MAX);
  if (n !== BigInt(Route.Local) && n !== BigInt(Route.Proxy)) {
    throw new ProoflineParseError(field, "must be 0 (Local) or 1 (Proxy)");
  }
  return Number(n) as Route;
}

function level(value: unknown, field: string): Level {
  const n = uintNumber(value, field, UINT8_MAX);
  if (n > BigInt(Level.ZKML)) throw new ProoflineParseError(field, "must be a verification level from 0 to 3");
  return Number(n) as Level;
}

/** Parses a proofline offer's `requirements.extra`. Keys it does not know (x402's `paymentFlow`) are ignored. */
export function parseProoflineExtra(value: unknown, field = "extra"): ProoflineExtra {
  const extra = record(value, field);
  const deadlineSeconds = uintNumber(extra.deadlineSeconds, `${field}.deadlineSeconds`, UINT40_MAX);
  if (deadlineSeconds === 0n) throw new ProoflineParseError(`${field}.deadlineSeconds`, "must be more than zero");
  return {
    name: text(extra.name, `${field}.name`),
    version: text(extra.version, `${field}.version`),
    route: route(extra.route, `${field}.route`),
    subject: uintString(extra.subject, `${field}.subject`, UINT64_MAX),
    minLevel: level(extra.minLevel, `${field}.minLevel`),
    nodeId: uintString(extra.nodeId, `${field}.nodeId`, UINT32_MAX),
    inputCommitment: bytes32(extra.inputCommitment, `${field}.inputCommitment`),
    deadlineSeconds,
  };
}

/** {@link ProoflineExtra} as JSON. */
export function encodeProoflineExtra(extra: ProoflineExtra): ProoflineExtraWire {
  return {
    name: extra.name,
    version: extra.version,
    route: extra.route,
    subject: extra.subject.toString(),
    minLevel: extra.minLevel,
    nodeId: extra.nodeId.toString(),
    inputCommitment: extra.inputCommitment,
    deadlineSeconds: Number(extra.deadlineSeconds),
  };
}

/** Parses request parameters sent as JSON, with the ranges of `IInferenceEscrow.RequestParams`. */
export function parseRequestParams(value: unknown, field = "params"): RequestParams {
  const p = record(value, field);
  return {
    asset: address(p.asset, `${field}.asset`),
    amount: uintString(p.amount, `${field}.amount`, UINT256_MAX),
    route: route(p.route, `${field}.route`),
    subject: uintString(p.subject, `${field}.subject`, UINT64_MAX),
    minLevel: level(p.minLevel, `${field}.minLevel`),
    nodeId: uintString(p.nodeId, `${field}.nodeId`, UINT32_MAX),
    deadline: uintString(p.deadline, `${field}.deadline`, UINT40_MAX),
    inputCommitment: bytes32(p.inputCommitment, `${field}.inputCommitment`),
    salt: bytes32(p.salt, `${field}.salt`),
    bondMultiple:
      p.bondMultiple === undefined ? 0 : Number(uintNumber(p.bondMultiple, `${field}.bondMultiple`, UINT16_MAX)),
  };
}

/** Request parameters as JSON. */
export function encodeRequestParams(p: RequestParams): RequestParamsWire {
  return {
    asset: p.asset,
    amount: p.amount.toString(),
    route: p.route,
    subject: p.subject.toString(),
    minLevel: p.minLevel,
    nodeId: p.nodeId.toString(),
    deadline: p.deadline.toString(),
    inputCommitment: p.inputCommitment,
    salt: p.salt,
    bondMultiple: p.bondMultiple,
  };
}

/** Parses an EIP-3009 authorization sent as JSON. */
export function parseAuthorization(value: unknown, field = "authorization"): Authorization {
  const a = record(value, field);
  return {
    from: address(a.from, `${field}.from`),
    to: address(a.to, `${field}.to`),
    value: uintString(a.value, `${field}.value`, UINT256_MAX),
    validAfter: uintString(a.validAfter, `${field}.validAfter`, UINT256_MAX),
    validBefore: uintString(a.validBefore, `${field}.validBefore`, UINT256_MAX),
    nonce: bytes32(a.nonce, `${field}.nonce`),
  };
}

/** An authorization as JSON. */
export function encodeAuthorization(a: Authorization): AuthorizationWire {
  return {
    from: a.from,
    to: a.to,
    value: a.value.toString(),
    validAfter: a.validAfter.toString(),
    validBefore: a.validBefore.toString(),
    nonce: a.nonce,
  };
}

/** Parses a proofline payment payload (x402's `paymentPayload.payload`). */
export function parseProoflinePayload(value: unknown, field = "payload"): ProoflinePayload {
  const payload = record(value, field);
  const signature = payload.signature;
  if (typeof signature !== "string" || !isHexString(signature, 65)) {
    throw new ProoflineParseError(`${field}.signature`, "must be a 65-byte hex signature");
  }
  return {
    params: parseRequestParams(payload.params, `${field}.params`),
    authorization: parseAuthorization(payload.authorization, `${field}.authorization`),
    signature,
  };
}

/** A proofline payload as JSON. */
export function encodeProoflinePayload(payload: ProoflinePayload): ProoflinePayloadWire {
  return {
    params: encodeRequestParams(payload.params),
    authorization: encodeAuthorization(payload.authorization),
    signature: payload.signature,
  };
}

/** The chain id of an EIP-155 network id (`eip155:84532` → 84532n). */
export function chainIdOf(network: string): bigint {
  const match = /^eip155:([1-9][0-9]*)$/.exec(network);
  if (match === null) throw new ProoflineParseError("network", `${network} is not an eip155:<chain id> network`);
  return BigInt(match[1]);
}

/** The x402 network id of an EVM chain. */
export function networkOf(chainId: bigint): Network {
  return `eip155:${chainId}`;
}
