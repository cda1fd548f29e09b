// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IAttesterRegistry} from "../interfaces/IAttesterRegistry.sol";
import {Route} from "../types/InferenceTypes.sol";

/// @title AttesterRegistry
/// @notice Node keys, enclave keys, code measurements and providers. See {IAttesterRegistry}.
/// @dev Abstract: the inference ledger inherits it, so that checking a signer on the hot paths (answer, settle) reads
/// this contract's own storage instead of paying for a call to another contract.
abstract contract AttesterRegistry is IAttesterRegistry, AccessManaged, EIP712 {
    /// @dev keccak256("Heartbeat(address enclave,uint40 timestamp)")
    bytes32 private constant HEARTBEAT_TYPEHASH = keccak256("Heartbeat(address enclave,uint40 timestamp)");

    uint256 private constant MAX_PROVIDER_NAME_LENGTH = 64;

    /// @dev What the hot path needs about a node key, in one slot.
    struct NodeKey {
        uint32 nodeId;
        bool active;
    }

    uint40 private immutable HEARTBEAT_TTL;

    // slot: nodeCount (4) | providerCount (8) | measurementCount (4)
    uint32 private _nodeCount;
    uint64 private _providerCount;
    uint32 private _measurementCount;

    mapping(uint32 nodeId => Node node) private _nodes;
    mapping(address key => NodeKey nodeKey) private _nodeKeys;
    mapping(address key => Enclave enclave) private _enclaves;
    mapping(bytes32 measurement => uint32 measurementId) private _measurementIds;
    mapping(uint32 measurementId => Measurement state) private _measurementStates;
    mapping(uint64 providerId => string name) private _providerNames;
    mapping(bytes32 nameHash => uint64 providerId) private _providerOfName;

    /// @param heartbeatTtl_ How long a heartbeat keeps an enclave live, in seconds.
    constructor(uint40 heartbeatTtl_) {
        HEARTBEAT_TTL = heartbeatTtl_;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Nodes and providers
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IAttesterRegistry
    function registerNode(address key) external returns (uint32 nodeId) {
        _checkNewKey(key);
        nodeId = ++_nodeCount;
        _nodes[nodeId] = Node({key: key, active: true, operator: msg.sender});
        _nodeKeys[key] = NodeKey({nodeId: nodeId, active: true});
        emit NodeRegistered(nodeId, key, msg.sender);
    }

    /// @inheritdoc IAttesterRegistry
    function deactivateNode(uint32 nodeId) external {
        Node storage node = _nodes[nodeId];
        if (node.key == address(0)) revert UnknownNode(nodeId);
        if (node.operator != msg.sender) revert NotNodeOperator(nodeId, msg.sender);
        _deactivateNode(node, nodeId);
    }

    /// @inheritdoc IAttesterRegistry
    function guardianDeactivateNode(uint32 nodeId) external restricted {
        Node storage node = _nodes[nodeId];
        if (node.key == address(0)) revert UnknownNode(nodeId);
        _deactivateNode(node, nodeId);
    }

    /// @inheritdoc IAttesterRegistry
    function registerProvider(string calldata name) external returns (uint64 providerId) {
        uint256 length = bytes(name).length;
        if (length == 0 || length > MAX_PROVIDER_NAME_LENGTH) revert InvalidProviderName();
        bytes32 nameHash = keccak256(bytes(name));
        uint64 existing = _providerOfName[nameHash];
        if (existing != 0) revert ProviderNameTaken(name, existing);
        providerId = ++_providerCount;
        _providerNames[providerId] = name;
        _providerOfName[nameHash] = providerId;
        emit ProviderRegistered(providerId, name);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Measurements and enclaves
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IAttesterRegistry
    function approveMeasurement(bytes32 measurement) external restricted {
        if (measurement == bytes32(0)) revert ZeroMeasurement();
        if (_measurementIds[measurement] != 0) revert MeasurementAlreadyApproved(measurement);
        uint32 id = ++_measurementCount;
        _measurementIds[measurement] = id;
        // Safe until the year 36812.
        _measurementStates[id] = Measurement({id: id, approvedAt: uint40(block.timestamp), revokedAt: 0});
        emit MeasurementApproved(measurement);
    }

    /// @inheritdoc IAttesterRegistry
    function revokeMeasurement(bytes32 measurement) external restricted {
        Measurement storage state = _measurementStates[_measurementIds[measurement]];
        if (state.approvedAt == 0 || state.revokedAt != 0) revert MeasurementNotApproved(measurement);
        // Safe until the year 36812.
        state.revokedAt = uint40(block.timestamp);
        emit MeasurementRevoked(measurement, msg.sender);
    }

    /// @inheritdoc IAttesterRegistry
    function registerEnclave(
        address enclave,
        bytes32 measurement,
        Route route,
        uint64 subject,
        bytes32 quoteHash
    ) external restricted {
        _checkNewKey(enclave);
        Measurement memory state = _measurementStates[_measurementIds[measurement]];
        if (!_isApproved(state)) revert MeasurementNotApproved(measurement);
        _checkSubject(route, subject);
        _enclaves[enclave] = Enclave({
            subject: subject,
            lastHeartbeat: 0,
            disabledAt: 0,
            measurementId: state.id,
            route: route,
            registered: true,
            lastBatchRound: 0,
            measurement: measurement,
            quoteHash: quoteHash
        });
        emit EnclaveRegistered(enclave, measurement, route, subject, quoteHash);
    }

    /// @inheritdoc IAttesterRegistry
    function disableEnclave(address enclave) external restricted {
        Enclave storage record = _enclaves[enclave];
        if (!record.registered) revert UnknownEnclave(enclave);
        if (record.disabledAt != 0) revert EnclaveIsDisabled(enclave);
        // Safe until the year 36812.
        record.disabledAt = uint40(block.timestamp);
        emit EnclaveDisabled(enclave, msg.sender);
    }

    /// @inheritdoc IAttesterRegistry
    function heartbeat(address enclave, uint40 timestamp, bytes calldata signature) external {
        Enclave storage record = _enclaves[enclave];
        if (!record.registered) revert UnknownEnclave(enclave);
        if (record.disabledAt != 0) revert EnclaveIsDisabled(enclave);
        if (timestamp <= record.lastHeartbeat || timestamp > block.timestamp) {
            revert StaleHeartbeat(timestamp, record.lastHeartbeat);
        }
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(HEARTBEAT_TYPEHASH, enclave, timestamp)));
        address signer = ECDSA.recover(digest, signature);
        if (signer != enclave) revert InvalidHeartbeatSignature(enclave, signer);
        record.lastHeartbeat = timestamp;
        emit Heartbeat(enclave, timestamp);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IAttesterRegistry
    function heartbeatTtl() external view returns (uint40) {
        return HEARTBEAT_TTL;
    }

    /// @inheritdoc IAttesterRegistry
    function getNode(uint32 nodeId) external view returns (Node memory) {
        Node memory node = _nodes[nodeId];
        if (node.key == address(0)) revert UnknownNode(nodeId);
        return node;
    }

    /// @inheritdoc IAttesterRegistry
    function nodeIdOf(address key) external view returns (uint32) {
        return _nodeKeys[key].nodeId;
    }

    /// @inheritdoc IAttesterRegistry
    function getEnclave(address enclave) external view returns (Enclave memory) {
        Enclave memory record = _enclaves[enclave];
        if (!record.registered) revert UnknownEnclave(enclave);
        return record;
    }

    /// @inheritdoc IAttesterRegistry
    function getMeasurement(bytes32 measurement) external view returns (Measurement memory) {
        return _measurementStates[_measurementIds[measurement]];
    }

    /// @inheritdoc IAttesterRegistry
    function providerName(uint64 providerId) external view returns (string memory) {
        if (providerId == 0 || providerId > _providerCount) revert UnknownProvider(providerId);
        return _providerNames[providerId];
    }

    /// @inheritdoc IAttesterRegistry
    function isEnclaveLive(address enclave) public view returns (bool) {
        Enclave storage record = _enclaves[enclave];
        return
            record.registered &&
            record.disabledAt == 0 &&
            _isApproved(_measurementStates[record.measurementId]) &&
            block.timestamp <= uint256(record.lastHeartbeat) + HEARTBEAT_TTL;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal: for the ledger's hot paths
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev The active node id of `key`, or 0 when `key` is not an active node key.
    function _activeNodeId(address key) internal view returns (uint32) {
        NodeKey memory nodeKey = _nodeKeys[key];
        return nodeKey.active ? nodeKey.nodeId : 0;
    }

    /// @dev The enclave record of `enclave` (storage pointer; `registered` is false when unknown).
    function _enclave(address enclave) internal view returns (Enclave storage) {
        return _enclaves[enclave];
    }

    /// @dev Whether the measurement with id `measurementId` is approved and not revoked.
    function _measurementIdApproved(uint32 measurementId) internal view returns (bool) {
        return _isApproved(_measurementStates[measurementId]);
    }

    function _heartbeatFresh(uint40 lastHeartbeat) internal view returns (bool) {
        return block.timestamp <= uint256(lastHeartbeat) + HEARTBEAT_TTL;
    }

    /// @dev Reverts unless `subject` names something of `route`'s kind: a valid artifact (Local) or a provider (Proxy).
    function _checkSubject(Route route, uint64 subject) internal view virtual;

    function _checkProvider(uint64 providerId) internal view {
        if (providerId == 0 || providerId > _providerCount) revert UnknownProvider(providerId);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Private
    // ---------------------------------------------------------------------------------------------------------------

    function _checkNewKey(address key) private view {
        if (key == address(0)) revert ZeroKey();
        if (_nodeKeys[key].nodeId != 0 || _enclaves[key].registered) revert KeyAlreadyRegistered(key);
    }

    function _deactivateNode(Node storage node, uint32 nodeId) private {
        if (!node.active) revert NodeInactive(nodeId);
        node.active = false;
        _nodeKeys[node.key].active = false;
        emit NodeDeactivated(nodeId, msg.sender);
    }

    function _isApproved(Measurement memory state) private pure returns (bool) {
        return state.approvedAt != 0 && state.revokedAt == 0;
    }
}
