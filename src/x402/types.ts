/**
 * The x402 v2 wire types the `proofline` scheme reads and writes, written out here so that the client library stays
 * free of run-time dependencies other than ethers (test/client/index.ts holds it to that). They are structurally
 * the same as `@x402/core/types` (2.x): test/x402/ProoflineScheme.ts assigns this folder's classes to x402's own
 * `SchemeNetworkClient`, `SchemeNetworkServer`, `SchemeNetworkFacilitator` and `FacilitatorClient` interfaces, so
 * the compiler checks that they fit.
 */

/** A CAIP-2 network id; for EVM chains `eip155:<chain id>`. */
export type Network = `${string}:${string}`;

/** What a resource asks to be paid, per accepted option. */
export interface PaymentRequirements {
  scheme: string;
  network: Network;
  asset: string;
  /** Atomic units, as a decimal string. */
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra: Record<string, unknown>;
}

/** Where a paid resource lives. */
export interface ResourceInfo {
  url: string;
  description?: string;
  mimeType?: string;
  serviceName?: string;
  tags?: string[];
  iconUrl?: string;
}

/** What a client sends: the requirements it accepted and the scheme's payload. */
export interface PaymentPayload {
  x402Version: number;
  resource?: ResourceInfo;
  accepted: PaymentRequirements;
  payload: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

/** What a scheme client returns; x402's client adds `accepted` and `resource`. */
export interface PaymentPayloadResult {
  x402Version: number;
  payload: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

export interface VerifyResponse {
  isValid: boolean;
  invalidReason?: string;
  invalidMessage?: string;
  payer?: string;
  extensions?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export interface SettleResponse {
  success: boolean;
  errorReason?: string;
  errorMessage?: string;
  payer?: string;
  /** The transaction hash, or "" when nothing was sent. */
  transaction: string;
  network: Network;
  amount?: string;
  extensions?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export interface SupportedKind {
  x402Version: number;
  scheme: string;
  network: Network;
  extra?: Record<string, unknown>;
}

export interface SupportedResponse {
  kinds: SupportedKind[];
  extensions: string[];
  signers: Record<string, string[]>;
}

/** An amount in an asset's atomic units. */
export interface AssetAmount {
  asset: string;
  amount: string;
  extra?: Record<string, unknown>;
}

/** A price as a route states it: money (`"$0.01"`, `0.01`) or an asset amount. */
export type Price = string | number | AssetAmount;

/** x402's payment flows; `upfront` settles before the resource handler runs. */
export type PaymentFlowName = "authorization" | "upfront" | "escrow";

export interface PaymentFlowConfig {
  readonly supported: readonly PaymentFlowName[];
  readonly default: PaymentFlowName;
}
