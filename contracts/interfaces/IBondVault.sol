// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceEscrow} from "./IInferenceEscrow.sol";

/// @title IBondVault
/// @notice Node bonds: what a node loses when it claims more than it proves. A node's operator (or anyone on its
/// behalf) deposits a bond, in ETH or any ERC-20; each answer that claims more than Vanilla locks part of it until the
/// record resolves; a record that settles gives its lock back, a record that overclaimed loses it.
/// @dev Rules, in the order a record meets them:
///
/// - **Lock before answering.** `lock(inferenceId, paymentRef)` (an unpaid claim) or `lockPaid(inferenceId,
///   requestId, request)` (an answer to an escrow request, passed back as the escrow opened it) moves part of the
///   node's free bond into a lock for that inference, before the node answers it. The ledger refuses an answer that claims TEE or ZKML unless its
///   inference has a live lock made for the answer's payment reference ({checkLock}). Only the node's key (the first
///   20 bytes of the id) or its operator may lock, so nobody can tie up a node's bond.
/// - **How much.** For a paid request (a `paymentRef` that is an escrow request reference, see
///   {IInferenceEscrow.requestRef}; the escrow checks the request passed is the one it opened) the lock is `max(bondMultiple, MIN_PAID_MULTIPLE)` times the escrowed price, in
///   the request's asset (and, in ETH, at least {minimumLock}); the request must be open and name this node. Any other
///   claim locks {minimumLock} of ETH. A node whose free bond cannot cover the lock cannot answer at that level
///   ({BondInsufficient}).
/// - **Release.** Anyone may release the lock of a record that settled (at any level), and of a record rejected
///   because its artifact was revoked while it was pending: the node did not overclaim. A lock made for an inference
///   that was never answered can be cancelled by the node at any time before it is answered.
/// - **Slash, once.** Anyone may slash the lock of a record rejected because it missed its settlement deadline
///   (it claimed more than it proved) or because a stronger proof refuted it. The lock is split by constants:
///   {REPORTER_SHARE_BPS} to whoever did the work (the account that submitted the refutation, or the slasher of a
///   missed deadline), {REQUESTER_SHARE_BPS} to the requester of a paid request (on top of its refund), the rest to
///   the protocol's fee destination. Shares are credited and withdrawn with {withdrawCredit}. A paid lock is slashed
///   with `slashPaid`, given the request (the escrow keeps only a commitment to it, so the requester comes from
///   the request passed back and checked), an unpaid one with `slash`.
/// - **Revocation.** A revoked measurement or a disabled enclave never touches settled records, so their locks are
///   released as for any settled record (settled history is not rewritten). A record that could not settle because
///   its artifact was revoked while it was pending is released without slashing, unless the node's operator is the
///   artifact's publisher (the account that registered it, or its model's publisher now): a publisher that revokes
///   its own artifact to escape a slash is slashed as a missed deadline, whoever holds the model afterwards. (The
///   vault cannot tell two accounts of one party apart; a publisher that runs its own artifact from another operator
///   account is the guardian's to watch.)
/// - **Unbonding.** A node's operator withdraws free bond in two steps: {beginUnbonding}, then after
///   {UNBONDING_PERIOD} {withdrawUnbonded}. Locked bond never leaves before its record resolves; the period, longer
///   than the ledger's longest window plus the escrow's claim window (checked at {bind}), means a requester that saw a
///   node's free bond when it opened a request can count on it for as long as that request can be answered and paid.
///
/// There is no admin: the split, the minimum and the period are fixed at deployment.
interface IBondVault {
    /// @notice Where a lock stands. Released, Slashed and Cancelled are final.
    enum LockStatus {
        None,
        Locked,
        Released,
        Slashed,
        Cancelled
    }

    /// @notice A node's bond in one asset.
    /// @param free What can be locked or start unbonding.
    /// @param locked What backs pending claims.
    /// @param unbonding What is leaving, withdrawable from `unbondsAt`.
    /// @param unbondsAt When the unbonding amount may be withdrawn (0 while none is unbonding).
    struct Bond {
        uint128 free;
        uint128 locked;
        uint128 unbonding;
        uint40 unbondsAt;
    }

    /// @notice One inference's lock, in one storage slot.
    /// @param amount The amount locked, in the asset of `assetIndex` (see {assetAt}).
    /// @param requestId The escrow request it backs, or 0 for an unpaid claim.
    /// @param nodeId The node whose bond it is.
    /// @param assetIndex The asset's index in the vault's asset list: 0 is ETH.
    /// @param status Locked, then Released, Slashed or Cancelled.
    struct Lock {
        uint96 amount;
        uint64 requestId;
        uint32 nodeId;
        uint32 assetIndex;
        LockStatus status;
    }

    /// @notice The vault was bound to `ledger` and `escrow` (once, by its deployer).
    event VaultBound(address ledger, address escrow);
    /// @notice `from` added `amount` of `asset` to node `nodeId`'s free bond.
    event BondDeposited(uint32 indexed nodeId, address indexed asset, address from, uint256 amount);
    /// @notice `amount` of node `nodeId`'s bond in `asset` is locked for `inferenceId`, backing escrow request
    /// `requestId` (0: an unpaid claim).
    event BondLocked(
        bytes32 indexed inferenceId,
        uint32 indexed nodeId,
        address asset,
        uint256 amount,
        uint256 requestId
    );
    /// @notice The lock of `inferenceId`, never answered, went back to the node's free bond.
    event LockCancelled(bytes32 indexed inferenceId, uint32 indexed nodeId, address asset, uint256 amount);
    /// @notice `inferenceId` resolved without overclaiming; its lock went back to the node's free bond.
    event BondReleased(bytes32 indexed inferenceId, uint32 indexed nodeId, address asset, uint256 amount);
    /// @notice The lock of `inferenceId` (`amount` of `asset`) was slashed: `reporterShare` to `reporter`,
    /// `requesterShare` to `requester` (zero address and share for an unpaid claim), `protocolShare` to the fee
    /// destination.
    event BondSlashed(
        bytes32 indexed inferenceId,
        uint32 indexed nodeId,
        address asset,
        uint256 amount,
        address reporter,
        uint256 reporterShare,
        address requester,
        uint256 requesterShare,
        uint256 protocolShare
    );
    /// @notice Node `nodeId` has `amount` of `asset` unbonding (in total), withdrawable from `unbondsAt`.
    event UnbondingStarted(uint32 indexed nodeId, address indexed asset, uint256 amount, uint256 unbondsAt);
    /// @notice Node `nodeId`'s unbonding `amount` of `asset` went back to its free bond.
    event UnbondingCancelled(uint32 indexed nodeId, address indexed asset, uint256 amount);
    /// @notice Node `nodeId`'s operator withdrew `amount` of unbonded `asset` to `to`.
    event BondWithdrawn(uint32 indexed nodeId, address indexed asset, uint256 amount, address to);
    /// @notice `account` withdrew its slash credit of `amount` `asset` to `to`.
    event CreditWithdrawn(address indexed account, address indexed asset, uint256 amount, address to);

    /// @notice A constructor argument is zero: the attester registry, the fee destination, the minimum or the period.
    error VaultZeroParameter();
    /// @notice Only the deployer binds the vault, once.
    error VaultBindingRefused(address caller);
    /// @notice The ledger given to {bind} does not name this vault, or the escrow does not pay for that ledger.
    error VaultBindingMismatch(address ledger, address escrow);
    /// @notice The unbonding period must be longer than `required` (the ledger's longest window plus the escrow's
    /// claim window).
    error UnbondingPeriodTooShort(uint256 period, uint256 required);
    /// @notice The vault is not bound to a ledger and escrow yet.
    error VaultNotBound();
    /// @notice An amount must be more than zero.
    error BondZeroAmount();
    /// @notice ETH deposits carry exactly `expected` wei; token deposits none.
    error BondWrongValue(uint256 expected, uint256 sent);
    /// @notice `asset` has no code: not a token.
    error BondNotAToken(address asset);
    /// @notice The vault received `received` where `expected` was deposited: fee-on-transfer tokens are refused.
    error BondAmountNotReceived(uint256 expected, uint256 received);
    /// @notice `caller` is neither node `nodeId`'s key nor its operator.
    error NotNodeOrOperator(uint32 nodeId, address caller);
    /// @notice `caller` is not node `nodeId`'s operator.
    error NotOperator(uint32 nodeId, address caller);
    /// @notice `key`, the first 20 bytes of the inference id, is not an active node key.
    error LockNodeNotActive(address key);
    /// @notice `inferenceId` already has a lock (live or resolved): one lock per inference, ever.
    error AlreadyLocked(bytes32 inferenceId);
    /// @notice `inferenceId` is already on the ledger: a lock must come before the answer.
    error AlreadyAnswered(bytes32 inferenceId);
    /// @notice Escrow request `requestId` is not open.
    error LockRequestNotOpen(uint256 requestId);
    /// @notice The payment reference names escrow request `requestId`: lock with {lockPaid}, passing the request.
    error LockNeedsRequest(uint256 requestId);
    /// @notice The lock of `inferenceId` backs escrow request `requestId`: slash it with {slashPaid}.
    error SlashNeedsRequest(bytes32 inferenceId, uint256 requestId);
    /// @notice The lock of `inferenceId` backs no escrow request: slash it with {slash}.
    error NotAPaidLock(bytes32 inferenceId);
    /// @notice Escrow request `requestId` names node `requestedNode`, not the locking node.
    error LockForAnotherNode(uint256 requestId, uint32 requestedNode);
    /// @notice Node `nodeId` has `free` of `asset` free, less than the `required` lock.
    error BondInsufficient(uint32 nodeId, address asset, uint256 free, uint256 required);
    /// @notice A lock or bond amount does not fit the vault's counters.
    error BondAmountTooLarge(uint256 amount);
    /// @notice `inferenceId` has no live lock of node `nodeId`: its claim above Vanilla is not bonded.
    error ClaimNotBonded(bytes32 inferenceId, uint32 nodeId);
    /// @notice The lock of `inferenceId` backs request `lockedFor` (0: unpaid), and the answer pays with request
    /// `answeredFor`.
    error LockOfAnotherPayment(bytes32 inferenceId, uint256 lockedFor, uint256 answeredFor);
    /// @notice `inferenceId` has no live lock.
    error NotLocked(bytes32 inferenceId);
    /// @notice `inferenceId` is answered, so its lock stays until the record resolves.
    error LockInUse(bytes32 inferenceId);
    /// @notice The record of `inferenceId` has not resolved in a way that releases its lock (pending, or rejected for
    /// overclaiming: slash it instead).
    error NotReleasable(bytes32 inferenceId);
    /// @notice The record of `inferenceId` is not rejected for overclaiming (pending, settled, or rejected because
    /// its artifact was revoked under it).
    error NotSlashable(bytes32 inferenceId);
    /// @notice Node `nodeId` has nothing of `asset` unbonding.
    error NothingUnbonding(uint32 nodeId, address asset);
    /// @notice The unbonding amount can be withdrawn only from `unbondsAt`.
    error StillUnbonding(uint32 nodeId, address asset, uint256 unbondsAt);
    /// @notice The caller has no slash credit in `asset`.
    error NoCredit(address asset);
    /// @notice Sending ETH to `to` failed; nothing changed.
    error BondEthTransferFailed(address to);

    /// @notice Binds the vault to the ledger that checks its locks and the escrow whose requests paid locks back.
    /// Only the deployer, once; `ledger` must name this vault and `escrow` must pay for `ledger`. Checks that the
    /// unbonding period outlasts the ledger's longest window plus the escrow's claim window.
    function bind(address ledger, address escrow) external;

    /// @notice Adds to node `nodeId`'s free bond: `msg.value` of ETH (`asset` 0), or `amount` of an ERC-20 the caller
    /// approved. Anyone may top up any registered node.
    function deposit(uint32 nodeId, address asset, uint256 amount) external payable;

    /// @notice Locks {minimumLock} of the node's free ETH bond for `inferenceId`, which must not be answered yet, for
    /// an answer that will carry `paymentRef`, which no escrow request of the bound escrow pays ({LockNeedsRequest}
    /// otherwise). The node is the one whose key is the first 20 bytes of `inferenceId`; only that key or the node's
    /// operator may call. Returns the amount locked.
    function lock(bytes32 inferenceId, bytes32 paymentRef) external returns (uint256 amount);

    /// @notice {lock} for an answer to escrow request `requestId` (its payment reference is
    /// {IInferenceEscrow.requestRef}`(requestId)`), opened as `request` (from {IInferenceEscrow.RequestOpened}): the
    /// escrow checks the request, which must be open and name this node; the lock is {lockRequirement}.
    function lockPaid(
        bytes32 inferenceId,
        uint256 requestId,
        IInferenceEscrow.Request calldata request
    ) external returns (uint256 amount);

    /// @notice Gives a lock whose inference was never answered back to the node's free bond. Node key or operator.
    function cancelLock(bytes32 inferenceId) external;

    /// @notice Gives the lock of a record that resolved without overclaiming back to the node. Anyone may call.
    function release(bytes32 inferenceId) external;

    /// @notice {release} for many records in one call; reverts if any cannot be released.
    function releaseMany(bytes32[] calldata inferenceIds) external;

    /// @notice Slashes the unpaid lock of a record rejected for overclaiming, once, and credits the shares. Anyone may
    /// call.
    function slash(bytes32 inferenceId) external;

    /// @notice {slash} for a paid lock: `request` is the escrow request it backs, as opened (any status); its
    /// requester gets {REQUESTER_SHARE_BPS}.
    function slashPaid(bytes32 inferenceId, IInferenceEscrow.Request calldata request) external;

    /// @notice Moves `amount` of node `nodeId`'s free bond in `asset` to unbonding, restarting the unbonding clock
    /// for everything unbonding in that asset. Operator only.
    function beginUnbonding(uint32 nodeId, address asset, uint256 amount) external;

    /// @notice Moves everything unbonding in `asset` back to the free bond. Operator only.
    function cancelUnbonding(uint32 nodeId, address asset) external;

    /// @notice Sends everything unbonded in `asset` to `to`, once {UNBONDING_PERIOD} has passed. Operator only.
    function withdrawUnbonded(uint32 nodeId, address asset, address to) external;

    /// @notice Sends the caller's whole slash credit in `asset` to `to`.
    function withdrawCredit(address asset, address to) external;

    /// @notice Reverts unless `inferenceId` has a live lock of node `nodeId` made for `paymentRef`'s payment: the
    /// check the ledger runs before it records a claim above Vanilla.
    function checkLock(bytes32 inferenceId, uint32 nodeId, bytes32 paymentRef) external view;

    /// @notice The lock node `nodeId` must make for an answer to escrow request `requestId`, opened as `request`: its
    /// asset and amount. Reverts as {lockPaid} would for a request that is not the one opened, not open, or for
    /// another node. (An unpaid claim locks {minimumLock} of ETH.)
    function lockRequirement(
        uint32 nodeId,
        uint256 requestId,
        IInferenceEscrow.Request calldata request
    ) external view returns (address asset, uint256 amount);

    /// @notice The lock of `inferenceId` (status None when there is none).
    function lockOf(bytes32 inferenceId) external view returns (Lock memory);

    /// @notice Node `nodeId`'s bond in `asset`.
    function bondOf(uint32 nodeId, address asset) external view returns (Bond memory);

    /// @notice What `account` can withdraw of `asset` from slashes.
    function creditOf(address account, address asset) external view returns (uint256);

    /// @notice The asset at `index` in the vault's asset list (0 is ETH, `address(0)`).
    function assetAt(uint32 index) external view returns (address);

    /// @notice The ETH a claim that no escrow request pays for locks (and the least an ETH-paid lock is).
    function minimumLock() external view returns (uint256);

    /// @notice Where the protocol's share of slashes goes.
    function feeDestination() external view returns (address);

    /// @notice The ledger and escrow the vault is bound to (zero before {bind}).
    function bound() external view returns (address ledger, address escrow);

    /// @notice How long unbonding bond waits before it can be withdrawn.
    function UNBONDING_PERIOD() external view returns (uint40);

    /// @notice The least multiple of the escrowed price a paid claim locks.
    function MIN_PAID_MULTIPLE() external view returns (uint256);

    /// @notice The share of a slash that goes to whoever did the work, in basis points.
    function REPORTER_SHARE_BPS() external view returns (uint256);

    /// @notice The share of a slash that goes to the requester of a paid request, in basis points.
    function REQUESTER_SHARE_BPS() external view returns (uint256);
}
