// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Managed} from "../access/Managed.sol";
import {ITwinMarket} from "../interfaces/ITwinMarket.sol";
import {TimeLib} from "../libraries/TimeLib.sol";
import {TwinCurveLib} from "../libraries/TwinCurveLib.sol";

/// @title TwinMarket
/// @notice Shares of AI twins on a quadratic bonding curve, with fees capped in code that rise only after a timelock.
/// See {ITwinMarket}.
/// @dev The market's ETH balance always equals the sum of every twin's reserve (what selling all its shares back
/// would pay before fees) plus the fees credited and not yet withdrawn; the invariant test checks it.
contract TwinMarket is ITwinMarket, Managed {
    /// @notice The highest protocol fee rate: 5% of a trade's price.
    uint256 public constant MAX_PROTOCOL_FEE = 0.05e18;
    /// @notice The highest subject fee rate: 5% of a trade's price.
    uint256 public constant MAX_SUBJECT_FEE = 0.05e18;
    /// @notice How long a fee increase or destination change waits before it may apply.
    uint40 public constant FEE_DELAY = 3 days;
    /// @notice How long after its effective time a queued change may still be applied.
    uint40 public constant GRACE_PERIOD = 7 days;
    /// @notice The furthest ahead a trade's deadline may be: shorter than {FEE_DELAY}, so a fee increase queued after
    /// a trader quoted can never apply to that trade.
    uint40 public constant MAX_DEADLINE = 1 days;
    /// @notice The most shares a twin can have (share 1,000,000 would cost 62.5 million ETH).
    uint256 public constant MAX_SUPPLY = 1_000_000;

    /// @dev A twin in one slot.
    struct Twin {
        address owner;
        uint96 supply;
    }

    mapping(bytes16 twin => Twin state) private _twins;
    mapping(bytes16 twin => mapping(address holder => uint256 shares)) private _shares;
    mapping(address account => uint256 amount) private _subjectFees;
    // One slot, read and written by every trade: protocol fee (8) | subject fee (8) | protocol fees accrued (16).
    uint64 private _protocolFee;
    uint64 private _subjectFee;
    uint128 private _protocolAccrued;
    address private _destination;
    mapping(FeeSetting setting => PendingChange change) private _pending;

    /// @param authority The project's AccessManager (the fee admin role runs the fee functions).
    /// @param destination Where protocol fees go.
    /// @param protocolFee The initial protocol fee rate (at most 5%).
    /// @param subjectFee The initial subject fee rate (at most 5%).
    constructor(address authority, address destination, uint64 protocolFee, uint64 subjectFee) Managed(authority) {
        if (destination == address(0)) revert ZeroDestination();
        _checkCap(FeeSetting.ProtocolFee, protocolFee);
        _checkCap(FeeSetting.SubjectFee, subjectFee);
        _destination = destination;
        _protocolFee = protocolFee;
        _subjectFee = subjectFee;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Twins and trades
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ITwinMarket
    function createTwin(bytes32 salt) external returns (bytes16 twin) {
        twin = twinIdOf(msg.sender, salt);
        Twin storage state = _twins[twin];
        if (state.owner != address(0)) revert TwinExists(twin);
        _twins[twin] = Twin({owner: msg.sender, supply: 1});
        _shares[twin][msg.sender] = 1;
        emit TwinCreated(twin, msg.sender, salt);
        emit Trade(twin, msg.sender, true, 1, 0, 0, 0, 1);
    }

    /// @inheritdoc ITwinMarket
    function twinIdOf(address owner, bytes32 salt) public pure returns (bytes16) {
        return bytes16(keccak256(abi.encode(owner, salt)));
    }

    /// @inheritdoc ITwinMarket
    function buy(bytes16 twin, uint256 amount, uint256 maxTotalCost, uint256 deadline) external payable {
        _checkDeadline(deadline);
        Twin storage state = _twins[twin];
        address owner = state.owner;
        uint256 supply = state.supply;
        _checkTrade(twin, owner, amount);
        if (supply + amount > MAX_SUPPLY) revert SupplyCapExceeded(supply, amount);

        uint256 price = TwinCurveLib.price(supply, amount);
        uint256 protocolFee = TwinCurveLib.fee(price, _protocolFee);
        uint256 subjectFee = TwinCurveLib.fee(price, _subjectFee);
        uint256 cost = price + protocolFee + subjectFee;
        if (cost > maxTotalCost) revert CostAboveLimit(cost, maxTotalCost);
        if (msg.value < cost) revert InsufficientPayment(cost, msg.value);

        // Safe: supply <= MAX_SUPPLY; the accrued fees are bounded by all ETH in existence.
        state.supply = uint96(supply + amount);
        _shares[twin][msg.sender] += amount;
        _protocolAccrued += uint128(protocolFee);
        _subjectFees[owner] += subjectFee;
        emit Trade(twin, msg.sender, true, amount, price, protocolFee, subjectFee, supply + amount);

        if (msg.value > cost) _send(msg.sender, msg.value - cost);
    }

    /// @inheritdoc ITwinMarket
    function sell(bytes16 twin, uint256 amount, uint256 minProceeds, uint256 deadline) external {
        _checkDeadline(deadline);
        Twin storage state = _twins[twin];
        address owner = state.owner;
        uint256 supply = state.supply;
        _checkTrade(twin, owner, amount);
        uint256 shares = _shares[twin][msg.sender];
        if (shares < amount) revert InsufficientShares(shares, amount);
        if (amount >= supply) revert LastShare(twin);

        uint256 price = TwinCurveLib.price(supply - amount, amount);
        uint256 protocolFee = TwinCurveLib.fee(price, _protocolFee);
        uint256 subjectFee = TwinCurveLib.fee(price, _subjectFee);
        // Fees are at most 10% of the price together, so this never underflows.
        uint256 proceeds = price - protocolFee - subjectFee;
        if (proceeds < minProceeds) revert ProceedsBelowLimit(proceeds, minProceeds);

        state.supply = uint96(supply - amount);
        _shares[twin][msg.sender] = shares - amount;
        _protocolAccrued += uint128(protocolFee);
        _subjectFees[owner] += subjectFee;
        emit Trade(twin, msg.sender, false, amount, price, protocolFee, subjectFee, supply - amount);

        if (proceeds > 0) _send(msg.sender, proceeds);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fees
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ITwinMarket
    function setFee(FeeSetting setting, uint256 rate) external restricted {
        if (setting == FeeSetting.FeeDestination) revert NotAChange(setting, rate);
        _checkCap(setting, rate);
        uint256 current = setting == FeeSetting.ProtocolFee ? _protocolFee : _subjectFee;
        if (rate <= current) {
            _setRate(setting, rate);
            emit FeeChanged(setting, current, rate, block.timestamp);
            // A raise queued before this cut must not survive it: applied later it would lift the fee above what
            // traders saw announced for the full delay. Raising again means queueing again, from now.
            PendingChange memory pending = _pending[setting];
            if (pending.effectiveAt != 0) {
                delete _pending[setting];
                emit FeeChangeCancelled(setting, pending.value);
            }
        } else {
            _queue(setting, current, rate);
        }
    }

    /// @inheritdoc ITwinMarket
    function queueFeeDestination(address destination) external restricted {
        if (destination == address(0)) revert ZeroDestination();
        if (destination == _destination) revert NotAChange(FeeSetting.FeeDestination, uint160(destination));
        _queue(FeeSetting.FeeDestination, uint160(_destination), uint160(destination));
    }

    /// @inheritdoc ITwinMarket
    function cancelFeeChange(FeeSetting setting) external restricted {
        PendingChange memory change = _pending[setting];
        if (change.effectiveAt == 0) revert NoPendingChange(setting);
        delete _pending[setting];
        emit FeeChangeCancelled(setting, change.value);
    }

    /// @inheritdoc ITwinMarket
    function applyFeeChange(FeeSetting setting) external restricted {
        PendingChange memory change = _pending[setting];
        if (change.effectiveAt == 0) revert NoPendingChange(setting);
        if (block.timestamp < change.effectiveAt) revert ChangeNotYetEffective(setting, change.effectiveAt);
        uint256 lapsedAt = uint256(change.effectiveAt) + GRACE_PERIOD;
        if (block.timestamp > lapsedAt) revert ChangeLapsed(setting, lapsedAt);
        delete _pending[setting];
        uint256 old;
        if (setting == FeeSetting.FeeDestination) {
            old = uint160(_destination);
            _destination = address(uint160(change.value));
        } else {
            old = setting == FeeSetting.ProtocolFee ? _protocolFee : _subjectFee;
            _setRate(setting, change.value);
        }
        emit FeeChanged(setting, old, change.value, block.timestamp);
    }

    /// @inheritdoc ITwinMarket
    function withdrawSubjectFees(address to) external {
        uint256 amount = _subjectFees[msg.sender];
        if (amount == 0) revert MarketNothingToWithdraw();
        _subjectFees[msg.sender] = 0;
        emit SubjectFeesWithdrawn(msg.sender, to, amount);
        _send(to, amount);
    }

    /// @inheritdoc ITwinMarket
    function withdrawProtocolFees() external {
        uint256 amount = _protocolAccrued;
        if (amount == 0) revert MarketNothingToWithdraw();
        _protocolAccrued = 0;
        address destination = _destination;
        emit ProtocolFeesWithdrawn(destination, amount);
        _send(destination, amount);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ITwinMarket
    function getBuyPrice(bytes16 twin, uint256 amount) public view returns (uint256) {
        return TwinCurveLib.price(_twins[twin].supply, amount);
    }

    /// @inheritdoc ITwinMarket
    function getBuyPriceAfterFees(bytes16 twin, uint256 amount) external view returns (uint256) {
        uint256 price = getBuyPrice(twin, amount);
        return price + TwinCurveLib.fee(price, _protocolFee) + TwinCurveLib.fee(price, _subjectFee);
    }

    /// @inheritdoc ITwinMarket
    function getSellPrice(bytes16 twin, uint256 amount) public view returns (uint256) {
        uint256 supply = _twins[twin].supply;
        if (amount > supply) return 0;
        return TwinCurveLib.price(supply - amount, amount);
    }

    /// @inheritdoc ITwinMarket
    function getSellPriceAfterFees(bytes16 twin, uint256 amount) external view returns (uint256) {
        uint256 price = getSellPrice(twin, amount);
        return price - TwinCurveLib.fee(price, _protocolFee) - TwinCurveLib.fee(price, _subjectFee);
    }

    /// @inheritdoc ITwinMarket
    function fees() external view returns (uint256 protocolFee, uint256 subjectFee, address destination) {
        return (_protocolFee, _subjectFee, _destination);
    }

    /// @inheritdoc ITwinMarket
    function pendingChange(FeeSetting setting) external view returns (PendingChange memory) {
        return _pending[setting];
    }

    /// @inheritdoc ITwinMarket
    function twinOf(bytes16 twin) external view returns (address owner, uint256 supply) {
        Twin memory state = _twins[twin];
        return (state.owner, state.supply);
    }

    /// @inheritdoc ITwinMarket
    function sharesOf(bytes16 twin, address holder) external view returns (uint256) {
        return _shares[twin][holder];
    }

    /// @inheritdoc ITwinMarket
    function feesOwed(address account) external view returns (uint256 subject, uint256 protocol) {
        return (_subjectFees[account], _protocolAccrued);
    }

    /// @inheritdoc ITwinMarket
    function reserveOf(bytes16 twin) external view returns (uint256) {
        return TwinCurveLib.price(0, _twins[twin].supply);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    function _checkDeadline(uint256 deadline) private view {
        if (block.timestamp > deadline) revert DeadlineExpired(deadline);
        uint256 latest = block.timestamp + MAX_DEADLINE;
        if (deadline > latest) revert DeadlineTooFar(deadline, latest);
    }

    function _checkTrade(bytes16 twin, address owner, uint256 amount) private pure {
        if (owner == address(0)) revert UnknownTwin(twin);
        if (amount == 0) revert MarketZeroAmount();
    }

    function _checkCap(FeeSetting setting, uint256 rate) private pure {
        uint256 cap = setting == FeeSetting.ProtocolFee ? MAX_PROTOCOL_FEE : MAX_SUBJECT_FEE;
        if (rate > cap) revert FeeAboveCap(setting, rate, cap);
    }

    function _setRate(FeeSetting setting, uint256 rate) private {
        // Safe: rates are at most 5e16 (checked against the caps before they get here).
        if (setting == FeeSetting.ProtocolFee) _protocolFee = uint64(rate);
        else _subjectFee = uint64(rate);
    }

    function _queue(FeeSetting setting, uint256 current, uint256 value) private {
        uint40 effectiveAt = TimeLib.now40() + FEE_DELAY;
        _pending[setting] = PendingChange({value: value, effectiveAt: effectiveAt});
        emit FeeChangeQueued(setting, current, value, effectiveAt);
    }

    function _send(address to, uint256 amount) private {
        // solhint-disable-next-line avoid-low-level-calls
        (bool sent, ) = to.call{value: amount}("");
        if (!sent) revert MarketEthTransferFailed(to);
    }
}
