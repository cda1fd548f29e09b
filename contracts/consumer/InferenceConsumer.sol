// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAttesterRegistry} from "../interfaces/IAttesterRegistry.sol";
import {
    Allowlists,
    Answerers,
    AttestedInputRule,
    IInferenceConsumer,
    Policy
} from "../interfaces/IInferenceConsumer.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {AnswerCommitments, AttestedInput, OutputPart} from "../types/CommitmentTypes.sol";
import {RecordState, RecordStatus, VerificationLevel} from "../types/InferenceTypes.sol";
import {PolicyLib} from "./PolicyLib.sol";

/// @title InferenceConsumer
/// @notice Base of a contract that acts on AI inferences only when they meet its policy. Declare the policy in the
/// constructor, then call {_consume} where the contract acts on an output part. The policy vouches for the record
/// and that the part is in its output; the part's kind, media type and subject are the consumer's to check before it
/// trusts the decoded content. A complete lender (the package test compiles and runs this example as it stands):
///
/// ```solidity
/// import {InferenceConsumer} from "proofline/contracts/consumer/InferenceConsumer.sol";
/// import {
///     Allowlists,
///     Answerers,
///     AttestedInputRule,
///     Policy
/// } from "proofline/contracts/interfaces/IInferenceConsumer.sol";
/// import {IInferenceLedger} from "proofline/contracts/interfaces/IInferenceLedger.sol";
/// import {
///     AnswerCommitments,
///     AttestedInput,
///     OutputKind,
///     OutputPart
/// } from "proofline/contracts/types/CommitmentTypes.sol";
/// import {VerificationLevel} from "proofline/contracts/types/InferenceTypes.sol";
/// import {MediaTypes} from "proofline/contracts/types/MediaTypes.sol";
///
/// contract Lender is InferenceConsumer {
///     mapping(address borrower => uint16 score) public scoreOf;
///
///     error NotAScore(uint32 index);
///     error ScoreOfAnother(address subject);
///
///     // `lists`: the pinned scorer artifacts, the scorer node keys, the data sources (credit bureaus) it trusts.
///     constructor(IInferenceLedger ledger, Allowlists memory lists)
///         InferenceConsumer(
///             ledger,
///             Policy(VerificationLevel.TEE, false, true, true, 1 hours, Answerers.Nodes, AttestedInputRule.Whole),
///             lists
///         )
///     {}
///
///     function useScore(
///         address borrower,
///         bytes32 id,
///         AnswerCommitments calldata c,
///         OutputPart calldata part,
///         bytes32[] calldata proof,
///         AttestedInput calldata features
///     ) external {
///         _consume(id, c, part, proof, features); // reverts with a named error unless the policy holds
///         // Committed is not the same as what you expect: the node chose the part's kind and media type.
///         if (part.kind != OutputKind.Data || keccak256(bytes(part.mediaType)) != MediaTypes.RISK_SCORE_HASH) {
///             revert NotAScore(part.index);
///         }
///         (address subject, uint16 score) = abi.decode(part.content, (address, uint16));
///         if (subject != borrower) revert ScoreOfAnother(subject); // a proven score, but of someone else
///         scoreOf[borrower] = score;
///     }
/// }
/// ```
///
/// @dev The policy and its lists (up to four pinned artifacts, four answerers, four data sources) are immutables, so
/// the base check costs one ledger call and, unless the policy is single-use, no storage read of the consumer's own.
/// Restricting answerers by node key reads nothing more (the key is in the inference id); by operator it reads the
/// attester registry once; an attested input part costs its Merkle proof, one attester registry call and a signature
/// recovery. A consumer that must change its lists overrides {_isPinned}, {_isAllowedAnswerer} or
/// {_isAllowedSource}. Settled-only is the default; acting before settlement needs `allowUnsettled`, and each such use
/// is flagged in {InferenceConsumed}. Single use reads the consumer's used flag on every check and writes it on every
/// consumption.
abstract contract InferenceConsumer is IInferenceConsumer {
    IInferenceLedger private immutable LEDGER;
    /// @dev Read from the ledger at construction when the policy needs it (operators or attested input), else zero.
    IAttesterRegistry private immutable ATTESTERS;
    VerificationLevel private immutable MIN_LEVEL;
    bool private immutable ALLOW_UNSETTLED;
    bool private immutable PIN_ARTIFACTS;
    bool private immutable SINGLE_USE;
    uint40 private immutable MAX_AGE;
    Answerers private immutable ANSWERERS;
    AttestedInputRule private immutable ATTESTED_INPUT;
    /// @dev Whether the policy has an option (answerers or attested input): the base check tests this one word.
    bool private immutable HAS_OPTIONS;
    /// @dev Whether anything follows {PolicyLib.check}: options or single use.
    bool private immutable HAS_MORE_CHECKS;
    uint256 private immutable PIN_COUNT;
    uint64 private immutable PIN_0;
    uint64 private immutable PIN_1;
    uint64 private immutable PIN_2;
    uint64 private immutable PIN_3;
    uint256 private immutable ANSWERER_COUNT;
    address private immutable ANSWERER_0;
    address private immutable ANSWERER_1;
    address private immutable ANSWERER_2;
    address private immutable ANSWERER_3;
    uint256 private immutable SOURCE_COUNT;
    uint32 private immutable SOURCE_0;
    uint32 private immutable SOURCE_1;
    uint32 private immutable SOURCE_2;
    uint32 private immutable SOURCE_3;

    mapping(bytes32 inferenceId => bool used) private _consumed;

    /// @param ledger The Proofline ledger to read.
    /// @param policy_ The policy, fixed for the contract's life.
    /// @param lists The lists the policy draws on ({Allowlists}): each non-empty exactly when its option is on.
    constructor(IInferenceLedger ledger, Policy memory policy_, Allowlists memory lists) {
        _checkDeclaration(policy_, lists);
        uint64[] memory pins = lists.artifacts;
        address[] memory answerers = lists.answerers;
        uint32[] memory sources = lists.dataSources;
        LEDGER = ledger;
        if (policy_.answerers == Answerers.Operators || policy_.attestedInput != AttestedInputRule.None) {
            ATTESTERS = IAttesterRegistry(ledger.attesterRegistry());
        }
        MIN_LEVEL = policy_.minLevel;
        ALLOW_UNSETTLED = policy_.allowUnsettled;
        PIN_ARTIFACTS = policy_.pinArtifacts;
        SINGLE_USE = policy_.singleUse;
        MAX_AGE = policy_.maxAge;
        ANSWERERS = policy_.answerers;
        ATTESTED_INPUT = policy_.attestedInput;
        HAS_OPTIONS = policy_.answerers != Answerers.Any || policy_.attestedInput != AttestedInputRule.None;
        HAS_MORE_CHECKS = HAS_OPTIONS || policy_.singleUse;
        // Unused slots repeat the first entry, so an unset slot never allows some other value (such as 0).
        PIN_COUNT = pins.length;
        uint64 firstPin = pins.length > 0 ? pins[0] : 0;
        PIN_0 = firstPin;
        PIN_1 = pins.length > 1 ? pins[1] : firstPin;
        PIN_2 = pins.length > 2 ? pins[2] : firstPin;
        PIN_3 = pins.length > 3 ? pins[3] : firstPin;
        ANSWERER_COUNT = answerers.length;
        address firstAnswerer = answerers.length > 0 ? answerers[0] : address(0);
        ANSWERER_0 = firstAnswerer;
        ANSWERER_1 = answerers.length > 1 ? answerers[1] : firstAnswerer;
        ANSWERER_2 = answerers.length > 2 ? answerers[2] : firstAnswerer;
        ANSWERER_3 = answerers.length > 3 ? answerers[3] : firstAnswerer;
        SOURCE_COUNT = sources.length;
        uint32 firstSource = sources.length > 0 ? sources[0] : 0;
        SOURCE_0 = firstSource;
        SOURCE_1 = sources.length > 1 ? sources[1] : firstSource;
        SOURCE_2 = sources.length > 2 ? sources[2] : firstSource;
        SOURCE_3 = sources.length > 3 ? sources[3] : firstSource;
        emit PolicyDeclared(address(ledger), policy_, lists);
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
    function checkInferenceWithInput(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof,
        AttestedInput calldata input
    ) external view returns (RecordStatus memory record, uint32 sourceId) {
        return _check(inferenceId, commitments, part, proof, input);
    }

    /// @inheritdoc IInferenceConsumer
    function inferenceLedger() external view returns (IInferenceLedger) {
        return LEDGER;
    }

    /// @inheritdoc IInferenceConsumer
    function policy() public view returns (Policy memory policy_) {
        policy_ = _policy();
        policy_.answerers = ANSWERERS;
        policy_.attestedInput = ATTESTED_INPUT;
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
    function allowedAnswerers() external view returns (address[] memory answerers) {
        answerers = new address[](ANSWERER_COUNT);
        address[4] memory all = [ANSWERER_0, ANSWERER_1, ANSWERER_2, ANSWERER_3];
        for (uint256 i = 0; i < answerers.length; ++i) {
            answerers[i] = all[i];
        }
    }

    /// @inheritdoc IInferenceConsumer
    function allowedDataSources() external view returns (uint32[] memory sources) {
        sources = new uint32[](SOURCE_COUNT);
        uint32[4] memory all = [SOURCE_0, SOURCE_1, SOURCE_2, SOURCE_3];
        for (uint256 i = 0; i < sources.length; ++i) {
            sources[i] = all[i];
        }
    }

    /// @inheritdoc IInferenceConsumer
    function consumed(bytes32 inferenceId) external view returns (bool) {
        return _consumed[inferenceId];
    }

    /// @notice Checks `inferenceId` and `part` against the policy, marks a single-use inference used, and emits
    /// {InferenceConsumed}. Reverts with the named error of the first condition that fails; with
    /// {AttestedInputRequired} when the policy requires an attested input part (use the overload that takes one).
    /// @return record The record's status, for callers that use its level, answer time or subject.
    function _consume(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) internal returns (RecordStatus memory record) {
        record = _check(inferenceId, commitments, part, proof);
        _markConsumed(inferenceId, part.index, record);
    }

    /// @notice {_consume} with attested input part `input`, checked against the policy's {AttestedInputRule} and data
    /// sources; also emits {AttestedInputUsed}.
    /// @return record The record's status.
    /// @return sourceId The data source that attested `input`.
    function _consume(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof,
        AttestedInput calldata input
    ) internal returns (RecordStatus memory record, uint32 sourceId) {
        (record, sourceId) = _check(inferenceId, commitments, part, proof, input);
        _markConsumed(inferenceId, part.index, record);
        emit AttestedInputUsed(inferenceId, input.index, sourceId, input.contentHash);
    }

    /// @dev The policy from the immutables, filled into the one struct the call allocates: the fields
    /// {PolicyLib.check} reads. The options stay zero here; they are checked apart ({_checkOptions}).
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

    /// @notice Whether answers of node key `node` are accepted: the key is listed (`Nodes`), or its operator in the
    /// attester registry is (`Operators`). Only called when the policy restricts answerers. Override to allow from
    /// storage instead of the immutables.
    function _isAllowedAnswerer(address node) internal view virtual returns (bool) {
        address who = ANSWERERS == Answerers.Operators ? ATTESTERS.operatorOf(node) : node;
        return who != address(0) && (who == ANSWERER_0 || who == ANSWERER_1 || who == ANSWERER_2 || who == ANSWERER_3);
    }

    /// @notice Whether data source `sourceId` is listed. Override to allow from storage instead of the immutables.
    function _isAllowedSource(uint32 sourceId) internal view virtual returns (bool) {
        return
            sourceId != 0 &&
            (sourceId == SOURCE_0 || sourceId == SOURCE_1 || sourceId == SOURCE_2 || sourceId == SOURCE_3);
    }

    /// @notice Checks `inferenceId` and `part` against the policy, as {checkInference} does, without consuming it.
    /// Reverts with the named error of the first condition that fails; with {AttestedInputRequired} when the policy
    /// requires an attested input part (use the overload that takes one).
    function _check(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) internal view returns (RecordStatus memory record) {
        _checkRecord(inferenceId, commitments, part, proof, false, record);
    }

    /// @notice {_check} with attested input part `input`, as {checkInferenceWithInput} does.
    function _check(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof,
        AttestedInput calldata input
    ) internal view returns (RecordStatus memory record, uint32 sourceId) {
        _checkRecord(inferenceId, commitments, part, proof, true, record);
        sourceId = PolicyLib.checkInput(
            ATTESTERS,
            ATTESTED_INPUT,
            _isAllowedSource,
            inferenceId,
            commitments.input,
            input
        );
    }

    /// @dev Every check but the attested input part's, writing the record's status into `record` (allocated once, by
    /// the caller): the record and output part ({PolicyLib.check}), the options, then single use. `withInput` says
    /// whether the caller checks an attested input part next.
    function _checkRecord(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof,
        bool withInput,
        RecordStatus memory record
    ) private view {
        PolicyLib.check(LEDGER, _policy(), _isPinned, inferenceId, commitments, part, proof, record);
        if (HAS_MORE_CHECKS) {
            if (HAS_OPTIONS) _checkOptions(inferenceId, withInput);
            if (SINGLE_USE && _consumed[inferenceId]) revert InferenceAlreadyConsumed(inferenceId);
        }
    }

    /// @dev The options' checks that come before the attested input's: that one is presented when the policy
    /// requires it, and that the node that answered is accepted.
    function _checkOptions(bytes32 inferenceId, bool withInput) private view {
        if (!withInput && ATTESTED_INPUT != AttestedInputRule.None) revert AttestedInputRequired(inferenceId);
        if (ANSWERERS != Answerers.Any) PolicyLib.checkAnswerer(inferenceId, _isAllowedAnswerer);
    }

    /// @dev Marks a single-use inference used and emits {InferenceConsumed}.
    function _markConsumed(bytes32 inferenceId, uint32 partIndex, RecordStatus memory record) private {
        if (SINGLE_USE) _consumed[inferenceId] = true;
        emit InferenceConsumed(
            inferenceId,
            address(LEDGER),
            partIndex,
            record.achieved,
            record.state != RecordState.Settled
        );
    }

    /// @dev Reverts unless `policy_` asks for at least Vanilla and each list of `lists` matches its option.
    function _checkDeclaration(Policy memory policy_, Allowlists memory lists) private pure {
        uint64[] memory pins = lists.artifacts;
        address[] memory answerers = lists.answerers;
        uint32[] memory sources = lists.dataSources;
        if (policy_.minLevel == VerificationLevel.None) revert PolicyMinLevelNone();
        if (!_listFits(policy_.pinArtifacts, pins.length)) revert PolicyPinsInvalid();
        for (uint256 i = 0; i < pins.length; ++i) {
            if (pins[i] == 0) revert PolicyPinsInvalid();
        }
        if (!_listFits(policy_.answerers != Answerers.Any, answerers.length)) revert PolicyAnswerersInvalid();
        for (uint256 i = 0; i < answerers.length; ++i) {
            if (answerers[i] == address(0)) revert PolicyAnswerersInvalid();
        }
        if (!_listFits(policy_.attestedInput != AttestedInputRule.None, sources.length)) {
            revert PolicyDataSourcesInvalid();
        }
        for (uint256 i = 0; i < sources.length; ++i) {
            if (sources[i] == 0) revert PolicyDataSourcesInvalid();
        }
    }

    /// @dev True when a list of `length` entries fits an option that is `on`: 1 to 4 entries when on, none when off.
    function _listFits(bool on, uint256 length) private pure returns (bool) {
        return on ? length != 0 && length <= 4 : length == 0;
    }
}
