// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {IAttesterRegistry} from "../interfaces/IAttesterRegistry.sol";
import {AttestedInputRule, IInferenceConsumer, Policy} from "../interfaces/IInferenceConsumer.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {CommitmentLib} from "../libraries/CommitmentLib.sol";
import {AnswerCommitments, AttestedInput, InputKind, OutputPart, Provenance} from "../types/CommitmentTypes.sol";
import {RecordState, RecordStatus, Route, VerificationLevel} from "../types/InferenceTypes.sol";

/// @title PolicyLib
/// @notice The policy check of a Proofline consumer, for contracts that cannot inherit `InferenceConsumer`.
/// @dev One ledger call ({IInferenceLedger.lookupByDigest}: one storage read there, since the answer digest is
/// part of the record's storage key), then pure checks in the order {IInferenceConsumer} lists. Whether the artifact
/// is pinned is the caller's question, answered by `isPinned`. The policy's options are checked apart, after {check},
/// so a policy without them pays nothing for them: the answering node by {checkAnswerer}, an attested input part by
/// {checkInput} (which trusts the input commitment {check} matched to the record). Most of the check's cost is the cold ledger account
/// and the record's cold slot; docs/GAS.md has the measured figures.
library PolicyLib {
    /// @notice Reverts with the named error of the first condition `inferenceId` and `part` fail under `policy`;
    /// otherwise writes the record's status (its `state` is `Settled` when final) into `record`, a struct the caller
    /// allocated (so a caller that returns the status allocates it once).
    /// @param isPinned Answers whether an artifact id is pinned; only called when `policy.pinArtifacts`.
    function check(
        IInferenceLedger ledger,
        Policy memory policy,
        function(uint64) view returns (bool) isPinned,
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof,
        RecordStatus memory record
    ) internal view {
        bytes32 digest = CommitmentLib.digest(commitments);
        _lookup(ledger, inferenceId, digest, record);
        // The words as the ledger answered them, each read once; enums compare by their numeric order.
        (uint256 state, uint256 achieved, uint256 route, uint64 subject, uint40 answeredAt) = _fields(record);
        if (state == uint8(RecordState.None)) revert IInferenceConsumer.InferenceUnknown(inferenceId);
        if (state == uint8(RecordState.Rejected)) revert IInferenceConsumer.InferenceWasRejected(inferenceId);
        if (state != uint8(RecordState.Settled) && !policy.allowUnsettled) {
            revert IInferenceConsumer.InferenceNotSettled(inferenceId, record.state);
        }
        VerificationLevel minLevel = policy.minLevel;
        if (achieved < uint8(minLevel)) revert IInferenceConsumer.LevelTooLow(inferenceId, record.achieved, minLevel);
        if (policy.pinArtifacts) {
            if (route == uint8(Route.Proxy)) revert IInferenceConsumer.ProxyRouteRefused(inferenceId, subject);
            if (!isPinned(subject)) revert IInferenceConsumer.ArtifactNotPinned(inferenceId, subject);
        }
        uint40 maxAge = policy.maxAge;
        if (maxAge != 0 && block.timestamp > uint256(answeredAt) + maxAge) {
            revert IInferenceConsumer.InferenceTooOld(inferenceId, answeredAt, maxAge);
        }
        if (digest != record.answerDigest) revert IInferenceConsumer.AnswerCommitmentsMismatch(inferenceId);
        if (!CommitmentLib.verifyOutputPart(commitments.output, part, proof)) {
            revert IInferenceConsumer.OutputPartNotCommitted(inferenceId, part.index);
        }
    }

    /// @notice Reverts with {IInferenceConsumer.AnswererNotAllowed} unless `isAllowedAnswerer` accepts the node that
    /// answered `inferenceId`: the key in the id's first 20 bytes (the ledger records an answer only under an id of
    /// its own node's key, so the id names who answered and no read is needed to learn it).
    function checkAnswerer(bytes32 inferenceId, function(address) view returns (bool) isAllowedAnswerer) internal view {
        address node = address(bytes20(inferenceId));
        if (!isAllowedAnswerer(node)) revert IInferenceConsumer.AnswererNotAllowed(inferenceId, node);
    }

    /// @notice Reverts with the named error of the first condition attested input part `input` fails under `rule`:
    /// a rule that takes attested input at all (not `None`), the whole input (`Whole`), in `inputCommitment` as an `External` part with provenance `SourceSigned`, signed
    /// by an unrevoked data source key in `attesters`, of a source `isAllowedSource` accepts. Returns the source.
    /// @dev Call it only with an `inputCommitment` already matched to the record (after {check} with the same
    /// commitments): it trusts the root it is given.
    function checkInput(
        IAttesterRegistry attesters,
        AttestedInputRule rule,
        function(uint32) view returns (bool) isAllowedSource,
        bytes32 inferenceId,
        bytes32 inputCommitment,
        AttestedInput calldata input
    ) internal view returns (uint32 sourceId) {
        if (rule == AttestedInputRule.None) revert IInferenceConsumer.AttestedInputNotInPolicy(inferenceId);
        if (rule == AttestedInputRule.Whole && input.proof.length != 0) {
            revert IInferenceConsumer.InputNotWhole(inferenceId);
        }
        bytes32 leaf = CommitmentLib.inputLeaf(
            input.index,
            InputKind.External,
            input.nameHash,
            input.contentHash,
            Provenance.SourceSigned
        );
        if (!MerkleProof.verifyCalldata(input.proof, inputCommitment, leaf)) {
            revert IInferenceConsumer.InputPartNotCommitted(inferenceId, input.index);
        }
        sourceId = attesters.sourceOfData(input.contentHash, input.signature);
        if (sourceId == 0) revert IInferenceConsumer.InputNotAttested(inferenceId, input.index);
        if (!isAllowedSource(sourceId)) revert IInferenceConsumer.DataSourceNotAllowed(inferenceId, sourceId);
    }

    /// @dev The first five words of `record` as plain integers: reading them from memory as enums would check each
    /// enum's range on every read. A Proofline ledger answers in-range values; the struct returned to the caller keeps
    /// the words, and any out-of-range value panics where it is read as an enum.
    function _fields(
        RecordStatus memory record
    ) private pure returns (uint256 state, uint256 achieved, uint256 route, uint64 subject, uint40 answeredAt) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            state := mload(record)
            achieved := mload(add(record, 0x20))
            route := mload(add(record, 0x40))
            subject := and(mload(add(record, 0x60)), 0xffffffffffffffff)
            answeredAt := and(mload(add(record, 0x80)), 0xffffffffff)
        }
    }

    /// @dev `ledger.lookupByDigest(inferenceId, digest)`, with the six static words of its answer copied straight into
    /// `record` (a memory struct of value types is laid out as their ABI encoding), skipping the decoding a high-level
    /// call does. The words are trusted as the consumer's chosen ledger wrote them. A Proofline ledger's
    /// `lookupByDigest` never reverts, so a call that reverts or answers fewer than six words is {LedgerUnreadable}.
    function _lookup(
        IInferenceLedger ledger,
        bytes32 inferenceId,
        bytes32 digest,
        RecordStatus memory record
    ) private view {
        bytes4 selector = IInferenceLedger.lookupByDigest.selector;
        bool ok;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), inferenceId)
            mstore(add(ptr, 0x24), digest)
            ok := staticcall(gas(), ledger, ptr, 0x44, record, 0xc0)
            ok := and(ok, iszero(lt(returndatasize(), 0xc0)))
        }
        if (!ok) revert IInferenceConsumer.LedgerUnreadable(address(ledger));
    }
}
