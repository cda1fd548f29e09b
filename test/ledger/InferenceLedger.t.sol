// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

import {IAttesterRegistry} from "../../contracts/interfaces/IAttesterRegistry.sol";
import {IInferenceLedger} from "../../contracts/interfaces/IInferenceLedger.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {InferenceLedger} from "../../contracts/ledger/InferenceLedger.sol";
import {ModelRegistry} from "../../contracts/registry/ModelRegistry.sol";
import {Roles} from "../../contracts/types/Roles.sol";
import {ArtifactParams} from "../../contracts/types/ModelTypes.sol";
import {Answer, InferenceRecord, RecordState, Route, VerificationLevel} from "../../contracts/types/InferenceTypes.sol";
import {ProoflineTest} from "../utils/ProoflineTest.sol";

contract InferenceLedgerFuzzTest is ProoflineTest {
    bytes32 internal constant MEASUREMENT = keccak256("enclave image");
    uint256 internal constant NODE_KEY = 0xA11CE;
    uint256 internal constant ENCLAVE_KEY = 0xE7C1A5E;

    AccessManager internal manager;
    ModelRegistry internal registry;
    InferenceLedger internal ledger;

    function setUp() public {
        vm.warp(1_700_000_000);
        manager = new AccessManager(address(this));
        registry = new ModelRegistry(address(manager));
        ledger = new InferenceLedger(address(manager), IModelRegistry(address(registry)), 3600, 86400, 3600, 3600);
        bytes4[] memory trust = new bytes4[](2);
        trust[0] = IAttesterRegistry.approveMeasurement.selector;
        trust[1] = IAttesterRegistry.registerEnclave.selector;
        manager.setTargetFunctionRole(address(ledger), trust, Roles.TRUST_ADMIN);
        manager.grantRole(Roles.TRUST_ADMIN, address(this), 0);

        uint64 modelId = registry.createModel("scorer", "");
        registry.registerArtifact(
            modelId,
            ArtifactParams({
                blobId: keccak256("blob"),
                contentDigest: sha256("weights"),
                format: bytes16("onnx"),
                major: 1,
                minor: 0,
                patch: 0,
                parentId: 0,
                zkCommitment: 0
            }),
            true
        );
        ledger.registerNode(vm.addr(NODE_KEY));
        ledger.approveMeasurement(MEASUREMENT);
        ledger.registerEnclave(vm.addr(ENCLAVE_KEY), MEASUREMENT, Route.Local, 1, bytes32(0));
        uint40 now_ = uint40(block.timestamp);
        ledger.heartbeat(vm.addr(ENCLAVE_KEY), now_, _sign(ENCLAVE_KEY, _heartbeatDigest(vm.addr(ENCLAVE_KEY), now_)));
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _heartbeatDigest(address enclave, uint40 timestamp) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Proofline InferenceLedger"),
                keccak256("1"),
                block.chainid,
                address(ledger)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(keccak256("Heartbeat(address enclave,uint40 timestamp)"), enclave, timestamp)
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    /// @notice Whatever signs and whatever it signs, the achieved level only rises to TEE when a live, bound enclave
    /// attested exactly the recorded content, and a record is never settled twice.
    function testFuzz_settleTee_achievedNeverExceedsProof(
        bytes32 inferenceId,
        uint8 claimedSeed,
        uint256 signerSeed,
        bool useEnclave,
        bool sameOutput,
        bytes32 otherOutput
    ) public {
        vm.assume(inferenceId != bytes32(0));
        VerificationLevel claimed = VerificationLevel(1 + (claimedSeed % 3));
        Answer memory answer = Answer({
            inferenceId: inferenceId,
            route: Route.Local,
            subject: 1,
            claimed: claimed,
            inputCommitment: keccak256("input"),
            outputCommitment: keccak256("output"),
            paymentRef: keccak256("payment")
        });
        ledger.answer(answer, _sign(NODE_KEY, ledger.answerTypedDataHash(answer)));

        uint256 key = useEnclave ? ENCLAVE_KEY : bound(signerSeed, 1, 2 ** 128);
        bytes32 attestedOutput = sameOutput ? answer.outputCommitment : otherOutput;
        bytes32 digest = ledger.answerDigest(answer.inputCommitment, attestedOutput, answer.paymentRef);
        bytes memory signature = _sign(key, ledger.attestationTypedDataHash(inferenceId, Route.Local, 1, digest));
        bool valid = key == ENCLAVE_KEY && attestedOutput == answer.outputCommitment;

        try ledger.settleTee(inferenceId, signature) {
            vm.assertTrue(valid, "an invalid attestation raised the level");
        } catch {
            vm.assertFalse(valid, "a valid attestation was refused");
        }
        InferenceRecord memory record = ledger.getRecord(inferenceId);
        vm.assertLe(
            uint8(record.achieved),
            valid ? uint8(VerificationLevel.TEE) : uint8(VerificationLevel.Vanilla),
            "achieved"
        );
        bool settled = valid && claimed <= VerificationLevel.TEE;
        vm.assertEq(record.state == RecordState.Settled, settled, "settled state");

        if (valid) {
            // A second settlement never succeeds, whatever the claim.
            vm.expectRevert();
            ledger.settleTee(inferenceId, signature);
            vm.assertEq(uint8(ledger.getRecord(inferenceId).achieved), uint8(VerificationLevel.TEE), "re-settled");
        }
    }

    /// @notice The same inference id can be recorded only once, whatever the second answer says.
    function testFuzz_answer_neverOverwritten(bytes32 inferenceId, bytes32 otherOutput) public {
        vm.assume(inferenceId != bytes32(0));
        Answer memory answer = Answer({
            inferenceId: inferenceId,
            route: Route.Local,
            subject: 1,
            claimed: VerificationLevel.Vanilla,
            inputCommitment: keccak256("input"),
            outputCommitment: keccak256("output"),
            paymentRef: bytes32(0)
        });
        ledger.answer(answer, _sign(NODE_KEY, ledger.answerTypedDataHash(answer)));
        bytes32 stored = ledger.getRecord(inferenceId).answerDigest;
        answer.outputCommitment = otherOutput;
        bytes memory signature = _sign(NODE_KEY, ledger.answerTypedDataHash(answer));
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.AlreadyRecorded.selector, inferenceId));
        ledger.answer(answer, signature);
        vm.assertEq(ledger.getRecord(inferenceId).answerDigest, stored, "record overwritten");
    }
}
