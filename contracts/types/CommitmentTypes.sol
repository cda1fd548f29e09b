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

/// @notice The three commitments an answer binds, whose digest the ledger stores.
/// @param input Merkle root over the named input parts.
/// @param output Merkle root over every output part.
/// @param paymentRef What paid for the inference.
struct AnswerCommitments {
    bytes32 input;
    bytes32 output;
    bytes32 paymentRef;
}
