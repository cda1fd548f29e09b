// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BondVault} from "../../contracts/bonds/BondVault.sol";
import {IAttesterRegistry} from "../../contracts/interfaces/IAttesterRegistry.sol";
import {IBondVault} from "../../contracts/interfaces/IBondVault.sol";
import {IInferenceEscrow} from "../../contracts/interfaces/IInferenceEscrow.sol";
import {IInferenceLedger} from "../../contracts/interfaces/IInferenceLedger.sol";
import {FeeOnTransferToken} from "../../contracts/mocks/FeeOnTransferToken.sol";
import {HostileBondReceiver} from "../../contracts/mocks/HostileBondReceiver.sol";
import {TestUSDC} from "../../contracts/mocks/TestUSDC.sol";
import {Answer, RecordState, Route, VerificationLevel} from "../../contracts/types/InferenceTypes.sol";
import {RevocationReason} from "../../contracts/types/ModelTypes.sol";
import {LedgerFixture} from "../utils/LedgerFixture.sol";

/// @notice The fixture's deployment plus what bond tests need: a test token, a second node operated by another
/// account ({OTHER_OPERATOR}, who publishes nothing), paid requests, and helpers to answer, settle, refute and miss a
/// deadline. Node 1 is operated by the test contract, which also publishes model 1 (artifacts 1 and 2).
abstract contract BondFixture is LedgerFixture {
    uint32 internal constant NODE = 1;
    uint32 internal constant OTHER_NODE = 2;
    uint256 internal constant OTHER_KEY = 0xB0B;
    address internal constant ETH = address(0);
    address internal constant OTHER_OPERATOR = address(0x0BE7A7);
    address internal constant REQUESTER = address(0x5EE4E2);
    address internal constant REFUTER = address(0x2EF07E2);
    address internal constant SLASHER = address(0x51A5E2);
    address internal constant STRANGER = address(0xBAD);
    address internal constant PAYEE = address(0xFA7EE);

    TestUSDC internal usdc;

    function _deployBonds() internal {
        _deployLedger();
        usdc = new TestUSDC(address(this));
        _registerNodeFor(OTHER_KEY, OTHER_OPERATOR);
    }

    /// @dev Replaces the vault, ledger and escrow with new ones (same registries) whose minimum lock is
    /// `minimumLock`, and bonds node 1 with `bond` of ETH there.
    function _redeploy(uint256 minimumLock, uint256 bond) internal {
        _deployBondedLedger(minimumLock);
        _depositEth(NODE, bond);
    }

    function _depositEth(uint32 nodeId, uint256 amount) internal {
        vm.deal(address(this), amount);
        bonds.deposit{value: amount}(nodeId, ETH, amount);
    }

    function _depositToken(uint32 nodeId, uint256 amount) internal {
        usdc.mint(address(this), amount);
        usdc.approve(address(bonds), amount);
        bonds.deposit(nodeId, address(usdc), amount);
    }

    /// @dev An answer of node key `key` on artifact 1 that no escrow request pays for.
    function _unpaid(uint256 key, string memory seed, VerificationLevel claimed) internal pure returns (Answer memory) {
        bytes32 inferenceId = _nodeInferenceId(key, keccak256(bytes(seed)));
        return
            Answer({
                inferenceId: inferenceId,
                route: Route.Local,
                subject: 1,
                claimed: claimed,
                inputCommitment: keccak256(abi.encode("input", inferenceId)),
                outputCommitment: keccak256(abi.encode("output", inferenceId)),
                paymentRef: keccak256(abi.encode("payment", inferenceId))
            });
    }

    /// @dev Opens a request from {REQUESTER} for node `nodeId` on artifact 1 at TEE, paying `price` of `asset`.
    function _openRequest(
        address asset,
        uint256 price,
        uint32 nodeId,
        uint16 bondMultiple
    ) internal returns (uint256 requestId) {
        return _openRequest(asset, price, nodeId, bondMultiple, Route.Local);
    }

    /// @dev Opens a request from {REQUESTER} for node `nodeId` on subject 1 of `route` at TEE, paying `price` of
    /// `asset`.
    function _openRequest(
        address asset,
        uint256 price,
        uint32 nodeId,
        uint16 bondMultiple,
        Route route
    ) internal returns (uint256 requestId) {
        IInferenceEscrow.RequestParams memory params = IInferenceEscrow.RequestParams({
            asset: asset,
            amount: price,
            route: route,
            subject: 1,
            minLevel: VerificationLevel.TEE,
            nodeId: nodeId,
            deadline: uint40(block.timestamp + 2 days),
            inputCommitment: keccak256(abi.encode("request input", escrow.requestCount() + 1)),
            salt: bytes32(0),
            bondMultiple: bondMultiple
        });
        if (asset == ETH) {
            vm.deal(REQUESTER, price);
            vm.prank(REQUESTER);
            requestId = escrow.open{value: price}(params);
        } else {
            usdc.mint(REQUESTER, price);
            vm.startPrank(REQUESTER);
            usdc.approve(address(escrow), price);
            requestId = escrow.open(params);
            vm.stopPrank();
        }
        _opened(requestId, params, REQUESTER, bytes32(0));
    }

    /// @dev An answer of node key `key` to request `requestId`: its route, subject, input and payment reference.
    function _paid(
        uint256 key,
        string memory seed,
        uint256 requestId,
        VerificationLevel claimed
    ) internal view returns (Answer memory answer) {
        answer = _unpaid(key, seed, claimed);
        answer.inputCommitment = openedRequests[requestId].inputCommitment;
        answer.paymentRef = escrow.requestRef(requestId);
    }

    /// @dev Node key `key` records `answer` (no lock).
    function _record(uint256 key, Answer memory answer) internal {
        ledger.answer(answer, _sign(key, ledger.answerTypedDataHash(answer)));
    }

    /// @dev Node key `key` locks for `answer`, then records it. Returns the amount locked.
    function _lockAndRecord(uint256 key, Answer memory answer) internal returns (uint256 amount) {
        vm.prank(vm.addr(key));
        amount = _lockFor(answer);
        _record(key, answer);
    }

    /// @dev The enclave bound to artifact 1 attests `answer`'s recorded output.
    function _settle(Answer memory answer) internal {
        ledger.settleTee(answer.inferenceId, _attestation(ENCLAVE_KEY, answer, answer.outputCommitment));
    }

    /// @dev `refuter` submits the enclave's attestation of another output for `answer`.
    function _refute(Answer memory answer, address refuter) internal {
        bytes32 other = keccak256(abi.encode("another output", answer.inferenceId));
        bytes memory signature = _attestation(ENCLAVE_KEY, answer, other);
        vm.prank(refuter);
        ledger.refuteTee(
            answer.inferenceId,
            answer.inputCommitment,
            answer.outputCommitment,
            answer.paymentRef,
            other,
            signature
        );
    }

    /// @dev Lets `inferenceId`'s deadline pass and rejects it.
    function _missDeadline(bytes32 inferenceId) internal {
        vm.warp(ledger.deadlineOf(inferenceId) + 1);
        ledger.reject(inferenceId);
    }

    function _credit(address account, address asset) internal view returns (uint256) {
        return bonds.creditOf(account, asset);
    }

    function _assertBond(uint32 nodeId, address asset, uint256 free, uint256 locked, uint256 unbonding) internal view {
        IBondVault.Bond memory bond = bonds.bondOf(nodeId, asset);
        vm.assertEq(bond.free, free, "free bond");
        vm.assertEq(bond.locked, locked, "locked bond");
        vm.assertEq(bond.unbonding, unbonding, "unbonding bond");
    }

    function _assertStatus(bytes32 inferenceId, IBondVault.LockStatus status) internal view {
        vm.assertEq(uint256(bonds.lockOf(inferenceId).status), uint256(status), "lock status");
    }

    function _err(bytes4 selector, bytes32 inferenceId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(selector, inferenceId);
    }
}

/// @notice The vault's behaviour, path by path: each happy path with exact balances and events, each custom error
/// triggered by name.
contract BondVaultTest is BondFixture {
    function setUp() public {
        _deployBonds();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // deposit
    // ---------------------------------------------------------------------------------------------------------------

    function test_deposit_eth_addsToFreeBondFromAnyone() public {
        vm.deal(STRANGER, 3 ether);
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondDeposited(OTHER_NODE, ETH, STRANGER, 3 ether);
        vm.prank(STRANGER);
        bonds.deposit{value: 3 ether}(OTHER_NODE, ETH, 3 ether);
        _assertBond(OTHER_NODE, ETH, 3 ether, 0, 0);
        vm.assertEq(address(bonds).balance, NODE_BOND + 3 ether, "vault ETH");
        vm.assertEq(STRANGER.balance, 0, "depositor ETH");
    }

    function test_deposit_token_pullsExactlyAndListsTheAsset() public {
        usdc.mint(STRANGER, 500e6);
        vm.startPrank(STRANGER);
        usdc.approve(address(bonds), 500e6);
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondDeposited(NODE, address(usdc), STRANGER, 500e6);
        bonds.deposit(NODE, address(usdc), 500e6);
        vm.stopPrank();
        _assertBond(NODE, address(usdc), 500e6, 0, 0);
        vm.assertEq(usdc.balanceOf(address(bonds)), 500e6, "vault tokens");
        vm.assertEq(usdc.balanceOf(STRANGER), 0, "depositor tokens");
        vm.assertEq(bonds.assetAt(0), ETH, "asset 0");
        vm.assertEq(bonds.assetAt(1), address(usdc), "asset 1");
        // A second deposit of the same token does not list it again.
        _depositToken(OTHER_NODE, 1e6);
        vm.assertEq(bonds.assetAt(1), address(usdc), "asset 1 again");
        vm.expectRevert();
        bonds.assetAt(2);
    }

    function test_deposit_revertsBondZeroAmount() public {
        vm.expectRevert(IBondVault.BondZeroAmount.selector);
        bonds.deposit(NODE, ETH, 0);
        vm.expectRevert(IBondVault.BondZeroAmount.selector);
        bonds.deposit(NODE, address(usdc), 0);
    }

    function test_deposit_revertsBondWrongValue() public {
        vm.deal(address(this), 2 ether);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondWrongValue.selector, 2 ether, 1 ether));
        bonds.deposit{value: 1 ether}(NODE, ETH, 2 ether);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondWrongValue.selector, 0, 1 ether));
        bonds.deposit{value: 1 ether}(NODE, address(usdc), 1 ether);
    }

    function test_deposit_revertsBondNotAToken() public {
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondNotAToken.selector, STRANGER));
        bonds.deposit(NODE, STRANGER, 1);
    }

    function test_deposit_revertsBondAmountNotReceived_feeOnTransfer() public {
        FeeOnTransferToken fot = new FeeOnTransferToken();
        fot.mint(address(this), 100e18);
        fot.approve(address(bonds), 100e18);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondAmountNotReceived.selector, 100e18, 99e18));
        bonds.deposit(NODE, address(fot), 100e18);
    }

    function test_deposit_revertsBondAmountTooLarge_pastTheCounters() public {
        _depositToken(NODE, type(uint128).max);
        usdc.mint(address(this), 1);
        usdc.approve(address(bonds), 1);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondAmountTooLarge.selector, 1));
        bonds.deposit(NODE, address(usdc), 1);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // lock
    // ---------------------------------------------------------------------------------------------------------------

    function test_lock_revertsVaultNotBound() public {
        BondVault unbound = BondVault(
            _deployArtifact("BondVault.sol:BondVault", abi.encode(attesters, MINIMUM_LOCK, UNBONDING_PERIOD, FEE_SINK))
        );
        bytes32 inferenceId = _unpaid(NODE_KEY, "unbound", VerificationLevel.TEE).inferenceId;
        vm.expectRevert(IBondVault.VaultNotBound.selector);
        unbound.lock(inferenceId, bytes32(0));
        vm.expectRevert(IBondVault.VaultNotBound.selector);
        unbound.lockRequirement(NODE, 1, _requestOf(1));
    }

    function test_lock_unpaid_locksTheMinimumInEth() public {
        Answer memory answer = _unpaid(NODE_KEY, "unpaid", VerificationLevel.TEE);
        vm.assertEq(bonds.minimumLock(), MINIMUM_LOCK, "requirement amount");
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondLocked(answer.inferenceId, NODE, ETH, MINIMUM_LOCK, 0);
        uint256 amount = _lockFor(answer);
        vm.assertEq(amount, MINIMUM_LOCK, "returned amount");
        _assertBond(NODE, ETH, NODE_BOND - MINIMUM_LOCK, MINIMUM_LOCK, 0);
        IBondVault.Lock memory lock_ = bonds.lockOf(answer.inferenceId);
        vm.assertEq(lock_.amount, MINIMUM_LOCK, "lock amount");
        vm.assertEq(lock_.requestId, 0, "lock request");
        vm.assertEq(lock_.nodeId, NODE, "lock node");
        vm.assertEq(lock_.assetIndex, 0, "lock asset");
        _assertStatus(answer.inferenceId, IBondVault.LockStatus.Locked);
        vm.assertEq(address(bonds).balance, NODE_BOND, "no ETH moved");
    }

    function test_lock_byTheNodeKey() public {
        Answer memory answer = _unpaid(NODE_KEY, "by key", VerificationLevel.TEE);
        vm.prank(vm.addr(NODE_KEY));
        _lockFor(answer);
        _assertStatus(answer.inferenceId, IBondVault.LockStatus.Locked);
    }

    function test_lock_paidEth_locksTwiceThePrice() public {
        uint256 requestId = _openRequest(ETH, 1 ether, NODE, 0);
        Answer memory answer = _paid(NODE_KEY, "paid", requestId, VerificationLevel.TEE);
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondLocked(answer.inferenceId, NODE, ETH, 2 ether, requestId);
        uint256 amount = _lockFor(answer);
        vm.assertEq(amount, 2 ether, "2x the price");
        vm.assertEq(bonds.lockOf(answer.inferenceId).requestId, requestId, "lock request");
        _assertBond(NODE, ETH, NODE_BOND - 2 ether, 2 ether, 0);
        _record(NODE_KEY, answer);
    }

    function test_lock_paidToken_locksTheRequestedMultipleInTheToken() public {
        _depositToken(NODE, 1_000e6);
        uint256 requestId = _openRequest(address(usdc), 100e6, NODE, 5);
        Answer memory answer = _paid(NODE_KEY, "paid x5", requestId, VerificationLevel.TEE);
        (address asset, uint256 required) = bonds.lockRequirement(NODE, requestId, _requestOf(requestId));
        vm.assertEq(asset, address(usdc), "requirement asset");
        vm.assertEq(required, 500e6, "requirement amount");
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondLocked(answer.inferenceId, NODE, address(usdc), 500e6, requestId);
        _lockFor(answer);
        _assertBond(NODE, address(usdc), 500e6, 500e6, 0);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
        vm.assertEq(bonds.lockOf(answer.inferenceId).assetIndex, 1, "lock asset index");
    }

    function test_lock_paidEthBelowTheMinimum_roundsUpToTheMinimum() public {
        uint256 requestId = _openRequest(ETH, 0.001 ether, NODE, 3);
        Answer memory answer = _paid(NODE_KEY, "cheap", requestId, VerificationLevel.TEE);
        uint256 amount = _lockFor(answer);
        vm.assertEq(amount, MINIMUM_LOCK, "rounded up to the minimum");
        vm.assertEq(bonds.lockOf(answer.inferenceId).requestId, requestId, "still a paid lock");
    }

    function test_lock_revertsLockNodeNotActive() public {
        bytes32 inferenceId = _nodeInferenceId(0xDEAD, keccak256("no node"));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.LockNodeNotActive.selector, vm.addr(0xDEAD)));
        bonds.lock(inferenceId, bytes32(0));
        // A node its operator deactivated locks nothing more either.
        bytes32 otherId = _unpaid(OTHER_KEY, "deactivated", VerificationLevel.TEE).inferenceId;
        vm.prank(OTHER_OPERATOR);
        attesters.deactivateNode(OTHER_NODE);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.LockNodeNotActive.selector, vm.addr(OTHER_KEY)));
        bonds.lock(otherId, bytes32(0));
    }

    function test_lock_revertsNotNodeOrOperator() public {
        bytes32 inferenceId = _unpaid(NODE_KEY, "stranger", VerificationLevel.TEE).inferenceId;
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotNodeOrOperator.selector, NODE, STRANGER));
        vm.prank(STRANGER);
        bonds.lock(inferenceId, bytes32(0));
        // Another node's key and operator are strangers too.
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotNodeOrOperator.selector, NODE, OTHER_OPERATOR));
        vm.prank(OTHER_OPERATOR);
        bonds.lock(inferenceId, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotNodeOrOperator.selector, NODE, vm.addr(OTHER_KEY)));
        vm.prank(vm.addr(OTHER_KEY));
        bonds.lock(inferenceId, bytes32(0));
    }

    function test_lock_revertsAlreadyLocked() public {
        bytes32 inferenceId = _unpaid(NODE_KEY, "twice", VerificationLevel.TEE).inferenceId;
        bonds.lock(inferenceId, bytes32(0));
        vm.expectRevert(_err(IBondVault.AlreadyLocked.selector, inferenceId));
        bonds.lock(inferenceId, bytes32(0));
    }

    function test_lock_revertsAlreadyAnswered() public {
        Answer memory answer = _unpaid(NODE_KEY, "answered first", VerificationLevel.Vanilla);
        _record(NODE_KEY, answer);
        vm.expectRevert(_err(IBondVault.AlreadyAnswered.selector, answer.inferenceId));
        _lockFor(answer);
    }

    function test_lock_revertsLockRequestNotOpen() public {
        // An id the escrow never issued: the escrow refuses it by name.
        bytes32 inferenceId = _unpaid(NODE_KEY, "unknown request", VerificationLevel.TEE).inferenceId;
        uint256 requestId = _openRequest(ETH, 1 ether, NODE, 0);
        vm.expectRevert(abi.encodeWithSelector(IInferenceEscrow.UnknownRequest.selector, 42));
        bonds.lockPaid(inferenceId, 42, _requestOf(requestId));
        // A request refunded after its deadline and claim window.
        vm.warp(openedRequests[requestId].deadline + escrow.CLAIM_WINDOW() + 1);
        escrow.refundExpired(requestId, _requestOf(requestId));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.LockRequestNotOpen.selector, requestId));
        bonds.lockPaid(inferenceId, requestId, _requestOf(requestId));
    }

    function test_lock_revertsLockNeedsRequest() public {
        // A payment reference of the bound escrow locks only with the request it names: never the cheap unpaid lock.
        uint256 requestId = _openRequest(ETH, 1 ether, NODE, 0);
        Answer memory answer = _paid(NODE_KEY, "needs request", requestId, VerificationLevel.TEE);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.LockNeedsRequest.selector, requestId));
        bonds.lock(answer.inferenceId, answer.paymentRef);
        // A reference to a request the escrow has not opened yet is refused the same way.
        bytes32 next = escrow.requestRef(requestId + 1);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.LockNeedsRequest.selector, requestId + 1));
        bonds.lock(answer.inferenceId, next);
        _assertStatus(answer.inferenceId, IBondVault.LockStatus.None);
    }

    function test_lock_revertsRequestMismatch_aNodeCannotLockLessThanTheRequestSays() public {
        // The node passes the request with a smaller price, a lower multiple, another asset or itself as the node.
        _depositToken(NODE, 1_000e6);
        uint256 requestId = _openRequest(address(usdc), 100e6, OTHER_NODE, 5);
        Answer memory answer = _paid(NODE_KEY, "forged request", requestId, VerificationLevel.TEE);
        IInferenceEscrow.Request[4] memory forged;
        for (uint256 i = 0; i < 4; ++i) forged[i] = _requestOf(requestId);
        forged[0].amount = 1;
        forged[1].bondMultiple = 0;
        forged[2].asset = ETH;
        forged[3].nodeId = NODE;
        for (uint256 i = 0; i < 4; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IInferenceEscrow.RequestMismatch.selector, requestId));
            bonds.lockPaid(answer.inferenceId, requestId, forged[i]);
            vm.expectRevert(abi.encodeWithSelector(IInferenceEscrow.RequestMismatch.selector, requestId));
            bonds.lockRequirement(NODE, requestId, forged[i]);
        }
        _assertBond(NODE, address(usdc), 1_000e6, 0, 0);
    }

    function test_lock_revertsLockForAnotherNode() public {
        uint256 requestId = _openRequest(ETH, 1 ether, OTHER_NODE, 0);
        Answer memory answer = _paid(NODE_KEY, "not mine", requestId, VerificationLevel.TEE);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.LockForAnotherNode.selector, requestId, OTHER_NODE));
        _lockFor(answer);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.LockForAnotherNode.selector, requestId, OTHER_NODE));
        bonds.lockRequirement(NODE, requestId, _requestOf(requestId));
    }

    function test_lock_revertsBondInsufficient() public {
        bytes32 inferenceId = _unpaid(OTHER_KEY, "unbonded node", VerificationLevel.TEE).inferenceId;
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondInsufficient.selector, OTHER_NODE, ETH, 0, MINIMUM_LOCK));
        vm.prank(OTHER_OPERATOR);
        bonds.lock(inferenceId, bytes32(0));
    }

    function test_lock_revertsBondAmountTooLarge_paidLockPastUint96() public {
        uint256 price = uint256(type(uint96).max) / 2 + 1;
        _depositToken(NODE, uint256(type(uint96).max) * 4);
        uint256 requestId = _openRequest(address(usdc), price, NODE, 0);
        Answer memory answer = _paid(NODE_KEY, "huge", requestId, VerificationLevel.TEE);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondAmountTooLarge.selector, price * 2));
        _lockFor(answer);
    }

    function test_lock_revertsBondAmountTooLarge_priceNearUint256Max() public {
        // A price whose multiple overflows uint256 is refused by name, not by an arithmetic panic.
        uint256 price = type(uint256).max / 3;
        uint256 requestId = _openRequest(address(usdc), price, NODE, 5);
        Answer memory answer = _paid(NODE_KEY, "overflowing", requestId, VerificationLevel.TEE);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondAmountTooLarge.selector, price));
        _lockFor(answer);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the ledger's check
    // ---------------------------------------------------------------------------------------------------------------

    function test_answer_vanillaNeedsNoLock() public {
        Answer memory answer = _unpaid(NODE_KEY, "vanilla", VerificationLevel.Vanilla);
        _record(NODE_KEY, answer);
        vm.assertEq(uint256(ledger.stateOf(answer.inferenceId)), uint256(RecordState.Answered), "recorded");
        _assertStatus(answer.inferenceId, IBondVault.LockStatus.None);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
    }

    function test_answer_revertsClaimNotBonded_withoutALock() public {
        Answer memory answer = _unpaid(NODE_KEY, "unbonded", VerificationLevel.TEE);
        bytes memory signature = _sign(NODE_KEY, ledger.answerTypedDataHash(answer));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.ClaimNotBonded.selector, answer.inferenceId, NODE));
        ledger.answer(answer, signature);
        answer.claimed = VerificationLevel.ZKML;
        signature = _sign(NODE_KEY, ledger.answerTypedDataHash(answer));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.ClaimNotBonded.selector, answer.inferenceId, NODE));
        ledger.answer(answer, signature);
    }

    function test_answer_revertsClaimNotBonded_afterTheLockWasCancelled() public {
        Answer memory answer = _unpaid(NODE_KEY, "cancelled", VerificationLevel.TEE);
        _lockFor(answer);
        bonds.cancelLock(answer.inferenceId);
        bytes memory signature = _sign(NODE_KEY, ledger.answerTypedDataHash(answer));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.ClaimNotBonded.selector, answer.inferenceId, NODE));
        ledger.answer(answer, signature);
    }

    function test_answer_revertsLockOfAnotherPayment_unpaidLockPaidAnswer() public {
        uint256 requestId = _openRequest(ETH, 1 ether, NODE, 0);
        Answer memory answer = _paid(NODE_KEY, "switched", requestId, VerificationLevel.TEE);
        bonds.lock(answer.inferenceId, bytes32(0)); // the cheap unpaid lock
        bytes memory signature = _sign(NODE_KEY, ledger.answerTypedDataHash(answer));
        vm.expectRevert(
            abi.encodeWithSelector(IBondVault.LockOfAnotherPayment.selector, answer.inferenceId, 0, requestId)
        );
        ledger.answer(answer, signature);
    }

    function test_answer_revertsLockOfAnotherPayment_paidLockUnpaidAnswer() public {
        uint256 requestId = _openRequest(ETH, 1 ether, NODE, 0);
        Answer memory answer = _unpaid(NODE_KEY, "switched back", VerificationLevel.TEE);
        bonds.lockPaid(answer.inferenceId, requestId, _requestOf(requestId));
        bytes memory signature = _sign(NODE_KEY, ledger.answerTypedDataHash(answer));
        vm.expectRevert(
            abi.encodeWithSelector(IBondVault.LockOfAnotherPayment.selector, answer.inferenceId, requestId, 0)
        );
        ledger.answer(answer, signature);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // cancelLock
    // ---------------------------------------------------------------------------------------------------------------

    function test_cancelLock_givesTheBondBackAndTheIdIsNeverLockedAgain() public {
        bytes32 inferenceId = _unpaid(NODE_KEY, "cancel", VerificationLevel.TEE).inferenceId;
        bonds.lock(inferenceId, bytes32(0));
        vm.expectEmit(true, true, true, true);
        emit IBondVault.LockCancelled(inferenceId, NODE, ETH, MINIMUM_LOCK);
        vm.prank(vm.addr(NODE_KEY));
        bonds.cancelLock(inferenceId);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
        _assertStatus(inferenceId, IBondVault.LockStatus.Cancelled);
        vm.expectRevert(_err(IBondVault.AlreadyLocked.selector, inferenceId));
        bonds.lock(inferenceId, bytes32(0));
        vm.expectRevert(_err(IBondVault.NotLocked.selector, inferenceId));
        bonds.cancelLock(inferenceId);
    }

    function test_cancelLock_revertsNotNodeOrOperator() public {
        bytes32 inferenceId = _unpaid(NODE_KEY, "cancel stranger", VerificationLevel.TEE).inferenceId;
        bonds.lock(inferenceId, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotNodeOrOperator.selector, NODE, STRANGER));
        vm.prank(STRANGER);
        bonds.cancelLock(inferenceId);
    }

    function test_cancelLock_revertsLockInUse() public {
        Answer memory answer = _unpaid(NODE_KEY, "in use", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        vm.expectRevert(_err(IBondVault.LockInUse.selector, answer.inferenceId));
        bonds.cancelLock(answer.inferenceId);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // release
    // ---------------------------------------------------------------------------------------------------------------

    function test_release_afterSettleTee_byAnyone() public {
        Answer memory answer = _unpaid(NODE_KEY, "settled", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _settle(answer);
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondReleased(answer.inferenceId, NODE, ETH, MINIMUM_LOCK);
        vm.prank(STRANGER);
        bonds.release(answer.inferenceId);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
        _assertStatus(answer.inferenceId, IBondVault.LockStatus.Released);
        vm.assertEq(address(bonds).balance, NODE_BOND, "vault ETH");
        vm.expectRevert(_err(IBondVault.NotLocked.selector, answer.inferenceId));
        bonds.release(answer.inferenceId);
    }

    function test_release_paidRequest_afterSettlementAndPayment() public {
        uint256 requestId = _openRequest(ETH, 1 ether, NODE, 0);
        Answer memory answer = _paid(NODE_KEY, "paid settled", requestId, VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _settle(answer);
        escrow.release(requestId, _requestOf(requestId), answer.inferenceId, answer.outputCommitment);
        bonds.release(answer.inferenceId);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
        vm.assertEq(escrow.creditOf(address(this), ETH), 1 ether, "the operator is paid");
        vm.assertEq(_credit(REQUESTER, ETH), 0, "nothing for the requester");
    }

    function test_release_aLockedVanillaClaimOnceItsWindowPassed() public {
        // A node may lock for a Vanilla claim (nothing asks it to): the lock comes back when the window ends.
        Answer memory answer = _unpaid(NODE_KEY, "vanilla locked", VerificationLevel.Vanilla);
        _lockAndRecord(NODE_KEY, answer);
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, answer.inferenceId));
        bonds.release(answer.inferenceId);
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        bonds.release(answer.inferenceId);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
    }

    function test_releaseMany_releasesEveryListedLock() public {
        bytes32[] memory ids = new bytes32[](3);
        for (uint256 i = 0; i < 3; ++i) {
            Answer memory answer = _unpaid(NODE_KEY, string(abi.encode("many", i)), VerificationLevel.TEE);
            _lockAndRecord(NODE_KEY, answer);
            _settle(answer);
            ids[i] = answer.inferenceId;
        }
        _assertBond(NODE, ETH, NODE_BOND - 3 * MINIMUM_LOCK, 3 * MINIMUM_LOCK, 0);
        bonds.releaseMany(ids);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
    }

    function test_release_revertsNotReleasable() public {
        Answer memory answer = _unpaid(NODE_KEY, "pending", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, answer.inferenceId));
        bonds.release(answer.inferenceId);
        _missDeadline(answer.inferenceId);
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, answer.inferenceId));
        bonds.release(answer.inferenceId);
    }

    function test_release_revertsNotLocked() public {
        bytes32 inferenceId = _unpaid(NODE_KEY, "never locked", VerificationLevel.TEE).inferenceId;
        vm.expectRevert(_err(IBondVault.NotLocked.selector, inferenceId));
        bonds.release(inferenceId);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // slash
    // ---------------------------------------------------------------------------------------------------------------

    function test_slash_missedDeadline_paysTheSlasherHalf() public {
        Answer memory answer = _unpaid(NODE_KEY, "overclaim", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _missDeadline(answer.inferenceId);
        uint256 half = MINIMUM_LOCK / 2;
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondSlashed(answer.inferenceId, NODE, ETH, MINIMUM_LOCK, SLASHER, half, address(0), 0, half);
        vm.prank(SLASHER);
        _slashFor(answer);
        _assertStatus(answer.inferenceId, IBondVault.LockStatus.Slashed);
        _assertBond(NODE, ETH, NODE_BOND - MINIMUM_LOCK, 0, 0);
        vm.assertEq(_credit(SLASHER, ETH), half, "slasher's share");
        vm.assertEq(_credit(FEE_SINK, ETH), half, "protocol's share");
        vm.assertEq(address(bonds).balance, NODE_BOND, "nothing left the vault");

        vm.expectEmit(true, true, true, true);
        emit IBondVault.CreditWithdrawn(SLASHER, ETH, half, PAYEE);
        vm.prank(SLASHER);
        bonds.withdrawCredit(ETH, PAYEE);
        vm.assertEq(PAYEE.balance, half, "paid out");
        vm.assertEq(_credit(SLASHER, ETH), 0, "credit spent");
        vm.assertEq(address(bonds).balance, NODE_BOND - half, "vault ETH");
    }

    function test_slash_refuted_paysTheRecordedRefuterWhoeverSlashes() public {
        Answer memory answer = _unpaid(NODE_KEY, "refuted", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _refute(answer, REFUTER);
        (, , address refuter) = ledger.outcomeOf(answer.inferenceId);
        vm.assertEq(refuter, REFUTER, "the ledger recorded the refuter");
        uint256 half = MINIMUM_LOCK / 2;
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondSlashed(answer.inferenceId, NODE, ETH, MINIMUM_LOCK, REFUTER, half, address(0), 0, half);
        vm.prank(SLASHER);
        _slashFor(answer);
        vm.assertEq(_credit(REFUTER, ETH), half, "refuter's share");
        vm.assertEq(_credit(SLASHER, ETH), 0, "the slasher did no work");
        vm.assertEq(_credit(FEE_SINK, ETH), half, "protocol's share");
    }

    function test_slash_paidRequest_paysTheRequesterOnTopOfItsRefund() public {
        uint256 requestId = _openRequest(ETH, 1 ether, NODE, 0);
        Answer memory answer = _paid(NODE_KEY, "paid overclaim", requestId, VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _missDeadline(answer.inferenceId);
        escrow.refundRejected(requestId, _requestOf(requestId), answer.inferenceId, answer.outputCommitment);
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondSlashed(
            answer.inferenceId,
            NODE,
            ETH,
            2 ether,
            SLASHER,
            1 ether,
            REQUESTER,
            0.6 ether,
            0.4 ether
        );
        vm.prank(SLASHER);
        _slashFor(answer);
        vm.assertEq(escrow.creditOf(REQUESTER, ETH), 1 ether, "refund");
        vm.assertEq(_credit(REQUESTER, ETH), 0.6 ether, "requester's share");
        vm.assertEq(_credit(SLASHER, ETH), 1 ether, "slasher's share");
        vm.assertEq(_credit(FEE_SINK, ETH), 0.4 ether, "protocol's share");
        _assertBond(NODE, ETH, NODE_BOND - 2 ether, 0, 0);
        vm.prank(REQUESTER);
        bonds.withdrawCredit(ETH, REQUESTER);
        vm.prank(REQUESTER);
        escrow.withdraw(ETH, REQUESTER);
        vm.assertEq(REQUESTER.balance, 1.6 ether, "the requester ends with its price and 30% of the lock");
    }

    function test_slash_paidTokenRequest_splitsInTheToken() public {
        _depositToken(NODE, 1_000e6);
        uint256 requestId = _openRequest(address(usdc), 10e6, NODE, 0);
        Answer memory answer = _paid(NODE_KEY, "token overclaim", requestId, VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _refute(answer, REFUTER);
        _slashFor(answer);
        vm.assertEq(_credit(REFUTER, address(usdc)), 10e6, "refuter: 50% of 20");
        vm.assertEq(_credit(REQUESTER, address(usdc)), 6e6, "requester: 30% of 20");
        vm.assertEq(_credit(FEE_SINK, address(usdc)), 4e6, "protocol: the rest");
        _assertBond(NODE, address(usdc), 980e6, 0, 0);
        vm.prank(REFUTER);
        bonds.withdrawCredit(address(usdc), PAYEE);
        vm.assertEq(usdc.balanceOf(PAYEE), 10e6, "token credit paid out");
        vm.assertEq(usdc.balanceOf(address(bonds)), 990e6, "vault tokens");
    }

    function test_slash_revertsSlashNeedsRequest_andNotAPaidLock() public {
        uint256 requestId = _openRequest(ETH, 1 ether, NODE, 0);
        Answer memory paid = _paid(NODE_KEY, "paid lock", requestId, VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, paid);
        _missDeadline(paid.inferenceId);
        // A paid lock's requester has a share: the slash must name the request.
        vm.expectRevert(abi.encodeWithSelector(IBondVault.SlashNeedsRequest.selector, paid.inferenceId, requestId));
        bonds.slash(paid.inferenceId);
        Answer memory unpaid = _unpaid(NODE_KEY, "unpaid lock", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, unpaid);
        _missDeadline(unpaid.inferenceId);
        // An unpaid lock has no request whose requester could take a share.
        vm.expectRevert(_err(IBondVault.NotAPaidLock.selector, unpaid.inferenceId));
        bonds.slashPaid(unpaid.inferenceId, _requestOf(requestId));
        _assertStatus(paid.inferenceId, IBondVault.LockStatus.Locked);
        _assertStatus(unpaid.inferenceId, IBondVault.LockStatus.Locked);
    }

    function test_slash_revertsRequestMismatch_aSlasherCannotNameItselfTheRequester() public {
        uint256 requestId = _openRequest(ETH, 1 ether, NODE, 0);
        Answer memory answer = _paid(NODE_KEY, "steal the share", requestId, VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _missDeadline(answer.inferenceId);
        IInferenceEscrow.Request memory forged = _requestOf(requestId);
        forged.requester = SLASHER;
        vm.expectRevert(abi.encodeWithSelector(IInferenceEscrow.RequestMismatch.selector, requestId));
        vm.prank(SLASHER);
        bonds.slashPaid(answer.inferenceId, forged);
        vm.prank(SLASHER);
        bonds.slashPaid(answer.inferenceId, _requestOf(requestId));
        vm.assertEq(_credit(REQUESTER, ETH), 0.6 ether, "the real requester's share");
        vm.assertEq(_credit(SLASHER, ETH), 1 ether, "the slasher's share, and no more");
    }

    function test_slash_revertsNotSlashable() public {
        Answer memory answer = _unpaid(NODE_KEY, "not yet", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        vm.expectRevert(_err(IBondVault.NotSlashable.selector, answer.inferenceId));
        _slashFor(answer);
        _settle(answer);
        vm.expectRevert(_err(IBondVault.NotSlashable.selector, answer.inferenceId));
        _slashFor(answer);
    }

    function test_slash_revertsNotLocked() public {
        Answer memory answer = _unpaid(NODE_KEY, "no lock", VerificationLevel.Vanilla);
        _record(NODE_KEY, answer);
        vm.expectRevert(_err(IBondVault.NotLocked.selector, answer.inferenceId));
        _slashFor(answer);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // revocation
    // ---------------------------------------------------------------------------------------------------------------

    function test_release_artifactRevokedUnderAPendingClaim_byItsPublisher() public {
        // Node 2's operator publishes nothing; this contract publishes model 1 and revokes artifact 1 under it.
        _depositEth(OTHER_NODE, 1 ether);
        Answer memory answer = _unpaid(OTHER_KEY, "revoked under it", VerificationLevel.TEE);
        _lockAndRecord(OTHER_KEY, answer);
        registry.revokeArtifact(1, RevocationReason.Compromised);
        ledger.rejectRevoked(answer.inferenceId);
        vm.expectRevert(_err(IBondVault.NotSlashable.selector, answer.inferenceId));
        _slashFor(answer);
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondReleased(answer.inferenceId, OTHER_NODE, ETH, MINIMUM_LOCK);
        bonds.release(answer.inferenceId);
        _assertBond(OTHER_NODE, ETH, 1 ether, 0, 0);
    }

    function test_release_artifactRevokedBeforeTheDeadline_rejectedLater() public {
        _depositEth(OTHER_NODE, 1 ether);
        Answer memory answer = _unpaid(OTHER_KEY, "revoked, rejected late", VerificationLevel.TEE);
        _lockAndRecord(OTHER_KEY, answer);
        registry.revokeArtifact(1, RevocationReason.Defective);
        _missDeadline(answer.inferenceId);
        (, IInferenceLedger.RejectionReason reason, ) = ledger.outcomeOf(answer.inferenceId);
        vm.assertEq(uint256(reason), uint256(IInferenceLedger.RejectionReason.ArtifactRevoked), "reason");
        bonds.release(answer.inferenceId);
        _assertBond(OTHER_NODE, ETH, 1 ether, 0, 0);
    }

    function test_slash_selfRevocation_byTheOperatorThatPublishes() public {
        // This contract operates node 1 and publishes model 1: revoking artifact 1 was in the node's own hands.
        Answer memory answer = _unpaid(NODE_KEY, "self revoked", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        registry.revokeArtifact(1, RevocationReason.Other);
        ledger.rejectRevoked(answer.inferenceId);
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, answer.inferenceId));
        bonds.release(answer.inferenceId);
        vm.prank(SLASHER);
        _slashFor(answer);
        vm.assertEq(_credit(SLASHER, ETH), MINIMUM_LOCK / 2, "slasher's share");
        _assertStatus(answer.inferenceId, IBondVault.LockStatus.Slashed);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // unbonding
    // ---------------------------------------------------------------------------------------------------------------

    function test_unbonding_beginCancelBeginWithdraw() public {
        uint256 unbondsAt = block.timestamp + UNBONDING_PERIOD;
        vm.expectEmit(true, true, true, true);
        emit IBondVault.UnbondingStarted(NODE, ETH, 40 ether, unbondsAt);
        bonds.beginUnbonding(NODE, ETH, 40 ether);
        _assertBond(NODE, ETH, 60 ether, 0, 40 ether);
        vm.assertEq(bonds.bondOf(NODE, ETH).unbondsAt, unbondsAt, "unbondsAt");

        vm.expectEmit(true, true, true, true);
        emit IBondVault.UnbondingCancelled(NODE, ETH, 40 ether);
        bonds.cancelUnbonding(NODE, ETH);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
        vm.assertEq(bonds.bondOf(NODE, ETH).unbondsAt, 0, "unbondsAt cleared");

        bonds.beginUnbonding(NODE, ETH, 30 ether);
        unbondsAt = block.timestamp + UNBONDING_PERIOD;
        vm.warp(unbondsAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.StillUnbonding.selector, NODE, ETH, unbondsAt));
        bonds.withdrawUnbonded(NODE, ETH, PAYEE);
        vm.warp(unbondsAt);
        vm.expectEmit(true, true, true, true);
        emit IBondVault.BondWithdrawn(NODE, ETH, 30 ether, PAYEE);
        bonds.withdrawUnbonded(NODE, ETH, PAYEE);
        vm.assertEq(PAYEE.balance, 30 ether, "withdrawn");
        vm.assertEq(address(bonds).balance, 70 ether, "vault ETH");
        _assertBond(NODE, ETH, 70 ether, 0, 0);
        vm.assertEq(bonds.bondOf(NODE, ETH).unbondsAt, 0, "unbondsAt cleared");
    }

    function test_beginUnbonding_restartsTheClockForEverythingUnbonding() public {
        bonds.beginUnbonding(NODE, ETH, 10 ether);
        vm.warp(block.timestamp + UNBONDING_PERIOD - 10);
        uint256 unbondsAt = block.timestamp + UNBONDING_PERIOD;
        vm.expectEmit(true, true, true, true);
        emit IBondVault.UnbondingStarted(NODE, ETH, 15 ether, unbondsAt);
        bonds.beginUnbonding(NODE, ETH, 5 ether);
        vm.warp(block.timestamp + 10);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.StillUnbonding.selector, NODE, ETH, unbondsAt));
        bonds.withdrawUnbonded(NODE, ETH, PAYEE);
        vm.warp(unbondsAt);
        bonds.withdrawUnbonded(NODE, ETH, PAYEE);
        vm.assertEq(PAYEE.balance, 15 ether, "withdrawn together");
    }

    function test_unbonding_token() public {
        _depositToken(NODE, 700e6);
        bonds.beginUnbonding(NODE, address(usdc), 700e6);
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        bonds.withdrawUnbonded(NODE, address(usdc), PAYEE);
        vm.assertEq(usdc.balanceOf(PAYEE), 700e6, "tokens withdrawn");
        _assertBond(NODE, address(usdc), 0, 0, 0);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
    }

    function test_unbonding_revertsNotOperator() public {
        // Not a stranger, and not the node's key either: only its operator moves bond out.
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotOperator.selector, NODE, STRANGER));
        vm.prank(STRANGER);
        bonds.beginUnbonding(NODE, ETH, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotOperator.selector, NODE, vm.addr(NODE_KEY)));
        vm.prank(vm.addr(NODE_KEY));
        bonds.beginUnbonding(NODE, ETH, 1 ether);
        bonds.beginUnbonding(NODE, ETH, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotOperator.selector, NODE, STRANGER));
        vm.prank(STRANGER);
        bonds.cancelUnbonding(NODE, ETH);
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotOperator.selector, NODE, STRANGER));
        vm.prank(STRANGER);
        bonds.withdrawUnbonded(NODE, ETH, STRANGER);
    }

    function test_beginUnbonding_revertsBondZeroAmountAndBondInsufficient() public {
        vm.expectRevert(IBondVault.BondZeroAmount.selector);
        bonds.beginUnbonding(NODE, ETH, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IBondVault.BondInsufficient.selector, NODE, ETH, NODE_BOND, NODE_BOND + 1)
        );
        bonds.beginUnbonding(NODE, ETH, NODE_BOND + 1);
    }

    function test_unbonding_revertsNothingUnbonding() public {
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NothingUnbonding.selector, NODE, ETH));
        bonds.cancelUnbonding(NODE, ETH);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NothingUnbonding.selector, NODE, ETH));
        bonds.withdrawUnbonded(NODE, ETH, PAYEE);
        // And nothing twice.
        bonds.beginUnbonding(NODE, ETH, 1 ether);
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        bonds.withdrawUnbonded(NODE, ETH, PAYEE);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NothingUnbonding.selector, NODE, ETH));
        bonds.withdrawUnbonded(NODE, ETH, PAYEE);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // credits and failed payouts
    // ---------------------------------------------------------------------------------------------------------------

    function test_withdrawCredit_revertsNoCredit() public {
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NoCredit.selector, ETH));
        vm.prank(STRANGER);
        bonds.withdrawCredit(ETH, STRANGER);
    }

    function test_withdrawals_revertBondEthTransferFailed_andKeepWhatIsOwed() public {
        HostileBondReceiver hostile = new HostileBondReceiver(IBondVault(address(bonds)));
        uint256 key = 0x4057;
        bytes memory consent = _sign(key, attesters.nodeKeyConsentTypedDataHash(vm.addr(key), address(hostile)));
        uint32 nodeId = hostile.registerNode(IAttesterRegistry(address(attesters)), vm.addr(key), consent);
        vm.deal(address(this), 1 ether);
        hostile.deposit{value: 1 ether}();
        hostile.beginUnbonding(1 ether);
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        hostile.setMode(HostileBondReceiver.Mode.Revert);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondEthTransferFailed.selector, address(hostile)));
        hostile.withdrawUnbonded();
        _assertBond(nodeId, ETH, 0, 0, 1 ether);

        // As a slasher, the same: its credit stays.
        Answer memory answer = _unpaid(NODE_KEY, "hostile slasher", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _missDeadline(answer.inferenceId);
        hostile.slash(answer.inferenceId);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondEthTransferFailed.selector, address(hostile)));
        hostile.withdrawCredit();
        vm.assertEq(_credit(address(hostile), ETH), MINIMUM_LOCK / 2, "credit kept");

        hostile.setMode(HostileBondReceiver.Mode.Accept);
        hostile.withdrawUnbonded();
        hostile.withdrawCredit();
        vm.assertEq(address(hostile).balance, 1 ether + MINIMUM_LOCK / 2, "paid once accepted");
    }
}

/// @notice One test per attack, named for it: each is refused, or gains nothing.
contract BondVaultAttackTest is BondFixture {
    uint256 internal constant HOSTILE_KEY = 0x4057;

    function setUp() public {
        _deployBonds();
    }

    /// @dev A node with exactly `lockCount` unpaid locks' worth of bond.
    function _bondOtherNode(uint256 lockCount) private {
        _depositEth(OTHER_NODE, lockCount * MINIMUM_LOCK);
    }

    function _registerHostile() private returns (HostileBondReceiver hostile, uint32 nodeId) {
        hostile = new HostileBondReceiver(IBondVault(address(bonds)));
        bytes memory consent = _sign(
            HOSTILE_KEY,
            attesters.nodeKeyConsentTypedDataHash(vm.addr(HOSTILE_KEY), address(hostile))
        );
        nodeId = hostile.registerNode(IAttesterRegistry(address(attesters)), vm.addr(HOSTILE_KEY), consent);
    }

    /// @dev Node 1 overclaims: locked, recorded, deadline missed, rejected. Slashable.
    function _slashableRecord(string memory seed) private returns (bytes32 inferenceId) {
        Answer memory answer = _unpaid(NODE_KEY, seed, VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _missDeadline(answer.inferenceId);
        return answer.inferenceId;
    }

    /// @dev The vault holds exactly what it owes in ETH (the accounts these tests use).
    function _assertEthOwed(uint32[] memory nodes, address[] memory creditors) private view {
        uint256 owed;
        for (uint256 i = 0; i < nodes.length; ++i) {
            IBondVault.Bond memory bond = bonds.bondOf(nodes[i], ETH);
            owed += uint256(bond.free) + bond.locked + bond.unbonding;
        }
        for (uint256 i = 0; i < creditors.length; ++i) owed += _credit(creditors[i], ETH);
        vm.assertEq(address(bonds).balance, owed, "the vault holds more or less than it owes");
    }

    function test_attack_nodeAnswersBeyondItsBond() public {
        _bondOtherNode(1);
        Answer memory first = _unpaid(OTHER_KEY, "first", VerificationLevel.TEE);
        _lockAndRecord(OTHER_KEY, first);
        // The second claim finds no free bond: it cannot be locked, so it cannot be answered above Vanilla.
        Answer memory second = _unpaid(OTHER_KEY, "second", VerificationLevel.TEE);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondInsufficient.selector, OTHER_NODE, ETH, 0, MINIMUM_LOCK));
        vm.prank(OTHER_OPERATOR);
        _lockFor(second);
        bytes memory signature = _sign(OTHER_KEY, ledger.answerTypedDataHash(second));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.ClaimNotBonded.selector, second.inferenceId, OTHER_NODE));
        ledger.answer(second, signature);
        // Nor can it reuse the first claim's lock for another id, or a paid request's lock it cannot cover.
        uint256 requestId = _openRequest(ETH, 1 ether, OTHER_NODE, 0);
        Answer memory paid = _paid(OTHER_KEY, "paid beyond", requestId, VerificationLevel.TEE);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondInsufficient.selector, OTHER_NODE, ETH, 0, 2 ether));
        vm.prank(OTHER_OPERATOR);
        _lockFor(paid);
        // It may still answer at Vanilla, which claims nothing it must bond.
        second.claimed = VerificationLevel.Vanilla;
        _record(OTHER_KEY, second);
    }

    function test_attack_nodeUnbondsMoreThanFreeDuringAPendingClaim() public {
        _bondOtherNode(3);
        Answer memory answer = _unpaid(OTHER_KEY, "pending", VerificationLevel.TEE);
        _lockAndRecord(OTHER_KEY, answer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IBondVault.BondInsufficient.selector,
                OTHER_NODE,
                ETH,
                2 * MINIMUM_LOCK,
                3 * MINIMUM_LOCK
            )
        );
        vm.prank(OTHER_OPERATOR);
        bonds.beginUnbonding(OTHER_NODE, ETH, 3 * MINIMUM_LOCK);
        // It may take out only the free part; the lock stays, and is slashed in full when the claim fails.
        vm.prank(OTHER_OPERATOR);
        bonds.beginUnbonding(OTHER_NODE, ETH, 2 * MINIMUM_LOCK);
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        vm.prank(OTHER_OPERATOR);
        bonds.withdrawUnbonded(OTHER_NODE, ETH, OTHER_OPERATOR);
        _assertBond(OTHER_NODE, ETH, 0, MINIMUM_LOCK, 0);
        ledger.reject(answer.inferenceId);
        _slashFor(answer);
        _assertBond(OTHER_NODE, ETH, 0, 0, 0);
        vm.assertEq(OTHER_OPERATOR.balance, 2 * MINIMUM_LOCK, "withdrew only the free part");
    }

    function test_attack_frontRunOwnSlash_release() public {
        bytes32 inferenceId = _slashableRecord("release instead");
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, inferenceId));
        bonds.release(inferenceId);
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, inferenceId));
        vm.prank(vm.addr(NODE_KEY));
        bonds.release(inferenceId);
        bonds.slash(inferenceId);
        _assertStatus(inferenceId, IBondVault.LockStatus.Slashed);
    }

    function test_attack_frontRunOwnSlash_cancelLock() public {
        Answer memory answer = _unpaid(NODE_KEY, "cancel instead", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        // Before the deadline, and after the rejection: the lock is in use either way.
        vm.expectRevert(_err(IBondVault.LockInUse.selector, answer.inferenceId));
        bonds.cancelLock(answer.inferenceId);
        _missDeadline(answer.inferenceId);
        vm.expectRevert(_err(IBondVault.LockInUse.selector, answer.inferenceId));
        vm.prank(vm.addr(NODE_KEY));
        bonds.cancelLock(answer.inferenceId);
        _slashFor(answer);
        _assertBond(NODE, ETH, NODE_BOND - MINIMUM_LOCK, 0, 0);
    }

    function test_attack_frontRunOwnSlash_unbondTheLockedAmount() public {
        // Everything but the lock starts unbonding first; then the locked amount itself is asked for.
        bytes32 inferenceId = _slashableRecord("unbond instead");
        bonds.beginUnbonding(NODE, ETH, NODE_BOND - MINIMUM_LOCK);
        vm.expectRevert(abi.encodeWithSelector(IBondVault.BondInsufficient.selector, NODE, ETH, 0, MINIMUM_LOCK));
        bonds.beginUnbonding(NODE, ETH, MINIMUM_LOCK);
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        bonds.withdrawUnbonded(NODE, ETH, PAYEE);
        _assertBond(NODE, ETH, 0, MINIMUM_LOCK, 0);
        vm.prank(SLASHER);
        bonds.slash(inferenceId);
        vm.assertEq(_credit(SLASHER, ETH), MINIMUM_LOCK / 2, "the lock was still there to slash");
        vm.assertEq(address(bonds).balance, MINIMUM_LOCK, "exactly the slash credits remain");
    }

    function test_attack_frontRunOwnSlash_selfRevocationBeforeTheDeadline() public {
        // The node (whose operator publishes model 1) sees it cannot prove its claim, revokes its own artifact and
        // has the record rejected as revoked before the deadline.
        Answer memory answer = _unpaid(NODE_KEY, "self revoke", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        registry.revokeArtifact(1, RevocationReason.Compromised);
        ledger.rejectRevoked(answer.inferenceId);
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, answer.inferenceId));
        bonds.release(answer.inferenceId);
        _slashFor(answer);
        _assertStatus(answer.inferenceId, IBondVault.LockStatus.Slashed);
    }

    function test_attack_frontRunOwnSlash_selfRevocationThenPublisherHandedOn() public {
        // As above, and then the publisher role goes to a fresh account, so that the operator no longer publishes
        // the model when someone comes to release or slash. The revocation was the operator's all the same.
        Answer memory answer = _unpaid(NODE_KEY, "revoke and hand on", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        registry.revokeArtifact(1, RevocationReason.Compromised);
        ledger.rejectRevoked(answer.inferenceId);
        address heir = address(0x4E1E);
        registry.transferPublisher(1, heir);
        vm.prank(heir);
        registry.acceptPublisher(1);
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, answer.inferenceId));
        bonds.release(answer.inferenceId);
        vm.prank(SLASHER);
        _slashFor(answer);
        vm.assertEq(_credit(SLASHER, ETH), MINIMUM_LOCK / 2, "slashed");
    }

    function test_attack_frontRunOwnSlash_publisherHandedOnBeforeTheRevocation() public {
        // The operator registered artifact 1, hands model 1 to another account, which revokes the artifact while
        // the node's claim is pending: the artifact is still the operator's own.
        Answer memory answer = _unpaid(NODE_KEY, "hand on then revoke", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        address heir = address(0x4E1E);
        registry.transferPublisher(1, heir);
        vm.prank(heir);
        registry.acceptPublisher(1);
        vm.prank(heir);
        registry.revokeArtifact(1, RevocationReason.Compromised);
        ledger.rejectRevoked(answer.inferenceId);
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, answer.inferenceId));
        bonds.release(answer.inferenceId);
        _slashFor(answer);
        _assertStatus(answer.inferenceId, IBondVault.LockStatus.Slashed);
    }

    function test_attack_frontRunOwnSlash_revocationAfterTheDeadline() public {
        // Too late: the claim missed its deadline before the revocation, which excuses nothing. This holds for a
        // node whose operator publishes nothing too (node 2).
        _bondOtherNode(1);
        Answer memory answer = _unpaid(OTHER_KEY, "revoked late", VerificationLevel.TEE);
        _lockAndRecord(OTHER_KEY, answer);
        vm.warp(ledger.deadlineOf(answer.inferenceId) + 1);
        registry.revokeArtifact(1, RevocationReason.Compromised);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.ArtifactNotRevoked.selector, answer.inferenceId));
        ledger.rejectRevoked(answer.inferenceId);
        ledger.reject(answer.inferenceId);
        (, IInferenceLedger.RejectionReason reason, ) = ledger.outcomeOf(answer.inferenceId);
        vm.assertEq(uint256(reason), uint256(IInferenceLedger.RejectionReason.DeadlineMissed), "reason");
        vm.expectRevert(_err(IBondVault.NotReleasable.selector, answer.inferenceId));
        bonds.release(answer.inferenceId);
        _slashFor(answer);
        _assertBond(OTHER_NODE, ETH, 0, 0, 0);
    }

    function test_attack_griefSlashesASettledRecord() public {
        Answer memory answer = _unpaid(NODE_KEY, "settled", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _settle(answer);
        vm.warp(block.timestamp + 10 * SETTLEMENT_WINDOW);
        vm.expectRevert(_err(IBondVault.NotSlashable.selector, answer.inferenceId));
        vm.prank(SLASHER);
        _slashFor(answer);
        // A settled record cannot be rejected afterwards to make it slashable.
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.NothingToReject.selector, answer.inferenceId));
        ledger.reject(answer.inferenceId);
        bonds.release(answer.inferenceId);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
    }

    function test_attack_griefSlashesAPendingRecord() public {
        Answer memory answer = _unpaid(NODE_KEY, "pending", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        vm.warp(ledger.deadlineOf(answer.inferenceId));
        // At the deadline itself the claim may still settle: not slashable, and not rejectable.
        vm.expectRevert(_err(IBondVault.NotSlashable.selector, answer.inferenceId));
        vm.prank(SLASHER);
        _slashFor(answer);
        uint256 deadline = ledger.deadlineOf(answer.inferenceId);
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.DeadlineNotReached.selector, answer.inferenceId, deadline)
        );
        ledger.reject(answer.inferenceId);
        _beat(ENCLAVE_KEY);
        _settle(answer);
        bonds.release(answer.inferenceId);
        vm.assertEq(_credit(SLASHER, ETH), 0, "nothing for the griefer");
    }

    function test_attack_griefSlashesTwice() public {
        bytes32 inferenceId = _slashableRecord("twice");
        vm.prank(SLASHER);
        bonds.slash(inferenceId);
        vm.expectRevert(_err(IBondVault.NotLocked.selector, inferenceId));
        vm.prank(SLASHER);
        bonds.slash(inferenceId);
        vm.expectRevert(_err(IBondVault.NotLocked.selector, inferenceId));
        vm.prank(STRANGER);
        bonds.slash(inferenceId);
        vm.assertEq(_credit(SLASHER, ETH), MINIMUM_LOCK / 2, "paid once");
        vm.assertEq(_credit(STRANGER, ETH), 0, "paid once");
        _assertBond(NODE, ETH, NODE_BOND - MINIMUM_LOCK, 0, 0);
    }

    function test_attack_griefLocksANodesBond() public {
        // A griefer ties up node 2's bond by locking ids in its name, paid or not: refused.
        _bondOtherNode(1);
        uint256 requestId = _openRequest(ETH, 1 ether, OTHER_NODE, 0);
        bytes32 inferenceId = _unpaid(OTHER_KEY, "griefed", VerificationLevel.TEE).inferenceId;
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotNodeOrOperator.selector, OTHER_NODE, STRANGER));
        vm.prank(STRANGER);
        bonds.lock(inferenceId, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotNodeOrOperator.selector, OTHER_NODE, REQUESTER));
        vm.prank(REQUESTER);
        bonds.lockPaid(inferenceId, requestId, _requestOf(requestId));
        // The operator of another node (this contract) is a stranger to node 2.
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotNodeOrOperator.selector, OTHER_NODE, address(this)));
        bonds.lock(inferenceId, bytes32(0));
        // Nor can the griefer cancel node 2's own lock.
        vm.prank(OTHER_OPERATOR);
        bonds.lock(inferenceId, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IBondVault.NotNodeOrOperator.selector, OTHER_NODE, STRANGER));
        vm.prank(STRANGER);
        bonds.cancelLock(inferenceId);
        _assertBond(OTHER_NODE, ETH, 0, MINIMUM_LOCK, 0);
    }

    function test_attack_reentryOnWithdrawUnbonded_gainsNothing() public {
        (HostileBondReceiver hostile, uint32 nodeId) = _registerHostile();
        vm.deal(address(this), 2 ether);
        hostile.deposit{value: 2 ether}();
        bytes32 target = _slashableRecord("reentry target");
        // It also holds a slash credit, to try to take it twice inside the payout.
        bytes32 other = _slashableRecord("hostile credit");
        hostile.slash(other);
        bytes32 lockTarget = _nodeInferenceId(HOSTILE_KEY, keccak256("reentry lock"));
        hostile.setTargets(target, lockTarget, bytes32(0));
        hostile.beginUnbonding(1 ether);
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        hostile.setMode(HostileBondReceiver.Mode.Reenter);

        hostile.withdrawUnbonded();

        vm.assertEq(hostile.reentryAttempts(), 1, "it tried");
        vm.assertFalse(hostile.reenteredWithdrawUnbonded(), "re-entered withdrawUnbonded");
        vm.assertFalse(hostile.reenteredWithdrawCredit(), "re-entered withdrawCredit");
        vm.assertFalse(hostile.reenteredSlash(), "re-entered slash");
        vm.assertFalse(hostile.reenteredLock(), "re-entered lock");
        vm.assertEq(address(hostile).balance, 1 ether, "paid exactly the unbonded amount");
        _assertBond(nodeId, ETH, 1 ether, 0, 0);
        _assertStatus(target, IBondVault.LockStatus.Locked);
        _assertStatus(lockTarget, IBondVault.LockStatus.None);
        vm.assertEq(_credit(address(hostile), ETH), MINIMUM_LOCK / 2, "credit untouched");
        uint32[] memory nodes = new uint32[](2);
        (nodes[0], nodes[1]) = (NODE, nodeId);
        address[] memory creditors = new address[](2);
        (creditors[0], creditors[1]) = (address(hostile), FEE_SINK);
        _assertEthOwed(nodes, creditors);
        // Outside the payout, the same calls work: the guard refused them, nothing else.
        hostile.setMode(HostileBondReceiver.Mode.Accept);
        hostile.slash(target);
        hostile.lock(lockTarget, bytes32(0));
    }

    function test_attack_reentryOnWithdrawCredit_gainsNothing() public {
        (HostileBondReceiver hostile, uint32 nodeId) = _registerHostile();
        vm.deal(address(this), 1 ether);
        hostile.deposit{value: 1 ether}();
        hostile.beginUnbonding(0.5 ether);
        bytes32 credited = _slashableRecord("hostile slashes");
        bytes32 target = _slashableRecord("reentry target");
        hostile.slash(credited);
        bytes32 lockTarget = _nodeInferenceId(HOSTILE_KEY, keccak256("reentry lock"));
        hostile.setTargets(target, lockTarget, bytes32(0));
        // Its unbonded bond is withdrawable too, so a re-entered withdrawUnbonded would pay if it were let in.
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        hostile.setMode(HostileBondReceiver.Mode.Reenter);

        hostile.withdrawCredit();

        vm.assertEq(hostile.reentryAttempts(), 1, "it tried");
        vm.assertFalse(hostile.reenteredWithdrawUnbonded(), "re-entered withdrawUnbonded");
        vm.assertFalse(hostile.reenteredWithdrawCredit(), "re-entered withdrawCredit");
        vm.assertFalse(hostile.reenteredSlash(), "re-entered slash");
        vm.assertFalse(hostile.reenteredLock(), "re-entered lock");
        vm.assertEq(address(hostile).balance, MINIMUM_LOCK / 2, "paid exactly its credit");
        vm.assertEq(_credit(address(hostile), ETH), 0, "credit spent once");
        _assertBond(nodeId, ETH, 0.5 ether, 0, 0.5 ether);
        _assertStatus(target, IBondVault.LockStatus.Locked);
        uint32[] memory nodes = new uint32[](2);
        (nodes[0], nodes[1]) = (NODE, nodeId);
        address[] memory creditors = new address[](2);
        (creditors[0], creditors[1]) = (address(hostile), FEE_SINK);
        _assertEthOwed(nodes, creditors);
        hostile.setMode(HostileBondReceiver.Mode.Accept);
        hostile.withdrawUnbonded();
        vm.assertEq(address(hostile).balance, MINIMUM_LOCK / 2 + 0.5 ether, "then its unbonded bond, once");
    }

    function test_attack_revocationsAfterSettlementDoNotMakeItSlashable() public {
        Answer memory answer = _unpaid(NODE_KEY, "settled history", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        _settle(answer);
        // Measurement revoked, enclave disabled, artifact revoked (by its publisher, the node's operator): history
        // stands.
        attesters.revokeMeasurement(MEASUREMENT);
        attesters.disableEnclave(vm.addr(ENCLAVE_KEY));
        registry.revokeArtifact(1, RevocationReason.Compromised);
        vm.warp(block.timestamp + 2 * SETTLEMENT_WINDOW);
        vm.assertEq(uint256(ledger.stateOf(answer.inferenceId)), uint256(RecordState.Settled), "still settled");
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.NotPending.selector, answer.inferenceId, RecordState.Settled)
        );
        ledger.rejectRevoked(answer.inferenceId);
        vm.expectRevert(_err(IBondVault.NotSlashable.selector, answer.inferenceId));
        _slashFor(answer);
        bonds.release(answer.inferenceId);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);
    }
}

/// @notice Fuzzed amounts: the split and the bond counters.
contract BondVaultFuzzTest is BondFixture {
    function setUp() public {
        _deployBonds();
    }

    /// @notice For any lock and either kind of claim, a slash credits exactly the lock, split by the constants, and
    /// moves no asset out of the vault.
    function testFuzz_slash_splitSumsToTheLock(uint96 amount, bool paid, bool refuted) public {
        // A paid ETH lock is at least twice a price of 1 wei; at or above it, the minimum sets any amount.
        uint256 lockAmount = bound(amount, paid ? 2 : 1, type(uint96).max);
        _redeploy(lockAmount, lockAmount);
        Answer memory answer;
        if (paid) {
            uint256 requestId = _openRequest(ETH, 1, NODE, 0);
            answer = _paid(NODE_KEY, "split", requestId, VerificationLevel.TEE);
        } else {
            answer = _unpaid(NODE_KEY, "split", VerificationLevel.TEE);
        }
        vm.assertEq(_lockAndRecord(NODE_KEY, answer), lockAmount, "lock amount");
        if (refuted) _refute(answer, REFUTER);
        else _missDeadline(answer.inferenceId);
        uint256 vaultBalance = address(bonds).balance;
        vm.prank(SLASHER);
        _slashFor(answer);

        address reporter = refuted ? REFUTER : SLASHER;
        uint256 reporterShare = (lockAmount * bonds.REPORTER_SHARE_BPS()) / 10_000;
        uint256 requesterShare = paid ? (lockAmount * bonds.REQUESTER_SHARE_BPS()) / 10_000 : 0;
        vm.assertEq(_credit(reporter, ETH), reporterShare, "reporter's share");
        vm.assertEq(_credit(REQUESTER, ETH), requesterShare, "requester's share");
        vm.assertEq(_credit(FEE_SINK, ETH), lockAmount - reporterShare - requesterShare, "protocol's share");
        vm.assertEq(
            _credit(reporter, ETH) + _credit(REQUESTER, ETH) + _credit(FEE_SINK, ETH),
            lockAmount,
            "the shares do not add up to the lock"
        );
        vm.assertGt(_credit(FEE_SINK, ETH), 0, "the protocol's share is never zero");
        vm.assertLe(_credit(reporter, ETH) * 2, lockAmount, "the reporter takes at most half");
        vm.assertEq(address(bonds).balance, vaultBalance, "a slash moves no asset");
        _assertBond(NODE, ETH, 0, 0, 0);
    }

    /// @notice Random token bonds and paid locks: a lock is taken only when it fits the free bond and the counters,
    /// moves exactly its amount from free to locked, and leaves by exactly one of cancel, release or slash.
    function testFuzz_lockAndUnlock_accounting(
        uint256 depositSeed,
        uint256 priceSeed,
        uint16 bondMultiple,
        uint8 outcome
    ) public {
        uint256 deposited = bound(depositSeed, 1, 2 ** 100);
        uint256 price = bound(priceSeed, 1, 2 ** 96);
        _depositToken(NODE, deposited);
        uint256 requestId = _openRequest(address(usdc), price, NODE, bondMultiple);
        Answer memory answer = _paid(NODE_KEY, "accounting", requestId, VerificationLevel.TEE);
        uint256 required = price * (bondMultiple > 2 ? bondMultiple : 2);

        if (required > type(uint96).max) {
            // A price past uint96 is refused before the multiplication, naming the price.
            uint256 named = price > type(uint96).max ? price : required;
            vm.expectRevert(abi.encodeWithSelector(IBondVault.BondAmountTooLarge.selector, named));
            _lockFor(answer);
            return;
        }
        if (required > deposited) {
            vm.expectRevert(
                abi.encodeWithSelector(IBondVault.BondInsufficient.selector, NODE, address(usdc), deposited, required)
            );
            _lockFor(answer);
            return;
        }
        vm.assertEq(_lockFor(answer), required, "locked amount");
        _assertBond(NODE, address(usdc), deposited - required, required, 0);
        _assertBond(NODE, ETH, NODE_BOND, 0, 0);

        _resolve(answer, outcome % 3, deposited, required);
        _assertTokensOwedAndFreeBondLeaves();
    }

    /// @dev Ends `answer`'s lock of `required` tokens by cancel (0), settle and release (1) or a missed deadline and
    /// slash (2), and checks the node's token bond after it.
    function _resolve(Answer memory answer, uint8 outcome, uint256 deposited, uint256 required) private {
        if (outcome == 0) {
            bonds.cancelLock(answer.inferenceId);
            _assertBond(NODE, address(usdc), deposited, 0, 0);
            return;
        }
        _record(NODE_KEY, answer);
        if (outcome == 1) {
            _settle(answer);
            bonds.release(answer.inferenceId);
            _assertBond(NODE, address(usdc), deposited, 0, 0);
        } else {
            _missDeadline(answer.inferenceId);
            _slashFor(answer);
            _assertBond(NODE, address(usdc), deposited - required, 0, 0);
        }
    }

    /// @dev The vault's tokens are node 1's bond plus the credits; then the free bond, and only that, can leave.
    function _assertTokensOwedAndFreeBondLeaves() private {
        uint256 credits =
            _credit(address(this), address(usdc)) +
                _credit(REQUESTER, address(usdc)) +
                _credit(FEE_SINK, address(usdc));
        IBondVault.Bond memory bond = bonds.bondOf(NODE, address(usdc));
        vm.assertEq(
            usdc.balanceOf(address(bonds)),
            uint256(bond.free) + bond.locked + bond.unbonding + credits,
            "the vault's tokens differ from what it owes"
        );
        if (bond.free == 0) return;
        bonds.beginUnbonding(NODE, address(usdc), bond.free);
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        bonds.withdrawUnbonded(NODE, address(usdc), PAYEE);
        vm.assertEq(usdc.balanceOf(PAYEE), bond.free, "withdrew the free bond");
        _assertBond(NODE, address(usdc), 0, 0, 0);
    }

    /// @notice Unbonding moves exactly the asked amount from free, never touching locked bond, whatever the order.
    function testFuzz_unbonding_neverTouchesLockedBond(uint256 firstSeed, uint256 secondSeed, bool cancel) public {
        Answer memory answer = _unpaid(NODE_KEY, "locked while unbonding", VerificationLevel.TEE);
        _lockAndRecord(NODE_KEY, answer);
        uint256 free = NODE_BOND - MINIMUM_LOCK;
        uint256 first = bound(firstSeed, 1, free);
        bonds.beginUnbonding(NODE, ETH, first);
        uint256 second = bound(secondSeed, 1, NODE_BOND);
        if (second > free - first) {
            vm.expectRevert(
                abi.encodeWithSelector(IBondVault.BondInsufficient.selector, NODE, ETH, free - first, second)
            );
            bonds.beginUnbonding(NODE, ETH, second);
            second = 0;
        } else {
            bonds.beginUnbonding(NODE, ETH, second);
        }
        _assertBond(NODE, ETH, free - first - second, MINIMUM_LOCK, first + second);
        if (cancel) {
            bonds.cancelUnbonding(NODE, ETH);
            _assertBond(NODE, ETH, free, MINIMUM_LOCK, 0);
            return;
        }
        vm.warp(block.timestamp + UNBONDING_PERIOD);
        bonds.withdrawUnbonded(NODE, ETH, PAYEE);
        vm.assertEq(PAYEE.balance, first + second, "withdrawn");
        _assertBond(NODE, ETH, free - first - second, MINIMUM_LOCK, 0);
        vm.assertEq(address(bonds).balance, NODE_BOND - first - second, "vault ETH");
    }
}
