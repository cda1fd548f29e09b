import { expect } from "chai";
import { TypedDataEncoder, ZeroAddress, ZeroHash, keccak256, toUtf8Bytes, type Signer } from "ethers";
import { network } from "hardhat";

import {
  ENCLAVE_KEY_CONSENT_TYPES,
  HEARTBEAT_TYPES,
  NODE_KEY_CONSENT_TYPES,
  Route,
  attesterRegistryDomain,
  ledgerDomain,
  signEnclaveKeyConsent,
  signHeartbeat,
  signNodeKeyConsent,
} from "../../src/ledger.js";
import { RevocationReason } from "../../src/registry.js";
import { MEASUREMENT, deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { networkHelpers } = connection;
const fixture = () => deployScenario(connection);
const load = () => networkHelpers.loadFixture(fixture);

/** The scenario's heartbeat TTL (`deploy/parameters/default.json` leaves the module default, one hour). */
const HEARTBEAT_TTL = 3_600n;

type Scenario = Awaited<ReturnType<typeof deployScenario>>;

/** `registerEnclave`'s calldata for `enclave`, with the enclave key's consent to exactly this binding. */
async function enclaveRegistration(
  { attesters, attestersDomain }: Scenario,
  enclave: Signer,
  binding: { measurement: string; route: Route; subject: bigint },
  quote = ZeroHash,
) {
  const consent = await signEnclaveKeyConsent(enclave, attestersDomain, binding);
  return attesters.interface.encodeFunctionData("registerEnclave", [
    await enclave.getAddress(),
    binding.measurement,
    binding.route,
    binding.subject,
    quote,
    consent,
  ]);
}

/** Schedules `data` on the attester registry as the trust admin, waits out the delay, and executes it. */
async function asTrustAdmin({ attesters, manager, signers, advance }: Scenario, data: string) {
  const target = await attesters.getAddress();
  await manager.connect(signers.trustAdmin).schedule(target, data, 0n);
  await advance(3_600n);
  return manager.connect(signers.trustAdmin).execute(target, data);
}

describe("AttesterRegistry", () => {
  describe("nodes", () => {
    it("registers nodes and refuses zero or duplicate keys", async () => {
      const { attesters, signers, registerNode, attestersDomain } = await load();
      await expect(registerNode(signers.other, signers.other))
        .to.emit(attesters, "NodeRegistered")
        .withArgs(2n, signers.other.address, signers.other.address);
      expect(await attesters.nodeIdOf(signers.other.address)).to.equal(2n);
      expect((await attesters.getNode(2n)).operator).to.equal(signers.other.address);
      await expect(attesters.registerNode(ZeroHash.slice(0, 42), "0x")).to.be.revertedWithCustomError(
        attesters,
        "ZeroKey",
      );
      const enclaveConsent = await signNodeKeyConsent(signers.enclave, attestersDomain, signers.deployer.address);
      await expect(attesters.registerNode(signers.enclave.address, enclaveConsent))
        .to.be.revertedWithCustomError(attesters, "KeyAlreadyRegistered")
        .withArgs(signers.enclave.address);
      await expect(attesters.getNode(7n)).to.be.revertedWithCustomError(attesters, "UnknownNode").withArgs(7n);
    });

    it("registers no key without its consent to this operator, registry and chain (KeyConsentInvalid)", async () => {
      const { attesters, signers, attestersDomain, ledger } = await load();
      const other = signers.other.address;
      // A squatter signs for the key itself, or replays the key's consent to someone else as operator.
      const bySquatter = await signers.publisher.signTypedData(attestersDomain, NODE_KEY_CONSENT_TYPES, {
        key: other,
        operator: signers.publisher.address,
      });
      await expect(attesters.connect(signers.publisher).registerNode(other, bySquatter))
        .to.be.revertedWithCustomError(attesters, "KeyConsentInvalid")
        .withArgs(other, signers.publisher.address);
      const toOther = await signNodeKeyConsent(signers.other, attestersDomain, other);
      await expect(attesters.connect(signers.publisher).registerNode(other, toOther)).to.be.revertedWithCustomError(
        attesters,
        "KeyConsentInvalid",
      );
      // A consent under another contract's domain (here the ledger's) is not a consent to this registry.
      const chainId = attestersDomain.chainId as bigint;
      const elsewhere = await signNodeKeyConsent(
        signers.other,
        ledgerDomain(chainId, await ledger.getAddress()),
        other,
      );
      await expect(attesters.connect(signers.other).registerNode(other, elsewhere)).to.be.revertedWithCustomError(
        attesters,
        "KeyConsentInvalid",
      );
      await attesters.connect(signers.other).registerNode(other, toOther);
      expect((await attesters.getNode(2n)).operator).to.equal(other);
    });

    it("hashes key consents as the client signs them", async () => {
      const { attesters, signers, attestersDomain } = await load();
      expect(await attesters.nodeKeyConsentTypedDataHash(signers.other.address, signers.deployer.address)).to.equal(
        TypedDataEncoder.hash(attestersDomain, NODE_KEY_CONSENT_TYPES, {
          key: signers.other.address,
          operator: signers.deployer.address,
        }),
      );
      const binding = { measurement: MEASUREMENT, route: Route.Proxy, subject: 1n };
      expect(
        await attesters.enclaveKeyConsentTypedDataHash(signers.other.address, MEASUREMENT, Route.Proxy, 1n),
      ).to.equal(
        TypedDataEncoder.hash(attestersDomain, ENCLAVE_KEY_CONSENT_TYPES, {
          enclave: signers.other.address,
          ...binding,
        }),
      );
    });

    it("lets the operator or a guardian deactivate a node, once", async () => {
      const { attesters, signers } = await load();
      await expect(attesters.connect(signers.other).deactivateNode(1n))
        .to.be.revertedWithCustomError(attesters, "NotNodeOperator")
        .withArgs(1n, signers.other.address);
      await expect(attesters.deactivateNode(5n)).to.be.revertedWithCustomError(attesters, "UnknownNode");
      await expect(attesters.connect(signers.other).guardianDeactivateNode(1n)).to.be.revertedWithCustomError(
        attesters,
        "AccessManagedUnauthorized",
      );
      await expect(attesters.connect(signers.guardian).guardianDeactivateNode(1n))
        .to.emit(attesters, "NodeDeactivated")
        .withArgs(1n, signers.guardian.address);
      await expect(attesters.deactivateNode(1n)).to.be.revertedWithCustomError(attesters, "NodeInactive").withArgs(1n);
      await expect(attesters.connect(signers.guardian).guardianDeactivateNode(9n)).to.be.revertedWithCustomError(
        attesters,
        "UnknownNode",
      );
    });

    it("activeNodeId names an active key's node, and 0 for an unknown or deactivated key", async () => {
      const { attesters, signers } = await load();
      expect(await attesters.activeNodeId(signers.node.address)).to.equal(1n);
      expect(await attesters.activeNodeId(signers.other.address)).to.equal(0n);
      expect(await attesters.activeNodeId(ZeroAddress)).to.equal(0n);
      // An enclave key is a key of the registry, but not a node key.
      expect(await attesters.activeNodeId(signers.enclave.address)).to.equal(0n);
      await attesters.connect(signers.deployer).deactivateNode(1n);
      expect(await attesters.activeNodeId(signers.node.address)).to.equal(0n);
      // nodeIdOf still names the node: the key stays taken.
      expect(await attesters.nodeIdOf(signers.node.address)).to.equal(1n);
      expect((await attesters.getNode(1n)).active).to.equal(false);
    });
  });

  describe("providers", () => {
    it("registers providers with bounded names, unique per registrant", async () => {
      const { attesters, signers } = await load();
      await expect(attesters.registerProvider("anthropic/claude"))
        .to.emit(attesters, "ProviderRegistered")
        .withArgs(2n, signers.deployer.address, "anthropic/claude");
      expect(await attesters.providerName(2n)).to.equal("anthropic/claude");
      expect(await attesters.providerRegistrant(2n)).to.equal(signers.deployer.address);
      await expect(attesters.providerRegistrant(9n)).to.be.revertedWithCustomError(attesters, "UnknownProvider");
      await expect(attesters.registerProvider("")).to.be.revertedWithCustomError(attesters, "InvalidProviderName");
      await expect(attesters.registerProvider("x".repeat(65))).to.be.revertedWithCustomError(
        attesters,
        "InvalidProviderName",
      );
      await expect(attesters.registerProvider("anthropic/claude"))
        .to.be.revertedWithCustomError(attesters, "ProviderNameTaken")
        .withArgs(signers.deployer.address, "anthropic/claude", 2n);
      // A squatter who registered a name first takes it from nobody: the same name from another registrant is
      // another provider id, with its registrant on record.
      await expect(attesters.connect(signers.other).registerProvider("anthropic/claude"))
        .to.emit(attesters, "ProviderRegistered")
        .withArgs(3n, signers.other.address, "anthropic/claude");
      await expect(attesters.providerName(0n)).to.be.revertedWithCustomError(attesters, "UnknownProvider").withArgs(0n);
    });
  });

  describe("isValidSubject", () => {
    it("accepts a valid artifact on the Local route and a registered provider on the Proxy route", async () => {
      const { attesters } = await load();
      expect(await attesters.isValidSubject(Route.Local, 1n)).to.equal(true);
      expect(await attesters.isValidSubject(Route.Local, 2n)).to.equal(true);
      expect(await attesters.isValidSubject(Route.Proxy, 1n)).to.equal(true);
    });

    it("refuses an unknown or revoked artifact and an unknown provider, and follows new providers", async () => {
      const { attesters, registry, signers } = await load();
      expect(await attesters.isValidSubject(Route.Local, 0n)).to.equal(false);
      expect(await attesters.isValidSubject(Route.Local, 9n)).to.equal(false);
      expect(await attesters.isValidSubject(Route.Proxy, 0n)).to.equal(false);
      expect(await attesters.isValidSubject(Route.Proxy, 2n)).to.equal(false);
      await registry.connect(signers.publisher).revokeArtifact(1n, RevocationReason.Compromised);
      expect(await attesters.isValidSubject(Route.Local, 1n)).to.equal(false);
      expect(await attesters.isValidSubject(Route.Local, 2n)).to.equal(true);
      await attesters.registerProvider("anthropic/claude");
      expect(await attesters.isValidSubject(Route.Proxy, 2n)).to.equal(true);
    });
  });

  describe("measurements and enclaves", () => {
    it("approves measurements only after the trust admin's delay", async () => {
      const { attesters, manager, signers, advance } = await load();
      const measurement = keccak256(toUtf8Bytes("image v2"));
      await expect(attesters.connect(signers.trustAdmin).approveMeasurement(measurement)).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotScheduled",
      );
      await expect(attesters.connect(signers.guardian).approveMeasurement(measurement)).to.be.revertedWithCustomError(
        attesters,
        "AccessManagedUnauthorized",
      );
      const data = attesters.interface.encodeFunctionData("approveMeasurement", [measurement]);
      await manager.connect(signers.trustAdmin).schedule(await attesters.getAddress(), data, 0n);
      await expect(
        manager.connect(signers.trustAdmin).execute(await attesters.getAddress(), data),
      ).to.be.revertedWithCustomError(manager, "AccessManagerNotReady");
      await advance(3_600n);
      await expect(manager.connect(signers.trustAdmin).execute(await attesters.getAddress(), data))
        .to.emit(attesters, "MeasurementApproved")
        .withArgs(measurement);
      expect((await attesters.getMeasurement(measurement)).approvedAt).to.be.greaterThan(0n);
    });

    it("reverts with ZeroMeasurement, MeasurementAlreadyApproved and MeasurementNotApproved", async () => {
      const scenario = await load();
      const { attesters, signers } = scenario;
      await expect(
        asTrustAdmin(scenario, attesters.interface.encodeFunctionData("approveMeasurement", [ZeroHash])),
      ).to.be.revertedWithCustomError(attesters, "ZeroMeasurement");
      await expect(asTrustAdmin(scenario, attesters.interface.encodeFunctionData("approveMeasurement", [MEASUREMENT])))
        .to.be.revertedWithCustomError(attesters, "MeasurementAlreadyApproved")
        .withArgs(MEASUREMENT);
      const unknown = keccak256(toUtf8Bytes("never approved"));
      await expect(attesters.connect(signers.guardian).revokeMeasurement(unknown))
        .to.be.revertedWithCustomError(attesters, "MeasurementNotApproved")
        .withArgs(unknown);
      await expect(
        asTrustAdmin(
          scenario,
          await enclaveRegistration(scenario, signers.other, { measurement: unknown, route: Route.Local, subject: 1n }),
        ),
      )
        .to.be.revertedWithCustomError(attesters, "MeasurementNotApproved")
        .withArgs(unknown);
      await expect(attesters.connect(signers.guardian).revokeMeasurement(MEASUREMENT))
        .to.emit(attesters, "MeasurementRevoked")
        .withArgs(MEASUREMENT, signers.guardian.address);
      await expect(attesters.connect(signers.guardian).revokeMeasurement(MEASUREMENT)).to.be.revertedWithCustomError(
        attesters,
        "MeasurementNotApproved",
      );
    });

    it("registers an enclave through the trust admin's delay, bound to its route and subject", async () => {
      const scenario = await load();
      const { attesters, signers } = scenario;
      const quote = keccak256(toUtf8Bytes("quote"));
      const binding = { measurement: MEASUREMENT, route: Route.Local, subject: 2n };
      const data = await enclaveRegistration(scenario, signers.other, binding, quote);
      await expect(asTrustAdmin(scenario, data))
        .to.emit(attesters, "EnclaveRegistered")
        .withArgs(signers.other.address, MEASUREMENT, Route.Local, 2n, quote);
      const enclave = await attesters.getEnclave(signers.other.address);
      expect([enclave.route, enclave.subject, enclave.measurement, enclave.quoteHash]).to.deep.equal([
        BigInt(Route.Local),
        2n,
        MEASUREMENT,
        quote,
      ]);
      expect(enclave.registered).to.equal(true);
      expect(enclave.lastHeartbeat).to.equal(0n);
      // Registered, but not live before its first heartbeat.
      expect(await attesters.isEnclaveLive(signers.other.address)).to.equal(false);
    });

    it("registers no enclave without its consent to exactly this measurement and binding", async () => {
      const scenario = await load();
      const { attesters, signers, attestersDomain } = scenario;
      // The enclave consented to artifact 2; the trust admin's call binds it to artifact 1.
      const consent = await signEnclaveKeyConsent(signers.other, attestersDomain, {
        measurement: MEASUREMENT,
        route: Route.Local,
        subject: 2n,
      });
      const data = attesters.interface.encodeFunctionData("registerEnclave", [
        signers.other.address,
        MEASUREMENT,
        Route.Local,
        1n,
        ZeroHash,
        consent,
      ]);
      await expect(asTrustAdmin(scenario, data)).to.be.revertedWithCustomError(attesters, "KeyConsentInvalid");
    });

    it("reverts with EnclaveSubjectInvalid for an unknown or revoked artifact, or an unknown provider", async () => {
      const scenario = await load();
      const { attesters, registry, signers } = scenario;
      const register = async (route: Route, subject: bigint) =>
        asTrustAdmin(
          scenario,
          await enclaveRegistration(scenario, signers.other, { measurement: MEASUREMENT, route, subject }),
        );
      await expect(register(Route.Local, 9n))
        .to.be.revertedWithCustomError(attesters, "EnclaveSubjectInvalid")
        .withArgs(Route.Local, 9n);
      await expect(register(Route.Proxy, 2n))
        .to.be.revertedWithCustomError(attesters, "EnclaveSubjectInvalid")
        .withArgs(Route.Proxy, 2n);
      await expect(register(Route.Proxy, 0n))
        .to.be.revertedWithCustomError(attesters, "EnclaveSubjectInvalid")
        .withArgs(Route.Proxy, 0n);
      await registry.connect(signers.publisher).revokeArtifact(2n, RevocationReason.Defective);
      await expect(register(Route.Local, 2n))
        .to.be.revertedWithCustomError(attesters, "EnclaveSubjectInvalid")
        .withArgs(Route.Local, 2n);
      await expect(attesters.getEnclave(signers.other.address)).to.be.revertedWithCustomError(
        attesters,
        "UnknownEnclave",
      );
    });

    it("reverts with UnknownEnclave and EnclaveIsDisabled, and guards heartbeats", async () => {
      const { attesters, signers, attestersDomain, networkHelpers: helpers } = await load();
      await expect(attesters.connect(signers.guardian).disableEnclave(signers.other.address))
        .to.be.revertedWithCustomError(attesters, "UnknownEnclave")
        .withArgs(signers.other.address);
      await expect(attesters.getEnclave(signers.other.address)).to.be.revertedWithCustomError(
        attesters,
        "UnknownEnclave",
      );
      const now = BigInt(await helpers.time.latest());
      const stale = await signHeartbeat(signers.enclave, attestersDomain, now - 10n);
      const enclave = await attesters.getEnclave(signers.enclave.address);
      expect(enclave.measurement).to.equal(MEASUREMENT);
      await expect(attesters.heartbeat(signers.enclave.address, now - 10n, stale))
        .to.be.revertedWithCustomError(attesters, "StaleHeartbeat")
        .withArgs(now - 10n, enclave.lastHeartbeat);
      const future = await signHeartbeat(signers.enclave, attestersDomain, now + 100n);
      await expect(attesters.heartbeat(signers.enclave.address, now + 100n, future)).to.be.revertedWithCustomError(
        attesters,
        "StaleHeartbeat",
      );
      const forged = await signers.other.signTypedData(attestersDomain, HEARTBEAT_TYPES, {
        enclave: signers.enclave.address,
        timestamp: now,
      });
      await expect(attesters.heartbeat(signers.enclave.address, now, forged))
        .to.be.revertedWithCustomError(attesters, "InvalidHeartbeatSignature")
        .withArgs(signers.enclave.address, signers.other.address);
      await expect(attesters.heartbeat(signers.other.address, now, forged)).to.be.revertedWithCustomError(
        attesters,
        "UnknownEnclave",
      );
      await expect(attesters.connect(signers.guardian).disableEnclave(signers.enclave.address))
        .to.emit(attesters, "EnclaveDisabled")
        .withArgs(signers.enclave.address, signers.guardian.address);
      await expect(attesters.connect(signers.guardian).disableEnclave(signers.enclave.address))
        .to.be.revertedWithCustomError(attesters, "EnclaveIsDisabled")
        .withArgs(signers.enclave.address);
      await expect(attesters.heartbeat(signers.enclave.address, now, forged)).to.be.revertedWithCustomError(
        attesters,
        "EnclaveIsDisabled",
      );
    });

    it("takes heartbeats signed under its own domain only, not the ledger's", async () => {
      const { attesters, domain, signers, networkHelpers: helpers } = await load();
      const timestamp = BigInt(await helpers.time.latest()) + 1n;
      await helpers.time.setNextBlockTimestamp(timestamp);
      const underLedger = await signHeartbeat(signers.enclave, domain, timestamp);
      const ledgerDigest = TypedDataEncoder.hash(domain, HEARTBEAT_TYPES, {
        enclave: signers.enclave.address,
        timestamp,
      });
      expect(ledgerDigest).to.not.equal(await attesters.heartbeatTypedDataHash(signers.enclave.address, timestamp));
      // The signature recovers to some other address, never to the enclave.
      await expect(attesters.heartbeat(signers.enclave.address, timestamp, underLedger)).to.be.revertedWithCustomError(
        attesters,
        "InvalidHeartbeatSignature",
      );
    });

    it("emits Heartbeat and keeps the enclave live for heartbeatTtl seconds", async () => {
      const { attesters, signers, attestersDomain, networkHelpers: helpers } = await load();
      const timestamp = BigInt(await helpers.time.latest()) + 1n;
      await helpers.time.setNextBlockTimestamp(timestamp);
      const signature = await signHeartbeat(signers.enclave, attestersDomain, timestamp);
      await expect(attesters.heartbeat(signers.enclave.address, timestamp, signature))
        .to.emit(attesters, "Heartbeat")
        .withArgs(signers.enclave.address, timestamp);
      expect((await attesters.getEnclave(signers.enclave.address)).lastHeartbeat).to.equal(timestamp);
      await helpers.time.increaseTo(timestamp + HEARTBEAT_TTL - 1n);
      expect(await attesters.isEnclaveLive(signers.enclave.address)).to.equal(true);
      await helpers.time.increaseTo(timestamp + HEARTBEAT_TTL + 1n);
      expect(await attesters.isEnclaveLive(signers.enclave.address)).to.equal(false);
    });
  });

  describe("enclaveStatus", () => {
    it("answers live and the binding of each live enclave", async () => {
      const { attesters, signers } = await load();
      expect([...(await attesters.enclaveStatus(signers.enclave.address))]).to.deep.equal([
        true,
        BigInt(Route.Local),
        1n,
      ]);
      expect([...(await attesters.enclaveStatus(signers.proxyEnclave.address))]).to.deep.equal([
        true,
        BigInt(Route.Proxy),
        1n,
      ]);
    });

    it("answers not live, bound to (Local, 0), for an unknown enclave", async () => {
      const { attesters, signers } = await load();
      expect([...(await attesters.enclaveStatus(signers.other.address))]).to.deep.equal([false, 0n, 0n]);
      expect([...(await attesters.enclaveStatus(signers.node.address))]).to.deep.equal([false, 0n, 0n]);
    });

    it("answers not live, keeping the binding, once stale, disabled or its measurement revoked", async () => {
      const { attesters, signers, advance, beat } = await load();
      await advance(HEARTBEAT_TTL + 1n);
      expect([...(await attesters.enclaveStatus(signers.enclave.address))]).to.deep.equal([
        false,
        BigInt(Route.Local),
        1n,
      ]);
      await beat(signers.enclave);
      await beat(signers.proxyEnclave);
      expect((await attesters.enclaveStatus(signers.enclave.address)).live).to.equal(true);

      await attesters.connect(signers.guardian).disableEnclave(signers.proxyEnclave.address);
      expect([...(await attesters.enclaveStatus(signers.proxyEnclave.address))]).to.deep.equal([
        false,
        BigInt(Route.Proxy),
        1n,
      ]);
      expect((await attesters.enclaveStatus(signers.enclave.address)).live).to.equal(true);

      await attesters.connect(signers.guardian).revokeMeasurement(MEASUREMENT);
      expect([...(await attesters.enclaveStatus(signers.enclave.address))]).to.deep.equal([
        false,
        BigInt(Route.Local),
        1n,
      ]);
      expect(await attesters.isEnclaveLive(signers.enclave.address)).to.equal(false);
    });
  });

  describe("views", () => {
    it("heartbeatTypedDataHash is the client's EIP-712 hash under the attester registry's domain", async () => {
      const { attesters, ethers, signers } = await load();
      const { chainId } = await ethers.provider.getNetwork();
      const domain = attesterRegistryDomain(chainId, await attesters.getAddress());
      for (const [enclave, timestamp] of [
        [signers.enclave.address, 1_700_000_000n],
        [signers.other.address, 2n ** 40n - 1n],
      ] as const) {
        expect(await attesters.heartbeatTypedDataHash(enclave, timestamp)).to.equal(
          TypedDataEncoder.hash(domain, HEARTBEAT_TYPES, { enclave, timestamp }),
        );
      }
      // Not the hash under the ledger's domain (the heartbeat domain moved with the registry).
      const ledgerHash = TypedDataEncoder.hash(ledgerDomain(chainId, await attesters.getAddress()), HEARTBEAT_TYPES, {
        enclave: signers.enclave.address,
        timestamp: 1n,
      });
      expect(await attesters.heartbeatTypedDataHash(signers.enclave.address, 1n)).to.not.equal(ledgerHash);
    });

    it("reports its model registry and heartbeat ttl", async () => {
      const { attesters, registry } = await load();
      expect(await attesters.modelRegistry()).to.equal(await registry.getAddress());
      expect(await attesters.heartbeatTtl()).to.equal(HEARTBEAT_TTL);
    });
  });
});
