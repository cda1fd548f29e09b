/**
 * Client side of `InferenceEscrow`: request parameters, the payment reference an answer must carry, the signatures
 * that fund a request (EIP-2612 permit, EIP-3009 `ReceiveWithAuthorization` as x402 signs it for USDC), and the
 * request as opened: the escrow stores only a commitment to it, so whoever releases, refunds or locks a bond for it
 * passes it back, rebuilt from the escrow's `RequestOpened` log (`readRequest`) or from what funded it (`requestOf`).
 */
import {
  AbiCoder,
  Signature,
  ZeroHash,
  getAddress,
  keccak256,
  toBeHex,
  type Signer,
  type TypedDataDomain,
} from "ethers";

import { Level, Route } from "./ledger.js";
import { headBlock, queryInRanges } from "./logs.js";
import type { InferenceEscrow } from "./typechain/index.js";

/** Mirrors `IInferenceEscrow.RequestParams`. `asset` is the zero address for ETH. */
export interface RequestParams {
  asset: string;
  amount: bigint;
  route: Route;
  subject: bigint;
  minLevel: Level;
  nodeId: bigint;
  deadline: bigint;
  inputCommitment: string;
  /** Tells identical requests apart (it changes the EIP-3009 nonce); any value. */
  salt: string;
  /**
   * How many times the price the node must lock from its bond before answering above Vanilla (`IBondVault`):
   * values below 2 (0 for the default) mean 2.
   */
  bondMultiple: number;
}

/**
 * Mirrors `IInferenceEscrow.Request`: a request as opened, what `release`, the refunds and the bond vault's
 * `lockPaid` / `slashPaid` take back. `fundingRef` is the EIP-3009 nonce, or zero for direct and permit funding.
 */
export interface EscrowRequest {
  requester: string;
  deadline: bigint;
  route: Route;
  minLevel: Level;
  nodeId: bigint;
  asset: string;
  subject: bigint;
  bondMultiple: number;
  amount: bigint;
  inputCommitment: string;
  fundingRef: string;
}

/** Mirrors `IInferenceEscrow.RequestStatus`. */
export enum RequestStatus {
  None = 0,
  Open = 1,
  Released = 2,
  Refunded = 3,
}

/** Mirrors `IInferenceEscrow.FundingMethod`. */
export enum FundingMethod {
  Direct = 0,
  Permit = 1,
  Authorization = 2,
}

/** Mirrors `IInferenceEscrow.RefundReason`. */
export enum RefundReason {
  Rejected = 0,
  Expired = 1,
}

const REQUEST_PARAMS_TUPLE = "tuple(address,uint256,uint8,uint64,uint8,uint32,uint40,bytes32,bytes32,uint16)";

const paramsTuple = (p: RequestParams) => [
  p.asset,
  p.amount,
  p.route,
  p.subject,
  p.minLevel,
  p.nodeId,
  p.deadline,
  p.inputCommitment,
  p.salt,
  p.bondMultiple,
];

const REQUEST_TUPLE = "tuple(address,uint40,uint8,uint8,uint32,address,uint64,uint16,uint256,bytes32,bytes32)";

/**
 * The request the escrow opens for `params`, paid by `requester` (the caller of `open` / `openWithPermit`, or the
 * authorization's `from`), funded by `fundingRef` (the EIP-3009 nonce for `openWithAuthorization`, else zero).
 */
export function requestOf(params: RequestParams, requester: string, fundingRef: string = ZeroHash): EscrowRequest {
  return {
    requester: getAddress(requester),
    deadline: BigInt(params.deadline),
    route: Number(params.route) as Route,
    minLevel: Number(params.minLevel) as Level,
    nodeId: BigInt(params.nodeId),
    asset: getAddress(params.asset),
    subject: BigInt(params.subject),
    bondMultiple: Number(params.bondMultiple),
    amount: BigInt(params.amount),
    inputCommitment: params.inputCommitment,
    fundingRef,
  };
}

/** A request as an ABI result (a `RequestOpened` log's `request`, typechain's struct output) as an `EscrowRequest`. */
export function toEscrowRequest(value: {
  requester: string;
  deadline: bigint;
  route: bigint | number;
  minLevel: bigint | number;
  nodeId: bigint;
  asset: string;
  subject: bigint;
  bondMultiple: bigint | number;
  amount: bigint;
  inputCommitment: string;
  fundingRef: string;
}): EscrowRequest {
  return {
    requester: value.requester,
    deadline: value.deadline,
    route: Number(value.route) as Route,
    minLevel: Number(value.minLevel) as Level,
    nodeId: value.nodeId,
    asset: value.asset,
    subject: value.subject,
    bondMultiple: Number(value.bondMultiple),
    amount: value.amount,
    inputCommitment: value.inputCommitment,
    fundingRef: value.fundingRef,
  };
}

/**
 * What the escrow stores of `request` beside its status: the top 248 bits of `keccak256(abi.encode(request))`, the
 * low byte zero (`InferenceEscrow._hashOf`).
 */
export function requestHash(request: EscrowRequest): string {
  const hash = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      [REQUEST_TUPLE],
      [
        [
          request.requester,
          request.deadline,
          request.route,
          request.minLevel,
          request.nodeId,
          request.asset,
          request.subject,
          request.bondMultiple,
          request.amount,
          request.inputCommitment,
          request.fundingRef,
        ],
      ],
    ),
  );
  return toBeHex(BigInt(hash) & ~0xffn, 32);
}

/**
 * Request `requestId` as `escrow` opened it, from its `RequestOpened` log: in the receipt of `from.transaction` (the
 * transaction that opened it, when known: one call), else searched from block `from` (the escrow's deployment block
 * when known; 0 by default) with the range-splitting search of `logs.ts`. Throws when no such request was opened
 * there.
 */
export async function readRequest(
  escrow: InferenceEscrow,
  requestId: bigint,
  from: number | { transaction: string } = 0,
): Promise<EscrowRequest> {
  const provider = escrow.runner?.provider;
  if (!provider) throw new Error("readRequest: the escrow contract has no provider");
  const address = (await escrow.getAddress()).toLowerCase();
  if (typeof from === "object") {
    const receipt = await provider.getTransactionReceipt(from.transaction);
    for (const log of receipt?.logs ?? []) {
      if (log.address.toLowerCase() !== address) continue;
      const parsed = escrow.interface.parseLog(log);
      if (parsed?.name === "RequestOpened" && parsed.args.requestId === requestId) {
        return toEscrowRequest(parsed.args.request);
      }
    }
    throw new Error(`transaction ${from.transaction} did not open request ${requestId} of escrow ${address}`);
  }
  const [opened] = await queryInRanges(
    (fromBlock, toBlock) => escrow.queryFilter(escrow.filters.RequestOpened(requestId), fromBlock, toBlock),
    from,
    await headBlock(provider),
  );
  if (opened === undefined) throw new Error(`escrow ${address} opened no request ${requestId}`);
  return toEscrowRequest(opened.args.request);
}

/** How many bits of a payment reference hold the request id (`RequestRefLib`). */
const REQUEST_ID_BITS = 96n;

/**
 * The payment reference an answer to `requestId` carries (`RequestRefLib.encode`): the escrow's address in the first
 * 20 bytes, the request id in the last 12.
 */
export function requestRef(escrow: string, requestId: bigint): string {
  if (requestId < 0n || requestId >= 1n << REQUEST_ID_BITS) throw new Error(`request id ${requestId} out of range`);
  return toBeHex((BigInt(getAddress(escrow)) << REQUEST_ID_BITS) | requestId, 32);
}

/** The request id `paymentRef` names at `escrow`, or undefined when it is not a reference of `escrow`. */
export function requestIdOf(paymentRef: string, escrow: string): bigint | undefined {
  const ref = BigInt(paymentRef);
  if (ref >> REQUEST_ID_BITS !== BigInt(getAddress(escrow))) return undefined;
  return ref & ((1n << REQUEST_ID_BITS) - 1n);
}

/** The EIP-3009 nonce that ties `from`'s authorization to exactly `params` on `escrow`. */
export function authorizationNonce(chainId: bigint, escrow: string, from: string, params: RequestParams): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "address", REQUEST_PARAMS_TUPLE],
      [chainId, escrow, from, paramsTuple(params)],
    ),
  );
}

export const RECEIVE_WITH_AUTHORIZATION_TYPES = {
  ReceiveWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** A token's EIP-712 domain (name and version as the token reports them; USDC uses version "2"). */
export function tokenDomain(name: string, version: string, chainId: bigint, token: string): TypedDataDomain {
  return { name, version, chainId, verifyingContract: token };
}

/**
 * `payer`'s EIP-3009 authorization to pay `params.amount` into `escrow` for exactly this request, split into the
 * `v, r, s` that `openWithAuthorization` takes.
 */
export async function signEscrowAuthorization(
  payer: Signer,
  domain: TypedDataDomain,
  escrow: string,
  params: RequestParams,
  validAfter: bigint,
  validBefore: bigint,
) {
  const from = await payer.getAddress();
  const nonce = authorizationNonce(BigInt(domain.chainId!), escrow, from, params);
  const signature = await payer.signTypedData(domain, RECEIVE_WITH_AUTHORIZATION_TYPES, {
    from,
    to: escrow,
    value: params.amount,
    validAfter,
    validBefore,
    nonce,
  });
  const { v, r, s } = Signature.from(signature);
  return { from, nonce, validAfter, validBefore, v, r, s };
}

/** `owner`'s EIP-2612 permit for `spender` to take `value`, split into `v, r, s`. */
export async function signPermit(
  owner: Signer,
  domain: TypedDataDomain,
  spender: string,
  value: bigint,
  nonce: bigint,
  deadline: bigint,
) {
  const signature = await owner.signTypedData(domain, PERMIT_TYPES, {
    owner: await owner.getAddress(),
    spender,
    value,
    nonce,
    deadline,
  });
  const { v, r, s } = Signature.from(signature);
  return { deadline, v, r, s };
}
