import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { readFileSync } from "node:fs";

import {
  CommitmentError,
  INPUT_LEAF_ENCODING,
  InputCommitment,
  InputKind,
  OutputCommitment,
  OutputKind,
  Provenance,
  answerDigest,
  inputLeafHash,
  outputLeafHash,
  verifyOutputPart,
  type OutputPart,
} from "../../src/commitments.js";

interface OutputVectorPart extends OutputPart {
  mediaTypeHash: string;
  contentHash: string;
  leaf: string;
  proof: string[];
}
interface InputVectorPart {
  index: number;
  content: string;
  kind: InputKind;
  name: string;
  contentHash: string;
  provenance: Provenance;
  nameHash: string;
  leaf: string;
  proof: string[];
}
const vectors = JSON.parse(readFileSync(new URL("../vectors/commitments.json", import.meta.url), "utf8")) as {
  output: { name: string; parts: OutputVectorPart[]; root: string }[];
  input: { name: string; parts: InputVectorPart[]; root: string }[];
  answerDigest: { input: string; output: string; paymentRef: string; digest: string }[];
};

const leafValues = (part: InputVectorPart) => [part.index, part.kind, part.nameHash, part.contentHash, part.provenance];

describe("commitments (docs/HASHING.md)", () => {
  describe("output commitment", () => {
    for (const vector of vectors.output) {
      it(`reproduces the vector: ${vector.name}`, () => {
        const commitment = new OutputCommitment(vector.parts);
        expect(commitment.root).to.equal(vector.root);
        for (const part of vector.parts) {
          const { index, kind, mediaType, content } = part;
          expect(commitment.parts[index]).to.deep.equal({ index, kind, mediaType, content });
          expect(outputLeafHash(part)).to.equal(part.leaf);
          expect(commitment.proof(index)).to.deep.equal(part.proof);
          expect(verifyOutputPart(vector.root, part, part.proof)).to.equal(true);
          expect(verifyOutputPart(vector.root, { ...part, index: index + 1 }, part.proof)).to.equal(false);
        }
      });
    }

    it("takes strings as UTF-8 and hex as bytes", () => {
      const fromText = new OutputCommitment([{ kind: OutputKind.Text, mediaType: "text/plain", content: "hi" }]);
      const fromHex = new OutputCommitment([{ kind: OutputKind.Text, mediaType: "text/plain", content: "0x6869" }]);
      expect(fromText.root).to.equal(fromHex.root);
    });

    it("commits to the order of parts", () => {
      const a = { kind: OutputKind.Text, mediaType: "text/plain", content: "a" };
      const b = { kind: OutputKind.Text, mediaType: "text/plain", content: "b" };
      expect(new OutputCommitment([a, b]).root).not.to.equal(new OutputCommitment([b, a]).root);
    });

    it("refuses an empty output and unknown part indexes", () => {
      expect(() => new OutputCommitment([])).to.throw(CommitmentError, "at least one part");
      const commitment = new OutputCommitment([{ kind: OutputKind.Data, mediaType: "x/y", content: "0x" }]);
      expect(() => commitment.proof(1)).to.throw(CommitmentError, "no output part 1");
      expect(() => commitment.proof(-1)).to.throw(CommitmentError);
    });
  });

  describe("input commitment", () => {
    for (const vector of vectors.input) {
      it(`reproduces the vector: ${vector.name}`, () => {
        const commitment = new InputCommitment(vector.parts);
        expect(commitment.root).to.equal(vector.root);
        for (const part of vector.parts) {
          const { index, kind, name, contentHash, provenance } = part;
          expect(commitment.manifest[index]).to.deep.equal({ index, kind, name, contentHash, provenance });
          expect(inputLeafHash(part)).to.equal(part.leaf);
          expect(commitment.proof(index)).to.deep.equal(part.proof);
          expect(StandardMerkleTree.verify(vector.root, INPUT_LEAF_ENCODING, leafValues(part), part.proof)).to.equal(
            true,
          );
        }
      });
    }

    it("lists what went in without the content", () => {
      const commitment = new InputCommitment([
        { kind: InputKind.Prompt, name: "prompt", content: "hello", provenance: Provenance.Unattested },
        { kind: InputKind.External, name: "external/feed", content: "0x01", provenance: Provenance.TeeAttested },
      ]);
      expect(commitment.manifest.map((entry) => [entry.name, entry.provenance])).to.deep.equal([
        ["prompt", Provenance.Unattested],
        ["external/feed", Provenance.TeeAttested],
      ]);
      expect(commitment.proof(1)).to.have.length(1);
    });

    it("refuses an empty input, unnamed or repeated names, and unknown indexes", () => {
      const prompt = { kind: InputKind.Prompt, name: "prompt", content: "x", provenance: Provenance.Unattested };
      expect(() => new InputCommitment([])).to.throw(CommitmentError, "at least one part");
      expect(() => new InputCommitment([{ ...prompt, name: "" }])).to.throw(CommitmentError, "has no name");
      expect(() => new InputCommitment([prompt, prompt])).to.throw(CommitmentError, "appears twice");
      expect(() => new InputCommitment([prompt]).proof(3)).to.throw(CommitmentError, "no input part 3");
    });
  });

  it("answer digests match the vectors", () => {
    for (const { input, output, paymentRef, digest } of vectors.answerDigest) {
      expect(answerDigest(input, output, paymentRef)).to.equal(digest);
    }
  });
});
