import { expect } from "chai";
import { ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { executeDelayed } from "../../src/admin.js";
import { RevocationReason } from "../../src/registry.js";
import { RISK_SCORER_OUTPUTS, deployScenario } from "../../testing/index.js";
import { proveRiskScore } from "../../src/models/riskScorer.js";
import { releaseProver, zkBinding, type ZkProof } from "../../src/zk.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const fixture = () => deployScenario(connection);
const load = () => networkHelpers.loadFixture(fixture);

/** What `verify` takes: the artifact, the proof's points, and its input hash, binding and outputs. */
type VerifyArgs = [artifactId: bigint, points: bigint[], inputHash: bigint, binding: bigint, outputs: bigint[]];

/** The arguments `verify` takes for `proof` on `artifactId`: the proof, its input hash, binding and outputs. */
const verifyArgs = (artifactId: bigint, proof: ZkProof): VerifyArgs => [
  artifactId,
  proof.proof,
  proof.publicSignals[1],
  proof.publicSignals[2],
  proof.publicSignals.slice(3),
];

describe("VerifierRouter", () => {
  describe("addVerifier", () => {
    it("adds a verifier only as a delayed TRUST_ADMIN action, once, with code and 1 to 8 outputs", async () => {
      const { router, manager, verifier, signers, advance } = await load();
      const other = await ethers.deployContract("RiskScorerVerifier");
      const otherAddress = await other.getAddress();
      await expect(router.connect(signers.trustAdmin).addVerifier(otherAddress, 2)).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotScheduled",
      );
      await expect(router.connect(signers.other).addVerifier(otherAddress, 2)).to.be.revertedWithCustomError(
        router,
        "AccessManagedUnauthorized",
      );
      const add = (address: string, outputs: number) =>
        executeDelayed(
          manager,
          signers.trustAdmin,
          router.target as string,
          router.interface.encodeFunctionData("addVerifier", [address, outputs]),
          advance,
        );
      await expect(add(signers.other.address, 2))
        .to.be.revertedWithCustomError(router, "VerifierNotContract")
        .withArgs(signers.other.address);
      await expect(add(otherAddress, 0)).to.be.revertedWithCustomError(router, "InvalidOutputCount").withArgs(0, 8);
      await expect(add(otherAddress, 9)).to.be.revertedWithCustomError(router, "InvalidOutputCount").withArgs(9, 8);
      await expect(add(verifier, 2)).to.be.revertedWithCustomError(router, "VerifierAlreadyAdded").withArgs(verifier);
      expect((await router.getVerifier(otherAddress)).status).to.equal(0n);
      await add(otherAddress, 2);
      const state = await router.getVerifier(otherAddress);
      expect(state.status).to.equal(1n);
      expect(state.outputs).to.equal(2n);
      expect(state.selector).to.equal(
        ethers.id("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[5])").slice(0, 10),
      );
      expect(state.addedAt).to.be.greaterThan(0n);
      expect(state.frozenAt).to.equal(0n);
    });

    it("emits VerifierAdded with the output count", async () => {
      const { router, manager, signers, advance } = await load();
      const other = await (await ethers.deployContract("RiskScorerVerifier")).getAddress();
      const data = router.interface.encodeFunctionData("addVerifier", [other, 8]);
      const target = await router.getAddress();
      await manager.connect(signers.trustAdmin).schedule(target, data, 0n);
      await advance(3_600n);
      await expect(manager.connect(signers.trustAdmin).execute(target, data))
        .to.emit(router, "VerifierAdded")
        .withArgs(other, 8);
    });
  });

  describe("freezeVerifier", () => {
    it("freezes only known verifiers, and only as GUARDIAN", async () => {
      const { router, verifier, signers } = await load();
      await expect(router.connect(signers.trustAdmin).freezeVerifier(verifier)).to.be.revertedWithCustomError(
        router,
        "AccessManagedUnauthorized",
      );
      await expect(router.connect(signers.guardian).freezeVerifier(signers.other.address))
        .to.be.revertedWithCustomError(router, "UnknownVerifier")
        .withArgs(signers.other.address);
    });

    it("freezes for good: a second freeze and any new binding revert with VerifierIsFrozen", async () => {
      const { router, verifier, signers, registerArtifact } = await load();
      await expect(router.connect(signers.guardian).freezeVerifier(verifier))
        .to.emit(router, "VerifierFrozen")
        .withArgs(verifier, signers.guardian.address);
      await expect(router.connect(signers.guardian).freezeVerifier(verifier))
        .to.be.revertedWithCustomError(router, "VerifierIsFrozen")
        .withArgs(verifier);
      const state = await router.getVerifier(verifier);
      expect(state.status).to.equal(2n);
      expect(state.frozenAt).to.be.greaterThan(0n);

      await registerArtifact("1.2.0", 3n);
      await expect(router.connect(signers.publisher).bindArtifact(3n, verifier))
        .to.be.revertedWithCustomError(router, "VerifierIsFrozen")
        .withArgs(verifier);
      // Existing bindings are kept (bindings never change), but nothing verifies through them.
      expect((await router.bindingOf(1n))[0]).to.equal(verifier);
    });
  });

  describe("bindArtifact and bindingOf", () => {
    it("binds an artifact once, by its publisher, to a known verifier, when it has a ZK commitment", async () => {
      const { router, registry, verifier, signers, registerArtifact } = await load();
      await expect(router.connect(signers.publisher).bindArtifact(1n, verifier))
        .to.be.revertedWithCustomError(router, "ArtifactAlreadyBound")
        .withArgs(1n, verifier);
      await registerArtifact("1.5.0", 0n);
      await registerArtifact("1.6.0", 42n);
      await expect(router.connect(signers.publisher).bindArtifact(3n, verifier))
        .to.be.revertedWithCustomError(router, "NoZkCommitment")
        .withArgs(3n);
      await expect(router.connect(signers.other).bindArtifact(4n, verifier))
        .to.be.revertedWithCustomError(router, "NotArtifactPublisher")
        .withArgs(4n, signers.other.address);
      await expect(router.connect(signers.publisher).bindArtifact(4n, signers.other.address))
        .to.be.revertedWithCustomError(router, "UnknownVerifier")
        .withArgs(signers.other.address);
      await expect(router.connect(signers.publisher).bindArtifact(99n, verifier))
        .to.be.revertedWithCustomError(router, "ArtifactNotBindable")
        .withArgs(99n);
      await registry.connect(signers.publisher).revokeArtifact(4n, RevocationReason.Defective);
      await expect(router.connect(signers.publisher).bindArtifact(4n, verifier))
        .to.be.revertedWithCustomError(router, "ArtifactNotBindable")
        .withArgs(4n);
      expect(await router.bindingOf(4n)).to.deep.equal([ZeroAddress, 0n]);
    });

    it("caches the artifact's ZK commitment with the binding, and emits ArtifactBound", async () => {
      const { router, registry, verifier, signers, registerArtifact } = await load();
      const [bound, modelCommitment] = await router.bindingOf(1n);
      expect(bound).to.equal(verifier);
      expect(modelCommitment).to.equal((await registry.getArtifact(1n)).zkCommitment);
      await registerArtifact("1.6.0", 42n);
      expect(await router.bindingOf(3n)).to.deep.equal([ZeroAddress, 0n]);
      await expect(router.connect(signers.publisher).bindArtifact(3n, verifier))
        .to.emit(router, "ArtifactBound")
        .withArgs(3n, verifier, 42n);
      expect(await router.bindingOf(3n)).to.deep.equal([verifier, 42n]);
    });
  });

  describe("verify", function () {
    // Each proof takes about a second on two cores.
    this.timeout(120_000);
    after(releaseProver);

    /** A real proof of the scenario's first model on one input, for an arbitrary record binding. */
    const proofFor = async (scenario: Awaited<ReturnType<typeof load>>) => {
      const { chainId } = await ethers.provider.getNetwork();
      const binding = zkBinding(chainId, await scenario.ledger.getAddress(), keccak256(toUtf8Bytes("a record")));
      const input = { subject: scenario.signers.other.address, features: [400n, 2n, 500n, 100n], salt: 7n };
      return proveRiskScore(scenario.models[0], input, binding);
    };

    it("answers (verifier, true) for a valid proof, and (verifier, false) for a tampered one", async () => {
      const scenario = await load();
      const { router, verifier } = scenario;
      const proof = await proofFor(scenario);
      expect([...(await router.verify(...verifyArgs(1n, proof)))]).to.deep.equal([verifier, true]);

      const [artifactId, points, inputHash, binding, outputs] = verifyArgs(1n, proof);
      const tampered: VerifyArgs[] = [
        [artifactId, points, inputHash + 1n, binding, outputs],
        [artifactId, points, inputHash, binding + 1n, outputs],
        [artifactId, points, inputHash, binding, [outputs[0], outputs[1] + 1n]],
        [artifactId, [...points.slice(0, 7), points[7] + 1n], inputHash, binding, outputs],
      ];
      for (const args of tampered) {
        expect([...(await router.verify(...args))]).to.deep.equal([verifier, false]);
      }
      // Artifact 2 is bound to the same verifier with other weights: the proof does not hold for it.
      expect([...(await router.verify(...verifyArgs(2n, proof)))]).to.deep.equal([verifier, false]);
    });

    it("reverts with ArtifactNotBound, ZkOutputCountMismatch and VerifierIsFrozen when no proof can be checked", async () => {
      const scenario = await load();
      const { router, verifier, signers, registerArtifact } = scenario;
      const proof = await proofFor(scenario);
      const [, points, inputHash, binding, outputs] = verifyArgs(1n, proof);
      await registerArtifact("2.0.0", 5n);
      await expect(router.verify(3n, points, inputHash, binding, outputs))
        .to.be.revertedWithCustomError(router, "ArtifactNotBound")
        .withArgs(3n);
      await expect(router.verify(99n, points, inputHash, binding, outputs))
        .to.be.revertedWithCustomError(router, "ArtifactNotBound")
        .withArgs(99n);
      await expect(router.verify(1n, points, inputHash, binding, [outputs[1]]))
        .to.be.revertedWithCustomError(router, "ZkOutputCountMismatch")
        .withArgs(RISK_SCORER_OUTPUTS, 1n);
      await expect(router.verify(1n, points, inputHash, binding, [...outputs, 0n]))
        .to.be.revertedWithCustomError(router, "ZkOutputCountMismatch")
        .withArgs(RISK_SCORER_OUTPUTS, 3n);
      await router.connect(signers.guardian).freezeVerifier(verifier);
      await expect(router.verify(...verifyArgs(1n, proof)))
        .to.be.revertedWithCustomError(router, "VerifierIsFrozen")
        .withArgs(verifier);
    });
  });

  describe("batch verifiers", () => {
    /** `addBatchVerifier(address, size)` as the delayed TRUST_ADMIN action it is. */
    const addBatch = async (scenario: Awaited<ReturnType<typeof load>>, address: string, size: number) =>
      executeDelayed(
        scenario.manager,
        scenario.signers.trustAdmin,
        scenario.router.target as string,
        scenario.router.interface.encodeFunctionData("addBatchVerifier", [address, size]),
        scenario.advance,
      );

    it("adds a batch verifier as a delayed TRUST_ADMIN action, with 2 to 64 records and the batch selector", async () => {
      const scenario = await load();
      const { router, signers, batchVerifier } = scenario;
      const other = await (await ethers.deployContract("RiskScorerBatch16Verifier")).getAddress();
      await expect(router.connect(signers.other).addBatchVerifier(other, 16)).to.be.revertedWithCustomError(
        router,
        "AccessManagedUnauthorized",
      );
      await expect(addBatch(scenario, other, 1))
        .to.be.revertedWithCustomError(router, "InvalidBatchSize")
        .withArgs(1, 64);
      await expect(addBatch(scenario, other, 65))
        .to.be.revertedWithCustomError(router, "InvalidBatchSize")
        .withArgs(65, 64);
      await expect(addBatch(scenario, signers.other.address, 16))
        .to.be.revertedWithCustomError(router, "VerifierNotContract")
        .withArgs(signers.other.address);
      await expect(addBatch(scenario, batchVerifier, 16))
        .to.be.revertedWithCustomError(router, "VerifierAlreadyAdded")
        .withArgs(batchVerifier);
      const state = await router.getVerifier(batchVerifier);
      expect(state.batchSize).to.equal(16n);
      expect(state.outputs).to.equal(2n);
      // The model commitment, then sixteen input hashes, bindings and packed outputs.
      expect(state.selector).to.equal(
        ethers.id("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[49])").slice(0, 10),
      );
      const data = router.interface.encodeFunctionData("addBatchVerifier", [other, 16]);
      await scenario.manager.connect(signers.trustAdmin).schedule(router.target as string, data, 0n);
      await scenario.advance(3_600n);
      await expect(scenario.manager.connect(signers.trustAdmin).execute(router.target as string, data))
        .to.emit(router, "BatchVerifierAdded")
        .withArgs(other, 16);
      expect(await router.MAX_ZK_BATCH()).to.equal(64n);
    });

    it("binds a batch verifier per size once, by the publisher, to an artifact bound to a single one", async () => {
      const scenario = await load();
      const { router, registry, signers, verifier, batchVerifier, registerArtifact } = scenario;
      expect(await router.batchVerifierOf(1n, 16)).to.equal(batchVerifier);
      expect(await router.batchVerifierOf(2n, 16)).to.equal(ZeroAddress);
      // Artifact 2 is bound to the single verifier; the batch verifier binds to it once, by its publisher only.
      await expect(router.connect(signers.other).bindBatchVerifier(2n, batchVerifier))
        .to.be.revertedWithCustomError(router, "NotArtifactPublisher")
        .withArgs(2n, signers.other.address);
      // A single-record verifier is not a batch verifier, nor the other way round.
      await expect(router.connect(signers.publisher).bindBatchVerifier(2n, verifier))
        .to.be.revertedWithCustomError(router, "VerifierKindMismatch")
        .withArgs(verifier);
      await expect(router.connect(signers.publisher).bindBatchVerifier(2n, batchVerifier))
        .to.emit(router, "BatchVerifierBound")
        .withArgs(2n, 16, batchVerifier);
      await expect(router.connect(signers.publisher).bindBatchVerifier(2n, batchVerifier))
        .to.be.revertedWithCustomError(router, "BatchVerifierAlreadyBound")
        .withArgs(2n, 16, batchVerifier);
      // A new artifact with a ZK commitment: no batch verifier before its single binding, and never a batch one as
      // its single verifier.
      await registerArtifact("1.6.0", 42n);
      const artifactId = 3n;
      await expect(router.connect(signers.publisher).bindBatchVerifier(artifactId, batchVerifier))
        .to.be.revertedWithCustomError(router, "ArtifactNotBound")
        .withArgs(artifactId);
      await expect(router.connect(signers.publisher).bindArtifact(artifactId, batchVerifier))
        .to.be.revertedWithCustomError(router, "VerifierKindMismatch")
        .withArgs(batchVerifier);
      await expect(router.connect(signers.publisher).bindBatchVerifier(99n, batchVerifier))
        .to.be.revertedWithCustomError(router, "ArtifactNotBindable")
        .withArgs(99n);
      await registry.connect(signers.publisher).revokeArtifact(2n, RevocationReason.Defective);
      await expect(router.connect(signers.publisher).bindBatchVerifier(2n, batchVerifier))
        .to.be.revertedWithCustomError(router, "ArtifactNotBindable")
        .withArgs(2n);
    });

    it("verifyBatch reverts when no proof can be checked: unbound artifact or size, malformed lists, frozen", async () => {
      const { router, signers, batchVerifier } = await load();
      const points = Array<bigint>(8).fill(1n);
      const sixteen = Array<bigint>(16).fill(1n);
      await expect(router.verifyBatch(99n, points, sixteen, sixteen, sixteen))
        .to.be.revertedWithCustomError(router, "ArtifactNotBound")
        .withArgs(99n);
      await expect(router.verifyBatch(2n, points, sixteen, sixteen, sixteen))
        .to.be.revertedWithCustomError(router, "NoBatchVerifier")
        .withArgs(2n, 16n);
      const fifteen = sixteen.slice(1);
      await expect(router.verifyBatch(1n, points, fifteen, fifteen, fifteen))
        .to.be.revertedWithCustomError(router, "NoBatchVerifier")
        .withArgs(1n, 15n);
      const many = Array<bigint>(256).fill(1n);
      await expect(router.verifyBatch(1n, points, many, many, many))
        .to.be.revertedWithCustomError(router, "NoBatchVerifier")
        .withArgs(1n, 256n);
      await expect(router.verifyBatch(1n, points, sixteen, fifteen, sixteen)).to.be.revertedWithCustomError(
        router,
        "ZkBatchMalformed",
      );
      await expect(router.verifyBatch(1n, points, sixteen, sixteen, fifteen)).to.be.revertedWithCustomError(
        router,
        "ZkBatchMalformed",
      );
      // A proof of nothing is checked and refused.
      expect([...(await router.verifyBatch(1n, points, sixteen, sixteen, sixteen))]).to.deep.equal([
        batchVerifier,
        false,
      ]);
      await router.connect(signers.guardian).freezeVerifier(batchVerifier);
      await expect(router.verifyBatch(1n, points, sixteen, sixteen, sixteen))
        .to.be.revertedWithCustomError(router, "VerifierIsFrozen")
        .withArgs(batchVerifier);
    });
  });

  describe("views", () => {
    it("reports its model registry and the most outputs a circuit may have", async () => {
      const { router, registry } = await load();
      expect(await router.modelRegistry()).to.equal(await registry.getAddress());
      expect(await router.MAX_ZK_OUTPUTS()).to.equal(8n);
    });
  });
});
