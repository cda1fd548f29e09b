// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITwinMarket} from "../interfaces/ITwinMarket.sol";

/// @title HostileReceiver
/// @notice TEST ADVERSARY: a twin owner or fee destination that, when paid ETH, reverts, re-enters the market
/// (withdrawing again and trading), or burns all the gas it is given. The market must never pay it inside a trade, so
/// it can block only its own withdrawals, and re-entry must gain nothing.
contract HostileReceiver {
    /// @notice What to do on receiving ETH.
    enum Mode {
        Accept,
        Revert,
        Reenter,
        BurnGas
    }

    ITwinMarket private immutable MARKET;
    Mode public mode;
    /// @notice Whether the last re-entry withdrew subject fees, and whether it withdrew protocol fees.
    bool public reenteredSubject;
    bool public reenteredProtocol;

    error HostileReceiverRefused();

    constructor(ITwinMarket market) {
        MARKET = market;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Creates a twin owned by this contract, with `salt`.
    function createTwin(bytes32 salt) external returns (bytes16) {
        return MARKET.createTwin(salt);
    }

    /// @notice Withdraws this contract's subject fees to itself.
    function withdrawSubjectFees() external {
        MARKET.withdrawSubjectFees(address(this));
    }

    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        if (mode == Mode.Revert) revert HostileReceiverRefused();
        if (mode == Mode.Reenter) {
            // solhint-disable-next-line avoid-low-level-calls
            (reenteredSubject, ) = address(MARKET).call(
                abi.encodeCall(ITwinMarket.withdrawSubjectFees, (address(this)))
            );
            // solhint-disable-next-line avoid-low-level-calls
            (reenteredProtocol, ) = address(MARKET).call(abi.encodeCall(ITwinMarket.withdrawProtocolFees, ()));
        }
        if (mode == Mode.BurnGas) {
            // solhint-disable-next-line no-empty-blocks
            while (true) {}
        }
    }
}
