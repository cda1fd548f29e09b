// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IManaged
/// @notice What every Proofline contract with restricted functions shares: its admin powers are held by the
/// project's one OpenZeppelin `AccessManager`, fixed at construction.
interface IManaged {
    /// @notice The authority given at construction, `authority`, has no code: no restricted function could ever be
    /// called.
    error AuthorityNotContract(address authority);
}
