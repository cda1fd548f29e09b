// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IAttesterRegistry} from "../interfaces/IAttesterRegistry.sol";
import {IERC3009} from "../interfaces/IERC3009.sol";
import {IInferenceEscrow} from "../interfaces/IInferenceEscrow.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {CommitmentLib} from "../libraries/CommitmentLib.sol";
import {RequestRefLib} from "../libraries/RequestRefLib.sol";
import {RecordState, Route, VerificationLevel} from "../types/InferenceTypes.sol";

/// @title InferenceEscrow
/// @notice Escrowed payment for inferences, released only on settlement at the paid level. See {IInferenceEscrow}.
/// @dev Holds ETH and any number of ERC-20s. For every asset, the escrow's balance equals the amounts of its open
/// requests plus the credits not yet withdrawn (the invariant test checks it after random sequences).
contract InferenceEscrow is IInferenceEscrow, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @inheritdoc IInferenceEscrow
    uint40 public constant CLAIM_WINDOW = 1 days;

    IInferenceLedger private immutable LEDGER;
    IAttesterRegistry private immutable ATTESTERS;

    /// @dev The low byte of a request's slot holds its status; the other 248 bits the top of its hash.
    uint256 private constant STATUS_MASK = 0xff;

    uint256 private _requestCount;
    /// @dev One slot per request: the top 248 bits of `keccak256(abi.encode(request))` and the status in the low byte
    /// ({_open}). Zero for an id never opened.
    mapping(uint256 requestId => uint256 slot) private _requests;
    mapping(address account => mapping(address asset => uint256 amount)) private _credits;

    /// @param ledger_ The Proofline ledger whose records this escrow pays for; its attester registry names each
    /// node's operator (the payee).
    constructor(IInferenceLedger ledger_) {
        if (address(ledger_).code.length == 0) revert EscrowNeedsLedger(address(ledger_));
        LEDGER = ledger_;
        ATTESTERS = IAttesterRegistry(ledger_.attesterRegistry());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Opening and funding
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceEscrow
    function open(RequestParams calldata params) external payable nonReentrant returns (uint256 requestId) {
        _checkParams(params);
        if (params.asset == address(0)) {
            if (msg.value != params.amount) revert WrongValue(params.amount, msg.value);
        } else {
            if (msg.value != 0) revert WrongValue(0, msg.value);
            _pull(params.asset, msg.sender, params.amount);
        }
        requestId = _open(params, msg.sender, FundingMethod.Direct, bytes32(0));
    }

    /// @inheritdoc IInferenceEscrow
    function openWithPermit(
        RequestParams calldata params,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 requestId) {
        _checkParams(params);
        if (params.asset == address(0)) revert AuthorizationNeedsToken();
        // A permit someone else submitted first reverts here; the allowance it set is what counts.
        try
            IERC20Permit(params.asset).permit(msg.sender, address(this), params.amount, permitDeadline, v, r, s)
        {} catch {} // solhint-disable-line no-empty-blocks
        _pull(params.asset, msg.sender, params.amount);
        requestId = _open(params, msg.sender, FundingMethod.Permit, bytes32(0));
    }

    /// @inheritdoc IInferenceEscrow
    function openWithAuthorization(
        RequestParams calldata params,
        address from,
        uint256 validAfter,
        uint256 validBefore,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 requestId) {
        _checkParams(params);
        if (params.asset == address(0)) revert AuthorizationNeedsToken();
        bytes32 nonce = _authorizationNonce(from, params);
        uint256 before = IERC20(params.asset).balanceOf(address(this));
        IERC3009(params.asset).receiveWithAuthorization(
            from,
            address(this),
            params.amount,
            validAfter,
            validBefore,
            nonce,
            v,
            r,
            s
        );
        _checkReceived(params.asset, before, params.amount);
        requestId = _open(params, from, FundingMethod.Authorization, nonce);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Release and refunds
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceEscrow
    function release(
        uint256 requestId,
        Request calldata request,
        bytes32 inferenceId,
        bytes32 outputCommitment
    ) external nonReentrant {
        uint256 hashed = _loadOpenRequest(requestId, request);
        (RecordState state, VerificationLevel achieved, uint256 settledAt, uint32 nodeId) = _readAnswer(
            request,
            requestId,
            inferenceId,
            outputCommitment
        );
        if (state != RecordState.Settled) revert NotSettled(inferenceId);
        if (achieved < request.minLevel) revert LevelBelowPaid(inferenceId, achieved, request.minLevel);
        // The ledger says when the record settled (for a Vanilla claim, when its window passed, finalized or not).
        if (settledAt > request.deadline) revert SettledAfterDeadline(inferenceId, settledAt, request.deadline);

        address payee = ATTESTERS.nodeOperator(nodeId);
        uint256 amount = request.amount;
        _requests[requestId] = hashed | uint256(RequestStatus.Released);
        _credits[payee][request.asset] += amount;
        emit PaymentReleased(requestId, inferenceId, nodeId, payee, amount);
    }

    /// @inheritdoc IInferenceEscrow
    function refundRejected(
        uint256 requestId,
        Request calldata request,
        bytes32 inferenceId,
        bytes32 outputCommitment
    ) external nonReentrant {
        uint256 hashed = _loadOpenRequest(requestId, request);
        (RecordState state, , , ) = _readAnswer(request, requestId, inferenceId, outputCommitment);
        if (state != RecordState.Rejected) revert NotRejected(inferenceId);
        _refund(request, requestId, hashed, RefundReason.Rejected, inferenceId);
    }

    /// @inheritdoc IInferenceEscrow
    function refundExpired(uint256 requestId, Request calldata request) external nonReentrant {
        uint256 hashed = _loadOpenRequest(requestId, request);
        uint256 refundableAt = uint256(request.deadline) + CLAIM_WINDOW;
        if (block.timestamp <= refundableAt) revert NotExpired(requestId, refundableAt);
        _refund(request, requestId, hashed, RefundReason.Expired, bytes32(0));
    }

    /// @inheritdoc IInferenceEscrow
    function withdraw(address asset, address to) external nonReentrant {
        uint256 amount = _credits[msg.sender][asset];
        if (amount == 0) revert EscrowNothingToWithdraw(asset);
        _credits[msg.sender][asset] = 0;
        emit Withdrawn(msg.sender, asset, amount, to);
        if (asset == address(0)) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool sent, ) = to.call{value: amount}("");
            if (!sent) revert EscrowEthTransferFailed(to);
        } else {
            IERC20(asset).safeTransfer(to, amount);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInferenceEscrow
    function ledger() external view returns (address) {
        return address(LEDGER);
    }

    /// @inheritdoc IInferenceEscrow
    function requestStatus(uint256 requestId) external view returns (RequestStatus) {
        return RequestStatus(_requests[requestId] & STATUS_MASK);
    }

    /// @inheritdoc IInferenceEscrow
    function checkRequest(uint256 requestId, Request calldata request) external view returns (RequestStatus) {
        (, RequestStatus status) = _loadRequest(requestId, request);
        return status;
    }

    /// @inheritdoc IInferenceEscrow
    function requestRef(uint256 requestId) public view returns (bytes32) {
        return RequestRefLib.encode(address(this), requestId);
    }

    /// @inheritdoc IInferenceEscrow
    function authorizationNonce(address from, RequestParams calldata params) external view returns (bytes32) {
        return _authorizationNonce(from, params);
    }

    /// @inheritdoc IInferenceEscrow
    function creditOf(address account, address asset) external view returns (uint256) {
        return _credits[account][asset];
    }

    /// @inheritdoc IInferenceEscrow
    function requestCount() external view returns (uint256) {
        return _requestCount;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    function _checkParams(RequestParams calldata params) private view {
        if (params.amount == 0) revert EscrowZeroAmount();
        if (
            params.minLevel == VerificationLevel.None ||
            (params.route == Route.Proxy && params.minLevel == VerificationLevel.ZKML)
        ) revert InvalidMinLevel(params.route, params.minLevel);
        if (!ATTESTERS.isValidSubject(params.route, params.subject))
            revert InvalidSubject(params.route, params.subject);
        if (!ATTESTERS.isActiveNode(params.nodeId)) revert EscrowNodeNotActive(params.nodeId);
        if (params.deadline <= block.timestamp) revert DeadlineInPast(params.deadline);
        if (params.asset != address(0) && params.asset.code.length == 0) revert NotAToken(params.asset);
    }

    /// @dev Takes `amount` of `asset` from `from` and checks that all of it arrived.
    function _pull(address asset, address from, uint256 amount) private {
        uint256 before = IERC20(asset).balanceOf(address(this));
        IERC20(asset).safeTransferFrom(from, address(this), amount);
        _checkReceived(asset, before, amount);
    }

    function _checkReceived(address asset, uint256 before, uint256 amount) private view {
        uint256 received = IERC20(asset).balanceOf(address(this)) - before;
        if (received != amount) revert AmountNotReceived(amount, received);
    }

    function _open(
        RequestParams calldata params,
        address requester,
        FundingMethod method,
        bytes32 fundingRef
    ) private returns (uint256 requestId) {
        requestId = ++_requestCount;
        Request memory request = Request({
            requester: requester,
            deadline: params.deadline,
            route: params.route,
            minLevel: params.minLevel,
            nodeId: params.nodeId,
            asset: params.asset,
            subject: params.subject,
            bondMultiple: params.bondMultiple,
            amount: params.amount,
            inputCommitment: params.inputCommitment,
            fundingRef: fundingRef
        });
        _requests[requestId] = _hashOf(abi.encode(request)) | uint256(RequestStatus.Open);
        emit RequestOpened(requestId, requester, requestRef(requestId), request, method, params.salt);
    }

    /// @dev The top 248 bits of the hash of an ABI-encoded {Request}, the low byte cleared for the status.
    function _hashOf(bytes memory encoded) private pure returns (uint256) {
        return uint256(keccak256(encoded)) & ~STATUS_MASK;
    }

    /// @dev Checks that `request` is the one opened as `requestId`; returns its hash bits and its status.
    function _loadRequest(
        uint256 requestId,
        Request calldata request
    ) private view returns (uint256 hashed, RequestStatus status) {
        uint256 slot = _requests[requestId];
        if (slot == 0) revert UnknownRequest(requestId);
        hashed = _hashOf(abi.encode(request));
        if (slot & ~STATUS_MASK != hashed) revert RequestMismatch(requestId);
        status = RequestStatus(slot & STATUS_MASK);
    }

    /// @dev {_loadRequest}, and reverts unless the request is Open.
    function _loadOpenRequest(uint256 requestId, Request calldata request) private view returns (uint256 hashed) {
        RequestStatus status;
        (hashed, status) = _loadRequest(requestId, request);
        if (status != RequestStatus.Open) revert RequestNotOpen(requestId, status);
    }

    /// @dev Reads `inferenceId` from the ledger and reverts unless it answers `request`: same route and subject, the
    /// requested node, and an answer digest over the request's input, `outputCommitment` and this request's
    /// payment reference. Returns where the record stands (state, achieved level and settlement time as the ledger
    /// derives them) and the node that answered.
    function _readAnswer(
        Request calldata request,
        uint256 requestId,
        bytes32 inferenceId,
        bytes32 outputCommitment
    ) private view returns (RecordState state, VerificationLevel achieved, uint256 settledAt, uint32 nodeId) {
        bytes32 digest = CommitmentLib.answerDigest(request.inputCommitment, outputCommitment, requestRef(requestId));
        Route route;
        uint64 subject;
        (state, achieved, settledAt, nodeId, route, subject) = LEDGER.settlementByDigest(inferenceId, digest);
        // None: no record, or one with another input, output or payment reference.
        if (
            state == RecordState.None ||
            route != request.route ||
            subject != request.subject ||
            nodeId != request.nodeId
        ) revert NotAnAnswer(requestId, inferenceId);
    }

    function _refund(
        Request calldata request,
        uint256 requestId,
        uint256 hashed,
        RefundReason reason,
        bytes32 inferenceId
    ) private {
        uint256 amount = request.amount;
        _requests[requestId] = hashed | uint256(RequestStatus.Refunded);
        _credits[request.requester][request.asset] += amount;
        emit PaymentRefunded(requestId, reason, inferenceId, amount);
    }

    function _authorizationNonce(address from, RequestParams calldata params) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), from, params));
    }
}
