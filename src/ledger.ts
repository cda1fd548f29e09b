import { concat, dataSlice, getAddress, keccak256, toUtf8Bytes, type Signer, type TypedDataDomain } from "ethers";

/** Mirrors `VerificationLevel` in `contracts/types/InferenceTypes.sol`. */
export enum Level {
  None = 0,
  Vanilla = 1,
  TEE = 2,
  ZKML = 3,
}

/** Mirrors `Route`. */
export enum Route {
  Local = 0,
  Proxy = 1,
}

/** Mirrors `RecordState`. */
export enum RecordState {
  None = 0,
  Answered = 1,
  Settled = 2,
  Rejected = 3,
}

/**
 * An inference id of the node whose key is `nodeKey`: the key's address in its first 20 bytes (the ledger refuses any
 * other id from that key), then the first 12 bytes of keccak256(`nonce`). Distinct nonces give distinct ids.
 */
export function inferenceIdFor(nodeKey: string, nonce: string): string {
  return concat([getAddress(nodeKey), dataSlice(keccak256(toUtf8Bytes(nonce)), 0, 12)]).toLowerCase();
}

/** What a node signs to answer an inference (the `Answer` struct). */
export interface Answer {
  inferenceId: string;
  route: Route;
  subject: bigint;
  claimed: Level;
  inputCommitment: string;
  outputCommitment: string;
  paymentRef: string;
}

/**
 * EIP-712 types; they must match the ledger's ANSWER_TYPEHASH, ATTESTATION_TYPEHASH and BATCH_TYPEHASH and the
 * attester registry's heartbeat and key consent types.
 */
export const ANSWER_TYPES = {
  Answer: [
    { name: "inferenceId", type: "bytes32" },
    { name: "route", type: "uint8" },
    { name: "subject", type: "uint64" },
    { name: "claimed", type: "uint8" },
    { name: "inputCommitment", type: "bytes32" },
    { name: "outputCommitment", type: "bytes32" },
    { name: "paymentRef", type: "bytes32" },
  ],
};

/** The EIP-712 type a node signs to answer many inferences at once (`InferenceLedger.answerMany`). */
export const ANSWER_BATCH_TYPES = {
  AnswerBatch: [{ name: "answers", type: "Answer[]" }],
  Answer: ANSWER_TYPES.Answer,
};

export const ATTESTATION_TYPES = {
  Attestation: [
    { name: "inferenceId", type: "bytes32" },
    { name: "route", type: "uint8" },
    { name: "subject", type: "uint64" },
    { name: "answerDigest", type: "bytes32" },
  ],
};

export const HEARTBEAT_TYPES = {
  Heartbeat: [
    { name: "enclave", type: "address" },
    { name: "timestamp", type: "uint40" },
  ],
};

export const NODE_KEY_CONSENT_TYPES = {
  NodeKeyConsent: [
    { name: "key", type: "address" },
    { name: "operator", type: "address" },
  ],
};

export const ENCLAVE_KEY_CONSENT_TYPES = {
  EnclaveKeyConsent: [
    { name: "enclave", type: "address" },
    { name: "measurement", type: "bytes32" },
    { name: "route", type: "uint8" },
    { name: "subject", type: "uint64" },
  ],
};

export const BATCH_TYPES = {
  SettlementBatch: [
    { name: "round", type: "uint32" },
    { name: "root", type: "bytes32" },
  ],
};

/** The ledger's EIP-712 domain: bound to the chain and to the ledger's address. */
export function ledgerDomain(chainId: bigint, ledgerAddress: string): TypedDataDomain {
  return { name: "Proofline InferenceLedger", version: "1", chainId, verifyingContract: ledgerAddress };
}

/** The attester registry's EIP-712 domain, under which keys consent to registration and enclaves sign heartbeats. */
export function attesterRegistryDomain(chainId: bigint, registryAddress: string): TypedDataDomain {
  return { name: "Proofline AttesterRegistry", version: "1", chainId, verifyingContract: registryAddress };
}

/** A node's EIP-712 signature over `answer`. */
export function signAnswer(node: Signer, domain: TypedDataDomain, answer: Answer): Promise<string> {
  return node.signTypedData(domain, ANSWER_TYPES, answer);
}

/** A node's one EIP-712 signature over all of `answers`, for `answerMany`. */
export function signAnswers(node: Signer, domain: TypedDataDomain, answers: Answer[]): Promise<string> {
  return node.signTypedData(domain, ANSWER_BATCH_TYPES, { answers });
}

/** An enclave's EIP-712 attestation that `inferenceId` on (`route`, `subject`) has content `digest`. */
export function signAttestation(
  enclave: Signer,
  domain: TypedDataDomain,
  attestation: { inferenceId: string; route: Route; subject: bigint; answerDigest: string },
): Promise<string> {
  return enclave.signTypedData(domain, ATTESTATION_TYPES, attestation);
}

/** A key's consent to be registered as a node key operated by `operator` (attester registry domain). */
export async function signNodeKeyConsent(key: Signer, domain: TypedDataDomain, operator: string): Promise<string> {
  return key.signTypedData(domain, NODE_KEY_CONSENT_TYPES, { key: await key.getAddress(), operator });
}

/** An enclave key's consent to be registered with `measurement`, bound to (`route`, `subject`). */
export async function signEnclaveKeyConsent(
  enclave: Signer,
  domain: TypedDataDomain,
  binding: { measurement: string; route: Route; subject: bigint },
): Promise<string> {
  return enclave.signTypedData(domain, ENCLAVE_KEY_CONSENT_TYPES, { enclave: await enclave.getAddress(), ...binding });
}

/** An enclave's signed liveness heartbeat at `timestamp`, under the attester registry's domain. */
export async function signHeartbeat(enclave: Signer, domain: TypedDataDomain, timestamp: bigint): Promise<string> {
  return enclave.signTypedData(domain, HEARTBEAT_TYPES, { enclave: await enclave.getAddress(), timestamp });
}

/** An enclave's EIP-712 commitment to a batch `root` of its attestations in `round` (for `commitBatch`). */
export function signBatch(enclave: Signer, domain: TypedDataDomain, round: bigint, root: string): Promise<string> {
  return enclave.signTypedData(domain, BATCH_TYPES, { round, root });
}
