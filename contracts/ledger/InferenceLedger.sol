// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {CommitmentLib} from "../libraries/CommitmentLib.sol";
import {FieldLib} from "../libraries/FieldLib.sol";
import {AttesterRegistry} from "../verification/AttesterRegistry.sol";
import {VerifierRouter} from "../verification/VerifierRouter.sol";
import {OutputKind, OutputPart} from "../types/CommitmentTypes.sol";
import {
    Answer,
    InferenceRecord,
    RecordState,
    RecordStatus,
    Route,
    VerificationLevel
} from "../types/InferenceTypes.sol";
import {ZkEvidence} from "../types/SettlementTypes.sol";

/// @title InferenceLedger
/// @notice Stored, de-duplicated inference records with asynchronous TEE and ZKML settlement, batch settlement from
/// enclave-signed Merkle roots, and challenges. See {IInferenceLedger}.
contract InferenceLedger is IInferenceLedger, AttesterRegistry, VerifierRouter {
    /// @dev The EIP-712 type a node signs. Field order matches {Answer}, so `abi.encode(ANSWER_TYPEHASH, answer)`
    /// is its struct hash preimage.
    bytes32 public constant ANSWER_TYPEHASH = keccak256(
        "Answer(bytes32 inferenceId,uint8 route,uint64 subject,uint8 claimed,bytes32 inputCommitment,"
        "bytes32 outputCommitment,bytes32 paymentRef)"
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

    IModelRegistry private immutable REGISTRY;
    uint40 private immutable CHALLENGE_WINDOW;
    uint40 private immutable SETTLEMENT_WINDOW;
    uint40 private immutable ROUND_DURATION;
    uint40 private immutable GENESIS;

    /// @dev A record's stored fields: one slot, packed as in {InferenceRecord} without its answer digest.
    struct StoredRecord {
        uint64 subject;
        uint32 nodeId;
        uint40 answeredAt;
        uint40 settledAt;
        uint32 round;
        Route route;
        VerificationLevel claimed;
        VerificationLevel achieved;
        RecordState state;
    }

    /// @dev The answer digest of each recorded inference, written once by {answer}; zero for an unknown id.
    mapping(bytes32 inferenceId => bytes32 answerDigest) private _digests;
    /// @dev Each record's slot, stored under its inference id and answer digest. A caller that holds the commitments
    /// (a consumer, {lookupByDigest}) finds the record, and proves the commitments are its own, with one storage read.
    mapping(bytes32 inferenceId => mapping(bytes32 answerDigest => StoredRecord record)) private _records;
    mapping(address enclave => bytes32[BATCH_ROOT_SLOTS] roots) private _batchRoots;

    /// @param authority The project's AccessManager.
    /// @param registry The model registry artifacts are checked against.
    /// @param challengeWindow Seconds during which a Vanilla claim can be refuted before it settles.
    /// @param settlementWindow Seconds a TEE or ZKML claim has to reach its level before it can be rejected.
    /// @param roundDuration Seconds per settlement round.
    /// @param heartbeatTtl Seconds a heartbeat keeps an enclave live.
    constructor(
        address authority,
        IModelRegistry registry,
        uint40 challengeWindow,
        uint40 settlementWindow,
        uint40 roundDuration,
        uint40 heartbeatTtl
    ) AccessManaged(authority) EIP712("Proofline InferenceLedger", "1") AttesterRegistry(heartbeatTtl) {
        REGISTRY = registry;
        CHALLENGE_WINDOW = challengeWindow;
        SETTLEMENT_WINDOW = settlementWindow;
        ROUND_DURATION = roundDuration;
        // Safe until the year 36812.
        GENESIS = uint40(block.timestamp);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Answer
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceLedger
    function answer(Answer calldata answer_, bytes calldata signature) external {
        bytes32 inferenceId = answer_.inferenceId;
        if (inferenceId == bytes32(0)) revert ZeroInferenceId();
        if (_digests[inferenceId] != bytes32(0)) revert AlreadyRecorded(inferenceId);
        Route route = answer_.route;
        VerificationLevel claimed = answer_.claimed;
        if (claimed == VerificationLevel.None || (route == Route.Proxy && claimed == VerificationLevel.ZKML)) {
            revert InvalidClaim(route, claimed);
        }
        address signer = ECDSA.recover(_hashTypedDataV4(keccak256(abi.encode(ANSWER_TYPEHASH, answer_))), signature);
        uint32 nodeId = _activeNodeId(signer);
        if (nodeId == 0) revert NotActiveNode(signer);
        _checkSubject(route, answer_.subject);

        bytes32 digest = CommitmentLib.answerDigest(
            answer_.inputCommitment,
            answer_.outputCommitment,
            answer_.paymentRef
        );
        _digests[inferenceId] = digest;
        _records[inferenceId][digest] = StoredRecord({
            subject: answer_.subject,
            nodeId: nodeId,
            // Safe until the year 36812.
            answeredAt: uint40(block.timestamp),
            settledAt: 0,
            round: 0,
            route: route,
            claimed: claimed,
            achieved: VerificationLevel.Vanilla,
            state: RecordState.Answered
        });

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

    // ---------------------------------------------------------------------------------------------------------------
    // Settlement
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceLedger
    function settleTee(bytes32 inferenceId, bytes calldata signature) external {
        (StoredRecord storage record, bytes32 digest) = _record(inferenceId);
        _checkPending(record, inferenceId);
        if (record.achieved >= VerificationLevel.TEE) revert LevelNotRaised(inferenceId, record.achieved);
        Route route = record.route;
        uint64 subject = record.subject;
        address enclave = _recoverAttester(inferenceId, route, subject, digest, signature);
        _checkEnclave(enclave, route, subject);

        uint32 round = _round();
        bool settled = record.claimed <= VerificationLevel.TEE;
        record.achieved = VerificationLevel.TEE;
        // Safe until the year 36812.
        record.settledAt = uint40(block.timestamp);
        record.round = round;
        if (settled) record.state = RecordState.Settled;

        emit Attested(inferenceId, VerificationLevel.TEE, enclave, bytes32(0), round);
        if (settled) emit InferenceSettled(inferenceId, VerificationLevel.TEE, round);
    }

    /// @inheritdoc IInferenceLedger
    function finalize(bytes32 inferenceId) external {
        (StoredRecord storage record, ) = _record(inferenceId);
        if (record.state == RecordState.None) revert UnknownInference(inferenceId);
        if (record.state != RecordState.Answered || record.claimed != VerificationLevel.Vanilla) {
            revert NotPending(inferenceId, record.state);
        }
        uint256 deadline = _deadline(record.claimed, record.answeredAt);
        if (block.timestamp <= deadline) revert DeadlineNotReached(inferenceId, deadline);

        uint32 round = _round();
        record.state = RecordState.Settled;
        // Safe until the year 36812.
        record.settledAt = uint40(block.timestamp);
        record.round = round;
        emit InferenceSettled(inferenceId, VerificationLevel.Vanilla, round);
    }

    /// @inheritdoc IInferenceLedger
    function reject(bytes32 inferenceId) external {
        (StoredRecord storage record, ) = _record(inferenceId);
        if (record.state == RecordState.None) revert UnknownInference(inferenceId);
        if (record.state != RecordState.Answered || record.claimed == VerificationLevel.Vanilla) {
            revert NothingToReject(inferenceId);
        }
        uint256 deadline = _deadline(record.claimed, record.answeredAt);
        if (block.timestamp <= deadline) revert DeadlineNotReached(inferenceId, deadline);

        record.state = RecordState.Rejected;
        emit InferenceRejected(inferenceId, RejectionReason.DeadlineMissed, record.achieved);
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
        (StoredRecord storage record, bytes32 digest) = _record(inferenceId);
        _checkPending(record, inferenceId);
        if (record.achieved >= VerificationLevel.TEE) revert LevelNotRaised(inferenceId, record.achieved);
        if (CommitmentLib.answerDigest(inputCommitment, outputCommitment, paymentRef) != digest) {
            revert CommitmentsMismatch(inferenceId);
        }
        if (otherOutputCommitment == outputCommitment) revert SameOutput(inferenceId);
        Route route = record.route;
        uint64 subject = record.subject;
        bytes32 otherDigest = CommitmentLib.answerDigest(inputCommitment, otherOutputCommitment, paymentRef);
        address enclave = _recoverAttester(inferenceId, route, subject, otherDigest, signature);
        _checkEnclave(enclave, route, subject);

        VerificationLevel achieved = record.achieved;
        record.state = RecordState.Rejected;
        emit Refuted(inferenceId, VerificationLevel.TEE, enclave, otherOutputCommitment);
        emit InferenceRejected(inferenceId, RejectionReason.Refuted, achieved);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ZKML
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceLedger
    function settleZk(bytes32 inferenceId, ZkEvidence calldata evidence) external {
        (StoredRecord storage record, bytes32 digest) = _record(inferenceId);
        _checkPending(record, inferenceId);
        bytes32 contentHash = keccak256(abi.encodePacked(evidence.outputs));
        // The proof covers the whole output: the output tree must be the one Data part that carries the outputs.
        if (
            CommitmentLib.outputLeaf(0, OutputKind.Data, evidence.outputMediaType, contentHash) !=
            evidence.commitments.output
        ) revert ZkOutputNotCommitted(inferenceId);
        (address verifier, bytes32 proofHash) = _checkZkProof(record, digest, inferenceId, evidence);

        uint32 round = _round();
        record.achieved = VerificationLevel.ZKML;
        // Safe until the year 36812.
        record.settledAt = uint40(block.timestamp);
        record.round = round;
        record.state = RecordState.Settled;

        emit Attested(inferenceId, VerificationLevel.ZKML, verifier, proofHash, round);
        emit InferenceSettled(inferenceId, VerificationLevel.ZKML, round);
    }

    /// @inheritdoc IInferenceLedger
    function refuteZk(
        bytes32 inferenceId,
        ZkEvidence calldata evidence,
        OutputPart calldata recorded,
        bytes32[] calldata recordedProof
    ) external {
        (StoredRecord storage record, bytes32 digest) = _record(inferenceId);
        _checkPending(record, inferenceId);
        if (
            recorded.kind != OutputKind.Data ||
            keccak256(bytes(recorded.mediaType)) != evidence.outputMediaType ||
            !CommitmentLib.verifyOutputPart(evidence.commitments.output, recorded, recordedProof)
        ) revert ZkOutputNotCommitted(inferenceId);
        bytes32 proven = keccak256(abi.encodePacked(evidence.outputs));
        if (keccak256(recorded.content) == proven) revert SameOutput(inferenceId);
        (address verifier, ) = _checkZkProof(record, digest, inferenceId, evidence);

        VerificationLevel achieved = record.achieved;
        record.state = RecordState.Rejected;
        emit Refuted(inferenceId, VerificationLevel.ZKML, verifier, proven);
        emit InferenceRejected(inferenceId, RejectionReason.Refuted, achieved);
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
        Enclave storage attester = _enclave(enclave);
        _checkLive(attester, enclave);
        if (attester.lastBatchRound == round) revert BatchAlreadyCommitted(enclave, round);

        attester.lastBatchRound = round;
        _batchRoots[enclave][round % BATCH_ROOT_SLOTS] = root;
        emit BatchCommitted(enclave, round, root);
    }

    /// @inheritdoc IInferenceLedger
    function settleFromBatch(address enclave, uint32 round, bytes32 inferenceId, bytes32[] calldata proof) external {
        (StoredRecord storage record, bytes32 digest) = _record(inferenceId);
        _checkPending(record, inferenceId);
        if (record.achieved >= VerificationLevel.TEE) revert LevelNotRaised(inferenceId, record.achieved);
        bytes32 root = _batchRoots[enclave][round % BATCH_ROOT_SLOTS];
        if (root == bytes32(0)) revert UnknownBatch(enclave, round);
        if (!MerkleProof.verifyCalldata(proof, root, _batchLeaf(round, inferenceId, digest))) {
            revert NotInBatch(inferenceId, enclave, round);
        }
        _checkEnclave(enclave, record.route, record.subject);

        bool settled = record.claimed <= VerificationLevel.TEE;
        record.achieved = VerificationLevel.TEE;
        // Safe until the year 36812.
        record.settledAt = uint40(block.timestamp);
        record.round = round;
        if (settled) record.state = RecordState.Settled;

        emit Attested(inferenceId, VerificationLevel.TEE, enclave, root, round);
        if (settled) emit InferenceSettled(inferenceId, VerificationLevel.TEE, round);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceLedger
    function getRecord(bytes32 inferenceId) external view returns (InferenceRecord memory record) {
        (StoredRecord storage stored, bytes32 digest) = _record(inferenceId);
        StoredRecord memory fields = stored;
        if (fields.state == RecordState.None) revert UnknownInference(inferenceId);
        record = InferenceRecord({
            subject: fields.subject,
            nodeId: fields.nodeId,
            answeredAt: fields.answeredAt,
            settledAt: fields.settledAt,
            round: fields.round,
            route: fields.route,
            claimed: fields.claimed,
            achieved: fields.achieved,
            state: fields.state,
            answerDigest: digest
        });
    }

    /// @inheritdoc IInferenceLedger
    function stateOf(bytes32 inferenceId) external view returns (RecordState) {
        (StoredRecord storage record, ) = _record(inferenceId);
        return _effectiveState(record.state, record.claimed, record.answeredAt);
    }

    /// @inheritdoc IInferenceLedger
    function inspect(bytes32 inferenceId) external view returns (RecordStatus memory status) {
        status; // written by _returnStatus, which ends the call
        (StoredRecord storage record, bytes32 digest) = _record(inferenceId);
        _returnStatus(_word(record), digest);
    }

    /// @inheritdoc IInferenceLedger
    /// @dev Named so its selector (0x03d90e9e) is the ledger's lowest: the dispatcher compares selectors in
    /// ascending order, so consumer checks reach it first (a test keeps it lowest).
    function lookupByDigest(bytes32 inferenceId, bytes32 digest) external view returns (RecordStatus memory status) {
        status; // written by _returnStatus, which ends the call
        uint256 word = _word(_records[inferenceId][digest]);
        // Not the record's digest, or no record: answer what {inspect} answers, so the caller sees which.
        if (word == 0) {
            StoredRecord storage record;
            (record, digest) = _record(inferenceId);
            word = _word(record);
        }
        _returnStatus(word, digest);
    }

    /// @inheritdoc IInferenceLedger
    function deadlineOf(bytes32 inferenceId) external view returns (uint256) {
        (StoredRecord storage record, ) = _record(inferenceId);
        if (record.state == RecordState.None) revert UnknownInference(inferenceId);
        return _deadline(record.claimed, record.answeredAt);
    }

    /// @inheritdoc IInferenceLedger
    function answerTypedDataHash(Answer calldata answer_) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ANSWER_TYPEHASH, answer_)));
    }

    /// @inheritdoc IInferenceLedger
    function attestationTypedDataHash(
        bytes32 inferenceId,
        Route route,
        uint64 subject,
        bytes32 digest
    ) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ATTESTATION_TYPEHASH, inferenceId, route, subject, digest)));
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
        return _batchRoots[enclave][round % BATCH_ROOT_SLOTS];
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

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev Local subjects are artifacts that exist and are not revoked; Proxy subjects are registered providers.
    function _checkSubject(Route route, uint64 subject) internal view override {
        if (route == Route.Local) {
            if (!REGISTRY.isValidArtifact(subject)) revert InvalidArtifact(subject);
        } else {
            _checkProvider(subject);
        }
    }

    /// @dev Reverts unless the record is `Answered` and inside its window.
    function _checkPending(StoredRecord storage record, bytes32 inferenceId) private view {
        RecordState state = record.state;
        if (state == RecordState.None) revert UnknownInference(inferenceId);
        if (state != RecordState.Answered) revert NotPending(inferenceId, state);
        uint256 deadline = _deadline(record.claimed, record.answeredAt);
        if (block.timestamp > deadline) revert DeadlinePassed(inferenceId, deadline);
    }

    /// @dev Reverts unless `enclave` is live now and bound to (`route`, `subject`).
    function _checkEnclave(address enclave, Route route, uint64 subject) private view {
        Enclave storage attester = _enclave(enclave);
        _checkLive(attester, enclave);
        if (attester.route != route || attester.subject != subject) {
            revert EnclaveBindingMismatch(enclave, attester.route, attester.subject);
        }
    }

    /// @dev Reverts unless `attester` (the record of `enclave`) is registered, enabled, heard from within the
    /// heartbeat TTL, and runs an approved, unrevoked measurement.
    function _checkLive(Enclave storage attester, address enclave) private view {
        if (
            !attester.registered ||
            attester.disabledAt != 0 ||
            !_heartbeatFresh(attester.lastHeartbeat) ||
            !_measurementIdApproved(attester.measurementId)
        ) revert EnclaveNotLive(enclave);
    }

    /// @dev Checks `evidence` against `record` (a Local record with answer digest `digest`, whose commitments it
    /// carries, whose input tree holds its input hash) and runs the artifact's verifier. Returns the verifier and the
    /// proof's hash.
    function _checkZkProof(
        StoredRecord storage record,
        bytes32 digest,
        bytes32 inferenceId,
        ZkEvidence calldata evidence
    ) private view returns (address verifier, bytes32 proofHash) {
        if (record.route != Route.Local) revert ZkNeedsLocalRoute(inferenceId);
        if (CommitmentLib.digest(evidence.commitments) != digest) revert CommitmentsMismatch(inferenceId);
        uint256 inputHash = evidence.inputHash;
        bytes32 inputLeaf = CommitmentLib.inputLeaf(
            evidence.input.index,
            evidence.input.kind,
            evidence.input.nameHash,
            keccak256(abi.encode(inputHash)),
            evidence.input.provenance
        );
        if (!MerkleProof.verifyCalldata(evidence.input.proof, evidence.commitments.input, inputLeaf)) {
            revert ZkInputNotCommitted(inferenceId);
        }
        bool valid;
        (verifier, valid) = _verifyZk(
            record.subject,
            evidence.proof,
            inputHash,
            _zkBinding(inferenceId),
            evidence.outputs
        );
        if (!valid) revert InvalidZkProof(inferenceId, verifier);
        proofHash = keccak256(abi.encode(evidence.proof));
    }

    /// @dev The public signal that ties a proof to one record of this ledger on this chain.
    function _zkBinding(bytes32 inferenceId) private view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), inferenceId))) % FieldLib.SNARK_SCALAR_FIELD;
    }

    /// @dev A batch tree's leaf: `(address ledger, uint32 round, bytes32 inferenceId, bytes32 answerDigest)`,
    /// double-hashed like every `StandardMerkleTree` leaf.
    function _batchLeaf(uint32 round, bytes32 inferenceId, bytes32 digest) private view returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(address(this), round, inferenceId, digest))));
    }

    function _modelRegistry() internal view override returns (IModelRegistry) {
        return REGISTRY;
    }

    function _recoverAttester(
        bytes32 inferenceId,
        Route route,
        uint64 subject,
        bytes32 digest,
        bytes calldata signature
    ) private view returns (address) {
        bytes32 structHash = keccak256(abi.encode(ATTESTATION_TYPEHASH, inferenceId, route, subject, digest));
        return ECDSA.recover(_hashTypedDataV4(structHash), signature);
    }

    /// @dev The record of `inferenceId` and its answer digest: two storage reads. An unknown id reads state `None`.
    function _record(bytes32 inferenceId) private view returns (StoredRecord storage record, bytes32 digest) {
        digest = _digests[inferenceId];
        record = _records[inferenceId][digest];
    }

    /// @dev A record's slot as one word: zero exactly when there is no record (a stored state is never `None`).
    function _word(StoredRecord storage record) private view returns (uint256 word) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(record.slot)
        }
    }

    /// @dev Ends the call, returning the {RecordStatus} of the record whose slot is `word` and whose answer digest is
    /// `digest`, ABI-encoded. `word` is unpacked as {StoredRecord} packs it: subject from bit 0, answeredAt from bit
    /// 96, route 208, claimed 216, achieved 224, state 232 (tests compare the answer with {getRecord} in every
    /// state). Encoding by hand costs ~100 gas where the compiler's encoder of the same six words costs ~1,300.
    function _returnStatus(uint256 word, bytes32 digest) private view {
        uint256 challengeWindow = CHALLENGE_WINDOW;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let state := and(shr(232, word), 0xff)
            let answeredAt := and(shr(96, word), 0xffffffffff)
            // As {_effectiveState}: an Answered (1) Vanilla (1) claim past its challenge window reads Settled (2).
            if and(
                and(eq(state, 1), eq(and(shr(216, word), 0xff), 1)),
                gt(timestamp(), add(answeredAt, challengeWindow))
            ) {
                state := 2
            }
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), and(shr(224, word), 0xff))
            mstore(add(ptr, 0x40), and(shr(208, word), 0xff))
            mstore(add(ptr, 0x60), and(word, 0xffffffffffffffff))
            mstore(add(ptr, 0x80), answeredAt)
            mstore(add(ptr, 0xa0), digest)
            return(ptr, 0xc0)
        }
    }

    /// @dev The stored state, except that a Vanilla claim whose challenge window passed unrefuted is `Settled`.
    function _effectiveState(
        RecordState state,
        VerificationLevel claimed,
        uint40 answeredAt
    ) private view returns (RecordState) {
        if (
            state == RecordState.Answered &&
            claimed == VerificationLevel.Vanilla &&
            block.timestamp > _deadline(claimed, answeredAt)
        ) return RecordState.Settled;
        return state;
    }

    function _deadline(VerificationLevel claimed, uint40 answeredAt) private view returns (uint256) {
        uint256 window = claimed == VerificationLevel.Vanilla ? CHALLENGE_WINDOW : SETTLEMENT_WINDOW;
        return uint256(answeredAt) + window;
    }

    function _round() private view returns (uint32) {
        // A uint32 of rounds lasts 136 years at one-second rounds.
        return uint32((block.timestamp - GENESIS) / ROUND_DURATION) + 1;
    }
}
