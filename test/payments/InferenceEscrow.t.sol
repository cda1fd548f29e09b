// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceEscrow} from "../../contracts/interfaces/IInferenceEscrow.sol";
import {Answer, VerificationLevel} from "../../contracts/types/InferenceTypes.sol";
import {EscrowFixture} from "./InferenceEscrow.invariant.t.sol";

/// @notice Fuzz tests of the escrow's value paths against a real ledger and token.
contract InferenceEscrowFuzzTest is EscrowFixture {
    function setUp() public {
        _deployEscrow();
    }

    /// @notice Whatever the amount and asset, an expired request gives back exactly what was paid, and nothing stays.
    function testFuzz_refundReturnsExactlyThePrice(uint256 amount, bool eth) public {
        amount = bound(amount, 1, 1e30);
        uint256 requestId = _open(eth, amount, VerificationLevel.TEE);
        vm.warp(block.timestamp + 2 days + 1);
        escrow.refundExpired(requestId, _requestOf(requestId));
        address asset = eth ? address(0) : address(usdc);
        vm.assertEq(escrow.creditOf(address(this), asset), amount, "credit is not the price");
        escrow.withdraw(asset, SINK);
        vm.assertEq(eth ? SINK.balance : usdc.balanceOf(SINK), amount, "refund is not the price");
        vm.assertEq(eth ? address(escrow).balance : usdc.balanceOf(address(escrow)), 0, "something stayed behind");
    }

    /// @notice A release succeeds exactly when the answer settled at or above the paid level, and pays the price once.
    function testFuzz_releaseOnlyAtThePaidLevel(bool payForTee, bool claimTee, bool attest, uint256 amount) public {
        // A TEE claim locks twice the price from the node's bond (the fixture bonds 1e27 wei; a lock holds at most
        // 2^96 - 1, about 7.9e28): bonded prices stay within both.
        amount = bound(amount, 1, claimTee ? 1e26 : 1e30);
        VerificationLevel paid = payForTee ? VerificationLevel.TEE : VerificationLevel.Vanilla;
        uint256 requestId = _open(true, amount, paid);
        Answer memory answer = _answerRequest(
            requestId,
            keccak256(abi.encode("fuzz", amount)),
            claimTee ? VerificationLevel.TEE : VerificationLevel.Vanilla
        );
        if (attest) ledger.settleTee(answer.inferenceId, _attestation(ENCLAVE_KEY, answer, answer.outputCommitment));
        // Vanilla claims settle when their window passes; stay inside the deadline.
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        bool settled = attest || !claimTee;
        VerificationLevel achieved = attest ? VerificationLevel.TEE : VerificationLevel.Vanilla;
        bool earned = settled && achieved >= paid;
        try escrow.release(requestId, _requestOf(requestId), answer.inferenceId, answer.outputCommitment) {
            vm.assertTrue(earned, "released without earning it");
            vm.assertEq(escrow.creditOf(address(this), address(0)), amount, "operator credit is not the price");
            vm.assertEq(
                uint256(escrow.requestStatus(requestId)),
                uint256(IInferenceEscrow.RequestStatus.Released),
                "not released"
            );
        } catch {
            vm.assertFalse(earned, "refused an earned release");
        }
    }
}
