// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AnswerCommitments, InputKind, Provenance} from "./CommitmentTypes.sol";

/// @notice Where the model input's Poseidon commitment sits in a record's input tree: the input part at `index`, of
/// `kind`, named by `nameHash`, with `provenance`, whose content is the 32-byte big-endian `inputHash`
/// (docs/HASHING.md, "ZKML").
/// @param proof The part's Merkle proof against the record's input commitment (empty for a one-part input).
struct ZkInputPart {
    uint32 index;
    InputKind kind;
    Provenance provenance;
    bytes32 nameHash;
    bytes32[] proof;
}

/// @notice A zero-knowledge proof about one ledger record, in the Proofline ZKML layout (docs/HASHING.md).
/// @param commitments The record's input, output and payment commitments (checked against its stored digest).
/// @param inputHash Public signal 1: the Poseidon commitment to the model's input.
/// @param input Where `inputHash` sits in the record's input tree.
/// @param outputs Public signals 3 and up: the model's outputs. As an output part their content is
/// `abi.encodePacked(outputs)` (one 32-byte word each), so `abi.encode(address, uint16)` outputs read back as such.
/// @param outputMediaType keccak256 of the media type of the Data part that carries the outputs.
/// @param proof The Groth16 proof `(a, b, c)`, in the order of the verifier's `verifyProof` arguments.
struct ZkEvidence {
    AnswerCommitments commitments;
    uint256 inputHash;
    ZkInputPart input;
    uint256[] outputs;
    bytes32 outputMediaType;
    uint256[8] proof;
}

/// @notice One record of a batch proof ({ZkBatchEvidence}): what {ZkEvidence} carries for one record, with its two
/// output words packed into one public signal.
/// @param inferenceId The record.
/// @param commitments The record's input, output and payment commitments (checked against its stored digest).
/// @param inputHash The Poseidon commitment to the model's input (public signal `inputHash[i]`).
/// @param input Where `inputHash` sits in the record's input tree.
/// @param packedOutput The record's two output words as one signal, `first * 2^16 + second` (public signal
/// `packedOutput[i]`; the circuit checks `second < 2^16`): as an output part their content is
/// `abi.encode(packedOutput >> 16, packedOutput & 0xffff)`.
struct ZkBatchMember {
    bytes32 inferenceId;
    AnswerCommitments commitments;
    uint256 inputHash;
    ZkInputPart input;
    uint256 packedOutput;
}

/// @notice One Groth16 proof about N records of one artifact, in the Proofline batch layout (docs/HASHING.md): public
/// signals `[modelCommitment, inputHash[N], binding[N], packedOutput[N]]`.
/// @param members The records, in the proof's order.
/// @param outputMediaType keccak256 of the media type of the Data part that carries each record's outputs.
/// @param proof The Groth16 proof `(a, b, c)`, in the order of the verifier's `verifyProof` arguments.
struct ZkBatchEvidence {
    ZkBatchMember[] members;
    bytes32 outputMediaType;
    uint256[8] proof;
}
