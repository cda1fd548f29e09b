// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

import {BondVault} from "../../contracts/bonds/BondVault.sol";
import {IAttesterRegistry} from "../../contracts/interfaces/IAttesterRegistry.sol";
import {IInferenceEscrow} from "../../contracts/interfaces/IInferenceEscrow.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {InferenceLedger} from "../../contracts/ledger/InferenceLedger.sol";
import {InferenceEscrow} from "../../contracts/payments/InferenceEscrow.sol";
import {ModelRegistry} from "../../contracts/registry/ModelRegistry.sol";
import {AttesterRegistry} from "../../contracts/verification/AttesterRegistry.sol";
import {VerifierRouter} from "../../contracts/verification/VerifierRouter.sol";
import {RequestRefLib} from "../../contracts/libraries/RequestRefLib.sol";
import {ArtifactParams} from "../../contracts/types/ModelTypes.sol";
import {Answer, Route, VerificationLevel} from "../../contracts/types/InferenceTypes.sol";
import {Roles} from "../../contracts/types/Roles.sol";
import {ProoflineTest} from "./ProoflineTest.sol";

/// @notice A real Proofline deployment for Solidity tests: AccessManager, ModelRegistry (one model, artifacts 1 and
/// 2), AttesterRegistry (node key, provider 1, an approved measurement, a live enclave bound to artifact 1 and one
/// bound to provider 1), VerifierRouter, BondVault, InferenceLedger, InferenceEscrow (the vault bound to both), and
/// signing helpers. The test contract holds every admin role, with no delays, and operates the node, whose bond holds
/// {NODE_BOND} of ETH: {_submit} locks bond before a claim above Vanilla, as a node must.
abstract contract LedgerFixture is ProoflineTest {
    bytes32 internal constant MEASUREMENT = keccak256("enclave image");
    uint256 internal constant NODE_KEY = 0xA11CE;
    uint256 internal constant ENCLAVE_KEY = 0xE7C1A5E;
    uint256 internal constant PROXY_ENCLAVE_KEY = 0xBEEF;
    uint40 internal constant CHALLENGE_WINDOW = 3600;
    uint40 internal constant SETTLEMENT_WINDOW = 86400;
    uint40 internal constant HEARTBEAT_TTL = 3600;
    uint256 internal constant MINIMUM_LOCK = 0.01 ether;
    uint40 internal constant UNBONDING_PERIOD = 3 days;
    uint256 internal constant NODE_BOND = 100 ether;
    address internal constant FEE_SINK = address(0xFEE5);

    AccessManager internal manager;
    ModelRegistry internal registry;
    AttesterRegistry internal attesters;
    VerifierRouter internal router;
    InferenceLedger internal ledger;
    BondVault internal bonds;
    InferenceEscrow internal escrow;
    /// @dev Every request opened through {_opened}, as the escrow opened it (the escrow keeps only a commitment to it;
    /// release, refunds and paid locks take it back). A redeployed escrow reuses ids: the newest request wins.
    mapping(uint256 requestId => IInferenceEscrow.Request request) internal openedRequests;

    function _deployLedger() internal {
        vm.warp(1_700_000_000);
        manager = AccessManager(_deployArtifact("AccessManager.sol:AccessManager", abi.encode(address(this))));
        registry = ModelRegistry(_deployArtifact("ModelRegistry.sol:ModelRegistry", abi.encode(manager)));
        attesters = AttesterRegistry(
            _deployArtifact("AttesterRegistry.sol:AttesterRegistry", abi.encode(manager, registry, HEARTBEAT_TTL))
        );
        router = VerifierRouter(_deployArtifact("VerifierRouter.sol:VerifierRouter", abi.encode(manager, registry)));
        _deployBondedLedger(MINIMUM_LOCK);
        bytes4[] memory trust = new bytes4[](2);
        trust[0] = IAttesterRegistry.approveMeasurement.selector;
        trust[1] = IAttesterRegistry.registerEnclave.selector;
        manager.setTargetFunctionRole(address(attesters), trust, Roles.TRUST_ADMIN);
        bytes4[] memory guardian = new bytes4[](3);
        guardian[0] = IAttesterRegistry.revokeMeasurement.selector;
        guardian[1] = IAttesterRegistry.disableEnclave.selector;
        guardian[2] = IAttesterRegistry.guardianDeactivateNode.selector;
        manager.setTargetFunctionRole(address(attesters), guardian, Roles.GUARDIAN);
        bytes4[] memory registryGuardian = new bytes4[](1);
        registryGuardian[0] = IModelRegistry.guardianRevokeArtifact.selector;
        manager.setTargetFunctionRole(address(registry), registryGuardian, Roles.GUARDIAN);
        manager.grantRole(Roles.TRUST_ADMIN, address(this), 0);
        manager.grantRole(Roles.GUARDIAN, address(this), 0);

        uint64 modelId = registry.createModel("scorer", "");
        registry.registerArtifact(modelId, _artifact("weights v1", 1), true);
        registry.registerArtifact(modelId, _artifact("weights v2", 2), false);
        _registerNode(NODE_KEY);
        vm.deal(address(this), NODE_BOND);
        bonds.deposit{value: NODE_BOND}(1, address(0), NODE_BOND);
        attesters.registerProvider("openai/gpt-4o-2024-08-06");
        attesters.approveMeasurement(MEASUREMENT);
        _registerEnclave(ENCLAVE_KEY, Route.Local, 1);
        _registerEnclave(PROXY_ENCLAVE_KEY, Route.Proxy, 1);
        _beat(ENCLAVE_KEY);
        _beat(PROXY_ENCLAVE_KEY);
    }

    /// @dev Deploys a bond vault with minimum lock `minimumLock`, a ledger naming it (on the fixture's registries and
    /// router) and an escrow for that ledger, and binds the vault to both: the fixture's, or a replacement for them.
    function _deployBondedLedger(uint256 minimumLock) internal {
        bonds = BondVault(
            _deployArtifact("BondVault.sol:BondVault", abi.encode(attesters, minimumLock, UNBONDING_PERIOD, FEE_SINK))
        );
        bytes memory ledgerArgs = abi.encode(
            registry,
            attesters,
            router,
            bonds,
            CHALLENGE_WINDOW,
            SETTLEMENT_WINDOW,
            uint40(3600)
        );
        ledger = InferenceLedger(_deployArtifact("InferenceLedger.sol:InferenceLedger", ledgerArgs));
        escrow = InferenceEscrow(_deployArtifact("InferenceEscrow.sol:InferenceEscrow", abi.encode(ledger)));
        bonds.bind(address(ledger), address(escrow));
    }

    function _artifact(string memory weights, uint16 major) private pure returns (ArtifactParams memory) {
        return
            ArtifactParams({
                blobId: keccak256(bytes(weights)),
                contentDigest: sha256(bytes(weights)),
                format: bytes16("onnx"),
                major: major,
                minor: 0,
                patch: 0,
                parentId: 0,
                zkCommitment: 0
            });
    }

    /// @dev Registers the key with private key `key` as a node key operated by this contract, with its consent.
    function _registerNode(uint256 key) internal {
        _registerNodeFor(key, address(this));
    }

    /// @dev Registers the node key with private key `key`, operated by `operator`, with the key's consent.
    function _registerNodeFor(uint256 key, address operator) internal returns (uint32 nodeId) {
        address node = vm.addr(key);
        bytes memory consent = _sign(key, attesters.nodeKeyConsentTypedDataHash(node, operator));
        vm.prank(operator);
        nodeId = attesters.registerNode(node, consent);
    }

    /// @dev Registers the enclave with private key `key`, running {MEASUREMENT}, bound to (`route`, `subject`).
    function _registerEnclave(uint256 key, Route route, uint64 subject) internal {
        address enclave = vm.addr(key);
        bytes32 consent = attesters.enclaveKeyConsentTypedDataHash(enclave, MEASUREMENT, route, subject);
        attesters.registerEnclave(enclave, MEASUREMENT, route, subject, bytes32(0), _sign(key, consent));
    }

    /// @dev A fresh heartbeat for the enclave with private key `key`.
    function _beat(uint256 key) internal {
        address enclave = vm.addr(key);
        uint40 now_ = uint40(block.timestamp);
        attesters.heartbeat(enclave, now_, _sign(key, _heartbeatDigest(enclave, now_)));
    }

    /// @dev The id `seed` becomes when node key `key` answers it: the key's address in the first 20 bytes (as the
    /// ledger requires), the seed's last 12 bytes after it. Applying it twice changes nothing.
    function _nodeInferenceId(uint256 key, bytes32 seed) internal pure returns (bytes32) {
        return bytes32((uint256(uint160(vm.addr(key))) << 96) | (uint256(seed) & type(uint96).max));
    }

    /// @dev An answer of the fixture's node on (`route`, `subject`) with output `output` and input and payment derived
    /// from its id (`seed` made the node's, see {_nodeInferenceId}).
    function _makeAnswer(
        bytes32 seed,
        Route route,
        uint64 subject,
        VerificationLevel claimed,
        bytes32 output
    ) internal pure returns (Answer memory) {
        bytes32 inferenceId = _nodeInferenceId(NODE_KEY, seed);
        return
            Answer({
                inferenceId: inferenceId,
                route: route,
                subject: subject,
                claimed: claimed,
                inputCommitment: keccak256(abi.encode("input", inferenceId)),
                outputCommitment: output,
                paymentRef: keccak256(abi.encode("payment", inferenceId))
            });
    }

    /// @dev Records `answer`, signed by the node, locking its bond first when it claims more than Vanilla.
    function _submit(Answer memory answer) internal {
        if (answer.claimed != VerificationLevel.Vanilla) _lockFor(answer);
        ledger.answer(answer, _sign(NODE_KEY, ledger.answerTypedDataHash(answer)));
    }

    /// @dev Remembers request `requestId`, just opened with `params` by `requester` and funded by `fundingRef`, as the
    /// escrow stores it; returns the id.
    function _opened(
        uint256 requestId,
        IInferenceEscrow.RequestParams memory params,
        address requester,
        bytes32 fundingRef
    ) internal returns (uint256) {
        openedRequests[requestId] = IInferenceEscrow.Request({
            requester: requester,
            deadline: params.deadline,
            route: params.route,
            minLevel: params.minLevel,
            nodeId: params.nodeId,
            asset: params.asset,
            subject: params.subject,
            bondMultiple: params.bondMultiple,
            amount: params.amount,
            inputCommitment: params.inputCommitment,
            fundingRef: fundingRef
        });
        return requestId;
    }

    /// @dev The request escrow request `requestId` was opened as (see {openedRequests}).
    function _requestOf(uint256 requestId) internal view returns (IInferenceEscrow.Request memory) {
        return openedRequests[requestId];
    }

    /// @dev Locks bond for `answer` as a node does: `lockPaid` with the request its payment reference names at the
    /// escrow, `lock` otherwise. Makes no other external call first, so a `vm.prank` before it applies to the lock.
    function _lockFor(Answer memory answer) internal returns (uint256) {
        uint256 requestId = RequestRefLib.decode(answer.paymentRef, address(escrow));
        if (requestId == 0) return bonds.lock(answer.inferenceId, answer.paymentRef);
        return bonds.lockPaid(answer.inferenceId, requestId, openedRequests[requestId]);
    }

    /// @dev {_lockFor}, returning whether it locked instead of reverting (for invariant handlers).
    function _tryLockFor(Answer memory answer) internal returns (bool) {
        uint256 requestId = RequestRefLib.decode(answer.paymentRef, address(escrow));
        if (requestId == 0) {
            try bonds.lock(answer.inferenceId, answer.paymentRef) {
                return true;
            } catch {
                return false;
            }
        }
        try bonds.lockPaid(answer.inferenceId, requestId, openedRequests[requestId]) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev {_slashFor}, returning whether it slashed instead of reverting (for invariant handlers).
    function _trySlashFor(Answer memory answer) internal returns (bool) {
        uint256 requestId = RequestRefLib.decode(answer.paymentRef, address(escrow));
        if (requestId == 0) {
            try bonds.slash(answer.inferenceId) {
                return true;
            } catch {
                return false;
            }
        }
        try bonds.slashPaid(answer.inferenceId, openedRequests[requestId]) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Slashes the lock of `answer` as anyone can: `slashPaid` with the request its payment reference names at
    /// the escrow, `slash` otherwise. Makes no other external call first (a `vm.prank` before it applies).
    function _slashFor(Answer memory answer) internal {
        uint256 requestId = RequestRefLib.decode(answer.paymentRef, address(escrow));
        if (requestId == 0) bonds.slash(answer.inferenceId);
        else bonds.slashPaid(answer.inferenceId, openedRequests[requestId]);
    }

    /// @dev The enclave with key `key` attesting `answer` with output `output`.
    function _attestation(uint256 key, Answer memory answer, bytes32 output) internal view returns (bytes memory) {
        bytes32 digest = ledger.answerDigest(answer.inputCommitment, output, answer.paymentRef);
        return _sign(key, ledger.attestationTypedDataHash(answer.inferenceId, answer.route, answer.subject, digest));
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The heartbeat digest, built here from the EIP-712 spec (not read from the registry) so the test checks it.
    function _heartbeatDigest(address enclave, uint40 timestamp) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Proofline AttesterRegistry"),
                keccak256("1"),
                block.chainid,
                address(attesters)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(keccak256("Heartbeat(address enclave,uint40 timestamp)"), enclave, timestamp)
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }
}
