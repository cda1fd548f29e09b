// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InferenceLedger} from "../../contracts/ledger/InferenceLedger.sol";
import {AttesterRegistry} from "../../contracts/verification/AttesterRegistry.sol";
import {
    Answer,
    InferenceRecord,
    RecordState,
    RecordStatus,
    Route,
    VerificationLevel
} from "../../contracts/types/InferenceTypes.sol";
import {FuzzSelector} from "../utils/ProoflineTest.sol";
import {LedgerFixture} from "../utils/LedgerFixture.sol";

/// @notice Drives a real ledger through random answer / settle / refute / finalize / reject / revoke / disable /
/// heartbeat / time sequences, keeping what each successful call should have done as ghost state.
contract LedgerHandler is LedgerFixture {
    struct Ghost {
        Answer answer;
        bool attested;
        RecordState terminal;
    }

    bytes32[] public ids;
    mapping(bytes32 inferenceId => Ghost ghost) internal ghosts;
    bool public measurementRevoked;
    bool[2] public enclaveDisabled;
    uint40[2] public lastBeat;
    /// @notice Settlements or refutations that succeeded although the enclave could not attest. Must stay 0.
    uint256 public forbiddenAttestations;
    uint256 public settlements;
    uint256 public rejections;
    /// @notice Copies of another node's answer recorded under the original id. Must stay 0.
    uint256 public copiesRecordedUnderTheOriginalId;

    /// @dev A second registered node that copies answers it sees.
    uint256 internal constant COPIER_KEY = 0xC0C0;

    constructor() {
        _deployLedger();
        _registerNode(COPIER_KEY);
        vm.deal(address(this), NODE_BOND);
        bonds.deposit{value: NODE_BOND}(2, address(0), NODE_BOND);
        lastBeat = [uint40(block.timestamp), uint40(block.timestamp)];
    }

    function deployedLedger() external view returns (InferenceLedger) {
        return ledger;
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function ghostOf(bytes32 inferenceId) external view returns (Ghost memory) {
        return ghosts[inferenceId];
    }

    function answer(uint8 claimSeed, uint8 subjectSeed, bool proxy, bytes32 output) external {
        if (ids.length >= 24) return;
        bytes32 inferenceId = _nodeInferenceId(NODE_KEY, keccak256(abi.encode("invariant", ids.length)));
        Route route = proxy ? Route.Proxy : Route.Local;
        // Proxy routes may claim Vanilla or TEE; local routes any level, including ZKML nobody can prove yet.
        VerificationLevel claimed = VerificationLevel(1 + (claimSeed % (proxy ? 2 : 3)));
        uint64 subject = proxy ? 1 : 1 + (subjectSeed % 2);
        Answer memory answer_ = _makeAnswer(inferenceId, route, subject, claimed, output);
        _submit(answer_);
        ids.push(inferenceId);
        ghosts[inferenceId].answer = answer_;
    }

    /// @dev The copier takes a recorded answer and records it first under the original id (which must fail), then under
    /// an id of its own (a record of its own, which the other actions then drive like any other).
    function copy(uint256 idSeed) external {
        if (ids.length == 0 || ids.length >= 24) return;
        Answer memory copied = ghosts[ids[idSeed % ids.length]].answer;
        try ledger.answer(copied, _sign(COPIER_KEY, ledger.answerTypedDataHash(copied))) {
            ++copiesRecordedUnderTheOriginalId;
        } catch {} // solhint-disable-line no-empty-blocks
        copied.inferenceId = _nodeInferenceId(COPIER_KEY, copied.inferenceId);
        if (ghosts[copied.inferenceId].answer.inferenceId != bytes32(0)) return;
        // The copier's own record is bonded like any other (this contract operates its node).
        if (copied.claimed != VerificationLevel.Vanilla) bonds.lock(copied.inferenceId, copied.paymentRef);
        ledger.answer(copied, _sign(COPIER_KEY, ledger.answerTypedDataHash(copied)));
        ids.push(copied.inferenceId);
        ghosts[copied.inferenceId].answer = copied;
    }

    /// @param mode 0: the enclave of the other route signs; 1: the right enclave signs another output; otherwise
    /// the enclave of the record's route signs the recorded output.
    function settle(uint256 idSeed, uint8 mode) external {
        if (ids.length == 0) return;
        Ghost storage ghost = ghosts[ids[idSeed % ids.length]];
        Answer memory answer_ = ghost.answer;
        bool honest = mode % 4 != 1;
        bool useProxyEnclave = (answer_.route == Route.Proxy) != (mode % 4 == 0);
        uint256 key = useProxyEnclave ? PROXY_ENCLAVE_KEY : ENCLAVE_KEY;
        bytes memory signature = _attestation(key, answer_, honest ? answer_.outputCommitment : keccak256("lie"));
        try ledger.settleTee(answer_.inferenceId, signature) {
            ++settlements;
            if (!honest || !_canAttest(useProxyEnclave ? 1 : 0, answer_)) ++forbiddenAttestations;
            ghost.attested = true;
            if (answer_.claimed <= VerificationLevel.TEE) ghost.terminal = RecordState.Settled;
        } catch {}
    }

    function refute(uint256 idSeed, bool useProxyEnclave) external {
        if (ids.length == 0) return;
        Ghost storage ghost = ghosts[ids[idSeed % ids.length]];
        Answer memory answer_ = ghost.answer;
        bytes32 other = keccak256(abi.encode("other", answer_.outputCommitment));
        bytes memory signature = _attestation(useProxyEnclave ? PROXY_ENCLAVE_KEY : ENCLAVE_KEY, answer_, other);
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
            ++rejections;
            if (!_canAttest(useProxyEnclave ? 1 : 0, answer_)) ++forbiddenAttestations;
            ghost.terminal = RecordState.Rejected;
        } catch {}
    }

    function finalize(uint256 idSeed) external {
        if (ids.length == 0) return;
        bytes32 inferenceId = ids[idSeed % ids.length];
        try ledger.finalize(inferenceId) {
            ghosts[inferenceId].terminal = RecordState.Settled;
        } catch {}
    }

    function reject(uint256 idSeed) external {
        if (ids.length == 0) return;
        bytes32 inferenceId = ids[idSeed % ids.length];
        try ledger.reject(inferenceId) {
            ++rejections;
            ghosts[inferenceId].terminal = RecordState.Rejected;
        } catch {}
    }

    /// @dev Rare on purpose (one call in eight acts): after it nothing can settle.
    function revokeMeasurement(uint8 seed) external {
        if (measurementRevoked || seed % 8 != 0) return;
        attesters.revokeMeasurement(MEASUREMENT);
        measurementRevoked = true;
    }

    /// @dev Rare on purpose (one call in four acts).
    function disableEnclave(bool proxyEnclave, uint8 seed) external {
        uint256 which = proxyEnclave ? 1 : 0;
        if (enclaveDisabled[which] || seed % 4 != 0) return;
        attesters.disableEnclave(vm.addr(proxyEnclave ? PROXY_ENCLAVE_KEY : ENCLAVE_KEY));
        enclaveDisabled[which] = true;
    }

    function heartbeat(bool proxyEnclave) external {
        uint256 which = proxyEnclave ? 1 : 0;
        if (enclaveDisabled[which]) return;
        _beat(proxyEnclave ? PROXY_ENCLAVE_KEY : ENCLAVE_KEY);
        lastBeat[which] = uint40(block.timestamp);
    }

    /// @dev Mostly steps inside the windows; one step in eight jumps past every deadline.
    function warp(uint256 seconds_) external {
        uint256 limit = seconds_ % 8 == 0 ? 2 * SETTLEMENT_WINDOW : HEARTBEAT_TTL / 2;
        vm.warp(block.timestamp + bound(seconds_, 1, limit));
    }

    /// @dev Whether enclave `which` (0 local artifact 1, 1 proxy provider 1) may attest `answer_` now.
    function _canAttest(uint256 which, Answer memory answer_) private view returns (bool) {
        bool bound_ =
            which == 0
                ? answer_.route == Route.Local && answer_.subject == 1
                : answer_.route == Route.Proxy && answer_.subject == 1;
        return
            bound_ &&
            !measurementRevoked &&
            !enclaveDisabled[which] &&
            block.timestamp <= uint256(lastBeat[which]) + HEARTBEAT_TTL;
    }
}

/// @notice The ledger's state machine holds under any sequence of actions.
contract InferenceLedgerInvariantTest is LedgerFixture {
    LedgerHandler internal handler;

    function setUp() public {
        handler = LedgerHandler(_deployArtifact("InferenceLedger.invariant.t.sol:LedgerHandler", ""));
        ledger = handler.deployedLedger();
        attesters = AttesterRegistry(ledger.attesterRegistry());
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory selectors) {
        bytes4[] memory fns = new bytes4[](10);
        fns[0] = LedgerHandler.answer.selector;
        fns[1] = LedgerHandler.settle.selector;
        fns[2] = LedgerHandler.refute.selector;
        fns[3] = LedgerHandler.finalize.selector;
        fns[4] = LedgerHandler.reject.selector;
        fns[5] = LedgerHandler.revokeMeasurement.selector;
        fns[6] = LedgerHandler.disableEnclave.selector;
        fns[7] = LedgerHandler.heartbeat.selector;
        fns[8] = LedgerHandler.warp.selector;
        fns[9] = LedgerHandler.copy.selector;
        selectors = new FuzzSelector[](1);
        selectors[0] = FuzzSelector({addr: address(handler), selectors: fns});
    }

    /// @notice Records never change what was answered; achieved is what was proven; final states stay final;
    /// settled means the claim was reached; nothing attests through a revoked, disabled, stale or unbound enclave.
    function invariant_stateMachine() public view {
        vm.assertEq(handler.forbiddenAttestations(), 0, "an enclave attested when it could not");
        vm.assertEq(handler.copiesRecordedUnderTheOriginalId(), 0, "a copier recorded another node's answer first");
        uint256 n = handler.idCount();
        for (uint256 i = 0; i < n; ++i) {
            bytes32 inferenceId = handler.ids(i);
            LedgerHandler.Ghost memory ghost = handler.ghostOf(inferenceId);
            InferenceRecord memory record = ledger.getRecord(inferenceId);
            Answer memory answer = ghost.answer;

            vm.assertEq(
                record.answerDigest,
                ledger.answerDigest(answer.inputCommitment, answer.outputCommitment, answer.paymentRef),
                "answer changed"
            );
            vm.assertEq(uint256(record.claimed), uint256(answer.claimed), "claim changed");
            vm.assertEq(uint256(record.route), uint256(answer.route), "route changed");
            vm.assertEq(record.subject, answer.subject, "subject changed");

            VerificationLevel proven = ghost.attested ? VerificationLevel.TEE : VerificationLevel.Vanilla;
            vm.assertEq(uint256(record.achieved), uint256(proven), "achieved is not what was proven");

            vm.assertTrue(record.state != RecordState.None, "record vanished");
            _assertAttribution(inferenceId, record);
            if (ghost.terminal != RecordState.None) {
                vm.assertEq(uint256(record.state), uint256(ghost.terminal), "a final state changed");
            } else {
                vm.assertEq(uint256(record.state), uint256(RecordState.Answered), "state moved without a call");
            }
            if (record.state == RecordState.Settled) {
                vm.assertTrue(
                    record.claimed == VerificationLevel.Vanilla || record.achieved >= record.claimed,
                    "settled below its claim"
                );
                vm.assertGt(record.settledAt, 0, "settled without a time");
                vm.assertGt(record.round, 0, "settled without a round");
            } else {
                vm.assertEq(record.settledAt, 0, "a settlement time on a record that never settled");
                vm.assertEq(record.round, 0, "a settlement round on a record that never settled");
            }
            RecordState now_ = ledger.stateOf(inferenceId);
            if (record.state != RecordState.Answered) {
                vm.assertEq(uint256(now_), uint256(record.state), "stateOf disagrees with a final state");
            }
            _assertStatusViews(inferenceId, record, now_);
            _assertSettlement(inferenceId, record, now_);
        }
    }

    /// @dev Who answered is the node the id names, whoever copied what.
    function _assertAttribution(bytes32 inferenceId, InferenceRecord memory record) private view {
        vm.assertEq(
            address(bytes20(inferenceId)),
            attesters.getNode(record.nodeId).key,
            "the record's node is not the one its id names"
        );
    }

    /// @dev `settlementOf` reads the state as `stateOf` does, and the settlement time is a fact about the record: the
    /// end of the challenge window for a Vanilla claim settled by time (written down by `finalize` or not), the stored
    /// time of an attestation otherwise, and 0 while unsettled.
    function _assertSettlement(bytes32 inferenceId, InferenceRecord memory record, RecordState now_) private view {
        (RecordState state, VerificationLevel achieved, uint256 settledAt) = ledger.settlementOf(inferenceId);
        vm.assertEq(uint256(state), uint256(now_), "settlementOf: state");
        vm.assertEq(uint256(achieved), uint256(record.achieved), "settlementOf: achieved");
        if (state != RecordState.Settled) {
            vm.assertEq(settledAt, 0, "settlementOf: a time before settling");
            return;
        }
        vm.assertLe(settledAt, block.timestamp, "settlementOf: settled in the future");
        uint256 windowEnd = uint256(record.answeredAt) + CHALLENGE_WINDOW + 1;
        if (record.state == RecordState.Answered) {
            // Settled by time alone: a Vanilla claim whose window passed, not yet written down.
            vm.assertEq(settledAt, windowEnd, "settlementOf: a Vanilla claim settles when its window ends");
        } else {
            vm.assertEq(settledAt, record.settledAt, "settlementOf: not the stored time");
            if (record.claimed == VerificationLevel.Vanilla && record.achieved == VerificationLevel.Vanilla) {
                vm.assertEq(record.settledAt, windowEnd, "finalize wrote another time than the window's end");
            }
        }
    }

    /// @dev `inspect` and `lookupByDigest` (which unpack the record's slot by hand) agree with `getRecord` and
    /// `stateOf`, in whatever state the sequence left the record; a wrong digest reads as `inspect`.
    function _assertStatusViews(bytes32 inferenceId, InferenceRecord memory record, RecordState now_) private view {
        RecordStatus memory status = ledger.inspect(inferenceId);
        vm.assertEq(uint256(status.state), uint256(now_), "inspect: state");
        vm.assertEq(uint256(status.achieved), uint256(record.achieved), "inspect: achieved");
        vm.assertEq(uint256(status.route), uint256(record.route), "inspect: route");
        vm.assertEq(status.subject, record.subject, "inspect: subject");
        vm.assertEq(status.answeredAt, record.answeredAt, "inspect: answeredAt");
        vm.assertEq(status.answerDigest, record.answerDigest, "inspect: digest");
        vm.assertEq(
            keccak256(abi.encode(ledger.lookupByDigest(inferenceId, record.answerDigest))),
            keccak256(abi.encode(status)),
            "lookupByDigest disagrees with inspect"
        );
        vm.assertEq(
            keccak256(abi.encode(ledger.lookupByDigest(inferenceId, ~record.answerDigest))),
            keccak256(abi.encode(status)),
            "a wrong digest does not read as inspect"
        );
    }
}
