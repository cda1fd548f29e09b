import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { hexlify, toUtf8Bytes, toUtf8String } from "ethers";

import { MEDIA_TYPES, OutputCommitment, OutputKind, textPart, verifyOutputPart } from "../../src/commitments.js";
import {
  SPAM_FILTER,
  SpamFilterInputError,
  SpamFilterModelError,
  checkSpamFilterText,
  classify,
  fnv1a32,
  loadSpamFilter,
  spamFilterFeatures,
  spamFilterOutput,
  spamFilterTokens,
} from "../../src/models/spamFilter.js";
import { toArtifactParams, weightsDigest } from "../../src/registry.js";
import {
  readSpamDataset,
  renderSpamFilterWeights,
  spamFilterAccuracy,
  splitSpamDataset,
  trainSpamFilter,
} from "../../tooling/train-spam-filter.js";

/** The least held-out accuracy the committed model must reach. */
const MIN_TEST_ACCURACY = 0.85;

/**
 * Messages written for this test, none of them in the dataset. Not every unseen message is classified right: see the
 * limits in models/spam-filter/README.md ("Have a nice weekend!" alone scores as spam).
 */
const UNSEEN_SPAM = [
  "URGENT! Your account has been suspended. Verify your password now at secure-login-check.com to avoid closure!",
  "Congratulations! You won a $1,000 gift card. Click the link to claim your free prize now!",
  "Send 1 BTC to this wallet and receive 2 BTC back! Official crypto giveaway, limited time!",
  "Buy cheap Viagra online, no prescription needed, 70% off, fast discreet shipping!",
  "Need a loan today? Get $3,000 approved in minutes, bad credit OK, apply now!",
];
const UNSEEN_HAM = [
  "Can we move tomorrow's meeting to 11? I have a dentist appointment at 9.",
  "Thanks for dinner last night, the kids had a great time. See you on Sunday!",
  "Please review the pull request for the login page before Friday's release.",
  "Your library book is due back next Tuesday.",
  "I'll pick up the kids from school today, can you start dinner?",
];

const { model, bytes } = loadSpamFilter();
const dataset = readSpamDataset();
const { train, test } = splitSpamDataset(dataset);

describe("SpamFilter", () => {
  describe("the committed artifact", () => {
    it("is what re-training on the committed dataset writes, byte for byte", () => {
      const retrained = renderSpamFilterWeights(trainSpamFilter(train));
      expect(retrained).to.equal(readFileSync(SPAM_FILTER.weightsFile, "utf8"));
      expect(hexlify(toUtf8Bytes(retrained))).to.equal(hexlify(bytes));
    });

    it("has a digest that is the SHA-256 of the weights file, and registers under its format tag", () => {
      const digest = "0x" + createHash("sha256").update(readFileSync(SPAM_FILTER.weightsFile)).digest("hex");
      expect(weightsDigest(bytes)).to.equal(digest);
      const params = toArtifactParams({
        blobId: "0x" + "ab".repeat(32),
        contentDigest: weightsDigest(bytes),
        format: SPAM_FILTER.format,
        version: SPAM_FILTER.version,
      });
      expect(params.contentDigest).to.equal(digest);
      expect([params.major, params.minor, params.patch]).to.deep.equal([1, 0, 0]);
    });

    it("refuses a weights file of another format or size", () => {
      const dir = mkdtempSync(join(tmpdir(), "spam-filter-"));
      const json = JSON.parse(toUtf8String(bytes)) as Record<string, unknown>;
      const wrongFormat = join(dir, "format.json");
      writeFileSync(wrongFormat, JSON.stringify({ ...json, format: "onnx" }));
      expect(() => loadSpamFilter(wrongFormat)).to.throw(SpamFilterModelError, "format onnx");
      const short = join(dir, "short.json");
      writeFileSync(short, JSON.stringify({ ...json, weights: model.weights.slice(1) }));
      expect(() => loadSpamFilter(short)).to.throw(SpamFilterModelError, "1024 weights");
    });
  });

  describe("the dataset", () => {
    it("holds out every fifth line, with both labels in each half", () => {
      expect(dataset.length).to.equal(train.length + test.length);
      expect(test).to.deep.equal(dataset.filter((_, i) => i % 5 === 4));
      for (const half of [train, test]) {
        const spam = half.filter((example) => example.spam).length;
        expect(spam / half.length).to.be.within(0.4, 0.6);
      }
    });
  });

  describe("accuracy", () => {
    it(`classifies at least ${MIN_TEST_ACCURACY * 100}% of the held-out lines right`, () => {
      const accuracy = spamFilterAccuracy(model, test);
      console.log(`      held-out accuracy ${accuracy.toFixed(3)} on ${test.length} lines`);
      expect(accuracy).to.be.at.least(MIN_TEST_ACCURACY);
    });

    it("classifies messages that are not in the dataset", () => {
      const seen = new Set(dataset.map((example) => example.text));
      expect([...UNSEEN_SPAM, ...UNSEEN_HAM].filter((text) => seen.has(text))).to.deep.equal([]);
      for (const text of UNSEEN_SPAM) expect(classify(model, text).spam, text).to.equal(true);
      for (const text of UNSEEN_HAM) expect(classify(model, text).spam, text).to.equal(false);
    });
  });

  describe("features", () => {
    it("hash with 32-bit FNV-1a", () => {
      expect(fnv1a32("")).to.equal(0x811c9dc5);
      expect(fnv1a32("a")).to.equal(0xe40c292c);
      expect(fnv1a32("foobar")).to.equal(0xbf9cf968);
    });

    it("cut lowercased letters and digits into tokens, currency signs and ! on their own", () => {
      expect(spamFilterTokens("WIN €1,000 now!! (Café)")).to.deep.equal([
        "win",
        "€",
        "1",
        "000",
        "now",
        "!",
        "!",
        "café",
      ]);
    });

    it("are unit length, and the same whatever the case", () => {
      const features = spamFilterFeatures("Claim your FREE prize now!");
      const norm = Math.sqrt(features.reduce((acc, x) => acc + x * x, 0));
      // Not chai's closeTo: Hardhat's chai matchers take it over and read its arguments as integers.
      expect(Math.abs(norm - 1), `norm ${norm}`).to.be.lessThan(1e-12);
      expect(features).to.deep.equal(spamFilterFeatures("claim your free prize now!"));
      expect(spamFilterFeatures("---").every((x) => x === 0)).to.equal(true);
    });
  });

  describe("spamFilterOutput", () => {
    it("is one JSON data part with the label and the probability to four decimals, keys in a fixed order", () => {
      const [part, ...rest] = spamFilterOutput({ spam: true, probability: 0.987654321 });
      expect(rest).to.have.length(0);
      expect(part.kind).to.equal(OutputKind.Data);
      expect(part.mediaType).to.equal(MEDIA_TYPES.json);
      expect(hexlify(part.content)).to.equal(hexlify(toUtf8Bytes('{"label":"spam","probability":0.9877}')));
      const [ham] = spamFilterOutput({ spam: false, probability: 0.00004 });
      expect(toUtf8String(ham.content)).to.equal('{"label":"ham","probability":0}');
    });

    it("commits to a leaf that verifies in the answer's output commitment", () => {
      const result = classify(model, UNSEEN_SPAM[0]);
      const commitment = new OutputCommitment([...spamFilterOutput(result), textPart("explanation")]);
      const [part] = commitment.parts;
      expect(verifyOutputPart(commitment.root, part, commitment.proof(0))).to.equal(true);
      const flipped = { ...part, content: hexlify(toUtf8Bytes('{"label":"ham","probability":0.01}')) };
      expect(verifyOutputPart(commitment.root, flipped, commitment.proof(0))).to.equal(false);
    });

    it("refuses a probability outside [0, 1]", () => {
      expect(() => spamFilterOutput({ spam: true, probability: 1.5 })).to.throw(RangeError);
    });
  });

  describe("input validation", () => {
    const reasonOf = (text: string) => {
      try {
        classify(model, text);
      } catch (error) {
        expect(error).to.be.instanceOf(SpamFilterInputError);
        return (error as SpamFilterInputError).reason;
      }
      return undefined;
    };

    it("refuses an empty text, or one of spaces only", () => {
      expect(reasonOf("")).to.equal("empty");
      expect(reasonOf(" \n\t ")).to.equal("empty");
    });

    it("refuses more than 4,096 characters, counted as code points", () => {
      expect(reasonOf("a".repeat(SPAM_FILTER.maxChars + 1))).to.equal("too long");
      expect(reasonOf("a".repeat(SPAM_FILTER.maxChars))).to.equal(undefined);
      // 4,096 emoji are 8,192 UTF-16 units but 4,096 characters.
      expect(reasonOf("💸".repeat(SPAM_FILTER.maxChars))).to.equal(undefined);
      expect(reasonOf("💸".repeat(SPAM_FILTER.maxChars + 1))).to.equal("too long");
    });

    it("refuses a value that is not a string, such as a request body's number", () => {
      const body = JSON.parse('{"text": 42}') as { text: string };
      expect(reasonOf(body.text)).to.equal("not a string");
      expect(() => checkSpamFilterText(null)).to.throw(SpamFilterInputError, "not a string");
    });
  });
});
