import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { signNodeKeyConsent } from "../../src/ledger.js";
import { twinIdOf, twinSalt } from "../../src/market.js";
import { toArtifactParams } from "../../src/registry.js";
import { deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { networkHelpers } = connection;
const fixture = () => deployScenario(connection);
const load = () => networkHelpers.loadFixture(fixture);

/**
 * A mempool watcher as an adversary to anyone registering a name or a key: it copies the pending transaction and
 * sends it first from its own account. Registered names are per-registrant (blob ids per publisher, provider names
 * per registrant, twin ids per owner) and keys need their own consent to their operator, so the copy takes nothing
 * from the original sender. (Blob ids and provider names are also played out in the registries' own tests.)
 */
describe("adversarial: a front-runner takes no name or key from its owner", () => {
  it("replaying an owner's createTwin first creates the watcher's own twin, not the owner's", async () => {
    const { market, signers } = await load();
    const [owner, watcher, trader] = [signers.publisher, signers.other, signers.deployer];
    const salt = twinSalt("ada");
    const announced = twinIdOf(owner.address, salt);

    // The watcher sends the owner's exact calldata first.
    await watcher.sendTransaction({
      to: await market.getAddress(),
      data: market.interface.encodeFunctionData("createTwin", [salt]),
    });
    const watchersTwin = twinIdOf(watcher.address, salt);
    expect(watchersTwin).not.to.equal(announced);
    expect((await market.twinOf(watchersTwin)).owner).to.equal(watcher.address);

    // The owner's own transaction still creates the announced twin, owned by the owner.
    await expect(market.connect(owner).createTwin(salt))
      .to.emit(market, "TwinCreated")
      .withArgs(announced, owner.address, salt);
    expect((await market.twinOf(announced)).owner).to.equal(owner.address);

    // Traders of the announced twin pay its subject fees to the owner, never to the watcher.
    const deadline = BigInt(await networkHelpers.time.latest()) + 600n;
    const cost = await market.getBuyPriceAfterFees(announced, 5n);
    await market.connect(trader).buy(announced, 5n, cost, deadline, { value: cost });
    expect((await market.feesOwed(owner.address))[0]).to.be.greaterThan(0n);
    expect((await market.feesOwed(watcher.address))[0]).to.equal(0n);
  });

  it("replaying a node registration from another account fails: the key consented to its operator only", async () => {
    const { attesters, attestersDomain, signers } = await load();
    const [operator, key, watcher] = [signers.publisher, signers.other, signers.deployer];
    const consent = await signNodeKeyConsent(key, attestersDomain, operator.address);
    // Read as a consent to the watcher, the signature recovers to some other address than the key.
    await expect(attesters.connect(watcher).registerNode(key.address, consent)).to.be.revertedWithCustomError(
      attesters,
      "KeyConsentInvalid",
    );
    await expect(attesters.connect(operator).registerNode(key.address, consent)).to.emit(attesters, "NodeRegistered");
    expect((await attesters.getNode(await attesters.nodeIdOf(key.address))).operator).to.equal(operator.address);
  });

  it("registering a publisher's blob first neither blocks the publisher nor answers lookups of its blob", async () => {
    const { registry, signers } = await load();
    const [publisher, watcher] = [signers.publisher, signers.other];
    const weights = toArtifactParams({
      blobId: keccak256(toUtf8Bytes("blob 2.0.0")),
      contentDigest: keccak256(toUtf8Bytes("weights 2.0.0")),
      format: "circom-groth16",
      version: "2.0.0",
      zkCommitment: 0n,
    });
    // The watcher copies the pending registration's artifact into a model of its own, first.
    await registry.connect(watcher).createModel("copycat", "");
    await registry.connect(watcher).registerArtifact(2n, weights, true);
    await expect(registry.connect(publisher).registerArtifact(1n, weights, true)).to.emit(
      registry,
      "ArtifactRegistered",
    );
    const mine = await registry.artifactIdOfBlob(publisher.address, weights.blobId);
    expect((await registry.getArtifact(mine)).modelId).to.equal(1n);
    expect(await registry.artifactIdOfBlob(watcher.address, weights.blobId)).not.to.equal(mine);
  });
});
