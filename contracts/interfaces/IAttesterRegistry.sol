// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Route} from "../types/InferenceTypes.sol";

/// @title IAttesterRegistry
/// @notice Who may vouch for an inference: node signing keys (Vanilla), enclave keys under approved code measurements
/// (TEE), the named external providers that proxy routes call, and the data sources whose signed data an inference's
/// input may carry (attested external data, checked by consumers that require it).
/// @dev Trust-raising actions (approving a measurement, registering an enclave) are restricted through the project's
/// AccessManager to TRUST_ADMIN, which holds its role with an execution delay: they are scheduled, wait, then run.
/// Trust-lowering actions (revoking a measurement, disabling an enclave or a node) are immediate, for GUARDIAN.
///
/// Warning: the registry does not verify hardware attestation quotes. The trust admin checks an enclave's quote
/// off-chain before scheduling its registration; the quote's hash is recorded so that anyone can re-check it.
interface IAttesterRegistry {
    /// @notice A registered node signing key.
    /// @param key The address whose EIP-712 signatures count as the node's answers.
    /// @param operator Who registered it; may deactivate it.
    /// @param active False once deactivated (final).
    struct Node {
        // slot 0: key (20) | active (1)
        address key;
        bool active;
        // slot 1
        address operator;
    }

    /// @notice A registered enclave key.
    /// @param route Local (subject is an artifact id) or Proxy (subject is a provider id): what it may attest.
    /// @param subject The artifact or provider the enclave is bound to.
    /// @param lastHeartbeat Timestamp of its newest signed heartbeat.
    /// @param disabledAt When a guardian disabled it (0 while enabled).
    /// @param measurement The code measurement (PCR-style hash) it runs.
    /// @param quoteHash Hash of the attestation quote the trust admin checked.
    /// @param measurementId The registry's id of `measurement` (read on the settlement path instead of the hash).
    struct Enclave {
        // slot 0: subject (8) | lastHeartbeat (5) | disabledAt (5) | measurementId (4) | route (1) | registered (1)
        uint64 subject;
        uint40 lastHeartbeat;
        uint40 disabledAt;
        uint32 measurementId;
        Route route;
        bool registered;
        // slots 1-2
        bytes32 measurement;
        bytes32 quoteHash;
    }

    /// @notice The state of a code measurement. `id` is 0 until it is approved.
    struct Measurement {
        uint32 id;
        uint40 approvedAt;
        uint40 revokedAt;
    }

    /// @notice `operator` registered `key` as node `nodeId`.
    event NodeRegistered(uint32 indexed nodeId, address indexed key, address indexed operator);
    /// @notice `by` (its operator or a guardian) deactivated node `nodeId` for good.
    event NodeDeactivated(uint32 indexed nodeId, address indexed by);
    /// @notice `registrant` registered provider `providerId` under `name`.
    event ProviderRegistered(uint64 indexed providerId, address indexed registrant, string name);
    /// @notice `measurement` was approved: enclaves running it may be registered.
    event MeasurementApproved(bytes32 indexed measurement);
    /// @notice A guardian (`by`) revoked `measurement`: no enclave running it is live from now on.
    event MeasurementRevoked(bytes32 indexed measurement, address indexed by);
    /// @notice `enclave` was registered, running `measurement`, bound to (`route`, `subject`), after the trust admin
    /// checked the quote hashed as `quoteHash`.
    event EnclaveRegistered(
        address indexed enclave,
        bytes32 indexed measurement,
        Route route,
        uint64 indexed subject,
        bytes32 quoteHash
    );
    /// @notice A guardian (`by`) disabled `enclave` for good.
    event EnclaveDisabled(address indexed enclave, address indexed by);
    /// @notice `enclave` signed a liveness heartbeat at `timestamp`.
    event Heartbeat(address indexed enclave, uint40 timestamp);

    /// @notice `registrant` registered data source `sourceId`, named `name`.
    event DataSourceRegistered(uint32 indexed sourceId, address indexed registrant, string name);
    /// @notice Data source `sourceId` added `key`: what `key` signs counts as the source's data.
    event DataSourceKeyAdded(uint32 indexed sourceId, address indexed key);
    /// @notice Data source `sourceId` revoked `key`: nothing `key` signed, before or after, counts from now on.
    event DataSourceKeyRevoked(uint32 indexed sourceId, address indexed key);

    /// @notice The zero address is not a key.
    error ZeroKey();
    /// @notice `key` is already registered as a node or an enclave.
    error KeyAlreadyRegistered(address key);
    /// @notice No node has id `nodeId`.
    error UnknownNode(uint32 nodeId);
    /// @notice `caller` is not the operator of `nodeId`.
    error NotNodeOperator(uint32 nodeId, address caller);
    /// @notice `nodeId` is already deactivated.
    error NodeInactive(uint32 nodeId);
    /// @notice A provider name is 1 to 64 bytes.
    error InvalidProviderName();
    /// @notice `registrant` already registered `name`, as `providerId`.
    error ProviderNameTaken(address registrant, string name, uint64 providerId);
    /// @notice No provider has id `providerId`.
    error UnknownProvider(uint64 providerId);
    /// @notice The zero hash is not a measurement.
    error ZeroMeasurement();
    /// @notice `measurement` is already approved (or was approved and revoked: revocation is final).
    error MeasurementAlreadyApproved(bytes32 measurement);
    /// @notice `measurement` is not approved, or was revoked.
    error MeasurementNotApproved(bytes32 measurement);
    /// @notice No enclave has key `enclave`.
    error UnknownEnclave(address enclave);
    /// @notice `enclave` was disabled.
    error EnclaveIsDisabled(address enclave);
    /// @notice A heartbeat must be newer than `lastHeartbeat` and not in the future.
    error StaleHeartbeat(uint40 timestamp, uint40 lastHeartbeat);
    /// @notice A heartbeat's signature was not made by the enclave key.
    error InvalidHeartbeatSignature(address enclave, address signer);
    /// @notice An enclave must be bound to a valid subject: a valid artifact (Local) or a registered provider (Proxy).
    error EnclaveSubjectInvalid(Route route, uint64 subject);
    /// @notice The consent signature for `key` was made by `signer`, not by the key itself: nobody registers a key
    /// they do not control.
    error KeyConsentInvalid(address key, address signer);
    /// @notice A heartbeat must keep an enclave live for at least one second.
    error ZeroHeartbeatTtl();
    /// @notice A data source name is 1 to 64 bytes.
    error InvalidDataSourceName();
    /// @notice No data source has id `sourceId`.
    error UnknownDataSource(uint32 sourceId);
    /// @notice `caller` is not the registrant of data source `sourceId`.
    error NotDataSourceRegistrant(uint32 sourceId, address caller);
    /// @notice `key` is already a data source key (a revoked key stays taken, so it can never vouch again).
    error DataSourceKeyTaken(address key);
    /// @notice `key` is not a data source key.
    error UnknownDataSourceKey(address key);
    /// @notice `key` was already revoked.
    error DataSourceKeyAlreadyRevoked(address key);
    /// @notice The model registry given at construction, `registry`, has no code.
    error AttesterRegistryNeedsModelRegistry(address registry);

    /// @notice Registers `key` as a node signing key operated by the caller, with the key's consent: its EIP-712
    /// signature of `NodeKeyConsent(address key,address operator)`, the operator being the caller, under this
    /// registry's domain (so it names the registry and the chain).
    /// @dev Without the consent anyone could register another node's key first, becoming its operator (the payee of
    /// its escrowed payments), or register an enclave's address as a node and block the enclave's registration.
    function registerNode(address key, bytes calldata consent) external returns (uint32 nodeId);

    /// @notice Deactivates `nodeId` for good; its later answers are refused. Operator only. Immediate.
    function deactivateNode(uint32 nodeId) external;

    /// @notice Deactivates `nodeId` for good, as a guardian. Immediate.
    function guardianDeactivateNode(uint32 nodeId) external;

    /// @notice Registers an external provider that proxy routes may name, e.g. "openai/gpt-4o-2024-08-06".
    /// @dev Permissionless: a provider name proves nothing about the provider; it names whom a proxy called. Names are
    /// unique per registrant, not globally: registering a name first takes it from nobody else (a squatter gets an id
    /// of its own), and what binds records and enclaves is the provider id, with its registrant on record.
    function registerProvider(string calldata name) external returns (uint64 providerId);

    /// @notice Registers a data source (a price feed, a credit bureau, ...) owned by the caller, who then adds its
    /// signing keys. Permissionless: a source proves nothing by registering; a consumer decides which source ids it
    /// trusts. `name` (1 to 64 bytes) is a label for reviewers, in the event only.
    function registerDataSource(string calldata name) external returns (uint32 sourceId);

    /// @notice Adds `key` as a signing key of data source `sourceId`. Its registrant only, with the key's consent: its
    /// EIP-712 signature of `DataSourceKeyConsent(address key,uint32 sourceId)` under this registry's domain, so nobody
    /// registers a key they do not control.
    function addDataSourceKey(uint32 sourceId, address key, bytes calldata consent) external;

    /// @notice Revokes `key`, at once and for good: {sourceOfData} no longer answers for anything it signed, so
    /// consumers stop accepting inputs it attested, including ones attested before. Its source's registrant only.
    function revokeDataSourceKey(address key) external;

    /// @notice Approves a code measurement. TRUST_ADMIN only, through the AccessManager's execution delay.
    function approveMeasurement(bytes32 measurement) external;

    /// @notice Revokes a code measurement, at once and for good: no enclave running it can settle from now on.
    /// GUARDIAN only. Records already settled keep their history.
    function revokeMeasurement(bytes32 measurement) external;

    /// @notice Registers an enclave key running an approved `measurement`, bound to one artifact (Local) or one
    /// provider (Proxy). TRUST_ADMIN only, through the AccessManager's execution delay. `consent` is the enclave
    /// key's EIP-712 signature of `EnclaveKeyConsent(address enclave,bytes32 measurement,uint8 route,uint64 subject)`
    /// under this registry's domain: the enclave agrees to exactly this binding.
    function registerEnclave(
        address enclave,
        bytes32 measurement,
        Route route,
        uint64 subject,
        bytes32 quoteHash,
        bytes calldata consent
    ) external;

    /// @notice Disables `enclave`, at once and for good. GUARDIAN only.
    function disableEnclave(address enclave) external;

    /// @notice Records a liveness heartbeat signed (EIP-712 `Heartbeat(address enclave,uint40 timestamp)`) by the
    /// enclave key. Anyone may relay it.
    function heartbeat(address enclave, uint40 timestamp, bytes calldata signature) external;

    /// @notice How long a heartbeat keeps an enclave live, in seconds.
    function heartbeatTtl() external view returns (uint40);

    /// @notice The model registry whose artifacts are valid Local subjects.
    function modelRegistry() external view returns (address);

    /// @notice The node `nodeId`. Reverts with {UnknownNode}.
    function getNode(uint32 nodeId) external view returns (Node memory);

    /// @notice Whether `nodeId` is a registered node whose key is active (false for unknown ids). One storage read:
    /// what the escrow checks when a request names a node.
    function isActiveNode(uint32 nodeId) external view returns (bool);

    /// @notice The operator of node `nodeId`, or the zero address for an unknown id. One storage read: where the
    /// escrow credits a payment.
    function nodeOperator(uint32 nodeId) external view returns (address);

    /// @notice The node id of `key`, active or not, or 0.
    function nodeIdOf(address key) external view returns (uint32);

    /// @notice The node id of `key` while it is an active node key, or 0: whether its signature counts as an answer.
    function activeNodeId(address key) external view returns (uint32);

    /// @notice The enclave `enclave`. Reverts with {UnknownEnclave}.
    function getEnclave(address enclave) external view returns (Enclave memory);

    /// @notice The state of `measurement` (all zero when it was never approved).
    function getMeasurement(bytes32 measurement) external view returns (Measurement memory);

    /// @notice The provider's name. Reverts with {UnknownProvider}.
    function providerName(uint64 providerId) external view returns (string memory);

    /// @notice Who registered the provider. Reverts with {UnknownProvider}.
    function providerRegistrant(uint64 providerId) external view returns (address);

    /// @notice The operator of the node whose key is `key`, active or not, or the zero address.
    function operatorOf(address key) external view returns (address);

    /// @notice Who registered data source `sourceId`. Reverts with {UnknownDataSource}.
    function dataSourceRegistrant(uint32 sourceId) external view returns (address);

    /// @notice The data source `key` signs for (0 when it is none's) and whether it was revoked.
    function dataSourceOfKey(address key) external view returns (uint32 sourceId, bool revoked);

    /// @notice The data source whose unrevoked key made `signature`, the EIP-712 signature of
    /// `SourcedData(bytes32 contentHash)` under this registry's domain; 0 when there is none (a malformed
    /// signature, an unknown key or a revoked one). What a consumer asks of an attested input part.
    function sourceOfData(bytes32 contentHash, bytes calldata signature) external view returns (uint32 sourceId);

    /// @notice Whether `enclave` could attest now: registered, enabled, measurement approved and unrevoked, and a
    /// heartbeat within {heartbeatTtl}. The one implementation of enclave liveness.
    function isEnclaveLive(address enclave) external view returns (bool);

    /// @notice What a settlement needs about `enclave`, in one call: whether it is live (as {isEnclaveLive}) and
    /// what it is bound to. An unknown enclave reads not live, bound to (Local, 0).
    function enclaveStatus(address enclave) external view returns (bool live, Route route, uint64 subject);

    /// @notice Whether `subject` names something of `route`'s kind that may be answered for now: an artifact that
    /// exists and is not revoked in the model registry (Local), or a registered provider (Proxy). The one
    /// implementation of subject validity, read by the ledger and the escrow.
    function isValidSubject(Route route, uint64 subject) external view returns (bool);

    /// @notice The EIP-712 digest `key` signs to consent to being registered as a node key operated by `operator`.
    function nodeKeyConsentTypedDataHash(address key, address operator) external view returns (bytes32);

    /// @notice The EIP-712 digest `enclave` signs to consent to being registered with this measurement and binding.
    function enclaveKeyConsentTypedDataHash(
        address enclave,
        bytes32 measurement,
        Route route,
        uint64 subject
    ) external view returns (bytes32);

    /// @notice The EIP-712 digest `key` signs to consent to being a signing key of data source `sourceId`.
    function dataSourceKeyConsentTypedDataHash(address key, uint32 sourceId) external view returns (bytes32);

    /// @notice The EIP-712 digest a data source key signs to attest data whose `keccak256` is `contentHash`.
    function sourcedDataTypedDataHash(bytes32 contentHash) external view returns (bytes32);

    /// @notice The EIP-712 digest an enclave signs for a heartbeat at `timestamp` (this registry's domain).
    function heartbeatTypedDataHash(address enclave, uint40 timestamp) external view returns (bytes32);
}
