/**
 * What the node serves: each served artifact is a model kind, a weights file and a registry artifact id, checked
 * against the registry before anything is sold (the SHA-256 of the file is the artifact's content digest; the risk
 * scorer's Poseidon commitment is its ZK commitment; the artifact is valid, not revoked or deprecated), and again before
 * each sale (revocation can come at any time).
 *
 * A request names an artifact id, or a model label that the node resolves to an artifact id through the registry
 * (the label's publisher is configuration): the response says which artifact answered, and a label that moved to an
 * artifact this node does not serve is refused, never silently switched.
 *
 * Requests are validated here, at the edge, into a `JobSpec`: the input parts (named, each with its provenance: the
 * model's own input, memory rows, external data items with a data source's signature where they have one), and the
 * input commitment over them, which the x402 offer names, so the payment funds exactly this input.
 */
import { readFileSync } from "node:fs";

import { getAddress, isAddress, isHexString, keccak256, toUtf8Bytes } from "ethers";

import { InputCommitment, InputKind, Provenance, type InputPartSpec, type OutputPartSpec } from "../src/commitments.js";
import { canonicalJson } from "./store.js";
import { Level, Route } from "../src/ledger.js";
import {
  RISK_SCORER,
  inputHash,
  loadRiskModel,
  modelCommitment,
  riskScore,
  riskScorePart,
  type RiskInput,
  type RiskModel,
} from "../src/models/riskScorer.js";
import {
  classify,
  loadSpamFilter,
  spamFilterOutput,
  SpamFilterInputError,
  type SpamFilterModel,
} from "../src/models/spamFilter.js";
import { weightsDigest } from "../src/registry.js";
import { SNARK_SCALAR_FIELD, zkInputPart } from "../src/zk.js";

/** The model kinds this node can run. */
export const MODEL_KINDS = ["risk-scorer", "spam-filter"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** What each kind claims, and so what the x402 offer's minimum level is: the strongest it can settle at. */
export const CLAIMED_LEVEL: Readonly<Record<ModelKind, Level>> = {
  "risk-scorer": Level.ZKML,
  "spam-filter": Level.TEE,
};

/** Limits on the extra input parts a request may carry. */
export const MAX_EXTRA_PARTS = 8;
export const MAX_PART_BYTES = 16_384;

/** A request the node refuses before any payment: HTTP 400 with `reason`, or 404 for an unknown artifact. */
export class RequestRefused extends Error {
  override name = "RequestRefused";
  constructor(
    readonly status: 400 | 404 | 409,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** A served artifact as configured. */
export interface ServedArtifactConfig {
  artifactId: bigint;
  kind: ModelKind;
  weightsFile: string;
  /** The publisher under whose label requests may name it (the registry's labels are per publisher). */
  publisher: string;
  label: string;
  /** The price in the payment token's atomic units. */
  price: bigint;
}

/** A loaded and checked served artifact. */
export interface ServedArtifact extends ServedArtifactConfig {
  claimed: Level;
  digest: string;
  riskModel?: RiskModel;
  spamFilter?: SpamFilterModel;
}

/** The registry views the checks read (a typed `ModelRegistry` contract fits). */
export interface RegistryReader {
  getArtifact(artifactId: bigint): Promise<{ contentDigest: string; zkCommitment: bigint }>;
  isValidArtifact(artifactId: bigint): Promise<boolean>;
  modelIdOf(publisher: string, label: string): Promise<bigint>;
  currentArtifact(modelId: bigint): Promise<bigint>;
}

/** Loads `config`'s weights and checks them against the registry; throws with what does not match. */
export async function loadServedArtifact(
  config: ServedArtifactConfig,
  registry: RegistryReader,
): Promise<ServedArtifact> {
  const bytes = readFileSync(config.weightsFile);
  const digest = weightsDigest(bytes);
  const onChain = await registry.getArtifact(config.artifactId);
  const what = `artifact ${config.artifactId} (${config.kind}, ${config.weightsFile})`;
  if (onChain.contentDigest !== digest) {
    throw new Error(`${what}: the file's SHA-256 ${digest} is not the registered digest ${onChain.contentDigest}`);
  }
  if (!(await registry.isValidArtifact(config.artifactId))) {
    throw new Error(`${what}: the registry says it is not valid (revoked or deprecated): refusing to serve it`);
  }
  const served: ServedArtifact = { ...config, claimed: CLAIMED_LEVEL[config.kind], digest };
  if (config.kind === "risk-scorer") {
    served.riskModel = loadRiskModel(config.weightsFile).model;
    const commitment = modelCommitment(served.riskModel);
    if (commitment !== onChain.zkCommitment) {
      throw new Error(`${what}: the weights' Poseidon commitment is not the registered ZK commitment`);
    }
  } else {
    served.spamFilter = loadSpamFilter(config.weightsFile).model;
  }
  return served;
}

/** A validated request: what will be paid for, answered and committed to. */
export interface JobSpec {
  artifact: ServedArtifact;
  /** The input parts, in commitment order; for the risk scorer the last is the ZK input part. */
  inputParts: InputPartSpec[];
  inputCommitment: string;
  /** The model's own input (canonical JSON), kept for answering and proving. */
  modelInput: RiskInputJson | { text: string };
}

/** A risk scorer input with bigints as decimal strings (what the store keeps). */
export interface RiskInputJson {
  subject: string;
  features: string[];
  salt: string;
  /**
   * A data source's signature (EIP-712 `SourcedData`, docs/HASHING.md) of the features' input hash, when a credit
   * bureau attested them: the input part is then `External`, `SourceSigned`, carrying it, as a consumer that takes
   * only attested features (`AttestedInputRule.Whole`) requires. Which source signed is for the consumer to check.
   */
  attestation?: string;
}

type Body = Record<string, unknown>;

const refuse = (reason: string): never => {
  throw new RequestRefused(400, reason);
};

/** The artifact a request names (`artifact`: an id; or `label`), among those served. */
export async function artifactOfRequest(
  body: Body,
  served: ReadonlyMap<bigint, ServedArtifact>,
  registry: RegistryReader,
): Promise<ServedArtifact> {
  if (body.artifact !== undefined && body.label !== undefined) refuse("name either `artifact` or `label`, not both");
  let id: bigint;
  if (body.artifact !== undefined) {
    const text = String(body.artifact);
    if (!/^[1-9][0-9]{0,18}$/.test(text)) refuse("`artifact` must be an artifact id, a positive integer");
    id = BigInt(text);
    if (!served.has(id)) throw new RequestRefused(404, `artifact ${id} is not served by this node`);
  } else if (typeof body.label === "string" && body.label !== "") {
    const configured = [...served.values()].find((a) => a.label === body.label);
    if (configured === undefined) throw new RequestRefused(404, `no served model has the label "${body.label}"`);
    const modelId = await registry.modelIdOf(configured.publisher, configured.label);
    id = modelId === 0n ? 0n : await registry.currentArtifact(modelId);
    if (!served.has(id)) {
      throw new RequestRefused(
        409,
        `the label "${body.label}" now points at artifact ${id}, which this node does not serve: name an artifact id`,
      );
    }
  } else {
    return refuse("name the model: `artifact` (an artifact id) or `label`");
  }
  const artifact = served.get(id)!;
  if (!(await registry.isValidArtifact(id))) {
    throw new RequestRefused(409, `artifact ${id} was revoked or deprecated in the registry: it is no longer sold`);
  }
  return artifact;
}

/** The extra named input parts a request carries: memory rows and external data items. */
function extraParts(body: Body): InputPartSpec[] {
  const parts: InputPartSpec[] = [];
  const names = new Set<string>();
  for (const [field, kind] of [
    ["memory", InputKind.Memory],
    ["external", InputKind.External],
  ] as const) {
    const list = body[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) refuse(`\`${field}\` must be a list of { name, content } items`);
    for (const [i, item] of (list as unknown[]).entries()) {
      const where = `${field}[${i}]`;
      if (typeof item !== "object" || item === null) refuse(`${where} must be an object { name, content }`);
      const { name, content, signature } = item as Body;
      if (typeof name !== "string" || !/^[A-Za-z0-9._:/-]{1,64}$/.test(name)) {
        refuse(`${where}.name must be 1 to 64 letters, digits or . _ : / -`);
      }
      if (typeof content !== "string") refuse(`${where}.content must be a string`);
      if (toUtf8Bytes(content as string).length > MAX_PART_BYTES)
        refuse(`${where}.content is over ${MAX_PART_BYTES} bytes`);
      const partName = `${field}/${name as string}`;
      if (names.has(partName)) refuse(`${where}: the name "${name as string}" is used twice`);
      names.add(partName);
      if (signature !== undefined) {
        if (kind !== InputKind.External) refuse(`${where}: only external data carries a data source's signature`);
        if (typeof signature !== "string" || !isHexString(signature, 65))
          refuse(`${where}.signature must be 65 bytes of hex`);
      }
      parts.push({
        kind,
        name: partName,
        content: content as string,
        provenance: signature === undefined ? Provenance.Unattested : Provenance.SourceSigned,
        ...(signature === undefined ? {} : { signature: signature as string }),
      });
    }
  }
  if (parts.length > MAX_EXTRA_PARTS) refuse(`at most ${MAX_EXTRA_PARTS} memory and external items in all`);
  return parts;
}

/** The risk scorer's input: a subject address and four features in [0, 1023], with an optional salt. */
function riskInputOf(input: unknown): RiskInputJson {
  if (typeof input !== "object" || input === null) return refuse("`input` must be { subject, features: [4 integers] }");
  const { subject, features, salt, attestation } = input as Body;
  if (typeof subject !== "string" || !isAddress(subject)) refuse("`input.subject` must be an address");
  if (!Array.isArray(features) || features.length !== RISK_SCORER.features) {
    refuse(`\`input.features\` must be ${RISK_SCORER.features} integers in [0, ${RISK_SCORER.maxFeature}]`);
  }
  const list = (features as unknown[]).map((value, i) => {
    const text = String(value);
    if (!/^[0-9]{1,4}$/.test(text) || BigInt(text) > RISK_SCORER.maxFeature) {
      refuse(`\`input.features[${i}]\` must be an integer in [0, ${RISK_SCORER.maxFeature}]`);
    }
    return BigInt(text).toString();
  });
  let saltValue: bigint;
  if (salt === undefined) {
    // No salt given: one derived from the input itself, so the offer and the paid request commit to the same input.
    saltValue =
      BigInt(keccak256(toUtf8Bytes(canonicalJson({ subject: getAddress(subject as string), features: list })))) %
      SNARK_SCALAR_FIELD;
  } else {
    const text = String(salt);
    if (!/^[0-9]{1,78}$/.test(text) || BigInt(text) >= SNARK_SCALAR_FIELD)
      refuse("`input.salt` must be a field element");
    saltValue = BigInt(text);
  }
  if (attestation !== undefined && (typeof attestation !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(attestation))) {
    refuse("`input.attestation` must be a data source's 65-byte signature (0x + 130 hex digits)");
  }
  return {
    subject: getAddress(subject as string),
    features: list,
    salt: saltValue.toString(),
    ...(attestation === undefined ? {} : { attestation: (attestation as string).toLowerCase() }),
  };
}

export function toRiskInput(json: RiskInputJson): RiskInput {
  return { subject: json.subject, features: json.features.map(BigInt), salt: BigInt(json.salt) };
}

/** Validates a request body for `artifact` into a job spec (throws `RequestRefused` with the reason). */
export function jobSpecOf(body: Body, artifact: ServedArtifact): JobSpec {
  const extras = extraParts(body);
  if (artifact.kind === "risk-scorer") {
    const modelInput = riskInputOf(body.input);
    const hash = inputHash(toRiskInput(modelInput));
    const inputParts = [...extras, zkInputPart(hash, "zk-input", modelInput.attestation)];
    return { artifact, inputParts, inputCommitment: new InputCommitment(inputParts).root, modelInput };
  }
  const text = (body.input as Body | undefined)?.text;
  if (typeof text !== "string") refuse("`input` must be { text: string }");
  try {
    classify(artifact.spamFilter!, text as string);
  } catch (error) {
    if (error instanceof SpamFilterInputError) refuse(`\`input.text\`: ${error.message}`);
    throw error;
  }
  const prompt: InputPartSpec = {
    kind: InputKind.Prompt,
    name: "prompt",
    content: text as string,
    provenance: Provenance.Unattested,
  };
  const inputParts = [prompt, ...extras];
  return {
    artifact,
    inputParts,
    inputCommitment: new InputCommitment(inputParts).root,
    modelInput: { text: text as string },
  };
}

/** Runs the model on a job's input: the output parts the answer commits to, and a short summary for the response. */
export function runModel(spec: Pick<JobSpec, "artifact" | "modelInput">): {
  output: OutputPartSpec[];
  result: unknown;
} {
  const { artifact } = spec;
  if (artifact.kind === "risk-scorer") {
    const input = toRiskInput(spec.modelInput as RiskInputJson);
    const score = riskScore(artifact.riskModel!, input);
    return { output: [riskScorePart(input.subject, score)], result: { subject: input.subject, score: Number(score) } };
  }
  const result = classify(artifact.spamFilter!, (spec.modelInput as { text: string }).text);
  return { output: spamFilterOutput(result), result };
}

/** The route every served artifact is answered on: Local (the node runs the artifact itself). */
export const SERVED_ROUTE = Route.Local;
