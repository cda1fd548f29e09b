/**
 * node/models.ts on its own: how a request body becomes the parts of an input commitment. The risk scorer's features
 * may come attested by a data source (the part is then `External`, `SourceSigned`, carrying the signature, as a
 * consumer taking only attested features requires), and a malformed attestation is refused with a 400 before any offer.
 */
import { expect } from "chai";
import { Wallet } from "ethers";

import { jobSpecOf, RequestRefused, type ServedArtifact } from "../../node/models.js";
import { InputCommitment, InputKind, Provenance } from "../../src/commitments.js";
import { sourcedDataSigner, signSourcedData } from "../../src/dataSources.js";
import { Level, attesterRegistryDomain } from "../../src/ledger.js";
import { inputHash } from "../../src/models/riskScorer.js";
import { zkInputContent } from "../../src/zk.js";

const scorer = {
  artifactId: 1n,
  kind: "risk-scorer",
  weightsFile: "circuits/risk-scorer/model.json",
  publisher: Wallet.createRandom().address,
  label: "risk-scorer",
  price: 10_000n,
  claimed: Level.ZKML,
  digest: "0x",
} as ServedArtifact;

describe("node models: request bodies as input parts", () => {
  const bureau = Wallet.createRandom();
  const subject = Wallet.createRandom().address;
  const domain = attesterRegistryDomain(31_337n, Wallet.createRandom().address);
  const features = [400n, 2n, 500n, 100n];
  const salt = 7n;

  it("an attested risk input becomes one SourceSigned part whose signature recovers to the data source", async () => {
    const hash = inputHash({ subject, features, salt });
    const attestation = await signSourcedData(bureau, domain, zkInputContent(hash));
    const spec = jobSpecOf(
      { artifact: "1", input: { subject, features: features.map(String), salt: `${salt}`, attestation } },
      scorer,
    );
    expect(spec.inputParts).to.have.length(1);
    const [part] = spec.inputParts;
    expect([part.kind, part.provenance, part.signature]).to.deep.equal([
      InputKind.External,
      Provenance.SourceSigned,
      attestation.toLowerCase(),
    ]);
    const [entry] = new InputCommitment(spec.inputParts).manifest;
    expect(sourcedDataSigner(domain, entry.contentHash, entry.signature!)).to.equal(bureau.address);
  });

  it("without an attestation the same features are an Unattested part, under a different commitment", () => {
    const body = { artifact: "1", input: { subject, features: features.map(String), salt: `${salt}` } };
    const spec = jobSpecOf(body, scorer);
    expect(spec.inputParts[0].provenance).to.equal(Provenance.Unattested);
    const attested = jobSpecOf({ ...body, input: { ...body.input, attestation: `0x${"11".repeat(65)}` } }, scorer);
    expect(attested.inputCommitment).to.not.equal(spec.inputCommitment);
  });

  for (const attestation of [`0x${"11".repeat(64)}`, "0xzz", 42, `${"11".repeat(65)}`]) {
    it(`refuses the attestation ${JSON.stringify(attestation).slice(0, 24)}: 400 with the reason`, () => {
      let refused: unknown;
      try {
        jobSpecOf({ artifact: "1", input: { subject, features: ["1", "2", "3", "4"], attestation } }, scorer);
      } catch (error) {
        refused = error;
      }
      expect(refused).to.be.instanceOf(RequestRefused);
      expect((refused as RequestRefused).status).to.equal(400);
      expect((refused as RequestRefused).reason).to.match(/input\.attestation/);
    });
  }
});
