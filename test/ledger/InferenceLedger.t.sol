// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceLedger} from "../../contracts/interfaces/IInferenceLedger.sol";
import {Answer, InferenceRecord, RecordState, Route, VerificationLevel} from "../../contracts/types/InferenceTypes.sol";
import {LedgerFixture} from "../utils/LedgerFixture.sol";

contract InferenceLedgerFuzzTest is LedgerFixture {
    function setUp() public {
        _deployLedger();
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
        inferenceId = _nodeInferenceId(NODE_KEY, inferenceId);
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
        _submit(answer);

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
        inferenceId = _nodeInferenceId(NODE_KEY, inferenceId);
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
