// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Life cycle of a registered artifact. `None` means "no such artifact".
/// @dev Moves only forward: Active -> Deprecated -> Revoked, or Active -> Revoked. Revoked is final.
enum ArtifactStatus {
    None,
    Active,
    Deprecated,
    Revoked
}

/// @notice Why an artifact was revoked. `Unspecified` is not a valid reason to pass.
enum RevocationReason {
    Unspecified,
    Compromised, // the weights or their storage were tampered with or leaked
    Defective, // the model misbehaves (wrong outputs, broken build)
    Malicious, // the model was built to deceive
    LicenseViolation, // the publisher may not distribute it
    Other
}

/// @notice A model: a publisher, a human label unique per publisher, and a pointer to its current artifact.
/// @param publisher Who may register artifacts, move the label, deprecate and revoke.
/// @param currentArtifact The artifact the label points at (0 before the first move, or after its artifact is revoked).
/// @param artifactCount How many artifacts the model has registered.
/// @param pendingPublisher The address that may accept the publisher role (0 when none is pending).
/// @param label The human label, e.g. "risk-scorer". Immutable.
/// @param metadataURI Where the model card lives. Updatable by the publisher.
struct Model {
    // slot 0: publisher (20) | currentArtifact (8) | artifactCount (4)
    address publisher;
    uint64 currentArtifact;
    uint32 artifactCount;
    // slot 1
    address pendingPublisher;
    // slots 2-3
    string label;
    string metadataURI;
}

/// @notice What a publisher supplies to register an artifact. See {Artifact} for each field.
struct ArtifactParams {
    bytes32 blobId;
    bytes32 contentDigest;
    bytes16 format;
    uint32 major;
    uint32 minor;
    uint32 patch;
    uint64 parentId;
    uint256 zkCommitment;
}

/// @notice An immutable model artifact. Only `status` and `statusChangedAt` ever change after registration.
/// @param blobId The raw 32-byte storage blob id (a Walrus blob id; its 43-character base64url text is an encoding).
/// @param contentDigest SHA-256 of the weights file.
/// @param zkCommitment Poseidon commitment to the weights as a BN254 scalar field element; 0 when there is none.
/// @param modelId The model this artifact belongs to.
/// @param parentId The artifact this one was derived from (lineage); 0 when none.
/// @param major Semantic version, strictly increasing per model in (major, minor, patch) order.
/// @param format A short format tag, e.g. "onnx", "gguf", "safetensors", "circom-groth16".
/// @param registeredAt Block timestamp of registration.
/// @param statusChangedAt Block timestamp of the last deprecation or revocation (0 while Active).
/// @param status Active, Deprecated or Revoked.
/// @param revocationReason Why it was revoked (Unspecified unless Revoked).
struct Artifact {
    // slots 0-2
    bytes32 blobId;
    bytes32 contentDigest;
    uint256 zkCommitment;
    // slot 3: modelId (8) | parentId (8) | major (4) | minor (4) | patch (4) | status (1) | revocationReason (1)
    uint64 modelId;
    uint64 parentId;
    uint32 major;
    uint32 minor;
    uint32 patch;
    ArtifactStatus status;
    RevocationReason revocationReason;
    // slot 4: format (16) | registeredAt (5) | statusChangedAt (5)
    bytes16 format;
    uint40 registeredAt;
    uint40 statusChangedAt;
}
