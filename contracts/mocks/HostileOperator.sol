// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAttesterRegistry} from "../interfaces/IAttesterRegistry.sol";
import {IInferenceEscrow} from "../interfaces/IInferenceEscrow.sol";

/// @title HostileOperator
/// @notice TEST ADVERSARY: a node operator contract that, when paid ETH, either reverts or re-enters the escrow
/// (withdrawing again, or releasing another request). The escrow must pay it only through its own withdrawal, so it
/// can block nothing but that, and re-entry must gain nothing.
contract HostileOperator {
    /// @notice What to do on receiving ETH.
    enum Mode {
        Accept,
        Revert,
        Reenter
    }

    IInferenceEscrow private immutable ESCROW;
    Mode public mode;
    /// @notice Whether the last re-entry attempt succeeded.
    bool public reentered;

    error HostileOperatorRefused();

    constructor(IInferenceEscrow escrow) {
        ESCROW = escrow;
    }

    /// @notice Registers `key` as a node key operated by this contract, with the key's consent to this operator.
    function registerNode(IAttesterRegistry attesters, address key, bytes calldata consent) external returns (uint32) {
        return attesters.registerNode(key, consent);
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Withdraws this contract's ETH credit to itself.
    function withdraw() external {
        ESCROW.withdraw(address(0), address(this));
    }

    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        if (mode == Mode.Revert) revert HostileOperatorRefused();
        if (mode == Mode.Reenter) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, ) = address(ESCROW).call(abi.encodeCall(IInferenceEscrow.withdraw, (address(0), address(this))));
            reentered = ok;
        }
    }
}
