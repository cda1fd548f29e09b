// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PolicyCheckProbe} from "../../contracts/bench/PolicyCheckProbe.sol";
import {InferenceConsumer} from "../../contracts/consumer/InferenceConsumer.sol";
import {
    Allowlists,
    Answerers,
    AttestedInputRule,
    IInferenceConsumer,
    Policy
} from "../../contracts/interfaces/IInferenceConsumer.sol";
import {IInferenceLedger} from "../../contracts/interfaces/IInferenceLedger.sol";
import {CommitmentLib} from "../../contracts/libraries/CommitmentLib.sol";
import {AnswerCommitments, OutputKind, OutputPart} from "../../contracts/types/CommitmentTypes.sol";
import {Answer, RecordState, RecordStatus, Route, VerificationLevel} from "../../contracts/types/InferenceTypes.sol";
import {LedgerFixture} from "../utils/LedgerFixture.sol";

/// @notice The smallest concrete consumer: exposes `_consume` with whatever policy it is built with, so the tests
/// can exercise every policy the base accepts. Not a mock: it is the real base with nothing added.
contract PolicyHarness is InferenceConsumer {
    constructor(
        IInferenceLedger ledger,
        Policy memory policy_,
        uint64[] memory pins
    ) InferenceConsumer(ledger, policy_, Allowlists(pins, new address[](0), new uint32[](0))) {}

    function consume(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) external returns (RecordStatus memory) {
        return _consume(inferenceId, commitments, part, proof);
    }
}

contract InferenceConsumerTest is LedgerFixture {
    OutputPart internal textPart;
    OutputPart internal dataPart;
    bytes32 internal outputRoot;
    bytes32[] internal textProof;

    function setUp() public {
        _deployLedger();
        textPart = OutputPart({index: 0, kind: OutputKind.Text, mediaType: "text/plain", content: "approve"});
        dataPart = OutputPart({index: 1, kind: OutputKind.Data, mediaType: "application/x", content: hex"01"});
        bytes32 textLeaf = this.leafOf(textPart);
        bytes32 dataLeaf = this.leafOf(dataPart);
        outputRoot =
            textLeaf < dataLeaf ? keccak256(abi.encode(textLeaf, dataLeaf)) : keccak256(abi.encode(dataLeaf, textLeaf));
        textProof.push(dataLeaf);
    }

    function leafOf(OutputPart calldata part) external pure returns (bytes32) {
        return CommitmentLib.outputLeaf(part);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Helpers
    // ----------------------------------------------------------------------------------------------------------

    function _policy(VerificationLevel minLevel, bool allowUnsettled, bool pin) internal pure returns (Policy memory) {
        return
            Policy({
                minLevel: minLevel,
                allowUnsettled: allowUnsettled,
                pinArtifacts: pin,
                singleUse: true,
                maxAge: 0,
                answerers: Answerers.Any,
                attestedInput: AttestedInputRule.None
            });
    }

    function _pins(uint64 a) internal pure returns (uint64[] memory pins) {
        pins = new uint64[](1);
        pins[0] = a;
    }

    function _consumer(Policy memory policy_) internal returns (PolicyHarness) {
        return new PolicyHarness(ledger, policy_, policy_.pinArtifacts ? _pins(1) : new uint64[](0));
    }

    function _answered(
        bytes32 id,
        Route route,
        uint64 subject,
        VerificationLevel claimed
    ) internal returns (Answer memory answer) {
        answer = _makeAnswer(id, route, subject, claimed, outputRoot);
        _submit(answer);
    }

    function _commitments(Answer memory answer) internal pure returns (AnswerCommitments memory) {
        return AnswerCommitments(answer.inputCommitment, answer.outputCommitment, answer.paymentRef);
    }

    function _expectConsumeRevert(PolicyHarness consumer, Answer memory answer, bytes memory error) internal {
        AnswerCommitments memory commitments = _commitments(answer);
        vm.expectRevert(error);
        consumer.checkInference(answer.inferenceId, commitments, textPart, textProof);
        vm.expectRevert(error);
        consumer.consume(answer.inferenceId, commitments, textPart, textProof);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Declaring a policy
    // ----------------------------------------------------------------------------------------------------------

    function test_constructor_refusesMinLevelNone() public {
        vm.expectRevert(IInferenceConsumer.PolicyMinLevelNone.selector);
        new PolicyHarness(ledger, _policy(VerificationLevel.None, false, false), new uint64[](0));
    }

    function test_constructor_refusesInconsistentPins() public {
        Policy memory pinned = _policy(VerificationLevel.TEE, false, true);
        vm.expectRevert(IInferenceConsumer.PolicyPinsInvalid.selector);
        new PolicyHarness(ledger, pinned, new uint64[](0));
        vm.expectRevert(IInferenceConsumer.PolicyPinsInvalid.selector);
        new PolicyHarness(ledger, pinned, new uint64[](5));
        uint64[] memory withZero = new uint64[](2);
        withZero[0] = 1;
        vm.expectRevert(IInferenceConsumer.PolicyPinsInvalid.selector);
        new PolicyHarness(ledger, pinned, withZero);
        vm.expectRevert(IInferenceConsumer.PolicyPinsInvalid.selector);
        new PolicyHarness(ledger, _policy(VerificationLevel.TEE, false, false), _pins(1));
    }

    function test_views_reportThePolicy() public {
        uint64[] memory pins = new uint64[](3);
        (pins[0], pins[1], pins[2]) = (2, 1, 7);
        Policy memory declared = Policy({
            minLevel: VerificationLevel.ZKML,
            allowUnsettled: true,
            pinArtifacts: true,
            singleUse: false,
            maxAge: 600,
            answerers: Answerers.Any,
            attestedInput: AttestedInputRule.None
        });
        vm.expectEmit(true, true, true, true);
        emit IInferenceConsumer.PolicyDeclared(
            address(ledger),
            declared,
            Allowlists(pins, new address[](0), new uint32[](0))
        );
        PolicyHarness consumer = new PolicyHarness(ledger, declared, pins);
        Policy memory read = consumer.policy();
        vm.assertEq(uint256(read.minLevel), uint256(VerificationLevel.ZKML), "minLevel");
        vm.assertTrue(read.allowUnsettled && read.pinArtifacts && !read.singleUse, "flags");
        vm.assertEq(read.maxAge, 600, "maxAge");
        uint64[] memory readPins = consumer.pinnedArtifacts();
        vm.assertEq(readPins.length, 3, "pin count");
        vm.assertEq(readPins[2], 7, "third pin");
        vm.assertEq(address(consumer.inferenceLedger()), address(ledger), "ledger");
        vm.assertEq(_consumer(_policy(VerificationLevel.TEE, false, false)).pinnedArtifacts().length, 0, "no pins");
    }

    // ----------------------------------------------------------------------------------------------------------
    // Each condition, in the documented order
    // ----------------------------------------------------------------------------------------------------------

    function test_ledgerUnreadable() public {
        Answer memory answer = _makeAnswer(keccak256("asked elsewhere"), Route.Local, 1, VerificationLevel.TEE, 0);
        Policy memory lax = _policy(VerificationLevel.Vanilla, true, false);
        // An address with no code answers nothing; a contract without `inspect` reverts.
        IInferenceLedger[2] memory notLedgers = [
            IInferenceLedger(address(0xdead)),
            IInferenceLedger(address(registry))
        ];
        for (uint256 i = 0; i < notLedgers.length; ++i) {
            PolicyHarness consumer = new PolicyHarness(notLedgers[i], lax, new uint64[](0));
            _expectConsumeRevert(
                consumer,
                answer,
                abi.encodeWithSelector(IInferenceConsumer.LedgerUnreadable.selector, address(notLedgers[i]))
            );
        }
    }

    function test_unknownInference() public {
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.Vanilla, true, false));
        Answer memory answer = _makeAnswer(keccak256("never answered"), Route.Local, 1, VerificationLevel.TEE, 0);
        _expectConsumeRevert(
            consumer,
            answer,
            abi.encodeWithSelector(IInferenceConsumer.InferenceUnknown.selector, answer.inferenceId)
        );
    }

    function test_rejectedInference_neverSatisfies() public {
        // Even the laxest policy refuses a record that missed its deadline.
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.Vanilla, true, false));
        Answer memory answer = _answered(keccak256("late"), Route.Local, 1, VerificationLevel.TEE);
        vm.warp(block.timestamp + SETTLEMENT_WINDOW + 1);
        ledger.reject(answer.inferenceId);
        _expectConsumeRevert(
            consumer,
            answer,
            abi.encodeWithSelector(IInferenceConsumer.InferenceWasRejected.selector, answer.inferenceId)
        );
    }

    function test_unsettledAnswer_refusedBySettledOnlyPolicy() public {
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.Vanilla, false, false));
        Answer memory answer = _answered(keccak256("fresh"), Route.Local, 1, VerificationLevel.Vanilla);
        _expectConsumeRevert(
            consumer,
            answer,
            abi.encodeWithSelector(
                IInferenceConsumer.InferenceNotSettled.selector,
                answer.inferenceId,
                RecordState.Answered
            )
        );
        // Once the challenge window passes unrefuted, the same answer is settled without anyone calling finalize.
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        vm.expectEmit(true, true, true, true);
        emit IInferenceConsumer.InferenceConsumed(
            answer.inferenceId,
            address(ledger),
            0,
            VerificationLevel.Vanilla,
            false
        );
        consumer.consume(answer.inferenceId, _commitments(answer), textPart, textProof);
    }

    function test_unsettledAnswer_acceptedWithOptIn_andFlagged() public {
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.Vanilla, true, false));
        Answer memory answer = _answered(keccak256("fresh"), Route.Local, 1, VerificationLevel.TEE);
        vm.expectEmit(true, true, true, true);
        emit IInferenceConsumer.InferenceConsumed(
            answer.inferenceId,
            address(ledger),
            0,
            VerificationLevel.Vanilla,
            true
        );
        RecordStatus memory record = consumer.consume(answer.inferenceId, _commitments(answer), textPart, textProof);
        vm.assertEq(uint256(record.state), uint256(RecordState.Answered), "acted before settlement");
        vm.assertTrue(consumer.consumed(answer.inferenceId), "marked used");
    }

    /// @notice The gas benchmark's probe runs the same check: it measures a passing check and reverts as the check.
    function test_policyCheckProbe_measuresTheCheck() public {
        PolicyCheckProbe probe = new PolicyCheckProbe(
            ledger,
            _policy(VerificationLevel.Vanilla, false, true),
            Allowlists(_pins(1), new address[](0), new uint32[](0))
        );
        Answer memory answer = _answered(keccak256("probe"), Route.Local, 1, VerificationLevel.Vanilla);
        AnswerCommitments memory commitments = _commitments(answer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceConsumer.InferenceNotSettled.selector,
                answer.inferenceId,
                RecordState.Answered
            )
        );
        probe.measureCheck(answer.inferenceId, commitments, textPart, textProof);
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        uint256 used = probe.measureCheck(answer.inferenceId, commitments, textPart, textProof);
        vm.assertGt(used, 0, "no gas measured");
        // The check alone: a few thousand gas optimized (the benchmark gates that figure), some 50k in the coverage
        // run's unoptimized build; a whole consume or answer call costs several times more.
        vm.assertLt(used, 80_000, "not the check alone");
    }

    function test_levelTooLow() public {
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.TEE, true, false));
        Answer memory answer = _answered(keccak256("vanilla"), Route.Local, 1, VerificationLevel.Vanilla);
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        _expectConsumeRevert(
            consumer,
            answer,
            abi.encodeWithSelector(
                IInferenceConsumer.LevelTooLow.selector,
                answer.inferenceId,
                VerificationLevel.Vanilla,
                VerificationLevel.TEE
            )
        );
    }

    function test_proxyRoute_neverSatisfiesPinnedArtifacts() public {
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.TEE, false, true));
        Answer memory answer = _answered(keccak256("proxy"), Route.Proxy, 1, VerificationLevel.TEE);
        // Proxy provider 1 and artifact 1 share the number; the route still decides.
        ledger.settleTee(answer.inferenceId, _attestation(PROXY_ENCLAVE_KEY, answer, answer.outputCommitment));
        _expectConsumeRevert(
            consumer,
            answer,
            abi.encodeWithSelector(IInferenceConsumer.ProxyRouteRefused.selector, answer.inferenceId, uint64(1))
        );
    }

    function test_artifactNotPinned() public {
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.Vanilla, true, true));
        Answer memory answer = _answered(keccak256("v2"), Route.Local, 2, VerificationLevel.Vanilla);
        _expectConsumeRevert(
            consumer,
            answer,
            abi.encodeWithSelector(IInferenceConsumer.ArtifactNotPinned.selector, answer.inferenceId, uint64(2))
        );
    }

    function test_tooOld() public {
        Policy memory policy_ = _policy(VerificationLevel.Vanilla, true, false);
        policy_.maxAge = 100;
        PolicyHarness consumer = _consumer(policy_);
        Answer memory answer = _answered(keccak256("aging"), Route.Local, 1, VerificationLevel.Vanilla);
        // Read from the record: with via-IR, `block.timestamp` after a warp is not reliable inside one test call.
        uint256 answeredAt = ledger.getRecord(answer.inferenceId).answeredAt;
        vm.warp(answeredAt + 100);
        consumer.checkInference(answer.inferenceId, _commitments(answer), textPart, textProof);
        vm.warp(answeredAt + 101);
        _expectConsumeRevert(
            consumer,
            answer,
            abi.encodeWithSelector(IInferenceConsumer.InferenceTooOld.selector, answer.inferenceId, answeredAt, 100)
        );
    }

    function test_commitmentsMismatch() public {
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.Vanilla, true, false));
        Answer memory answer = _answered(keccak256("c"), Route.Local, 1, VerificationLevel.Vanilla);
        answer.paymentRef = keccak256("another payment");
        _expectConsumeRevert(
            consumer,
            answer,
            abi.encodeWithSelector(IInferenceConsumer.AnswerCommitmentsMismatch.selector, answer.inferenceId)
        );
    }

    function test_outputPartNotCommitted() public {
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.Vanilla, true, false));
        Answer memory answer = _answered(keccak256("p"), Route.Local, 1, VerificationLevel.Vanilla);
        AnswerCommitments memory commitments = _commitments(answer);
        textPart.content = "reject";
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceConsumer.OutputPartNotCommitted.selector, answer.inferenceId, 0)
        );
        consumer.consume(answer.inferenceId, commitments, textPart, textProof);
        textPart.content = "approve";
        // The other part, with the proof of the first, fails too.
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceConsumer.OutputPartNotCommitted.selector, answer.inferenceId, 1)
        );
        consumer.consume(answer.inferenceId, commitments, dataPart, textProof);
    }

    function test_singleUse() public {
        PolicyHarness consumer = _consumer(_policy(VerificationLevel.Vanilla, true, false));
        Answer memory answer = _answered(keccak256("once"), Route.Local, 1, VerificationLevel.Vanilla);
        consumer.consume(answer.inferenceId, _commitments(answer), textPart, textProof);
        _expectConsumeRevert(
            consumer,
            answer,
            abi.encodeWithSelector(IInferenceConsumer.InferenceAlreadyConsumed.selector, answer.inferenceId)
        );
        // Without single use, the same inference can be used again.
        Policy memory reusable = _policy(VerificationLevel.Vanilla, true, false);
        reusable.singleUse = false;
        PolicyHarness other = _consumer(reusable);
        other.consume(answer.inferenceId, _commitments(answer), textPart, textProof);
        other.consume(answer.inferenceId, _commitments(answer), textPart, textProof);
        vm.assertFalse(other.consumed(answer.inferenceId), "reusable consumers do not record use");
    }

    // ----------------------------------------------------------------------------------------------------------
    // Fuzz: acceptance is exactly the policy
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Whatever the policy and whatever happened to the record, `consume` succeeds exactly when the
    /// record meets every condition, and never on a rejected record.
    function testFuzz_consumeAcceptsExactlyWhatThePolicyAllows(
        uint8 minSeed,
        bool allowUnsettled,
        bool pin,
        uint8 claimSeed,
        uint8 subjectSeed,
        uint8 eventSeed,
        uint256 elapsed
    ) public {
        elapsed = bound(elapsed, 0, SETTLEMENT_WINDOW + 2 * CHALLENGE_WINDOW);
        Policy memory policy_ = _policy(VerificationLevel(1 + (minSeed % 3)), allowUnsettled, pin);
        policy_.maxAge = SETTLEMENT_WINDOW + CHALLENGE_WINDOW;
        PolicyHarness consumer = _consumer(policy_);
        VerificationLevel claimed = VerificationLevel(1 + (claimSeed % 2)); // Vanilla or TEE
        uint64 subject = 1 + (subjectSeed % 2);
        Answer memory answer = _answered(keccak256("fuzz"), Route.Local, subject, claimed);

        uint256 action = eventSeed % 3; // 0: nothing, 1: TEE settlement, 2: TEE refutation
        if (action == 2 && subject == 1 && claimed == VerificationLevel.Vanilla) {
            ledger.refuteTee(
                answer.inferenceId,
                answer.inputCommitment,
                answer.outputCommitment,
                answer.paymentRef,
                keccak256("other"),
                _attestation(ENCLAVE_KEY, answer, keccak256("other"))
            );
        } else if (action == 1 && subject == 1) {
            ledger.settleTee(answer.inferenceId, _attestation(ENCLAVE_KEY, answer, answer.outputCommitment));
        }
        vm.warp(block.timestamp + elapsed);
        if (claimed == VerificationLevel.TEE && elapsed > SETTLEMENT_WINDOW) {
            try ledger.reject(answer.inferenceId) {} catch {}
        }

        RecordStatus memory record = ledger.inspect(answer.inferenceId);
        RecordState state = record.state;
        bool ok =
            state != RecordState.Rejected &&
                (state == RecordState.Settled || allowUnsettled) &&
                record.achieved >= policy_.minLevel &&
                (!pin || subject == 1) &&
                elapsed <= policy_.maxAge;
        try consumer.consume(answer.inferenceId, _commitments(answer), textPart, textProof) {
            vm.assertTrue(ok, "accepted what the policy refuses");
            vm.assertTrue(state != RecordState.Rejected, "accepted a rejected record");
        } catch {
            vm.assertFalse(ok, "refused what the policy accepts");
        }
    }
}
