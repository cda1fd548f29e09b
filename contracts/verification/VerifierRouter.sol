// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {Managed} from "../access/Managed.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IVerifierRouter} from "../interfaces/IVerifierRouter.sol";
import {TimeLib} from "../libraries/TimeLib.sol";
import {Artifact} from "../types/ModelTypes.sol";

/// @title VerifierRouter
/// @notice Binds model artifacts to zero-knowledge verifiers. See {IVerifierRouter}.
/// @dev A deployable of its own: the inference ledger calls {verify} to check a proof about one of its records.
contract VerifierRouter is IVerifierRouter, Managed {
    /// @notice The most output signals a routed circuit may have.
    uint8 public constant MAX_ZK_OUTPUTS = 8;

    /// @dev Public signals before the outputs: model commitment, input hash, record binding.
    uint256 private constant FIXED_SIGNALS = 3;

    IModelRegistry private immutable REGISTRY;

    mapping(address verifier => Verifier state) private _verifiers;
    mapping(uint64 artifactId => address verifier) private _verifierOf;
    mapping(uint64 artifactId => uint256 modelCommitment) private _modelCommitmentOf;

    /// @param authority The project's AccessManager.
    /// @param registry The model registry artifacts are bound from.
    constructor(address authority, IModelRegistry registry) Managed(authority) {
        if (address(registry).code.length == 0) revert VerifierRouterNeedsModelRegistry(address(registry));
        REGISTRY = registry;
    }

    /// @inheritdoc IVerifierRouter
    function addVerifier(address verifier, uint8 outputs) external restricted {
        if (verifier.code.length == 0) revert VerifierNotContract(verifier);
        if (outputs == 0 || outputs > MAX_ZK_OUTPUTS) revert InvalidOutputCount(outputs, MAX_ZK_OUTPUTS);
        Verifier storage state = _verifiers[verifier];
        if (state.status != VerifierStatus.None) revert VerifierAlreadyAdded(verifier);
        bytes memory signature = abi.encodePacked(
            "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[",
            Strings.toString(FIXED_SIGNALS + outputs),
            "])"
        );
        _verifiers[verifier] = Verifier({
            status: VerifierStatus.Active,
            outputs: outputs,
            selector: bytes4(keccak256(signature)),
            addedAt: TimeLib.now40(),
            frozenAt: 0
        });
        emit VerifierAdded(verifier, outputs);
    }

    /// @inheritdoc IVerifierRouter
    function freezeVerifier(address verifier) external restricted {
        Verifier storage state = _verifiers[verifier];
        if (state.status == VerifierStatus.None) revert UnknownVerifier(verifier);
        if (state.status == VerifierStatus.Frozen) revert VerifierIsFrozen(verifier);
        state.status = VerifierStatus.Frozen;
        state.frozenAt = TimeLib.now40();
        emit VerifierFrozen(verifier, msg.sender);
    }

    /// @inheritdoc IVerifierRouter
    function bindArtifact(uint64 artifactId, address verifier) external {
        IModelRegistry registry = REGISTRY;
        if (!registry.isValidArtifact(artifactId)) revert ArtifactNotBindable(artifactId);
        Artifact memory artifact = registry.getArtifact(artifactId);
        address publisher = registry.getModel(artifact.modelId).publisher;
        if (msg.sender != publisher) revert NotArtifactPublisher(artifactId, msg.sender);
        if (artifact.zkCommitment == 0) revert NoZkCommitment(artifactId);
        address bound = _verifierOf[artifactId];
        if (bound != address(0)) revert ArtifactAlreadyBound(artifactId, bound);
        _checkActive(verifier);

        _verifierOf[artifactId] = verifier;
        _modelCommitmentOf[artifactId] = artifact.zkCommitment;
        emit ArtifactBound(artifactId, verifier, artifact.zkCommitment);
    }

    /// @inheritdoc IVerifierRouter
    function getVerifier(address verifier) external view returns (Verifier memory) {
        return _verifiers[verifier];
    }

    /// @inheritdoc IVerifierRouter
    function bindingOf(uint64 artifactId) external view returns (address verifier, uint256 modelCommitment) {
        return (_verifierOf[artifactId], _modelCommitmentOf[artifactId]);
    }

    /// @inheritdoc IVerifierRouter
    function verify(
        uint64 artifactId,
        uint256[8] calldata proof,
        uint256 inputHash,
        uint256 binding,
        uint256[] calldata outputs
    ) external view returns (address verifier, bool valid) {
        verifier = _verifierOf[artifactId];
        if (verifier == address(0)) revert ArtifactNotBound(artifactId);
        Verifier memory state = _checkActive(verifier);
        if (outputs.length != state.outputs) revert ZkOutputCountMismatch(state.outputs, outputs.length);
        (bool ok, bytes memory result) = verifier.staticcall(
            abi.encodePacked(state.selector, proof, _modelCommitmentOf[artifactId], inputHash, binding, outputs)
        );
        valid = ok && result.length == 32 && abi.decode(result, (bool));
    }

    /// @inheritdoc IVerifierRouter
    function modelRegistry() external view returns (address) {
        return address(REGISTRY);
    }

    function _checkActive(address verifier) private view returns (Verifier memory state) {
        state = _verifiers[verifier];
        if (state.status == VerifierStatus.None) revert UnknownVerifier(verifier);
        if (state.status == VerifierStatus.Frozen) revert VerifierIsFrozen(verifier);
    }
}
