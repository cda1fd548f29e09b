pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";

// A risk scorer proven in zero knowledge: a two-layer perceptron over F integer features with H ReLU hidden units
// and one output, scaled down by 2^SHIFT and clipped to [0, 1000]. See README.md in this folder for the units, the
// commitments, and how the public signals tie a proof to one ledger record.
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

    // --- Ranges. Weights are signed 16-bit, biases signed 32-bit, features unsigned 10-bit. ---------------------
    component w1Range[H][F];
    component b1Range[H];
    component w2Range[H];
    for (var j = 0; j < H; j++) {
        for (var k = 0; k < F; k++) {
            w1Range[j][k] = Num2Bits(16);
            w1Range[j][k].in <== w1[j][k] + (1 << 15);
        }
        b1Range[j] = Num2Bits(32);
        b1Range[j].in <== b1[j] + (1 << 31);
        w2Range[j] = Num2Bits(16);
        w2Range[j].in <== w2[j] + (1 << 15);
    }
    component b2Range = Num2Bits(32);
    b2Range.in <== b2 + (1 << 31);
    component featureRange[F];
    for (var k = 0; k < F; k++) {
        featureRange[k] = Num2Bits(10);
        featureRange[k].in <== features[k];
    }
    component subjectRange = Num2Bits(160);
    subjectRange.in <== subject;

    // --- Commitments. -------------------------------------------------------------------------------------------
    component layer1Hash = Poseidon(H * F);
    for (var j = 0; j < H; j++) {
        for (var k = 0; k < F; k++) {
            layer1Hash.inputs[j * F + k] <== w1[j][k];
        }
    }
    component restHash = Poseidon(2 * H + 2);
    for (var j = 0; j < H; j++) {
        restHash.inputs[j] <== b1[j];
        restHash.inputs[H + j] <== w2[j];
    }
    restHash.inputs[2 * H] <== b2;
    restHash.inputs[2 * H + 1] <== modelSalt;
    component modelHash = Poseidon(2);
    modelHash.inputs[0] <== layer1Hash.out;
    modelHash.inputs[1] <== restHash.out;
    modelCommitment === modelHash.out;

    component inHash = Poseidon(F + 2);
    inHash.inputs[0] <== inputSalt;
    inHash.inputs[1] <== subject;
    for (var k = 0; k < F; k++) {
        inHash.inputs[2 + k] <== features[k];
    }
    inputHash === inHash.out;

    // --- Hidden layer: h = ReLU(b1 + w1 . x). |z| < F * 2^25 + 2^31 < 2^33. --------------------------------------
    signal product1[H][F];
    signal z[H];
    signal h[H];
    component sign[H];
    for (var j = 0; j < H; j++) {
        var acc = b1[j];
        for (var k = 0; k < F; k++) {
            product1[j][k] <== w1[j][k] * features[k];
            acc += product1[j][k];
        }
        z[j] <== acc;
        sign[j] = Num2Bits(34);
        sign[j].in <== z[j] + (1 << 33);
        // Bit 33 of z + 2^33 is set exactly when z >= 0.
        h[j] <== z[j] * sign[j].out[33];
    }

    // --- Output: floor((b2 + w2 . h) / 2^SHIFT), clipped to [0, 1000]. |o| < H * 2^49 + 2^31 < 2^51. ------------
    var OFFSET_BITS = 52;
    signal product2[H];
    signal o;
    var accOut = b2;
    for (var j = 0; j < H; j++) {
        product2[j] <== w2[j] * h[j];
        accOut += product2[j];
    }
    o <== accOut;
    component oBits = Num2Bits(OFFSET_BITS + 1);
    oBits.in <== o + (1 << OFFSET_BITS);
    // q = floor((o + 2^52) / 2^SHIFT) = floor(o / 2^SHIFT) + 2^(52 - SHIFT).
    var q = 0;
    for (var i = SHIFT; i < OFFSET_BITS; i++) {
        q += oBits.out[i] * (1 << (i - SHIFT));
    }
    // Bit 52 is set exactly when o >= 0; then q's low 52 - SHIFT bits are floor(o / 2^SHIFT), else the output is 0.
    signal scaled;
    scaled <== oBits.out[OFFSET_BITS] * q;
    component tooHigh = GreaterThan(OFFSET_BITS - SHIFT);
    tooHigh.in[0] <== scaled;
    tooHigh.in[1] <== 1000;
    score === scaled + tooHigh.out * (1000 - scaled);

    // --- The record binding takes part in a constraint, so the proof commits to it (Groth16 leaves a public signal
    // that no constraint uses out of the proof).
    signal bindingSquare;
    bindingSquare <== binding * binding;
}

component main {public [modelCommitment, inputHash, binding, subject, score]} = RiskScorer(4, 3, 16);
