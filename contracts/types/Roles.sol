// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Roles
/// @notice The role ids of the one OpenZeppelin `AccessManager` that holds every admin power in Proofline.
/// @dev Role 0 is the manager's ADMIN_ROLE (grants roles, wires functions to roles). Powers that raise trust are
/// granted with an execution delay (the holder schedules, waits, then executes); powers that lower trust (guardian
/// actions) are immediate. The deployment modules in `deploy/` wire each restricted function to one of these roles,
/// from the one table in `src/roles.ts` (`RoleWiring`) that `hardhat roles` also checks a deployment against.
library Roles {
    /// @notice Lowers trust at once: revokes artifacts, measurements and enclaves; freezes verifiers.
    uint64 internal constant GUARDIAN = 1;
    /// @notice Raises trust after a delay: approves enclave measurements, adds verifiers.
    uint64 internal constant TRUST_ADMIN = 2;
    /// @notice Sets the twin market's fees: lowering applies at once; raising a fee or moving the fee destination
    /// waits out the market's own timelock (`TwinMarket.FEE_DELAY`), so the role needs no execution delay.
    uint64 internal constant FEE_ADMIN = 3;
}
