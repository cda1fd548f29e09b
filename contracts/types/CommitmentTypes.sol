// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice What an output part is. The media type says how to read its bytes (see docs/HASHING.md).
enum OutputKind {
    Text,
    Image,
    ToolCall,
    Data
}

/// @notice What an input part is.
enum InputKind {
    Prompt,
    Memory,
    External
}

/// @notice How an input part's content was vouched for when it went in. Prompts and memory rows are `Unattested`
/// unless their source signed them.
enum Provenance {
    Unattested,
    SourceSigned,
    TeeAttested,
    ZkProven
}

/// @notice One part of an inference's output, as a consumer presents it to be checked against the output commitment.
/// @param index The part's position in the output (0-based); the leaf commits to it.
/// @param kind Text, Image, ToolCall or Data.
/// @param mediaType An IANA-style media type such as `text/plain;charset=utf-8` or `image/png`.
/// @param content The part's exact bytes.
struct OutputPart {
    uint32 index;
    OutputKind kind;
    string mediaType;
    bytes content;
}

/// @notice An input part of attested external data, as a consumer presents it to be checked against the record's
/// input commitment: an `External` part with provenance `SourceSigned`, and the data source's signature over its
/// content hash (docs/HASHING.md, "Attested external data").
/// @param index The part's position in the input (0-based).
/// @param nameHash `keccak256` of the part's name, e.g. `external/credit-bureau`.
/// @param contentHash `keccak256` of the part's content: what the data source signed.
/// @param proof The part's Merkle proof against the input commitment (empty when the part is the whole input).
/// @param signature The data source key's EIP-712 signature of `SourcedData(bytes32 contentHash)` under the attester
/// registry's domain.
struct AttestedInput {
    uint32 index;
    bytes32 nameHash;
    bytes32 contentHash;
    bytes32[] proof;
    bytes signature;
}

/// @notice The three commitments an answer binds, whose digest the ledger stores.
/// @param input Merkle root over the named input parts.
/// @param output Merkle root over every output part.
/// @param paymentRef What paid for the inference.
struct AnswerCommitments {
    bytes32 input;
    bytes32 output;
    bytes32 paymentRef;
}
