// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InferenceConsumer} from "../consumer/InferenceConsumer.sol";
import {Allowlists, Answerers, AttestedInputRule, Policy} from "../interfaces/IInferenceConsumer.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {AnswerCommitments, AttestedInput, OutputKind, OutputPart} from "../types/CommitmentTypes.sol";
import {RecordStatus, VerificationLevel} from "../types/InferenceTypes.sol";
import {MediaTypes} from "../types/MediaTypes.sol";

/// @title RiskScoreConsumer
/// @notice Example: a lending market's credit-risk oracle that takes borrower scores from AI inferences, but only
/// TEE- or ZKML-proven, settled ones, produced by a pinned model artifact, answered by one of its scorer nodes, over
/// borrower features attested by one of its data sources, recent, and each used once.
/// @dev What each part of the policy proves. The level proves the score was computed by the pinned model from the
/// record's input (ZKML: a Groth16 proof; TEE: an enclave running approved code). Neither proves the input is true:
/// a node could score invented features. So the record's whole input must be one attested external data part: the
/// Poseidon commitment to `(salt, borrower, features)` that the risk scorer's circuit takes as its input hash, signed
/// by a listed data source (a credit bureau). With one part in the input tree, a ZK proof can only be about that
/// part, and the circuit outputs the borrower the commitment names. The node list limits who may answer at all.
///
/// The output part it reads is a Data part of media type `application/vnd.proofline.risk-score+abi` holding
/// `abi.encode(address borrower, uint16 score)`, score in [0, 1000], higher is riskier (docs/HASHING.md). A newer
/// answer replaces an older one; an older answer can never roll a score back.
contract RiskScoreConsumer is InferenceConsumer {
    /// @notice The media type hash of the parts it reads, `MediaTypes.RISK_SCORE_HASH`.
    bytes32 public constant SCORE_MEDIA_TYPE_HASH = MediaTypes.RISK_SCORE_HASH;
    /// @notice The highest (riskiest) score.
    uint16 public constant MAX_SCORE = 1000;

    /// @notice A borrower's current score and where it came from.
    struct Score {
        uint16 score;
        VerificationLevel level;
        uint40 answeredAt;
        bytes32 inferenceId;
    }

    mapping(address borrower => Score score) private _scores;

    /// @notice `borrower` is now scored `score`, proven at `level` by inference `inferenceId`.
    event ScoreUpdated(address indexed borrower, uint16 score, VerificationLevel level, bytes32 indexed inferenceId);

    /// @notice Part `index` is not a risk-score Data part.
    error NotAScorePart(uint32 index);
    /// @notice A score must be at most {MAX_SCORE}.
    error ScoreOutOfRange(uint16 score);
    /// @notice The borrower already has a score answered at `current`, not older than this one's `answeredAt`.
    error ScoreNotNewer(address borrower, uint256 current, uint256 answeredAt);
    /// @notice `borrower` has never been scored.
    error NoScore(address borrower);

    /// @param ledger The Proofline ledger.
    /// @param scorers The 1 to 4 artifact ids of the scoring model this market trusts.
    /// @param scorerNodes The 1 to 4 node keys whose answers it accepts.
    /// @param bureaus The 1 to 4 data source ids (attester registry) whose feature attestations it accepts.
    /// @param maxAge The oldest answer accepted, in seconds (0 for no limit).
    constructor(
        IInferenceLedger ledger,
        uint64[] memory scorers,
        address[] memory scorerNodes,
        uint32[] memory bureaus,
        uint40 maxAge
    )
        InferenceConsumer(
            ledger,
            Policy({
                minLevel: VerificationLevel.TEE,
                allowUnsettled: false,
                pinArtifacts: true,
                singleUse: true,
                maxAge: maxAge,
                answerers: Answerers.Nodes,
                attestedInput: AttestedInputRule.Whole
            }),
            Allowlists({artifacts: scorers, answerers: scorerNodes, dataSources: bureaus})
        )
    {}

    /// @notice Sets a borrower's score from inference `inferenceId`, using output `part` (with its Merkle `proof`
    /// against the record's output commitment) and the record's attested input `features`. Anyone may relay it; the
    /// proofs and signatures, not the caller, are trusted.
    function updateScore(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof,
        AttestedInput calldata features
    ) external {
        (RecordStatus memory record, ) = _consume(inferenceId, commitments, part, proof, features);
        if (part.kind != OutputKind.Data || keccak256(bytes(part.mediaType)) != SCORE_MEDIA_TYPE_HASH) {
            revert NotAScorePart(part.index);
        }
        (address borrower, uint16 score) = abi.decode(part.content, (address, uint16));
        if (score > MAX_SCORE) revert ScoreOutOfRange(score);
        Score storage current = _scores[borrower];
        if (current.answeredAt >= record.answeredAt) {
            revert ScoreNotNewer(borrower, current.answeredAt, record.answeredAt);
        }
        _scores[borrower] = Score({
            score: score,
            level: record.achieved,
            answeredAt: record.answeredAt,
            inferenceId: inferenceId
        });
        emit ScoreUpdated(borrower, score, record.achieved, inferenceId);
    }

    /// @notice The borrower's current score and its provenance.
    function scoreOf(address borrower) external view returns (Score memory score) {
        score = _scores[borrower];
        if (score.inferenceId == bytes32(0)) revert NoScore(borrower);
    }

    /// @notice The loan-to-value the market allows `borrower`, in basis points: 75% for scores up to 300, 50% up to
    /// 600, nothing above. Unscored borrowers get nothing.
    function maxLoanToValueBps(address borrower) external view returns (uint256) {
        Score storage score = _scores[borrower];
        if (score.inferenceId == bytes32(0)) return 0;
        if (score.score <= 300) return 7500;
        if (score.score <= 600) return 5000;
        return 0;
    }
}
