// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AnswerCommitments, AttestedInput, OutputPart} from "../types/CommitmentTypes.sol";
import {RecordState, RecordStatus, VerificationLevel} from "../types/InferenceTypes.sol";
import {IInferenceLedger} from "./IInferenceLedger.sol";

/// @notice Which nodes a consumer accepts answers from. The node that answered is the key in its inference id's first
/// 20 bytes (the ledger records an answer only under its own node's key).
/// @param Any Any registered node.
/// @param Nodes Only the node keys the consumer lists (no extra read: the key is in the id).
/// @param Operators Only nodes whose operator the consumer lists (one attester registry read), so an operator may
/// rotate its node keys without redeploying the consumer.
enum Answerers {
    Any,
    Nodes,
    Operators
}

/// @notice What a consumer requires of an inference's input besides its level.
/// @param None Nothing: the level proves what was computed, not that the input is true.
/// @param Part An input part of attested external data signed by a data source the consumer lists.
/// @param Whole The same part, and it is the record's whole input (its proof is empty). What a ZKML consumer needs:
/// a proof covers one input part, and with one part in the tree it can only be that one.
enum AttestedInputRule {
    None,
    Part,
    Whole
}

/// @notice The lists a policy's options draw on, each 0 to 4 entries.
/// @param artifacts The pinned artifact ids: 1 to 4 non-zero ids iff `pinArtifacts`.
/// @param answerers Node keys (`Nodes`) or operators (`Operators`): 1 to 4 non-zero addresses iff answerers is not
/// `Any`.
/// @param dataSources The data source ids (attester registry) whose attestations count: 1 to 4 non-zero ids iff
/// attestedInput is not `None`.
struct Allowlists {
    uint64[] artifacts;
    address[] answerers;
    uint32[] dataSources;
}

/// @notice What a consumer requires of an inference before acting on it. Fixed at deployment.
/// @param minLevel The least achieved level accepted (Vanilla, TEE or ZKML).
/// @param allowUnsettled Opt-in to act on an `Answered` record that has reached `minLevel` but is not final.
/// Off by default: a settled-only consumer never acts on an answer that can still be refuted or rejected.
/// @param pinArtifacts Accept only Local-route answers from pinned artifact ids (never labels; a Proxy route, which
/// has no artifact, never passes).
/// @param singleUse Accept each inference once.
/// @param maxAge The most seconds since the answer was recorded; 0 for no limit.
/// @param answerers Which nodes' answers are accepted ({Answerers}).
/// @param attestedInput Whether an input part must carry an allowed data source's attestation ({AttestedInputRule}).
struct Policy {
    VerificationLevel minLevel;
    bool allowUnsettled;
    bool pinArtifacts;
    bool singleUse;
    uint40 maxAge;
    Answerers answerers;
    AttestedInputRule attestedInput;
}

/// @title IInferenceConsumer
/// @notice A contract that acts on ledger inferences only when they meet its {Policy}. See `InferenceConsumer`.
/// @dev Errors are checked in this order and the first failing condition is reported: unknown, rejected, not
/// settled, level, route/artifact, age, commitments, output part; then the options: attested input missing (a policy
/// that requires one, checked without one), answerer; already consumed; then the attested input part: taken by the
/// policy at all, whole, committed, attested, allowed source.
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

    /// @notice `inferenceId` was acted on with input part `inputIndex` (content hash `contentHash`) attested by data
    /// source `sourceId`: the trail shows which input parts were attested and by whom.
    event AttestedInputUsed(
        bytes32 indexed inferenceId,
        uint32 inputIndex,
        uint32 indexed sourceId,
        bytes32 contentHash
    );

    /// @notice The consumer's policy and the lists it draws on, emitted once at deployment.
    event PolicyDeclared(address indexed ledger, Policy policy, Allowlists allowlists);

    /// @notice A policy must ask for at least Vanilla.
    error PolicyMinLevelNone();
    /// @notice Artifacts are pinned iff the policy says so, with 1 to 4 non-zero ids.
    error PolicyPinsInvalid();
    /// @notice Answerers are listed iff the policy restricts them, with 1 to 4 non-zero addresses.
    error PolicyAnswerersInvalid();
    /// @notice Data sources are listed iff the policy requires attested input, with 1 to 4 non-zero ids.
    error PolicyDataSourcesInvalid();

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
    /// @notice The answer came from node key `node`, which the policy does not accept (not listed, or its operator is
    /// not listed).
    error AnswererNotAllowed(bytes32 inferenceId, address node);
    /// @notice The policy requires an attested input part and none was presented.
    error AttestedInputRequired(bytes32 inferenceId);
    /// @notice An attested input part was presented to a consumer whose policy takes none (no data source listed).
    error AttestedInputNotInPolicy(bytes32 inferenceId);
    /// @notice The policy requires the attested part to be the record's whole input, and its proof is not empty.
    error InputNotWhole(bytes32 inferenceId);
    /// @notice Input part `index`, as an attested external data part with the proof given, is not in the record's
    /// input commitment.
    error InputPartNotCommitted(bytes32 inferenceId, uint32 index);
    /// @notice Input part `index`'s signature is by no unrevoked data source key.
    error InputNotAttested(bytes32 inferenceId, uint32 index);
    /// @notice Input part of `inferenceId` is attested by data source `sourceId`, which the policy does not list.
    error DataSourceNotAllowed(bytes32 inferenceId, uint32 sourceId);
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

    /// @notice {checkInference} with attested input part `input` (for policies whose `attestedInput` is not `None`):
    /// also reverts unless the part is in the record's input commitment (as its whole input under `Whole`) and is
    /// signed by a listed data source. Returns the record's status and the data source's id.
    function checkInferenceWithInput(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof,
        AttestedInput calldata input
    ) external view returns (RecordStatus memory record, uint32 sourceId);

    /// @notice The ledger this consumer reads.
    function inferenceLedger() external view returns (IInferenceLedger);

    /// @notice The policy this consumer enforces.
    function policy() external view returns (Policy memory);

    /// @notice The artifact ids the policy pins (empty when it pins none).
    function pinnedArtifacts() external view returns (uint64[] memory);

    /// @notice The node keys or operators the policy accepts answers from (empty when it accepts any node).
    function allowedAnswerers() external view returns (address[] memory);

    /// @notice The data source ids whose attestations the policy accepts (empty when it requires none).
    function allowedDataSources() external view returns (uint32[] memory);

    /// @notice True once `inferenceId` was consumed here.
    function consumed(bytes32 inferenceId) external view returns (bool);
}
