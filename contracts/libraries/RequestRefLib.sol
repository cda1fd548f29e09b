// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title RequestRefLib
/// @notice The one encoding of an escrow request's payment reference: the escrow's address in the first 20 bytes and
/// the request id in the last 12, so a payment reference says by itself whether, and which, escrow request paid for
/// an answer. The escrow writes it; the bond vault reads it to size a paid claim's lock.
library RequestRefLib {
    uint256 private constant ID_BITS = 96;

    /// @notice The payment reference of request `requestId` of `escrow`. Ids are counters far below 2^96.
    function encode(address escrow, uint256 requestId) internal pure returns (bytes32) {
        return bytes32((uint256(uint160(escrow)) << ID_BITS) | requestId);
    }

    /// @notice The request id `paymentRef` names at `escrow`, or 0 when it is not a reference of `escrow`.
    function decode(bytes32 paymentRef, address escrow) internal pure returns (uint256) {
        uint256 ref = uint256(paymentRef);
        if (ref >> ID_BITS != uint256(uint160(escrow))) return 0;
        return ref & ((1 << ID_BITS) - 1);
    }
}
