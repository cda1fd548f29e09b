// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {AnswerCommitments, InputKind, OutputKind, OutputPart, Provenance} from "../types/CommitmentTypes.sol";

/// @title CommitmentLib
/// @notice The canonical commitments of docs/HASHING.md, in Solidity. `src/commitments.ts` implements the same
/// functions and `test/vectors/commitments.json` holds the vectors both sides check.
/// @dev Both trees are OpenZeppelin `StandardMerkleTree`s: a leaf is `keccak256(keccak256(abi.encode(values)))`
/// and inner nodes hash their two children sorted. Output leaves encode four words and input leaves five, so a
/// leaf of one tree can never be read as a leaf of the other.
library CommitmentLib {
    /// @notice The leaf of output part `index`: `(uint32 index, uint8 kind, bytes32 mediaTypeHash, bytes32 contentHash)`.
    function outputLeaf(
        uint32 index,
        OutputKind kind,
        bytes32 mediaTypeHash,
        bytes32 contentHash
    ) internal pure returns (bytes32 leaf) {
        // keccak256(bytes.concat(keccak256(abi.encode(index, kind, mediaTypeHash, contentHash)))), hashed above the
        // free memory pointer without allocating.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, and(index, 0xffffffff))
            mstore(add(ptr, 0x20), and(kind, 0xff))
            mstore(add(ptr, 0x40), mediaTypeHash)
            mstore(add(ptr, 0x60), contentHash)
            mstore(0x00, keccak256(ptr, 0x80))
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @notice The leaf of `part`, hashing its media type and content.
    function outputLeaf(OutputPart calldata part) internal pure returns (bytes32) {
        return outputLeaf(part.index, part.kind, _hash(bytes(part.mediaType)), _hash(part.content));
    }

    /// @notice True when `part` is a leaf of the output tree whose root is `outputRoot`.
    function verifyOutputPart(
        bytes32 outputRoot,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) internal pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, outputRoot, outputLeaf(part));
    }

    /// @notice The leaf of input part `index`:
    /// `(uint32 index, uint8 kind, bytes32 nameHash, bytes32 contentHash, uint8 provenance)`.
    function inputLeaf(
        uint32 index,
        InputKind kind,
        bytes32 nameHash,
        bytes32 contentHash,
        Provenance provenance
    ) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, kind, nameHash, contentHash, provenance))));
    }

    /// @notice What the ledger stores for an answer's commitments: `keccak256(abi.encode(input, output, paymentRef))`.
    function answerDigest(bytes32 input, bytes32 output, bytes32 paymentRef) internal pure returns (bytes32 digest_) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, input)
            mstore(add(ptr, 0x20), output)
            mstore(add(ptr, 0x40), paymentRef)
            digest_ := keccak256(ptr, 0x60)
        }
    }

    /// @notice {answerDigest} of a commitments struct.
    function digest(AnswerCommitments calldata commitments) internal pure returns (bytes32) {
        return answerDigest(commitments.input, commitments.output, commitments.paymentRef);
    }

    /// @dev `keccak256(data)` of calldata bytes, hashed above the free memory pointer without allocating.
    function _hash(bytes calldata data) private pure returns (bytes32 hash) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, data.offset, data.length)
            hash := keccak256(ptr, data.length)
        }
    }
}
