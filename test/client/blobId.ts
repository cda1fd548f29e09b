import { expect } from "chai";
import { readFileSync } from "node:fs";

import { BlobIdError, blobIdToBytes32, bytes32ToBlobId, isBlobIdText } from "../../src/blobId.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors/blob-id.json", import.meta.url), "utf8")) as {
  valid: { hex: string; text: string }[];
  invalid: { text: string; reason: string }[];
};

describe("blob-id codec", () => {
  describe("blobIdToBytes32", () => {
    for (const { hex, text } of vectors.valid) {
      it(`decodes ${text} to its 32 bytes`, () => {
        expect(blobIdToBytes32(text)).to.equal(hex);
      });
    }
    for (const { text, reason } of vectors.invalid) {
      it(`rejects ${reason}`, () => {
        expect(() => blobIdToBytes32(text)).to.throw(BlobIdError);
        expect(isBlobIdText(text)).to.equal(false);
      });
    }
  });

  describe("bytes32ToBlobId", () => {
    for (const { hex, text } of vectors.valid) {
      it(`encodes ${hex.slice(0, 10)}… as ${text}`, () => {
        expect(bytes32ToBlobId(hex)).to.equal(text);
        expect(bytes32ToBlobId(hex.toUpperCase().replace("0X", "0x"))).to.equal(text);
      });
    }
    it("rejects hex that is not exactly 32 bytes", () => {
      expect(() => bytes32ToBlobId("0x1234")).to.throw(BlobIdError);
      expect(() => bytes32ToBlobId("12".repeat(32))).to.throw(BlobIdError);
      expect(() => bytes32ToBlobId(`0x${"zz".repeat(32)}`)).to.throw(BlobIdError);
    });
  });

  it("round-trips every byte pattern it is given", () => {
    for (let i = 0; i < 256; i++) {
      const hex = `0x${i.toString(16).padStart(2, "0").repeat(32)}`;
      expect(blobIdToBytes32(bytes32ToBlobId(hex))).to.equal(hex);
    }
  });
});
