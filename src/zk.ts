/**
 * ZKML, whatever the model: the BN254 field, the public signal that binds a proof to one ledger record, Groth16
 * proving and verification with snarkjs, the proof formatted for the Solidity verifier, and the `ZkEvidence` the
 * ledger's `settleZk` and `refuteZk` take. A model's own forward pass, commitments and circuit live beside it in
 * `src/models/` (the risk scorer: `src/models/riskScorer.ts`).
 *
 * The public signals follow the Proofline ZKML layout (docs/HASHING.md): `[modelCommitment, inputHash, binding,
 * outputs...]`, so one `zkEvidence` serves every circuit that keeps it.
 */
import { readFileSync } from "node:fs";

import { AbiCoder, keccak256, toBeHex, toUtf8Bytes, zeroPadValue } from "ethers";
import { groth16, type CircuitSignals, type Groth16Proof } from "snarkjs";

import { InputKind, MEDIA_TYPES, Provenance, type InputCommitment, type InputPartSpec } from "./commitments.js";

/** The BN254 scalar field modulus r: public signals and Poseidon commitments live below it (`FieldLib`). */
export const SNARK_SCALAR_FIELD = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;

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

/** A signed integer as a field element: negatives wrap to `r - |x|`, as in a circuit. */
export function toField(x: bigint): bigint {
  return ((x % SNARK_SCALAR_FIELD) + SNARK_SCALAR_FIELD) % SNARK_SCALAR_FIELD;
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
export function zkInputPart(hash: bigint, name = "zk-input", signature?: string): InputPartSpec {
  return {
    kind: InputKind.External,
    name,
    content: zkInputContent(hash),
    ...(signature === undefined
      ? { provenance: Provenance.Unattested }
      : { provenance: Provenance.SourceSigned, signature }),
  };
}

/** The content of a ZK input part: the circuit's input hash as a 32-byte big-endian word (what a data source signs). */
export function zkInputContent(hash: bigint): string {
  return zeroPadValue(toBeHex(hash), 32);
}

/**
 * Runs a circuit (its compiled `wasm` and proving key `zkey`) on `witness` and returns a real Groth16 proof. A witness
 * the circuit's constraints refuse throws a `ZkmlError`.
 */
export async function proveGroth16(witness: CircuitSignals, wasm: string, zkey: string): Promise<ZkProof> {
  let result: Awaited<ReturnType<typeof groth16.fullProve>>;
  try {
    result = await groth16.fullProve(witness, wasm, zkey);
  } catch (error) {
    throw new ZkmlError(`the circuit refused the witness: ${(error as Error).message.split("\n")[0]}`);
  }
  return { proof: solidityProof(result.proof), publicSignals: result.publicSignals.map(BigInt), raw: result.proof };
}

/** Checks `proof` off-chain against the verification key in `verificationKeyFile` (snarkjs's JSON). */
export async function verifyGroth16(proof: ZkProof, verificationKeyFile: string): Promise<boolean> {
  const key = JSON.parse(readFileSync(verificationKeyFile, "utf8")) as object;
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

/**
 * What `settleZk` and `refuteZk` take (the `ZkEvidence` struct), for a proof about a record with these commitments.
 * `outputMediaType` is the media type of the output part the proof's outputs fill; it defaults to the risk score's,
 * the media type of the one circuit Proofline ships.
 */
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
 * What `settleZkMany` takes (the `ZkBatchEvidence` struct) for a batch proof in the Proofline batch layout
 * (`[modelCommitment, inputHash[N], binding[N], packedOutput[N]]`) about `members`, in the proof's order: each
 * record's id, input commitment (with the index of its input-hash part) and output and payment commitments.
 */
export function zkBatchEvidence(args: {
  proof: ZkProof;
  members: readonly {
    inferenceId: string;
    input: InputCommitment;
    inputIndex: number;
    outputCommitment: string;
    paymentRef: string;
  }[];
  outputMediaType?: string;
}) {
  const size = args.members.length;
  if (args.proof.publicSignals.length !== 1 + 3 * size) {
    throw new ZkmlError(`a proof with ${args.proof.publicSignals.length} public signals is not about ${size} records`);
  }
  return {
    members: args.members.map((member, i) => {
      const single = zkEvidence({ ...member, proof: args.proof });
      return {
        inferenceId: member.inferenceId,
        commitments: single.commitments,
        inputHash: args.proof.publicSignals[1 + i],
        input: single.input,
        packedOutput: args.proof.publicSignals[1 + 2 * size + i],
      };
    }),
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
