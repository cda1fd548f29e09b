// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {ModelRegistry} from "../../contracts/registry/ModelRegistry.sol";
import {FieldLib} from "../../contracts/libraries/FieldLib.sol";
import {SemVerLib} from "../../contracts/libraries/SemVerLib.sol";
import {Roles} from "../../contracts/types/Roles.sol";
import {Artifact, ArtifactParams, ArtifactStatus, RevocationReason} from "../../contracts/types/ModelTypes.sol";
import {ProoflineTest, FuzzSelector} from "../utils/ProoflineTest.sol";

/// @notice Drives random sequences of registry calls from a few publishers and keeps a ghost copy of every artifact's
/// immutable fields, so the invariants can check that nothing registered is ever overwritten.
contract ModelRegistryHandler is ProoflineTest {
    ModelRegistry public immutable registry;
    address[3] public publishers = [address(0xA11CE), address(0xB0B), address(0xCA11)];

    uint64[] public modelIds;
    uint64[] public artifactIds;
    mapping(uint64 artifactId => Artifact snapshot) internal ghost;
    mapping(uint64 artifactId => bool revoked) public ghostRevoked;

    constructor(ModelRegistry registry_) {
        registry = registry_;
    }

    function createModel(uint256 publisherSeed, uint256 labelSeed) external {
        address publisher = publishers[publisherSeed % publishers.length];
        string memory label = string(abi.encodePacked("model-", bytes1(uint8(97 + (labelSeed % 4)))));
        if (registry.modelIdOf(publisher, label) != 0) return;
        vm.prank(publisher);
        modelIds.push(registry.createModel(label, "ipfs://card"));
    }

    /// @notice Who registered each artifact: blob ids are unique per registering publisher.
    mapping(uint64 artifactId => address publisher) public registrantOf;

    /// @dev Registers with fuzzed content; a duplicate blob or a non-increasing version must revert and change
    /// nothing, which the invariants check through the ghost copies.
    function registerArtifact(
        uint256 modelSeed,
        bytes32 blobId,
        uint32 major,
        uint32 minor,
        uint32 patch,
        bool pointLabel
    ) external {
        if (modelIds.length == 0) return;
        uint64 modelId = modelIds[modelSeed % modelIds.length];
        // Reuse an existing blob id half the time, so duplicates are attempted often.
        if (artifactIds.length != 0 && uint256(blobId) % 2 == 0) {
            blobId = ghost[artifactIds[uint256(blobId) % artifactIds.length]].blobId;
        }
        if (blobId == bytes32(0)) blobId = bytes32(uint256(1));
        ArtifactParams memory params = ArtifactParams({
            blobId: blobId,
            contentDigest: keccak256(abi.encode(blobId)),
            format: bytes16("onnx"),
            major: major % 4,
            minor: minor % 4,
            patch: patch % 4,
            parentId: 0,
            zkCommitment: uint256(blobId) % FieldLib.SNARK_SCALAR_FIELD
        });
        address publisher = registry.getModel(modelId).publisher;
        vm.prank(publisher);
        try registry.registerArtifact(modelId, params, pointLabel) returns (uint64 artifactId) {
            artifactIds.push(artifactId);
            ghost[artifactId] = registry.getArtifact(artifactId);
            registrantOf[artifactId] = publisher;
        } catch {}
    }

    function moveLabel(uint256 artifactSeed) external {
        if (artifactIds.length == 0) return;
        uint64 artifactId = artifactIds[artifactSeed % artifactIds.length];
        uint64 modelId = ghost[artifactId].modelId;
        vm.prank(registry.getModel(modelId).publisher);
        try registry.moveLabel(modelId, artifactId) {} catch {}
    }

    function deprecate(uint256 artifactSeed) external {
        if (artifactIds.length == 0) return;
        uint64 artifactId = artifactIds[artifactSeed % artifactIds.length];
        vm.prank(registry.getModel(ghost[artifactId].modelId).publisher);
        try registry.deprecateArtifact(artifactId) {} catch {}
    }

    function revoke(uint256 artifactSeed, uint8 reasonSeed) external {
        if (artifactIds.length == 0) return;
        uint64 artifactId = artifactIds[artifactSeed % artifactIds.length];
        RevocationReason reason = RevocationReason(1 + (reasonSeed % 5));
        vm.prank(registry.getModel(ghost[artifactId].modelId).publisher);
        try registry.revokeArtifact(artifactId, reason) {
            ghostRevoked[artifactId] = true;
        } catch {}
    }

    function transferPublisher(uint256 modelSeed, uint256 publisherSeed) external {
        if (modelIds.length == 0) return;
        uint64 modelId = modelIds[modelSeed % modelIds.length];
        address next = publishers[publisherSeed % publishers.length];
        vm.prank(registry.getModel(modelId).publisher);
        registry.transferPublisher(modelId, next);
        vm.prank(next);
        try registry.acceptPublisher(modelId) {} catch {}
    }

    function ghostOf(uint64 artifactId) external view returns (Artifact memory) {
        return ghost[artifactId];
    }

    function artifactCount() external view returns (uint256) {
        return artifactIds.length;
    }

    function modelCount() external view returns (uint256) {
        return modelIds.length;
    }
}

contract ModelRegistryFuzzTest is ProoflineTest {
    AccessManager internal manager;
    ModelRegistry internal registry;
    ModelRegistryHandler internal handler;

    address internal constant PUBLISHER = address(0xA11CE);
    address internal constant OTHER = address(0xB0B);

    function setUp() public {
        manager = AccessManager(_deployArtifact("AccessManager.sol:AccessManager", abi.encode(address(this))));
        registry = ModelRegistry(_deployArtifact("ModelRegistry.sol:ModelRegistry", abi.encode(manager)));
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = IModelRegistry.guardianRevokeArtifact.selector;
        manager.setTargetFunctionRole(address(registry), selectors, Roles.GUARDIAN);
        manager.grantRole(Roles.GUARDIAN, address(this), 0);
        handler = new ModelRegistryHandler(registry);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory selectors) {
        bytes4[] memory fns = new bytes4[](6);
        fns[0] = ModelRegistryHandler.createModel.selector;
        fns[1] = ModelRegistryHandler.registerArtifact.selector;
        fns[2] = ModelRegistryHandler.moveLabel.selector;
        fns[3] = ModelRegistryHandler.deprecate.selector;
        fns[4] = ModelRegistryHandler.revoke.selector;
        fns[5] = ModelRegistryHandler.transferPublisher.selector;
        selectors = new FuzzSelector[](1);
        selectors[0] = FuzzSelector({addr: address(handler), selectors: fns});
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fuzz
    // ---------------------------------------------------------------------------------------------------------------

    function _params(
        bytes32 blobId,
        uint32 major,
        uint32 minor,
        uint32 patch
    ) internal pure returns (ArtifactParams memory) {
        return
            ArtifactParams({
                blobId: blobId,
                contentDigest: sha256(abi.encode(blobId)),
                format: bytes16("gguf"),
                major: major,
                minor: minor,
                patch: patch,
                parentId: 0,
                zkCommitment: 0
            });
    }

    function _model(address publisher, string memory label) internal returns (uint64 modelId) {
        vm.prank(publisher);
        modelId = registry.createModel(label, "");
    }

    /// @dev Build params before `vm.prank`: the sha256 precompile call would consume the prank.
    /// @notice A blob id registered once can never be registered again by its publisher, its artifact never changes,
    /// and another publisher registering the same blob gets an artifact of its own without touching it.
    function testFuzz_registerArtifact_blobIdNeverOverwritten(
        bytes32 blobId,
        bytes32 otherDigest,
        uint32 major
    ) public {
        vm.assume(blobId != bytes32(0));
        uint64 first = _model(PUBLISHER, "first");
        uint64 second = _model(OTHER, "second");
        ArtifactParams memory params = _params(blobId, 1, 0, 0);
        vm.prank(PUBLISHER);
        uint64 artifactId = registry.registerArtifact(first, params, true);
        Artifact memory before = registry.getArtifact(artifactId);

        ArtifactParams memory again = _params(blobId, major, 1, 0);
        again.contentDigest = otherDigest == bytes32(0) ? bytes32(uint256(7)) : otherDigest;
        // The same publisher cannot register the blob again...
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.BlobAlreadyRegistered.selector, PUBLISHER, blobId, artifactId)
        );
        vm.prank(PUBLISHER);
        registry.registerArtifact(first, again, false);
        // ...and another publisher's copy of the blob neither fails nor replaces the publisher's artifact.
        vm.prank(OTHER);
        uint64 copy = registry.registerArtifact(second, again, true);
        vm.assertEq(registry.artifactIdOfBlob(OTHER, blobId), copy, "the copy is under its own publisher");

        Artifact memory afterwards = registry.getArtifact(artifactId);
        vm.assertEq(afterwards.contentDigest, before.contentDigest, "digest changed");
        vm.assertEq(afterwards.modelId, first, "model changed");
        vm.assertEq(registry.artifactIdOfBlob(PUBLISHER, blobId), artifactId, "blob remapped");
        (, uint64 artifacts) = registry.counts();
        vm.assertEq(artifacts, 2, "only the other publisher's copy was added");
    }

    /// @notice A model accepts a version only when it is strictly above its latest, and never rewrites the latest.
    function testFuzz_registerArtifact_versionsStrictlyIncrease(
        uint32 major1,
        uint32 minor1,
        uint32 patch1,
        uint32 major2,
        uint32 minor2,
        uint32 patch2
    ) public {
        uint64 modelId = _model(PUBLISHER, "versioned");
        ArtifactParams memory first = _params(bytes32(uint256(1)), major1, minor1, patch1);
        ArtifactParams memory second = _params(bytes32(uint256(2)), major2, minor2, patch2);
        vm.prank(PUBLISHER);
        uint64 firstId = registry.registerArtifact(modelId, first, false);

        uint96 v1 = SemVerLib.pack(major1, minor1, patch1);
        uint96 v2 = SemVerLib.pack(major2, minor2, patch2);
        if (v2 <= v1) {
            vm.expectRevert(abi.encodeWithSelector(IModelRegistry.VersionNotIncreasing.selector, v2, v1));
        }
        vm.prank(PUBLISHER);
        registry.registerArtifact(modelId, second, false);

        Artifact memory stored = registry.getArtifact(firstId);
        vm.assertEq(SemVerLib.pack(stored.major, stored.minor, stored.patch), v1, "first version rewritten");
        vm.assertEq(registry.getModel(modelId).artifactCount, v2 > v1 ? 2 : 1, "artifact count");
    }

    /// @notice Revocation is final: no caller can revoke twice or bring an artifact back into use.
    function testFuzz_revokeArtifact_isFinal(uint8 reasonSeed, bool guardianFirst) public {
        uint64 modelId = _model(PUBLISHER, "revocable");
        ArtifactParams memory params = _params(bytes32(uint256(9)), 1, 0, 0);
        vm.prank(PUBLISHER);
        uint64 artifactId = registry.registerArtifact(modelId, params, true);
        RevocationReason reason = RevocationReason(1 + (reasonSeed % 5));

        if (guardianFirst) {
            registry.guardianRevokeArtifact(artifactId, reason);
        } else {
            vm.prank(PUBLISHER);
            registry.revokeArtifact(artifactId, reason);
        }
        vm.assertFalse(registry.isValidArtifact(artifactId), "revoked artifact still valid");
        vm.assertEq(registry.currentArtifact(modelId), 0, "label still points at a revoked artifact");

        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ArtifactAlreadyRevoked.selector, artifactId));
        registry.guardianRevokeArtifact(artifactId, reason);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ArtifactNotActive.selector, artifactId));
        vm.prank(PUBLISHER);
        registry.moveLabel(modelId, artifactId);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ArtifactNotActive.selector, artifactId));
        vm.prank(PUBLISHER);
        registry.deprecateArtifact(artifactId);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Invariants
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice Every registered artifact keeps the exact content it was registered with, and its blob maps to it.
    function invariant_artifactsAreImmutable() public view {
        uint256 n = handler.artifactCount();
        for (uint256 i = 0; i < n; ++i) {
            uint64 artifactId = handler.artifactIds(i);
            Artifact memory live = registry.getArtifact(artifactId);
            Artifact memory kept = handler.ghostOf(artifactId);
            vm.assertEq(live.blobId, kept.blobId, "blob id changed");
            vm.assertEq(live.contentDigest, kept.contentDigest, "digest changed");
            vm.assertEq(live.zkCommitment, kept.zkCommitment, "zk commitment changed");
            vm.assertEq(live.modelId, kept.modelId, "model changed");
            vm.assertEq(live.parentId, kept.parentId, "parent changed");
            vm.assertEq(
                SemVerLib.pack(live.major, live.minor, live.patch),
                SemVerLib.pack(kept.major, kept.minor, kept.patch),
                "version"
            );
            vm.assertEq(bytes32(live.format), bytes32(kept.format), "format changed");
            vm.assertEq(live.registeredAt, kept.registeredAt, "registration time changed");
            vm.assertEq(
                registry.artifactIdOfBlob(handler.registrantOf(artifactId), kept.blobId),
                artifactId,
                "blob remapped"
            );
            if (handler.ghostRevoked(artifactId)) {
                vm.assertTrue(live.status == ArtifactStatus.Revoked, "revocation undone");
            }
        }
        (, uint64 stored) = registry.counts();
        vm.assertEq(stored, n, "an artifact was stored that the handler did not see succeed");
    }

    /// @notice Within every model, artifacts are listed in strictly increasing version order, and the label never
    /// points at a revoked artifact or at another model's artifact.
    function invariant_versionsIncreaseAndLabelIsSound() public view {
        uint256 models = handler.modelCount();
        for (uint256 m = 0; m < models; ++m) {
            uint64 modelId = handler.modelIds(m);
            uint64[] memory ids = registry.artifactsOf(modelId, 0, type(uint256).max);
            for (uint256 i = 1; i < ids.length; ++i) {
                Artifact memory prev = registry.getArtifact(ids[i - 1]);
                Artifact memory cur = registry.getArtifact(ids[i]);
                vm.assertGt(
                    SemVerLib.pack(cur.major, cur.minor, cur.patch),
                    SemVerLib.pack(prev.major, prev.minor, prev.patch),
                    "versions not increasing"
                );
            }
            uint64 current = registry.currentArtifact(modelId);
            if (current != 0) {
                Artifact memory pointed = registry.getArtifact(current);
                vm.assertEq(pointed.modelId, modelId, "label points into another model");
                vm.assertTrue(pointed.status != ArtifactStatus.Revoked, "label points at a revoked artifact");
            }
        }
    }
}
