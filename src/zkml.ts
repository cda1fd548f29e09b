/**
 * ZKML for the risk scorer in `circuits/risk-scorer/`: the model's forward pass, its Poseidon commitments, real
 * Groth16 proofs with snarkjs, and the `ZkEvidence` the ledger's `settleZk` and `refuteZk` take.
 *
 * The public signals follow the Proofline ZKML layout (docs/HASHING.md): `[modelCommitment, inputHash, binding,
 * outputs...]`. For the risk scorer the outputs are `[subject, score]`, so the output part that carries them holds
 * `abi.encode(address subject, uint16 score)`: the part `RiskScoreConsumer` reads.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { AbiCoder, getAddress, keccak256, sha256, toBeHex, toUtf8Bytes, zeroPadValue } from "ethers";
import { poseidon2, poseidon6, poseidon8, poseidon12 } from "poseidon-lite";
import { groth16, type Groth16Proof } from "snarkjs";

import {
  InputKind,
  MEDIA_TYPES,
  OutputKind,
  Provenance,
  type InputCommitment,
  type InputPartSpec,
  type OutputPartSpec,
} from "./commitments.js";

/** The BN254 scalar field modulus r: public signals and Poseidon commitments live below it. */
export const SNARK_SCALAR_FIELD = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;

/** The risk scorer's shape, as `RiskScorer(4, 3, 16)` in `circuits/risk-scorer/risk_scorer.circom`. */
export const RISK_SCORER = {
  features: 4,
  hidden: 3,
  shift: 16n,
  maxScore: 1000n,
  /** Features are unsigned 10-bit integers. */
  maxFeature: 1023n,
  /** Weights are signed 16-bit, biases signed 32-bit. */
  weightBits: 16,
  biasBits: 32,
  wasm: fileURLToPath(new URL("../circuits/risk-scorer/build/risk_scorer.wasm", import.meta.url)),
  zkey: fileURLToPath(new URL("../circuits/risk-scorer/build/risk_scorer.zkey", import.meta.url)),
  verificationKey: fileURLToPath(new URL("../circuits/risk-scorer/build/verification_key.json", import.meta.url)),
  modelFile: fileURLToPath(new URL("../circuits/risk-scorer/model.json", import.meta.url)),
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

/** A Groth16 proof with its public signals, formatted for the ledger. */
export interface ZkProof {
  /** `(a, b, c)` flattened in the order of the verifier's `verifyProof` arguments (b's coordinates swapped). */
  proof: bigint[];
  /** The public signals: `[modelCommitment, inputHash, binding, ...outputs]`. */
  publicSignals: bigint[];
  /** The raw snarkjs proof, for off-chain verification. */
  raw: Groth16Proof;
}

export class ZkmlError extends Error {
  override name = "ZkmlError";
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

/** SHA-256 of the weights file: the artifact's content digest in the model registry. */
export function weightsDigest(bytes: Uint8Array): string {
  return sha256(bytes);
}

/** A signed integer as a field element: negatives wrap to `r - |x|`, as in the circuit. */
export function toField(x: bigint): bigint {
  return ((x % SNARK_SCALAR_FIELD) + SNARK_SCALAR_FIELD) % SNARK_SCALAR_FIELD;
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

/**
 * The public signal that ties a proof to one ledger record:
 * `uint256(keccak256(abi.encode(chainId, ledger, inferenceId))) % r` (the ledger's `zkBinding`).
 */
export function zkBinding(chainId: bigint, ledger: string, inferenceId: string): bigint {
  const encoded = AbiCoder.defaultAbiCoder().encode(["uint256", "address", "bytes32"], [chainId, ledger, inferenceId]);
  return BigInt(keccak256(encoded)) % SNARK_SCALAR_FIELD;
}

/** The input part that carries an input hash: its content is the 32-byte big-endian field element. */
export function zkInputPart(hash: bigint, name = "zk-input"): InputPartSpec {
  return {
    kind: InputKind.External,
    name,
    content: zeroPadValue(toBeHex(hash), 32),
    provenance: Provenance.Unattested,
  };
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
  const witnessInput = {
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
  let result: Awaited<ReturnType<typeof groth16.fullProve>>;
  try {
    result = await groth16.fullProve(witnessInput, RISK_SCORER.wasm, RISK_SCORER.zkey);
  } catch (error) {
    throw new ZkmlError(`the circuit refused the witness: ${(error as Error).message.split("\n")[0]}`);
  }
  return { proof: solidityProof(result.proof), publicSignals: result.publicSignals.map(BigInt), raw: result.proof };
}

/** Checks `proof` off-chain against the committed verification key. */
export async function verifyRiskProof(proof: ZkProof): Promise<boolean> {
  const key = JSON.parse(readFileSync(RISK_SCORER.verificationKey, "utf8")) as object;
  return groth16.verify(
    key,
    proof.publicSignals.map((s) => s.toString()),
    proof.raw,
  );
}

/** `(a, b, c)` as the Solidity verifier takes them: G2 coordinates come as (imaginary, real) pairs. */
export function solidityProof(proof: Groth16Proof): bigint[] {
  const [a, b, c] = [proof.pi_a, proof.pi_b, proof.pi_c];
  return [a[0], a[1], b[0][1], b[0][0], b[1][1], b[1][0], c[0], c[1]].map(BigInt);
}

/** What `settleZk` and `refuteZk` take (the `ZkEvidence` struct), for a proof about a record with these commitments. */
export function zkEvidence(args: {
  proof: ZkProof;
  input: InputCommitment;
  inputIndex: number;
  outputCommitment: string;
  paymentRef: string;
  outputMediaType?: string;
}) {
  const entry = args.input.manifest[args.inputIndex];
  if (entry === undefined) throw new ZkmlError(`no input part ${args.inputIndex}`);
  return {
    commitments: { input: args.input.root, output: args.outputCommitment, paymentRef: args.paymentRef },
    inputHash: args.proof.publicSignals[1],
    input: {
      index: entry.index,
      kind: entry.kind,
      provenance: entry.provenance,
      nameHash: keccak256(toUtf8Bytes(entry.name)),
      proof: args.input.proof(args.inputIndex),
    },
    outputs: args.proof.publicSignals.slice(3),
    outputMediaType: keccak256(toUtf8Bytes(args.outputMediaType ?? MEDIA_TYPES.riskScore)),
    proof: args.proof.proof,
  };
}

/**
 * Stops the worker threads snarkjs starts for the BN254 curve, so the process can exit. Call it once, after the last
 * proof.
 */
export async function releaseProver(): Promise<void> {
  const cached = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  if (cached !== undefined) await cached.terminate();
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
  if (model.salt < 0n || model.salt >= SNARK_SCALAR_FIELD)
    throw new ZkmlError("the model salt must be a field element");
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
  if (input.salt < 0n || input.salt >= SNARK_SCALAR_FIELD)
    throw new ZkmlError("the input salt must be a field element");
}
