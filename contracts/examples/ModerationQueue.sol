// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InferenceConsumer} from "../consumer/InferenceConsumer.sol";
import {Allowlists, Answerers, AttestedInputRule, Policy} from "../interfaces/IInferenceConsumer.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {AnswerCommitments, OutputKind, OutputPart} from "../types/CommitmentTypes.sol";
import {VerificationLevel} from "../types/InferenceTypes.sol";
import {MediaTypes} from "../types/MediaTypes.sol";

/// @title ModerationQueue
/// @notice Example: a first-in, first-out queue of posts awaiting an AI moderation verdict. The queue advances only
/// on a settled verdict about the post at its head: an answer still inside its challenge window, or rejected, never
/// moves it. Any model and any level from Vanilla up is accepted, but only from the queue's moderators; each verdict
/// is used once.
/// @dev What each part of the policy proves. Vanilla proves that a registered node signed the verdict and nobody
/// refuted it within the challenge window; it does not prove the node is one the queue trusts, since registering a
/// node is free. So the queue lists its moderators: the operators whose nodes may answer (by operator, so a moderator
/// can rotate its node keys without redeploying the queue). A verdict has no external input to attest: the post is
/// named by its content hash in the output, which the queue matches against its head.
/// @dev The output part it reads is a Data part of media type `application/vnd.proofline.moderation+abi` holding
/// `abi.encode(bytes32 contentHash, uint8 verdict)` with verdict 0 = keep, 1 = remove (docs/HASHING.md).
contract ModerationQueue is InferenceConsumer {
    /// @notice The media type hash of the parts it reads, `MediaTypes.MODERATION_HASH`.
    bytes32 public constant VERDICT_MEDIA_TYPE_HASH = MediaTypes.MODERATION_HASH;

    /// @notice A moderation verdict.
    enum Verdict {
        Pending,
        Keep,
        Remove
    }

    /// @notice A queued post.
    struct Item {
        bytes32 contentHash;
        address submitter;
        Verdict verdict;
        bytes32 inferenceId;
    }

    Item[] private _items;
    uint256 private _head;

    /// @notice Post `itemId` with content hash `contentHash` joined the queue.
    event Enqueued(uint256 indexed itemId, bytes32 indexed contentHash, address indexed submitter);
    /// @notice Post `itemId` was judged `verdict` by inference `inferenceId`.
    event Moderated(uint256 indexed itemId, bytes32 indexed contentHash, Verdict verdict, bytes32 inferenceId);

    /// @notice The zero hash names no content.
    error ZeroContentHash();
    /// @notice No post is waiting.
    error QueueEmpty();
    /// @notice Part `index` is not a moderation Data part.
    error NotAVerdictPart(uint32 index);
    /// @notice The verdict is about `contentHash`, not the post at the head (`expected`).
    error VerdictForOtherContent(bytes32 contentHash, bytes32 expected);
    /// @notice The encoded verdict must be 0 (keep) or 1 (remove).
    error InvalidVerdict(uint8 verdict);
    /// @notice No post has id `itemId`.
    error UnknownItem(uint256 itemId);

    /// @param ledger The Proofline ledger.
    /// @param moderators The 1 to 4 node operators whose nodes' verdicts the queue accepts.
    constructor(
        IInferenceLedger ledger,
        address[] memory moderators
    )
        InferenceConsumer(
            ledger,
            Policy({
                minLevel: VerificationLevel.Vanilla,
                allowUnsettled: false,
                pinArtifacts: false,
                singleUse: true,
                maxAge: 0,
                answerers: Answerers.Operators,
                attestedInput: AttestedInputRule.None
            }),
            Allowlists({artifacts: new uint64[](0), answerers: moderators, dataSources: new uint32[](0)})
        )
    {}

    /// @notice Queues a post by its content hash.
    function enqueue(bytes32 contentHash) external returns (uint256 itemId) {
        if (contentHash == bytes32(0)) revert ZeroContentHash();
        itemId = _items.length;
        _items.push(Item({contentHash: contentHash, submitter: msg.sender, verdict: Verdict.Pending, inferenceId: 0}));
        emit Enqueued(itemId, contentHash, msg.sender);
    }

    /// @notice Decides the post at the head of the queue with a settled verdict and moves the head on.
    function advance(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) external returns (uint256 itemId, Verdict verdict) {
        itemId = _head;
        if (itemId == _items.length) revert QueueEmpty();
        _consume(inferenceId, commitments, part, proof);
        if (part.kind != OutputKind.Data || keccak256(bytes(part.mediaType)) != VERDICT_MEDIA_TYPE_HASH) {
            revert NotAVerdictPart(part.index);
        }
        (bytes32 contentHash, uint8 encoded) = abi.decode(part.content, (bytes32, uint8));
        Item storage item = _items[itemId];
        if (contentHash != item.contentHash) revert VerdictForOtherContent(contentHash, item.contentHash);
        if (encoded > 1) revert InvalidVerdict(encoded);
        verdict = encoded == 0 ? Verdict.Keep : Verdict.Remove;
        item.verdict = verdict;
        item.inferenceId = inferenceId;
        _head = itemId + 1;
        emit Moderated(itemId, contentHash, verdict, inferenceId);
    }

    /// @notice The post `itemId`.
    function itemOf(uint256 itemId) external view returns (Item memory) {
        if (itemId >= _items.length) revert UnknownItem(itemId);
        return _items[itemId];
    }

    /// @notice The id of the next post to decide (`head`), and how many posts were ever queued (`total`).
    function queue() external view returns (uint256 head, uint256 total) {
        return (_head, _items.length);
    }
}
