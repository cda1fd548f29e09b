/**
 * `./proofline model:register`: publishes an artifact of a model from its weights file, creating the model (its
 * label) on first use. The content digest is the file's SHA-256; with `--zk risk-scorer` the file is the risk
 * scorer's model JSON and the artifact also carries its Poseidon weights commitment, which ZK proofs are checked
 * against.
 *
 * `./proofline model:bind-verifier <artifactId>`: the artifact's publisher binds a ZK artifact, once, to the verifier
 * (already in the router) that proves it.
 */
import { existsSync, readFileSync } from "node:fs";
import { extname } from "node:path";

import { ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { bytes32ToBlobId } from "../../src/blobId.js";
import { MAX_LABEL_LENGTH } from "../../src/constants.js";
import { loadRiskModel, modelCommitment } from "../../src/models/riskScorer.js";
import { toArtifactParams, weightsDigest, type ArtifactParams } from "../../src/registry.js";
import { Proofline, type DeploymentArgs } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { id64, address } from "./lib/parse.js";
import { eventNamed, send } from "./lib/records.js";

/** ZK models the tasks know how to commit to and prove. */
export const ZK_MODELS = ["risk-scorer"] as const;

/** Format tags guessed from a weights file's extension. */
const FORMATS: Record<string, string> = {
  ".onnx": "onnx",
  ".gguf": "gguf",
  ".safetensors": "safetensors",
  ".pt": "pytorch",
  ".bin": "bin",
};

interface RegisterArgs extends DeploymentArgs {
  label: string;
  weights: string;
  artifactVersion: string;
  blobId: string;
  format: string;
  zk: string;
  metadataUri: string;
  keepLabel: boolean;
  signer: string;
}

/** The artifact's parameters from the options, with what was computed to print. */
function artifactParams(args: RegisterArgs): { params: ArtifactParams; format: string; derivedBlobId: boolean } {
  if (args.label === "") fail("pass --label <model label>, e.g. --label risk-scorer");
  if (Buffer.byteLength(args.label) > Number(MAX_LABEL_LENGTH)) {
    fail(`--label must be at most ${MAX_LABEL_LENGTH} bytes; got ${Buffer.byteLength(args.label)}`);
  }
  if (args.weights === "")
    fail("pass --weights <file>: the artifact's weights file (its SHA-256 is the content digest)");
  if (!existsSync(args.weights)) fail(`--weights ${args.weights}: no such file`);
  if (args.artifactVersion === "") fail("pass --artifact-version <major.minor.patch>, e.g. --artifact-version 1.0.0");
  if (args.zk !== "" && !(ZK_MODELS as readonly string[]).includes(args.zk)) {
    fail(`--zk must be one of: ${ZK_MODELS.join(", ")}; got "${args.zk}"`);
  }
  const bytes = new Uint8Array(readFileSync(args.weights));
  const contentDigest = weightsDigest(bytes);
  let zkCommitment = 0n;
  if (args.zk === "risk-scorer") {
    try {
      zkCommitment = modelCommitment(loadRiskModel(args.weights).model);
    } catch (error) {
      fail(
        `--weights ${args.weights} is not a risk scorer model (JSON w1, b1, w2, b2, salt): ${(error as Error).message}`,
      );
    }
  }
  const format = args.format || (args.zk ? "circom-groth16" : FORMATS[extname(args.weights).toLowerCase()]);
  if (!format) fail(`pass --format <tag> (e.g. onnx, gguf): it cannot be guessed from ${args.weights}`);
  try {
    return {
      params: toArtifactParams({
        blobId: args.blobId || contentDigest,
        contentDigest,
        format,
        version: args.artifactVersion,
        zkCommitment,
      }),
      format,
      derivedBlobId: args.blobId === "",
    };
  } catch (error) {
    fail(`${(error as Error).message.replace(/^blob id/, "--blob-id")}`);
  }
}

export async function registerModel(args: RegisterArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const { params, format, derivedBlobId } = artifactParams(args);
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const publisher = await ctx.account(args.signer, "--signer", 0);
  const publisherAddress = await publisher.getAddress();
  const registry = await ctx.registry(publisher);

  let modelId = await registry.modelIdOf(publisherAddress, args.label);
  if (modelId === 0n) {
    const { events } = await send(registry, registry.createModel(args.label, args.metadataUri));
    modelId = eventNamed(events, "ModelCreated").args.modelId as bigint;
    console.log(`model ${modelId} "${args.label}" created, published by ${publisherAddress}`);
  } else {
    console.log(`model ${modelId} "${args.label}" (published by ${publisherAddress}) exists: adding an artifact`);
  }
  const existing = await registry.artifactIdOfBlob(publisherAddress, params.blobId);
  if (existing !== 0n) {
    fail(`blob id ${params.blobId} is already artifact ${existing} of this publisher: new weights need a new blob id`);
  }
  const count = (await registry.getModel(modelId)).artifactCount;
  if (count > 0n) {
    const [latestId] = await registry.artifactsOf(modelId, count - 1n, 1);
    const latest = await registry.getArtifact(latestId);
    const version = (a: { major: bigint | number; minor: bigint | number; patch: bigint | number }) =>
      (BigInt(a.major) << 64n) | (BigInt(a.minor) << 32n) | BigInt(a.patch);
    if (version(params) <= version(latest)) {
      fail(
        `--artifact-version ${args.artifactVersion} must be above the model's latest, ` +
          `${latest.major}.${latest.minor}.${latest.patch} (artifact ${latestId})`,
      );
    }
  }
  params.parentId = await registry.currentArtifact(modelId);
  const { events } = await send(registry, registry.registerArtifact(modelId, params, !args.keepLabel));
  const artifactId = eventNamed(events, "ArtifactRegistered").args.artifactId as bigint;

  console.log(`artifact ${artifactId}: "${args.label}" v${args.artifactVersion}, format ${format}`);
  console.log(`  weights ${args.weights}, SHA-256 ${params.contentDigest}`);
  console.log(
    `  blob id ${bytes32ToBlobId(params.blobId)} (${params.blobId})` +
      (derivedBlobId ? ": the weights' SHA-256, no storage upload; pass --blob-id for a Walrus blob" : ""),
  );
  if (params.zkCommitment !== 0n) console.log(`  ZK weights commitment (Poseidon, ${args.zk}) ${params.zkCommitment}`);
  if (params.parentId !== 0n) console.log(`  parent artifact ${params.parentId}`);
  const current = await registry.currentArtifact(modelId);
  console.log(
    `label "${args.label}" -> artifact ${current}${current === artifactId ? "" : " (not moved: --keep-label)"}`,
  );
  if (params.zkCommitment !== 0n) {
    console.log(`next, once the verifier is in the router: ${ctx.command("model:bind-verifier", `${artifactId}`)}`);
  }
}

interface BindArgs extends DeploymentArgs {
  artifactId: string;
  verifier: string;
  signer: string;
}

export async function bindVerifier(args: BindArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const artifactId = id64(args.artifactId, "the artifact id");
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const verifier = args.verifier ? address(args.verifier, "--verifier") : ctx.address("RiskScorerVerifier");
  const registry = await ctx.registry();
  const artifact = await registry.getArtifact(artifactId).catch(() => fail(`artifact ${artifactId} does not exist`));
  const publisher = (await registry.getModel(artifact.modelId)).publisher;
  const signer = args.signer
    ? await ctx.account(args.signer, "--signer")
    : await ctx.account(publisher, `the publisher of artifact ${artifactId}`);
  const router = await ctx.router(signer);
  const [bound] = await router.bindingOf(artifactId);
  if (bound !== ZeroAddress) {
    if (bound === verifier) {
      console.log(`artifact ${artifactId} is already bound to verifier ${verifier}: nothing to do`);
      return;
    }
    fail(`artifact ${artifactId} is already bound to verifier ${bound}: a binding is made once`);
  }
  if (artifact.zkCommitment === 0n) {
    fail(`artifact ${artifactId} has no ZK commitment: register it with --zk <model> to prove it in zero knowledge`);
  }
  const status = Number((await router.getVerifier(verifier)).status);
  if (status !== 1) {
    fail(
      `verifier ${verifier} is ${status === 0 ? "not in the router" : "frozen"}: a TRUST_ADMIN adds it first ` +
        `(${ctx.command("trust:add-verifier")})`,
    );
  }
  await send(router, router.bindArtifact(artifactId, verifier));
  console.log(`artifact ${artifactId} bound to verifier ${verifier} by its publisher ${await signer.getAddress()}`);
  console.log(
    `  ZK proofs for artifact ${artifactId} are now checked by that verifier against commitment ${artifact.zkCommitment}`,
  );
}

export const register = taskAction(registerModel);
export const bind = taskAction(bindVerifier);
