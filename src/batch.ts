/**
 * Batch settlement: one enclave-signed Merkle root settles many records (docs/HASHING.md, "Settlement batches").
 * Leaves are OpenZeppelin `StandardMerkleTree` leaves of `(address ledger, uint32 round, bytes32 inferenceId,
 * bytes32 answerDigest)`, so a leaf names the ledger and round it settles in and the exact content attested.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, getAddress, keccak256 } from "ethers";

export const BATCH_LEAF_ENCODING = ["address", "uint32", "bytes32", "bytes32"];

type BatchLeaf = [string, bigint, string, string];

/** One attestation in a batch: the record and the answer digest the enclave attests for it. */
export interface BatchEntry {
  inferenceId: string;
  answerDigest: string;
}

export class BatchError extends Error {
  override name = "BatchError";
}

/** The leaf hash of `entry` in a batch of `round` on `ledger` (what the ledger's `batchLeaf` returns). */
export function batchLeafHash(ledger: string, round: bigint, entry: BatchEntry): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(BATCH_LEAF_ENCODING, leafValues(ledger, round, entry))));
}

/** A round's batch of attestations by one enclave: the root it signs and a proof per record. */
export class SettlementBatch {
  readonly root: string;
  private readonly tree: StandardMerkleTree<BatchLeaf>;
  private readonly index = new Map<string, number>();

  constructor(
    readonly ledger: string,
    readonly round: bigint,
    readonly entries: BatchEntry[],
  ) {
    if (entries.length === 0) throw new BatchError("a batch needs at least one attestation");
    if (round <= 0n || round > 0xffffffffn) throw new BatchError(`round ${round} is not a uint32 round number`);
    entries.forEach((entry, i) => {
      const id = entry.inferenceId.toLowerCase();
      if (this.index.has(id)) throw new BatchError(`inference ${entry.inferenceId} appears twice`);
      this.index.set(id, i);
    });
    this.tree = StandardMerkleTree.of(
      entries.map((entry) => leafValues(ledger, round, entry)),
      BATCH_LEAF_ENCODING,
    );
    this.root = this.tree.root;
  }

  /**
   * One multiproof of the leaves of `inferenceIds` (default: every record of the batch), for `settleManyFromBatch`:
   * the ids and their answer digests in the order the proof lists their leaves (not necessarily the order given), the
   * proof and its flags.
   */
  multiProof(inferenceIds: string[] = this.entries.map((entry) => entry.inferenceId)): {
    inferenceIds: string[];
    answerDigests: string[];
    proof: string[];
    proofFlags: boolean[];
  } {
    const indices = inferenceIds.map((id) => {
      const i = this.index.get(id.toLowerCase());
      if (i === undefined) throw new BatchError(`inference ${id} is not in the batch`);
      return i;
    });
    const { leaves, proof, proofFlags } = this.tree.getMultiProof(indices);
    return {
      inferenceIds: leaves.map((leaf) => leaf[2]),
      answerDigests: leaves.map((leaf) => leaf[3]),
      proof,
      proofFlags,
    };
  }

  /** The proof of `inferenceId`'s leaf, for `settleFromBatch`. */
  proof(inferenceId: string): string[] {
    const i = this.index.get(inferenceId.toLowerCase());
    if (i === undefined) throw new BatchError(`inference ${inferenceId} is not in the batch`);
    return this.tree.getProof(i);
  }
}

function leafValues(ledger: string, round: bigint, entry: BatchEntry): BatchLeaf {
  return [getAddress(ledger), round, entry.inferenceId, entry.answerDigest];
}
