/**
 * TypeScript mirrors of the contracts' enums and constants that have no other home in the client library. The rest
 * live beside the code that uses them: `Level`, `Route`, `RecordState` and the EIP-712 types in `ledger.ts`;
 * `OutputKind`, `InputKind`, `Provenance` and `MEDIA_TYPES` in `commitments.ts`; `ArtifactStatus` and
 * `RevocationReason` in `registry.ts`; `RequestStatus`, `FundingMethod` and `RefundReason` in `escrow.ts`; `Roles` in
 * `roles.ts`; `SNARK_SCALAR_FIELD` in `zk.ts`; the risk scorer's `maxScore` in `models/riskScorer.ts`.
 * `test/client/mirrors.ts` checks every one of them against the Solidity source.
 */

/** Mirrors `IInferenceLedger.RejectionReason`: why a record was rejected. */
export enum RejectionReason {
  DeadlineMissed = 0,
  Refuted = 1,
  ArtifactRevoked = 2,
}

/** Mirrors `IVerifierRouter.VerifierStatus`. Frozen is final. */
export enum VerifierStatus {
  None = 0,
  Active = 1,
  Frozen = 2,
}

/** Mirrors `ITwinMarket.FeeSetting`: which fee setting a change is about (`setFee`, `pendingChange`, ...). */
export enum FeeSetting {
  ProtocolFee = 0,
  SubjectFee = 1,
  FeeDestination = 2,
}

/**
 * Mirrors `ModerationQueue.Verdict` (the example consumer): the verdict it stores for a queued post. The moderation
 * part it reads encodes its verdict apart from this, as 0 (keep) or 1 (remove).
 */
export enum Verdict {
  Pending = 0,
  Keep = 1,
  Remove = 2,
}

/** Mirrors `TwinMarket`'s constants: fee caps (fractions of `TWIN_CURVE.FEE_SCALE`), timelock and limits. */
export const TWIN_MARKET = {
  /** 5%. */
  MAX_PROTOCOL_FEE: 5n * 10n ** 16n,
  /** 5%. */
  MAX_SUBJECT_FEE: 5n * 10n ** 16n,
  /** Seconds a fee increase or a fee destination change waits before it may apply (3 days). */
  FEE_DELAY: 3n * 86_400n,
  /** Seconds after its effective time that a queued change lapses (7 days). */
  GRACE_PERIOD: 7n * 86_400n,
  /** Most seconds a trade's deadline may lie ahead (1 day). */
  MAX_DEADLINE: 86_400n,
  /** Most shares of one twin. */
  MAX_SUPPLY: 1_000_000n,
} as const;

/** Mirrors `TwinCurveLib`'s constants: share `s` costs `s^2 * PRICE_UNIT` wei; fee rates are fractions of `FEE_SCALE`. */
export const TWIN_CURVE = {
  /** 1 ether / 16,000. */
  PRICE_UNIT: 10n ** 18n / 16_000n,
  FEE_SCALE: 10n ** 18n,
} as const;

/** Mirrors `InferenceEscrow.CLAIM_WINDOW`: seconds after a request's deadline before it can be refunded as expired. */
export const ESCROW_CLAIM_WINDOW = 86_400n;

/** Mirrors `IBondVault.LockStatus`. Released, Slashed and Cancelled are final. */
export enum LockStatus {
  None = 0,
  Locked = 1,
  Released = 2,
  Slashed = 3,
  Cancelled = 4,
}

/** Mirrors `BondVault`'s constants: the least multiple of the price a paid claim locks, and the slash split. */
export const BOND_VAULT = {
  MIN_PAID_MULTIPLE: 2n,
  /** The share of a slash that goes to whoever refuted the record (or slashed a missed deadline), in basis points. */
  REPORTER_SHARE_BPS: 5_000n,
  /** The share of a slash that goes to the requester of a paid request, in basis points. */
  REQUESTER_SHARE_BPS: 3_000n,
} as const;

/** Mirrors `ModelRegistry.MAX_LABEL_LENGTH`: the longest label, in bytes. */
export const MAX_LABEL_LENGTH = 64n;

/** Mirrors `AttesterRegistry`'s name limit: the longest provider or data source name, in bytes. */
export const MAX_ATTESTER_NAME_LENGTH = 64n;

/** Mirrors `InferenceLedger.BATCH_ROOT_SLOTS`: how many batch roots each enclave keeps. */
export const BATCH_ROOT_SLOTS = 32n;

/** Mirrors `VerifierRouter.MAX_ZK_OUTPUTS`: the most output signals a verifier's circuit may have. */
export const MAX_ZK_OUTPUTS = 8n;

/** Mirrors `VerifierRouter.MAX_ZK_BATCH`: the most inferences one batch verifier's proof may cover. */
export const MAX_ZK_BATCH = 64n;
