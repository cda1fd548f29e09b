// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITwinMarket} from "../../contracts/interfaces/ITwinMarket.sol";
import {TwinMarket} from "../../contracts/market/TwinMarket.sol";
import {FuzzSelector} from "../utils/ProoflineTest.sol";
import {MarketFixture} from "./TwinMarket.t.sol";

/// @notice Drives a real market through random create / buy / sell / queue / cancel / apply / withdraw / time
/// sequences by a few traders and twin owners.
contract MarketHandler is MarketFixture {
    address[3] internal actors = [address(0x1001), address(0x1002), address(0x1003)];
    bytes16[] public twins;
    /// @notice Fee changes that applied before their effective time. Must stay 0.
    uint256 public earlyApplications;
    /// @notice Raises that applied although the same fee was cut after they were queued. Must stay 0.
    uint256 public raisesAppliedAfterACut;
    /// @dev Order of the handler's fee actions, per rate setting: when the pending raise was queued, when it was cut.
    uint256 private _sequence;
    mapping(ITwinMarket.FeeSetting setting => uint256 sequence) private _queuedAt;
    mapping(ITwinMarket.FeeSetting setting => uint256 sequence) private _cutAt;

    constructor() {
        _deployMarket(0.01e18, 0.01e18);
        twins.push(twin);
        for (uint256 i = 0; i < actors.length; ++i) vm.deal(actors[i], 1e30);
    }

    function deployed() external view returns (TwinMarket) {
        return market;
    }

    function twinCount() external view returns (uint256) {
        return twins.length;
    }

    function actor(uint256 i) external view returns (address) {
        return actors[i];
    }

    function create(uint8 who) external {
        if (twins.length >= 4) return;
        vm.prank(actors[who % actors.length]);
        twins.push(market.createTwin(bytes32(twins.length)));
    }

    function buy(uint8 who, uint256 twinSeed, uint256 amount, bool overpay) external {
        bytes16 twin = twins[twinSeed % twins.length];
        amount = bound(amount, 1, 50);
        uint256 cost = market.getBuyPriceAfterFees(twin, amount);
        vm.prank(actors[who % actors.length]);
        market.buy{value: overpay ? cost + 1 ether : cost}(twin, amount, cost, block.timestamp);
    }

    function sell(uint8 who, uint256 twinSeed, uint256 amount) external {
        bytes16 twin = twins[twinSeed % twins.length];
        address trader = actors[who % actors.length];
        uint256 held = market.sharesOf(twin, trader);
        (, uint256 supply) = market.twinOf(twin);
        if (held == 0 || supply <= 1) return;
        amount = bound(amount, 1, held < supply - 1 ? held : supply - 1);
        uint256 proceeds = market.getSellPriceAfterFees(twin, amount);
        vm.prank(trader);
        market.sell(twin, amount, proceeds, block.timestamp);
    }

    function setFee(bool protocol, uint256 rate) external {
        ITwinMarket.FeeSetting setting =
            protocol ? ITwinMarket.FeeSetting.ProtocolFee : ITwinMarket.FeeSetting.SubjectFee;
        (uint256 protocolFee, uint256 subjectFee, ) = market.fees();
        uint256 current = protocol ? protocolFee : subjectFee;
        rate = bound(rate, 0, 0.05e18);
        market.setFee(setting, rate);
        if (rate > current) _queuedAt[setting] = ++_sequence;
        else _cutAt[setting] = ++_sequence;
    }

    function queueDestination(uint8 who) external {
        try market.queueFeeDestination(actors[who % actors.length]) {} catch {} // solhint-disable-line no-empty-blocks
    }

    function cancel(uint8 setting) external {
        try market.cancelFeeChange(ITwinMarket.FeeSetting(setting % 3)) {} catch {} // solhint-disable-line no-empty-blocks
    }

    function apply_(uint8 setting) external {
        ITwinMarket.FeeSetting which = ITwinMarket.FeeSetting(setting % 3);
        uint256 effectiveAt = market.pendingChange(which).effectiveAt;
        try market.applyFeeChange(which) {
            if (block.timestamp < effectiveAt) ++earlyApplications;
            if (which != ITwinMarket.FeeSetting.FeeDestination && _cutAt[which] > _queuedAt[which]) {
                ++raisesAppliedAfterACut;
            }
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function withdraw(uint8 who, bool protocol) external {
        if (protocol) {
            try market.withdrawProtocolFees() {} catch {} // solhint-disable-line no-empty-blocks
        } else {
            vm.prank(actors[who % actors.length]);
            try market.withdrawSubjectFees(address(0xD00D)) {} catch {} // solhint-disable-line no-empty-blocks
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 4 days));
    }
}

/// @notice The market's balance always equals the curve's reserve of every twin plus the fees credited and not yet
/// withdrawn; fees never exceed their caps; no queued change applies before its effective time.
contract TwinMarketInvariantTest is MarketFixture {
    MarketHandler internal handler;

    function setUp() public {
        handler = MarketHandler(_deployArtifact("TwinMarket.invariant.t.sol:MarketHandler", ""));
        market = handler.deployed();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory selectors) {
        bytes4[] memory functions = new bytes4[](10);
        functions[0] = MarketHandler.create.selector;
        functions[1] = MarketHandler.buy.selector;
        functions[2] = MarketHandler.sell.selector;
        functions[3] = MarketHandler.setFee.selector;
        functions[4] = MarketHandler.queueDestination.selector;
        functions[5] = MarketHandler.cancel.selector;
        functions[6] = MarketHandler.apply_.selector;
        functions[7] = MarketHandler.withdraw.selector;
        functions[8] = MarketHandler.warp.selector;
        functions[9] = MarketHandler.buy.selector;
        selectors = new FuzzSelector[](1);
        selectors[0] = FuzzSelector({addr: address(handler), selectors: functions});
    }

    function invariant_balanceIsReservePlusOwedFees() public view {
        uint256 owed;
        for (uint256 i = 0; i < handler.twinCount(); ++i) owed += market.reserveOf(handler.twins(i));
        (, uint256 protocolAccrued) = market.feesOwed(address(0));
        owed += protocolAccrued;
        for (uint256 i = 0; i < 3; ++i) {
            (uint256 subject, ) = market.feesOwed(handler.actor(i));
            owed += subject;
        }
        (uint256 first, ) = market.feesOwed(address(0xA11CE));
        owed += first;
        vm.assertEq(address(market).balance, owed, "balance differs from reserves plus owed fees");
    }

    function invariant_feesWithinCapsAndNeverEarly() public view {
        (uint256 protocolFee, uint256 subjectFee, ) = market.fees();
        vm.assertLe(protocolFee, market.MAX_PROTOCOL_FEE(), "protocol fee above its cap");
        vm.assertLe(subjectFee, market.MAX_SUBJECT_FEE(), "subject fee above its cap");
        vm.assertEq(handler.earlyApplications(), 0, "a queued change applied before its effective time");
        vm.assertEq(handler.raisesAppliedAfterACut(), 0, "a raise survived a later cut of the same fee");
    }
}
