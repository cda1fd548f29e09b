/**
 * The spam filter in `models/spam-filter/`: a logistic regression over hashed word features, trained in this
 * repository (`tooling/train-spam-filter.ts`) on the hand-written `dataset.jsonl` beside its weights. It is served on
 * the TEE route: an enclave runs `classify` and attests the answer; nothing here is proven in zero knowledge.
 *
 * The weights file is the artifact's content: its SHA-256 (`weightsDigest`) is the digest the registry records, and
 * its format tag is `SPAM_FILTER.format`.
 *
 * Features: the text lowercased, cut into tokens (runs of letters and digits, and each of `$ € £ !` on its own);
 * every token and every pair of adjacent tokens (joined by one space) is hashed with 32-bit FNV-1a over its UTF-8 bytes
 * into `SPAM_FILTER.buckets` buckets; a bucket holds `log(1 + count)`, and the vector is scaled to unit L2 norm.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { toUtf8Bytes } from "ethers";

import { MEDIA_TYPES, OutputKind, type OutputPartSpec } from "../commitments.js";

/** The package root: two levels above this module in `src/models/`, three above the built `dist/src/models/`. */
const ROOT = new URL(existsSync(new URL("../../models/", import.meta.url)) ? "../../" : "../../../", import.meta.url);
const modelFile = (name: string) => fileURLToPath(new URL(`models/spam-filter/${name}`, ROOT));

/** The spam filter's shape, its artifact metadata and its input limits. */
export const SPAM_FILTER = {
  /** The registry's format tag (16 bytes, the most a tag may hold). */
  format: "logreg-hashed-v1",
  version: "1.0.0",
  /** The name the node service serves it under. */
  label: "spam-filter",
  buckets: 1024,
  /** A text is spam when its probability is at least this. */
  threshold: 0.5,
  /** The longest text accepted, in Unicode code points. */
  maxChars: 4096,
  /** Decimals the probability keeps in the output part. */
  probabilityDecimals: 4,
  weightsFile: modelFile("weights.json"),
  datasetFile: modelFile("dataset.jsonl"),
} as const;

/** The trained weights: one per bucket, and the bias. */
export interface SpamFilterModel {
  bias: number;
  weights: number[];
}

/** What `classify` answers: the decision and the probability behind it. */
export interface SpamFilterResult {
  spam: boolean;
  probability: number;
}

/** Why a text was refused. */
export type SpamFilterInputReason = "not a string" | "empty" | "too long";

/** A text the spam filter does not take: not a string, empty (or only spaces), or longer than `maxChars`. */
export class SpamFilterInputError extends Error {
  override name = "SpamFilterInputError";

  constructor(
    readonly reason: SpamFilterInputReason,
    detail: string,
  ) {
    super(`spam filter input ${reason}: ${detail}`);
  }
}

/** A weights file that is not a `logreg-hashed-v1` model of `SPAM_FILTER.buckets` finite weights. */
export class SpamFilterModelError extends Error {
  override name = "SpamFilterModelError";
}

/** 32-bit FNV-1a over `bytes` (a string is taken as UTF-8). */
export function fnv1a32(bytes: Uint8Array | string): number {
  const data = typeof bytes === "string" ? toUtf8Bytes(bytes) : bytes;
  let hash = 0x811c9dc5;
  for (const byte of data) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** The tokens of `text`: lowercased runs of letters and digits, and each of `$ € £ !` as a token of its own. */
export function spamFilterTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+|[$€£!]/gu) ?? [];
}

/** The feature vector of `text` (see the module comment): `SPAM_FILTER.buckets` values, unit L2 norm or all zero. */
export function spamFilterFeatures(text: string): Float64Array {
  const tokens = spamFilterTokens(text);
  const grams = [...tokens, ...tokens.slice(1).map((token, i) => `${tokens[i]} ${token}`)];
  const counts = new Float64Array(SPAM_FILTER.buckets);
  for (const gram of grams) counts[fnv1a32(gram) % SPAM_FILTER.buckets] += 1;
  let norm = 0;
  for (let i = 0; i < counts.length; i++) {
    counts[i] = Math.log1p(counts[i]);
    norm += counts[i] * counts[i];
  }
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < counts.length; i++) counts[i] *= scale;
  }
  return counts;
}

/** The logistic function, written so that neither branch overflows. */
export function spamFilterSigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Throws `SpamFilterInputError` unless `text` is a string with a non-space character and at most `maxChars`. */
export function checkSpamFilterText(text: unknown): asserts text is string {
  if (typeof text !== "string") throw new SpamFilterInputError("not a string", `got ${typeof text}`);
  if (text.trim().length === 0) throw new SpamFilterInputError("empty", "the text has no non-space character");
  // A string's length counts UTF-16 units, at least its code points: only a long string needs counting.
  if (text.length > SPAM_FILTER.maxChars) {
    const chars = [...text].length;
    if (chars > SPAM_FILTER.maxChars) {
      throw new SpamFilterInputError("too long", `${chars} characters, at most ${SPAM_FILTER.maxChars}`);
    }
  }
}

/** The weights in `file` (by default the committed `models/spam-filter/weights.json`) and the file's exact bytes. */
export function loadSpamFilter(file: string = SPAM_FILTER.weightsFile): { model: SpamFilterModel; bytes: Uint8Array } {
  const bytes = readFileSync(file);
  const json = JSON.parse(bytes.toString("utf8")) as { format?: unknown; buckets?: unknown } & SpamFilterModel;
  if (json.format !== SPAM_FILTER.format) {
    throw new SpamFilterModelError(`${file}: format ${String(json.format)}, expected ${SPAM_FILTER.format}`);
  }
  if (json.buckets !== SPAM_FILTER.buckets) {
    throw new SpamFilterModelError(`${file}: ${String(json.buckets)} buckets, expected ${SPAM_FILTER.buckets}`);
  }
  const model: SpamFilterModel = { bias: json.bias, weights: json.weights };
  checkModel(model);
  return { model, bytes: new Uint8Array(bytes) };
}

/** The probability that `text` is spam, and the decision at `SPAM_FILTER.threshold`. */
export function classify(model: SpamFilterModel, text: string): SpamFilterResult {
  checkModel(model);
  checkSpamFilterText(text);
  const features = spamFilterFeatures(text);
  let z = model.bias;
  for (let i = 0; i < features.length; i++) if (features[i] !== 0) z += model.weights[i] * features[i];
  const probability = spamFilterSigmoid(z);
  return { spam: probability >= SPAM_FILTER.threshold, probability };
}

/** `probability` rounded to `SPAM_FILTER.probabilityDecimals` decimals, as the output part carries it. */
export function roundProbability(probability: number): number {
  const scale = 10 ** SPAM_FILTER.probabilityDecimals;
  return Math.round(probability * scale) / scale;
}

/**
 * The output an answer commits to: one `data` part of media type `application/json` holding
 * `{"label":"spam"|"ham","probability":p}` with `p` rounded to four decimals, as UTF-8 bytes with exactly that key
 * order and no spaces.
 */
export function spamFilterOutput(result: SpamFilterResult): OutputPartSpec[] {
  if (!Number.isFinite(result.probability) || result.probability < 0 || result.probability > 1) {
    throw new RangeError(`probability ${result.probability} is not in [0, 1]`);
  }
  const json = JSON.stringify({
    label: result.spam ? "spam" : "ham",
    probability: roundProbability(result.probability),
  });
  return [{ kind: OutputKind.Data, mediaType: MEDIA_TYPES.json, content: toUtf8Bytes(json) }];
}

function checkModel(model: SpamFilterModel) {
  if (!Array.isArray(model.weights) || model.weights.length !== SPAM_FILTER.buckets) {
    throw new SpamFilterModelError(`a model has ${SPAM_FILTER.buckets} weights`);
  }
  if (!Number.isFinite(model.bias) || !model.weights.every(Number.isFinite)) {
    throw new SpamFilterModelError("a model's weights and bias are finite numbers");
  }
}
