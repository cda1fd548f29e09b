// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RecordState, Route, VerificationLevel} from "../types/InferenceTypes.sol";

/// @notice A ledger record's fields other than its answer digest, packed into the one storage word the ledger keeps
/// per record. Zero exactly when there is no record: a stored record's state is never `None`.
/// @dev Layout, from the least significant bit (the offsets are {RecordLib}'s constants, and nothing else reads
/// the word's bits):
/// subject (64) | nodeId (32) | answeredAt (40) | settledAt (40) | round (32) | route (8) | claimed (8) |
/// achieved (8) | state (8) | rejection reason (8) | unused (8)
type PackedRecord is uint256;

using RecordLib for PackedRecord global;

/// @title RecordLib
/// @notice Owns the layout of {PackedRecord}, the way v4-core's `Slot0Library` owns `Slot0`: every reader and writer
/// of a record word goes through it. It also holds the rule of Vanilla finality, so that every view of a record's
/// state and settlement time derives them the same way.
library RecordLib {
    uint256 internal constant SUBJECT_OFFSET = 0;
    uint256 internal constant NODE_ID_OFFSET = 64;
    uint256 internal constant ANSWERED_AT_OFFSET = 96;
    uint256 internal constant SETTLED_AT_OFFSET = 136;
    uint256 internal constant ROUND_OFFSET = 176;
    uint256 internal constant ROUTE_OFFSET = 208;
    uint256 internal constant CLAIMED_OFFSET = 216;
    uint256 internal constant ACHIEVED_OFFSET = 224;
    uint256 internal constant STATE_OFFSET = 232;
    uint256 internal constant REJECTION_OFFSET = 240;

    uint256 internal constant MASK_8 = 0xff;
    uint256 internal constant MASK_32 = 0xffffffff;
    uint256 internal constant MASK_40 = 0xffffffffff;
    uint256 internal constant MASK_64 = 0xffffffffffffffff;

    /// @dev The settlement fields rewritten together: settledAt, round, achieved and state.
    uint256 private constant SETTLEMENT_MASK =
        (MASK_40 << SETTLED_AT_OFFSET) |
            (MASK_32 << ROUND_OFFSET) |
            (MASK_8 << ACHIEVED_OFFSET) |
            (MASK_8 << STATE_OFFSET);

    /// @notice A new `Answered` record: achieved Vanilla (the node's signature), not settled, no round.
    function answered(
        uint64 subject_,
        uint32 nodeId_,
        uint40 answeredAt_,
        Route route_,
        VerificationLevel claimed_
    ) internal pure returns (PackedRecord) {
        return
            PackedRecord.wrap(
                (uint256(subject_) << SUBJECT_OFFSET) |
                    (uint256(nodeId_) << NODE_ID_OFFSET) |
                    (uint256(answeredAt_) << ANSWERED_AT_OFFSET) |
                    (uint256(uint8(route_)) << ROUTE_OFFSET) |
                    (uint256(uint8(claimed_)) << CLAIMED_OFFSET) |
                    (uint256(uint8(VerificationLevel.Vanilla)) << ACHIEVED_OFFSET) |
                    (uint256(uint8(RecordState.Answered)) << STATE_OFFSET)
            );
    }

    /// @notice `record` with its settlement fields replaced: achieved `achieved_`, state `state_`, settled at
    /// `settledAt_` in `round_`.
    function withSettlement(
        PackedRecord record,
        VerificationLevel achieved_,
        RecordState state_,
        uint40 settledAt_,
        uint32 round_
    ) internal pure returns (PackedRecord) {
        return
            PackedRecord.wrap(
                (PackedRecord.unwrap(record) & ~SETTLEMENT_MASK) |
                    (uint256(settledAt_) << SETTLED_AT_OFFSET) |
                    (uint256(round_) << ROUND_OFFSET) |
                    (uint256(uint8(achieved_)) << ACHIEVED_OFFSET) |
                    (uint256(uint8(state_)) << STATE_OFFSET)
            );
    }

    /// @notice `record` rejected for `reason` (an `IInferenceLedger.RejectionReason`), every other field kept.
    function withRejection(PackedRecord record, uint8 reason) internal pure returns (PackedRecord) {
        uint256 cleared = PackedRecord.unwrap(record) & ~((MASK_8 << STATE_OFFSET) | (MASK_8 << REJECTION_OFFSET));
        return
            PackedRecord.wrap(
                cleared | (uint256(uint8(RecordState.Rejected)) << STATE_OFFSET) | (uint256(reason) << REJECTION_OFFSET)
            );
    }

    /// @notice Why `record` was rejected, as an `IInferenceLedger.RejectionReason` value: meaningful only when its
    /// state is `Rejected`.
    function rejectionReason(PackedRecord record) internal pure returns (uint8) {
        return uint8((PackedRecord.unwrap(record) >> REJECTION_OFFSET) & MASK_8);
    }

    /// @notice Whether the word holds no record.
    function isEmpty(PackedRecord record) internal pure returns (bool) {
        return PackedRecord.unwrap(record) == 0;
    }

    // The casts below narrow a field masked to its own width, so they never truncate. Enum fields are only ever
    // written from enum values by the functions above, so they are always in range.

    function subject(PackedRecord record) internal pure returns (uint64) {
        return uint64((PackedRecord.unwrap(record) >> SUBJECT_OFFSET) & MASK_64);
    }

    function nodeId(PackedRecord record) internal pure returns (uint32) {
        return uint32((PackedRecord.unwrap(record) >> NODE_ID_OFFSET) & MASK_32);
    }

    function answeredAt(PackedRecord record) internal pure returns (uint40) {
        return uint40((PackedRecord.unwrap(record) >> ANSWERED_AT_OFFSET) & MASK_40);
    }

    function settledAt(PackedRecord record) internal pure returns (uint40) {
        return uint40((PackedRecord.unwrap(record) >> SETTLED_AT_OFFSET) & MASK_40);
    }

    function round(PackedRecord record) internal pure returns (uint32) {
        return uint32((PackedRecord.unwrap(record) >> ROUND_OFFSET) & MASK_32);
    }

    function route(PackedRecord record) internal pure returns (Route) {
        return Route(uint8((PackedRecord.unwrap(record) >> ROUTE_OFFSET) & MASK_8));
    }

    function claimed(PackedRecord record) internal pure returns (VerificationLevel) {
        return VerificationLevel(uint8((PackedRecord.unwrap(record) >> CLAIMED_OFFSET) & MASK_8));
    }

    function achieved(PackedRecord record) internal pure returns (VerificationLevel) {
        return VerificationLevel(uint8((PackedRecord.unwrap(record) >> ACHIEVED_OFFSET) & MASK_8));
    }

    function state(PackedRecord record) internal pure returns (RecordState) {
        return RecordState(uint8((PackedRecord.unwrap(record) >> STATE_OFFSET) & MASK_8));
    }

    // -----------------------------------------------------------------------------------------------------------
    // Vanilla finality: the one implementation of "a Vanilla claim is final once its challenge window passes".
    // -----------------------------------------------------------------------------------------------------------

    /// @notice Whether `record` is an `Answered` Vanilla claim whose challenge window (`challengeWindow` seconds
    /// after its answer) has passed at `time`: the time rule alone, before any look at the artifact.
    /// @dev Reads the fields as integers (no enum range checks): it is on the consumer's hot path.
    function isVanillaFinalByTime(
        PackedRecord record,
        uint256 challengeWindow,
        uint256 time
    ) internal pure returns (bool) {
        uint256 word = PackedRecord.unwrap(record);
        return
            (word >> STATE_OFFSET) & MASK_8 == uint8(RecordState.Answered) &&
            (word >> CLAIMED_OFFSET) & MASK_8 == uint8(VerificationLevel.Vanilla) &&
            time > ((word >> ANSWERED_AT_OFFSET) & MASK_40) + challengeWindow;
    }

    /// @notice Whether `record` is a Vanilla claim that is final at `time` though nobody wrote it down: its challenge
    /// window has passed, and its artifact was not revoked (`revokedAt`, 0 when it was not) before the claim became
    /// final. A claim whose artifact was revoked while it was pending never settles.
    function isVanillaFinal(
        PackedRecord record,
        uint256 challengeWindow,
        uint256 time,
        uint256 revokedAt
    ) internal pure returns (bool) {
        return
            isVanillaFinalByTime(record, challengeWindow, time) &&
            (revokedAt == 0 || revokedAt >= vanillaSettledAt(record, challengeWindow));
    }

    /// @notice When a Vanilla claim became final: the first second after its challenge window.
    function vanillaSettledAt(PackedRecord record, uint256 challengeWindow) internal pure returns (uint256) {
        return uint256(record.answeredAt()) + challengeWindow + 1;
    }

    /// @notice The state of `record` at `time`: as stored, except that a final Vanilla claim reads `Settled`.
    function effectiveState(
        PackedRecord record,
        uint256 challengeWindow,
        uint256 time,
        uint256 revokedAt
    ) internal pure returns (RecordState) {
        return isVanillaFinal(record, challengeWindow, time, revokedAt) ? RecordState.Settled : record.state();
    }

    /// @notice The fields a consumer's policy reads, as the plain integers of their ABI encoding (no enum range
    /// checks): the stored state, the achieved level, the route, the subject and the answer time. The state is as
    /// stored; {effectiveState} and {isVanillaFinal} say what it reads as now.
    function statusWords(
        PackedRecord record
    ) internal pure returns (uint256 state_, uint256 achieved_, uint256 route_, uint256 subject_, uint256 answeredAt_) {
        uint256 word = PackedRecord.unwrap(record);
        state_ = (word >> STATE_OFFSET) & MASK_8;
        achieved_ = (word >> ACHIEVED_OFFSET) & MASK_8;
        route_ = (word >> ROUTE_OFFSET) & MASK_8;
        subject_ = (word >> SUBJECT_OFFSET) & MASK_64;
        answeredAt_ = (word >> ANSWERED_AT_OFFSET) & MASK_40;
    }

    /// @notice When `record` settled as seen at `time`: its stored time once written, the end of its challenge window
    /// for a final Vanilla claim not yet written down, and 0 while it has not settled.
    function effectiveSettledAt(
        PackedRecord record,
        uint256 challengeWindow,
        uint256 time,
        uint256 revokedAt
    ) internal pure returns (uint256) {
        if (isVanillaFinal(record, challengeWindow, time, revokedAt)) return vanillaSettledAt(record, challengeWindow);
        if (record.state() != RecordState.Settled) return 0;
        return record.settledAt();
    }
}
