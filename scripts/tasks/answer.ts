/**
 * `./proofline answer`: a node answers an inference. The node key (`--signer`, default the first of the network's
 * accounts that is an active node key) signs the answer under EIP-712 and it is recorded on the ledger, Answered and
 * not settled, under an inference id of that key's (its address, then 12 bytes of keccak256(`--nonce`)). A claim above
 * Vanilla first locks part of the node's bond (`bonds.lock` from the node key, as the ledger requires): released when
 * the record settles, slashed when it misses its deadline or is refuted (docs/NODE.md, Bonds).
 *
 * What was asked and answered comes from flags or from a JSON file (`--file`, format in docs/FIRST-INFERENCE.md):
 *
 * - the risk scorer: `--artifact <id> --features 400,2,500,100 --subject 0x..` computes the score with the artifact's
 *   weights (`--weights`, default the committed demo model), commits to the features with their Poseidon input hash
 *   and a random salt, and answers the one risk-score output part, exactly as a ZK proof will need it;
 * - anything else: `--prompt <text> --output-text <text>` (one prompt part, one text part), or the parts in `--file`.
 *
 * What proving and consuming need later (the input parts with their content, the output parts, the salt) is saved to
 * `.proofline/<deployment id>/inferences/<inference id>.json`: `settle:zk` proves from it. It holds the private
 * input: keep it out of version control.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

import { ZeroHash, getAddress, hexlify, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  InputCommitment,
  InputKind,
  MEDIA_TYPES,
  OutputCommitment,
  OutputKind,
  Provenance,
  textPart,
  type InputPartSpec,
  type OutputPartSpec,
} from "../../src/commitments.js";
import { Level, RecordState, Route, inferenceIdFor, ledgerDomain, signAnswer, type Answer } from "../../src/ledger.js";
import {
  RISK_SCORER,
  inputHash,
  loadRiskModel,
  modelCommitment,
  riskScore,
  riskScorePart,
  type RiskInput,
} from "../../src/models/riskScorer.js";
import { SNARK_SCALAR_FIELD, zkInputPart } from "../../src/zk.js";
import { lockForAnswer } from "../../src/bonds.js";
import { LockStatus } from "../../src/constants.js";
import { amountText, tokenAsset } from "./bond.js";
import { Proofline, type DeploymentArgs } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { address, bytes32, id64, level, numberList, whole } from "./lib/parse.js";
import { printOutcome, send } from "./lib/records.js";

interface AnswerArgs extends DeploymentArgs {
  file: string;
  artifact: string;
  provider: string;
  claim: string;
  features: string;
  subject: string;
  salt: string;
  weights: string;
  prompt: string;
  outputText: string;
  paymentRef: string;
  nonce: string;
  signer: string;
  out: string;
}

/** An answer described in a JSON file (`--file`); flags override its fields. */
export interface AnswerFile {
  nonce?: string;
  artifact?: number | string;
  provider?: number | string;
  claim?: string;
  paymentRef?: string;
  input?: Array<{ kind?: string; name: string; content: string; provenance?: string }>;
  output?: Array<{ kind?: string; mediaType?: string; content: string }>;
  riskScore?: { subject: string; features: Array<number | string>; salt?: string };
}

/** What `answer` saves and `settle:zk` reads: everything the record's commitments were built from. */
export interface SavedInference {
  inferenceId: string;
  chainId: string;
  ledger: string;
  answer: {
    route: Route;
    subject: string;
    claimed: Level;
    inputCommitment: string;
    outputCommitment: string;
    paymentRef: string;
  };
  input: InputPartSpec[];
  output: OutputPartSpec[];
  riskScorer?: {
    weights: string;
    inputIndex: number;
    subject: string;
    features: string[];
    salt: string;
    score: string;
  };
}

const INPUT_KINDS: Record<string, InputKind> = {
  prompt: InputKind.Prompt,
  memory: InputKind.Memory,
  external: InputKind.External,
};
const OUTPUT_KINDS: Record<string, OutputKind> = {
  text: OutputKind.Text,
  image: OutputKind.Image,
  toolcall: OutputKind.ToolCall,
  data: OutputKind.Data,
};

function enumValue<T>(table: Record<string, T>, value: string, what: string): T {
  const found = table[value.toLowerCase()];
  if (found === undefined) fail(`${what} must be one of ${Object.keys(table).join(", ")}; got "${value}"`);
  return found;
}

/** The input parts from the file or `--prompt` (file parts are unattested: a signed part needs its source's key). */
function inputParts(args: AnswerArgs, file: AnswerFile): InputPartSpec[] {
  if (args.prompt !== "") {
    return [{ kind: InputKind.Prompt, name: "prompt", content: args.prompt, provenance: Provenance.Unattested }];
  }
  return (file.input ?? []).map((part, i) => {
    if (typeof part?.name !== "string" || typeof part.content !== "string") {
      fail(`--file: input part ${i} needs a "name" and a "content" (text, or 0x-hex bytes)`);
    }
    if (part.provenance !== undefined && part.provenance.toLowerCase() !== "unattested") {
      fail(
        `--file: input part ${i}: only unattested parts can be given here (a signed part carries its source's signature)`,
      );
    }
    return {
      kind: enumValue(INPUT_KINDS, part.kind ?? "prompt", `--file: input part ${i} "kind"`),
      name: part.name,
      content: part.content,
      provenance: Provenance.Unattested,
    };
  });
}

/** The output parts from the file or `--output-text`. */
function outputParts(args: AnswerArgs, file: AnswerFile): OutputPartSpec[] {
  if (args.outputText !== "") return [textPart(args.outputText)];
  return (file.output ?? []).map((part, i) => {
    if (typeof part?.content !== "string") fail(`--file: output part ${i} needs a "content" (text, or 0x-hex bytes)`);
    const kind = enumValue(OUTPUT_KINDS, part.kind ?? "text", `--file: output part ${i} "kind"`);
    const mediaType = part.mediaType ?? (kind === OutputKind.Text ? MEDIA_TYPES.text : undefined);
    if (mediaType === undefined) fail(`--file: output part ${i} needs a "mediaType" (e.g. image/png)`);
    return { kind, mediaType, content: part.content };
  });
}

/** The node key that signs: `--signer`, else the first of the network's accounts that is an active node key. */
async function nodeKey(ctx: Proofline, spec: string): Promise<Signer> {
  const attesters = await ctx.attesters();
  if (spec !== "") {
    const key = await ctx.account(spec, "--signer");
    if ((await attesters.activeNodeId(await key.getAddress())) === 0n) {
      fail(`${await key.getAddress()} is not an active node key: ${ctx.command("node:register", `--key ${spec}`)}`);
    }
    return key;
  }
  const key = await ctx.findAccount(async (account) => (await attesters.activeNodeId(account)) !== 0n);
  if (key === undefined) {
    fail(
      `none of network ${ctx.networkName}'s accounts is an active node key: register one first ` +
        `(${ctx.command("node:register", "--key <account>")})`,
    );
  }
  return key;
}

/** The risk scorer's input and output for the features, with the score the artifact's weights give. */
async function riskScoreAnswer(ctx: Proofline, args: AnswerArgs, file: AnswerFile, artifactId: bigint) {
  const risk = file.riskScore;
  const features = args.features || (risk ? risk.features.join(",") : "");
  const subject = address(args.subject || risk?.subject || "", "--subject (who is scored)");
  const list = numberList(features, "--features", RISK_SCORER.features, RISK_SCORER.maxFeature);
  const saltText = args.salt || risk?.salt || "";
  const salt = saltText
    ? whole(saltText, "--salt", 0n, SNARK_SCALAR_FIELD - 1n)
    : BigInt(`0x${randomBytes(32).toString("hex")}`) % SNARK_SCALAR_FIELD;
  const weights = args.weights || RISK_SCORER.modelFile;
  if (!existsSync(weights)) fail(`--weights ${weights}: no such file`);
  const model = (() => {
    try {
      return loadRiskModel(weights).model;
    } catch (error) {
      fail(`--weights ${weights} is not a risk scorer model: ${(error as Error).message}`);
    }
  })();
  const artifact = await (await ctx.registry()).getArtifact(artifactId);
  if (artifact.zkCommitment !== modelCommitment(model)) {
    fail(
      `the weights in ${ctx.shown(weights)} are not artifact ${artifactId}'s (its ZK commitment is ` +
        `${artifact.zkCommitment === 0n ? "none" : artifact.zkCommitment}): pass the artifact's --weights`,
    );
  }
  const input: RiskInput = { subject, features: list, salt };
  const score = riskScore(model, input);
  return { weights: ctx.shown(weights), input, score };
}

async function answer(args: AnswerArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const file: AnswerFile = args.file ? readAnswerFile(args.file) : {};
  const artifact = args.artifact || (file.artifact !== undefined ? `${file.artifact}` : "");
  const provider = args.provider || (file.provider !== undefined ? `${file.provider}` : "");
  if ((artifact === "") === (provider === "")) {
    fail("pass either --artifact <id> (a registered model artifact ran: Local route) or --provider <id> (Proxy route)");
  }
  const route = artifact ? Route.Local : Route.Proxy;
  const subject = id64(artifact || provider, artifact ? "--artifact" : "--provider");
  const risk = args.features !== "" || file.riskScore !== undefined;
  const claimText = args.claim || file.claim || (risk ? "zkml" : "");
  if (claimText === "") fail("pass --claim vanilla, tee or zkml: the level the node claims the answer will reach");
  const claimed = level(claimText);
  if (route === Route.Proxy && claimed === Level.ZKML)
    fail("a Proxy-route answer cannot claim zkml: nothing proves a provider's model");
  if (risk && route !== Route.Local)
    fail("a risk score answer runs a registered artifact: pass --artifact, not --provider");
  if (risk && (args.prompt !== "" || args.outputText !== "")) {
    fail("a risk score answer's input is its features and its output the score: drop --prompt and --output-text");
  }
  const paymentRef = bytes32(args.paymentRef || file.paymentRef || ZeroHash, "--payment-ref");

  const ctx = await Proofline.connect(hre, args.deploymentId);
  const attesters = await ctx.attesters();
  if (!(await attesters.isValidSubject(route, subject))) {
    fail(
      route === Route.Local
        ? `artifact ${subject} is not a valid artifact on this deployment (unknown or revoked)`
        : `provider ${subject} does not exist: ${ctx.command("provider:register", "--name <name>")}`,
    );
  }
  const key = await nodeKey(ctx, args.signer);
  const keyAddress = getAddress(await key.getAddress());

  let input: InputPartSpec[];
  let output: OutputPartSpec[];
  let riskScorer: SavedInference["riskScorer"];
  if (risk) {
    const scored = await riskScoreAnswer(ctx, args, file, subject);
    input = [zkInputPart(inputHash(scored.input))];
    output = [riskScorePart(scored.input.subject, scored.score)];
    riskScorer = {
      weights: scored.weights,
      inputIndex: 0,
      subject: scored.input.subject,
      features: scored.input.features.map(String),
      salt: `${scored.input.salt}`,
      score: `${scored.score}`,
    };
  } else {
    input = inputParts(args, file);
    output = outputParts(args, file);
    if (input.length === 0 || output.length === 0) {
      fail("pass what was asked and answered: --prompt and --output-text, --features for the risk scorer, or --file");
    }
  }
  const inputTree = buildCommitment(() => new InputCommitment(input));
  const outputTree = buildCommitment(() => new OutputCommitment(output));

  const nonce = args.nonce || file.nonce || randomUUID();
  const inferenceId = inferenceIdFor(keyAddress, nonce);
  const ledger = await ctx.ledger();
  if (Number(await ledger.stateOf(inferenceId)) !== RecordState.None) {
    fail(
      `inference ${inferenceId} (node ${keyAddress}, nonce "${nonce}") is already recorded: answer under another --nonce`,
    );
  }
  const answer: Answer = {
    inferenceId,
    route,
    subject,
    claimed,
    inputCommitment: inputTree.root,
    outputCommitment: outputTree.root,
    paymentRef,
  };
  const signature = await signAnswer(key, ledgerDomain(ctx.chainId, await ledger.getAddress()), answer);
  const locked = claimed === Level.Vanilla ? undefined : await lockBond(ctx, key, inferenceId, paymentRef);
  const sender = await ctx.account("", "--signer", 0);
  const submitted = await ctx.ledger(sender);
  await send(submitted, submitted.answer(answer, signature));

  const saved: SavedInference = {
    inferenceId,
    chainId: `${ctx.chainId}`,
    ledger: await ledger.getAddress(),
    answer: { ...answer, subject: `${subject}` },
    input: input.map((part) => ({ ...part, content: contentText(part.content) })),
    output: outputTree.parts.map((part) => ({ kind: part.kind, mediaType: part.mediaType, content: part.content })),
    ...(riskScorer ? { riskScorer } : {}),
  };
  const savedFile = args.out || ctx.stateFile("inferences", `${inferenceId}.json`);
  ctx.writeJson(savedFile, saved);

  const nodeId = await attesters.activeNodeId(keyAddress);
  const on = route === Route.Local ? `artifact ${subject} (Local route)` : `provider ${subject} (Proxy route)`;
  console.log(`inference ${inferenceId}`);
  console.log(`  answered by node ${nodeId} (key ${keyAddress}) on ${on}, claiming ${Level[claimed]}`);
  console.log(
    `  input ${inputTree.root} (${input.length} part${input.length === 1 ? "" : "s"}), output ${outputTree.root}`,
  );
  if (riskScorer)
    console.log(`  risk score ${riskScorer.score} for ${riskScorer.subject}, from artifact ${subject}'s weights`);
  if (locked !== undefined) {
    console.log(
      `  locked ${locked} of node ${nodeId}'s bond: released when it settles, slashed if it misses its deadline or ` +
        "is refuted",
    );
  }
  console.log(`  saved what proving and consuming need to ${ctx.shown(savedFile)} (it holds the private input)`);
  await printOutcome(ctx, inferenceId);
  const next =
    claimed === Level.ZKML
      ? ctx.command("settle:zk", inferenceId)
      : claimed === Level.TEE
        ? ctx.command("settle:tee", inferenceId)
        : `${ctx.command("finalize", inferenceId)} once the challenge window has passed unrefuted`;
  console.log(`next: ${next}`);
}

/**
 * Locks the node's bond for a claim above Vanilla (from the node key), unless a rerun finds it locked already; the
 * amount locked, for printing.
 */
async function lockBond(ctx: Proofline, key: Signer, inferenceId: string, paymentRef: string): Promise<string> {
  const bonds = await ctx.bonds(key);
  let lock = await bonds.lockOf(inferenceId);
  if (Number(lock.status) === LockStatus.None) {
    // `lockPaid` with the escrow request a payment reference of the vault's escrow names, else `lock`.
    await send(bonds, lockForAnswer(bonds, inferenceId, paymentRef));
    lock = await bonds.lockOf(inferenceId);
  } else if (Number(lock.status) !== LockStatus.Locked) {
    fail(`inference ${inferenceId}'s lock was ${LockStatus[Number(lock.status)]}: answer under another --nonce`);
  }
  return amountText(lock.amount, await tokenAsset(ctx, await bonds.assetAt(lock.assetIndex)));
}

/** Content as the saved file holds it: text as text, bytes as 0x-hex (`contentBytes` reads both back the same). */
function contentText(content: InputPartSpec["content"]): string {
  return typeof content === "string" ? content : hexlify(content);
}

function buildCommitment<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    fail(`the answer's parts: ${(error as Error).message}`);
  }
}

function readAnswerFile(path: string): AnswerFile {
  if (!existsSync(path)) fail(`--file ${path}: no such file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    fail(`--file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    fail(`--file ${path} must hold a JSON object`);
  return parsed as AnswerFile;
}

export default taskAction(answer);
