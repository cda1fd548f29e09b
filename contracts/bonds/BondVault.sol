// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IAttesterRegistry} from "../interfaces/IAttesterRegistry.sol";
import {IBondVault} from "../interfaces/IBondVault.sol";
import {IInferenceEscrow} from "../interfaces/IInferenceEscrow.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {RequestRefLib} from "../libraries/RequestRefLib.sol";
import {TimeLib} from "../libraries/TimeLib.sol";
import {InferenceRecord, RecordState} from "../types/InferenceTypes.sol";
import {Artifact} from "../types/ModelTypes.sol";

/// @title BondVault
/// @notice Node bonds, locked per claim above Vanilla, released on settlement and slashed on overclaiming. See
/// {IBondVault}.
/// @dev For every asset, the vault's balance equals the sum over nodes of free, locked and unbonding bond plus the
/// slash credits not yet withdrawn (the invariant test checks it after random sequences). Every lock is counted in
/// its node's `locked` exactly while its status is Locked.
contract BondVault is IBondVault, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @inheritdoc IBondVault
    uint256 public constant MIN_PAID_MULTIPLE = 2;
    /// @inheritdoc IBondVault
    /// @dev At most half: refuting oneself through a friend always costs at least half the lock.
    uint256 public constant REPORTER_SHARE_BPS = 5_000;
    /// @inheritdoc IBondVault
    /// @dev Reporter and requester together take at most 80%, so the protocol's share is never zero.
    uint256 public constant REQUESTER_SHARE_BPS = 3_000;
    uint256 private constant BPS = 10_000;

    /// @inheritdoc IBondVault
    uint40 public immutable UNBONDING_PERIOD;
    IAttesterRegistry private immutable ATTESTERS;
    address private immutable DEPLOYER;
    address private immutable FEE_DESTINATION;
    uint256 private immutable MINIMUM_LOCK;

    /// @dev Read by {checkLock} on every bonded answer: kept alone in its slot.
    address private _escrow;
    IInferenceLedger private _ledger;

    mapping(bytes32 inferenceId => Lock lock_) private _locks;
    mapping(uint32 nodeId => mapping(address asset => Bond bond)) private _bonds;
    mapping(address account => mapping(address asset => uint256 amount)) private _credits;
    /// @dev The assets ever deposited, by index (0 is ETH); {Lock} names its asset by index to fit one slot.
    address[] private _assets;
    mapping(address asset => uint32 index) private _assetIndex;

    /// @param attesters The attester registry: node keys and operators.
    /// @param minimumLock_ The ETH an unpaid claim locks.
    /// @param unbondingPeriod Seconds unbonding bond waits (checked against the ledger's windows at {bind}).
    /// @param feeDestination_ Where the protocol's share of slashes goes.
    constructor(IAttesterRegistry attesters, uint256 minimumLock_, uint40 unbondingPeriod, address feeDestination_) {
        if (
            address(attesters) == address(0) ||
            feeDestination_ == address(0) ||
            minimumLock_ == 0 ||
            unbondingPeriod == 0
        ) revert VaultZeroParameter();
        if (minimumLock_ > type(uint96).max) revert BondAmountTooLarge(minimumLock_);
        ATTESTERS = attesters;
        MINIMUM_LOCK = minimumLock_;
        UNBONDING_PERIOD = unbondingPeriod;
        FEE_DESTINATION = feeDestination_;
        DEPLOYER = msg.sender;
        _assets.push(address(0));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Binding
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBondVault
    function bind(address ledger, address escrow) external {
        if (msg.sender != DEPLOYER || _escrow != address(0)) revert VaultBindingRefused(msg.sender);
        if (
            ledger.code.length == 0 ||
            escrow.code.length == 0 ||
            IInferenceLedger(ledger).bondVault() != address(this) ||
            IInferenceEscrow(escrow).ledger() != ledger
        ) revert VaultBindingMismatch(ledger, escrow);
        (uint40 challengeWindow, uint40 settlementWindow, ) = IInferenceLedger(ledger).windows();
        uint256 longest = challengeWindow > settlementWindow ? challengeWindow : settlementWindow;
        uint256 required = longest + IInferenceEscrow(escrow).CLAIM_WINDOW();
        if (UNBONDING_PERIOD <= required) revert UnbondingPeriodTooShort(UNBONDING_PERIOD, required);
        _ledger = IInferenceLedger(ledger);
        _escrow = escrow;
        emit VaultBound(ledger, escrow);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Deposits and locks
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBondVault
    function deposit(uint32 nodeId, address asset, uint256 amount) external payable nonReentrant {
        ATTESTERS.getNode(nodeId); // reverts for an unknown node
        if (asset == address(0)) {
            if (msg.value != amount) revert BondWrongValue(amount, msg.value);
        } else {
            if (msg.value != 0) revert BondWrongValue(0, msg.value);
            if (asset.code.length == 0) revert BondNotAToken(asset);
        }
        if (amount == 0) revert BondZeroAmount();
        Bond storage bond = _bonds[nodeId][asset];
        uint256 free = bond.free + amount;
        if (free + bond.locked + bond.unbonding > type(uint128).max) revert BondAmountTooLarge(amount);
        if (asset != address(0)) {
            if (_assetIndex[asset] == 0) {
                _assetIndex[asset] = uint32(_assets.length);
                _assets.push(asset);
            }
            uint256 before = IERC20(asset).balanceOf(address(this));
            IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
            uint256 received = IERC20(asset).balanceOf(address(this)) - before;
            if (received != amount) revert BondAmountNotReceived(amount, received);
        }
        // Safe: the sum of the three was checked against uint128 above.
        bond.free = uint128(free);
        emit BondDeposited(nodeId, asset, msg.sender, amount);
    }

    /// @inheritdoc IBondVault
    function lock(bytes32 inferenceId, bytes32 paymentRef) external nonReentrant returns (uint256 amount) {
        uint32 nodeId = _lockingNode(inferenceId);
        uint256 requestId = RequestRefLib.decode(paymentRef, _escrow);
        if (requestId != 0) revert LockNeedsRequest(requestId);
        amount = MINIMUM_LOCK;
        _lock(inferenceId, nodeId, address(0), amount, 0);
    }

    /// @inheritdoc IBondVault
    function lockPaid(
        bytes32 inferenceId,
        uint256 requestId,
        IInferenceEscrow.Request calldata request
    ) external nonReentrant returns (uint256 amount) {
        uint32 nodeId = _lockingNode(inferenceId);
        address asset;
        (asset, amount) = _paidRequirement(nodeId, requestId, request);
        _lock(inferenceId, nodeId, asset, amount, requestId);
    }

    /// @inheritdoc IBondVault
    function cancelLock(bytes32 inferenceId) external nonReentrant {
        Lock memory lock_ = _liveLock(inferenceId);
        _checkNodeOrOperator(lock_.nodeId, address(bytes20(inferenceId)));
        (RecordState state, , ) = _ledger.outcomeOf(inferenceId);
        if (state != RecordState.None) revert LockInUse(inferenceId);
        address asset = _unlock(inferenceId, lock_, LockStatus.Cancelled);
        emit LockCancelled(inferenceId, lock_.nodeId, asset, lock_.amount);
    }

    /// @inheritdoc IBondVault
    function release(bytes32 inferenceId) public nonReentrant {
        Lock memory lock_ = _liveLock(inferenceId);
        (RecordState state, IInferenceLedger.RejectionReason reason, ) = _ledger.outcomeOf(inferenceId);
        bool releasable =
            state == RecordState.Settled ||
                (state == RecordState.Rejected &&
                    reason == IInferenceLedger.RejectionReason.ArtifactRevoked &&
                    !_operatorPublishes(inferenceId, lock_.nodeId));
        if (!releasable) revert NotReleasable(inferenceId);
        address asset = _unlock(inferenceId, lock_, LockStatus.Released);
        emit BondReleased(inferenceId, lock_.nodeId, asset, lock_.amount);
    }

    /// @inheritdoc IBondVault
    function releaseMany(bytes32[] calldata inferenceIds) external {
        for (uint256 i = 0; i < inferenceIds.length; ++i) {
            release(inferenceIds[i]);
        }
    }

    /// @inheritdoc IBondVault
    function slash(bytes32 inferenceId) external nonReentrant {
        Lock memory lock_ = _liveLock(inferenceId);
        if (lock_.requestId != 0) revert SlashNeedsRequest(inferenceId, lock_.requestId);
        _slash(inferenceId, lock_, address(0));
    }

    /// @inheritdoc IBondVault
    function slashPaid(bytes32 inferenceId, IInferenceEscrow.Request calldata request) external nonReentrant {
        Lock memory lock_ = _liveLock(inferenceId);
        if (lock_.requestId == 0) revert NotAPaidLock(inferenceId);
        // Any status: the request may be refunded already. The escrow reverts unless it is the one opened.
        IInferenceEscrow(_escrow).checkRequest(lock_.requestId, request);
        _slash(inferenceId, lock_, request.requester);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Unbonding and withdrawals
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBondVault
    function beginUnbonding(uint32 nodeId, address asset, uint256 amount) external nonReentrant {
        _checkOperator(nodeId);
        if (amount == 0) revert BondZeroAmount();
        Bond storage bond = _bonds[nodeId][asset];
        uint256 free = bond.free;
        if (free < amount) revert BondInsufficient(nodeId, asset, free, amount);
        // Safe: amount <= free, a uint128, and the three counters together fit a uint128 (checked on deposit).
        bond.free = uint128(free - amount);
        bond.unbonding += uint128(amount);
        uint40 unbondsAt = TimeLib.now40() + UNBONDING_PERIOD;
        bond.unbondsAt = unbondsAt;
        emit UnbondingStarted(nodeId, asset, bond.unbonding, unbondsAt);
    }

    /// @inheritdoc IBondVault
    function cancelUnbonding(uint32 nodeId, address asset) external nonReentrant {
        _checkOperator(nodeId);
        Bond storage bond = _bonds[nodeId][asset];
        uint128 amount = bond.unbonding;
        if (amount == 0) revert NothingUnbonding(nodeId, asset);
        bond.unbonding = 0;
        bond.unbondsAt = 0;
        bond.free += amount;
        emit UnbondingCancelled(nodeId, asset, amount);
    }

    /// @inheritdoc IBondVault
    function withdrawUnbonded(uint32 nodeId, address asset, address to) external nonReentrant {
        _checkOperator(nodeId);
        Bond storage bond = _bonds[nodeId][asset];
        uint128 amount = bond.unbonding;
        if (amount == 0) revert NothingUnbonding(nodeId, asset);
        if (block.timestamp < bond.unbondsAt) revert StillUnbonding(nodeId, asset, bond.unbondsAt);
        bond.unbonding = 0;
        bond.unbondsAt = 0;
        emit BondWithdrawn(nodeId, asset, amount, to);
        _send(asset, to, amount);
    }

    /// @inheritdoc IBondVault
    function withdrawCredit(address asset, address to) external nonReentrant {
        uint256 amount = _credits[msg.sender][asset];
        if (amount == 0) revert NoCredit(asset);
        _credits[msg.sender][asset] = 0;
        emit CreditWithdrawn(msg.sender, asset, amount, to);
        _send(asset, to, amount);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBondVault
    function checkLock(bytes32 inferenceId, uint32 nodeId, bytes32 paymentRef) external view {
        Lock memory lock_ = _locks[inferenceId];
        if (lock_.status != LockStatus.Locked || lock_.nodeId != nodeId) revert ClaimNotBonded(inferenceId, nodeId);
        uint256 requestId = RequestRefLib.decode(paymentRef, _escrow);
        if (lock_.requestId != requestId) revert LockOfAnotherPayment(inferenceId, lock_.requestId, requestId);
    }

    /// @inheritdoc IBondVault
    function lockRequirement(
        uint32 nodeId,
        uint256 requestId,
        IInferenceEscrow.Request calldata request
    ) external view returns (address, uint256) {
        _boundLedger();
        return _paidRequirement(nodeId, requestId, request);
    }

    /// @inheritdoc IBondVault
    function lockOf(bytes32 inferenceId) external view returns (Lock memory) {
        return _locks[inferenceId];
    }

    /// @inheritdoc IBondVault
    function bondOf(uint32 nodeId, address asset) external view returns (Bond memory) {
        return _bonds[nodeId][asset];
    }

    /// @inheritdoc IBondVault
    function creditOf(address account, address asset) external view returns (uint256) {
        return _credits[account][asset];
    }

    /// @inheritdoc IBondVault
    function assetAt(uint32 index) external view returns (address) {
        return _assets[index];
    }

    /// @inheritdoc IBondVault
    function minimumLock() external view returns (uint256) {
        return MINIMUM_LOCK;
    }

    /// @inheritdoc IBondVault
    function feeDestination() external view returns (address) {
        return FEE_DESTINATION;
    }

    /// @inheritdoc IBondVault
    function bound() external view returns (address ledger, address escrow) {
        return (address(_ledger), _escrow);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    function _boundLedger() private view returns (IInferenceLedger ledger) {
        ledger = _ledger;
        if (address(ledger) == address(0)) revert VaultNotBound();
    }

    /// @dev The asset and amount node `nodeId` locks for an answer to escrow request `requestId`, opened as `request`
    /// (see {IBondVault}): the escrow checks the request is the one it opened; it must be open and name this node.
    function _paidRequirement(
        uint32 nodeId,
        uint256 requestId,
        IInferenceEscrow.Request calldata request
    ) private view returns (address asset, uint256 amount) {
        IInferenceEscrow.RequestStatus status = IInferenceEscrow(_escrow).checkRequest(requestId, request);
        if (status != IInferenceEscrow.RequestStatus.Open) revert LockRequestNotOpen(requestId);
        if (request.nodeId != nodeId) revert LockForAnotherNode(requestId, request.nodeId);
        uint256 multiple = request.bondMultiple > MIN_PAID_MULTIPLE ? request.bondMultiple : MIN_PAID_MULTIPLE;
        uint256 price = request.amount;
        // A price past uint96 locks more than uint96 whatever the multiple: refused here, so the product cannot
        // overflow (which would revert with a bare arithmetic panic instead of a named error).
        if (price > type(uint96).max) revert BondAmountTooLarge(price);
        asset = request.asset;
        amount = price * multiple;
        if (asset == address(0) && amount < MINIMUM_LOCK) amount = MINIMUM_LOCK;
        if (amount > type(uint96).max) revert BondAmountTooLarge(amount);
    }

    /// @dev Slashes `lock_` of `inferenceId` once its record was rejected for overclaiming, crediting the shares;
    /// `requester` is the paid request's requester (zero for an unpaid claim, whose share goes to the protocol).
    function _slash(bytes32 inferenceId, Lock memory lock_, address requester) private {
        (RecordState state, IInferenceLedger.RejectionReason reason, address refuter) = _ledger.outcomeOf(inferenceId);
        if (state != RecordState.Rejected) revert NotSlashable(inferenceId);
        if (
            reason == IInferenceLedger.RejectionReason.ArtifactRevoked && !_operatorPublishes(inferenceId, lock_.nodeId)
        ) revert NotSlashable(inferenceId);

        address asset = _assets[lock_.assetIndex];
        _locks[inferenceId].status = LockStatus.Slashed;
        _bonds[lock_.nodeId][asset].locked -= lock_.amount;

        uint256 amount = lock_.amount;
        address reporter = reason == IInferenceLedger.RejectionReason.Refuted ? refuter : msg.sender;
        uint256 reporterShare = (amount * REPORTER_SHARE_BPS) / BPS;
        uint256 requesterShare;
        if (requester != address(0)) {
            requesterShare = (amount * REQUESTER_SHARE_BPS) / BPS;
            _credits[requester][asset] += requesterShare;
        }
        uint256 protocolShare = amount - reporterShare - requesterShare;
        _credits[reporter][asset] += reporterShare;
        _credits[FEE_DESTINATION][asset] += protocolShare;
        emit BondSlashed(
            inferenceId,
            lock_.nodeId,
            asset,
            amount,
            reporter,
            reporterShare,
            requester,
            requesterShare,
            protocolShare
        );
    }

    /// @dev The node locking for `inferenceId` (the one whose key is the id's first 20 bytes), after checking that
    /// the vault is bound, the key is active, the caller is that key or the node's operator, and the inference has
    /// neither a lock nor an answer.
    function _lockingNode(bytes32 inferenceId) private view returns (uint32 nodeId) {
        IInferenceLedger ledger = _boundLedger();
        address key = address(bytes20(inferenceId));
        nodeId = ATTESTERS.activeNodeId(key);
        if (nodeId == 0) revert LockNodeNotActive(key);
        _checkNodeOrOperator(nodeId, key);
        if (_locks[inferenceId].status != LockStatus.None) revert AlreadyLocked(inferenceId);
        (RecordState state, , ) = ledger.outcomeOf(inferenceId);
        if (state != RecordState.None) revert AlreadyAnswered(inferenceId);
    }

    /// @dev Moves `amount` of node `nodeId`'s free bond in `asset` into a lock for `inferenceId`, backing escrow
    /// request `requestId` (0: unpaid).
    function _lock(bytes32 inferenceId, uint32 nodeId, address asset, uint256 amount, uint256 requestId) private {
        Bond storage bond = _bonds[nodeId][asset];
        uint256 free = bond.free;
        if (free < amount) revert BondInsufficient(nodeId, asset, free, amount);
        // Safe: amount <= free, a uint128.
        bond.free = uint128(free - amount);
        bond.locked += uint128(amount);
        // Safe: the requirement checked amount <= type(uint96).max, and a paid lock's request exists in the escrow
        // (ids are its counter, far below 2^64).
        _locks[inferenceId] = Lock({
            amount: uint96(amount),
            requestId: uint64(requestId),
            nodeId: nodeId,
            assetIndex: _assetIndex[asset],
            status: LockStatus.Locked
        });
        emit BondLocked(inferenceId, nodeId, asset, amount, requestId);
    }

    /// @dev The live lock of `inferenceId`; reverts when there is none.
    function _liveLock(bytes32 inferenceId) private view returns (Lock memory lock_) {
        lock_ = _locks[inferenceId];
        if (lock_.status != LockStatus.Locked) revert NotLocked(inferenceId);
    }

    /// @dev Ends `inferenceId`'s lock with `status`, giving its amount back to the node's free bond.
    function _unlock(bytes32 inferenceId, Lock memory lock_, LockStatus status) private returns (address asset) {
        asset = _assets[lock_.assetIndex];
        _locks[inferenceId].status = status;
        Bond storage bond = _bonds[lock_.nodeId][asset];
        bond.locked -= lock_.amount;
        bond.free += lock_.amount;
    }

    /// @dev Whether node `nodeId`'s operator publishes `inferenceId`'s artifact (a Local record): it registered the
    /// artifact, or publishes its model now. Then the artifact's revocation was in the node's own hands and does not
    /// excuse the record. The registrant counts because the registry keeps who registered an artifact for good
    /// ({IModelRegistry.artifactIdOfBlob}) but not who held the model when it was revoked: with the current publisher
    /// alone, an operator could revoke its own artifact and then hand the model to a fresh account before anyone
    /// slashes, and have the lock released.
    function _operatorPublishes(bytes32 inferenceId, uint32 nodeId) private view returns (bool) {
        // Only a Local record can be rejected because its artifact was revoked, so the subject is an artifact.
        InferenceRecord memory record = _ledger.getRecord(inferenceId);
        IModelRegistry registry = IModelRegistry(_ledger.modelRegistry());
        Artifact memory artifact = registry.getArtifact(record.subject);
        address operator = ATTESTERS.getNode(nodeId).operator;
        return
            registry.getModel(artifact.modelId).publisher == operator ||
            registry.artifactIdOfBlob(operator, artifact.blobId) == record.subject;
    }

    /// @dev Reverts unless the caller is `key` (node `nodeId`'s key) or node `nodeId`'s operator.
    function _checkNodeOrOperator(uint32 nodeId, address key) private view {
        if (msg.sender != key && msg.sender != ATTESTERS.getNode(nodeId).operator) {
            revert NotNodeOrOperator(nodeId, msg.sender);
        }
    }

    function _checkOperator(uint32 nodeId) private view {
        if (msg.sender != ATTESTERS.getNode(nodeId).operator) revert NotOperator(nodeId, msg.sender);
    }

    function _send(address asset, address to, uint256 amount) private {
        if (asset == address(0)) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool sent, ) = to.call{value: amount}("");
            if (!sent) revert BondEthTransferFailed(to);
        } else {
            IERC20(asset).safeTransfer(to, amount);
        }
    }
}
