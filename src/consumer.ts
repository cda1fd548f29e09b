/**
 * Building the arguments a Proofline consumer checks: the record's commitments, the output part it will use, and
 * that part's Merkle proof (see `contracts/interfaces/IInferenceConsumer.sol`).
 */
import { keccak256, toUtf8Bytes } from "ethers";

import {
  CommitmentError,
  InputKind,
  Provenance,
  type InputCommitment,
  type OutputCommitment,
  type OutputPart,
} from "./commitments.js";
import type { Answer } from "./ledger.js";

/** Mirrors `Answerers`: which nodes a consumer's policy accepts answers from. */
export enum Answerers {
  Any = 0,
  Nodes = 1,
  Operators = 2,
}

/** Mirrors `AttestedInputRule`: whether a consumer's policy requires an attested input part, and as the whole input. */
export enum AttestedInputRule {
  None = 0,
  Part = 1,
  Whole = 2,
}

/** Mirrors the `AnswerCommitments` struct. */
export interface AnswerCommitments {
  input: string;
  output: string;
  paymentRef: string;
}

/** The commitments an answer recorded, as a consumer passes them back. */
export function commitmentsOf(answer: Answer): AnswerCommitments {
  return { input: answer.inputCommitment, output: answer.outputCommitment, paymentRef: answer.paymentRef };
}

/**
 * `[inferenceId, commitments, part, proof]`: the arguments of `checkInference` and of consumer actions built on
 * `_consume`, for output part `index`. Throws when `output` is not the answer's output commitment.
 */
export function consumerArgs(
  answer: Answer,
  output: OutputCommitment,
  index: number,
): [string, AnswerCommitments, OutputPart, string[]] {
  if (output.root !== answer.outputCommitment) {
    throw new Error(`output root ${output.root} is not the answer's output commitment ${answer.outputCommitment}`);
  }
  return [answer.inferenceId, commitmentsOf(answer), output.parts[index], output.proof(index)];
}

/** Mirrors the `AttestedInput` struct: an attested external data part as a consumer checks it. */
export interface AttestedInput {
  index: number;
  nameHash: string;
  contentHash: string;
  proof: string[];
  signature: string;
}

/**
 * The `AttestedInput` argument for input part `index` of `input` (of `checkInferenceWithInput` and of consumer
 * actions built on `_consume` with an input). Throws when that part is not attested external data.
 */
export function attestedInputArg(input: InputCommitment, index: number): AttestedInput {
  const entry = input.manifest[index];
  if (entry === undefined) throw new CommitmentError(`no input part ${index}`);
  if (entry.kind !== InputKind.External || entry.provenance !== Provenance.SourceSigned || !entry.signature) {
    throw new CommitmentError(`input part ${entry.name} is not attested external data`);
  }
  return {
    index,
    nameHash: keccak256(toUtf8Bytes(entry.name)),
    contentHash: entry.contentHash,
    proof: input.proof(index),
    signature: entry.signature,
  };
}
