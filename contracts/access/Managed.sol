// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {IManaged} from "../interfaces/IManaged.sol";

/// @title Managed
/// @notice OpenZeppelin's `AccessManaged`, refusing at construction an authority that has no code (a typo or an
/// undeployed manager would leave every restricted function uncallable for good).
abstract contract Managed is IManaged, AccessManaged {
    /// @param authority The project's AccessManager.
    constructor(address authority) AccessManaged(authority) {
        if (authority.code.length == 0) revert AuthorityNotContract(authority);
    }
}
