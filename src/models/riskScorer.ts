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
const circuitFile = (name: string, dir = "risk-scorer") => fileURLToPath(new URL(`circuits/${dir}/${name}`, ROOT));

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

/** How many inferences the risk scorer's batch circuits prove at once: one circuit, and one proving key, per size. */
export const RISK_SCORER_BATCH_SIZES = [8, 16] as const;

/**
 * The risk scorer's batch circuit for `size` inferences, `RiskScorerBatch(size, 4, 3, 16)` in
 * `circuits/risk-scorer-batch<size>/`: that many inferences of one model in one proof, public signals
 * `[modelCommitment, inputHash[size], binding[size], packedOutput[size]]` (`packRiskOutput`).
 */
export function riskBatchCircuit(size: number) {
  if (!(RISK_SCORER_BATCH_SIZES as readonly number[]).includes(size)) {
    throw new ZkmlError(`a batch proof takes ${RISK_SCORER_BATCH_SIZES.join(" or ")} inferences, not ${size}`);
  }
  const dir = `risk-scorer-batch${size}`;
  return {
    size,
    wasm: circuitFile(`build/risk_scorer_batch${size}.wasm`, dir),
    zkey: circuitFile(`build/risk_scorer_batch${size}.zkey`, dir),
    verificationKey: circuitFile("build/verification_key.json", dir),
  };
}

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

/**
 * A record's two output words as the batch circuit's one signal: `subject * 2^16 + score` (the ledger's
 * `settleZkMany` unpacks it into the output part `abi.encode(subject, score)`).
 */
export function packRiskOutput(subject: string, score: bigint): bigint {
  if (score < 0n || score > RISK_SCORER.maxScore) throw new ZkmlError(`score ${score} is outside [0, 1000]`);
  return (BigInt(getAddress(subject)) << 16n) | score;
}

/** One inference of a batch proof: its input, the record it is bound to, and (to try a wrong one) its score. */
export interface RiskBatchItem {
  input: RiskInput;
  binding: bigint;
  score?: bigint;
}

/**
 * Runs the batch circuit for `items.length` inferences (one of `RISK_SCORER_BATCH_SIZES`) on `model`, each bound to
 * its own record, and returns one real Groth16 proof for all of them. A claimed score other than the model's output,
 * for any item, makes witness generation fail: the whole batch is refused.
 */
export async function proveRiskScores(model: RiskModel, items: readonly RiskBatchItem[]): Promise<ZkProof> {
  const circuit = riskBatchCircuit(items.length);
  const scores = items.map(({ input, score }) => score ?? riskScore(model, input));
  const witness = {
    modelCommitment: modelCommitment(model).toString(),
    inputHash: items.map(({ input }) => inputHash(input).toString()),
    binding: items.map(({ binding }) => binding.toString()),
    // Packed without the range check, so a wrong score reaches the circuit, which refuses it.
    packedOutput: items.map(({ input }, i) => ((BigInt(getAddress(input.subject)) << 16n) + scores[i]).toString()),
    w1: model.w1.map((row) => row.map((w) => toField(w).toString())),
    b1: model.b1.map((b) => toField(b).toString()),
    w2: model.w2.map((w) => toField(w).toString()),
    b2: toField(model.b2).toString(),
    modelSalt: model.salt.toString(),
    subject: items.map(({ input }) => BigInt(getAddress(input.subject)).toString()),
    features: items.map(({ input }) => input.features.map((x) => x.toString())),
    inputSalt: items.map(({ input }) => input.salt.toString()),
  };
  return proveGroth16(witness, circuit.wasm, circuit.zkey);
}

/** Checks a batch `proof` off-chain against the committed verification key of the batch circuit of its size. */
export async function verifyRiskBatchProof(proof: ZkProof): Promise<boolean> {
  return verifyGroth16(proof, riskBatchCircuit((proof.publicSignals.length - 1) / 3).verificationKey);
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
