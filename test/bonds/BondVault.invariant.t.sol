// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BondVault} from "../../contracts/bonds/BondVault.sol";
import {IBondVault} from "../../contracts/interfaces/IBondVault.sol";
import {IInferenceLedger} from "../../contracts/interfaces/IInferenceLedger.sol";
import {InferenceLedger} from "../../contracts/ledger/InferenceLedger.sol";
import {TestUSDC} from "../../contracts/mocks/TestUSDC.sol";
import {InferenceEscrow} from "../../contracts/payments/InferenceEscrow.sol";
import {Answer, RecordState, Route, VerificationLevel} from "../../contracts/types/InferenceTypes.sol";
import {RevocationReason} from "../../contracts/types/ModelTypes.sol";
import {FuzzSelector} from "../utils/ProoflineTest.sol";
import {BondFixture} from "./BondVault.t.sol";

/// @notice Drives a real vault, ledger and escrow through random deposits (ETH and a token), locks (unpaid and
/// paid), answers, settlements, refutations, rejections, revocation, releases, slashes, cancellations, unbonding,
/// credit withdrawals and time. Two nodes: node 1 (operated by this contract, which also publishes model 1) claims
/// whatever it likes and proves it only sometimes; node 2 (operated by {OTHER_OPERATOR}) is honest: it settles every
/// claim in the call that makes it.
contract BondHandler is BondFixture {
    struct Claim {
        Answer answer;
        uint256 key;
        uint32 nodeId;
        bool answered;
        /// @dev Successful `slash` calls on this id: at most one.
        uint256 slashes;
    }

    uint256 internal constant MAX_CLAIMS = 24;
    address internal constant ETH_SINK = address(0xE75);
    address internal constant TOKEN_SINK = address(0x70C);
    address internal constant HEIR = address(0x4E1E);

    /// @notice Every account that can hold slash credit: the actors who refute and slash, the requester and the fee
    /// destination.
    address[] public creditors;
    bytes32[] public ids;
    mapping(bytes32 inferenceId => Claim claim) internal _claims;
    /// @notice What the honest node's operator (and anyone for it) deposited, and what it withdrew, per asset.
    mapping(address asset => uint256 amount) public honestDeposited;
    mapping(address asset => uint256 amount) public honestWithdrawn;
    bool public artifactRevoked;
    /// @notice Answers above Vanilla that the ledger took without a lock. Must stay 0.
    uint256 public unbondedAnswers;
    /// @notice Locks node 1 got back after revoking its own artifact under the claim. Must stay 0.
    uint256 public selfRevocationReleases;
    /// @notice Coverage: how many calls of each kind did something.
    uint256 public honestClaims;
    uint256 public locks;
    uint256 public releases;
    uint256 public slashes;
    uint256 public refutations;
    uint256 public selfRevokedSlashes;
    uint256 public cancels;
    uint256 public withdrawals;

    constructor() {
        _deployBonds();
        creditors = [address(0xAC71), address(0xAC72), address(0xAC73), REQUESTER, FEE_SINK];
        _depositToken(NODE, 1_000e6);
        _depositEth(OTHER_NODE, 10 ether);
        _depositToken(OTHER_NODE, 1_000e6);
        honestDeposited[ETH] = 10 ether;
        honestDeposited[address(usdc)] = 1_000e6;
    }

    function contracts() external view returns (BondVault, InferenceLedger, InferenceEscrow, TestUSDC) {
        return (bonds, ledger, escrow, usdc);
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function creditorCount() external view returns (uint256) {
        return creditors.length;
    }

    function claimOf(bytes32 inferenceId) external view returns (Claim memory) {
        return _claims[inferenceId];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Bonds
    // ---------------------------------------------------------------------------------------------------------------

    function deposit(bool honest, bool eth, uint256 amountSeed) external {
        uint32 nodeId = honest ? OTHER_NODE : NODE;
        uint256 amount = bound(amountSeed, 1, eth ? 5 ether : 500e6);
        if (eth) _depositEth(nodeId, amount);
        else _depositToken(nodeId, amount);
        if (honest) honestDeposited[eth ? ETH : address(usdc)] += amount;
    }

    /// @notice Either node's operator starts unbonding (op 0), cancels it (op 1), or withdraws whatever has unbonded
    /// in any asset of either node (op 2).
    function unbond(bool honest, bool eth, uint256 amountSeed, uint8 op) external {
        uint32 nodeId = honest ? OTHER_NODE : NODE;
        address asset = eth ? ETH : address(usdc);
        op %= 3;
        if (op == 0) {
            uint256 free = bonds.bondOf(nodeId, asset).free;
            if (free == 0) return;
            vm.prank(_operator(nodeId));
            bonds.beginUnbonding(nodeId, asset, bound(amountSeed, 1, free));
        } else if (op == 1) {
            vm.prank(_operator(nodeId));
            try bonds.cancelUnbonding(nodeId, asset) {} catch {} // solhint-disable-line no-empty-blocks
        } else {
            for (uint256 i = 0; i < 4; ++i) _withdrawUnbonded(i < 2 ? OTHER_NODE : NODE, i % 2 == 0);
        }
    }

    function withdrawCredit(uint256 accountSeed, bool eth) external {
        vm.prank(creditors[accountSeed % creditors.length]);
        try bonds.withdrawCredit(eth ? ETH : address(usdc), eth ? ETH_SINK : TOKEN_SINK) {} catch {} // solhint-disable-line no-empty-blocks
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Claims
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice Locks for a new inference of either node, unpaid (kind 0) or paying an escrow request in ETH (1) or the
    /// token (2). The honest node answers and settles it at once; node 1 answers it at once (claiming TEE, or ZKML on
    /// a local route, which nothing here can prove) unless `later`, when it is left to {answer} or {cancelLock}.
    function lockClaim(
        bool honest,
        uint8 kind,
        uint256 priceSeed,
        uint8 multipleSeed,
        bool proxy,
        bool later
    ) external {
        if (ids.length >= MAX_CLAIMS) return;
        // Nothing can be asked or answered on a revoked artifact.
        if (artifactRevoked) proxy = true;
        uint256 key = honest ? OTHER_KEY : NODE_KEY;
        uint32 nodeId = honest ? OTHER_NODE : NODE;
        Answer memory answer_ = _unpaid(key, string(abi.encode("bond invariant", ids.length)), VerificationLevel.TEE);
        if (proxy) answer_.route = Route.Proxy;
        kind %= 3;
        if (kind != 0) {
            bool eth = kind == 1;
            uint256 price = bound(priceSeed, 1, eth ? 2 ether : 200e6);
            // Safe: below 7.
            uint256 requestId = _openRequest(
                eth ? ETH : address(usdc),
                price,
                nodeId,
                uint16(multipleSeed % 7),
                answer_.route
            );
            answer_.inputCommitment = openedRequests[requestId].inputCommitment;
            answer_.paymentRef = escrow.requestRef(requestId);
        }
        vm.prank(_operator(nodeId));
        if (!_tryLockFor(answer_)) return; // not enough free bond
        ++locks;
        ids.push(answer_.inferenceId);
        Claim storage claim = _claims[answer_.inferenceId];
        claim.answer = answer_;
        claim.key = key;
        claim.nodeId = nodeId;
        if (honest) {
            _record(key, answer_);
            ledger.settleTee(
                answer_.inferenceId,
                _attestation(_enclaveKey(answer_), answer_, answer_.outputCommitment)
            );
            claim.answered = true;
            ++honestClaims;
        } else if (!later) {
            _answer(claim, priceSeed % 2 == 0);
        }
    }

    /// @notice Node 1 answers one of its locked inferences, or (when `unbonded`) tries to answer above Vanilla with no
    /// lock at all.
    function answer(uint256 idSeed, bool zkml, bool unbonded) external {
        if (unbonded) {
            Answer memory answer_ = _unpaid(NODE_KEY, string(abi.encode("unbonded", idSeed)), VerificationLevel.TEE);
            if (zkml) answer_.claimed = VerificationLevel.ZKML;
            if (bonds.lockOf(answer_.inferenceId).status != IBondVault.LockStatus.None) return;
            try ledger.answer(answer_, _sign(NODE_KEY, ledger.answerTypedDataHash(answer_))) {
                ++unbondedAnswers;
            } catch {} // solhint-disable-line no-empty-blocks
            return;
        }
        if (ids.length == 0) return;
        Claim storage claim = _claims[ids[idSeed % ids.length]];
        if (claim.answered || claim.nodeId != NODE) return;
        if (bonds.lockOf(claim.answer.inferenceId).status != IBondVault.LockStatus.Locked) return;
        _answer(claim, zkml);
    }

    function settle(uint256 idSeed) external {
        if (ids.length == 0) return;
        Answer memory answer_ = _claims[ids[idSeed % ids.length]].answer;
        try
            ledger.settleTee(answer_.inferenceId, _attestation(_enclaveKey(answer_), answer_, answer_.outputCommitment))
        {} catch {} // solhint-disable-line no-empty-blocks
    }

    function refute(uint256 idSeed, uint256 actorSeed) external {
        if (ids.length == 0) return;
        Answer memory answer_ = _claims[ids[idSeed % ids.length]].answer;
        bytes32 other = keccak256(abi.encode("another output", answer_.inferenceId));
        bytes memory signature = _attestation(_enclaveKey(answer_), answer_, other);
        vm.prank(creditors[actorSeed % 3]);
        try
            ledger.refuteTee(
                answer_.inferenceId,
                answer_.inputCommitment,
                answer_.outputCommitment,
                answer_.paymentRef,
                other,
                signature
            )
        {
            ++refutations;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    /// @notice Anyone rejects a record past its deadline, or (`revoked`) one whose artifact was revoked under it.
    function reject(uint256 idSeed, bool revoked) external {
        if (ids.length == 0) return;
        bytes32 inferenceId = ids[idSeed % ids.length];
        if (revoked) {
            try ledger.rejectRevoked(inferenceId) {} catch {} // solhint-disable-line no-empty-blocks
        } else {
            try ledger.reject(inferenceId) {} catch {} // solhint-disable-line no-empty-blocks
        }
    }

    /// @notice Node 1's operator, which publishes model 1, revokes artifact 1 under one of its pending claims
    /// (`idSeed`), has the record rejected as revoked (and, one time in two, hands the model to a fresh account) and
    /// asks for its lock back: the self-revocation attack. Once, and one call in two acts: afterwards every claim goes
    /// through the proxy route.
    function revokeArtifact(uint256 idSeed) external {
        if (artifactRevoked || idSeed % 2 != 0 || ids.length == 0) return;
        Claim storage claim = _claims[ids[idSeed % ids.length]];
        if (claim.nodeId != NODE || claim.answer.route != Route.Local) return;
        if (ledger.stateOf(claim.answer.inferenceId) != RecordState.Answered) return;
        registry.revokeArtifact(1, RevocationReason.Compromised);
        artifactRevoked = true;
        bytes32 inferenceId = claim.answer.inferenceId;
        try ledger.rejectRevoked(inferenceId) {} catch {} // solhint-disable-line no-empty-blocks
        if (idSeed % 4 == 0) {
            // And hands the model to a fresh account first, so that it no longer publishes it.
            registry.transferPublisher(1, HEIR);
            vm.prank(HEIR);
            registry.acceptPublisher(1);
        }
        try bonds.release(inferenceId) {
            ++selfRevocationReleases;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Locks
    // ---------------------------------------------------------------------------------------------------------------

    function release(uint256 idSeed, uint256 actorSeed) external {
        if (ids.length == 0) return;
        vm.prank(creditors[actorSeed % creditors.length]);
        try bonds.release(ids[idSeed % ids.length]) {
            ++releases;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function slash(uint256 idSeed, uint256 actorSeed) external {
        if (ids.length == 0) return;
        bytes32 inferenceId = ids[idSeed % ids.length];
        // A slasher that finds a claim past its deadline, or revoked under it, has it rejected first (anyone may).
        try ledger.reject(inferenceId) {} catch {} // solhint-disable-line no-empty-blocks
        try ledger.rejectRevoked(inferenceId) {} catch {} // solhint-disable-line no-empty-blocks
        Answer memory answer_ = _claims[inferenceId].answer;
        vm.prank(creditors[actorSeed % 3]);
        if (_trySlashFor(answer_)) {
            ++_claims[inferenceId].slashes;
            ++slashes;
            (, IInferenceLedger.RejectionReason reason, ) = ledger.outcomeOf(inferenceId);
            if (reason == IInferenceLedger.RejectionReason.ArtifactRevoked) ++selfRevokedSlashes;
        }
    }

    function cancelLock(uint256 idSeed) external {
        if (ids.length == 0) return;
        Claim storage claim = _claims[ids[idSeed % ids.length]];
        vm.prank(_operator(claim.nodeId));
        try bonds.cancelLock(claim.answer.inferenceId) {
            ++cancels;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    /// @dev Half the steps stay inside the windows; a quarter pass the settlement deadlines, a quarter the unbonding
    /// period. The enclaves keep beating.
    function warp(uint256 seconds_) external {
        uint256 mode = seconds_ % 4;
        uint256 step =
            mode == 0
                ? bound(seconds_, SETTLEMENT_WINDOW, 2 * SETTLEMENT_WINDOW)
                : mode == 1
                    ? bound(seconds_, UNBONDING_PERIOD, 2 * UNBONDING_PERIOD)
                    : bound(seconds_, 1, HEARTBEAT_TTL / 2);
        vm.warp(block.timestamp + step);
        _beat(ENCLAVE_KEY);
        _beat(PROXY_ENCLAVE_KEY);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev Node 1 records `claim`'s answer, claiming ZKML when `zkml` and the route allows it.
    function _answer(Claim storage claim, bool zkml) private {
        Answer memory answer_ = claim.answer;
        if (zkml && answer_.route == Route.Local) answer_.claimed = VerificationLevel.ZKML;
        try ledger.answer(answer_, _sign(NODE_KEY, ledger.answerTypedDataHash(answer_))) {
            claim.answer = answer_;
            claim.answered = true;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function _withdrawUnbonded(uint32 nodeId, bool eth) private {
        address asset = eth ? ETH : address(usdc);
        uint256 amount = bonds.bondOf(nodeId, asset).unbonding;
        vm.prank(_operator(nodeId));
        try bonds.withdrawUnbonded(nodeId, asset, eth ? ETH_SINK : TOKEN_SINK) {
            if (nodeId == OTHER_NODE) honestWithdrawn[asset] += amount;
            ++withdrawals;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function _operator(uint32 nodeId) private view returns (address) {
        return nodeId == NODE ? address(this) : OTHER_OPERATOR;
    }

    function _enclaveKey(Answer memory answer_) private pure returns (uint256) {
        return answer_.route == Route.Local ? ENCLAVE_KEY : PROXY_ENCLAVE_KEY;
    }
}

/// @notice After any sequence of the handler's actions: the vault holds exactly what it owes in each asset, every
/// pending claim above Vanilla is covered by a live lock of its node, no lock is slashed twice or for anything but an
/// overclaim, and the honest node has lost nothing.
contract BondVaultInvariantTest is BondFixture {
    BondHandler internal handler;

    function setUp() public {
        handler = BondHandler(_deployArtifact("BondVault.invariant.t.sol:BondHandler", ""));
        (bonds, ledger, escrow, usdc) = handler.contracts();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory selectors) {
        bytes4[] memory fns = new bytes4[](13);
        fns[0] = BondHandler.deposit.selector;
        fns[1] = BondHandler.unbond.selector;
        fns[2] = BondHandler.withdrawCredit.selector;
        fns[3] = BondHandler.lockClaim.selector;
        fns[4] = BondHandler.answer.selector;
        fns[5] = BondHandler.settle.selector;
        fns[6] = BondHandler.refute.selector;
        fns[7] = BondHandler.reject.selector;
        fns[8] = BondHandler.revokeArtifact.selector;
        fns[9] = BondHandler.release.selector;
        fns[10] = BondHandler.slash.selector;
        fns[11] = BondHandler.cancelLock.selector;
        fns[12] = BondHandler.warp.selector;
        selectors = new FuzzSelector[](1);
        selectors[0] = FuzzSelector({addr: address(handler), selectors: fns});
    }

    /// @notice (a) For each asset, the vault's balance is the sum over nodes of free, locked and unbonding bond plus
    /// the slash credits not yet withdrawn; and each node's locked bond is the sum of its live locks.
    function invariant_balanceIsWhatIsOwed() public view {
        _assertOwed(ETH, address(bonds).balance);
        _assertOwed(address(usdc), usdc.balanceOf(address(bonds)));
        uint256[4] memory locked; // node 1 ETH, node 1 token, node 2 ETH, node 2 token
        uint256 n = handler.idCount();
        for (uint256 i = 0; i < n; ++i) {
            IBondVault.Lock memory lock_ = bonds.lockOf(handler.ids(i));
            if (lock_.status == IBondVault.LockStatus.Locked) {
                locked[(lock_.nodeId - 1) * 2 + lock_.assetIndex] += lock_.amount;
            }
        }
        vm.assertEq(bonds.bondOf(NODE, ETH).locked, locked[0], "node 1's locked ETH is not its live locks");
        vm.assertEq(bonds.bondOf(NODE, address(usdc)).locked, locked[1], "node 1's locked tokens");
        vm.assertEq(bonds.bondOf(OTHER_NODE, ETH).locked, locked[2], "node 2's locked ETH is not its live locks");
        vm.assertEq(bonds.bondOf(OTHER_NODE, address(usdc)).locked, locked[3], "node 2's locked tokens");
    }

    /// @notice (b) Every claim above Vanilla on the ledger was bonded: while it is pending its node's lock is live,
    /// and afterwards the lock was released or slashed, never cancelled. Nothing was answered above Vanilla unbonded.
    function invariant_everyPendingClaimIsCovered() public view {
        vm.assertEq(handler.unbondedAnswers(), 0, "the ledger took a claim above Vanilla without a lock");
        uint256 n = handler.idCount();
        for (uint256 i = 0; i < n; ++i) {
            bytes32 inferenceId = handler.ids(i);
            IBondVault.Lock memory lock_ = bonds.lockOf(inferenceId);
            (RecordState state, , ) = ledger.outcomeOf(inferenceId);
            if (state == RecordState.None) {
                vm.assertTrue(lock_.status != IBondVault.LockStatus.Released, "released before an answer");
                vm.assertTrue(lock_.status != IBondVault.LockStatus.Slashed, "slashed before an answer");
                continue;
            }
            vm.assertEq(lock_.nodeId, ledger.getRecord(inferenceId).nodeId, "the lock is not its record's node's");
            vm.assertTrue(lock_.status != IBondVault.LockStatus.Cancelled, "an answered claim's lock was cancelled");
            if (state == RecordState.Answered) {
                vm.assertEq(
                    uint256(lock_.status),
                    uint256(IBondVault.LockStatus.Locked),
                    "a pending claim above Vanilla has no live lock"
                );
            }
        }
    }

    /// @notice (c) A lock is slashed at most once, and only for a record rejected for overclaiming: a missed
    /// deadline, a refutation, or a revocation by the node's own operator (node 1's, which publishes model 1). A lock
    /// is released only for a settled record or one whose artifact someone else revoked.
    function invariant_slashedOnceAndOnlyForOverclaiming() public view {
        vm.assertEq(handler.selfRevocationReleases(), 0, "a node revoked its own artifact and got its lock back");
        uint256 n = handler.idCount();
        for (uint256 i = 0; i < n; ++i) {
            bytes32 inferenceId = handler.ids(i);
            BondHandler.Claim memory claim = handler.claimOf(inferenceId);
            IBondVault.LockStatus status = bonds.lockOf(inferenceId).status;
            vm.assertLe(claim.slashes, 1, "a lock was slashed twice");
            vm.assertEq(claim.slashes == 1, status == IBondVault.LockStatus.Slashed, "slash count and status differ");
            (RecordState state, IInferenceLedger.RejectionReason reason, ) = ledger.outcomeOf(inferenceId);
            if (status == IBondVault.LockStatus.Slashed) {
                vm.assertEq(uint256(state), uint256(RecordState.Rejected), "slashed a record that is not rejected");
                vm.assertTrue(
                    reason != IInferenceLedger.RejectionReason.ArtifactRevoked || claim.nodeId == NODE,
                    "slashed a record whose artifact someone else revoked"
                );
            } else if (status == IBondVault.LockStatus.Released) {
                vm.assertTrue(
                    state == RecordState.Settled ||
                        (state == RecordState.Rejected &&
                            reason == IInferenceLedger.RejectionReason.ArtifactRevoked &&
                            claim.nodeId != NODE),
                    "released a lock of an overclaim"
                );
            }
        }
    }

    /// @notice (d) The honest node, which settles every claim in time, never ends with less bond than it deposited
    /// minus what it withdrew, in any asset; and none of its locks was slashed.
    function invariant_honestNodeLosesNothing() public view {
        for (uint256 a = 0; a < 2; ++a) {
            address asset = a == 0 ? ETH : address(usdc);
            IBondVault.Bond memory bond = bonds.bondOf(OTHER_NODE, asset);
            uint256 total = uint256(bond.free) + bond.locked + bond.unbonding;
            vm.assertGe(
                total + handler.honestWithdrawn(asset),
                handler.honestDeposited(asset),
                "the honest node lost bond"
            );
            vm.assertEq(
                total + handler.honestWithdrawn(asset),
                handler.honestDeposited(asset),
                "the honest node's bond changed other than by deposits and withdrawals"
            );
        }
        uint256 n = handler.idCount();
        for (uint256 i = 0; i < n; ++i) {
            bytes32 inferenceId = handler.ids(i);
            if (handler.claimOf(inferenceId).nodeId != OTHER_NODE) continue;
            vm.assertTrue(
                bonds.lockOf(inferenceId).status != IBondVault.LockStatus.Slashed,
                "an honest claim was slashed"
            );
        }
    }

    /// @dev The vault's `balance` of `asset` equals both nodes' bonds plus every creditor's credit.
    function _assertOwed(address asset, uint256 balance) private view {
        uint256 owed;
        for (uint32 nodeId = NODE; nodeId <= OTHER_NODE; ++nodeId) {
            IBondVault.Bond memory bond = bonds.bondOf(nodeId, asset);
            owed += uint256(bond.free) + bond.locked + bond.unbonding;
        }
        uint256 count = handler.creditorCount();
        for (uint256 i = 0; i < count; ++i) owed += bonds.creditOf(handler.creditors(i), asset);
        vm.assertEq(
            balance,
            owed,
            asset == ETH ? "ETH balance is not what is owed" : "token balance is not what is owed"
        );
    }
}
