// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAttesterRegistry} from "../interfaces/IAttesterRegistry.sol";
import {IBondVault} from "../interfaces/IBondVault.sol";

/// @title HostileBondReceiver
/// @notice TEST ADVERSARY: a node operator, or a holder of slash credit, that when the bond vault pays it ETH either
/// reverts or re-enters the vault: withdrawing its unbonded bond and its credit again, slashing a record, locking its
/// own bond. The vault pays only through the payee's own withdrawal, so reverting blocks nothing but that withdrawal,
/// and re-entry must gain nothing.
contract HostileBondReceiver {
    /// @notice What to do on receiving ETH.
    enum Mode {
        Accept,
        Revert,
        Reenter
    }

    IBondVault private immutable VAULT;
    Mode public mode;
    /// @notice The node this contract operates (0 before {registerNode}).
    uint32 public nodeId;
    /// @notice The record a re-entry tries to slash, and the inference a re-entry tries to lock (with its payment).
    bytes32 public slashTarget;
    bytes32 public lockTarget;
    bytes32 public lockPaymentRef;
    /// @notice How many payments tried to re-enter, and which re-entries succeeded (each must stay false).
    uint256 public reentryAttempts;
    bool public reenteredWithdrawUnbonded;
    bool public reenteredWithdrawCredit;
    bool public reenteredSlash;
    bool public reenteredLock;

    error HostileBondReceiverRefused();

    constructor(IBondVault vault) {
        VAULT = vault;
    }

    /// @notice Registers `key` as a node key operated by this contract, with the key's consent to this operator.
    function registerNode(IAttesterRegistry attesters, address key, bytes calldata consent) external returns (uint32) {
        nodeId = attesters.registerNode(key, consent);
        return nodeId;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Sets what a re-entry tries to slash and to lock.
    function setTargets(bytes32 slashTarget_, bytes32 lockTarget_, bytes32 lockPaymentRef_) external {
        slashTarget = slashTarget_;
        lockTarget = lockTarget_;
        lockPaymentRef = lockPaymentRef_;
    }

    /// @notice Adds the ETH sent to this contract's node's bond.
    function deposit() external payable {
        VAULT.deposit{value: msg.value}(nodeId, address(0), msg.value);
    }

    function lock(bytes32 inferenceId, bytes32 paymentRef) external returns (uint256) {
        return VAULT.lock(inferenceId, paymentRef);
    }

    function beginUnbonding(uint256 amount) external {
        VAULT.beginUnbonding(nodeId, address(0), amount);
    }

    /// @notice Withdraws this contract's node's unbonded ETH to itself.
    function withdrawUnbonded() external {
        VAULT.withdrawUnbonded(nodeId, address(0), address(this));
    }

    function slash(bytes32 inferenceId) external {
        VAULT.slash(inferenceId);
    }

    /// @notice Withdraws this contract's ETH slash credit to itself.
    function withdrawCredit() external {
        VAULT.withdrawCredit(address(0), address(this));
    }

    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        if (mode == Mode.Revert) revert HostileBondReceiverRefused();
        if (mode == Mode.Reenter) {
            ++reentryAttempts;
            address vault = address(VAULT);
            // solhint-disable-next-line avoid-low-level-calls
            (reenteredWithdrawUnbonded, ) = vault.call(
                abi.encodeCall(IBondVault.withdrawUnbonded, (nodeId, address(0), address(this)))
            );
            // solhint-disable-next-line avoid-low-level-calls
            (reenteredWithdrawCredit, ) = vault.call(
                abi.encodeCall(IBondVault.withdrawCredit, (address(0), address(this)))
            );
            // solhint-disable-next-line avoid-low-level-calls
            (reenteredSlash, ) = vault.call(abi.encodeCall(IBondVault.slash, (slashTarget)));
            // solhint-disable-next-line avoid-low-level-calls
            (reenteredLock, ) = vault.call(abi.encodeCall(IBondVault.lock, (lockTarget, lockPaymentRef)));
        }
    }
}
