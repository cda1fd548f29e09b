import { expect } from "chai";
import { ZeroAddress, ZeroHash, sha256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import ModelRegistryModule from "../../deploy/modules/ModelRegistry.js";
import { bytes32ToBlobId } from "../../src/blobId.js";
import { SNARK_SCALAR_FIELD } from "../../src/zk.js";
import {
  ArtifactStatus,
  RevocationReason,
  formatTag,
  toArtifactParams,
  type ArtifactInput,
} from "../../src/registry.js";

const { ethers, ignition, networkHelpers } = await network.create();

function artifact(seed: string, version: string, extra: Partial<ArtifactInput> = {}) {
  return toArtifactParams({
    blobId: sha256(toUtf8Bytes(`blob ${seed}`)),
    contentDigest: sha256(toUtf8Bytes(`weights ${seed}`)),
    format: "onnx",
    version,
    ...extra,
  });
}

async function deployRegistry() {
  const [deployer, publisher, other, guardian] = await ethers.getSigners();
  const deployment = await ignition.deploy(ModelRegistryModule, {
    parameters: { AccessManager: { guardian: guardian.address, trustAdmin: deployer.address } },
  });
  const registry = await ethers.getContractAt("ModelRegistry", await deployment.registry.getAddress());
  const asPublisher = registry.connect(publisher);
  await asPublisher.createModel("risk-scorer", "ipfs://card-v1");
  return { registry, asPublisher, deployer, publisher, other, guardian, modelId: 1n };
}

async function withTwoArtifacts() {
  const fixture = await deployRegistry();
  await fixture.asPublisher.registerArtifact(fixture.modelId, artifact("a", "1.0.0"), true);
  await fixture.asPublisher.registerArtifact(fixture.modelId, artifact("b", "1.1.0", { parentId: 1n }), false);
  return fixture;
}

describe("ModelRegistry", () => {
  describe("createModel", () => {
    it("creates a model owned by the caller and emits ModelCreated", async () => {
      const { registry, other } = await networkHelpers.loadFixture(deployRegistry);
      await expect(registry.connect(other).createModel("moderator", "ipfs://m"))
        .to.emit(registry, "ModelCreated")
        .withArgs(2n, other.address, "moderator", "ipfs://m");
      const model = await registry.getModel(2n);
      expect(model.publisher).to.equal(other.address);
      expect(model.label).to.equal("moderator");
      expect(model.metadataURI).to.equal("ipfs://m");
      expect(model.currentArtifact).to.equal(0n);
      expect(await registry.modelIdOf(other.address, "moderator")).to.equal(2n);
      expect(await registry.counts()).to.deep.equal([2n, 0n]);
    });

    it("lets two publishers use the same label", async () => {
      const { registry, other } = await networkHelpers.loadFixture(deployRegistry);
      await registry.connect(other).createModel("risk-scorer", "");
      expect(await registry.modelIdOf(other.address, "risk-scorer")).to.equal(2n);
    });

    it("reverts with EmptyLabel on an empty label", async () => {
      const { registry } = await networkHelpers.loadFixture(deployRegistry);
      await expect(registry.createModel("", "")).to.be.revertedWithCustomError(registry, "EmptyLabel");
    });

    it("reverts with LabelTooLong above 64 bytes", async () => {
      const { registry } = await networkHelpers.loadFixture(deployRegistry);
      await registry.createModel("x".repeat(64), "");
      await expect(registry.createModel("x".repeat(65), ""))
        .to.be.revertedWithCustomError(registry, "LabelTooLong")
        .withArgs(65n, 64n);
    });

    it("reverts with LabelTaken when the publisher already uses the label", async () => {
      const { asPublisher, publisher, registry } = await networkHelpers.loadFixture(deployRegistry);
      await expect(asPublisher.createModel("risk-scorer", ""))
        .to.be.revertedWithCustomError(registry, "LabelTaken")
        .withArgs(publisher.address, "risk-scorer");
    });
  });

  describe("setMetadataURI", () => {
    it("updates the model card and emits ModelMetadataUpdated", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await expect(asPublisher.setMetadataURI(modelId, "ipfs://card-v2"))
        .to.emit(registry, "ModelMetadataUpdated")
        .withArgs(modelId, "ipfs://card-v2");
      expect((await registry.getModel(modelId)).metadataURI).to.equal("ipfs://card-v2");
    });

    it("reverts with NotPublisher for anyone else", async () => {
      const { registry, other, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await expect(registry.connect(other).setMetadataURI(modelId, "x"))
        .to.be.revertedWithCustomError(registry, "NotPublisher")
        .withArgs(modelId, other.address);
    });

    it("reverts with UnknownModel for a model that does not exist", async () => {
      const { asPublisher, registry } = await networkHelpers.loadFixture(deployRegistry);
      await expect(asPublisher.setMetadataURI(9n, "x"))
        .to.be.revertedWithCustomError(registry, "UnknownModel")
        .withArgs(9n);
    });
  });

  describe("transferPublisher / acceptPublisher", () => {
    it("moves the publisher role in two steps, with its label", async () => {
      const { registry, asPublisher, publisher, other, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await expect(asPublisher.transferPublisher(modelId, other.address))
        .to.emit(registry, "PublisherTransferStarted")
        .withArgs(modelId, publisher.address, other.address);
      // Until acceptance, the old publisher keeps every power.
      expect((await registry.getModel(modelId)).publisher).to.equal(publisher.address);
      expect((await registry.getModel(modelId)).pendingPublisher).to.equal(other.address);
      await expect(registry.connect(other).acceptPublisher(modelId))
        .to.emit(registry, "PublisherTransferred")
        .withArgs(modelId, publisher.address, other.address);
      const model = await registry.getModel(modelId);
      expect(model.publisher).to.equal(other.address);
      expect(model.pendingPublisher).to.equal(ZeroAddress);
      expect(await registry.modelIdOf(other.address, "risk-scorer")).to.equal(modelId);
      expect(await registry.modelIdOf(publisher.address, "risk-scorer")).to.equal(0n);
      await expect(asPublisher.setMetadataURI(modelId, "x")).to.be.revertedWithCustomError(registry, "NotPublisher");
    });

    it("cancels a pending offer when offered to address(0)", async () => {
      const { registry, asPublisher, other, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await asPublisher.transferPublisher(modelId, other.address);
      await asPublisher.transferPublisher(modelId, ZeroAddress);
      await expect(registry.connect(other).acceptPublisher(modelId))
        .to.be.revertedWithCustomError(registry, "NotPendingPublisher")
        .withArgs(modelId, other.address);
    });

    it("reverts with NotPendingPublisher for anyone but the pending publisher", async () => {
      const { registry, asPublisher, other, deployer, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await asPublisher.transferPublisher(modelId, other.address);
      await expect(registry.connect(deployer).acceptPublisher(modelId))
        .to.be.revertedWithCustomError(registry, "NotPendingPublisher")
        .withArgs(modelId, deployer.address);
    });

    it("reverts with LabelTaken when the new publisher already uses the label", async () => {
      const { registry, asPublisher, other, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await registry.connect(other).createModel("risk-scorer", "");
      await asPublisher.transferPublisher(modelId, other.address);
      await expect(registry.connect(other).acceptPublisher(modelId))
        .to.be.revertedWithCustomError(registry, "LabelTaken")
        .withArgs(other.address, "risk-scorer");
    });

    it("reverts with UnknownModel / NotPublisher on bad calls", async () => {
      const { registry, other, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await expect(registry.acceptPublisher(7n)).to.be.revertedWithCustomError(registry, "UnknownModel").withArgs(7n);
      await expect(registry.connect(other).transferPublisher(modelId, other.address))
        .to.be.revertedWithCustomError(registry, "NotPublisher")
        .withArgs(modelId, other.address);
    });
  });

  describe("registerArtifact", () => {
    it("stores every field immutably, indexes the blob and emits ArtifactRegistered", async () => {
      const { registry, asPublisher, modelId, publisher } = await networkHelpers.loadFixture(deployRegistry);
      const params = artifact("a", "1.2.3", { format: "circom-groth16", zkCommitment: 12345n });
      const tx = asPublisher.registerArtifact(modelId, params, false);
      await expect(tx)
        .to.emit(registry, "ArtifactRegistered")
        .withArgs(1n, modelId, params.blobId, [
          params.blobId,
          params.contentDigest,
          params.format,
          1n,
          2n,
          3n,
          0n,
          12345n,
        ]);
      await expect(tx).not.to.emit(registry, "LabelMoved");
      const stored = await registry.getArtifact(1n);
      const block = await ethers.provider.getBlock("latest");
      expect(stored.blobId).to.equal(params.blobId);
      expect(stored.contentDigest).to.equal(params.contentDigest);
      expect(stored.format).to.equal(formatTag("circom-groth16"));
      expect([stored.major, stored.minor, stored.patch]).to.deep.equal([1n, 2n, 3n]);
      expect(stored.zkCommitment).to.equal(12345n);
      expect(stored.modelId).to.equal(modelId);
      expect(stored.status).to.equal(BigInt(ArtifactStatus.Active));
      expect(stored.registeredAt).to.equal(BigInt(block!.timestamp));
      expect(await registry.artifactIdOfBlob(publisher.address, params.blobId)).to.equal(1n);
      expect(await registry.isValidArtifact(1n)).to.equal(true);
      expect(await registry.currentArtifact(modelId)).to.equal(0n);
    });

    it("accepts a blob id given as its base64url text", async () => {
      const { registry, asPublisher, modelId, publisher } = await networkHelpers.loadFixture(deployRegistry);
      const hex = sha256(toUtf8Bytes("walrus"));
      await asPublisher.registerArtifact(modelId, artifact("w", "1.0.0", { blobId: bytes32ToBlobId(hex) }), false);
      expect(await registry.artifactIdOfBlob(publisher.address, hex)).to.equal(1n);
    });

    it("moves the label when asked, naming the old and the new artifact", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await expect(asPublisher.registerArtifact(modelId, artifact("a", "1.0.0"), true))
        .to.emit(registry, "LabelMoved")
        .withArgs(modelId, 0n, 1n);
      await expect(asPublisher.registerArtifact(modelId, artifact("b", "2.0.0", { parentId: 1n }), true))
        .to.emit(registry, "LabelMoved")
        .withArgs(modelId, 1n, 2n);
      expect(await registry.currentArtifact(modelId)).to.equal(2n);
      expect((await registry.getArtifact(2n)).parentId).to.equal(1n);
    });

    it("lists a model's artifacts in order, with paging", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await asPublisher.registerArtifact(modelId, artifact("c", "2.0.0"), false);
      expect(await registry.artifactsOf(modelId, 0, 10)).to.deep.equal([1n, 2n, 3n]);
      expect(await registry.artifactsOf(modelId, 1, 1)).to.deep.equal([2n]);
      expect(await registry.artifactsOf(modelId, 2, 5)).to.deep.equal([3n]);
      expect(await registry.artifactsOf(modelId, 3, 5)).to.deep.equal([]);
      expect((await registry.getModel(modelId)).artifactCount).to.equal(3n);
      await expect(registry.artifactsOf(5n, 0, 1)).to.be.revertedWithCustomError(registry, "UnknownModel");
    });

    it("reverts with ZeroBlobId, ZeroContentDigest and EmptyFormat on missing content", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await expect(
        asPublisher.registerArtifact(modelId, { ...artifact("a", "1.0.0"), blobId: ZeroHash }, false),
      ).to.be.revertedWithCustomError(registry, "ZeroBlobId");
      await expect(
        asPublisher.registerArtifact(modelId, { ...artifact("a", "1.0.0"), contentDigest: ZeroHash }, false),
      ).to.be.revertedWithCustomError(registry, "ZeroContentDigest");
      await expect(
        asPublisher.registerArtifact(modelId, { ...artifact("a", "1.0.0"), format: `0x${"00".repeat(16)}` }, false),
      ).to.be.revertedWithCustomError(registry, "EmptyFormat");
    });

    it("reverts with BlobAlreadyRegistered when the publisher registers its blob again", async () => {
      const { registry, modelId, asPublisher, publisher } = await networkHelpers.loadFixture(withTwoArtifacts);
      const copy = artifact("a", "9.0.0");
      await expect(asPublisher.registerArtifact(modelId, copy, false))
        .to.be.revertedWithCustomError(registry, "BlobAlreadyRegistered")
        .withArgs(publisher.address, copy.blobId, 1n);
    });

    it("a front-runner registering a publisher's blob first neither blocks it nor answers its lookups", async () => {
      const { registry, other, publisher, modelId } = await networkHelpers.loadFixture(deployRegistry);
      // The squatter sees the publisher's registration in the mempool and registers the same blob first.
      await registry.connect(other).createModel("squatter", "");
      const weights = artifact("weights", "1.0.0");
      await registry.connect(other).registerArtifact(2n, weights, true);
      await expect(registry.connect(publisher).registerArtifact(modelId, weights, true)).to.emit(
        registry,
        "ArtifactRegistered",
      );
      expect(await registry.artifactIdOfBlob(publisher.address, weights.blobId)).to.equal(2n);
      expect(await registry.artifactIdOfBlob(other.address, weights.blobId)).to.equal(1n);
      expect((await registry.getArtifact(2n)).modelId).to.equal(modelId);
    });

    it("reverts with VersionNotIncreasing on an equal or lower version", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      const latest = (1n << 64n) | (1n << 32n);
      await expect(asPublisher.registerArtifact(modelId, artifact("c", "1.1.0"), false))
        .to.be.revertedWithCustomError(registry, "VersionNotIncreasing")
        .withArgs(latest, latest);
      await expect(asPublisher.registerArtifact(modelId, artifact("c", "1.0.9"), false))
        .to.be.revertedWithCustomError(registry, "VersionNotIncreasing")
        .withArgs((1n << 64n) | 9n, latest);
    });

    it("reverts with ZkCommitmentOutOfField when the commitment is not a BN254 scalar", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await asPublisher.registerArtifact(
        modelId,
        artifact("a", "1.0.0", { zkCommitment: SNARK_SCALAR_FIELD - 1n }),
        false,
      );
      await expect(
        asPublisher.registerArtifact(modelId, artifact("b", "2.0.0", { zkCommitment: SNARK_SCALAR_FIELD }), false),
      )
        .to.be.revertedWithCustomError(registry, "ZkCommitmentOutOfField")
        .withArgs(SNARK_SCALAR_FIELD);
    });

    it("reverts with UnknownArtifact for a parent that does not exist", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await expect(asPublisher.registerArtifact(modelId, artifact("a", "1.0.0", { parentId: 4n }), false))
        .to.be.revertedWithCustomError(registry, "UnknownArtifact")
        .withArgs(4n);
    });

    it("reverts with NotPublisher and UnknownModel for the wrong caller or model", async () => {
      const { registry, other, asPublisher, modelId } = await networkHelpers.loadFixture(deployRegistry);
      await expect(registry.connect(other).registerArtifact(modelId, artifact("a", "1.0.0"), false))
        .to.be.revertedWithCustomError(registry, "NotPublisher")
        .withArgs(modelId, other.address);
      await expect(asPublisher.registerArtifact(3n, artifact("a", "1.0.0"), false))
        .to.be.revertedWithCustomError(registry, "UnknownModel")
        .withArgs(3n);
    });
  });

  describe("moveLabel", () => {
    it("moves the label and emits LabelMoved with the old and new artifact", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await expect(asPublisher.moveLabel(modelId, 2n)).to.emit(registry, "LabelMoved").withArgs(modelId, 1n, 2n);
      expect(await registry.currentArtifact(modelId)).to.equal(2n);
      await expect(asPublisher.moveLabel(modelId, 1n)).to.emit(registry, "LabelMoved").withArgs(modelId, 2n, 1n);
    });

    it("reverts with LabelUnchanged when the label already points there", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await expect(asPublisher.moveLabel(modelId, 1n))
        .to.be.revertedWithCustomError(registry, "LabelUnchanged")
        .withArgs(modelId, 1n);
    });

    it("reverts with ArtifactNotInModel for another model's artifact", async () => {
      const { registry, other, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await registry.connect(other).createModel("other", "");
      await registry.connect(other).registerArtifact(2n, artifact("z", "1.0.0"), false);
      await expect(registry.connect(other).moveLabel(2n, 1n))
        .to.be.revertedWithCustomError(registry, "ArtifactNotInModel")
        .withArgs(2n, 1n);
      expect(await registry.currentArtifact(modelId)).to.equal(1n);
    });

    it("reverts with ArtifactNotActive for a deprecated artifact, and UnknownArtifact for none", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await asPublisher.deprecateArtifact(2n);
      await expect(asPublisher.moveLabel(modelId, 2n))
        .to.be.revertedWithCustomError(registry, "ArtifactNotActive")
        .withArgs(2n);
      await expect(asPublisher.moveLabel(modelId, 99n))
        .to.be.revertedWithCustomError(registry, "UnknownArtifact")
        .withArgs(99n);
    });

    it("reverts with NotPublisher for anyone else", async () => {
      const { registry, other, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await expect(registry.connect(other).moveLabel(modelId, 2n))
        .to.be.revertedWithCustomError(registry, "NotPublisher")
        .withArgs(modelId, other.address);
    });
  });

  describe("deprecateArtifact", () => {
    it("marks the artifact Deprecated, still valid, and emits ArtifactDeprecated", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await expect(asPublisher.deprecateArtifact(1n)).to.emit(registry, "ArtifactDeprecated").withArgs(1n, modelId);
      const stored = await registry.getArtifact(1n);
      expect(stored.status).to.equal(BigInt(ArtifactStatus.Deprecated));
      expect(stored.statusChangedAt).to.be.greaterThan(0n);
      expect(await registry.isValidArtifact(1n)).to.equal(true);
      // The label is not moved by a deprecation.
      expect(await registry.currentArtifact(modelId)).to.equal(1n);
    });

    it("reverts with ArtifactNotActive when already deprecated", async () => {
      const { registry, asPublisher } = await networkHelpers.loadFixture(withTwoArtifacts);
      await asPublisher.deprecateArtifact(1n);
      await expect(asPublisher.deprecateArtifact(1n))
        .to.be.revertedWithCustomError(registry, "ArtifactNotActive")
        .withArgs(1n);
    });

    it("reverts with UnknownArtifact and NotPublisher on bad calls", async () => {
      const { registry, asPublisher, other, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await expect(asPublisher.deprecateArtifact(0n)).to.be.revertedWithCustomError(registry, "UnknownArtifact");
      await expect(registry.connect(other).deprecateArtifact(1n))
        .to.be.revertedWithCustomError(registry, "NotPublisher")
        .withArgs(modelId, other.address);
    });
  });

  describe("revokeArtifact / guardianRevokeArtifact", () => {
    it("revokes at once, records the reason and clears a label that pointed at it", async () => {
      const { registry, asPublisher, publisher, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      const tx = asPublisher.revokeArtifact(1n, RevocationReason.Compromised);
      await expect(tx)
        .to.emit(registry, "ArtifactRevoked")
        .withArgs(1n, modelId, RevocationReason.Compromised, publisher.address);
      await expect(tx).to.emit(registry, "LabelMoved").withArgs(modelId, 1n, 0n);
      const stored = await registry.getArtifact(1n);
      expect(stored.status).to.equal(BigInt(ArtifactStatus.Revoked));
      expect(stored.revocationReason).to.equal(BigInt(RevocationReason.Compromised));
      expect(await registry.isValidArtifact(1n)).to.equal(false);
      expect(await registry.currentArtifact(modelId)).to.equal(0n);
    });

    it("leaves the label alone when another artifact is current", async () => {
      const { registry, asPublisher, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await expect(asPublisher.revokeArtifact(2n, RevocationReason.Defective)).not.to.emit(registry, "LabelMoved");
      expect(await registry.currentArtifact(modelId)).to.equal(1n);
    });

    it("lets a guardian revoke a deprecated artifact immediately", async () => {
      const { registry, asPublisher, guardian, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await asPublisher.deprecateArtifact(2n);
      await expect(registry.connect(guardian).guardianRevokeArtifact(2n, RevocationReason.Malicious))
        .to.emit(registry, "ArtifactRevoked")
        .withArgs(2n, modelId, RevocationReason.Malicious, guardian.address);
    });

    it("reverts with AccessManagedUnauthorized when a non-guardian uses the guardian path", async () => {
      const { registry, publisher } = await networkHelpers.loadFixture(withTwoArtifacts);
      await expect(registry.connect(publisher).guardianRevokeArtifact(1n, RevocationReason.Other))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(publisher.address);
    });

    it("reverts with ArtifactAlreadyRevoked on a second revocation, by either path", async () => {
      const { registry, asPublisher, guardian } = await networkHelpers.loadFixture(withTwoArtifacts);
      await asPublisher.revokeArtifact(1n, RevocationReason.Other);
      await expect(asPublisher.revokeArtifact(1n, RevocationReason.Other))
        .to.be.revertedWithCustomError(registry, "ArtifactAlreadyRevoked")
        .withArgs(1n);
      await expect(registry.connect(guardian).guardianRevokeArtifact(1n, RevocationReason.Other))
        .to.be.revertedWithCustomError(registry, "ArtifactAlreadyRevoked")
        .withArgs(1n);
    });

    it("reverts with UnspecifiedRevocationReason without a reason", async () => {
      const { registry, asPublisher } = await networkHelpers.loadFixture(withTwoArtifacts);
      await expect(asPublisher.revokeArtifact(1n, RevocationReason.Unspecified)).to.be.revertedWithCustomError(
        registry,
        "UnspecifiedRevocationReason",
      );
    });

    it("reverts with UnknownArtifact and NotPublisher on bad calls", async () => {
      const { registry, asPublisher, other, guardian, modelId } = await networkHelpers.loadFixture(withTwoArtifacts);
      await expect(asPublisher.revokeArtifact(8n, RevocationReason.Other))
        .to.be.revertedWithCustomError(registry, "UnknownArtifact")
        .withArgs(8n);
      await expect(registry.connect(guardian).guardianRevokeArtifact(8n, RevocationReason.Other))
        .to.be.revertedWithCustomError(registry, "UnknownArtifact")
        .withArgs(8n);
      await expect(registry.connect(other).revokeArtifact(1n, RevocationReason.Other))
        .to.be.revertedWithCustomError(registry, "NotPublisher")
        .withArgs(modelId, other.address);
    });
  });

  describe("views", () => {
    it("revert with UnknownModel / UnknownArtifact for ids that do not exist", async () => {
      const { registry } = await networkHelpers.loadFixture(deployRegistry);
      await expect(registry.getModel(0n)).to.be.revertedWithCustomError(registry, "UnknownModel").withArgs(0n);
      await expect(registry.currentArtifact(2n)).to.be.revertedWithCustomError(registry, "UnknownModel").withArgs(2n);
      await expect(registry.getArtifact(1n)).to.be.revertedWithCustomError(registry, "UnknownArtifact").withArgs(1n);
      expect(await registry.isValidArtifact(1n)).to.equal(false);
      expect(await registry.artifactIdOfBlob(ZeroAddress, ZeroHash)).to.equal(0n);
      expect(await registry.modelIdOf(ZeroAddress, "risk-scorer")).to.equal(0n);
    });
  });
});
