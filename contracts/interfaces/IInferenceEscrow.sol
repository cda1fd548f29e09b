// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Route, VerificationLevel} from "../types/InferenceTypes.sol";

/// @title IInferenceEscrow
/// @notice Payment that follows proof: a requester escrows the price of an inference (ETH or an ERC-20), and the node
/// that answers is paid only when its ledger record is `Settled` at or above the level that was paid for. Otherwise
/// the requester gets everything back.
/// @dev Life cycle of a request:
/// - `open` (ETH or `transferFrom`), `openWithPermit` (EIP-2612) or `openWithAuthorization` (EIP-3009
///   `receiveWithAuthorization`, what x402's `exact` scheme signs for USDC: a facilitator settles the payment straight
///   into escrow). The authorization's nonce must be {authorizationNonce} of the request, so it funds this request
///   and nothing else. The escrow keeps one storage slot per request, a commitment to the whole {Request} beside its
///   status; {RequestOpened} carries the request, and `release` and the refunds take it back in calldata.
/// - A node answers on the ledger with `paymentRef` = {requestRef}`(requestId)` and the request's input commitment.
/// - `release`: anyone, once the record is `Settled` (by the deadline) at the paid level or above, on the requested
///   route and subject, by the requested node: the amount is credited to the node's operator.
/// - `refundRejected`: anyone, once a record that answered the request is `Rejected`; `refundExpired`: anyone, once
///   the deadline plus {CLAIM_WINDOW} has passed without a release. The amount is credited to the requester.
///
/// Which record a request is bound to: every request names the one node that must answer it, and only that node's
/// records on the request's route, subject, input and payment reference count. Another node, or the requester
/// answering from a node of its own, can copy the payment reference and the input, but its record never matches, so
/// it can neither be paid nor turn the named node's payment into a refund by getting itself rejected. A node that
/// answers once and settles at the paid level by the deadline is always paid: the settlement time is the ledger's
/// fact about the record (a Vanilla claim settles when its window ends, whoever calls `finalize`, and when), and the
/// node can claim it until the deadline plus {CLAIM_WINDOW}.
/// - `withdraw`: credits are pulled by their owner, so a recipient that reverts blocks only its own withdrawal.
/// There is no protocol fee: every unit escrowed goes to exactly one of the node's operator or the requester.
interface IInferenceEscrow {
    /// @notice Where a request stands. Released and Refunded are final.
    enum RequestStatus {
        None,
        Open,
        Released,
        Refunded
    }

    /// @notice How a request was funded.
    enum FundingMethod {
        Direct, // ETH with the call, or an ERC-20 `transferFrom` under an existing allowance
        Permit, // EIP-2612 `permit`, then `transferFrom`
        Authorization // EIP-3009 `receiveWithAuthorization`
    }

    /// @notice Why a request was refunded.
    enum RefundReason {
        Rejected,
        Expired
    }

    /// @notice What a requester asks and pays for.
    /// @param asset The ERC-20 paid in, or `address(0)` for ETH.
    /// @param amount The price, in the asset's units.
    /// @param route Local (subject is an artifact id) or Proxy (subject is a provider id).
    /// @param subject The artifact or provider the answer must come from.
    /// @param minLevel The least achieved level paid for.
    /// @param nodeId The node that must answer (an active node of the attester registry).
    /// @param deadline The latest time the answer may settle.
    /// @param inputCommitment The input the answer must be about (docs/HASHING.md).
    /// @param salt Any value the requester picks to tell identical requests apart: it changes the EIP-3009 nonce
    /// ({authorizationNonce}), so two requests with the same terms can both be funded by authorization.
    /// @param bondMultiple How many times the price the node must lock from its bond before it answers above Vanilla
    /// ({IBondVault}); anything below `MIN_PAID_MULTIPLE` (2, and 0 for the default) means that minimum.
    struct RequestParams {
        address asset;
        uint256 amount;
        Route route;
        uint64 subject;
        VerificationLevel minLevel;
        uint32 nodeId;
        uint40 deadline;
        bytes32 inputCommitment;
        bytes32 salt;
        uint16 bondMultiple;
    }

    /// @notice A request as opened: its terms, who pays, and what funded it. The escrow stores only a commitment to it
    /// (one slot: the top 248 bits of `keccak256(abi.encode(request))` beside the {RequestStatus}), and every call
    /// that acts on a request takes it back in calldata and checks it against that commitment ({checkRequest}).
    /// {RequestOpened} carries it whole, so anyone rebuilds it from the escrow's logs.
    /// @param requester Who paid, and who is refunded.
    /// @param fundingRef What funded it: the EIP-3009 nonce, or 0 for direct and permit funding.
    /// @dev The other fields are {RequestParams}' (without the salt, which only the EIP-3009 nonce needs).
    struct Request {
        address requester;
        uint40 deadline;
        Route route;
        VerificationLevel minLevel;
        uint32 nodeId;
        address asset;
        uint64 subject;
        uint16 bondMultiple;
        uint256 amount;
        bytes32 inputCommitment;
        bytes32 fundingRef;
    }

    /// @notice `requester` opened `requestId`, funded by `method`; answers must carry `paymentRef` = `requestRef`.
    /// `request` is what every later call about it passes back; `salt` is the one parameter it leaves out (with the
    /// request's other fields it gives the EIP-3009 nonce, `request.fundingRef`, for anyone who checks it).
    event RequestOpened(
        uint256 indexed requestId,
        address indexed requester,
        bytes32 indexed requestRef,
        Request request,
        FundingMethod method,
        bytes32 salt
    );
    /// @notice `requestId` paid `amount` for `inferenceId`, answered by `nodeId`, to its operator `payee`.
    event PaymentReleased(
        uint256 indexed requestId,
        bytes32 indexed inferenceId,
        uint32 indexed nodeId,
        address payee,
        uint256 amount
    );
    /// @notice `requestId` was refunded to its requester; `inferenceId` is the rejected record (0 when expired).
    event PaymentRefunded(uint256 indexed requestId, RefundReason reason, bytes32 indexed inferenceId, uint256 amount);
    /// @notice `account` withdrew `amount` of `asset` to `to`.
    event Withdrawn(address indexed account, address indexed asset, uint256 amount, address to);

    /// @notice A price must be more than zero.
    error EscrowZeroAmount();
    /// @notice The ledger given at construction, `ledger`, has no code.
    error EscrowNeedsLedger(address ledger);
    /// @notice A request must name an active node of the attester registry; `nodeId` is not one.
    error EscrowNodeNotActive(uint32 nodeId);
    /// @notice The paid level must be Vanilla or more, and ZKML only on a Local route.
    error InvalidMinLevel(Route route, VerificationLevel minLevel);
    /// @notice `subject` is not a valid artifact (Local) or registered provider (Proxy).
    error InvalidSubject(Route route, uint64 subject);
    /// @notice The deadline must be in the future.
    error DeadlineInPast(uint40 deadline);
    /// @notice ETH requests are paid with exactly `expected` wei; ERC-20 requests with no ETH.
    error WrongValue(uint256 expected, uint256 sent);
    /// @notice `asset` has no code: not a token.
    error NotAToken(address asset);
    /// @notice Permit and EIP-3009 funding are for ERC-20 requests.
    error AuthorizationNeedsToken();
    /// @notice The escrow received `received` where the price is `expected`: fee-on-transfer tokens are refused.
    error AmountNotReceived(uint256 expected, uint256 received);
    /// @notice No request has id `requestId`.
    error UnknownRequest(uint256 requestId);
    /// @notice The request passed for `requestId` is not the one opened under that id (rebuild it from
    /// {RequestOpened}).
    error RequestMismatch(uint256 requestId);
    /// @notice `requestId` is `status`, not Open.
    error RequestNotOpen(uint256 requestId, RequestStatus status);
    /// @notice `inferenceId` is not an answer to `requestId`: different commitments, payment reference, route or
    /// subject, or another node than the one requested.
    /// @dev Also what a record answered by any node other than the named one gets, whatever it copied.
    error NotAnAnswer(uint256 requestId, bytes32 inferenceId);
    /// @notice The record is not `Settled`.
    error NotSettled(bytes32 inferenceId);
    /// @notice The record achieved `achieved`, less than the `paid` level.
    error LevelBelowPaid(bytes32 inferenceId, VerificationLevel achieved, VerificationLevel paid);
    /// @notice The record settled at `settledAt`, after the request's `deadline`.
    error SettledAfterDeadline(bytes32 inferenceId, uint256 settledAt, uint256 deadline);
    /// @notice The record is not `Rejected`.
    error NotRejected(bytes32 inferenceId);
    /// @notice A request can be refunded as expired only after `refundableAt`.
    error NotExpired(uint256 requestId, uint256 refundableAt);
    /// @notice The caller has nothing of `asset` to withdraw.
    error EscrowNothingToWithdraw(address asset);
    /// @notice Sending ETH to `to` failed; the credit is kept.
    error EscrowEthTransferFailed(address to);

    /// @notice Opens a request paid with ETH (`msg.value` = amount) or an ERC-20 the caller approved.
    function open(RequestParams calldata params) external payable returns (uint256 requestId);

    /// @notice Opens an ERC-20 request, approving the escrow with the caller's EIP-2612 permit first. A permit that
    /// was already used (for example front-run by someone else) is fine as long as the allowance is there.
    function openWithPermit(
        RequestParams calldata params,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 requestId);

    /// @notice Opens an ERC-20 request for `from`, funded by `from`'s EIP-3009 `ReceiveWithAuthorization` to this
    /// escrow for `params.amount`, whose nonce is `authorizationNonce(from, params)`. Anyone (an x402 facilitator)
    /// may submit it.
    function openWithAuthorization(
        RequestParams calldata params,
        address from,
        uint256 validAfter,
        uint256 validBefore,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 requestId);

    /// @notice Pays `requestId` (opened as `request`) to the operator of the node that answered it with
    /// `inferenceId`, whose output commitment is `outputCommitment`. Anyone may call.
    function release(
        uint256 requestId,
        Request calldata request,
        bytes32 inferenceId,
        bytes32 outputCommitment
    ) external;

    /// @notice Refunds `requestId` (opened as `request`) because `inferenceId`, an answer to it (output
    /// `outputCommitment`), was rejected. Anyone may call.
    function refundRejected(
        uint256 requestId,
        Request calldata request,
        bytes32 inferenceId,
        bytes32 outputCommitment
    ) external;

    /// @notice Refunds `requestId` (opened as `request`) after its deadline plus {CLAIM_WINDOW}, when nothing was
    /// released. Anyone may call.
    function refundExpired(uint256 requestId, Request calldata request) external;

    /// @notice Sends the caller's whole credit in `asset` (`address(0)` for ETH) to `to`.
    function withdraw(address asset, address to) external;

    /// @notice How long after a request's deadline its node may still claim a settlement made by the deadline,
    /// before the requester can take the money back.
    function CLAIM_WINDOW() external view returns (uint40);

    /// @notice The ledger whose records the escrow pays for.
    function ledger() external view returns (address);

    /// @notice Where `requestId` stands (None when no request has that id).
    function requestStatus(uint256 requestId) external view returns (RequestStatus);

    /// @notice Where `requestId` stands, after checking that `request` is the request opened under that id. Reverts
    /// with {UnknownRequest} or {RequestMismatch} otherwise. What the bond vault asks before it sizes a paid lock.
    function checkRequest(uint256 requestId, Request calldata request) external view returns (RequestStatus);

    /// @notice The payment reference an answer to `requestId` must carry: the escrow's address in the first 20 bytes
    /// and `requestId` in the last 12 (`RequestRefLib`), so the reference names its request for anyone who reads it
    /// (the bond vault sizes a paid claim's lock from it). The ledger's EIP-712 domain binds the chain.
    function requestRef(uint256 requestId) external view returns (bytes32);

    /// @notice The EIP-3009 nonce that ties `from`'s authorization to exactly these `params` on this escrow:
    /// `keccak256(abi.encode(chainId, escrow, from, params))`.
    function authorizationNonce(address from, RequestParams calldata params) external view returns (bytes32);

    /// @notice What `account` can withdraw of `asset`.
    function creditOf(address account, address asset) external view returns (uint256);

    /// @notice How many requests were opened (ids run from 1).
    function requestCount() external view returns (uint256);
}
