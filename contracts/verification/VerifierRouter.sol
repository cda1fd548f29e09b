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
    /// @notice The most records one batch proof may settle.
    uint8 public constant MAX_ZK_BATCH = 64;

    /// @dev Public signals before the outputs: model commitment, input hash, record binding.
    uint256 private constant FIXED_SIGNALS = 3;
    /// @dev Output words per record in the batch layout, packed into one signal.
    uint8 private constant BATCH_OUTPUTS = 2;

    IModelRegistry private immutable REGISTRY;

    mapping(address verifier => Verifier state) private _verifiers;
    mapping(uint64 artifactId => address verifier) private _verifierOf;
    mapping(uint64 artifactId => uint256 modelCommitment) private _modelCommitmentOf;
    mapping(uint64 artifactId => mapping(uint8 size => address verifier)) private _batchVerifierOf;

    /// @param authority The project's AccessManager.
    /// @param registry The model registry artifacts are bound from.
    constructor(address authority, IModelRegistry registry) Managed(authority) {
        if (address(registry).code.length == 0) revert VerifierRouterNeedsModelRegistry(address(registry));
        REGISTRY = registry;
    }

    /// @inheritdoc IVerifierRouter
    function addVerifier(address verifier, uint8 outputs) external restricted {
        if (outputs == 0 || outputs > MAX_ZK_OUTPUTS) revert InvalidOutputCount(outputs, MAX_ZK_OUTPUTS);
        _add(verifier, outputs, FIXED_SIGNALS + outputs, 0);
        emit VerifierAdded(verifier, outputs);
    }

    /// @inheritdoc IVerifierRouter
    function addBatchVerifier(address verifier, uint8 size) external restricted {
        if (size < 2 || size > MAX_ZK_BATCH) revert InvalidBatchSize(size, MAX_ZK_BATCH);
        // The model commitment, then per record its input hash, binding and packed output.
        _add(verifier, BATCH_OUTPUTS, 1 + 3 * uint256(size), size);
        emit BatchVerifierAdded(verifier, size);
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
        if (_checkActive(verifier).batchSize != 0) revert VerifierKindMismatch(verifier);

        _verifierOf[artifactId] = verifier;
        _modelCommitmentOf[artifactId] = artifact.zkCommitment;
        emit ArtifactBound(artifactId, verifier, artifact.zkCommitment);
    }

    /// @inheritdoc IVerifierRouter
    function bindBatchVerifier(uint64 artifactId, address verifier) external {
        IModelRegistry registry = REGISTRY;
        if (!registry.isValidArtifact(artifactId)) revert ArtifactNotBindable(artifactId);
        address publisher = registry.getModel(registry.getArtifact(artifactId).modelId).publisher;
        if (msg.sender != publisher) revert NotArtifactPublisher(artifactId, msg.sender);
        if (_verifierOf[artifactId] == address(0)) revert ArtifactNotBound(artifactId);
        uint8 size = _checkActive(verifier).batchSize;
        if (size == 0) revert VerifierKindMismatch(verifier);
        address bound = _batchVerifierOf[artifactId][size];
        if (bound != address(0)) revert BatchVerifierAlreadyBound(artifactId, size, bound);

        _batchVerifierOf[artifactId][size] = verifier;
        emit BatchVerifierBound(artifactId, size, verifier);
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
    function verifyBatch(
        uint64 artifactId,
        uint256[8] calldata proof,
        uint256[] calldata inputHashes,
        uint256[] calldata bindings,
        uint256[] calldata packedOutputs
    ) external view returns (address verifier, bool valid) {
        uint256 size = inputHashes.length;
        if (bindings.length != size || packedOutputs.length != size) revert ZkBatchMalformed();
        if (_verifierOf[artifactId] == address(0)) revert ArtifactNotBound(artifactId);
        // A size past uint8 has no verifier: reads as unbound.
        verifier = size > type(uint8).max ? address(0) : _batchVerifierOf[artifactId][uint8(size)];
        if (verifier == address(0)) revert NoBatchVerifier(artifactId, size);
        Verifier memory state = _checkActive(verifier);
        (bool ok, bytes memory result) = verifier.staticcall(
            abi.encodePacked(
                state.selector,
                proof,
                _modelCommitmentOf[artifactId],
                inputHashes,
                bindings,
                packedOutputs
            )
        );
        valid = ok && result.length == 32 && abi.decode(result, (bool));
    }

    /// @inheritdoc IVerifierRouter
    function batchVerifierOf(uint64 artifactId, uint8 size) external view returns (address) {
        return _batchVerifierOf[artifactId][size];
    }

    /// @inheritdoc IVerifierRouter
    function modelRegistry() external view returns (address) {
        return address(REGISTRY);
    }

    /// @dev Records `verifier`, active from now, with `outputs` output words per record, a `verifyProof` selector for
    /// `signals` public signals, and `batchSize` records per proof (0: one).
    function _add(address verifier, uint8 outputs, uint256 signals, uint8 batchSize) private {
        if (verifier.code.length == 0) revert VerifierNotContract(verifier);
        if (_verifiers[verifier].status != VerifierStatus.None) revert VerifierAlreadyAdded(verifier);
        bytes memory signature = abi.encodePacked(
            "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[",
            Strings.toString(signals),
            "])"
        );
        _verifiers[verifier] = Verifier({
            status: VerifierStatus.Active,
            outputs: outputs,
            selector: bytes4(keccak256(signature)),
            addedAt: TimeLib.now40(),
            frozenAt: 0,
            batchSize: batchSize
        });
    }

    function _checkActive(address verifier) private view returns (Verifier memory state) {
        state = _verifiers[verifier];
        if (state.status == VerifierStatus.None) revert UnknownVerifier(verifier);
        if (state.status == VerifierStatus.Frozen) revert VerifierIsFrozen(verifier);
    }
}
