import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { TypedDataEncoder, Wallet, keccak256, recoverAddress, toUtf8Bytes, type TypedDataDomain } from "ethers";
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
import { attestedInputArg } from "../../src/consumer.js";
import { SOURCED_DATA_TYPES, signSourcedData, sourcedDataSigner } from "../../src/dataSources.js";

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
  /** The data source's signature, on an attested external data part only. */
  signature?: string;
  nameHash: string;
  leaf: string;
  proof: string[];
}
/** An input vector's attested part: who signed its content hash, under which domain, and the EIP-712 digest. */
interface AttestationVector {
  index: number;
  domain: TypedDataDomain;
  signer: string;
  contentHash: string;
  digest: string;
  signature: string;
}
const vectors = JSON.parse(readFileSync(new URL("../vectors/commitments.json", import.meta.url), "utf8")) as {
  output: { name: string; parts: OutputVectorPart[]; root: string }[];
  input: { name: string; parts: InputVectorPart[]; root: string; attestation?: AttestationVector }[];
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
          const { index, kind, name, contentHash, provenance, signature } = part;
          expect(commitment.manifest[index]).to.deep.equal({
            index,
            kind,
            name,
            contentHash,
            provenance,
            ...(signature === undefined ? {} : { signature }),
          });
          expect(inputLeafHash(part)).to.equal(part.leaf);
          expect(commitment.proof(index)).to.deep.equal(part.proof);
          expect(StandardMerkleTree.verify(vector.root, INPUT_LEAF_ENCODING, leafValues(part), part.proof)).to.equal(
            true,
          );
        }
      });
    }

    const attested = vectors.input.filter((vector) => vector.attestation !== undefined);
    it("has attested external data vectors, one of them the whole input", () => {
      expect(attested.map((vector) => vector.parts.length)).to.include(1);
      expect(attested.some((vector) => vector.parts.length > 1)).to.equal(true);
    });

    for (const vector of attested) {
      it(`reproduces the attestation of the vector: ${vector.name}`, async () => {
        const { index, domain, signer, contentHash, digest, signature } = vector.attestation!;
        const part = vector.parts[index];
        expect([part.kind, part.provenance]).to.deep.equal([InputKind.External, Provenance.SourceSigned]);
        expect(part.contentHash).to.equal(contentHash);
        expect(keccak256(part.content)).to.equal(contentHash);
        expect(part.signature).to.equal(signature);
        // The data source signed SourcedData(contentHash) under the registry's domain; the leaf does not hold it.
        expect(TypedDataEncoder.hash(domain, SOURCED_DATA_TYPES, { contentHash })).to.equal(digest);
        expect(sourcedDataSigner(domain, contentHash, signature)).to.equal(signer);
        expect(recoverAddress(digest, signature)).to.equal(signer);
        expect(inputLeafHash({ ...part, signature: undefined })).to.equal(part.leaf);
        // The vectors' key (RFC 6979 signatures are deterministic) signs the same bytes again.
        const key = new Wallet("0x" + "11".repeat(32));
        expect(key.address).to.equal(signer);
        expect(await signSourcedData(key, domain, part.content)).to.equal(signature);
        // What a consumer is given to check it.
        const commitment = new InputCommitment(vector.parts);
        expect(attestedInputArg(commitment, index)).to.deep.equal({
          index,
          nameHash: keccak256(toUtf8Bytes(part.name)),
          contentHash,
          proof: part.proof,
          signature,
        });
        if (vector.parts.length === 1) {
          // The whole input: no proof, and the root is the part's leaf (what a `Whole` consumer requires).
          expect(part.proof).to.deep.equal([]);
          expect(vector.root).to.equal(part.leaf);
        } else {
          expect(part.proof).to.not.deep.equal([]);
          expect(vector.root).to.not.equal(part.leaf);
        }
      });
    }

    it("takes a data source signature on an External part of provenance SourceSigned only, and requires it there", () => {
      const signature = vectors.input.find((vector) => vector.attestation)!.attestation!.signature;
      const external = { kind: InputKind.External, name: "external/feed", content: "0x01" };
      const signed = { ...external, provenance: Provenance.SourceSigned, signature };
      expect(new InputCommitment([signed]).manifest[0].signature).to.equal(signature);
      expect(() => new InputCommitment([{ ...signed, signature: undefined }])).to.throw(CommitmentError, "signature");
      for (const provenance of [Provenance.Unattested, Provenance.TeeAttested, Provenance.ZkProven]) {
        expect(() => new InputCommitment([{ ...signed, provenance }])).to.throw(CommitmentError, "signature");
      }
      expect(() => new InputCommitment([{ ...signed, kind: InputKind.Prompt, name: "prompt" }])).to.throw(
        CommitmentError,
        "signature",
      );
      // The signature is not in the leaf: the same part signed by someone else has the same leaf and root.
      const other = new InputCommitment([{ ...signed, signature: "0x" + "00".repeat(65) }]);
      expect(other.root).to.equal(new InputCommitment([signed]).root);
    });

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
