import { encodeBytes32String, isHexString, sha256, toUtf8Bytes } from "ethers";

import { blobIdToBytes32 } from "./blobId.js";

/** Revocation reasons, mirroring `RevocationReason` in `contracts/types/ModelTypes.sol`. */
export enum RevocationReason {
  Unspecified = 0,
  Compromised = 1,
  Defective = 2,
  Malicious = 3,
  LicenseViolation = 4,
  Other = 5,
}

/** Artifact statuses, mirroring `ArtifactStatus` in `contracts/types/ModelTypes.sol`. */
export enum ArtifactStatus {
  None = 0,
  Active = 1,
  Deprecated = 2,
  Revoked = 3,
}

/** SHA-256 of a weights file: the artifact's content digest in the model registry. */
export function weightsDigest(bytes: Uint8Array): string {
  return sha256(bytes);
}

/** The `ArtifactParams` struct the registry takes, in the shape ethers encodes. */
export interface ArtifactParams {
  blobId: string;
  contentDigest: string;
  format: string;
  major: number;
  minor: number;
  patch: number;
  parentId: bigint;
  zkCommitment: bigint;
}

/** A friendlier description of an artifact to register. */
export interface ArtifactInput {
  /** The blob id, as its 43-character base64url text or as 0x-prefixed 32-byte hex. */
  blobId: string;
  /** SHA-256 of the weights file, 0x-prefixed hex. */
  contentDigest: string;
  /** A short format tag, at most 16 bytes of UTF-8 ("onnx", "gguf", "circom-groth16"). */
  format: string;
  /** "major.minor.patch". */
  version: string;
  parentId?: bigint;
  zkCommitment?: bigint;
}

/** Encodes a format tag as the registry's `bytes16`. */
export function formatTag(tag: string): string {
  if (tag.length === 0 || toUtf8Bytes(tag).length > 16) throw new Error(`format tag must be 1 to 16 bytes: ${tag}`);
  return encodeBytes32String(tag).slice(0, 34);
}

/** Parses "major.minor.patch" into numbers that fit the registry's uint32 fields. */
export function parseSemVer(version: string): { major: number; minor: number; patch: number } {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(version);
  if (match === null) throw new Error(`not a major.minor.patch version: ${version}`);
  const [major, minor, patch] = match.slice(1).map(Number);
  for (const part of [major, minor, patch]) {
    if (part > 0xffffffff) throw new Error(`version component above uint32: ${version}`);
  }
  return { major, minor, patch };
}

/** Builds the registry's `ArtifactParams` from an {@link ArtifactInput}. */
export function toArtifactParams(input: ArtifactInput): ArtifactParams {
  const blobId = isHexString(input.blobId, 32) ? input.blobId.toLowerCase() : blobIdToBytes32(input.blobId);
  if (!isHexString(input.contentDigest, 32)) throw new Error("content digest must be 32 bytes of hex");
  return {
    blobId,
    contentDigest: input.contentDigest,
    format: formatTag(input.format),
    ...parseSemVer(input.version),
    parentId: input.parentId ?? 0n,
    zkCommitment: input.zkCommitment ?? 0n,
  };
}
