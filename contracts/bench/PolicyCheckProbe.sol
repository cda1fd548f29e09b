// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InferenceConsumer} from "../consumer/InferenceConsumer.sol";
import {Allowlists, Policy} from "../interfaces/IInferenceConsumer.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {AnswerCommitments, AttestedInput, OutputPart} from "../types/CommitmentTypes.sol";

/// @title PolicyCheckProbe
/// @notice Measuring harness of the gas benchmark (scripts/bench.ts), never deployed: a consumer with any policy
/// whose one function runs the policy check and returns the gas the check took inside the consumer. That is the
/// overhead the check adds to a consumer's own function: the cold ledger call, the record read, the commitment and
/// output-part hashing and every policy condition. It leaves out what any function pays anyway: the transaction,
/// the consumer's selector dispatch and reading its own arguments.
contract PolicyCheckProbe is InferenceConsumer {
    /// @param ledger The Proofline ledger to read.
    /// @param policy_ The policy to measure.
    /// @param lists The lists the policy draws on, as {InferenceConsumer} takes them.
    constructor(
        IInferenceLedger ledger,
        Policy memory policy_,
        Allowlists memory lists
    ) InferenceConsumer(ledger, policy_, lists) {}

    /// @notice The gas {InferenceConsumer._check} takes on these arguments; reverts as the check does.
    function measureCheck(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof
    ) external view returns (uint256 gasUsed) {
        uint256 before = gasleft();
        _check(inferenceId, commitments, part, proof);
        gasUsed = before - gasleft();
    }

    /// @notice The gas {InferenceConsumer._check} with an attested input part takes on these arguments.
    function measureCheckWithInput(
        bytes32 inferenceId,
        AnswerCommitments calldata commitments,
        OutputPart calldata part,
        bytes32[] calldata proof,
        AttestedInput calldata input
    ) external view returns (uint256 gasUsed) {
        uint256 before = gasleft();
        _check(inferenceId, commitments, part, proof, input);
        gasUsed = before - gasleft();
    }
}
