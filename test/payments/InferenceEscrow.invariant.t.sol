// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceEscrow} from "../../contracts/interfaces/IInferenceEscrow.sol";
import {IInferenceLedger} from "../../contracts/interfaces/IInferenceLedger.sol";
import {TestUSDC} from "../../contracts/mocks/TestUSDC.sol";
import {InferenceEscrow} from "../../contracts/payments/InferenceEscrow.sol";
import {Answer, RecordState, RecordStatus, Route, VerificationLevel} from "../../contracts/types/InferenceTypes.sol";
import {FuzzSelector} from "../utils/ProoflineTest.sol";
import {LedgerFixture} from "../utils/LedgerFixture.sol";

/// @notice A real ledger and escrow with a real ERC-20, and helpers to open, answer and settle paid requests. The
/// handler is both the requester and (through the fixture's node) the node operator; withdrawals go to `SINK`.
abstract contract EscrowFixture is LedgerFixture {
    address internal constant SINK = address(0x51DE);
    TestUSDC internal usdc;

    function _deployEscrow() internal {
        _deployLedger();
        usdc = new TestUSDC(address(this));
        // Enough bond for every paid claim the tests make (prices up to 1e24 in the handler, 1e26 in the fuzz tests),
        // locked twice over; then 1e30 wei for the requests themselves.
        vm.deal(address(this), 1e27);
        bonds.deposit{value: 1e27}(1, address(0), 1e27);
        usdc.mint(address(this), 1e27);
        usdc.approve(address(bonds), 1e27);
        bonds.deposit(1, address(usdc), 1e27);
        vm.deal(address(this), 1e30);
    }

    function _open(bool eth, uint256 amount, VerificationLevel minLevel) internal returns (uint256 requestId) {
        uint256 next = escrow.requestCount() + 1;
        IInferenceEscrow.RequestParams memory params = IInferenceEscrow.RequestParams({
            asset: eth ? address(0) : address(usdc),
            amount: amount,
            route: Route.Local,
            subject: 1,
            minLevel: minLevel,
            nodeId: 1,
            deadline: uint40(block.timestamp + 1 days),
            inputCommitment: keccak256(abi.encode("request input", next)),
            salt: bytes32(0),
            bondMultiple: 0
        });
        if (eth) {
            requestId = escrow.open{value: amount}(params);
        } else {
            usdc.mint(address(this), amount);
            usdc.approve(address(escrow), amount);
            requestId = escrow.open(params);
        }
        _opened(requestId, params, address(this), bytes32(0));
    }

    function _answerRequest(
        uint256 requestId,
        bytes32 inferenceId,
        VerificationLevel claimed
    ) internal returns (Answer memory answer) {
        answer = _requestAnswer(requestId, _nodeInferenceId(NODE_KEY, inferenceId), claimed);
        _submit(answer);
    }

    /// @dev An answer to `requestId`: its route, subject, input and payment reference (not yet recorded).
    function _requestAnswer(
        uint256 requestId,
        bytes32 inferenceId,
        VerificationLevel claimed
    ) internal view returns (Answer memory answer) {
        answer = Answer({
            inferenceId: inferenceId,
            route: Route.Local,
            subject: 1,
            claimed: claimed,
            inputCommitment: openedRequests[requestId].inputCommitment,
            outputCommitment: keccak256(abi.encode("output", inferenceId)),
            paymentRef: escrow.requestRef(requestId)
        });
    }
}

contract EscrowHandler is EscrowFixture {
    struct Paid {
        uint256 requestId;
        Answer answer;
    }

    /// @dev A second node, answering the same requests as an adversary (copying their references and inputs).
    uint256 internal constant INTRUDER_KEY = 0x1A7DE;

    Paid[] internal answers;
    uint256 public releases;
    uint256 public refunds;
    /// @notice Releases whose record was not settled at the paid level. Must stay 0.
    uint256 public unearnedReleases;
    /// @notice Refunds of a request whose named node's one answer settled at the paid level by the deadline. Must
    /// stay 0: an honest, timely, settled answer is always paid.
    uint256 public refundsOfEarnedPayments;
    /// @notice Locks the intruder made for a request that names another node. Must stay 0: it cannot bond a claim
    /// above Vanilla on another node's request, so its copies claim Vanilla.
    uint256 public intruderLocks;
    /// @dev The named node answers each request at most once, as an honest node does.
    mapping(uint256 requestId => bytes32 inferenceId) internal _honestAnswerOf;

    constructor() {
        _deployEscrow();
        _registerNode(INTRUDER_KEY);
    }

    function contracts() external view returns (InferenceEscrow, TestUSDC, IInferenceLedger) {
        return (escrow, usdc, IInferenceLedger(address(ledger)));
    }

    /// @notice Request `requestId` as the handler opened it.
    function requestOf(uint256 requestId) external view returns (IInferenceEscrow.Request memory) {
        return openedRequests[requestId];
    }

    function open(uint256 amountSeed, bool eth, bool payForTee) external {
        if (escrow.requestCount() >= 16) return;
        _open(eth, bound(amountSeed, 1, 1e24), payForTee ? VerificationLevel.TEE : VerificationLevel.Vanilla);
    }

    function answer(uint256 requestSeed, bool claimTee, bool byIntruder) external {
        uint256 count = escrow.requestCount();
        if (count == 0 || answers.length >= 32) return;
        uint256 requestId = 1 + (requestSeed % count);
        if (!byIntruder && _honestAnswerOf[requestId] != bytes32(0)) return;
        bytes32 inferenceId = keccak256(abi.encode("escrow invariant", answers.length));
        VerificationLevel claimed = claimTee ? VerificationLevel.TEE : VerificationLevel.Vanilla;
        // A claim above Vanilla locks bond for the request, which must still be open.
        if (claimTee && escrow.requestStatus(requestId) != IInferenceEscrow.RequestStatus.Open) return;
        Answer memory answer_;
        if (byIntruder) {
            answer_ = _requestAnswer(requestId, _nodeInferenceId(INTRUDER_KEY, inferenceId), claimed);
            if (claimTee) {
                // This contract operates the intruder's node too: the vault still refuses to bond the copy.
                try bonds.lockPaid(answer_.inferenceId, requestId, openedRequests[requestId]) {
                    ++intruderLocks;
                } catch {} // solhint-disable-line no-empty-blocks
                answer_.claimed = VerificationLevel.Vanilla;
            }
            ledger.answer(answer_, _sign(INTRUDER_KEY, ledger.answerTypedDataHash(answer_)));
        } else {
            answer_ = _answerRequest(requestId, inferenceId, claimed);
            _honestAnswerOf[requestId] = inferenceId;
        }
        answers.push(Paid({requestId: requestId, answer: answer_}));
    }

    function settle(uint256 answerSeed) external {
        if (answers.length == 0) return;
        Answer memory answer_ = answers[answerSeed % answers.length].answer;
        try
            ledger.settleTee(answer_.inferenceId, _attestation(ENCLAVE_KEY, answer_, answer_.outputCommitment))
        {} catch {} // solhint-disable-line no-empty-blocks
    }

    function reject(uint256 answerSeed) external {
        if (answers.length == 0) return;
        try ledger.reject(answers[answerSeed % answers.length].answer.inferenceId) {} catch {} // solhint-disable-line no-empty-blocks
    }

    function release(uint256 answerSeed) external {
        if (answers.length == 0) return;
        Paid memory paid = answers[answerSeed % answers.length];
        IInferenceEscrow.Request memory request = openedRequests[paid.requestId];
        try escrow.release(paid.requestId, request, paid.answer.inferenceId, paid.answer.outputCommitment) {
            ++releases;
            RecordStatus memory status = ledger.inspect(paid.answer.inferenceId);
            if (status.state != RecordState.Settled || status.achieved < request.minLevel) ++unearnedReleases;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function refundRejected(uint256 answerSeed) external {
        if (answers.length == 0) return;
        Paid memory paid = answers[answerSeed % answers.length];
        try
            escrow.refundRejected(
                paid.requestId,
                openedRequests[paid.requestId],
                paid.answer.inferenceId,
                paid.answer.outputCommitment
            )
        {
            ++refunds;
            if (_earned(paid.requestId)) ++refundsOfEarnedPayments;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function refundExpired(uint256 requestSeed) external {
        uint256 count = escrow.requestCount();
        if (count == 0) return;
        uint256 requestId = 1 + (requestSeed % count);
        bool earned = _earned(requestId);
        try escrow.refundExpired(requestId, openedRequests[requestId]) {
            ++refunds;
            // Past the claim window the node had its chance to claim; before it, an earned payment is never refunded.
            if (earned && block.timestamp <= openedRequests[requestId].deadline + escrow.CLAIM_WINDOW()) {
                ++refundsOfEarnedPayments;
            }
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function withdraw(bool eth) external {
        try escrow.withdraw(eth ? address(0) : address(usdc), SINK) {} catch {} // solhint-disable-line no-empty-blocks
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
        _beat(ENCLAVE_KEY);
    }

    /// @dev Whether the named node's one answer to `requestId` settled at the paid level by the deadline, as the
    /// ledger tells it (a Vanilla claim settles when its window ends, finalized or not).
    function _earned(uint256 requestId) private view returns (bool) {
        bytes32 inferenceId = _honestAnswerOf[requestId];
        if (inferenceId == bytes32(0)) return false;
        IInferenceEscrow.Request memory request = openedRequests[requestId];
        (RecordState state, VerificationLevel achieved, uint256 settledAt) = ledger.settlementOf(inferenceId);
        return state == RecordState.Settled && achieved >= request.minLevel && settledAt <= request.deadline;
    }
}

/// @notice Random open / answer / settle / reject / release / refund / withdraw / time sequences: the escrow's balance
/// of each asset always equals what it owes (open requests plus credits), nothing is paid twice or unearned, and
/// every unit deposited is either still owed or withdrawn.
contract InferenceEscrowInvariantTest is EscrowFixture {
    EscrowHandler internal handler;

    function setUp() public {
        handler = EscrowHandler(_deployArtifact("InferenceEscrow.invariant.t.sol:EscrowHandler", ""));
        (escrow, usdc, ) = handler.contracts();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory selectors) {
        bytes4[] memory functions = new bytes4[](9);
        functions[0] = EscrowHandler.open.selector;
        functions[1] = EscrowHandler.answer.selector;
        functions[2] = EscrowHandler.settle.selector;
        functions[3] = EscrowHandler.reject.selector;
        functions[4] = EscrowHandler.release.selector;
        functions[5] = EscrowHandler.refundRejected.selector;
        functions[6] = EscrowHandler.refundExpired.selector;
        functions[7] = EscrowHandler.withdraw.selector;
        functions[8] = EscrowHandler.warp.selector;
        selectors = new FuzzSelector[](1);
        selectors[0] = FuzzSelector({addr: address(handler), selectors: functions});
    }

    function invariant_balancesEqualWhatIsOwed() public view {
        uint256 owedEth = escrow.creditOf(address(handler), address(0));
        uint256 owedToken = escrow.creditOf(address(handler), address(usdc));
        uint256 depositedEth;
        uint256 depositedToken;
        uint256 settledOrRefunded;
        for (uint256 id = 1; id <= escrow.requestCount(); ++id) {
            IInferenceEscrow.Request memory request = handler.requestOf(id);
            // The one slot the escrow keeps per request still commits to the request as opened: nothing rewrote it.
            IInferenceEscrow.RequestStatus status = escrow.checkRequest(id, request);
            bool eth = request.asset == address(0);
            if (eth) depositedEth += request.amount;
            else depositedToken += request.amount;
            if (status == IInferenceEscrow.RequestStatus.Open) {
                if (eth) owedEth += request.amount;
                else owedToken += request.amount;
            } else {
                ++settledOrRefunded;
            }
        }
        vm.assertEq(handler.intruderLocks(), 0, "the intruder bonded a copy of another node's request");
        vm.assertEq(address(escrow).balance, owedEth, "ETH balance differs from what is owed");
        vm.assertEq(usdc.balanceOf(address(escrow)), owedToken, "token balance differs from what is owed");
        vm.assertEq(depositedEth, owedEth + SINK.balance, "ETH was lost or created");
        vm.assertEq(depositedToken, owedToken + usdc.balanceOf(SINK), "tokens were lost or created");
        vm.assertEq(handler.releases() + handler.refunds(), settledOrRefunded, "a request ended twice or silently");
        vm.assertEq(handler.unearnedReleases(), 0, "paid below the paid level or before settlement");
        vm.assertEq(handler.refundsOfEarnedPayments(), 0, "refunded a payment the named node had earned");
    }
}
