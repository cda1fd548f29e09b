// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Artifact, ArtifactParams, Model, RevocationReason} from "../types/ModelTypes.sol";

/// @title IModelRegistry
/// @notice Answers "which exact artifact is this model, and did it change?".
/// @dev Artifacts are primary and immutable: a storage blob id, a SHA-256 content digest, a version and a lineage,
/// fixed at registration. A model's label is only a pointer to one of its artifacts, and every move of that pointer
/// is an event ({LabelMoved}), so a label never changes underneath a reader silently. Consumers that care which
/// weights ran must pin artifact ids, never labels.
///
/// Ids are sequential and start at 1; 0 always means "none".
///
/// Warning: registration proves only that the publisher claimed these bytes. It does not prove that the blob is
/// retrievable from storage, that its SHA-256 is `contentDigest`, or that `zkCommitment` commits to the same
/// weights; off-chain checks (and, for ZK commitments, proofs against them) do that.
interface IModelRegistry {
    // ---------------------------------------------------------------------------------------------------------------
    // Events
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice A model was created with `publisher` as its publisher.
    event ModelCreated(uint64 indexed modelId, address indexed publisher, string label, string metadataURI);

    /// @notice The model card moved to `metadataURI`.
    event ModelMetadataUpdated(uint64 indexed modelId, string metadataURI);

    /// @notice `publisher` offered the publisher role to `pendingPublisher` (0 cancels a pending offer).
    event PublisherTransferStarted(uint64 indexed modelId, address indexed publisher, address indexed pendingPublisher);

    /// @notice The publisher role moved from `previousPublisher` to `newPublisher`.
    event PublisherTransferred(uint64 indexed modelId, address indexed previousPublisher, address indexed newPublisher);

    /// @notice An immutable artifact was registered under `modelId`, with the content in `params`.
    event ArtifactRegistered(
        uint64 indexed artifactId,
        uint64 indexed modelId,
        bytes32 indexed blobId,
        ArtifactParams params
    );

    /// @notice The model's label moved from artifact `fromArtifact` to `toArtifact` (either may be 0: none).
    event LabelMoved(uint64 indexed modelId, uint64 indexed fromArtifact, uint64 indexed toArtifact);

    /// @notice The publisher discouraged the use of `artifactId`. It stays valid.
    event ArtifactDeprecated(uint64 indexed artifactId, uint64 indexed modelId);

    /// @notice `artifactId` was revoked by `by` (its publisher or a guardian). Final.
    event ArtifactRevoked(
        uint64 indexed artifactId,
        uint64 indexed modelId,
        RevocationReason reason,
        address indexed by
    );

    // ---------------------------------------------------------------------------------------------------------------
    // Errors
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice No model has id `modelId`.
    error UnknownModel(uint64 modelId);
    /// @notice No artifact has id `artifactId`.
    error UnknownArtifact(uint64 artifactId);
    /// @notice `caller` is not the publisher of `modelId`.
    error NotPublisher(uint64 modelId, address caller);
    /// @notice `caller` is not the pending publisher of `modelId`.
    error NotPendingPublisher(uint64 modelId, address caller);
    /// @notice A label must not be empty.
    error EmptyLabel();
    /// @notice A label is at most `max` bytes long.
    error LabelTooLong(uint256 length, uint256 max);
    /// @notice `publisher` already has a model labelled `label`.
    error LabelTaken(address publisher, string label);
    /// @notice A blob id of zero is not a blob.
    error ZeroBlobId();
    /// @notice A content digest of zero is not a SHA-256 of anything.
    error ZeroContentDigest();
    /// @notice A format tag is required.
    error EmptyFormat();
    /// @notice `publisher` already registered `blobId`, as artifact `artifactId`.
    error BlobAlreadyRegistered(address publisher, bytes32 blobId, uint64 artifactId);
    /// @notice Versions must strictly increase per model. Both are packed as `major << 64 | minor << 32 | patch`.
    error VersionNotIncreasing(uint96 version, uint96 latest);
    /// @notice `zkCommitment` is not below the BN254 scalar field modulus.
    error ZkCommitmentOutOfField(uint256 zkCommitment);
    /// @notice `artifactId` does not belong to `modelId`.
    error ArtifactNotInModel(uint64 modelId, uint64 artifactId);
    /// @notice `artifactId` is deprecated or revoked, and the action needs an Active artifact.
    error ArtifactNotActive(uint64 artifactId);
    /// @notice `artifactId` is already revoked.
    error ArtifactAlreadyRevoked(uint64 artifactId);
    /// @notice A revocation must name a reason.
    error UnspecifiedRevocationReason();
    /// @notice The label of `modelId` already points at `artifactId`.
    error LabelUnchanged(uint64 modelId, uint64 artifactId);

    // ---------------------------------------------------------------------------------------------------------------
    // Models
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice Creates a model published by the caller.
    /// @param label A human label, 1 to 64 bytes, unique among the caller's models. Immutable.
    /// @param metadataURI Where the model card lives (may be empty).
    /// @return modelId The new model's id.
    function createModel(string calldata label, string calldata metadataURI) external returns (uint64 modelId);

    /// @notice Points the model card at `metadataURI`. Publisher only.
    function setMetadataURI(uint64 modelId, string calldata metadataURI) external;

    /// @notice Offers the publisher role of `modelId` to `newPublisher`; step one of two. Publisher only.
    /// @dev Passing address(0) cancels a pending offer. The current publisher keeps every power until acceptance.
    function transferPublisher(uint64 modelId, address newPublisher) external;

    /// @notice Accepts the publisher role of `modelId`. Pending publisher only.
    /// @dev Reverts with {LabelTaken} when the caller already publishes a model with the same label.
    function acceptPublisher(uint64 modelId) external;

    // ---------------------------------------------------------------------------------------------------------------
    // Artifacts
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice Registers an immutable artifact under `modelId`. Publisher only.
    /// @dev The blob id must be new among the caller's artifacts (another publisher registering the same blob does not
    /// block it: a front-runner cannot take a publisher's weights from it); the version must be strictly above the model's latest; the parent,
    /// when non-zero, must exist (in any model, and may be revoked: lineage is history).
    /// @param params The artifact's content. See {Artifact}.
    /// @param pointLabel Whether to point the model's label at the new artifact in the same call.
    /// @return artifactId The new artifact's id.
    function registerArtifact(
        uint64 modelId,
        ArtifactParams calldata params,
        bool pointLabel
    ) external returns (uint64 artifactId);

    /// @notice Points the label of `modelId` at `artifactId`, an Active artifact of that model. Publisher only.
    /// @dev Emits {LabelMoved} naming the old and new artifact.
    function moveLabel(uint64 modelId, uint64 artifactId) external;

    /// @notice Marks `artifactId` Deprecated: still valid, but discouraged. Publisher only; one way.
    /// @dev Warning: a label that points at the artifact keeps pointing at it; move the label separately.
    function deprecateArtifact(uint64 artifactId) external;

    /// @notice Revokes `artifactId` for `reason`: never valid again. Publisher only. Immediate and final.
    /// @dev If the model's label points at the artifact, the label is cleared (moved to 0) in the same call.
    function revokeArtifact(uint64 artifactId, RevocationReason reason) external;

    /// @notice Revokes `artifactId` for `reason`, as a guardian of the project. Immediate and final.
    /// @dev Restricted through the project's AccessManager to the GUARDIAN role, with no delay.
    function guardianRevokeArtifact(uint64 artifactId, RevocationReason reason) external;

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice The model `modelId`. Reverts with {UnknownModel} when there is none.
    function getModel(uint64 modelId) external view returns (Model memory);

    /// @notice The model that `publisher` labelled `label`, or 0.
    function modelIdOf(address publisher, string calldata label) external view returns (uint64);

    /// @notice The artifact the label of `modelId` points at, or 0. Reverts with {UnknownModel}.
    function currentArtifact(uint64 modelId) external view returns (uint64);

    /// @notice The artifact `artifactId`. Reverts with {UnknownArtifact} when there is none.
    function getArtifact(uint64 artifactId) external view returns (Artifact memory);

    /// @notice The id of the artifact `publisher` registered under `blobId`, or 0. Lookups name the publisher: anyone
    /// can register any blob id under a model of their own, so the blob id alone names no one's artifact.
    /// @dev The publisher is the account that registered the artifact; a model transferred later keeps its artifacts
    /// under that account here.
    function artifactIdOfBlob(address publisher, bytes32 blobId) external view returns (uint64);

    /// @notice Whether `artifactId` exists and is not revoked (Active or Deprecated).
    function isValidArtifact(uint64 artifactId) external view returns (bool);

    /// @notice When `artifactId` was revoked, or 0 while it is not (an unknown id reads 0 too).
    function revokedAt(uint64 artifactId) external view returns (uint40);

    /// @notice Up to `limit` artifact ids of `modelId` in registration (and so version) order, from index `start`.
    function artifactsOf(uint64 modelId, uint256 start, uint256 limit) external view returns (uint64[] memory ids);

    /// @notice How many models and artifacts exist.
    function counts() external view returns (uint64 models, uint64 artifacts);
}
