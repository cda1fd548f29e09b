/**
 * The resource side of the `proofline` scheme: an x402 v2 scheme server (x402's `SchemeNetworkServer`) that prices
 * routes in the payment token and states proofline offers, with the `upfront` flow only. The payment is settled,
 * that is the escrow request opened, before the route's handler runs: the node needs the request id to answer with
 * its payment reference. {@link ProoflineServerScheme.settlementFor} gives the handler that request.
 *
 * A route's terms go in its payment option: the escrow as `payTo`; the route, subject, level, node and
 * `deadlineSeconds` in `extra`; and the input commitment, which depends on the request, in the `extra` of a dynamic
 * price (x402 merges the price's `extra` into the requirements), e.g.
 * `price: (context) => ({ amount: "10000", asset: usdc, extra: { inputCommitment: commit(context.adapter.getBody?.()) } })`.
 */
import { getAddress, isAddress, parseUnits } from "ethers";

import {
  PROOFLINE_SCHEME,
  PROOFLINE_TRANSFER_METHOD,
  encodeProoflineExtra,
  parseProoflineExtra,
  parseProoflinePayload,
} from "./scheme.js";
import { type AssetAmount, type Network, type PaymentRequirements, type Price, type SupportedKind } from "./types.js";

/** A route's price or terms are not a valid proofline offer. */
export class ProoflineConfigError extends Error {
  override name = "ProoflineConfigError";
}

/** The payment token a server prices in. */
export interface ProoflineToken {
  address: string;
  /** EIP-712 domain name and version of the token's authorizations. */
  name: string;
  version: string;
  /** Default 6, as USDC. Money prices (`"$0.01"`) are converted with it. */
  decimals?: number;
}

/** The escrow request a settled payment opened. */
export interface ProoflineSettlement {
  requestId: bigint;
  /** What the node's answer must carry as `paymentRef`: `requestRef(requestId)`. */
  paymentRef: string;
  /** The `openWithAuthorization` transaction. */
  transaction: string;
  /** Who paid: the request's requester. */
  payer: string;
}

/** What {@link ProoflineServerScheme} reads of x402's settle hook context. */
export interface SettledContext {
  readonly paymentPayload: { readonly payload: unknown };
  readonly result: {
    readonly success: boolean;
    readonly transaction: string;
    readonly payer?: string;
    readonly extra?: unknown;
  };
}

/** How many settlements a server remembers for its handlers before it forgets the oldest. */
export const SETTLEMENTS_REMEMBERED = 1_024;

/** Prices in `token` and states proofline offers; remembers the requests its payments opened. */
export class ProoflineServerScheme {
  readonly scheme = PROOFLINE_SCHEME;
  readonly defaultAssetTransferMethod = PROOFLINE_TRANSFER_METHOD;
  readonly paymentFlows = { [PROOFLINE_TRANSFER_METHOD]: { supported: ["upfront"], default: "upfront" } } as const;
  readonly schemeHooks = { onAfterSettle: async (context: SettledContext) => this.remember(context) };

  private readonly token: Required<ProoflineToken>;
  private readonly settlements = new Map<string, ProoflineSettlement>();

  constructor(token: ProoflineToken) {
    if (!isAddress(token.address)) throw new ProoflineConfigError(`token ${token.address} is not an address`);
    const decimals = token.decimals ?? 6;
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77) {
      throw new ProoflineConfigError(`token decimals ${decimals} out of range`);
    }
    this.token = { ...token, address: getAddress(token.address), decimals };
  }

  /**
   * `{ amount, asset }` in atomic units as given (the token's EIP-712 name and version added when the asset is the
   * token), or money (`"$0.01"`, `"0.01"`, `0.01`) in the token, exactly: a price finer than the token's decimals
   * is refused rather than rounded.
   */
  async parsePrice(price: Price, network: Network): Promise<AssetAmount> {
    if (typeof price === "object") {
      if (!isAddress(price.asset)) throw new ProoflineConfigError(`price asset ${price.asset} is not an address`);
      if (!/^[1-9][0-9]*$/.test(price.amount)) {
        throw new ProoflineConfigError(`price amount ${price.amount} is not a positive integer of atomic units`);
      }
      const asset = getAddress(price.asset);
      const domain = asset === this.token.address ? { name: this.token.name, version: this.token.version } : {};
      return { amount: price.amount, asset, extra: { ...domain, ...price.extra } };
    }
    const money = typeof price === "number" ? String(price) : price.trim().replace(/^\$/, "");
    if (!/^[0-9]+(\.[0-9]+)?$/.test(money)) throw new ProoflineConfigError(`price ${price} on ${network} is not money`);
    let amount: bigint;
    try {
      amount = parseUnits(money, this.token.decimals);
    } catch {
      throw new ProoflineConfigError(`price ${price} is finer than the token's ${this.token.decimals} decimals`);
    }
    if (amount === 0n) throw new ProoflineConfigError(`price ${price} is zero`);
    return {
      amount: amount.toString(),
      asset: this.token.address,
      extra: { name: this.token.name, version: this.token.version },
    };
  }

  getAssetDecimals(asset: string): number | undefined {
    return isAddress(asset) && getAddress(asset) === this.token.address ? this.token.decimals : undefined;
  }

  /**
   * Checks that the requirements are a complete proofline offer (escrow address, every term in `extra`) and writes
   * the terms in their one wire form. A route that leaves a term out fails here, when its 402 is built, instead of
   * at the client.
   */
  async enhancePaymentRequirements(
    requirements: PaymentRequirements,
    supportedKind: SupportedKind,
    facilitatorExtensions: string[],
  ): Promise<PaymentRequirements> {
    void facilitatorExtensions;
    if (supportedKind.scheme !== PROOFLINE_SCHEME || requirements.scheme !== PROOFLINE_SCHEME) {
      throw new ProoflineConfigError(`requirements for scheme ${requirements.scheme} given to ${PROOFLINE_SCHEME}`);
    }
    if (!isAddress(requirements.payTo)) {
      throw new ProoflineConfigError(`payTo ${requirements.payTo} is not an address (the escrow)`);
    }
    let terms;
    try {
      terms = parseProoflineExtra(requirements.extra, "requirements.extra");
    } catch (error) {
      throw new ProoflineConfigError(
        `not a proofline offer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return {
      ...requirements,
      payTo: getAddress(requirements.payTo),
      asset: getAddress(requirements.asset),
      extra: { ...requirements.extra, ...encodeProoflineExtra(terms) },
    };
  }

  /**
   * The escrow request that `payment` (the payment of the request being handled, x402's decoded
   * `PAYMENT-SIGNATURE`) opened, or undefined when this server settled no such payment. Once read, it is forgotten.
   */
  settlementFor(payment: { payload: unknown }): ProoflineSettlement | undefined {
    const key = settlementKey(payment.payload);
    if (key === undefined) return undefined;
    const settlement = this.settlements.get(key);
    this.settlements.delete(key);
    return settlement;
  }

  private async remember({ paymentPayload, result }: SettledContext): Promise<void> {
    const key = settlementKey(paymentPayload.payload);
    const extra = result.extra as { requestId?: unknown; paymentRef?: unknown } | undefined;
    if (!result.success || key === undefined || typeof extra?.requestId !== "string") return;
    if (typeof extra.paymentRef !== "string" || result.payer === undefined) return;
    this.settlements.set(key, {
      requestId: BigInt(extra.requestId),
      paymentRef: extra.paymentRef,
      transaction: result.transaction,
      payer: result.payer,
    });
    if (this.settlements.size > SETTLEMENTS_REMEMBERED) {
      this.settlements.delete(this.settlements.keys().next().value!);
    }
  }
}

/** A payment is known by its payer and EIP-3009 nonce (which binds the escrow, the request and its salt). */
function settlementKey(payload: unknown): string | undefined {
  try {
    const { authorization } = parseProoflinePayload(payload);
    return `${authorization.from}:${authorization.nonce}`;
  } catch {
    return undefined;
  }
}
