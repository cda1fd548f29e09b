// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {Managed} from "../access/Managed.sol";
import {IAttesterRegistry} from "../interfaces/IAttesterRegistry.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {TimeLib} from "../libraries/TimeLib.sol";
import {Route} from "../types/InferenceTypes.sol";

/// @title AttesterRegistry
/// @notice Node keys, enclave keys, code measurements, providers and data sources. See {IAttesterRegistry}.
/// @dev A deployable of its own: the inference ledger and the escrow read it through {activeNodeId},
/// {enclaveStatus} and {isValidSubject}, so liveness and subject validity are decided here and nowhere else.
contract AttesterRegistry is IAttesterRegistry, Managed, EIP712 {
    /// @dev The EIP-712 type an enclave signs to prove it is alive.
    bytes32 private constant HEARTBEAT_TYPEHASH = keccak256("Heartbeat(address enclave,uint40 timestamp)");

    /// @dev The EIP-712 type a key signs to be registered as a node key of `operator`.
    bytes32 private constant NODE_KEY_CONSENT_TYPEHASH = keccak256("NodeKeyConsent(address key,address operator)");

    /// @dev The EIP-712 type an enclave key signs to be registered with a measurement and a binding.
    bytes32 private constant ENCLAVE_KEY_CONSENT_TYPEHASH = keccak256(
        "EnclaveKeyConsent(address enclave,bytes32 measurement,uint8 route,uint64 subject)"
    );

    /// @dev The EIP-712 type a key signs to be registered as a signing key of data source `sourceId`.
    bytes32 private constant DATA_SOURCE_KEY_CONSENT_TYPEHASH = keccak256(
        "DataSourceKeyConsent(address key,uint32 sourceId)"
    );

    /// @dev The EIP-712 type a data source key signs over data it attests.
    bytes32 private constant SOURCED_DATA_TYPEHASH = keccak256("SourcedData(bytes32 contentHash)");

    uint256 private constant MAX_NAME_LENGTH = 64;

    /// @dev What the hot path needs about a node key, in one slot.
    struct NodeKey {
        uint32 nodeId;
        bool active;
    }

    /// @dev A data source key, in one slot.
    struct DataSourceKey {
        uint32 sourceId;
        bool revoked;
    }

    IModelRegistry private immutable REGISTRY;
    uint40 private immutable HEARTBEAT_TTL;

    // slot: nodeCount (4) | providerCount (8) | measurementCount (4) | dataSourceCount (4)
    uint32 private _nodeCount;
    uint64 private _providerCount;
    uint32 private _measurementCount;
    uint32 private _dataSourceCount;

    mapping(uint32 nodeId => Node node) private _nodes;
    mapping(address key => NodeKey nodeKey) private _nodeKeys;
    mapping(address key => Enclave enclave) private _enclaves;
    mapping(bytes32 measurement => uint32 measurementId) private _measurementIds;
    mapping(uint32 measurementId => Measurement state) private _measurementStates;
    mapping(uint64 providerId => string name) private _providerNames;
    mapping(address registrant => mapping(bytes32 nameHash => uint64 providerId)) private _providerOfName;
    mapping(uint64 providerId => address registrant) private _providerRegistrants;
    mapping(uint32 sourceId => address registrant) private _dataSourceRegistrants;
    mapping(address key => DataSourceKey sourceKey) private _dataSourceKeys;

    /// @param authority The project's AccessManager.
    /// @param registry The model registry whose artifacts are valid Local subjects.
    /// @param heartbeatTtl_ How long a heartbeat keeps an enclave live, in seconds (at least 1).
    constructor(
        address authority,
        IModelRegistry registry,
        uint40 heartbeatTtl_
    ) Managed(authority) EIP712("Proofline AttesterRegistry", "1") {
        if (address(registry).code.length == 0) revert AttesterRegistryNeedsModelRegistry(address(registry));
        if (heartbeatTtl_ == 0) revert ZeroHeartbeatTtl();
        REGISTRY = registry;
        HEARTBEAT_TTL = heartbeatTtl_;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Nodes and providers
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IAttesterRegistry
    function registerNode(address key, bytes calldata consent) external returns (uint32 nodeId) {
        _checkNewKey(key);
        _checkConsent(key, _nodeKeyConsentTypedDataHash(key, msg.sender), consent);
        nodeId = ++_nodeCount;
        _nodes[nodeId] = Node({key: key, active: true, operator: msg.sender});
        _nodeKeys[key] = NodeKey({nodeId: nodeId, active: true});
        emit NodeRegistered(nodeId, key, msg.sender);
    }

    /// @inheritdoc IAttesterRegistry
    function deactivateNode(uint32 nodeId) external {
        Node storage node = _existingNode(nodeId);
        if (node.operator != msg.sender) revert NotNodeOperator(nodeId, msg.sender);
        _deactivateNode(node, nodeId);
    }

    /// @inheritdoc IAttesterRegistry
    function guardianDeactivateNode(uint32 nodeId) external restricted {
        _deactivateNode(_existingNode(nodeId), nodeId);
    }

    /// @inheritdoc IAttesterRegistry
    function registerProvider(string calldata name) external returns (uint64 providerId) {
        uint256 length = bytes(name).length;
        if (length == 0 || length > MAX_NAME_LENGTH) revert InvalidProviderName();
        bytes32 nameHash = keccak256(bytes(name));
        uint64 existing = _providerOfName[msg.sender][nameHash];
        if (existing != 0) revert ProviderNameTaken(msg.sender, name, existing);
        providerId = ++_providerCount;
        _providerNames[providerId] = name;
        _providerOfName[msg.sender][nameHash] = providerId;
        _providerRegistrants[providerId] = msg.sender;
        emit ProviderRegistered(providerId, msg.sender, name);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Data sources
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IAttesterRegistry
    function registerDataSource(string calldata name) external returns (uint32 sourceId) {
        uint256 length = bytes(name).length;
        if (length == 0 || length > MAX_NAME_LENGTH) revert InvalidDataSourceName();
        sourceId = ++_dataSourceCount;
        _dataSourceRegistrants[sourceId] = msg.sender;
        emit DataSourceRegistered(sourceId, msg.sender, name);
    }

    /// @inheritdoc IAttesterRegistry
    function addDataSourceKey(uint32 sourceId, address key, bytes calldata consent) external {
        _checkDataSourceRegistrant(sourceId);
        if (key == address(0)) revert ZeroKey();
        if (_dataSourceKeys[key].sourceId != 0) revert DataSourceKeyTaken(key);
        _checkConsent(key, _dataSourceKeyConsentTypedDataHash(key, sourceId), consent);
        _dataSourceKeys[key] = DataSourceKey({sourceId: sourceId, revoked: false});
        emit DataSourceKeyAdded(sourceId, key);
    }

    /// @inheritdoc IAttesterRegistry
    function revokeDataSourceKey(address key) external {
        DataSourceKey storage sourceKey = _dataSourceKeys[key];
        uint32 sourceId = sourceKey.sourceId;
        if (sourceId == 0) revert UnknownDataSourceKey(key);
        _checkDataSourceRegistrant(sourceId);
        if (sourceKey.revoked) revert DataSourceKeyAlreadyRevoked(key);
        sourceKey.revoked = true;
        emit DataSourceKeyRevoked(sourceId, key);
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
        _measurementStates[id] = Measurement({id: id, approvedAt: TimeLib.now40(), revokedAt: 0});
        emit MeasurementApproved(measurement);
    }

    /// @inheritdoc IAttesterRegistry
    function revokeMeasurement(bytes32 measurement) external restricted {
        Measurement storage state = _measurementStates[_measurementIds[measurement]];
        if (!_isApproved(state)) revert MeasurementNotApproved(measurement);
        state.revokedAt = TimeLib.now40();
        emit MeasurementRevoked(measurement, msg.sender);
    }

    /// @inheritdoc IAttesterRegistry
    function registerEnclave(
        address enclave,
        bytes32 measurement,
        Route route,
        uint64 subject,
        bytes32 quoteHash,
        bytes calldata consent
    ) external restricted {
        _checkNewKey(enclave);
        _checkConsent(enclave, _enclaveKeyConsentTypedDataHash(enclave, measurement, route, subject), consent);
        Measurement memory state = _measurementStates[_measurementIds[measurement]];
        if (!_isApproved(state)) revert MeasurementNotApproved(measurement);
        if (!_isValidSubject(route, subject)) revert EnclaveSubjectInvalid(route, subject);
        _enclaves[enclave] = Enclave({
            subject: subject,
            lastHeartbeat: 0,
            disabledAt: 0,
            measurementId: state.id,
            route: route,
            registered: true,
            measurement: measurement,
            quoteHash: quoteHash
        });
        emit EnclaveRegistered(enclave, measurement, route, subject, quoteHash);
    }

    /// @inheritdoc IAttesterRegistry
    function disableEnclave(address enclave) external restricted {
        Enclave storage record = _enabledEnclave(enclave);
        record.disabledAt = TimeLib.now40();
        emit EnclaveDisabled(enclave, msg.sender);
    }

    /// @inheritdoc IAttesterRegistry
    function heartbeat(address enclave, uint40 timestamp, bytes calldata signature) external {
        Enclave storage record = _enabledEnclave(enclave);
        if (timestamp <= record.lastHeartbeat || timestamp > block.timestamp) {
            revert StaleHeartbeat(timestamp, record.lastHeartbeat);
        }
        address signer = ECDSA.recover(_heartbeatTypedDataHash(enclave, timestamp), signature);
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
    function modelRegistry() external view returns (address) {
        return address(REGISTRY);
    }

    /// @inheritdoc IAttesterRegistry
    function getNode(uint32 nodeId) external view returns (Node memory) {
        return _existingNode(nodeId);
    }

    /// @inheritdoc IAttesterRegistry
    function isActiveNode(uint32 nodeId) external view returns (bool) {
        return _nodes[nodeId].active;
    }

    /// @inheritdoc IAttesterRegistry
    function nodeOperator(uint32 nodeId) external view returns (address) {
        return _nodes[nodeId].operator;
    }

    /// @inheritdoc IAttesterRegistry
    function nodeIdOf(address key) external view returns (uint32) {
        return _nodeKeys[key].nodeId;
    }

    /// @inheritdoc IAttesterRegistry
    function activeNodeId(address key) external view returns (uint32) {
        NodeKey memory nodeKey = _nodeKeys[key];
        return nodeKey.active ? nodeKey.nodeId : 0;
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
        if (!_isProvider(providerId)) revert UnknownProvider(providerId);
        return _providerNames[providerId];
    }

    /// @inheritdoc IAttesterRegistry
    function providerRegistrant(uint64 providerId) external view returns (address) {
        if (!_isProvider(providerId)) revert UnknownProvider(providerId);
        return _providerRegistrants[providerId];
    }

    /// @inheritdoc IAttesterRegistry
    function operatorOf(address key) external view returns (address) {
        return _nodes[_nodeKeys[key].nodeId].operator;
    }

    /// @inheritdoc IAttesterRegistry
    function dataSourceRegistrant(uint32 sourceId) external view returns (address registrant) {
        registrant = _dataSourceRegistrants[sourceId];
        if (registrant == address(0)) revert UnknownDataSource(sourceId);
    }

    /// @inheritdoc IAttesterRegistry
    function dataSourceOfKey(address key) external view returns (uint32 sourceId, bool revoked) {
        DataSourceKey memory sourceKey = _dataSourceKeys[key];
        return (sourceKey.sourceId, sourceKey.revoked);
    }

    /// @inheritdoc IAttesterRegistry
    function sourceOfData(bytes32 contentHash, bytes calldata signature) external view returns (uint32) {
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(
            _sourcedDataTypedDataHash(contentHash),
            signature
        );
        if (error != ECDSA.RecoverError.NoError) return 0;
        DataSourceKey memory sourceKey = _dataSourceKeys[signer];
        return sourceKey.revoked ? 0 : sourceKey.sourceId;
    }

    /// @inheritdoc IAttesterRegistry
    function isEnclaveLive(address enclave) external view returns (bool) {
        return _isLive(_enclaves[enclave]);
    }

    /// @inheritdoc IAttesterRegistry
    function enclaveStatus(address enclave) external view returns (bool live, Route route, uint64 subject) {
        Enclave storage record = _enclaves[enclave];
        return (_isLive(record), record.route, record.subject);
    }

    /// @inheritdoc IAttesterRegistry
    function isValidSubject(Route route, uint64 subject) external view returns (bool) {
        return _isValidSubject(route, subject);
    }

    /// @inheritdoc IAttesterRegistry
    function nodeKeyConsentTypedDataHash(address key, address operator) external view returns (bytes32) {
        return _nodeKeyConsentTypedDataHash(key, operator);
    }

    /// @inheritdoc IAttesterRegistry
    function enclaveKeyConsentTypedDataHash(
        address enclave,
        bytes32 measurement,
        Route route,
        uint64 subject
    ) external view returns (bytes32) {
        return _enclaveKeyConsentTypedDataHash(enclave, measurement, route, subject);
    }

    /// @inheritdoc IAttesterRegistry
    function dataSourceKeyConsentTypedDataHash(address key, uint32 sourceId) external view returns (bytes32) {
        return _dataSourceKeyConsentTypedDataHash(key, sourceId);
    }

    /// @inheritdoc IAttesterRegistry
    function sourcedDataTypedDataHash(bytes32 contentHash) external view returns (bytes32) {
        return _sourcedDataTypedDataHash(contentHash);
    }

    /// @inheritdoc IAttesterRegistry
    function heartbeatTypedDataHash(address enclave, uint40 timestamp) external view returns (bytes32) {
        return _heartbeatTypedDataHash(enclave, timestamp);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Private
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev Enclave liveness: registered, enabled, running an approved and unrevoked measurement, and heard from
    /// within the heartbeat TTL.
    function _isLive(Enclave storage record) private view returns (bool) {
        return
            record.registered &&
            record.disabledAt == 0 &&
            block.timestamp <= uint256(record.lastHeartbeat) + HEARTBEAT_TTL &&
            _isApproved(_measurementStates[record.measurementId]);
    }

    function _isValidSubject(Route route, uint64 subject) private view returns (bool) {
        return route == Route.Local ? REGISTRY.isValidArtifact(subject) : _isProvider(subject);
    }

    function _isProvider(uint64 providerId) private view returns (bool) {
        return providerId != 0 && providerId <= _providerCount;
    }

    function _existingNode(uint32 nodeId) private view returns (Node storage node) {
        node = _nodes[nodeId];
        if (node.key == address(0)) revert UnknownNode(nodeId);
    }

    function _enabledEnclave(address enclave) private view returns (Enclave storage record) {
        record = _enclaves[enclave];
        if (!record.registered) revert UnknownEnclave(enclave);
        if (record.disabledAt != 0) revert EnclaveIsDisabled(enclave);
    }

    function _checkNewKey(address key) private view {
        if (key == address(0)) revert ZeroKey();
        if (_nodeKeys[key].nodeId != 0 || _enclaves[key].registered) revert KeyAlreadyRegistered(key);
    }

    function _checkDataSourceRegistrant(uint32 sourceId) private view {
        address registrant = _dataSourceRegistrants[sourceId];
        if (registrant == address(0)) revert UnknownDataSource(sourceId);
        if (registrant != msg.sender) revert NotDataSourceRegistrant(sourceId, msg.sender);
    }

    function _deactivateNode(Node storage node, uint32 nodeId) private {
        if (!node.active) revert NodeInactive(nodeId);
        node.active = false;
        _nodeKeys[node.key].active = false;
        emit NodeDeactivated(nodeId, msg.sender);
    }

    /// @dev Reverts unless `consent` is `key`'s signature of `digest`.
    function _checkConsent(address key, bytes32 digest, bytes calldata consent) private pure {
        address signer = ECDSA.recover(digest, consent);
        if (signer != key) revert KeyConsentInvalid(key, signer);
    }

    function _nodeKeyConsentTypedDataHash(address key, address operator) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(NODE_KEY_CONSENT_TYPEHASH, key, operator)));
    }

    function _enclaveKeyConsentTypedDataHash(
        address enclave,
        bytes32 measurement,
        Route route,
        uint64 subject
    ) private view returns (bytes32) {
        return
            _hashTypedDataV4(keccak256(abi.encode(ENCLAVE_KEY_CONSENT_TYPEHASH, enclave, measurement, route, subject)));
    }

    function _dataSourceKeyConsentTypedDataHash(address key, uint32 sourceId) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DATA_SOURCE_KEY_CONSENT_TYPEHASH, key, sourceId)));
    }

    function _sourcedDataTypedDataHash(bytes32 contentHash) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SOURCED_DATA_TYPEHASH, contentHash)));
    }

    function _heartbeatTypedDataHash(address enclave, uint40 timestamp) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(HEARTBEAT_TYPEHASH, enclave, timestamp)));
    }

    function _isApproved(Measurement memory state) private pure returns (bool) {
        return state.approvedAt != 0 && state.revokedAt == 0;
    }
}
