/**
 * Writes test/vectors/commitments.json from src/commitments.ts:
 *
 *   npx hardhat run scripts/commitment-vectors.ts
 *
 * The vectors are committed and both test suites check them (test/client/commitments.ts against the TypeScript,
 * test/libraries/CommitmentLib.t.sol against the Solidity), so neither side can change a hash without the spec
 * (docs/HASHING.md), the other side and these vectors moving with it. Rerun only when the spec changes.
 */
import { writeFileSync } from "node:fs";

import { TypedDataEncoder, Wallet, getAddress, hexlify, keccak256, toUtf8Bytes } from "ethers";

import {
  InputCommitment,
  InputKind,
  MEDIA_TYPES,
  OutputCommitment,
  Provenance,
  answerDigest,
  contentBytes,
  dataPart,
  imagePart,
  inputLeafHash,
  outputLeafHash,
  textPart,
  toolCallPart,
  type InputManifestEntry,
  type InputPartSpec,
  type OutputPartSpec,
} from "../src/commitments.js";
import { SOURCED_DATA_TYPES, signSourcedData, sourcedDataSigner } from "../src/dataSources.js";
import { attesterRegistryDomain } from "../src/ledger.js";

const PNG_1x1 =
  "0x89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
  "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f6d6a70000000049454e44ae426082";

const outputs: { name: string; parts: OutputPartSpec[] }[] = [
  { name: "one text part", parts: [textPart("Low risk: approve up to 60% LTV.")] },
  {
    name: "text, image and tool call",
    parts: [
      textPart("Here is the chart you asked for."),
      imagePart(PNG_1x1, "image/png"),
      toolCallPart("get_price", '{"symbol":"ETH","currency":"USD"}'),
    ],
  },
  {
    name: "risk score data part and its explanation",
    parts: [
      dataPart(MEDIA_TYPES.riskScore, ["address", "uint16"], ["0x00000000000000000000000000000000000000b0", 420]),
      textPart("Score 420/1000: two late repayments in 90 days."),
    ],
  },
  {
    name: "empty text, unicode text, empty data",
    parts: [textPart(""), textPart("héllo ✓ 模型"), dataPart("application/octet-stream", [], [])],
  },
];

/**
 * Attested external data (docs/HASHING.md, "Attested external data"): a fixed data source key signs
 * `SourcedData(contentHash)` under a fixed attester registry domain, so the signature (RFC 6979, deterministic) is the
 * same on every run.
 */
const SOURCE_KEY = new Wallet("0x" + "11".repeat(32));
const SOURCE_CHAIN_ID = 31_337;
const SOURCE_REGISTRY = getAddress("0x" + "a7".repeat(20));
const SOURCE_DOMAIN = attesterRegistryDomain(BigInt(SOURCE_CHAIN_ID), SOURCE_REGISTRY);
const BUREAU_REPORT = '{"borrower":"0x00000000000000000000000000000000000000b0","lateRepayments90d":2}';
const BUREAU_SIGNATURE = await signSourcedData(SOURCE_KEY, SOURCE_DOMAIN, BUREAU_REPORT);
const bureauPart: InputPartSpec = {
  kind: InputKind.External,
  name: "external/credit-bureau",
  content: BUREAU_REPORT,
  provenance: Provenance.SourceSigned,
  signature: BUREAU_SIGNATURE,
};

const inputs: { name: string; parts: InputPartSpec[] }[] = [
  {
    name: "prompt only",
    parts: [
      { kind: InputKind.Prompt, name: "prompt", content: "Score borrower 0xb0.", provenance: Provenance.Unattested },
    ],
  },
  {
    name: "prompt, memory rows and external data with provenance",
    parts: [
      {
        kind: InputKind.Prompt,
        name: "prompt",
        content: "Should this post stay up?",
        provenance: Provenance.Unattested,
      },
      {
        kind: InputKind.Memory,
        name: "memory/17",
        content: "user prefers short answers",
        provenance: Provenance.SourceSigned,
      },
      { kind: InputKind.Memory, name: "memory/18", content: "", provenance: Provenance.Unattested },
      {
        kind: InputKind.External,
        name: "external/price-feed",
        content: "0x0000000000000000000000000000000000000000000000000000000ba43b7400",
        provenance: Provenance.TeeAttested,
      },
      {
        kind: InputKind.External,
        name: "external/web:example.org",
        content: "<html>…</html>",
        provenance: Provenance.ZkProven,
      },
    ],
  },
  // The part a consumer with the `Whole` rule accepts: the only part, so its proof is empty and the root is its leaf.
  { name: "attested external data, the whole input", parts: [bureauPart] },
  {
    name: "prompt and attested external data",
    parts: [
      { kind: InputKind.Prompt, name: "prompt", content: "Score borrower 0xb0.", provenance: Provenance.Unattested },
      bureauPart,
    ],
  },
];

/** What a vector records about its attested part: the domain, signer, content hash, EIP-712 digest and signature. */
function attestationOf(manifest: InputManifestEntry[]) {
  const entry = manifest.find((part) => part.signature !== undefined);
  if (entry === undefined) return {};
  const signature = entry.signature!;
  if (sourcedDataSigner(SOURCE_DOMAIN, entry.contentHash, signature) !== SOURCE_KEY.address) {
    throw new Error(`${entry.name} is not signed by the vectors' data source key`);
  }
  return {
    attestation: {
      index: entry.index,
      domain: { ...SOURCE_DOMAIN, chainId: SOURCE_CHAIN_ID },
      signer: SOURCE_KEY.address,
      contentHash: entry.contentHash,
      digest: TypedDataEncoder.hash(SOURCE_DOMAIN, SOURCED_DATA_TYPES, { contentHash: entry.contentHash }),
      signature,
    },
  };
}

// Answer digests over the first input and output vectors, paired by position.
const DIGEST_CASES = [0, 1];

const vectors = {
  spec: "docs/HASHING.md",
  // Read by the Solidity test, which cannot ask a JSON array for its length.
  counts: { output: outputs.length, input: inputs.length, answerDigest: DIGEST_CASES.length },
  output: outputs.map(({ name, parts }) => {
    const commitment = new OutputCommitment(parts);
    return {
      name,
      count: commitment.parts.length,
      parts: commitment.parts.map((part) => ({
        ...part,
        mediaTypeHash: keccak256(toUtf8Bytes(part.mediaType)),
        contentHash: keccak256(part.content),
        leaf: outputLeafHash(part),
        proof: commitment.proof(part.index),
      })),
      root: commitment.root,
    };
  }),
  input: inputs.map(({ name, parts }) => {
    const commitment = new InputCommitment(parts);
    return {
      name,
      count: commitment.manifest.length,
      parts: commitment.manifest.map((entry) => ({
        ...entry,
        content: hexlify(contentBytes(parts[entry.index].content)),
        nameHash: keccak256(toUtf8Bytes(entry.name)),
        leaf: inputLeafHash(entry),
        proof: commitment.proof(entry.index),
      })),
      root: commitment.root,
      ...attestationOf(commitment.manifest),
    };
  }),
  answerDigest: DIGEST_CASES.map((i) => {
    const input = new InputCommitment(inputs[i].parts).root;
    const output = new OutputCommitment(outputs[i].parts).root;
    const paymentRef = keccak256(toUtf8Bytes(`x402 settlement ${i}`));
    return { input, output, paymentRef, digest: answerDigest(input, output, paymentRef) };
  }),
};

const path = new URL("../test/vectors/commitments.json", import.meta.url);
writeFileSync(path, JSON.stringify(vectors, null, 2) + "\n");
console.log(
  `wrote ${vectors.output.length} output, ${vectors.input.length} input and ${vectors.answerDigest.length} digest vectors`,
);
