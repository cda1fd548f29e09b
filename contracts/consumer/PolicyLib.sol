// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceConsumer, Policy} from "../interfaces/IInferenceConsumer.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {CommitmentLib} from "../libraries/CommitmentLib.sol";
import {AnswerCommitments, OutputPart} from "../types/CommitmentTypes.sol";
import {RecordState, RecordStatus, Route} from "../types/InferenceTypes.sol";

/// @title PolicyLib
/// @notice The policy check of a Proofline consumer, for contracts that cannot inherit `InferenceConsumer`.
/// @dev One ledger call ({IInferenceLedger.inspect}), then pure checks in the order {IInferenceConsumer} lists.
/// Whether the artifact is pinned is the caller's question, answered by `isPinned`.
library PolicyLib {
    /// @notice Reverts with the named error of the first condition `inferenceId` and `part` fail under `policy`;
    /// otherwise returns the record's status (its `state` is `Settled` when final).
    /// @param isPinned Answers whether an artifact id is pinned; only called when `policy.pinArtifacts`.
    function check(
        IInferenceLedger ledger,
        Policy memory policy,
        function(uint64) view returns (bool) isPinned,
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) internal view returns (RecordStatus memory record) {
        record = _inspect(ledger, inferenceId);
        RecordState state = record.state;
        if (state == RecordState.None) revert IInferenceConsumer.InferenceUnknown(inferenceId);
        if (state == RecordState.Rejected) revert IInferenceConsumer.InferenceWasRejected(inferenceId);
        if (state != RecordState.Settled && !policy.allowUnsettled) {
            revert IInferenceConsumer.InferenceNotSettled(inferenceId, state);
        }
        if (record.achieved < policy.minLevel) {
            revert IInferenceConsumer.LevelTooLow(inferenceId, record.achieved, policy.minLevel);
        }
        if (policy.pinArtifacts) {
            if (record.route == Route.Proxy) revert IInferenceConsumer.ProxyRouteRefused(inferenceId, record.subject);
            if (!isPinned(record.subject)) revert IInferenceConsumer.ArtifactNotPinned(inferenceId, record.subject);
        }
        if (policy.maxAge != 0 && block.timestamp > uint256(record.answeredAt) + policy.maxAge) {
            revert IInferenceConsumer.InferenceTooOld(inferenceId, record.answeredAt, policy.maxAge);
        }
        if (CommitmentLib.digest(commitments) != record.answerDigest) {
            revert IInferenceConsumer.AnswerCommitmentsMismatch(inferenceId);
        }
        if (!CommitmentLib.verifyOutputPart(commitments.output, part, proof)) {
            revert IInferenceConsumer.OutputPartNotCommitted(inferenceId, part.index);
        }
    }

    /// @dev `ledger.inspect(inferenceId)`, with the six static words of its answer copied straight into the returned
    /// struct (a memory struct of value types is laid out as their ABI encoding), skipping the decoding a high-level
    /// call does. The words are trusted as the consumer's chosen ledger wrote them. A Proofline ledger's `inspect`
    /// never reverts, so a call that reverts or answers fewer than six words is {LedgerUnreadable}.
    function _inspect(IInferenceLedger ledger, bytes32 inferenceId) private view returns (RecordStatus memory record) {
        bytes4 selector = IInferenceLedger.inspect.selector;
        bool ok;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), inferenceId)
            ok := staticcall(gas(), ledger, ptr, 0x24, record, 0xc0)
            ok := and(ok, iszero(lt(returndatasize(), 0xc0)))
        }
        if (!ok) revert IInferenceConsumer.LedgerUnreadable(address(ledger));
    }
}
