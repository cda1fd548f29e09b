// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SemVerLib
/// @notice Orders semantic versions by packing them into one integer.
library SemVerLib {
    /// @notice Packs (major, minor, patch) as `major << 64 | minor << 32 | patch`, so that integer order is
    /// version order.
    function pack(uint32 major, uint32 minor, uint32 patch) internal pure returns (uint96) {
        return (uint96(major) << 64) | (uint96(minor) << 32) | uint96(patch);
    }
}
