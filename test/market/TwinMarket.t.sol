// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

import {ITwinMarket} from "../../contracts/interfaces/ITwinMarket.sol";
import {TwinCurveLib} from "../../contracts/libraries/TwinCurveLib.sol";
import {TwinMarket} from "../../contracts/market/TwinMarket.sol";
import {Roles} from "../../contracts/types/Roles.sol";
import {ProoflineTest} from "../utils/ProoflineTest.sol";

/// @notice A market behind a real AccessManager in which this contract is the fee admin, with one twin.
abstract contract MarketFixture is ProoflineTest {
    bytes16 internal twin;
    address internal constant DESTINATION = address(0xFEE);
    AccessManager internal manager;
    TwinMarket internal market;

    function _deployMarket(uint64 protocolFee, uint64 subjectFee) internal {
        vm.warp(1_700_000_000);
        manager = AccessManager(_deployArtifact("AccessManager.sol:AccessManager", abi.encode(address(this))));
        market = TwinMarket(
            _deployArtifact("TwinMarket.sol:TwinMarket", abi.encode(manager, DESTINATION, protocolFee, subjectFee))
        );
        bytes4[] memory feeFunctions = new bytes4[](4);
        feeFunctions[0] = ITwinMarket.setFee.selector;
        feeFunctions[1] = ITwinMarket.queueFeeDestination.selector;
        feeFunctions[2] = ITwinMarket.cancelFeeChange.selector;
        feeFunctions[3] = ITwinMarket.applyFeeChange.selector;
        manager.setTargetFunctionRole(address(market), feeFunctions, Roles.FEE_ADMIN);
        manager.grantRole(Roles.FEE_ADMIN, address(this), 0);
        vm.prank(address(0xA11CE));
        twin = market.createTwin("ada");
    }
}

/// @notice Fuzz tests of the curve and of trades: the price is strictly increasing and additive, quotes equal what
/// trades charge, and a buy followed by a sell never profits.
contract TwinMarketFuzzTest is MarketFixture {
    address internal constant TRADER = address(0xB0B);

    function setUp() public {
        _deployMarket(0.02e18, 0.03e18);
        vm.deal(TRADER, 1e40);
    }

    function testFuzz_priceIsStrictlyIncreasing(uint256 supply) public pure {
        supply = bound(supply, 0, 999_998);
        vm.assertGt(TwinCurveLib.price(supply + 1, 1), TwinCurveLib.price(supply, 1), "the next share is not dearer");
    }

    function testFuzz_priceIsAdditive(uint256 supply, uint256 a, uint256 b) public pure {
        supply = bound(supply, 0, 500_000);
        a = bound(a, 0, 200_000);
        b = bound(b, 0, 200_000);
        vm.assertEq(
            TwinCurveLib.price(supply, a + b),
            TwinCurveLib.price(supply, a) + TwinCurveLib.price(supply + a, b),
            "price is not additive"
        );
    }

    function testFuzz_quotesEqualChargesAndRoundTripsNeverProfit(
        uint256 amount,
        uint256 prior,
        uint64 protocolFee,
        uint64 subjectFee
    ) public {
        amount = bound(amount, 1, 2_000);
        prior = bound(prior, 0, 2_000);
        market.setFee(ITwinMarket.FeeSetting.ProtocolFee, bound(protocolFee, 0, 0.02e18));
        market.setFee(ITwinMarket.FeeSetting.SubjectFee, bound(subjectFee, 0, 0.03e18));
        if (prior > 0) _buy(address(0xCAFE), prior);

        uint256 quote = market.getBuyPriceAfterFees(twin, amount);
        uint256 before = TRADER.balance;
        vm.prank(TRADER);
        market.buy{value: quote + 1 ether}(twin, amount, quote, block.timestamp);
        vm.assertEq(before - TRADER.balance, quote, "buy charged other than its quote");

        uint256 sellQuote = market.getSellPriceAfterFees(twin, amount);
        before = TRADER.balance;
        vm.prank(TRADER);
        market.sell(twin, amount, sellQuote, block.timestamp);
        vm.assertEq(TRADER.balance - before, sellQuote, "sell paid other than its quote");
        vm.assertLe(sellQuote, quote, "a buy followed by a sell profited");
    }

    function _buy(address who, uint256 amount) private {
        uint256 cost = market.getBuyPriceAfterFees(twin, amount);
        vm.deal(who, cost);
        vm.prank(who);
        market.buy{value: cost}(twin, amount, cost, block.timestamp);
    }
}
