/**
 * Attested external data (docs/HASHING.md, "Attested external data"): a data source (a price feed, a credit bureau)
 * registers signing keys in the attester registry and signs `SourcedData(bytes32 contentHash)` over the content hash
 * of each piece of data it vouches for. The signature travels with the input part (provenance `SourceSigned`), and a
 * consumer whose policy requires attested input checks it on-chain (`IAttesterRegistry.sourceOfData`).
 */
import {
  getBytes,
  isHexString,
  keccak256,
  verifyTypedData,
  type BytesLike,
  type Signer,
  type TypedDataDomain,
} from "ethers";

import { contentBytes } from "./commitments.js";

export const DATA_SOURCE_KEY_CONSENT_TYPES = {
  DataSourceKeyConsent: [
    { name: "key", type: "address" },
    { name: "sourceId", type: "uint32" },
  ],
};

export const SOURCED_DATA_TYPES = {
  SourcedData: [{ name: "contentHash", type: "bytes32" }],
};

/** A key's consent to be a signing key of data source `sourceId` (attester registry domain). */
export async function signDataSourceKeyConsent(
  key: Signer,
  domain: TypedDataDomain,
  sourceId: bigint | number,
): Promise<string> {
  return key.signTypedData(domain, DATA_SOURCE_KEY_CONSENT_TYPES, { key: await key.getAddress(), sourceId });
}

/**
 * A data source key's attestation of `content` (the exact bytes of an input part; hex strings and byte arrays as they
 * are, other strings as UTF-8): its EIP-712 signature of `SourcedData(keccak256(content))` under the attester
 * registry's domain.
 */
export function signSourcedData(key: Signer, domain: TypedDataDomain, content: BytesLike | string): Promise<string> {
  return key.signTypedData(domain, SOURCED_DATA_TYPES, { contentHash: keccak256(contentBytes(content)) });
}

/**
 * The key that signed `signature` over `contentHash`, as the registry recovers it. Throws on a signature the registry
 * refuses: anything but 65 bytes `r ‖ s ‖ v` with `v` 27 or 28 and a low `s` (ethers alone would also accept compact
 * signatures and `v` 0 or 1, which no consumer accepts).
 */
export function sourcedDataSigner(domain: TypedDataDomain, contentHash: string, signature: string): string {
  if (!isHexString(signature, 65) || ![27, 28].includes(getBytes(signature)[64])) {
    throw new Error(`not a 65-byte signature with v 27 or 28: ${signature}`);
  }
  return verifyTypedData(domain, SOURCED_DATA_TYPES, { contentHash }, signature);
}
