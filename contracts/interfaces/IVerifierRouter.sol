// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IVerifierRouter
/// @notice Which zero-knowledge verifier proves each model artifact's inferences (the pattern of RISC Zero's verifier
/// router and SP1's gateway): a trust admin adds verifiers after a delay, an artifact's publisher binds the artifact
/// to one verifier once, and a guardian can freeze a verifier at once, after which nothing settles through it and no
/// artifact binds to it.
/// @dev A verifier is a Groth16 verifier exported by snarkjs for a circuit that follows the Proofline ZKML
/// public-signal layout (docs/HASHING.md): `[modelCommitment, inputHash, binding, outputs...]`. Adding it records how
/// many output signals it has, which fixes its `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[n])`
/// selector. Binding caches the artifact's ZK commitment from the model registry (immutable there) so settlement
/// does not call the registry.
///
/// Batch verifiers prove `size` records of one artifact with one proof, in the Proofline batch layout
/// `[modelCommitment, inputHash[size], binding[size], packedOutput[size]]` (two output words per record, packed as
/// `first * 2^16 + second`). A trust admin adds them as single ones are added; an artifact's publisher binds one per
/// size once its artifact is bound to a single-record verifier (whose weights commitment the batch proofs share).
interface IVerifierRouter {
    /// @notice Life cycle of a verifier. Frozen is final: a frozen verifier is never used again.
    enum VerifierStatus {
        None,
        Active,
        Frozen
    }

    /// @notice A verifier the router knows.
    /// @param status Active or Frozen (None when unknown).
    /// @param outputs How many output signals its circuit has (1 to 8).
    /// @param selector Its `verifyProof` selector for `3 + outputs` public signals.
    /// @param addedAt When it was added.
    /// @param frozenAt When a guardian froze it (0 while active).
    /// @param batchSize How many records one of its proofs settles (0: a single-record verifier).
    struct Verifier {
        VerifierStatus status;
        uint8 outputs;
        bytes4 selector;
        uint40 addedAt;
        uint40 frozenAt;
        uint8 batchSize;
    }

    /// @notice `verifier` may now be bound to artifacts; its circuit has `outputs` output signals.
    event VerifierAdded(address indexed verifier, uint8 outputs);
    /// @notice A guardian (`by`) froze `verifier`: nothing settles through it any more.
    event VerifierFrozen(address indexed verifier, address indexed by);
    /// @notice `artifactId`'s inferences are now proven by `verifier`, against the weights commitment `modelCommitment`.
    event ArtifactBound(uint64 indexed artifactId, address indexed verifier, uint256 modelCommitment);
    /// @notice `verifier` may now be bound to artifacts as their batch verifier for `size` records per proof.
    event BatchVerifierAdded(address indexed verifier, uint8 size);
    /// @notice `size` of `artifactId`'s inferences at a time can now be proven by `verifier` with one proof.
    event BatchVerifierBound(uint64 indexed artifactId, uint8 size, address indexed verifier);

    /// @notice `verifier` has no code.
    error VerifierNotContract(address verifier);
    /// @notice A verifier's circuit has 1 to `max` output signals.
    error InvalidOutputCount(uint8 outputs, uint8 max);
    /// @notice `verifier` was already added (or frozen).
    error VerifierAlreadyAdded(address verifier);
    /// @notice `verifier` is unknown to the router.
    error UnknownVerifier(address verifier);
    /// @notice `verifier` is frozen.
    error VerifierIsFrozen(address verifier);
    /// @notice Only the publisher of `artifactId`'s model may bind it.
    error NotArtifactPublisher(uint64 artifactId, address caller);
    /// @notice `artifactId` is not valid in the model registry (unknown or revoked).
    error ArtifactNotBindable(uint64 artifactId);
    /// @notice `artifactId` has no ZK commitment in the model registry, so no proof can bind to its weights.
    error NoZkCommitment(uint64 artifactId);
    /// @notice `artifactId` is bound already, to `verifier`: bindings never change.
    error ArtifactAlreadyBound(uint64 artifactId, address verifier);
    /// @notice `artifactId` is not bound to any verifier.
    error ArtifactNotBound(uint64 artifactId);
    /// @notice A proof must carry exactly the verifier's `expected` output signals.
    error ZkOutputCountMismatch(uint256 expected, uint256 given);
    /// @notice A batch verifier proves 2 to `max` records per proof.
    error InvalidBatchSize(uint8 size, uint8 max);
    /// @notice `verifier` is a batch verifier where a single-record one is needed, or the other way round.
    error VerifierKindMismatch(address verifier);
    /// @notice `artifactId` already has a batch verifier for `size` records, `verifier`: bindings never change.
    error BatchVerifierAlreadyBound(uint64 artifactId, uint8 size, address verifier);
    /// @notice `artifactId` has no batch verifier for `size` records.
    error NoBatchVerifier(uint64 artifactId, uint256 size);
    /// @notice A batch proof's signal lists must have one entry per record each.
    error ZkBatchMalformed();
    /// @notice The model registry given at construction, `registry`, has no code.
    error VerifierRouterNeedsModelRegistry(address registry);

    /// @notice Adds `verifier`, whose circuit has `outputs` output signals. TRUST_ADMIN, with an execution delay.
    function addVerifier(address verifier, uint8 outputs) external;

    /// @notice Adds `verifier`, a batch verifier whose proofs settle `size` records (see the batch layout above).
    /// TRUST_ADMIN, with an execution delay.
    function addBatchVerifier(address verifier, uint8 size) external;

    /// @notice Freezes `verifier` at once and for good. GUARDIAN, immediate.
    function freezeVerifier(address verifier) external;

    /// @notice Binds `artifactId` to the active `verifier`, once. Only the artifact's model publisher; the artifact
    /// must be valid and carry a ZK commitment.
    function bindArtifact(uint64 artifactId, address verifier) external;

    /// @notice Binds `artifactId` to the active batch `verifier` for its size, once per size. Only the artifact's model
    /// publisher; the artifact must be bound to a single-record verifier already (the weights commitment it cached is
    /// the one every batch proof must match).
    function bindBatchVerifier(uint64 artifactId, address verifier) external;

    /// @notice The verifier `verifier` (status None when unknown).
    function getVerifier(address verifier) external view returns (Verifier memory);

    /// @notice The verifier `artifactId` is bound to and the weights commitment proofs must match (0s when unbound).
    function bindingOf(uint64 artifactId) external view returns (address verifier, uint256 modelCommitment);

    /// @notice Runs `artifactId`'s verifier on `proof` with the public signals `[modelCommitment, inputHash, binding,
    /// outputs...]`, `modelCommitment` being the artifact's bound weights commitment.
    /// @dev Reverts with {ArtifactNotBound}, {VerifierIsFrozen} or {ZkOutputCountMismatch} when no proof could be
    /// checked; otherwise returns the verifier and whether it accepted the proof (a verifier that reverts or answers
    /// anything but `true` rejects it). Warning: it checks the proof only; what `inputHash`, `binding` and `outputs`
    /// stand for (a record's input, the record, its output) is the caller's to check.
    function verify(
        uint64 artifactId,
        uint256[8] calldata proof,
        uint256 inputHash,
        uint256 binding,
        uint256[] calldata outputs
    ) external view returns (address verifier, bool valid);

    /// @notice Runs `artifactId`'s batch verifier for `inputHashes.length` records on `proof` with the public signals
    /// `[modelCommitment, inputHashes..., bindings..., packedOutputs...]`.
    /// @dev Reverts with {ArtifactNotBound}, {NoBatchVerifier}, {VerifierIsFrozen} or {ZkBatchMalformed} when no proof
    /// could be checked; otherwise returns the verifier and whether it accepted the proof. As with {verify}, what the
    /// signals stand for is the caller's to check.
    function verifyBatch(
        uint64 artifactId,
        uint256[8] calldata proof,
        uint256[] calldata inputHashes,
        uint256[] calldata bindings,
        uint256[] calldata packedOutputs
    ) external view returns (address verifier, bool valid);

    /// @notice The batch verifier `artifactId` is bound to for `size` records per proof (zero when none).
    function batchVerifierOf(uint64 artifactId, uint8 size) external view returns (address);

    /// @notice The model registry artifacts are bound from.
    function modelRegistry() external view returns (address);

    /// @notice The most output signals a routed circuit may have.
    function MAX_ZK_OUTPUTS() external view returns (uint8);

    /// @notice The most records one batch proof may settle.
    function MAX_ZK_BATCH() external view returns (uint8);
}
