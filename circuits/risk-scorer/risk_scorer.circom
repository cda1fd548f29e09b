pragma circom 2.1.0;

include "risk_scorer_parts.circom";

// A risk scorer proven in zero knowledge, one inference per proof: a two-layer perceptron over F integer features with
// H ReLU hidden units and one output, scaled down by 2^SHIFT and clipped to [0, 1000] (the parts, and every range,
// in risk_scorer_parts.circom). See README.md in this folder for the units, the commitments, and how the public
// signals tie a proof to one ledger record.
//
// Public signals, in the Proofline ZKML layout (docs/HASHING.md, "ZKML public signals"):
//   0 modelCommitment  Poseidon commitment to the weights: the artifact's zkCommitment in the model registry
//   1 inputHash        Poseidon commitment to the input: Poseidon(inputSalt, subject, features...)
//   2 binding          keccak256(abi.encode(chainId, ledger, inferenceId)) mod r: the record the proof is for
//   3 subject          the borrower the score is about (an address, 160 bits); output word 0
//   4 score            the model's output in [0, 1000]; output word 1
template RiskScorer(F, H, SHIFT) {
    signal input modelCommitment;
    signal input inputHash;
    signal input binding;
    signal input subject;
    signal input score;

    // Private: the model.
    signal input w1[H][F];
    signal input b1[H];
    signal input w2[H];
    signal input b2;
    signal input modelSalt;
    // Private: the input.
    signal input features[F];
    signal input inputSalt;

    component model = ModelCommitment(F, H);
    component run = RiskScore(F, H, SHIFT);
    for (var j = 0; j < H; j++) {
        for (var k = 0; k < F; k++) {
            model.w1[j][k] <== w1[j][k];
            run.w1[j][k] <== w1[j][k];
        }
        model.b1[j] <== b1[j];
        run.b1[j] <== b1[j];
        model.w2[j] <== w2[j];
        run.w2[j] <== w2[j];
    }
    model.b2 <== b2;
    run.b2 <== b2;
    model.modelSalt <== modelSalt;
    modelCommitment === model.out;

    run.subject <== subject;
    for (var k = 0; k < F; k++) {
        run.features[k] <== features[k];
    }
    run.inputSalt <== inputSalt;
    inputHash === run.inputHash;
    score === run.score;

    component bound = Bound();
    bound.binding <== binding;
}

component main {public [modelCommitment, inputHash, binding, subject, score]} = RiskScorer(4, 3, 16);
