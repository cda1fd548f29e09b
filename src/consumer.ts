/**
 * Building the arguments a Proofline consumer checks: the record's commitments, the output part it will use, and
 * that part's Merkle proof (see `contracts/interfaces/IInferenceConsumer.sol`).
 */
import type { OutputCommitment, OutputPart } from "./commitments.js";
import type { Answer } from "./ledger.js";

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
