// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ITwinMarket
/// @notice A friend.tech-style market in shares of AI twins whose fees are capped in code and rise only after a
/// timelock, with a price limit and a deadline on every trade.
/// @dev Units: share prices in wei on the quadratic curve of {TwinCurveLib} (share `s` costs `s^2 / 16000` ETH);
/// fee rates as fractions of 1e18 of a trade's price.
///
/// - A twin is created by its owner, who receives the twin's first share free. That share can never be sold, so a
///   twin's supply never returns to zero and the first share's price (0) is never paid or refunded.
/// - A twin's id is derived from its owner and a salt the owner picks ({twinIdOf}), never chosen freely: nobody who
///   watches the mempool can create a twin under the id its owner announced, or take its subject fees.
/// - `buy` charges the curve price plus the protocol and subject fees, at most `maxTotalCost`, by `deadline`, and
///   refunds any excess ETH sent. `sell` pays the curve price minus both fees, at least `minProceeds`, by `deadline`.
///   Deadlines may be at most {MAX_DEADLINE} ahead, shorter than the fee timelock.
/// - Fees are credited, never pushed: subject fees to the twin's owner, protocol fees to the protocol, paid to the fee
///   destination in force when withdrawn. A subject or destination that reverts, re-enters or burns gas can block
///   only its own withdrawal.
/// - Fee rates are capped at {MAX_PROTOCOL_FEE} and {MAX_SUBJECT_FEE} (5% each). Lowering a rate applies at once.
///   Raising one, or changing the fee destination, is queued with an effective time {FEE_DELAY} ahead, can be
///   cancelled, applies only from its effective time, and lapses {GRACE_PERIOD} after it.
interface ITwinMarket {
    /// @notice Which fee setting a change is about.
    enum FeeSetting {
        ProtocolFee,
        SubjectFee,
        FeeDestination
    }

    /// @notice A queued change: the new value (a rate, or an address as a uint256) and when it may apply.
    struct PendingChange {
        uint256 value;
        uint40 effectiveAt;
    }

    /// @notice `owner` created `twin` (the id {twinIdOf} derives from `owner` and `salt`); its subject fees accrue to
    /// `owner`.
    event TwinCreated(bytes16 indexed twin, address indexed owner, bytes32 salt);
    /// @notice A trade of `amount` shares of `twin` at curve price `price`, with the fees charged; `supply` after it.
    event Trade(
        bytes16 indexed twin,
        address indexed trader,
        bool isBuy,
        uint256 amount,
        uint256 price,
        uint256 protocolFee,
        uint256 subjectFee,
        uint256 supply
    );
    /// @notice A change of `setting` from `oldValue` to `newValue` was queued to apply from `effectiveAt`.
    event FeeChangeQueued(FeeSetting indexed setting, uint256 oldValue, uint256 newValue, uint256 effectiveAt);
    /// @notice The queued change of `setting` to `value` was cancelled.
    event FeeChangeCancelled(FeeSetting indexed setting, uint256 value);
    /// @notice `setting` changed from `oldValue` to `newValue`, in force from `effectiveAt` (now).
    event FeeChanged(FeeSetting indexed setting, uint256 oldValue, uint256 newValue, uint256 effectiveAt);
    /// @notice `account` withdrew `amount` of subject fees to `to`.
    event SubjectFeesWithdrawn(address indexed account, address indexed to, uint256 amount);
    /// @notice `amount` of protocol fees went to the fee destination `destination`.
    event ProtocolFeesWithdrawn(address indexed destination, uint256 amount);

    /// @notice `twin` exists already.
    error TwinExists(bytes16 twin);
    /// @notice No twin has id `twin`.
    error UnknownTwin(bytes16 twin);
    /// @notice A trade moves at least one share.
    error MarketZeroAmount();
    /// @notice The trade's deadline has passed.
    error DeadlineExpired(uint256 deadline);
    /// @notice A deadline may be at most `latest` (now plus {MAX_DEADLINE}).
    error DeadlineTooFar(uint256 deadline, uint256 latest);
    /// @notice The buy costs `cost`, more than the trader's `maxTotalCost`.
    error CostAboveLimit(uint256 cost, uint256 maxTotalCost);
    /// @notice The buy costs `cost`; only `sent` was sent.
    error InsufficientPayment(uint256 cost, uint256 sent);
    /// @notice The sale pays `proceeds`, less than the trader's `minProceeds`.
    error ProceedsBelowLimit(uint256 proceeds, uint256 minProceeds);
    /// @notice The trader holds `balance` shares, fewer than `amount`.
    error InsufficientShares(uint256 balance, uint256 amount);
    /// @notice The owner's first share can never be sold: the supply cannot fall below 1.
    error LastShare(bytes16 twin);
    /// @notice A twin's supply is capped at {MAX_SUPPLY}.
    error SupplyCapExceeded(uint256 supply, uint256 amount);
    /// @notice `value` is above the cap `cap` of `setting`.
    error FeeAboveCap(FeeSetting setting, uint256 value, uint256 cap);
    /// @notice The fee destination cannot be the zero address.
    error ZeroDestination();
    /// @notice Nothing is queued for `setting`.
    error NoPendingChange(FeeSetting setting);
    /// @notice The queued change of `setting` applies only from `effectiveAt`.
    error ChangeNotYetEffective(FeeSetting setting, uint256 effectiveAt);
    /// @notice The queued change of `setting` lapsed at `lapsedAt`; queue it again.
    error ChangeLapsed(FeeSetting setting, uint256 lapsedAt);
    /// @notice A queued change must raise the rate; lower rates apply at once through the same call.
    error NotAChange(FeeSetting setting, uint256 value);
    /// @notice There are no fees to withdraw.
    error MarketNothingToWithdraw();
    /// @notice Sending ETH to `to` failed.
    error MarketEthTransferFailed(address to);

    /// @notice Creates a twin owned by the caller, who receives its first share free. Its id is
    /// `twinIdOf(msg.sender, salt)`, so only the caller can create it; each salt creates one twin per owner.
    /// @return twin The new twin's id.
    function createTwin(bytes32 salt) external returns (bytes16 twin);

    /// @notice The id of the twin `owner` creates with `salt`: the first 16 bytes of `keccak256(abi.encode(owner,
    /// salt))`.
    function twinIdOf(address owner, bytes32 salt) external pure returns (bytes16);

    /// @notice Buys `amount` shares of `twin`, paying at most `maxTotalCost` wei, by `deadline`; excess ETH is refunded.
    function buy(bytes16 twin, uint256 amount, uint256 maxTotalCost, uint256 deadline) external payable;

    /// @notice Sells `amount` shares of `twin` for at least `minProceeds` wei, by `deadline`.
    function sell(bytes16 twin, uint256 amount, uint256 minProceeds, uint256 deadline) external;

    /// @notice Sets a fee rate: at once when it does not rise, queued {FEE_DELAY} ahead when it rises. Fee admin.
    /// @dev A rate that does not rise also cancels any raise of the same fee still queued ({FeeChangeCancelled}), so
    /// a fee never rises without its full notice counted from the last change traders saw.
    function setFee(FeeSetting setting, uint256 rate) external;

    /// @notice Queues a change of the fee destination, {FEE_DELAY} ahead. Fee admin.
    function queueFeeDestination(address destination) external;

    /// @notice Cancels the queued change of `setting`. Fee admin.
    function cancelFeeChange(FeeSetting setting) external;

    /// @notice Applies the queued change of `setting` once effective and before it lapses. Fee admin.
    function applyFeeChange(FeeSetting setting) external;

    /// @notice Sends the caller's subject fees to `to`.
    function withdrawSubjectFees(address to) external;

    /// @notice Sends the accrued protocol fees to the fee destination. Anyone may call.
    function withdrawProtocolFees() external;

    /// @notice Price of buying `amount` shares of `twin` now, before fees.
    function getBuyPrice(bytes16 twin, uint256 amount) external view returns (uint256);

    /// @notice What buying `amount` shares of `twin` costs now, fees included: what `buy` charges.
    function getBuyPriceAfterFees(bytes16 twin, uint256 amount) external view returns (uint256);

    /// @notice Price of selling `amount` shares of `twin` now, before fees.
    function getSellPrice(bytes16 twin, uint256 amount) external view returns (uint256);

    /// @notice What selling `amount` shares of `twin` pays now, after fees: what `sell` pays.
    function getSellPriceAfterFees(bytes16 twin, uint256 amount) external view returns (uint256);

    /// @notice The fee rates and destination in force now.
    function fees() external view returns (uint256 protocolFee, uint256 subjectFee, address destination);

    /// @notice The queued change of `setting` (effectiveAt 0 when none).
    function pendingChange(FeeSetting setting) external view returns (PendingChange memory);

    /// @notice `twin`'s owner and share supply (owner 0 when unknown).
    function twinOf(bytes16 twin) external view returns (address owner, uint256 supply);

    /// @notice Shares of `twin` that `holder` has.
    function sharesOf(bytes16 twin, address holder) external view returns (uint256);

    /// @notice Subject fees `account` can withdraw, and the protocol fees accrued.
    function feesOwed(address account) external view returns (uint256 subject, uint256 protocol);

    /// @notice What selling every share of `twin` back would pay before fees: what the market holds for it.
    function reserveOf(bytes16 twin) external view returns (uint256);
}
