// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceConsumer, Policy} from "../interfaces/IInferenceConsumer.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {AnswerCommitments, OutputPart} from "../types/CommitmentTypes.sol";
import {RecordState, RecordStatus, VerificationLevel} from "../types/InferenceTypes.sol";
import {PolicyLib} from "./PolicyLib.sol";

/// @title InferenceConsumer
/// @notice Base of a contract that acts on AI inferences only when they meet its policy. Declare the policy in the
/// constructor, then call {_consume} where the contract acts on an output part:
///
/// ```solidity
/// contract Lender is InferenceConsumer {
///     constructor(IInferenceLedger ledger, uint64 artifact)
///         InferenceConsumer(ledger, Policy(VerificationLevel.TEE, false, true, true, 1 hours), _one(artifact)) {}
///     function useScore(bytes32 id, AnswerCommitments calldata c, OutputPart calldata part, bytes32[] calldata p)
///         external
///     {
///         _consume(id, c, part, p); // reverts with a named error unless the policy holds
///         (address borrower, uint16 score) = abi.decode(part.content, (address, uint16));
///         ...
///     }
/// }
/// ```
///
/// @dev The policy and up to four pinned artifact ids are immutables, so checking costs one ledger call and, unless
/// the policy is single-use, no storage read of the consumer's own. A consumer that must change its pins overrides
/// {_isPinned}. Settled-only is the default; acting before settlement needs `allowUnsettled`, and each such use is
/// flagged in {InferenceConsumed}. Single use reads the consumer's used flag on every check and writes it on every
/// consumption.
abstract contract InferenceConsumer is IInferenceConsumer {
    IInferenceLedger private immutable LEDGER;
    VerificationLevel private immutable MIN_LEVEL;
    bool private immutable ALLOW_UNSETTLED;
    bool private immutable PIN_ARTIFACTS;
    bool private immutable SINGLE_USE;
    uint40 private immutable MAX_AGE;
    uint256 private immutable PIN_COUNT;
    uint64 private immutable PIN_0;
    uint64 private immutable PIN_1;
    uint64 private immutable PIN_2;
    uint64 private immutable PIN_3;

    mapping(bytes32 inferenceId => bool used) private _consumed;

    /// @param ledger The Proofline ledger to read.
    /// @param policy_ The policy, fixed for the contract's life.
    /// @param pins The pinned artifact ids: 1 to 4 non-zero ids when `policy_.pinArtifacts`, none otherwise.
    constructor(IInferenceLedger ledger, Policy memory policy_, uint64[] memory pins) {
        if (policy_.minLevel == VerificationLevel.None) revert PolicyMinLevelNone();
        if (policy_.pinArtifacts ? pins.length == 0 || pins.length > 4 : pins.length != 0) revert PolicyPinsInvalid();
        for (uint256 i = 0; i < pins.length; ++i) {
            if (pins[i] == 0) revert PolicyPinsInvalid();
        }
        LEDGER = ledger;
        MIN_LEVEL = policy_.minLevel;
        ALLOW_UNSETTLED = policy_.allowUnsettled;
        PIN_ARTIFACTS = policy_.pinArtifacts;
        SINGLE_USE = policy_.singleUse;
        MAX_AGE = policy_.maxAge;
        PIN_COUNT = pins.length;
        // Unused pin slots repeat the first pin, so an unset slot never pins some other id (such as 0).
        uint64 first = pins.length > 0 ? pins[0] : 0;
        PIN_0 = first;
        PIN_1 = pins.length > 1 ? pins[1] : first;
        PIN_2 = pins.length > 2 ? pins[2] : first;
        PIN_3 = pins.length > 3 ? pins[3] : first;
        emit PolicyDeclared(address(ledger), policy_, pins);
    }

    /// @inheritdoc IInferenceConsumer
    function checkInference(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) external view returns (RecordStatus memory) {
        return _check(inferenceId, commitments, part, proof);
    }

    /// @inheritdoc IInferenceConsumer
    function inferenceLedger() external view returns (IInferenceLedger) {
        return LEDGER;
    }

    /// @inheritdoc IInferenceConsumer
    function policy() public view returns (Policy memory) {
        return _policy();
    }

    /// @inheritdoc IInferenceConsumer
    function pinnedArtifacts() external view returns (uint64[] memory pins) {
        pins = new uint64[](PIN_COUNT);
        uint64[4] memory all = [PIN_0, PIN_1, PIN_2, PIN_3];
        for (uint256 i = 0; i < pins.length; ++i) {
            pins[i] = all[i];
        }
    }

    /// @inheritdoc IInferenceConsumer
    function consumed(bytes32 inferenceId) external view returns (bool) {
        return _consumed[inferenceId];
    }

    /// @notice Checks `inferenceId` and `part` against the policy, marks a single-use inference used, and emits
    /// {InferenceConsumed}. Reverts with the named error of the first condition that fails.
    /// @return record The record's status, for callers that use its level, answer time or subject.
    function _consume(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) internal returns (RecordStatus memory record) {
        record = _check(inferenceId, commitments, part, proof);
        if (SINGLE_USE) _consumed[inferenceId] = true;
        emit InferenceConsumed(
            inferenceId,
            address(LEDGER),
            part.index,
            record.achieved,
            record.state != RecordState.Settled
        );
    }

    /// @dev The policy from the immutables, filled into the one struct the call allocates.
    function _policy() private view returns (Policy memory policy_) {
        policy_.minLevel = MIN_LEVEL;
        policy_.allowUnsettled = ALLOW_UNSETTLED;
        policy_.pinArtifacts = PIN_ARTIFACTS;
        policy_.singleUse = SINGLE_USE;
        policy_.maxAge = MAX_AGE;
    }

    /// @notice Whether `artifactId` is pinned. Override to pin from storage instead of the immutables.
    function _isPinned(uint64 artifactId) internal view virtual returns (bool) {
        return artifactId == PIN_0 || artifactId == PIN_1 || artifactId == PIN_2 || artifactId == PIN_3;
    }

    /// @notice Checks `inferenceId` and `part` against the policy, as {checkInference} does, without consuming it.
    /// Reverts with the named error of the first condition that fails.
    function _check(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) internal view returns (RecordStatus memory record) {
        PolicyLib.check(LEDGER, _policy(), _isPinned, inferenceId, commitments, part, proof, record);
        if (SINGLE_USE && _consumed[inferenceId]) revert InferenceAlreadyConsumed(inferenceId);
    }
}
