// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {
    Answer,
    InferenceRecord,
    RecordState,
    RecordStatus,
    Route,
    VerificationLevel
} from "../types/InferenceTypes.sol";
import {ZkBatchEvidence, ZkEvidence} from "../types/SettlementTypes.sol";

/// @title IInferenceLedger
/// @notice One stored, de-duplicated record per inference, separating what was answered from what was proven.
/// @dev Life cycle:
/// The ledger holds records only. Who may sign (node keys, live enclaves) and what may be answered (valid artifacts
/// and providers) it asks the attester registry ({attesterRegistry}); whether a ZK proof holds it asks the verifier
/// router ({verifierRouter}). It has no admin and no restricted function.
///
/// - `answer`: a registered node's EIP-712 signature over the {Answer} records it as `Answered`, achieved Vanilla.
///   A claim above Vanilla must be bonded first: the bond vault ({bondVault}) holds a lock of the node's bond for the
///   inference, made for the answer's payment reference ({IBondVault.checkLock}).
/// - `settleTee`: a live enclave bound to the record's artifact or provider signs the record's content; achieved
///   becomes TEE. A record reaches `Settled` when achieved reaches claimed.
/// - A Vanilla claim settles when its challenge window passes unrefuted ({stateOf} reports it at once;
///   `finalize` writes it down).
/// - `settleZk`: a Groth16 proof, checked by the verifier the record's artifact is bound to, that the committed
///   weights on the committed input give the committed output; achieved becomes ZKML and the record is `Settled`.
/// - `commitBatch` + `settleFromBatch`: a live enclave signs one Merkle root over a round's attestations; anyone then
///   raises each record to TEE with its leaf's proof, or many at once with one multiproof (`settleManyFromBatch`).
/// - `refuteTee`, `refuteZk`: during the window, a live enclave's attestation, or a valid proof, of the same input and
///   subject with a different output rejects a weaker answer.
/// - `reject`: a TEE or ZKML claim that has not reached its level by its settlement deadline is `Rejected` by anyone.
/// - A Local record whose artifact is revoked before it settles never settles: every settlement path refuses it with
///   {ArtifactRevokedWhilePending}, a Vanilla claim's window no longer settles it, and `rejectRevoked` rejects it.
///
/// What a rejection means for the node's bond ({outcomeOf} tells the bond vault; the vault's rules are in
/// {IBondVault}): `DeadlineMissed` (it claimed more than it proved) and `Refuted` (a stronger proof showed another
/// output; the ledger remembers who submitted the refutation) let anyone slash the record's lock once;
/// `ArtifactRevoked` does not: a record that could not settle because its artifact was revoked while it was pending
/// did not overclaim, and `reject` itself records that reason for such a record after its deadline. Settled history
/// is never rewritten: revoking a measurement, disabling an enclave or revoking an artifact after a record settled
/// leaves it `Settled`, and its lock is released.
///
/// Warning: achieved levels say what was proven, never what was claimed. A TEE attestation proves that approved code
/// in an enclave produced the output; it does not prove the model is right, and on a Proxy route it proves only the
/// pipe to the named provider. The storage keeps two slots per record, the answer digest under the inference id and
/// the other fields under the id and the digest: the commitments live in the {Answered} event and in `answerDigest`,
/// and checks that need them take them back as arguments ({lookupByDigest} finds a record in one read that way).
interface IInferenceLedger {
    /// @notice Why a record was rejected.
    enum RejectionReason {
        DeadlineMissed,
        Refuted,
        ArtifactRevoked
    }

    /// @notice Node `nodeId` answered `inferenceId`. Carries everything needed to rebuild the record.
    event Answered(
        bytes32 indexed inferenceId,
        uint32 indexed nodeId,
        uint64 indexed subject,
        Route route,
        VerificationLevel claimed,
        bytes32 inputCommitment,
        bytes32 outputCommitment,
        bytes32 paymentRef
    );

    /// @notice `attester` proved `level` for `inferenceId` in `round`. For ZKML, `attester` is the verifier and
    /// `evidence` the proof's hash (`keccak256(abi.encode(proof))`). For TEE, `attester` is the enclave and `evidence`
    /// is the batch root it settled from, or 0 for a single attestation: an enclave's measurement is fixed at
    /// registration and read from {EnclaveRegistered}, not re-emitted.
    event Attested(
        bytes32 indexed inferenceId,
        VerificationLevel level,
        address indexed attester,
        bytes32 evidence,
        uint32 round
    );

    /// @notice `inferenceId` reached its claimed level `level` and is final.
    event InferenceSettled(bytes32 indexed inferenceId, VerificationLevel level, uint32 round);

    /// @notice `attester` attested another output for the same input and subject at `level`, refuting the answer.
    /// For TEE `otherOutput` is the other output commitment; for ZKML `attester` is the verifier and `otherOutput` the
    /// keccak256 of the proven output part's content.
    event Refuted(bytes32 indexed inferenceId, VerificationLevel level, address indexed attester, bytes32 otherOutput);

    /// @notice `enclave` committed `root` over its settlements of `round` (see {settleFromBatch}).
    event BatchCommitted(address indexed enclave, uint32 indexed round, bytes32 root);

    /// @notice `inferenceId` was rejected: it never satisfies any policy.
    event InferenceRejected(bytes32 indexed inferenceId, RejectionReason reason, VerificationLevel achieved);

    /// @notice The zero id is not an inference.
    error ZeroInferenceId();
    /// @notice `inferenceId` is already recorded.
    error AlreadyRecorded(bytes32 inferenceId);
    /// @notice No record has id `inferenceId`.
    error UnknownInference(bytes32 inferenceId);
    /// @notice `signer` is not an active node key.
    error NotActiveNode(address signer);
    /// @notice The first 20 bytes of `inferenceId` are not `signer`, the node key that signed the answer.
    error InferenceIdOfAnotherNode(bytes32 inferenceId, address signer);
    /// @notice A node must claim Vanilla or more, and ZKML only on a Local route.
    error InvalidClaim(Route route, VerificationLevel claimed);
    /// @notice The answer's subject is not valid for its route (an unknown or revoked artifact, an unknown provider).
    error InvalidAnswerSubject(Route route, uint64 subject);
    /// @notice The record is `state`, and the action needs an unsettled `Answered` record.
    error NotPending(bytes32 inferenceId, RecordState state);
    /// @notice The action needed to happen by `deadline`.
    error DeadlinePassed(bytes32 inferenceId, uint256 deadline);
    /// @notice The action can only happen after `deadline`.
    error DeadlineNotReached(bytes32 inferenceId, uint256 deadline);
    /// @notice The record already achieved `achieved`, which the action would not raise.
    error LevelNotRaised(bytes32 inferenceId, VerificationLevel achieved);
    /// @notice `enclave` cannot attest: unknown, disabled, revoked measurement, or stale heartbeat.
    error EnclaveNotLive(address enclave);
    /// @notice `enclave` is bound to another artifact or provider than the record.
    error EnclaveBindingMismatch(address enclave, Route route, uint64 subject);
    /// @notice The commitments given do not match the record's stored digest.
    error CommitmentsMismatch(bytes32 inferenceId);
    /// @notice A refutation must attest a different output.
    error SameOutput(bytes32 inferenceId);
    /// @notice A Vanilla claim settles by its window, not by `reject`, and a settled claim cannot be rejected.
    error NothingToReject(bytes32 inferenceId);
    /// @notice Only Local records (a registry artifact) can be proven in zero knowledge.
    error ZkNeedsLocalRoute(bytes32 inferenceId);
    /// @notice The proof's input hash is not an input part of the record.
    error ZkInputNotCommitted(bytes32 inferenceId);
    /// @notice The record's output is not one Data part of the proof's media type (settling: holding the proof's
    /// outputs; refuting: holding the content shown).
    error ZkOutputNotCommitted(bytes32 inferenceId);
    /// @notice `verifier` rejected the proof (or its public signals are not field elements).
    error InvalidZkProof(bytes32 inferenceId, address verifier);
    /// @notice A batch proof is about one artifact: `inferenceId` is about another than the batch's first record.
    error ZkBatchMixesArtifacts(bytes32 inferenceId);
    /// @notice The batch verifier `verifier` rejected the proof: no record of the batch settles.
    error InvalidZkBatchProof(address verifier);
    /// @notice A batch root cannot be zero.
    error ZeroBatchRoot();
    /// @notice A batch is committed in its own round: `round` is not the current round `current`.
    error BatchRoundNotCurrent(uint32 round, uint32 current);
    /// @notice `enclave` already committed a batch for `round`.
    error BatchAlreadyCommitted(address enclave, uint32 round);
    /// @notice `enclave` has no batch root in the slot of `round`.
    error UnknownBatch(address enclave, uint32 round);
    /// @notice The leaf of `inferenceId` (its round and answer digest) is not in `enclave`'s root for `round`.
    error NotInBatch(bytes32 inferenceId, address enclave, uint32 round);
    /// @notice The multiproof does not prove the listed records' leaves in `enclave`'s root for `round` (an id not in
    /// the batch, an unknown id, or a malformed proof).
    error BatchProofInvalid(address enclave, uint32 round);
    /// @notice {answerMany} needs at least one answer.
    error EmptyAnswerBatch();
    /// @notice A batch settlement must list at least one record, and one answer digest per record.
    error BatchSettlementMalformed();
    /// @notice The artifact `artifactId` of `inferenceId` was revoked while the record was pending: it can no longer
    /// settle, at any level, and anyone may reject it ({rejectRevoked}).
    error ArtifactRevokedWhilePending(bytes32 inferenceId, uint64 artifactId);
    /// @notice `inferenceId` is not a pending Local record whose artifact was revoked before it settled.
    error ArtifactNotRevoked(bytes32 inferenceId);
    /// @notice A constructor dependency (model registry, attester registry, verifier router or bond vault),
    /// `dependency`, has no code.
    error LedgerDependencyMissing(address dependency);
    /// @notice Every window and the round length must be at least one second.
    error LedgerWindowZero(uint40 challengeWindow, uint40 settlementWindow, uint40 roundDuration);

    /// @notice Records `answer`, signed under EIP-712 by an active node key. Anyone may submit it.
    /// @dev Refuses an id recorded before, an id whose first 20 bytes are not the signing node key, a revoked or
    /// unknown artifact, an unknown provider, and a claim below Vanilla (or ZKML on a Proxy route). The signature's
    /// domain binds chain id and this contract. Because the id names its node, every proof that names the id (an
    /// enclave's attestation, a batch leaf, a ZK proof's binding signal) names the node too: a node that copies
    /// another's answer from the mempool can record it only under an id of its own, which none of the original
    /// node's proofs, payments or history refer to.
    function answer(Answer calldata answer_, bytes calldata signature) external;

    /// @notice Records many answers of one node in one call, with one EIP-712 signature over all of them (type
    /// `AnswerBatch(Answer[] answers)`, see {answerBatchTypedDataHash}). Every answer is checked, stored, de-duplicated
    /// and evented exactly as {answer} does it; one that fails any check fails the call. Anyone may submit it.
    function answerMany(Answer[] calldata answers, bytes calldata signature) external;

    /// @notice Raises `inferenceId` to TEE with an enclave's EIP-712 `Attestation` over the record, signed by a live
    /// enclave (approved, unrevoked measurement; enabled; fresh heartbeat) bound to the record's artifact or provider.
    function settleTee(bytes32 inferenceId, bytes calldata signature) external;

    /// @notice Writes down that a Vanilla claim's challenge window passed unrefuted. Anyone may call. Refused with
    /// {ArtifactRevokedWhilePending} when the record's artifact was revoked before the window ended.
    function finalize(bytes32 inferenceId) external;

    /// @notice Rejects a TEE or ZKML claim that missed its settlement deadline. Anyone may call. The reason is
    /// `DeadlineMissed`, or `ArtifactRevoked` when the record's artifact was revoked by its deadline (it could not
    /// settle after that, so it did not overclaim).
    function reject(bytes32 inferenceId) external;

    /// @notice Rejects a pending Local record whose artifact was revoked before the record settled, with reason
    /// `ArtifactRevoked`: such a record never settles (no attestation, batch leaf, proof or window settles it), and
    /// this writes that down at once instead of at its deadline. Anyone may call.
    /// @dev Settled records keep their history: a Vanilla claim whose window ended before the revocation settled
    /// then, and is not rejected. The node did not overclaim; the artifact it ran was withdrawn under it. A TEE or
    /// ZKML claim whose deadline passed before the revocation missed it first: only `reject` rejects it, as
    /// `DeadlineMissed`, so a revocation after the fact cannot excuse an overclaim.
    function rejectRevoked(bytes32 inferenceId) external;

    /// @notice Refutes an unsettled answer with a live enclave's attestation (EIP-712 `Attestation`) of the same
    /// inference, input and subject with a different output. The record becomes `Rejected`.
    /// @param inputCommitment,outputCommitment,paymentRef The record's own commitments (checked against its digest).
    /// @param otherOutputCommitment The output the enclave attests.
    function refuteTee(
        bytes32 inferenceId,
        bytes32 inputCommitment,
        bytes32 outputCommitment,
        bytes32 paymentRef,
        bytes32 otherOutputCommitment,
        bytes calldata signature
    ) external;

    /// @notice Raises `inferenceId` to ZKML and settles it with a zero-knowledge proof, checked by the verifier its
    /// artifact is bound to, that the artifact's committed weights on the input committed by `evidence.inputHash`
    /// (an input part of the record) give `evidence.outputs`, which must be the record's whole output: one Data part
    /// at index 0 whose content is `abi.encodePacked(outputs)`. The proof's binding signal must be
    /// {zkBinding}`(inferenceId)`, so a proof made for another record, ledger or chain fails. Anyone may call.
    function settleZk(bytes32 inferenceId, ZkEvidence calldata evidence) external;

    /// @notice Refutes an unsettled answer with a valid proof that the record's artifact, on the record's input, gives
    /// outputs other than the record's. The record must have the shape {settleZk} accepts: its whole output is one
    /// Data part at index 0, of the proof's output media type, whose content is `recordedContent`; a record with
    /// several output parts can be neither settled nor refuted in zero knowledge. The record becomes `Rejected`.
    /// Anyone may call.
    function refuteZk(bytes32 inferenceId, ZkEvidence calldata evidence, bytes calldata recordedContent) external;

    /// @notice Settles every record of `evidence` at ZKML with one Groth16 proof, checked by the batch verifier their
    /// artifact is bound to for that many records ({IVerifierRouter.verifyBatch}). Each record is checked as
    /// {settleZk} checks one (pending, Local, its own commitments, its input hash in its input tree, its whole output
    /// the one Data part of its two output words, its own binding in the proof), all records must be about one
    /// artifact, not revoked, and a record may appear once: one wrong member and nothing settles. Anyone may call.
    function settleZkMany(ZkBatchEvidence calldata evidence) external;

    /// @notice Commits `root`, a Merkle tree of the current `round`'s TEE attestations, signed (EIP-712
    /// `SettlementBatch(uint32 round,bytes32 root)`) by a live enclave; one batch per enclave per round. Anyone may
    /// relay it. Leaves are `(address ledger, uint32 round, bytes32 inferenceId, bytes32 answerDigest)`
    /// `StandardMerkleTree` leaves (docs/HASHING.md). The root stays usable until the enclave commits a round
    /// {BATCH_ROOT_SLOTS} or more later.
    function commitBatch(uint32 round, bytes32 root, bytes calldata signature) external;

    /// @notice Raises `inferenceId` to TEE from `enclave`'s batch of `round`, with the Merkle `proof` of its leaf.
    /// The enclave must still be live and bound to the record's artifact or provider. Anyone may call.
    function settleFromBatch(address enclave, uint32 round, bytes32 inferenceId, bytes32[] calldata proof) external;

    /// @notice Raises many records to TEE from `enclave`'s batch of `round` in one call, with one OpenZeppelin
    /// multiproof (`StandardMerkleTree.getMultiProof`: `inferenceIds` and `answerDigests` as it lists the leaves,
    /// `proof`, `proofFlags`) that every listed leaf is in the committed root. Anyone may call. Returns how many records
    /// it settled or raised.
    /// @dev Per record, the same checks as {settleFromBatch}: the leaf names this ledger, the round, the record (and so
    /// its node) and its answer digest; the record must be on the enclave's route and subject
    /// ({EnclaveBindingMismatch} otherwise). The enclave's liveness is checked once per call: liveness is a fact about
    /// the enclave at a time, and every record of the call settles at the same time, exactly as each would through
    /// {settleFromBatch} in this block ({commitBatch} checked it when the root was committed). A record that is no
    /// longer pending below TEE (settled another way, rejected, past its deadline, or listed twice), or whose artifact
    /// was revoked, is skipped rather than failing the others: a front-runner cannot grief a whole batch by settling one
    /// of its records first. A leaf therefore raises its record at most once, by either path. The answer digests come
    /// in calldata, 32 bytes more per record than the ids alone, instead of one more cold storage read per record:
    /// a record is found only under its own digest, so a leaf whose attested digest is not its record's raises nothing.
    function settleManyFromBatch(
        address enclave,
        uint32 round,
        bytes32[] calldata inferenceIds,
        bytes32[] calldata answerDigests,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external returns (uint256 settled);

    /// @notice The stored record. Its `state` is as stored; see {stateOf} for Vanilla finality by time.
    function getRecord(bytes32 inferenceId) external view returns (InferenceRecord memory);

    /// @notice The record's state now: a Vanilla claim whose challenge window passed unrefuted is `Settled` here
    /// even before anyone calls {finalize}, unless it is a Local record whose artifact was revoked before its window
    /// ended (it then reads `Answered` and never settles). Only that case reads the model registry.
    function stateOf(bytes32 inferenceId) external view returns (RecordState);

    /// @notice What a consumer policy checks, in one call that never reverts: the state now (as {stateOf}), the
    /// achieved level, route, subject, answer time and answer digest. An unknown id reads state `None`.
    function inspect(bytes32 inferenceId) external view returns (RecordStatus memory status);

    /// @notice {inspect} for a caller that holds the answer's commitments: when `digest` is the record's answer
    /// digest ({answerDigest} of its commitments) the record is found with one storage read instead of two.
    /// Otherwise it answers exactly what {inspect} answers, whose `answerDigest` then differs from `digest` (or whose
    /// state is `None`). Never reverts.
    function lookupByDigest(bytes32 inferenceId, bytes32 digest) external view returns (RecordStatus memory status);

    /// @notice {settlementOf} for a payer holding the answer's commitments: where the record of `inferenceId` stands
    /// if its answer digest is `digest` (`keccak256(abi.encode(input, output, paymentRef))`), with the fields a payer
    /// matches against what it paid for (node, route, subject). State `None` and zeros when the record has another
    /// digest or does not exist. One storage read; never reverts. The escrow's release and refunds use it.
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
        );

    /// @notice Where the record stands in its settlement, as of now: its state (as {stateOf}), achieved level, and
    /// when it settled. The settlement time of a Vanilla claim is the first second after its challenge window,
    /// whether or not anyone called {finalize}; it is 0 while the record has not settled (and stays 0 if rejected).
    /// Unknown ids read `None`. Never reverts: readers such as an escrow use it instead of re-deriving any rule.
    function settlementOf(
        bytes32 inferenceId
    ) external view returns (RecordState state, VerificationLevel achieved, uint256 settledAt);

    /// @notice When the record's window closes: the challenge window for a Vanilla claim, the settlement deadline
    /// otherwise.
    function deadlineOf(bytes32 inferenceId) external view returns (uint256);

    /// @notice The EIP-712 digest a node signs for `answer_`.
    function answerTypedDataHash(Answer calldata answer_) external view returns (bytes32);

    /// @notice The EIP-712 digest a node signs to answer all of `answers` at once ({answerMany}).
    function answerBatchTypedDataHash(Answer[] calldata answers) external view returns (bytes32);

    /// @notice The EIP-712 digest an enclave signs to attest `inferenceId` with the given content digest.
    function attestationTypedDataHash(
        bytes32 inferenceId,
        Route route,
        uint64 subject,
        bytes32 answerDigest
    ) external view returns (bytes32);

    /// @notice `keccak256(abi.encode(inputCommitment, outputCommitment, paymentRef))`: what a record stores.
    function answerDigest(
        bytes32 inputCommitment,
        bytes32 outputCommitment,
        bytes32 paymentRef
    ) external pure returns (bytes32);

    /// @notice The public signal that binds a ZK proof to `inferenceId` on this ledger and chain:
    /// `uint256(keccak256(abi.encode(chainId, ledger, inferenceId))) % r`, r the BN254 scalar field modulus.
    function zkBinding(bytes32 inferenceId) external view returns (uint256);

    /// @notice The batch root `enclave` keeps in the slot of `round` (it may belong to a round
    /// {BATCH_ROOT_SLOTS} apart; 0 when none).
    function batchRoot(address enclave, uint32 round) external view returns (bytes32);

    /// @notice The leaf of `inferenceId`, with answer digest `answerDigest`, in a batch tree of `round`.
    function batchLeaf(uint32 round, bytes32 inferenceId, bytes32 answerDigest) external view returns (bytes32);

    /// @notice The EIP-712 digest an enclave signs to commit `root` for `round`.
    function batchTypedDataHash(uint32 round, bytes32 root) external view returns (bytes32);

    /// @notice How many batch roots each enclave keeps (see {commitBatch}).
    function BATCH_ROOT_SLOTS() external view returns (uint32);

    /// @notice The settlement round at the current time: rounds are numbered from 1 at deployment.
    function currentRound() external view returns (uint32);

    /// @notice The windows and round length, in seconds.
    function windows() external view returns (uint40 challengeWindow, uint40 settlementWindow, uint40 roundDuration);

    /// @notice The model registry artifacts are checked against.
    function modelRegistry() external view returns (address);

    /// @notice The attester registry that decides which nodes may answer, which enclaves are live and which
    /// subjects are valid.
    function attesterRegistry() external view returns (address);

    /// @notice The verifier router that checks ZK proofs.
    function verifierRouter() external view returns (address);

    /// @notice The bond vault whose locks back claims above Vanilla.
    function bondVault() external view returns (address);

    /// @notice How the record ended, for the bond vault: its state now (as {stateOf}; `None` for an unknown id), why
    /// it was rejected (meaningful only when `Rejected`), and who submitted the refutation that rejected it (zero
    /// unless `Refuted`). Never reverts.
    function outcomeOf(
        bytes32 inferenceId
    ) external view returns (RecordState state, RejectionReason reason, address refuter);

    /// @notice The newest round `enclave` committed a settlement batch for (0 before any).
    function lastBatchRound(address enclave) external view returns (uint32);
}
