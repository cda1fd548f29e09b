/**
 * The risk scorer in `circuits/risk-scorer/`: its weights, its forward pass computed exactly as the circuit does, its
 * Poseidon commitments to weights and input, its output part and its Groth16 proofs. The generic side (binding,
 * proof formatting, `zkEvidence`) is `src/zk.ts`.
 *
 * The circuit's outputs are `[subject, score]`, so the output part that carries them holds
 * `abi.encode(address subject, uint16 score)`: the part `RiskScoreConsumer` reads.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { AbiCoder, getAddress } from "ethers";
import { poseidon2, poseidon6, poseidon8, poseidon12 } from "poseidon-lite";

import { MEDIA_TYPES, OutputKind, type OutputPartSpec } from "../commitments.js";
import { SNARK_SCALAR_FIELD, ZkmlError, proveGroth16, toField, verifyGroth16, type ZkProof } from "../zk.js";

/** The package root: two levels above this module in `src/models/`, three above the built `dist/src/models/`. */
const ROOT = new URL(existsSync(new URL("../../circuits/", import.meta.url)) ? "../../" : "../../../", import.meta.url);
const circuitFile = (name: string) => fileURLToPath(new URL(`circuits/risk-scorer/${name}`, ROOT));

/** The risk scorer's shape, as `RiskScorer(4, 3, 16)` in `circuits/risk-scorer/risk_scorer.circom`. */
export const RISK_SCORER = {
  features: 4,
  hidden: 3,
  shift: 16n,
  /** `RiskScoreConsumer.MAX_SCORE`. */
  maxScore: 1000n,
  /** Features are unsigned 10-bit integers. */
  maxFeature: 1023n,
  /** Weights are signed 16-bit, biases signed 32-bit. */
  weightBits: 16,
  biasBits: 32,
  wasm: circuitFile("build/risk_scorer.wasm"),
  zkey: circuitFile("build/risk_scorer.zkey"),
  verificationKey: circuitFile("build/verification_key.json"),
  modelFile: circuitFile("model.json"),
} as const;

/** Integer weights of the risk scorer's two layers, and the salt its commitment hides them with. */
export interface RiskModel {
  w1: bigint[][];
  b1: bigint[];
  w2: bigint[];
  b2: bigint;
  salt: bigint;
}

/** One model input: who is scored, the integer features, and the salt that hides them in the input hash. */
export interface RiskInput {
  subject: string;
  features: bigint[];
  salt: bigint;
}

/** The demo model in `circuits/risk-scorer/model.json` (the artifact the tests and the demo register). */
export function loadRiskModel(file: string = RISK_SCORER.modelFile): { model: RiskModel; bytes: Uint8Array } {
  const bytes = readFileSync(file);
  const json = JSON.parse(bytes.toString("utf8")) as {
    w1: number[][];
    b1: number[];
    w2: number[];
    b2: number;
    salt: string;
  };
  const model: RiskModel = {
    w1: json.w1.map((row) => row.map(BigInt)),
    b1: json.b1.map(BigInt),
    w2: json.w2.map(BigInt),
    b2: BigInt(json.b2),
    salt: BigInt(json.salt),
  };
  checkModel(model);
  return { model, bytes: new Uint8Array(bytes) };
}

/**
 * The Poseidon commitment to the weights (the artifact's `zkCommitment`):
 * `Poseidon(Poseidon(w1 row-major), Poseidon(b1, w2, b2, salt))`.
 */
export function modelCommitment(model: RiskModel): bigint {
  checkModel(model);
  const layer1 = poseidon12(model.w1.flat().map(toField));
  const rest = poseidon8([...model.b1, ...model.w2, model.b2, model.salt].map(toField));
  return poseidon2([layer1, rest]);
}

/** The Poseidon commitment to an input: `Poseidon(salt, subject, features...)`. */
export function inputHash(input: RiskInput): bigint {
  checkInput(input);
  return poseidon6([input.salt, BigInt(getAddress(input.subject)), ...input.features]);
}

/**
 * The model's output, computed exactly as the circuit does: `h = ReLU(b1 + w1 x)`, `o = b2 + w2 h`, then
 * `floor(o / 2^16)` for `o >= 0` (0 otherwise), clipped to at most 1000.
 */
export function riskScore(model: RiskModel, input: RiskInput): bigint {
  checkModel(model);
  checkInput(input);
  const hidden = model.w1.map((row, j) => {
    const z = row.reduce((acc, w, k) => acc + w * input.features[k], model.b1[j]);
    return z > 0n ? z : 0n;
  });
  const o = hidden.reduce((acc, h, j) => acc + model.w2[j] * h, model.b2);
  if (o < 0n) return 0n;
  const scaled = o >> RISK_SCORER.shift;
  return scaled > RISK_SCORER.maxScore ? RISK_SCORER.maxScore : scaled;
}

/** The risk scorer's output part: `abi.encode(address subject, uint16 score)` under the risk-score media type. */
export function riskScorePart(subject: string, score: bigint): OutputPartSpec {
  const content = AbiCoder.defaultAbiCoder().encode(["address", "uint16"], [subject, score]);
  return { kind: OutputKind.Data, mediaType: MEDIA_TYPES.riskScore, content };
}

/**
 * Runs the circuit on `model` and `input` for the record `binding` names and returns a real Groth16 proof. The
 * claimed `score` defaults to the model's true output; any other value makes witness generation fail, because the
 * circuit constrains it.
 */
export async function proveRiskScore(
  model: RiskModel,
  input: RiskInput,
  binding: bigint,
  score: bigint = riskScore(model, input),
): Promise<ZkProof> {
  const witness = {
    modelCommitment: modelCommitment(model).toString(),
    inputHash: inputHash(input).toString(),
    binding: binding.toString(),
    subject: BigInt(getAddress(input.subject)).toString(),
    score: score.toString(),
    w1: model.w1.map((row) => row.map((w) => toField(w).toString())),
    b1: model.b1.map((b) => toField(b).toString()),
    w2: model.w2.map((w) => toField(w).toString()),
    b2: toField(model.b2).toString(),
    modelSalt: model.salt.toString(),
    features: input.features.map((x) => x.toString()),
    inputSalt: input.salt.toString(),
  };
  return proveGroth16(witness, RISK_SCORER.wasm, RISK_SCORER.zkey);
}

/** Checks `proof` off-chain against the risk scorer's committed verification key. */
export async function verifyRiskProof(proof: ZkProof): Promise<boolean> {
  return verifyGroth16(proof, RISK_SCORER.verificationKey);
}

function checkSigned(x: bigint, bits: number, what: string) {
  const bound = 1n << BigInt(bits - 1);
  if (x < -bound || x >= bound) throw new ZkmlError(`${what} = ${x} is not a signed ${bits}-bit integer`);
}

function checkModel(model: RiskModel) {
  const { features, hidden, weightBits, biasBits } = RISK_SCORER;
  if (model.w1.length !== hidden || model.w1.some((row) => row.length !== features)) {
    throw new ZkmlError(`w1 must be ${hidden} rows of ${features} weights`);
  }
  if (model.b1.length !== hidden || model.w2.length !== hidden) {
    throw new ZkmlError(`b1 and w2 must have ${hidden} entries`);
  }
  model.w1.forEach((row, j) => row.forEach((w, k) => checkSigned(w, weightBits, `w1[${j}][${k}]`)));
  model.b1.forEach((b, j) => checkSigned(b, biasBits, `b1[${j}]`));
  model.w2.forEach((w, j) => checkSigned(w, weightBits, `w2[${j}]`));
  checkSigned(model.b2, biasBits, "b2");
  if (model.salt < 0n || model.salt >= SNARK_SCALAR_FIELD) {
    throw new ZkmlError("the model salt must be a field element");
  }
}

function checkInput(input: RiskInput) {
  if (input.features.length !== RISK_SCORER.features) {
    throw new ZkmlError(`an input has ${RISK_SCORER.features} features`);
  }
  input.features.forEach((x, k) => {
    if (x < 0n || x > RISK_SCORER.maxFeature) {
      throw new ZkmlError(`feature ${k} = ${x} is outside [0, ${RISK_SCORER.maxFeature}]`);
    }
  });
  if (input.salt < 0n || input.salt >= SNARK_SCALAR_FIELD) {
    throw new ZkmlError("the input salt must be a field element");
  }
}
