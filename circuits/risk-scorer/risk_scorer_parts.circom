pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";

// The parts of the risk scorer, one home for each rule: the single-inference circuit (risk_scorer.circom) and the
// batch circuit (../risk-scorer-batch/) are both made of them. A two-layer perceptron over F integer features with H
// ReLU hidden units and one output, scaled down by 2^SHIFT and clipped to [0, 1000]. See README.md in this folder.

// The weights, range-checked (w1, w2 signed 16-bit, b1, b2 signed 32-bit), and their commitment:
// Poseidon(Poseidon(w1, row-major), Poseidon(b1, w2, b2, modelSalt)), the artifact's zkCommitment.
template ModelCommitment(F, H) {
    signal input w1[H][F];
    signal input b1[H];
    signal input w2[H];
    signal input b2;
    signal input modelSalt;
    signal output out;

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
    out <== modelHash.out;
}

// One inference with range-checked weights (checked once, by ModelCommitment): the input's commitment
// inputHash = Poseidon(inputSalt, subject, features...) (features unsigned 10-bit, subject 160-bit), and the score.
template RiskScore(F, H, SHIFT) {
    signal input w1[H][F];
    signal input b1[H];
    signal input w2[H];
    signal input b2;
    signal input subject;
    signal input features[F];
    signal input inputSalt;
    signal output inputHash;
    signal output score;

    component featureRange[F];
    for (var k = 0; k < F; k++) {
        featureRange[k] = Num2Bits(10);
        featureRange[k].in <== features[k];
    }
    component subjectRange = Num2Bits(160);
    subjectRange.in <== subject;

    component inHash = Poseidon(F + 2);
    inHash.inputs[0] <== inputSalt;
    inHash.inputs[1] <== subject;
    for (var k = 0; k < F; k++) {
        inHash.inputs[2 + k] <== features[k];
    }
    inputHash <== inHash.out;

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
    score <== scaled + tooHigh.out * (1000 - scaled);
}

// Makes the record binding take part in a constraint, so the proof commits to it (Groth16 leaves a public signal
// that no constraint uses out of the proof).
template Bound() {
    signal input binding;
    signal bindingSquare;
    bindingSquare <== binding * binding;
}

// N inferences of one model in one proof: the weights are range-checked and committed once, each inference is scored
// from its own input, bound to its own record, and its two output words are packed into one signal,
// packedOutput = subject * 2^16 + score (subject < 2^160 and score <= 1000 < 2^16 are checked, so the packing is
// one-to-one and the ledger unpacks it). Public signals: modelCommitment, then inputHash[N], binding[N],
// packedOutput[N] (circom lists a public array's elements in order).
template RiskScorerBatch(N, F, H, SHIFT) {
    signal input modelCommitment;
    signal input inputHash[N];
    signal input binding[N];
    signal input packedOutput[N];

    // Private: the model.
    signal input w1[H][F];
    signal input b1[H];
    signal input w2[H];
    signal input b2;
    signal input modelSalt;
    // Private: each input, and each output word.
    signal input subject[N];
    signal input features[N][F];
    signal input inputSalt[N];

    component model = ModelCommitment(F, H);
    for (var j = 0; j < H; j++) {
        for (var k = 0; k < F; k++) {
            model.w1[j][k] <== w1[j][k];
        }
        model.b1[j] <== b1[j];
        model.w2[j] <== w2[j];
    }
    model.b2 <== b2;
    model.modelSalt <== modelSalt;
    modelCommitment === model.out;

    component run[N];
    component bound[N];
    for (var n = 0; n < N; n++) {
        run[n] = RiskScore(F, H, SHIFT);
        for (var j = 0; j < H; j++) {
            for (var k = 0; k < F; k++) {
                run[n].w1[j][k] <== w1[j][k];
            }
            run[n].b1[j] <== b1[j];
            run[n].w2[j] <== w2[j];
        }
        run[n].b2 <== b2;
        run[n].subject <== subject[n];
        for (var k = 0; k < F; k++) {
            run[n].features[k] <== features[n][k];
        }
        run[n].inputSalt <== inputSalt[n];
        inputHash[n] === run[n].inputHash;
        packedOutput[n] === subject[n] * (1 << 16) + run[n].score;
        bound[n] = Bound();
        bound[n].binding <== binding[n];
    }
}
