// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {IAttesterRegistry} from "../interfaces/IAttesterRegistry.sol";
import {IBondVault} from "../interfaces/IBondVault.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IVerifierRouter} from "../interfaces/IVerifierRouter.sol";
import {CommitmentLib} from "../libraries/CommitmentLib.sol";
import {FieldLib} from "../libraries/FieldLib.sol";
import {PackedRecord, RecordLib} from "../libraries/RecordLib.sol";
import {TimeLib} from "../libraries/TimeLib.sol";
import {AnswerCommitments, OutputKind} from "../types/CommitmentTypes.sol";
import {
    Answer,
    InferenceRecord,
    RecordState,
    RecordStatus,
    Route,
    VerificationLevel
} from "../types/InferenceTypes.sol";
import {ZkBatchEvidence, ZkBatchMember, ZkEvidence, ZkInputPart} from "../types/SettlementTypes.sol";

/// @title InferenceLedger
/// @notice Stored, de-duplicated inference records with asynchronous TEE and ZKML settlement, batch settlement from
/// enclave-signed Merkle roots, and challenges. See {IInferenceLedger}.
/// @dev Holds records only: node keys, enclaves and subjects are the attester registry's, ZK verifiers the verifier
/// router's. Each record is one {PackedRecord} word, read and written through {RecordLib}.
contract InferenceLedger is IInferenceLedger, EIP712 {
    /// @dev The EIP-712 type a node signs. Field order matches {Answer}, so `abi.encode(ANSWER_TYPEHASH, answer)`
    /// is its struct hash preimage.
    bytes32 public constant ANSWER_TYPEHASH = keccak256(
        "Answer(bytes32 inferenceId,uint8 route,uint64 subject,uint8 claimed,bytes32 inputCommitment,"
        "bytes32 outputCommitment,bytes32 paymentRef)"
    );

    /// @dev The EIP-712 type a node signs to answer many inferences at once ({answerMany}): the array of its answers,
    /// each hashed as {ANSWER_TYPEHASH} hashes one.
    bytes32 public constant ANSWER_BATCH_TYPEHASH = keccak256(
        "AnswerBatch(Answer[] answers)Answer(bytes32 inferenceId,uint8 route,uint64 subject,uint8 claimed,"
        "bytes32 inputCommitment,bytes32 outputCommitment,bytes32 paymentRef)"
    );

    /// @dev The EIP-712 type an enclave signs to attest a record's content (or, refuting, another output).
    bytes32 public constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(bytes32 inferenceId,uint8 route,uint64 subject,bytes32 answerDigest)"
    );

    /// @dev The EIP-712 type an enclave signs to commit a round's batch of settlements.
    bytes32 public constant BATCH_TYPEHASH = keccak256("SettlementBatch(uint32 round,bytes32 root)");

    /// @notice How many batch roots each enclave keeps: the root of round `r` lives in slot `r % BATCH_ROOT_SLOTS`
    /// until the same enclave commits round `r + BATCH_ROOT_SLOTS` or later into that slot.
    uint32 public constant BATCH_ROOT_SLOTS = 32;

    /// @dev A batch slot holds the root's first 224 bits and, in its last 32 bits, the round it was committed for.
    uint256 private constant BATCH_ROUND_MASK = 0xffffffff;

    IModelRegistry private immutable REGISTRY;
    IAttesterRegistry private immutable ATTESTERS;
    IVerifierRouter private immutable ROUTER;
    IBondVault private immutable BONDS;
    uint40 private immutable CHALLENGE_WINDOW;
    uint40 private immutable SETTLEMENT_WINDOW;
    uint40 private immutable ROUND_DURATION;
    uint40 private immutable GENESIS;

    /// @dev The answer digest of each recorded inference, written once by {answer}; zero for an unknown id.
    mapping(bytes32 inferenceId => bytes32 answerDigest) private _digests;
    /// @dev Each record's word, stored under its inference id and answer digest. A caller that holds the commitments
    /// (a consumer, {lookupByDigest}) finds the record, and proves the commitments are its own, with one storage read.
    mapping(bytes32 inferenceId => mapping(bytes32 answerDigest => PackedRecord record)) private _records;
    /// @dev Each enclave's ring of batch slots (see {BATCH_ROUND_MASK}): keeping the round in the slot lets
    /// {commitBatch} refuse a second batch for a round without a storage slot of its own.
    mapping(address enclave => uint256[BATCH_ROOT_SLOTS] slots) private _batches;
    /// @dev Who submitted the refutation that rejected each refuted record: the bond vault pays them their share.
    mapping(bytes32 inferenceId => address refuter) private _refuters;

    /// @param registry The model registry artifacts are checked against.
    /// @param attesters The attester registry: node keys, enclaves, providers.
    /// @param router The verifier router that checks ZK proofs.
    /// @param bonds The bond vault whose locks back claims above Vanilla.
    /// @param challengeWindow Seconds during which a Vanilla claim can be refuted before it settles.
    /// @param settlementWindow Seconds a TEE or ZKML claim has to reach its level before it can be rejected.
    /// @param roundDuration Seconds per settlement round.
    constructor(
        IModelRegistry registry,
        IAttesterRegistry attesters,
        IVerifierRouter router,
        IBondVault bonds,
        uint40 challengeWindow,
        uint40 settlementWindow,
        uint40 roundDuration
    ) EIP712("Proofline InferenceLedger", "1") {
        if (address(registry).code.length == 0) revert LedgerDependencyMissing(address(registry));
        if (address(attesters).code.length == 0) revert LedgerDependencyMissing(address(attesters));
        if (address(router).code.length == 0) revert LedgerDependencyMissing(address(router));
        if (address(bonds).code.length == 0) revert LedgerDependencyMissing(address(bonds));
        if (challengeWindow == 0 || settlementWindow == 0 || roundDuration == 0) {
            revert LedgerWindowZero(challengeWindow, settlementWindow, roundDuration);
        }
        REGISTRY = registry;
        ATTESTERS = attesters;
        ROUTER = router;
        BONDS = bonds;
        CHALLENGE_WINDOW = challengeWindow;
        SETTLEMENT_WINDOW = settlementWindow;
        ROUND_DURATION = roundDuration;
        GENESIS = TimeLib.now40();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Answer
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceLedger
    function answer(Answer calldata answer_, bytes calldata signature) external {
        address signer = ECDSA.recover(_hashTypedDataV4(_answerStructHash(answer_)), signature);
        uint32 nodeId = ATTESTERS.activeNodeId(signer);
        if (nodeId == 0) revert NotActiveNode(signer);
        _recordAnswer(answer_, signer, nodeId, true);
    }

    /// @inheritdoc IInferenceLedger
    function answerMany(Answer[] calldata answers, bytes calldata signature) external {
        uint256 count = answers.length;
        if (count == 0) revert EmptyAnswerBatch();
        bytes32[] memory hashes = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) hashes[i] = _answerStructHash(answers[i]);
        address signer = ECDSA.recover(_hashTypedDataV4(_answerBatchStructHash(hashes)), signature);
        uint32 nodeId = ATTESTERS.activeNodeId(signer);
        if (nodeId == 0) revert NotActiveNode(signer);
        // A node's batch is usually about one artifact or provider: its validity is read once per run of the same one.
        for (uint256 i = 0; i < count; ++i) {
            bool newSubject =
                i == 0 || answers[i].subject != answers[i - 1].subject || answers[i].route != answers[i - 1].route;
            _recordAnswer(answers[i], signer, nodeId, newSubject);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Settlement
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceLedger
    function settleTee(bytes32 inferenceId, bytes calldata signature) external {
        (PackedRecord record, bytes32 digest) = _pendingBelowTee(inferenceId);
        Route route = record.route();
        uint64 subject = record.subject();
        address enclave = _recoverAttester(inferenceId, route, subject, digest, signature);
        _checkEnclave(enclave, route, subject);
        _raiseToTee(inferenceId, digest, record, enclave, bytes32(0), _round());
    }

    /// @inheritdoc IInferenceLedger
    function finalize(bytes32 inferenceId) external {
        (PackedRecord record, bytes32 digest) = _record(inferenceId);
        RecordState state = record.state();
        if (state == RecordState.None) revert UnknownInference(inferenceId);
        if (state != RecordState.Answered || record.claimed() != VerificationLevel.Vanilla) {
            revert NotPending(inferenceId, state);
        }
        if (!record.isVanillaFinalByTime(CHALLENGE_WINDOW, block.timestamp)) {
            revert DeadlineNotReached(inferenceId, _deadline(record));
        }
        if (!record.isVanillaFinal(CHALLENGE_WINDOW, block.timestamp, _revokedAt(record))) {
            revert ArtifactRevokedWhilePending(inferenceId, record.subject());
        }

        // The claim settled when its window passed, not when someone wrote it down.
        // Safe: answeredAt and the window are uint40s, and their sum is far below 2^40 until the year 36812.
        uint40 settledAt = uint40(record.vanillaSettledAt(CHALLENGE_WINDOW));
        uint32 round = _roundAt(settledAt);
        _store(
            inferenceId,
            digest,
            record.withSettlement(VerificationLevel.Vanilla, RecordState.Settled, settledAt, round)
        );
        emit InferenceSettled(inferenceId, VerificationLevel.Vanilla, round);
    }

    /// @inheritdoc IInferenceLedger
    function reject(bytes32 inferenceId) external {
        (PackedRecord record, bytes32 digest) = _record(inferenceId);
        RecordState state = record.state();
        if (state == RecordState.None) revert UnknownInference(inferenceId);
        if (state != RecordState.Answered || record.claimed() == VerificationLevel.Vanilla) {
            revert NothingToReject(inferenceId);
        }
        uint256 deadline = _deadline(record);
        if (block.timestamp <= deadline) revert DeadlineNotReached(inferenceId, deadline);
        // Revoked by its deadline, the record could not settle after that: it did not overclaim.
        uint256 revokedAt = record.route() == Route.Local ? REGISTRY.revokedAt(record.subject()) : 0;
        RejectionReason reason =
            revokedAt != 0 && revokedAt <= deadline ? RejectionReason.ArtifactRevoked : RejectionReason.DeadlineMissed;

        _store(inferenceId, digest, record.withRejection(uint8(reason)));
        emit InferenceRejected(inferenceId, reason, record.achieved());
    }

    /// @inheritdoc IInferenceLedger
    function rejectRevoked(bytes32 inferenceId) external {
        (PackedRecord record, bytes32 digest) = _record(inferenceId);
        RecordState state = record.state();
        if (state == RecordState.None) revert UnknownInference(inferenceId);
        if (state != RecordState.Answered) revert NotPending(inferenceId, state);
        uint256 revokedAt = record.route() == Route.Local ? REGISTRY.revokedAt(record.subject()) : 0;
        // Not revoked, a Vanilla claim that settled (its window ended) before the revocation, or a claim whose deadline
        // passed before it (it missed its deadline first: `reject` says so): nothing to reject here.
        if (
            revokedAt == 0 ||
            record.isVanillaFinal(CHALLENGE_WINDOW, block.timestamp, revokedAt) ||
            revokedAt > _deadline(record)
        ) revert ArtifactNotRevoked(inferenceId);

        _store(inferenceId, digest, record.withRejection(uint8(RejectionReason.ArtifactRevoked)));
        emit InferenceRejected(inferenceId, RejectionReason.ArtifactRevoked, record.achieved());
    }

    /// @inheritdoc IInferenceLedger
    function refuteTee(
        bytes32 inferenceId,
        bytes32 inputCommitment,
        bytes32 outputCommitment,
        bytes32 paymentRef,
        bytes32 otherOutputCommitment,
        bytes calldata signature
    ) external {
        (PackedRecord record, bytes32 digest) = _pendingBelowTee(inferenceId);
        if (CommitmentLib.answerDigest(inputCommitment, outputCommitment, paymentRef) != digest) {
            revert CommitmentsMismatch(inferenceId);
        }
        if (otherOutputCommitment == outputCommitment) revert SameOutput(inferenceId);
        Route route = record.route();
        uint64 subject = record.subject();
        bytes32 otherDigest = CommitmentLib.answerDigest(inputCommitment, otherOutputCommitment, paymentRef);
        address enclave = _recoverAttester(inferenceId, route, subject, otherDigest, signature);
        _checkEnclave(enclave, route, subject);

        _store(inferenceId, digest, record.withRejection(uint8(RejectionReason.Refuted)));
        _refuters[inferenceId] = msg.sender;
        emit Refuted(inferenceId, VerificationLevel.TEE, enclave, otherOutputCommitment);
        emit InferenceRejected(inferenceId, RejectionReason.Refuted, record.achieved());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ZKML
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceLedger
    function settleZk(bytes32 inferenceId, ZkEvidence calldata evidence) external {
        (PackedRecord record, bytes32 digest) = _pendingWith(inferenceId, evidence.commitments);
        _checkZkOutput(inferenceId, evidence.commitments.output, evidence.outputMediaType, evidence.outputs);
        (address verifier, bytes32 proofHash) = _checkZkProof(record, digest, inferenceId, evidence);
        _checkArtifactNotRevoked(record, inferenceId);

        uint32 round = _round();
        _store(
            inferenceId,
            digest,
            record.withSettlement(VerificationLevel.ZKML, RecordState.Settled, TimeLib.now40(), round)
        );
        emit Attested(inferenceId, VerificationLevel.ZKML, verifier, proofHash, round);
        emit InferenceSettled(inferenceId, VerificationLevel.ZKML, round);
    }

    /// @inheritdoc IInferenceLedger
    function refuteZk(bytes32 inferenceId, ZkEvidence calldata evidence, bytes calldata recordedContent) external {
        (PackedRecord record, bytes32 digest) = _pending(inferenceId);
        // The shape settleZk accepts: the record's whole output is one Data part, here of the proof's media type.
        bytes32 recorded = keccak256(recordedContent);
        if (
            CommitmentLib.outputLeaf(0, OutputKind.Data, evidence.outputMediaType, recorded) !=
            evidence.commitments.output
        ) revert ZkOutputNotCommitted(inferenceId);
        bytes32 proven = keccak256(abi.encodePacked(evidence.outputs));
        if (recorded == proven) revert SameOutput(inferenceId);
        (address verifier, ) = _checkZkProof(record, digest, inferenceId, evidence);

        _store(inferenceId, digest, record.withRejection(uint8(RejectionReason.Refuted)));
        _refuters[inferenceId] = msg.sender;
        emit Refuted(inferenceId, VerificationLevel.ZKML, verifier, proven);
        emit InferenceRejected(inferenceId, RejectionReason.Refuted, record.achieved());
    }

    /// @inheritdoc IInferenceLedger
    function settleZkMany(ZkBatchEvidence calldata evidence) external {
        uint256 count = evidence.members.length;
        if (count == 0) revert BatchSettlementMalformed();
        uint256[] memory inputHashes = new uint256[](count);
        uint256[] memory bindings = new uint256[](count);
        uint256[] memory packedOutputs = new uint256[](count);
        uint64 artifactId;
        uint32 round = _round();
        for (uint256 i = 0; i < count; ++i) {
            ZkBatchMember calldata member = evidence.members[i];
            bytes32 inferenceId = member.inferenceId;
            // Stored as settled at once: a record listed twice is no longer pending the second time, and a proof the
            // verifier refuses reverts every write.
            (PackedRecord record, bytes32 digest) = _pendingWith(inferenceId, member.commitments);
            if (i == 0) artifactId = record.subject();
            else if (record.subject() != artifactId) revert ZkBatchMixesArtifacts(inferenceId);
            uint256 packed = member.packedOutput;
            uint256[] memory words = new uint256[](2);
            words[0] = packed >> 16;
            words[1] = packed & 0xffff;
            _checkZkOutput(inferenceId, member.commitments.output, evidence.outputMediaType, words);
            _checkZkInput(record, digest, inferenceId, member.commitments, member.inputHash, member.input);
            inputHashes[i] = member.inputHash;
            bindings[i] = _zkBinding(inferenceId);
            packedOutputs[i] = packed;
            _store(
                inferenceId,
                digest,
                record.withSettlement(VerificationLevel.ZKML, RecordState.Settled, TimeLib.now40(), round)
            );
        }
        (address verifier, bool valid) = ROUTER.verifyBatch(
            artifactId,
            evidence.proof,
            inputHashes,
            bindings,
            packedOutputs
        );
        if (!valid) revert InvalidZkBatchProof(verifier);
        // One artifact for every record: one revocation read.
        if (REGISTRY.revokedAt(artifactId) != 0) {
            revert ArtifactRevokedWhilePending(evidence.members[0].inferenceId, artifactId);
        }
        bytes32 proofHash = keccak256(abi.encode(evidence.proof));
        for (uint256 i = 0; i < count; ++i) {
            bytes32 inferenceId = evidence.members[i].inferenceId;
            emit Attested(inferenceId, VerificationLevel.ZKML, verifier, proofHash, round);
            emit InferenceSettled(inferenceId, VerificationLevel.ZKML, round);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Batch settlement
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceLedger
    function commitBatch(uint32 round, bytes32 root, bytes calldata signature) external {
        if (root == bytes32(0)) revert ZeroBatchRoot();
        uint32 current = _round();
        if (round != current) revert BatchRoundNotCurrent(round, current);
        address enclave = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(BATCH_TYPEHASH, round, root))),
            signature
        );
        (bool live, , ) = ATTESTERS.enclaveStatus(enclave);
        if (!live) revert EnclaveNotLive(enclave);
        uint256[BATCH_ROOT_SLOTS] storage slots = _batches[enclave];
        uint256 slot = round % BATCH_ROOT_SLOTS;
        if (slots[slot] & BATCH_ROUND_MASK == round) revert BatchAlreadyCommitted(enclave, round);

        slots[slot] = (uint256(root) & ~BATCH_ROUND_MASK) | round;
        emit BatchCommitted(enclave, round, root);
    }

    /// @inheritdoc IInferenceLedger
    function settleFromBatch(address enclave, uint32 round, bytes32 inferenceId, bytes32[] calldata proof) external {
        (PackedRecord record, bytes32 digest) = _pendingBelowTee(inferenceId);
        uint256 stored = _batches[enclave][round % BATCH_ROOT_SLOTS];
        if (stored == 0 || stored & BATCH_ROUND_MASK != round) revert UnknownBatch(enclave, round);
        bytes32 root = MerkleProof.processProofCalldata(proof, _batchLeaf(round, inferenceId, digest));
        if (uint256(root) & ~BATCH_ROUND_MASK != stored & ~BATCH_ROUND_MASK) {
            revert NotInBatch(inferenceId, enclave, round);
        }
        _checkEnclave(enclave, record.route(), record.subject());
        _raiseToTee(inferenceId, digest, record, enclave, root, round);
    }

    /// @inheritdoc IInferenceLedger
    function settleManyFromBatch(
        address enclave,
        uint32 round,
        bytes32[] calldata inferenceIds,
        bytes32[] calldata answerDigests,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external returns (uint256 settled) {
        uint256 count = inferenceIds.length;
        if (count == 0 || answerDigests.length != count) revert BatchSettlementMalformed();
        uint256 stored = _batches[enclave][round % BATCH_ROOT_SLOTS];
        if (stored == 0 || stored & BATCH_ROUND_MASK != round) revert UnknownBatch(enclave, round);
        // Liveness is checked once, for the one moment every record of the call settles at, as `settleFromBatch` checks
        // it for its one record; `commitBatch` checked it when the root was committed.
        (bool live, Route boundRoute, uint64 boundSubject) = ATTESTERS.enclaveStatus(enclave);
        if (!live) revert EnclaveNotLive(enclave);
        // The enclave is bound to one subject, so every record it may settle shares it: one revocation read for all.
        bool revoked = boundRoute == Route.Local && REGISTRY.revokedAt(boundSubject) != 0;

        bytes32 root = _multiProofRoot(round, inferenceIds, answerDigests, proof, proofFlags);
        if (uint256(root) & ~BATCH_ROUND_MASK != stored & ~BATCH_ROUND_MASK) revert BatchProofInvalid(enclave, round);

        uint32 settledRound = _round();
        for (uint256 i = 0; i < count; ++i) {
            bytes32 inferenceId = inferenceIds[i];
            // Read under the attested digest: a record exists under its own digest only, so an attested digest that is
            // not the record's reads empty and is skipped below. No separate read of the record's digest is needed.
            PackedRecord record = _records[inferenceId][answerDigests[i]];
            // What can change between signing this call and its execution (another settlement path, a deadline, a
            // revocation, a leaf listed twice) skips the record instead of failing every other one.
            if (
                revoked ||
                record.state() != RecordState.Answered ||
                record.achieved() >= VerificationLevel.TEE ||
                block.timestamp > _deadline(record)
            ) continue;
            if (record.route() != boundRoute || record.subject() != boundSubject) {
                revert EnclaveBindingMismatch(enclave, boundRoute, boundSubject);
            }
            bool final_ = record.claimed() <= VerificationLevel.TEE;
            _store(
                inferenceId,
                answerDigests[i],
                final_
                    ? record.withSettlement(VerificationLevel.TEE, RecordState.Settled, TimeLib.now40(), settledRound)
                    : record.withSettlement(VerificationLevel.TEE, RecordState.Answered, 0, 0)
            );
            emit Attested(inferenceId, VerificationLevel.TEE, enclave, root, settledRound);
            if (final_) emit InferenceSettled(inferenceId, VerificationLevel.TEE, settledRound);
            ++settled;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceLedger
    function getRecord(bytes32 inferenceId) external view returns (InferenceRecord memory) {
        (PackedRecord record, bytes32 digest) = _record(inferenceId);
        if (record.isEmpty()) revert UnknownInference(inferenceId);
        return
            InferenceRecord({
                subject: record.subject(),
                nodeId: record.nodeId(),
                answeredAt: record.answeredAt(),
                settledAt: record.settledAt(),
                round: record.round(),
                route: record.route(),
                claimed: record.claimed(),
                achieved: record.achieved(),
                state: record.state(),
                answerDigest: digest
            });
    }

    /// @inheritdoc IInferenceLedger
    function stateOf(bytes32 inferenceId) external view returns (RecordState) {
        (PackedRecord record, ) = _record(inferenceId);
        return record.effectiveState(CHALLENGE_WINDOW, block.timestamp, _revokedAt(record));
    }

    /// @inheritdoc IInferenceLedger
    function inspect(bytes32 inferenceId) external view returns (RecordStatus memory status) {
        status; // written by _returnStatus, which ends the call
        (PackedRecord record, bytes32 digest) = _record(inferenceId);
        _returnStatus(record, digest);
    }

    /// @inheritdoc IInferenceLedger
    /// @dev Named so its selector (0x03d90e9e) is the ledger's lowest: the dispatcher compares selectors in
    /// ascending order, so consumer checks reach it first (a test keeps it lowest).
    function lookupByDigest(bytes32 inferenceId, bytes32 digest) external view returns (RecordStatus memory status) {
        status; // written by _returnStatus, which ends the call
        PackedRecord record = _records[inferenceId][digest];
        // Not the record's digest, or no record: answer what {inspect} answers, so the caller sees which.
        if (record.isEmpty()) (record, digest) = _record(inferenceId);
        _returnStatus(record, digest);
    }

    /// @inheritdoc IInferenceLedger
    function settlementOf(
        bytes32 inferenceId
    ) external view returns (RecordState state, VerificationLevel achieved, uint256 settledAt) {
        (PackedRecord record, ) = _record(inferenceId);
        uint256 revokedAt = _revokedAt(record);
        return (
            record.effectiveState(CHALLENGE_WINDOW, block.timestamp, revokedAt),
            record.achieved(),
            record.effectiveSettledAt(CHALLENGE_WINDOW, block.timestamp, revokedAt)
        );
    }

    /// @inheritdoc IInferenceLedger
    function settlementByDigest(
        bytes32 inferenceId,
        bytes32 digest
    )
        external
        view
        returns (
            RecordState state,
            VerificationLevel achieved,
            uint256 settledAt,
            uint32 nodeId,
            Route route,
            uint64 subject
        )
    {
        PackedRecord record = _records[inferenceId][digest];
        uint256 revokedAt = _revokedAt(record);
        return (
            record.effectiveState(CHALLENGE_WINDOW, block.timestamp, revokedAt),
            record.achieved(),
            record.effectiveSettledAt(CHALLENGE_WINDOW, block.timestamp, revokedAt),
            record.nodeId(),
            record.route(),
            record.subject()
        );
    }

    /// @inheritdoc IInferenceLedger
    function deadlineOf(bytes32 inferenceId) external view returns (uint256) {
        (PackedRecord record, ) = _record(inferenceId);
        if (record.isEmpty()) revert UnknownInference(inferenceId);
        return _deadline(record);
    }

    /// @inheritdoc IInferenceLedger
    function answerTypedDataHash(Answer calldata answer_) external view returns (bytes32) {
        return _hashTypedDataV4(_answerStructHash(answer_));
    }

    /// @inheritdoc IInferenceLedger
    function answerBatchTypedDataHash(Answer[] calldata answers) external view returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](answers.length);
        for (uint256 i = 0; i < answers.length; ++i) hashes[i] = _answerStructHash(answers[i]);
        return _hashTypedDataV4(_answerBatchStructHash(hashes));
    }

    /// @inheritdoc IInferenceLedger
    function attestationTypedDataHash(
        bytes32 inferenceId,
        Route route,
        uint64 subject,
        bytes32 digest
    ) external view returns (bytes32) {
        return _attestationTypedDataHash(inferenceId, route, subject, digest);
    }

    /// @inheritdoc IInferenceLedger
    function answerDigest(
        bytes32 inputCommitment,
        bytes32 outputCommitment,
        bytes32 paymentRef
    ) external pure returns (bytes32) {
        return CommitmentLib.answerDigest(inputCommitment, outputCommitment, paymentRef);
    }

    /// @inheritdoc IInferenceLedger
    function zkBinding(bytes32 inferenceId) external view returns (uint256) {
        return _zkBinding(inferenceId);
    }

    /// @inheritdoc IInferenceLedger
    function batchRoot(address enclave, uint32 round) external view returns (bytes32) {
        uint256 stored = _batches[enclave][round % BATCH_ROOT_SLOTS];
        return stored & BATCH_ROUND_MASK == round ? bytes32(stored & ~BATCH_ROUND_MASK) : bytes32(0);
    }

    /// @inheritdoc IInferenceLedger
    function lastBatchRound(address enclave) external view returns (uint32 round) {
        uint256[BATCH_ROOT_SLOTS] storage slots = _batches[enclave];
        for (uint256 i = 0; i < BATCH_ROOT_SLOTS; ++i) {
            // Safe: masked to 32 bits.
            uint32 slotRound = uint32(slots[i] & BATCH_ROUND_MASK);
            if (slotRound > round) round = slotRound;
        }
    }

    /// @inheritdoc IInferenceLedger
    function batchLeaf(uint32 round, bytes32 inferenceId, bytes32 digest) external view returns (bytes32) {
        return _batchLeaf(round, inferenceId, digest);
    }

    /// @inheritdoc IInferenceLedger
    function batchTypedDataHash(uint32 round, bytes32 root) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(BATCH_TYPEHASH, round, root)));
    }

    /// @inheritdoc IInferenceLedger
    function currentRound() external view returns (uint32) {
        return _round();
    }

    /// @inheritdoc IInferenceLedger
    function windows() external view returns (uint40 challengeWindow, uint40 settlementWindow, uint40 roundDuration) {
        return (CHALLENGE_WINDOW, SETTLEMENT_WINDOW, ROUND_DURATION);
    }

    /// @inheritdoc IInferenceLedger
    function modelRegistry() external view returns (address) {
        return address(REGISTRY);
    }

    /// @inheritdoc IInferenceLedger
    function attesterRegistry() external view returns (address) {
        return address(ATTESTERS);
    }

    /// @inheritdoc IInferenceLedger
    function verifierRouter() external view returns (address) {
        return address(ROUTER);
    }

    /// @inheritdoc IInferenceLedger
    function bondVault() external view returns (address) {
        return address(BONDS);
    }

    /// @inheritdoc IInferenceLedger
    function outcomeOf(
        bytes32 inferenceId
    ) external view returns (RecordState state, RejectionReason reason, address refuter) {
        (PackedRecord record, ) = _record(inferenceId);
        state = record.effectiveState(CHALLENGE_WINDOW, block.timestamp, _revokedAt(record));
        if (state == RecordState.Rejected) reason = RejectionReason(record.rejectionReason());
        refuter = _refuters[inferenceId];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev Records `answer_`, signed by `signer`, the active key of node `nodeId`: the one home of an answer's rules
    /// for {answer} and {answerMany}. Refuses the zero id, an id recorded before, a claim below Vanilla (or ZKML on a
    /// Proxy route), an id that is not the signer's, an invalid subject (read unless `checkSubject` is false: the
    /// caller read it for the same route and subject in this call), and an unbonded claim above Vanilla.
    function _recordAnswer(Answer calldata answer_, address signer, uint32 nodeId, bool checkSubject) private {
        bytes32 inferenceId = answer_.inferenceId;
        if (inferenceId == bytes32(0)) revert ZeroInferenceId();
        if (_digests[inferenceId] != bytes32(0)) revert AlreadyRecorded(inferenceId);
        Route route = answer_.route;
        VerificationLevel claimed = answer_.claimed;
        if (claimed == VerificationLevel.None || (route == Route.Proxy && claimed == VerificationLevel.ZKML)) {
            revert InvalidClaim(route, claimed);
        }
        // The id names its node, so nobody can record a node's answer first under their own key.
        if (address(bytes20(inferenceId)) != signer) revert InferenceIdOfAnotherNode(inferenceId, signer);
        if (checkSubject && !ATTESTERS.isValidSubject(route, answer_.subject)) {
            revert InvalidAnswerSubject(route, answer_.subject);
        }
        // A claim above Vanilla is bonded: the vault reverts unless the node locked bond for this id and payment.
        if (claimed != VerificationLevel.Vanilla) BONDS.checkLock(inferenceId, nodeId, answer_.paymentRef);

        bytes32 digest = CommitmentLib.answerDigest(
            answer_.inputCommitment,
            answer_.outputCommitment,
            answer_.paymentRef
        );
        _digests[inferenceId] = digest;
        _records[inferenceId][digest] = RecordLib.answered(answer_.subject, nodeId, TimeLib.now40(), route, claimed);

        emit Answered(
            inferenceId,
            nodeId,
            answer_.subject,
            route,
            claimed,
            answer_.inputCommitment,
            answer_.outputCommitment,
            answer_.paymentRef
        );
    }

    /// @dev The EIP-712 struct hash of `answer_`: its fields follow {ANSWER_TYPEHASH} in order.
    function _answerStructHash(Answer calldata answer_) private pure returns (bytes32) {
        return keccak256(abi.encode(ANSWER_TYPEHASH, answer_));
    }

    /// @dev The EIP-712 struct hash of an `AnswerBatch` whose answers have struct hashes `hashes`.
    function _answerBatchStructHash(bytes32[] memory hashes) private pure returns (bytes32) {
        return keccak256(abi.encode(ANSWER_BATCH_TYPEHASH, keccak256(abi.encodePacked(hashes))));
    }

    /// @dev The one way a record reaches TEE (single attestation or batch leaf): achieved becomes TEE, the record
    /// settles when it claimed no more than TEE, and {Attested} names the enclave and the batch root (0 for a single
    /// attestation). A record that claimed more stays unsettled, with no settlement time or round: the attestation
    /// is in {Attested}. The caller checked that the record is pending below TEE and that `enclave` is live and bound.
    function _raiseToTee(
        bytes32 inferenceId,
        bytes32 digest,
        PackedRecord record,
        address enclave,
        bytes32 root,
        uint32 round
    ) private {
        _checkArtifactNotRevoked(record, inferenceId);
        bool settled = record.claimed() <= VerificationLevel.TEE;
        _store(
            inferenceId,
            digest,
            settled
                ? record.withSettlement(VerificationLevel.TEE, RecordState.Settled, TimeLib.now40(), round)
                : record.withSettlement(VerificationLevel.TEE, RecordState.Answered, 0, 0)
        );
        emit Attested(inferenceId, VerificationLevel.TEE, enclave, root, round);
        if (settled) emit InferenceSettled(inferenceId, VerificationLevel.TEE, round);
    }

    /// @dev Reverts when `record` (of `inferenceId`) is a Local record whose artifact has been revoked: it can no
    /// longer be raised or settled, by any path.
    function _checkArtifactNotRevoked(PackedRecord record, bytes32 inferenceId) private view {
        if (record.route() != Route.Local) return;
        uint64 artifactId = record.subject();
        if (REGISTRY.revokedAt(artifactId) != 0) revert ArtifactRevokedWhilePending(inferenceId, artifactId);
    }

    /// @dev When `record`'s artifact was revoked, where it can matter to the Vanilla time rule: for a Local Vanilla
    /// claim whose window has passed (one registry read, on that path only); 0 otherwise, and when not revoked.
    function _revokedAt(PackedRecord record) private view returns (uint256) {
        if (record.route() != Route.Local || !record.isVanillaFinalByTime(CHALLENGE_WINDOW, block.timestamp)) return 0;
        return REGISTRY.revokedAt(record.subject());
    }

    /// @dev The record of `inferenceId` if it is `Answered` and inside its window; reverts otherwise.
    function _pending(bytes32 inferenceId) private view returns (PackedRecord record, bytes32 digest) {
        (record, digest) = _record(inferenceId);
        _checkPending(record, inferenceId);
    }

    /// @dev {_pending} for a caller holding the record's commitments: the record under their digest, in one read
    /// instead of two. Reverts with {CommitmentsMismatch} when the id's record has other commitments.
    function _pendingWith(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments
    ) private view returns (PackedRecord record, bytes32 digest) {
        digest = CommitmentLib.digest(commitments);
        record = _records[inferenceId][digest];
        // Nothing under these commitments: an unknown id, or a record with others (read only on this path).
        if (record.state() == RecordState.None && _digests[inferenceId] != bytes32(0)) {
            revert CommitmentsMismatch(inferenceId);
        }
        _checkPending(record, inferenceId);
    }

    /// @dev Reverts unless `record` (of `inferenceId`) is `Answered` and inside its window.
    function _checkPending(PackedRecord record, bytes32 inferenceId) private view {
        RecordState state = record.state();
        if (state == RecordState.None) revert UnknownInference(inferenceId);
        if (state != RecordState.Answered) revert NotPending(inferenceId, state);
        uint256 deadline = _deadline(record);
        if (block.timestamp > deadline) revert DeadlinePassed(inferenceId, deadline);
    }

    /// @dev {_pending}, and not yet at TEE: what raising to TEE, or refuting with an enclave, needs.
    function _pendingBelowTee(bytes32 inferenceId) private view returns (PackedRecord record, bytes32 digest) {
        (record, digest) = _pending(inferenceId);
        VerificationLevel achieved = record.achieved();
        if (achieved >= VerificationLevel.TEE) revert LevelNotRaised(inferenceId, achieved);
    }

    /// @dev Reverts unless `enclave` is live now (the attester registry decides) and bound to (`route`, `subject`).
    function _checkEnclave(address enclave, Route route, uint64 subject) private view {
        (bool live, Route boundRoute, uint64 boundSubject) = ATTESTERS.enclaveStatus(enclave);
        if (!live) revert EnclaveNotLive(enclave);
        if (boundRoute != route || boundSubject != subject) {
            revert EnclaveBindingMismatch(enclave, boundRoute, boundSubject);
        }
    }

    /// @dev Checks `evidence` against `record` (a Local record with answer digest `digest`, whose commitments it
    /// carries, whose input tree holds its input hash) and has the verifier router run the artifact's verifier.
    /// Returns the verifier and the proof's hash.
    function _checkZkProof(
        PackedRecord record,
        bytes32 digest,
        bytes32 inferenceId,
        ZkEvidence calldata evidence
    ) private view returns (address verifier, bytes32 proofHash) {
        _checkZkInput(record, digest, inferenceId, evidence.commitments, evidence.inputHash, evidence.input);
        bool valid;
        (verifier, valid) = ROUTER.verify(
            record.subject(),
            evidence.proof,
            evidence.inputHash,
            _zkBinding(inferenceId),
            evidence.outputs
        );
        if (!valid) revert InvalidZkProof(inferenceId, verifier);
        proofHash = keccak256(abi.encode(evidence.proof));
    }

    /// @dev Reverts unless a proof's input may stand for `record`'s: a Local record, `commitments` that are its own
    /// (hashing to `digest`), and an input tree holding `inputHash` in the part `input` names.
    function _checkZkInput(
        PackedRecord record,
        bytes32 digest,
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        uint256 inputHash,
        ZkInputPart calldata input
    ) private pure {
        if (record.route() != Route.Local) revert ZkNeedsLocalRoute(inferenceId);
        if (CommitmentLib.digest(commitments) != digest) revert CommitmentsMismatch(inferenceId);
        bytes32 inputLeaf = CommitmentLib.inputLeaf(
            input.index,
            input.kind,
            input.nameHash,
            keccak256(abi.encode(inputHash)),
            input.provenance
        );
        if (!MerkleProof.verifyCalldata(input.proof, commitments.input, inputLeaf)) {
            revert ZkInputNotCommitted(inferenceId);
        }
    }

    /// @dev Reverts unless `output`, a record's output commitment, is the one Data part of media type `mediaType`
    /// whose content is `outputs` as 32-byte words: a proof covers the whole output.
    function _checkZkOutput(
        bytes32 inferenceId,
        bytes32 output,
        bytes32 mediaType,
        uint256[] memory outputs
    ) private pure {
        bytes32 contentHash = keccak256(abi.encodePacked(outputs));
        if (CommitmentLib.outputLeaf(0, OutputKind.Data, mediaType, contentHash) != output) {
            revert ZkOutputNotCommitted(inferenceId);
        }
    }

    /// @dev The public signal that ties a proof to one record of this ledger on this chain.
    function _zkBinding(bytes32 inferenceId) private view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), inferenceId))) % FieldLib.SNARK_SCALAR_FIELD;
    }

    /// @dev The root the multiproof (`proof`, `proofFlags`) rebuilds from the leaves of `inferenceIds` with
    /// `answerDigests` in a batch of `round`.
    function _multiProofRoot(
        uint32 round,
        bytes32[] calldata inferenceIds,
        bytes32[] calldata answerDigests,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) private view returns (bytes32) {
        bytes32[] memory leaves = new bytes32[](inferenceIds.length);
        for (uint256 i = 0; i < inferenceIds.length; ++i) {
            leaves[i] = _batchLeaf(round, inferenceIds[i], answerDigests[i]);
        }
        return MerkleProof.processMultiProofCalldata(proof, proofFlags, leaves);
    }

    /// @dev A batch tree's leaf: `(address ledger, uint32 round, bytes32 inferenceId, bytes32 answerDigest)`,
    /// double-hashed like every `StandardMerkleTree` leaf.
    function _batchLeaf(uint32 round, bytes32 inferenceId, bytes32 digest) private view returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(address(this), round, inferenceId, digest))));
    }

    function _recoverAttester(
        bytes32 inferenceId,
        Route route,
        uint64 subject,
        bytes32 digest,
        bytes calldata signature
    ) private view returns (address) {
        return ECDSA.recover(_attestationTypedDataHash(inferenceId, route, subject, digest), signature);
    }

    function _attestationTypedDataHash(
        bytes32 inferenceId,
        Route route,
        uint64 subject,
        bytes32 digest
    ) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ATTESTATION_TYPEHASH, inferenceId, route, subject, digest)));
    }

    /// @dev The record of `inferenceId` and its answer digest: two storage reads. An unknown id reads empty.
    function _record(bytes32 inferenceId) private view returns (PackedRecord record, bytes32 digest) {
        digest = _digests[inferenceId];
        record = _records[inferenceId][digest];
    }

    function _store(bytes32 inferenceId, bytes32 digest, PackedRecord record) private {
        _records[inferenceId][digest] = record;
    }

    /// @dev Ends the call, returning the {RecordStatus} of `record` (answer digest `digest`), ABI-encoded: its state
    /// as {RecordLib.effectiveState} reads it, achieved level, route, subject, answer time and digest. Encoding the
    /// six static words by hand costs a fraction of the compiler's encoder (tests compare the answer with {getRecord}
    /// and {stateOf} in every state).
    function _returnStatus(PackedRecord record, bytes32 digest) private view {
        (uint256 state, uint256 achieved, uint256 route, uint256 subject, uint256 answeredAt) = record.statusWords();
        // A Vanilla claim past its window reads Settled, unless it is Local and its artifact was revoked while it
        // was pending: only then is the registry read. Every other record pays one comparison for it.
        if (record.isVanillaFinalByTime(CHALLENGE_WINDOW, block.timestamp)) {
            // Safe: the subject word was masked to 64 bits.
            uint256 revokedAt = route == uint8(Route.Local) ? REGISTRY.revokedAt(uint64(subject)) : 0;
            if (record.isVanillaFinal(CHALLENGE_WINDOW, block.timestamp, revokedAt)) state = uint8(RecordState.Settled);
        }
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), achieved)
            mstore(add(ptr, 0x40), route)
            mstore(add(ptr, 0x60), subject)
            mstore(add(ptr, 0x80), answeredAt)
            mstore(add(ptr, 0xa0), digest)
            return(ptr, 0xc0)
        }
    }

    /// @dev When the record's window closes: its challenge window (Vanilla claims) or settlement deadline (others).
    function _deadline(PackedRecord record) private view returns (uint256) {
        uint256 window = record.claimed() == VerificationLevel.Vanilla ? CHALLENGE_WINDOW : SETTLEMENT_WINDOW;
        return uint256(record.answeredAt()) + window;
    }

    function _round() private view returns (uint32) {
        return _roundAt(block.timestamp);
    }

    /// @dev The settlement round that contains `time` (at or after deployment).
    function _roundAt(uint256 time) private view returns (uint32) {
        // Safe: a uint32 of rounds lasts 136 years at one-second rounds.
        return uint32((time - GENESIS) / ROUND_DURATION) + 1;
    }
}
