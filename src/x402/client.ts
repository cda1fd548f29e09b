/**
 * The paying side of the `proofline` scheme: an x402 v2 scheme client (x402's `SchemeNetworkClient`) that answers a
 * proofline offer by signing an EIP-3009 authorization into the escrow for exactly the request the offer describes.
 */
import { Signature, getAddress, hexlify, isAddress, randomBytes, type Signer } from "ethers";

import { signEscrowAuthorization, tokenDomain, type RequestParams } from "../escrow.js";
import {
  PROOFLINE_SCHEME,
  chainIdOf,
  encodeProoflinePayload,
  parseProoflineExtra,
  type ProoflinePayload,
} from "./scheme.js";
import { type PaymentPayloadResult, type PaymentRequirements } from "./types.js";

/** The client refused an offer; nothing was signed. */
export class ProoflineClientError extends Error {
  override name = "ProoflineClientError";
}

/** Options of {@link ProoflineClientScheme}. */
export interface ProoflineClientOptions {
  /**
   * The escrows this client pays into. When given, an offer whose `payTo` is not one of them is refused: a resource
   * could otherwise name any contract that takes EIP-3009 authorizations, or a plain wallet.
   */
  trustedEscrows?: readonly string[];
  /** The current time in seconds; by default the latest block's timestamp on the signer's chain. */
  now?: () => Promise<bigint>;
  /**
   * How many times the price the node must lock from its bond before answering above Vanilla (`bondMultiple` of the
   * escrow request); default 0, the vault's minimum of 2.
   */
  bondMultiple?: number;
}

/**
 * Signs proofline payments for `signer`. Each payment opens one escrow request: the asset and amount of the offer,
 * its route, subject, level, node and input commitment, a deadline `deadlineSeconds` from now and a random salt.
 * The authorization is valid from now until `maxTimeoutSeconds` from now.
 */
export class ProoflineClientScheme {
  readonly scheme = PROOFLINE_SCHEME;
  private readonly trusted?: ReadonlySet<string>;

  constructor(
    private readonly signer: Signer,
    private readonly options: ProoflineClientOptions = {},
  ) {
    if (options.trustedEscrows !== undefined) {
      for (const escrow of options.trustedEscrows) {
        if (!isAddress(escrow)) throw new ProoflineClientError(`trusted escrow ${escrow} is not an address`);
      }
      this.trusted = new Set(options.trustedEscrows.map((escrow) => getAddress(escrow)));
    }
  }

  async createPaymentPayload(x402Version: number, requirements: PaymentRequirements): Promise<PaymentPayloadResult> {
    const { params, escrow, chainId, validBefore, extra } = await this.requestFor(requirements);
    const domain = tokenDomain(extra.name, extra.version, chainId, params.asset);
    const signed = await signEscrowAuthorization(this.signer, domain, escrow, params, 0n, validBefore);
    const payload: ProoflinePayload = {
      params,
      authorization: {
        from: signed.from,
        to: escrow,
        value: params.amount,
        validAfter: signed.validAfter,
        validBefore: signed.validBefore,
        nonce: signed.nonce,
      },
      signature: Signature.from({ v: signed.v, r: signed.r, s: signed.s }).serialized,
    };
    return { x402Version, payload: { ...encodeProoflinePayload(payload) } };
  }

  /** The request `requirements` ask for, checked: the scheme, the escrow (when trusted ones are set), the terms. */
  private async requestFor(requirements: PaymentRequirements) {
    if (requirements.scheme !== PROOFLINE_SCHEME) {
      throw new ProoflineClientError(`requirements are for scheme ${requirements.scheme}, not ${PROOFLINE_SCHEME}`);
    }
    if (!isAddress(requirements.payTo)) throw new ProoflineClientError(`payTo ${requirements.payTo} is not an address`);
    const escrow = getAddress(requirements.payTo);
    if (this.trusted !== undefined && !this.trusted.has(escrow)) {
      throw new ProoflineClientError(`payTo ${escrow} is not an escrow this client trusts`);
    }
    if (!isAddress(requirements.asset)) throw new ProoflineClientError(`asset ${requirements.asset} is not an address`);
    if (!/^[1-9][0-9]*$/.test(requirements.amount)) {
      throw new ProoflineClientError(`amount ${requirements.amount} is not a positive integer`);
    }
    if (!Number.isSafeInteger(requirements.maxTimeoutSeconds) || requirements.maxTimeoutSeconds <= 0) {
      throw new ProoflineClientError(`maxTimeoutSeconds ${requirements.maxTimeoutSeconds} is not a positive integer`);
    }
    const extra = parseProoflineExtra(requirements.extra, "requirements.extra");
    const chainId = chainIdOf(requirements.network);
    const now = await this.now();
    const params: RequestParams = {
      asset: getAddress(requirements.asset),
      amount: BigInt(requirements.amount),
      route: extra.route,
      subject: extra.subject,
      minLevel: extra.minLevel,
      nodeId: extra.nodeId,
      deadline: now + extra.deadlineSeconds,
      inputCommitment: extra.inputCommitment,
      salt: hexlify(randomBytes(32)),
      bondMultiple: this.options.bondMultiple ?? 0,
    };
    return { params, escrow, chainId, validBefore: now + BigInt(requirements.maxTimeoutSeconds), extra };
  }

  private async now(): Promise<bigint> {
    if (this.options.now !== undefined) return this.options.now();
    const block = await this.signer.provider?.getBlock("latest");
    return BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
  }
}
