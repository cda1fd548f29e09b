// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AnswerCommitments, OutputPart} from "../types/CommitmentTypes.sol";
import {RecordState, RecordStatus, VerificationLevel} from "../types/InferenceTypes.sol";
import {IInferenceLedger} from "./IInferenceLedger.sol";

/// @notice What a consumer requires of an inference before acting on it. Fixed at deployment.
/// @param minLevel The least achieved level accepted (Vanilla, TEE or ZKML).
/// @param allowUnsettled Opt-in to act on an `Answered` record that has reached `minLevel` but is not final.
/// Off by default: a settled-only consumer never acts on an answer that can still be refuted or rejected.
/// @param pinArtifacts Accept only Local-route answers from pinned artifact ids (never labels; a Proxy route, which
/// has no artifact, never passes).
/// @param singleUse Accept each inference once.
/// @param maxAge The most seconds since the answer was recorded; 0 for no limit.
struct Policy {
    VerificationLevel minLevel;
    bool allowUnsettled;
    bool pinArtifacts;
    bool singleUse;
    uint40 maxAge;
}

/// @title IInferenceConsumer
/// @notice A contract that acts on ledger inferences only when they meet its {Policy}. See `InferenceConsumer`.
/// @dev Errors are checked in this order and the first failing condition is reported: unknown, rejected, not
/// settled, level, route/artifact, age, commitments, output part, already consumed.
interface IInferenceConsumer {
    /// @notice `inferenceId` was acted on, using output part `partIndex`. `beforeSettlement` is true when the record
    /// was still `Answered` (only possible with `allowUnsettled`): the trail flags it.
    event InferenceConsumed(
        bytes32 indexed inferenceId,
        address indexed ledger,
        uint32 partIndex,
        VerificationLevel achieved,
        bool beforeSettlement
    );

    /// @notice The consumer's policy and pinned artifacts, emitted once at deployment.
    event PolicyDeclared(address indexed ledger, Policy policy, uint64[] pinnedArtifacts);

    /// @notice A policy must ask for at least Vanilla.
    error PolicyMinLevelNone();
    /// @notice Artifacts are pinned iff the policy says so, with 1 to 4 non-zero ids.
    error PolicyPinsInvalid();

    /// @notice `ledger` did not answer {IInferenceLedger.lookupByDigest} with a record status: it is not a Proofline
    /// ledger.
    error LedgerUnreadable(address ledger);
    /// @notice The ledger has no record `inferenceId`.
    error InferenceUnknown(bytes32 inferenceId);
    /// @notice The record was rejected; rejected records satisfy no policy.
    error InferenceWasRejected(bytes32 inferenceId);
    /// @notice The record is not settled (`state`) and the policy is settled-only.
    error InferenceNotSettled(bytes32 inferenceId, RecordState state);
    /// @notice The record achieved `achieved`, below the policy's `required`.
    error LevelTooLow(bytes32 inferenceId, VerificationLevel achieved, VerificationLevel required);
    /// @notice The answer came by the Proxy route, which can never satisfy pinned artifacts.
    error ProxyRouteRefused(bytes32 inferenceId, uint64 providerId);
    /// @notice The answer's artifact is not pinned by the policy.
    error ArtifactNotPinned(bytes32 inferenceId, uint64 artifactId);
    /// @notice The answer was recorded at `answeredAt`, more than `maxAge` seconds ago.
    error InferenceTooOld(bytes32 inferenceId, uint256 answeredAt, uint256 maxAge);
    /// @notice The commitments given are not the record's.
    error AnswerCommitmentsMismatch(bytes32 inferenceId);
    /// @notice Output part `index` with the proof given is not in the record's output commitment.
    error OutputPartNotCommitted(bytes32 inferenceId, uint32 index);
    /// @notice The policy is single-use and `inferenceId` was consumed before.
    error InferenceAlreadyConsumed(bytes32 inferenceId);

    /// @notice Reverts with the named error of the first policy condition that `inferenceId` and `part` fail;
    /// otherwise returns the record's status (`state` is `Settled` when final). Lets a front end ask "would this be
    /// accepted?" before sending the transaction.
    function checkInference(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) external view returns (RecordStatus memory record);

    /// @notice The ledger this consumer reads.
    function inferenceLedger() external view returns (IInferenceLedger);

    /// @notice The policy this consumer enforces.
    function policy() external view returns (Policy memory);

    /// @notice The artifact ids the policy pins (empty when it pins none).
    function pinnedArtifacts() external view returns (uint64[] memory);

    /// @notice True once `inferenceId` was consumed here.
    function consumed(bytes32 inferenceId) external view returns (bool);
}
