/**
 * The canonical commitments of docs/HASHING.md, in TypeScript. `contracts/libraries/CommitmentLib.sol` implements
 * the same leaves and `test/vectors/commitments.json` holds the vectors both sides check.
 *
 * Output and input commitments are OpenZeppelin `StandardMerkleTree` roots: a leaf is
 * `keccak256(keccak256(abi.encode(values)))`, inner nodes hash their children sorted, so a consumer can verify one
 * part with `MerkleProof.verify` without seeing the others.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, getBytes, hexlify, keccak256, toUtf8Bytes, type BytesLike } from "ethers";

/** Mirrors `OutputKind` in `contracts/types/CommitmentTypes.sol`. */
export enum OutputKind {
  Text = 0,
  Image = 1,
  ToolCall = 2,
  Data = 3,
}

/** Mirrors `InputKind`. */
export enum InputKind {
  Prompt = 0,
  Memory = 1,
  External = 2,
}

/** Mirrors `Provenance`: how an input part was vouched for when it went in. */
export enum Provenance {
  Unattested = 0,
  SourceSigned = 1,
  TeeAttested = 2,
  ZkProven = 3,
}

/** Leaf encodings (the `StandardMerkleTree` leaf types). Four words for outputs, five for inputs. */
export const OUTPUT_LEAF_ENCODING = ["uint32", "uint8", "bytes32", "bytes32"];
export const INPUT_LEAF_ENCODING = ["uint32", "uint8", "bytes32", "bytes32", "uint8"];

/** Media types Proofline's own examples use. Any IANA-style media type is valid in a part. */
export const MEDIA_TYPES = {
  text: "text/plain;charset=utf-8",
  json: "application/json",
  toolCall: "application/vnd.proofline.tool-call+abi",
  /** `abi.encode(address borrower, uint16 score)`, read by `RiskScoreConsumer`. */
  riskScore: "application/vnd.proofline.risk-score+abi",
  /** `abi.encode(bytes32 contentHash, uint8 verdict)`, read by `ModerationQueue`. */
  moderation: "application/vnd.proofline.moderation+abi",
} as const;

/** One output part before it is committed. `content` is bytes, or a string taken as UTF-8. */
export interface OutputPartSpec {
  kind: OutputKind;
  mediaType: string;
  content: BytesLike | string;
}

/** An output part as the contracts take it (`OutputPart` struct): content as 0x-hex. */
export interface OutputPart {
  index: number;
  kind: OutputKind;
  mediaType: string;
  content: string;
}

/** One named input part before it is committed. */
export interface InputPartSpec {
  kind: InputKind;
  /** A reviewer-readable name: `prompt`, `memory/<row id>`, `external/<source>`... Unique within an input. */
  name: string;
  content: BytesLike | string;
  provenance: Provenance;
  /**
   * For attested external data (kind `External`, provenance `SourceSigned`, and only then): the data source key's
   * signature of `SourcedData(contentHash)` (`signSourcedData` in `dataSources.ts`).
   */
  signature?: string;
}

/** What a review lists about one input part: everything but its content. */
export interface InputManifestEntry {
  index: number;
  kind: InputKind;
  name: string;
  contentHash: string;
  provenance: Provenance;
  /** The data source's signature, for a `SourceSigned` part. Not in the leaf: the consumer checks it on-chain. */
  signature?: string;
}

export class CommitmentError extends Error {
  override name = "CommitmentError";
}

type OutputLeaf = [number, number, string, string];
type InputLeaf = [number, number, string, string, number];

/** Bytes of `content`: hex strings and byte arrays as they are, any other string as UTF-8. */
export function contentBytes(content: BytesLike | string): Uint8Array {
  if (typeof content === "string" && !/^0x([0-9a-fA-F]{2})*$/.test(content)) return toUtf8Bytes(content);
  return getBytes(content);
}

const hashText = (text: string) => keccak256(toUtf8Bytes(text));

/** A text part (UTF-8). */
export function textPart(text: string): OutputPartSpec {
  return { kind: OutputKind.Text, mediaType: MEDIA_TYPES.text, content: toUtf8Bytes(text) };
}

/** An image part: its exact bytes and media type (e.g. `image/png`). */
export function imagePart(bytes: BytesLike, mediaType: string): OutputPartSpec {
  return { kind: OutputKind.Image, mediaType, content: bytes };
}

/** A tool call part: content is `abi.encode(string name, string argumentsJson)`. */
export function toolCallPart(name: string, argumentsJson: string): OutputPartSpec {
  const content = AbiCoder.defaultAbiCoder().encode(["string", "string"], [name, argumentsJson]);
  return { kind: OutputKind.ToolCall, mediaType: MEDIA_TYPES.toolCall, content };
}

/** A data part: ABI-encoded values a contract will decode, under a media type naming their layout. */
export function dataPart(mediaType: string, types: string[], values: unknown[]): OutputPartSpec {
  return { kind: OutputKind.Data, mediaType, content: AbiCoder.defaultAbiCoder().encode(types, values) };
}

/** `keccak256(keccak256(abi.encode(values)))`: a `StandardMerkleTree` leaf. */
function leafHash(encoding: string[], values: unknown[]): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(encoding, values)));
}

/** The leaf hash of an output part (the value `CommitmentLib.outputLeaf` returns). */
export function outputLeafHash(part: OutputPart): string {
  return leafHash(OUTPUT_LEAF_ENCODING, outputLeafValues(part));
}

/** The leaf hash of an input part (the value `CommitmentLib.inputLeaf` returns). */
export function inputLeafHash(entry: InputManifestEntry): string {
  return leafHash(INPUT_LEAF_ENCODING, inputLeafValues(entry));
}

function outputLeafValues(part: OutputPart): OutputLeaf {
  return [part.index, part.kind, hashText(part.mediaType), keccak256(part.content)];
}

function checkIndexable(length: number, what: string) {
  if (length === 0) throw new CommitmentError(`${what} must have at least one part`);
  if (length > 0xffffffff) throw new CommitmentError(`${what} has more parts than a uint32 index can name`);
}

/** The output commitment: the Merkle root over every part, with a proof for each. */
export class OutputCommitment {
  readonly parts: OutputPart[];
  readonly root: string;
  private readonly tree: StandardMerkleTree<OutputLeaf>;

  constructor(specs: OutputPartSpec[]) {
    checkIndexable(specs.length, "an output");
    this.parts = specs.map((spec, index) => ({
      index,
      kind: spec.kind,
      mediaType: spec.mediaType,
      content: hexlify(contentBytes(spec.content)),
    }));
    this.tree = StandardMerkleTree.of(this.parts.map(outputLeafValues), OUTPUT_LEAF_ENCODING);
    this.root = this.tree.root;
  }

  /** The proof that part `index` is in the output, for `CommitmentLib.verifyOutputPart`. */
  proof(index: number): string[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.parts.length) {
      throw new CommitmentError(`no output part ${index}`);
    }
    return this.tree.getProof(index);
  }
}

/** True when `part` with `proof` is in the output tree whose root is `root`. */
export function verifyOutputPart(root: string, part: OutputPart, proof: string[]): boolean {
  return StandardMerkleTree.verify(root, OUTPUT_LEAF_ENCODING, outputLeafValues(part), proof);
}

/** The input commitment: the Merkle root over named parts, with a manifest a review can list. */
export class InputCommitment {
  readonly manifest: InputManifestEntry[];
  readonly root: string;
  private readonly tree: StandardMerkleTree<InputLeaf>;

  constructor(specs: InputPartSpec[]) {
    checkIndexable(specs.length, "an input");
    const names = new Set<string>();
    this.manifest = specs.map((spec, index) => {
      if (spec.name.length === 0) throw new CommitmentError(`input part ${index} has no name`);
      if (names.has(spec.name)) throw new CommitmentError(`input part name ${spec.name} appears twice`);
      names.add(spec.name);
      // Attested external data: an External part of provenance SourceSigned carries its data source's signature,
      // and only such a part does (a memory row may say SourceSigned without one: nothing on-chain checks it).
      const signed = spec.provenance === Provenance.SourceSigned && spec.kind === InputKind.External;
      if (signed !== (spec.signature !== undefined)) {
        throw new CommitmentError(
          `input part ${spec.name}: a data source signature goes with an External part of provenance SourceSigned, ` +
            "and such a part needs one",
        );
      }
      return {
        index,
        kind: spec.kind,
        name: spec.name,
        contentHash: keccak256(contentBytes(spec.content)),
        provenance: spec.provenance,
        ...(signed ? { signature: spec.signature } : {}),
      };
    });
    this.tree = StandardMerkleTree.of(this.manifest.map(inputLeafValues), INPUT_LEAF_ENCODING);
    this.root = this.tree.root;
  }

  /** The proof that input part `index` went in. */
  proof(index: number): string[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.manifest.length) {
      throw new CommitmentError(`no input part ${index}`);
    }
    return this.tree.getProof(index);
  }
}

function inputLeafValues(entry: InputManifestEntry): InputLeaf {
  return [entry.index, entry.kind, hashText(entry.name), entry.contentHash, entry.provenance];
}

/** `keccak256(abi.encode(input, output, paymentRef))`: the digest a record stores and an enclave attests. */
export function answerDigest(inputCommitment: string, outputCommitment: string, paymentRef: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "bytes32", "bytes32"],
      [inputCommitment, outputCommitment, paymentRef],
    ),
  );
}
