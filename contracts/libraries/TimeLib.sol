// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TimeLib
/// @notice The one place Proofline narrows the block time to the `uint40` every stored timestamp uses.
library TimeLib {
    /// @notice The current block time in seconds, as a `uint40`.
    /// @dev Safe: a `uint40` of seconds lasts until the year 36812.
    function now40() internal view returns (uint40) {
        return uint40(block.timestamp);
    }
}
