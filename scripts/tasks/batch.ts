/**
 * Batch settlement: one enclave signature settles many records.
 *
 * - `./proofline batch:commit <id> [<id> ...] [--enclave <account>]`: the enclave attests every listed record in one
 *   Merkle tree of the current settlement round and commits its root; the batch is saved to
 *   `.proofline/<deployment id>/batches/` for the settling step.
 * - `./proofline batch:settle <id>`: settles one record from a committed batch with its Merkle proof (anyone may).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { SettlementBatch, type BatchEntry } from "../../src/batch.js";
import { ledgerDomain, signBatch } from "../../src/ledger.js";
import { DEVELOPMENT_ENCLAVE } from "./attesters.js";
import { Proofline, type DeploymentArgs } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { address, inferenceId as parseId, whole } from "./lib/parse.js";
import { printOutcome, recordedAnswer, requirePending, send } from "./lib/records.js";
import { attestingEnclave } from "./settle.js";

/** A committed batch as saved by `batch:commit`. */
interface SavedBatch {
  ledger: string;
  enclave: string;
  round: string;
  root: string;
  entries: BatchEntry[];
}

interface CommitArgs extends DeploymentArgs {
  inferenceIds: string[];
  enclave: string;
}

async function commitBatch(args: CommitArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const ids = args.inferenceIds.map(parseId);
  if (ids.length === 0) fail("pass the inference ids to settle in the batch");
  if (new Set(ids).size !== ids.length) fail("an inference id appears twice in the batch");
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const records = [];
  for (const id of ids) {
    const record = await recordedAnswer(ctx, id);
    await requirePending(ctx, id);
    records.push(record);
  }
  const [first] = records;
  const other = records.find((r) => r.route !== first.route || r.subject !== first.subject);
  if (other !== undefined) {
    fail(
      `an enclave attests one artifact or provider: ${other.inferenceId} has another subject than ${first.inferenceId}`,
    );
  }
  const enclave = await attestingEnclave(ctx, args.enclave, first);
  const enclaveAddress = await enclave.getAddress();
  const ledger = await ctx.ledger(await ctx.account("", "--signer", 0));
  const ledgerAddress = await ledger.getAddress();
  const round = await ledger.currentRound();
  const entries = records.map((r) => ({ inferenceId: r.inferenceId, answerDigest: r.answerDigest }));
  const batch = new SettlementBatch(ledgerAddress, round, entries);
  const signature = await signBatch(enclave, ledgerDomain(ctx.chainId, ledgerAddress), round, batch.root);
  await send(ledger, ledger.commitBatch(round, batch.root, signature));
  const saved: SavedBatch = {
    ledger: ledgerAddress,
    enclave: enclaveAddress,
    round: `${round}`,
    root: batch.root,
    entries,
  };
  const file = ctx.stateFile("batches", `${enclaveAddress}-round-${round}.json`);
  ctx.writeJson(file, saved);
  console.log(`batch of ${ids.length} committed for round ${round} by enclave ${enclaveAddress}: root ${batch.root}`);
  if (ctx.kind !== "remote") console.log(`  ${DEVELOPMENT_ENCLAVE}`);
  console.log(`  saved to ${ctx.shown(file)}; nothing is settled yet`);
  for (const id of ids) console.log(`next: ${ctx.command("batch:settle", id)}`);
}

interface SettleArgs extends DeploymentArgs {
  inferenceId: string;
  enclave: string;
  round: string;
}

async function settleFromBatch(args: SettleArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const id = parseId(args.inferenceId);
  const enclaveFilter = args.enclave ? address(args.enclave, "--enclave") : undefined;
  const roundFilter = args.round ? whole(args.round, "--round", 1n, 2n ** 32n - 1n) : undefined;
  const ctx = await Proofline.connect(hre, args.deploymentId);
  await recordedAnswer(ctx, id);
  await requirePending(ctx, id);
  const directory = ctx.stateFile("batches");
  const batches = (existsSync(directory) ? readdirSync(directory) : [])
    .filter((name) => name.endsWith(".json"))
    .map((name) => ctx.readJson<SavedBatch>(join(directory, name), "a saved batch"))
    .filter((b) => b.entries.some((e) => e.inferenceId.toLowerCase() === id))
    .filter((b) => enclaveFilter === undefined || b.enclave === enclaveFilter)
    .filter((b) => roundFilter === undefined || BigInt(b.round) === roundFilter)
    .sort((a, b) => Number(BigInt(b.round) - BigInt(a.round)));
  const saved = batches[0];
  if (saved === undefined) {
    fail(`no batch saved in ${ctx.shown(directory)} holds inference ${id}: ${ctx.command("batch:commit", id)}`);
  }
  const batch = new SettlementBatch(saved.ledger, BigInt(saved.round), saved.entries);
  const ledger = await ctx.ledger(await ctx.account("", "--signer", 0));
  await send(ledger, ledger.settleFromBatch(saved.enclave, BigInt(saved.round), id, batch.proof(id)));
  console.log(
    `inference ${id}: settled from enclave ${saved.enclave}'s batch of round ${saved.round} (root ${saved.root})`,
  );
  await printOutcome(ctx, id);
}

export const commit = taskAction(commitBatch);
export const settle = taskAction(settleFromBatch);
