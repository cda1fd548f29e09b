/**
 * Walrus-style blob ids: 32 raw bytes on chain, 43 characters of unpadded base64url (RFC 4648 §5) off chain.
 *
 * The contracts store only the raw `bytes32`; the text form is an encoding. Decoding is strict: exactly 43
 * characters of the URL-safe alphabet, no padding, and the two unused low bits of the last character zero, so that
 * every blob id has exactly one text form and no two texts decode to the same bytes.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const BLOB_ID_TEXT_LENGTH = 43;
const BLOB_ID_BYTES = 32;

const DECODE = new Map<string, number>([...ALPHABET].map((char, index) => [char, index]));

/** A blob id whose text or hex form is malformed. */
export class BlobIdError extends Error {
  override name = "BlobIdError";
}

/** Decodes a blob id's base64url text into its `0x`-prefixed, 32-byte hex form. Throws {@link BlobIdError}. */
export function blobIdToBytes32(text: string): `0x${string}` {
  if (typeof text !== "string") throw new BlobIdError("blob id must be a string");
  if (text.length !== BLOB_ID_TEXT_LENGTH) {
    throw new BlobIdError(`blob id must be ${BLOB_ID_TEXT_LENGTH} base64url characters, got ${text.length}`);
  }
  let bits = 0n;
  for (let i = 0; i < text.length; i++) {
    const value = DECODE.get(text[i]);
    if (value === undefined) throw new BlobIdError(`invalid base64url character ${JSON.stringify(text[i])} at ${i}`);
    bits = (bits << 6n) | BigInt(value);
  }
  // 43 characters carry 258 bits: 256 of data followed by 2 bits that must be zero.
  if ((bits & 0b11n) !== 0n) throw new BlobIdError("non-canonical blob id: the last character's unused bits are set");
  return `0x${(bits >> 2n).toString(16).padStart(BLOB_ID_BYTES * 2, "0")}`;
}

/** Encodes a 32-byte hex blob id (`0x` + 64 hex digits) as its 43-character base64url text. */
export function bytes32ToBlobId(hex: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new BlobIdError("blob id must be 0x followed by 64 hex digits");
  let bits = BigInt(hex) << 2n;
  let text = "";
  for (let i = 0; i < BLOB_ID_TEXT_LENGTH; i++) {
    text = ALPHABET[Number(bits & 63n)] + text;
    bits >>= 6n;
  }
  return text;
}

/** Whether `text` is a canonical blob id text. */
export function isBlobIdText(text: string): boolean {
  try {
    blobIdToBytes32(text);
    return true;
  } catch {
    return false;
  }
}
