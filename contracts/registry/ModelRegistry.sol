// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Managed} from "../access/Managed.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {FieldLib} from "../libraries/FieldLib.sol";
import {SemVerLib} from "../libraries/SemVerLib.sol";
import {TimeLib} from "../libraries/TimeLib.sol";
import {Artifact, ArtifactParams, ArtifactStatus, Model, RevocationReason} from "../types/ModelTypes.sol";

/// @title ModelRegistry
/// @notice Immutable model artifacts behind movable, evented labels. See {IModelRegistry}.
/// @dev The only admin power here is {guardianRevokeArtifact}, wired by the project's AccessManager to the GUARDIAN
/// role. Everything else belongs to each model's publisher.
contract ModelRegistry is IModelRegistry, Managed {
    /// @notice The longest label, in bytes.
    uint256 public constant MAX_LABEL_LENGTH = 64;

    // slot: nextModelId (8) | nextArtifactId (8)
    uint64 private _modelCount;
    uint64 private _artifactCount;

    mapping(uint64 modelId => Model model) private _models;
    mapping(uint64 artifactId => Artifact artifact) private _artifacts;
    mapping(uint64 modelId => uint64[] artifactIds) private _modelArtifacts;
    /// @dev Blob ids are unique per registering publisher: someone else registering the same bytes first neither
    /// blocks the publisher nor shows up in a lookup by the publisher.
    mapping(address publisher => mapping(bytes32 blobId => uint64 artifactId)) private _artifactOfBlob;
    mapping(address publisher => mapping(bytes32 labelHash => uint64 modelId)) private _modelOfLabel;

    modifier onlyPublisher(uint64 modelId) {
        _checkPublisher(modelId);
        _;
    }

    /// @param authority The project's AccessManager.
    constructor(address authority) Managed(authority) {}

    // ---------------------------------------------------------------------------------------------------------------
    // Models
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IModelRegistry
    function createModel(string calldata label, string calldata metadataURI) external returns (uint64 modelId) {
        uint256 length = bytes(label).length;
        if (length == 0) revert EmptyLabel();
        if (length > MAX_LABEL_LENGTH) revert LabelTooLong(length, MAX_LABEL_LENGTH);
        bytes32 labelHash = keccak256(bytes(label));
        if (_modelOfLabel[msg.sender][labelHash] != 0) revert LabelTaken(msg.sender, label);

        modelId = ++_modelCount;
        Model storage model = _models[modelId];
        model.publisher = msg.sender;
        model.label = label;
        model.metadataURI = metadataURI;
        _modelOfLabel[msg.sender][labelHash] = modelId;

        emit ModelCreated(modelId, msg.sender, label, metadataURI);
    }

    /// @inheritdoc IModelRegistry
    function setMetadataURI(uint64 modelId, string calldata metadataURI) external onlyPublisher(modelId) {
        _models[modelId].metadataURI = metadataURI;
        emit ModelMetadataUpdated(modelId, metadataURI);
    }

    /// @inheritdoc IModelRegistry
    function transferPublisher(uint64 modelId, address newPublisher) external onlyPublisher(modelId) {
        _models[modelId].pendingPublisher = newPublisher;
        emit PublisherTransferStarted(modelId, msg.sender, newPublisher);
    }

    /// @inheritdoc IModelRegistry
    function acceptPublisher(uint64 modelId) external {
        Model storage model = _models[modelId];
        if (model.publisher == address(0)) revert UnknownModel(modelId);
        if (model.pendingPublisher != msg.sender) revert NotPendingPublisher(modelId, msg.sender);
        bytes32 labelHash = keccak256(bytes(model.label));
        if (_modelOfLabel[msg.sender][labelHash] != 0) revert LabelTaken(msg.sender, model.label);

        address previous = model.publisher;
        delete _modelOfLabel[previous][labelHash];
        _modelOfLabel[msg.sender][labelHash] = modelId;
        model.publisher = msg.sender;
        model.pendingPublisher = address(0);

        emit PublisherTransferred(modelId, previous, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Artifacts
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IModelRegistry
    function registerArtifact(
        uint64 modelId,
        ArtifactParams calldata params,
        bool pointLabel
    ) external onlyPublisher(modelId) returns (uint64 artifactId) {
        if (params.blobId == bytes32(0)) revert ZeroBlobId();
        if (params.contentDigest == bytes32(0)) revert ZeroContentDigest();
        if (params.format == bytes16(0)) revert EmptyFormat();
        uint64 existing = _artifactOfBlob[msg.sender][params.blobId];
        if (existing != 0) revert BlobAlreadyRegistered(msg.sender, params.blobId, existing);
        if (!FieldLib.isFieldElement(params.zkCommitment)) revert ZkCommitmentOutOfField(params.zkCommitment);
        if (params.parentId != 0 && _artifacts[params.parentId].status == ArtifactStatus.None) {
            revert UnknownArtifact(params.parentId);
        }
        Model storage model = _models[modelId];
        uint96 version = SemVerLib.pack(params.major, params.minor, params.patch);
        if (model.artifactCount != 0) {
            Artifact storage latest = _artifacts[_modelArtifacts[modelId][model.artifactCount - 1]];
            uint96 latestVersion = SemVerLib.pack(latest.major, latest.minor, latest.patch);
            if (version <= latestVersion) revert VersionNotIncreasing(version, latestVersion);
        }

        artifactId = ++_artifactCount;
        _artifacts[artifactId] = Artifact({
            blobId: params.blobId,
            contentDigest: params.contentDigest,
            zkCommitment: params.zkCommitment,
            modelId: modelId,
            parentId: params.parentId,
            major: params.major,
            minor: params.minor,
            patch: params.patch,
            status: ArtifactStatus.Active,
            revocationReason: RevocationReason.Unspecified,
            format: params.format,
            registeredAt: TimeLib.now40(),
            statusChangedAt: 0
        });
        _artifactOfBlob[msg.sender][params.blobId] = artifactId;
        _modelArtifacts[modelId].push(artifactId);
        ++model.artifactCount;

        emit ArtifactRegistered(artifactId, modelId, params.blobId, params);

        if (pointLabel) _moveLabel(model, modelId, artifactId);
    }

    /// @inheritdoc IModelRegistry
    function moveLabel(uint64 modelId, uint64 artifactId) external onlyPublisher(modelId) {
        Artifact storage artifact = _artifacts[artifactId];
        if (artifact.status == ArtifactStatus.None) revert UnknownArtifact(artifactId);
        if (artifact.modelId != modelId) revert ArtifactNotInModel(modelId, artifactId);
        if (artifact.status != ArtifactStatus.Active) revert ArtifactNotActive(artifactId);
        Model storage model = _models[modelId];
        if (model.currentArtifact == artifactId) revert LabelUnchanged(modelId, artifactId);
        _moveLabel(model, modelId, artifactId);
    }

    /// @inheritdoc IModelRegistry
    function deprecateArtifact(uint64 artifactId) external {
        Artifact storage artifact = _artifacts[artifactId];
        if (artifact.status == ArtifactStatus.None) revert UnknownArtifact(artifactId);
        _checkPublisher(artifact.modelId);
        if (artifact.status != ArtifactStatus.Active) revert ArtifactNotActive(artifactId);

        artifact.status = ArtifactStatus.Deprecated;
        artifact.statusChangedAt = TimeLib.now40();

        emit ArtifactDeprecated(artifactId, artifact.modelId);
    }

    /// @inheritdoc IModelRegistry
    function revokeArtifact(uint64 artifactId, RevocationReason reason) external {
        Artifact storage artifact = _artifacts[artifactId];
        if (artifact.status == ArtifactStatus.None) revert UnknownArtifact(artifactId);
        _checkPublisher(artifact.modelId);
        _revoke(artifact, artifactId, reason);
    }

    /// @inheritdoc IModelRegistry
    function guardianRevokeArtifact(uint64 artifactId, RevocationReason reason) external restricted {
        Artifact storage artifact = _artifacts[artifactId];
        if (artifact.status == ArtifactStatus.None) revert UnknownArtifact(artifactId);
        _revoke(artifact, artifactId, reason);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IModelRegistry
    function getModel(uint64 modelId) external view returns (Model memory) {
        Model storage model = _models[modelId];
        if (model.publisher == address(0)) revert UnknownModel(modelId);
        return model;
    }

    /// @inheritdoc IModelRegistry
    function modelIdOf(address publisher, string calldata label) external view returns (uint64) {
        return _modelOfLabel[publisher][keccak256(bytes(label))];
    }

    /// @inheritdoc IModelRegistry
    function currentArtifact(uint64 modelId) external view returns (uint64) {
        Model storage model = _models[modelId];
        if (model.publisher == address(0)) revert UnknownModel(modelId);
        return model.currentArtifact;
    }

    /// @inheritdoc IModelRegistry
    function getArtifact(uint64 artifactId) external view returns (Artifact memory) {
        Artifact storage artifact = _artifacts[artifactId];
        if (artifact.status == ArtifactStatus.None) revert UnknownArtifact(artifactId);
        return artifact;
    }

    /// @inheritdoc IModelRegistry
    function artifactIdOfBlob(address publisher, bytes32 blobId) external view returns (uint64) {
        return _artifactOfBlob[publisher][blobId];
    }

    /// @inheritdoc IModelRegistry
    function isValidArtifact(uint64 artifactId) external view returns (bool) {
        ArtifactStatus status = _artifacts[artifactId].status;
        return status == ArtifactStatus.Active || status == ArtifactStatus.Deprecated;
    }

    /// @inheritdoc IModelRegistry
    function revokedAt(uint64 artifactId) external view returns (uint40) {
        Artifact storage artifact = _artifacts[artifactId];
        return artifact.status == ArtifactStatus.Revoked ? artifact.statusChangedAt : 0;
    }

    /// @inheritdoc IModelRegistry
    function artifactsOf(uint64 modelId, uint256 start, uint256 limit) external view returns (uint64[] memory ids) {
        if (_models[modelId].publisher == address(0)) revert UnknownModel(modelId);
        uint64[] storage all = _modelArtifacts[modelId];
        uint256 total = all.length;
        if (start >= total) return new uint64[](0);
        uint256 end = total - start > limit ? start + limit : total;
        ids = new uint64[](end - start);
        for (uint256 i = start; i < end; ++i) {
            ids[i - start] = all[i];
        }
    }

    /// @inheritdoc IModelRegistry
    function counts() external view returns (uint64 models, uint64 artifacts) {
        return (_modelCount, _artifactCount);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    function _checkPublisher(uint64 modelId) internal view {
        address publisher = _models[modelId].publisher;
        if (publisher == address(0)) revert UnknownModel(modelId);
        if (publisher != msg.sender) revert NotPublisher(modelId, msg.sender);
    }

    function _moveLabel(Model storage model, uint64 modelId, uint64 artifactId) private {
        uint64 previous = model.currentArtifact;
        model.currentArtifact = artifactId;
        emit LabelMoved(modelId, previous, artifactId);
    }

    function _revoke(Artifact storage artifact, uint64 artifactId, RevocationReason reason) private {
        if (artifact.status == ArtifactStatus.Revoked) revert ArtifactAlreadyRevoked(artifactId);
        if (reason == RevocationReason.Unspecified) revert UnspecifiedRevocationReason();

        uint64 modelId = artifact.modelId;
        artifact.status = ArtifactStatus.Revoked;
        artifact.revocationReason = reason;
        artifact.statusChangedAt = TimeLib.now40();
        emit ArtifactRevoked(artifactId, modelId, reason, msg.sender);

        Model storage model = _models[modelId];
        if (model.currentArtifact == artifactId) _moveLabel(model, modelId, 0);
    }
}
