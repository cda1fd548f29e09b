// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MediaTypes
/// @notice The media types of the output parts Proofline defines (docs/HASHING.md), and their `keccak256` hashes, the
/// form a consumer compares against: `keccak256(bytes(part.mediaType)) == MediaTypes.RISK_SCORE_HASH`. An output
/// leaf commits to the hash of the part's media type, so the media type a consumer is shown is the one the node
/// committed to. Any IANA-style media type is valid in a part; these are the ones Proofline's client library writes
/// (`MEDIA_TYPES` in `src/commitments.ts`) and its examples read. The part's kind is the `OutputKind` enum
/// (`types/CommitmentTypes.sol`): check both before decoding a part's content.
library MediaTypes {
    /// @notice A `Text` part: the text's UTF-8 bytes.
    string internal constant TEXT = "text/plain;charset=utf-8";
    /// @notice `keccak256(bytes(TEXT))`.
    bytes32 internal constant TEXT_HASH = keccak256("text/plain;charset=utf-8");

    /// @notice A `Data` part holding UTF-8 JSON.
    string internal constant JSON = "application/json";
    /// @notice `keccak256(bytes(JSON))`.
    bytes32 internal constant JSON_HASH = keccak256("application/json");

    /// @notice A `ToolCall` part: `abi.encode(string name, string argumentsJson)`.
    string internal constant TOOL_CALL = "application/vnd.proofline.tool-call+abi";
    /// @notice `keccak256(bytes(TOOL_CALL))`.
    bytes32 internal constant TOOL_CALL_HASH = keccak256("application/vnd.proofline.tool-call+abi");

    /// @notice A `Data` part: `abi.encode(address subject, uint16 score)`, the risk scorer's outputs (the borrower its
    /// input names, and a score in [0, 1000], higher is riskier). Read by `RiskScoreConsumer`.
    string internal constant RISK_SCORE = "application/vnd.proofline.risk-score+abi";
    /// @notice `keccak256(bytes(RISK_SCORE))`.
    bytes32 internal constant RISK_SCORE_HASH = keccak256("application/vnd.proofline.risk-score+abi");

    /// @notice A `Data` part: `abi.encode(bytes32 contentHash, uint8 verdict)`, verdict 0 keep, 1 remove. Read by
    /// `ModerationQueue`.
    string internal constant MODERATION = "application/vnd.proofline.moderation+abi";
    /// @notice `keccak256(bytes(MODERATION))`.
    bytes32 internal constant MODERATION_HASH = keccak256("application/vnd.proofline.moderation+abi");
}
