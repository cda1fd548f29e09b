/**
 * Ledger records as the tasks read them: an answer's commitments from its `Answered` event (the ledger stores only
 * their digest), the record's state now, and the lines every task ends with (what it did, and the `trail` command).
 */
import type { BaseContract, ContractTransactionResponse, LogDescription } from "ethers";

import { answerDigest } from "../../../src/commitments.js";
import { Level, RecordState, Route, type Answer } from "../../../src/ledger.js";
import type { Proofline } from "./context.js";
import { fail } from "./failure.js";
import { at } from "./parse.js";

/** An answer as recorded: its `Answered` event. */
export interface RecordedAnswer extends Answer {
  nodeId: bigint;
  block: number;
  answerDigest: string;
}

/** The `Answered` event of `inferenceId` on the deployment's ledger; fails when the ledger has no such record. */
export async function recordedAnswer(ctx: Proofline, inferenceId: string): Promise<RecordedAnswer> {
  const ledger = await ctx.ledger();
  const events = await ledger.queryFilter(ledger.filters.Answered(inferenceId), ctx.startBlock);
  const event = events[0];
  if (event === undefined) {
    fail(
      `inference ${inferenceId} is not on the ledger of network ${ctx.networkName} (chain ${ctx.chainId}): ` +
        "check the id and --network",
    );
  }
  const a = event.args;
  return {
    inferenceId,
    nodeId: a.nodeId,
    subject: a.subject,
    route: Number(a.route) as Route,
    claimed: Number(a.claimed) as Level,
    inputCommitment: a.inputCommitment,
    outputCommitment: a.outputCommitment,
    paymentRef: a.paymentRef,
    block: event.blockNumber,
    answerDigest: answerDigest(a.inputCommitment, a.outputCommitment, a.paymentRef),
  };
}

/** The record's state now, its achieved level, and its window's end. */
export async function recordStatus(ctx: Proofline, inferenceId: string) {
  const ledger = await ctx.ledger();
  const [state, achieved, settledAt] = await ledger.settlementOf(inferenceId);
  const deadline = Number(state) === RecordState.None ? 0n : await ledger.deadlineOf(inferenceId);
  return {
    state: Number(state) as RecordState,
    achieved: Number(achieved) as Level,
    settledAt,
    deadline,
  };
}

/** "Settled, achieved TEE" / "Answered (not settled), achieved Vanilla". */
export async function statusText(ctx: Proofline, inferenceId: string): Promise<string> {
  const status = await recordStatus(ctx, inferenceId);
  const state = RecordState[status.state] + (status.state === RecordState.Answered ? " (not settled)" : "");
  const settled = status.settledAt > 0n ? ` at ${at(status.settledAt)}` : "";
  return `${state}, achieved ${Level[status.achieved]}${settled}`;
}

/** Fails unless the record is Answered (pending): settled and rejected records cannot move. */
export async function requirePending(ctx: Proofline, inferenceId: string): Promise<void> {
  const status = await recordStatus(ctx, inferenceId);
  if (status.state === RecordState.None) await recordedAnswer(ctx, inferenceId); // fails with the not-found message
  if (status.state !== RecordState.Answered) {
    fail(`inference ${inferenceId} is already ${RecordState[status.state]} (achieved ${Level[status.achieved]})`);
  }
}

/** The closing lines every inference task prints: the record's state and how to read its whole history. */
export async function printOutcome(ctx: Proofline, inferenceId: string): Promise<void> {
  console.log(`  state now: ${await statusText(ctx, inferenceId)}`);
  console.log(`trail: ${ctx.command("trail", inferenceId)}`);
}

/** Sends a transaction and waits for it; returns the logs `contract` can parse. */
export async function send(
  contract: BaseContract,
  pending: Promise<ContractTransactionResponse>,
): Promise<{ hash: string; block: number; events: LogDescription[] }> {
  const receipt = await (await pending).wait();
  if (receipt === null) fail("the transaction was dropped");
  const events = receipt.logs
    .map((log) => {
      try {
        return contract.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .filter((event): event is LogDescription => event !== null);
  return { hash: receipt.hash, block: receipt.blockNumber, events };
}

/** The first event named `name` among `events`. */
export function eventNamed(events: LogDescription[], name: string): LogDescription {
  const event = events.find((e) => e.name === name);
  if (event === undefined) fail(`the transaction emitted no ${name} event`);
  return event;
}
