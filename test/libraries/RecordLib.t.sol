// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PackedRecord, RecordLib} from "../../contracts/libraries/RecordLib.sol";
import {RecordState, Route, VerificationLevel} from "../../contracts/types/InferenceTypes.sol";
import {ProoflineTest} from "../utils/ProoflineTest.sol";

/// @notice RecordLib owns the ledger's record word: every field reads back what was written, a settlement rewrites
/// only its own fields, and Vanilla finality, effective state and effective settlement time follow one rule.
contract RecordLibFuzzTest is ProoflineTest {
    function _answered(
        uint64 subject,
        uint32 nodeId,
        uint40 answeredAt,
        bool proxy,
        uint8 claimedSeed
    ) private pure returns (PackedRecord record, Route route, VerificationLevel claimed) {
        route = proxy ? Route.Proxy : Route.Local;
        claimed = VerificationLevel(bound(claimedSeed, 1, 3));
        record = RecordLib.answered(subject, nodeId, answeredAt, route, claimed);
    }

    function testFuzz_answered_readsBackEveryField(
        uint64 subject,
        uint32 nodeId,
        uint40 answeredAt,
        bool proxy,
        uint8 claimedSeed
    ) public pure {
        (PackedRecord record, Route route, VerificationLevel claimed) = _answered(
            subject,
            nodeId,
            answeredAt,
            proxy,
            claimedSeed
        );
        vm.assertFalse(record.isEmpty(), "a record is never empty");
        vm.assertEq(record.subject(), subject, "subject");
        vm.assertEq(record.nodeId(), nodeId, "nodeId");
        vm.assertEq(record.answeredAt(), answeredAt, "answeredAt");
        vm.assertEq(record.settledAt(), 0, "settledAt");
        vm.assertEq(record.round(), 0, "round");
        vm.assertEq(uint256(record.route()), uint256(route), "route");
        vm.assertEq(uint256(record.claimed()), uint256(claimed), "claimed");
        vm.assertEq(uint256(record.achieved()), uint256(VerificationLevel.Vanilla), "achieved");
        vm.assertEq(uint256(record.state()), uint256(RecordState.Answered), "state");
        vm.assertEq(PackedRecord.unwrap(record) >> 240, 0, "the top 16 bits stay unused");
    }

    function testFuzz_withSettlement_rewritesOnlyItsFields(
        uint64 subject,
        uint32 nodeId,
        uint40 answeredAt,
        uint40 settledAt,
        uint32 round,
        uint8 achievedSeed,
        uint8 stateSeed
    ) public pure {
        (PackedRecord record, Route route, VerificationLevel claimed) = _answered(subject, nodeId, answeredAt, true, 2);
        VerificationLevel achieved = VerificationLevel(bound(achievedSeed, 1, 3));
        RecordState state = RecordState(bound(stateSeed, 1, 3));
        PackedRecord settled = record.withSettlement(achieved, state, settledAt, round);
        vm.assertEq(settled.subject(), subject, "subject kept");
        vm.assertEq(settled.nodeId(), nodeId, "nodeId kept");
        vm.assertEq(settled.answeredAt(), answeredAt, "answeredAt kept");
        vm.assertEq(uint256(settled.route()), uint256(route), "route kept");
        vm.assertEq(uint256(settled.claimed()), uint256(claimed), "claimed kept");
        vm.assertEq(settled.settledAt(), settledAt, "settledAt");
        vm.assertEq(settled.round(), round, "round");
        vm.assertEq(uint256(settled.achieved()), uint256(achieved), "achieved");
        vm.assertEq(uint256(settled.state()), uint256(state), "state");

        uint8 reason = uint8(bound(achievedSeed, 0, 2));
        PackedRecord rejected = settled.withRejection(reason);
        uint256 stateAndReason =
            (uint256(0xff) << RecordLib.STATE_OFFSET) | (uint256(0xff) << RecordLib.REJECTION_OFFSET);
        vm.assertEq(
            PackedRecord.unwrap(rejected) & ~stateAndReason,
            PackedRecord.unwrap(settled) & ~stateAndReason,
            "withRejection changed another field"
        );
        vm.assertEq(uint256(rejected.state()), uint256(RecordState.Rejected), "withRejection: state");
        vm.assertEq(rejected.rejectionReason(), reason, "withRejection: reason");
    }

    /// @param revokedSeed When the artifact was revoked: never (one case in three) or any time around the window.
    function testFuzz_vanillaFinality_isOneRule(
        uint40 answeredAt,
        uint32 window,
        uint256 time,
        uint8 claimedSeed,
        bool settle,
        uint256 revokedSeed
    ) public pure {
        (PackedRecord record, , VerificationLevel claimed) = _answered(7, 1, answeredAt, false, claimedSeed);
        if (settle) record = record.withSettlement(claimed, RecordState.Settled, answeredAt, 1);
        uint256 windowEnd = uint256(answeredAt) + window;
        time = bound(time, answeredAt, windowEnd + window + 2);
        uint256 revokedAt = revokedSeed % 3 == 0 ? 0 : bound(revokedSeed, 1, windowEnd + window + 2);
        bool byTime = !settle && claimed == VerificationLevel.Vanilla && time > windowEnd;
        // Revoked while pending (before the first second after the window): the claim never settles.
        bool final_ = byTime && (revokedAt == 0 || revokedAt > windowEnd);
        vm.assertEq(record.isVanillaFinalByTime(window, time), byTime, "isVanillaFinalByTime");
        vm.assertEq(record.isVanillaFinal(window, time, revokedAt), final_, "isVanillaFinal");

        RecordState expected = final_ ? RecordState.Settled : record.state();
        vm.assertEq(uint256(record.effectiveState(window, time, revokedAt)), uint256(expected), "effectiveState");
        (uint256 state, uint256 achieved, uint256 route, uint256 subject, uint256 at) = record.statusWords();
        vm.assertEq(state, uint256(record.state()), "statusWords: the stored state");
        vm.assertEq(achieved, uint256(record.achieved()), "statusWords: achieved");
        vm.assertEq(route, uint256(record.route()), "statusWords: route");
        vm.assertEq(subject, record.subject(), "statusWords: subject");
        vm.assertEq(at, record.answeredAt(), "statusWords: answeredAt");

        uint256 settledAt = record.effectiveSettledAt(window, time, revokedAt);
        if (final_) vm.assertEq(settledAt, windowEnd + 1, "Vanilla settles when its window ends");
        else if (settle) vm.assertEq(settledAt, answeredAt, "the stored time once settled");
        else vm.assertEq(settledAt, 0, "no time before settling");
    }
}
