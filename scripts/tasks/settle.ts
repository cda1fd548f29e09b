/**
 * What happens to an answered inference afterwards, one task per ledger path:
 *
 * - `./proofline settle:tee <id>`: a live enclave bound to the record's artifact (or provider) attests it; the record
 *   settles at TEE. The enclave key is `--enclave`, else the first of the network's accounts that is such an enclave.
 * - `./proofline settle:zk <id>`: proves the record with a real Groth16 proof from what `answer` saved, and settles it
 *   at ZKML.
 * - `./proofline finalize <id>`: writes down that a Vanilla claim's challenge window passed unrefuted.
 * - `./proofline reject <id>`: rejects a TEE or ZKML claim that missed its settlement deadline (or a pending record
 *   whose artifact was revoked).
 * - `./proofline refute:tee <id> --output-text <text> | --other-output <commitment>`: a live enclave attests another
 *   output for the same input; the record is rejected.
 *
 * The commitments a step needs come from the record's `Answered` event, so any record on the ledger can be settled,
 * not only those answered from this machine (ZKML excepted: a proof needs the private input).
 */
import { existsSync } from "node:fs";

import { ZeroAddress, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { InputCommitment, OutputCommitment, answerDigest, textPart } from "../../src/commitments.js";
import { Level, RecordState, Route, ledgerDomain, signAttestation } from "../../src/ledger.js";
import { loadRiskModel, modelCommitment, proveRiskScore } from "../../src/models/riskScorer.js";
import { releaseProver, zkBinding, zkEvidence } from "../../src/zk.js";
import type { SavedInference } from "./answer.js";
import { DEVELOPMENT_ENCLAVE } from "./attesters.js";
import { Proofline, type DeploymentArgs } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { at, bytes32, duration, inferenceId as parseId } from "./lib/parse.js";
import { printOutcome, recordedAnswer, requirePending, send, type RecordedAnswer } from "./lib/records.js";

interface IdArgs extends DeploymentArgs {
  inferenceId: string;
}

interface EnclaveArgs extends IdArgs {
  enclave: string;
}

const subjectText = (record: { route: Route; subject: bigint }) =>
  record.route === Route.Local ? `artifact ${record.subject}` : `provider ${record.subject}`;

/**
 * The enclave key that attests `record`: `--enclave`, checked to be live and bound to the record's subject, or the
 * first of the network's accounts that is.
 */
export async function attestingEnclave(ctx: Proofline, spec: string, record: RecordedAnswer): Promise<Signer> {
  const attesters = await ctx.attesters();
  const bound = async (account: string) => {
    const [live, route, subject] = await attesters.enclaveStatus(account);
    return { live, matches: Number(route) === record.route && subject === record.subject };
  };
  const heartbeat = (key: string) => ctx.command("enclave:heartbeat", `--enclave ${key}`);
  if (spec !== "") {
    const enclave = await ctx.account(spec, "--enclave");
    const account = await enclave.getAddress();
    const registered = await attesters.getEnclave(account).then(
      () => true,
      () => false,
    );
    if (!registered)
      fail(`${account} is not a registered enclave: a TRUST_ADMIN registers it (trust:register-enclave)`);
    const { live, matches } = await bound(account);
    if (!matches) fail(`enclave ${account} is not bound to ${subjectText(record)}, the record's subject`);
    if (!live)
      fail(
        `enclave ${account} is not live (no heartbeat within the TTL, or its measurement revoked): ${heartbeat(spec)}`,
      );
    return enclave;
  }
  let stale: string | undefined;
  for (const signer of ctx.signers) {
    const account = await signer.getAddress();
    const { live, matches } = await bound(account);
    if (matches && live) return signer;
    if (matches && stale === undefined) stale = account;
  }
  if (stale !== undefined)
    fail(`enclave ${stale} is bound to ${subjectText(record)} but not live: ${heartbeat(stale)}`);
  fail(
    `none of network ${ctx.networkName}'s accounts is an enclave bound to ${subjectText(record)}: a TRUST_ADMIN ` +
      "registers one (trust:register-enclave), or pass --enclave",
  );
}

/**
 * The attestation `--enclave` (or the first live enclave bound to the record's subject) signs over `digest` for the
 * record `id`, with that enclave and the ledger, connected to account 0, to send it with.
 */
async function enclaveAttestation(ctx: Proofline, spec: string, id: string, record: RecordedAnswer, digest: string) {
  const enclave = await attestingEnclave(ctx, spec, record);
  const ledger = await ctx.ledger(await ctx.account("", "--signer", 0));
  const signature = await signAttestation(enclave, ledgerDomain(ctx.chainId, await ledger.getAddress()), {
    inferenceId: id,
    route: record.route,
    subject: record.subject,
    answerDigest: digest,
  });
  return { ledger, signature, enclave };
}

async function settleTee(args: EnclaveArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const id = parseId(args.inferenceId);
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const record = await recordedAnswer(ctx, id);
  await requirePending(ctx, id);
  const { ledger, signature, enclave } = await enclaveAttestation(ctx, args.enclave, id, record, record.answerDigest);
  await send(ledger, ledger.settleTee(id, signature));
  console.log(`inference ${id}: attested by enclave ${await enclave.getAddress()} for ${subjectText(record)}`);
  console.log(`  the enclave signed the record's answer digest ${record.answerDigest}`);
  if (ctx.kind !== "remote") console.log(`  ${DEVELOPMENT_ENCLAVE}`);
  await printOutcome(ctx, id);
}

interface ZkArgs extends IdArgs {
  file: string;
}

async function settleZk(args: ZkArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const id = parseId(args.inferenceId);
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const record = await recordedAnswer(ctx, id);
  await requirePending(ctx, id);
  if (record.route !== Route.Local) fail(`inference ${id} came by a Proxy route: only a Local answer is proven in ZK`);
  const file = args.file || ctx.stateFile("inferences", `${id}.json`);
  if (!existsSync(file)) {
    fail(
      `no saved input for ${id} at ${ctx.shown(file)}: a proof needs the private input that \`answer\` saved on the ` +
        "machine that answered (pass --file)",
    );
  }
  const saved = ctx.readJson<SavedInference>(file, "the saved inference");
  if (saved.riskScorer === undefined) fail(`${ctx.shown(file)} is not a risk scorer answer: nothing to prove`);
  const input = new InputCommitment(saved.input);
  const output = new OutputCommitment(saved.output);
  if (input.root !== record.inputCommitment || output.root !== record.outputCommitment) {
    fail(`${ctx.shown(file)} does not hold the input and output of inference ${id} (its commitments differ)`);
  }
  const registry = await ctx.registry();
  const artifact = await registry.getArtifact(record.subject);
  const weights = saved.riskScorer.weights;
  if (!existsSync(weights)) fail(`the weights file ${weights} that answered is gone: the proof needs it`);
  const model = loadRiskModel(weights).model;
  if (modelCommitment(model) !== artifact.zkCommitment) {
    fail(`the weights in ${weights} are not artifact ${record.subject}'s: the proof would not verify`);
  }
  const router = await ctx.router();
  const [verifier] = await router.bindingOf(record.subject);
  if (verifier === ZeroAddress) {
    fail(
      `artifact ${record.subject} is not bound to a verifier: its publisher binds it first ` +
        `(${ctx.command("model:bind-verifier", `${record.subject}`)})`,
    );
  }
  const ledger = await ctx.ledger(await ctx.account("", "--signer", 0));
  const started = Date.now();
  const risk = saved.riskScorer;
  try {
    const proof = await proveRiskScore(
      model,
      { subject: risk.subject, features: risk.features.map(BigInt), salt: BigInt(risk.salt) },
      zkBinding(ctx.chainId, await ledger.getAddress(), id),
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const evidence = zkEvidence({
      proof,
      input,
      inputIndex: risk.inputIndex,
      outputCommitment: output.root,
      paymentRef: record.paymentRef,
    });
    await send(ledger, ledger.settleZk(id, evidence));
    console.log(`inference ${id}: proven with a Groth16 proof (snarkjs, ${seconds} s) and checked on-chain`);
    console.log(
      `  verifier ${verifier}: artifact ${record.subject}'s weights on the committed features give score ${risk.score}`,
    );
    console.log("  the circuit's setup is a development setup (docs/ZKML.md): a proof holds as far as that setup does");
  } finally {
    await releaseProver();
  }
  await printOutcome(ctx, id);
}

async function finalize(args: IdArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const id = parseId(args.inferenceId);
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const record = await recordedAnswer(ctx, id);
  const ledger = await ctx.ledger(await ctx.account("", "--signer", 0));
  const stored = await ledger.getRecord(id);
  if (Number(stored.state) !== RecordState.Answered) {
    fail(`inference ${id} is already ${RecordState[Number(stored.state)]}: nothing to finalize`);
  }
  if (record.claimed !== Level.Vanilla) {
    fail(
      `inference ${id} claims ${Level[record.claimed]}: only a Vanilla claim finalizes when its challenge window ` +
        `passes; this one settles by ${record.claimed === Level.TEE ? "settle:tee" : "settle:zk"}, or is rejected after its deadline`,
    );
  }
  const [deadline, now] = [await ledger.deadlineOf(id), await ctx.now()];
  if (now < deadline) {
    const left = deadline - now;
    fail(
      `inference ${id}'s challenge window ends at ${at(deadline)}, ${duration(left)} from now: until then it can be ` +
        `refuted; ${ctx.waitHint(left)}`,
    );
  }
  await send(ledger, ledger.finalize(id));
  console.log(`inference ${id}: its challenge window passed unrefuted; finalized at Vanilla`);
  await printOutcome(ctx, id);
}

async function reject(args: IdArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const id = parseId(args.inferenceId);
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const record = await recordedAnswer(ctx, id);
  await requirePending(ctx, id);
  const ledger = await ctx.ledger(await ctx.account("", "--signer", 0));
  const revokedAt = record.route === Route.Local ? await (await ctx.registry()).revokedAt(record.subject) : 0n;
  if (revokedAt !== 0n) {
    await send(ledger, ledger.rejectRevoked(id));
    console.log(
      `inference ${id}: rejected, its artifact ${record.subject} was revoked at ${at(revokedAt)} before it settled`,
    );
    await printOutcome(ctx, id);
    return;
  }
  if (record.claimed === Level.Vanilla) {
    fail(
      `inference ${id} claims Vanilla: it is not rejected at a deadline but settles when its challenge window passes ` +
        "unrefuted; an enclave can refute it during the window (refute:tee)",
    );
  }
  const [deadline, now] = [await ledger.deadlineOf(id), await ctx.now()];
  if (now < deadline) {
    const left = deadline - now;
    fail(
      `inference ${id} may still reach ${Level[record.claimed]} until its settlement deadline ${at(deadline)}, ` +
        `${duration(left)} from now; ${ctx.waitHint(left)}`,
    );
  }
  await send(ledger, ledger.reject(id));
  console.log(`inference ${id}: rejected, it did not reach its claimed ${Level[record.claimed]} by ${at(deadline)}`);
  await printOutcome(ctx, id);
}

interface RefuteArgs extends EnclaveArgs {
  otherOutput: string;
  outputText: string;
}

async function refuteTee(args: RefuteArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const id = parseId(args.inferenceId);
  if ((args.otherOutput === "") === (args.outputText === "")) {
    fail("pass the output the enclave attests instead: --output-text <text> or --other-output <output commitment>");
  }
  const other = args.otherOutput
    ? bytes32(args.otherOutput, "--other-output")
    : new OutputCommitment([textPart(args.outputText)]).root;
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const record = await recordedAnswer(ctx, id);
  await requirePending(ctx, id);
  if (other === record.outputCommitment) fail("that is the record's own output: a refutation attests a different one");
  const digest = answerDigest(record.inputCommitment, other, record.paymentRef);
  const { ledger, signature, enclave } = await enclaveAttestation(ctx, args.enclave, id, record, digest);
  await send(
    ledger,
    ledger.refuteTee(id, record.inputCommitment, record.outputCommitment, record.paymentRef, other, signature),
  );
  console.log(`inference ${id}: refuted by enclave ${await enclave.getAddress()}, which attests output ${other}`);
  if (ctx.kind !== "remote") console.log(`  ${DEVELOPMENT_ENCLAVE}`);
  await printOutcome(ctx, id);
}

export const tee = taskAction(settleTee);
export const zk = taskAction(settleZk);
export const finalizeTask = taskAction(finalize);
export const rejectTask = taskAction(reject);
export const refute = taskAction(refuteTee);
