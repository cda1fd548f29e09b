/**
 * Client side of `InferenceEscrow`: request parameters, the payment reference an answer must carry, and the
 * signatures that fund a request (EIP-2612 permit, EIP-3009 `ReceiveWithAuthorization` as x402 signs it for USDC).
 */
import { AbiCoder, Signature, getAddress, keccak256, toBeHex, type Signer, type TypedDataDomain } from "ethers";

import { Level, Route } from "./ledger.js";

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
