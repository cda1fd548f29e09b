// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice How strongly an inference was proven, in increasing order.
/// @dev Vanilla: an EIP-712 signature by a registered node key (proves who answered, not that the answer is right).
/// TEE: a signature by an enclave key whose code measurement is approved (proves the approved code produced it).
/// ZKML: a zero-knowledge proof that the committed model on the committed input gives the committed output.
enum VerificationLevel {
    None,
    Vanilla,
    TEE,
    ZKML
}

/// @notice How the answer was produced: by running a registered model artifact, or by proxying a named provider.
/// @dev A Proxy route never names a registry artifact, so it can never satisfy a policy that pins artifacts.
enum Route {
    Local,
    Proxy
}

/// @notice Life cycle of an inference record. Answered and Settled are different states on purpose.
enum RecordState {
    None,
    Answered,
    Settled,
    Rejected
}

/// @notice What a node signs (EIP-712 type `Answer`, see `InferenceLedger.ANSWER_TYPEHASH`) to answer an inference.
/// @param inferenceId The record's id; one record per id, ever. Its first 20 bytes are the answering node key's
/// address (the other 12 are the node's to choose), so the id names its node.
/// @param route Local (subject is a registry artifact id) or Proxy (subject is a provider id).
/// @param subject The artifact id or provider id.
/// @param claimed The level the node claims the answer will reach.
/// @param inputCommitment Commitment to the named input parts.
/// @param outputCommitment Merkle root over every output part.
/// @param paymentRef What paid for it (e.g. an x402 settlement transaction hash, or an escrow request id).
struct Answer {
    bytes32 inferenceId;
    Route route;
    uint64 subject;
    VerificationLevel claimed;
    bytes32 inputCommitment;
    bytes32 outputCommitment;
    bytes32 paymentRef;
}

/// @notice What a consumer policy checks about a record, as {IInferenceLedger.inspect} returns it.
/// @param state The state now: a Vanilla claim whose challenge window passed unrefuted reads `Settled`.
/// @param achieved The level proven so far.
/// @param route Local or Proxy.
/// @param subject The artifact id (Local) or provider id (Proxy).
/// @param answeredAt When the answer was recorded.
/// @param answerDigest `keccak256(abi.encode(input, output, paymentRef))` of the answer's commitments.
struct RecordStatus {
    RecordState state;
    VerificationLevel achieved;
    Route route;
    uint64 subject;
    uint40 answeredAt;
    bytes32 answerDigest;
}

/// @notice The record of an inference, as {IInferenceLedger.getRecord} returns it.
/// @dev A view of two storage slots: the answer digest under the inference id, and every other field packed into one
/// `PackedRecord` word (layout and packing in `RecordLib`) under the inference id and the digest, so a caller holding
/// the commitments finds the record with one read ({IInferenceLedger.lookupByDigest}). The commitments are stored as
/// one digest, `keccak256(abi.encode(input, output, paymentRef))`; their values are in the
/// {IInferenceLedger.Answered} event and are passed back in calldata where a check needs them.
struct InferenceRecord {
    uint64 subject;
    uint32 nodeId;
    uint40 answeredAt;
    uint40 settledAt;
    uint32 round;
    Route route;
    VerificationLevel claimed;
    VerificationLevel achieved;
    RecordState state;
    bytes32 answerDigest;
}
