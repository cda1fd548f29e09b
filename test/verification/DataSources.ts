import { expect } from "chai";
import {
  Signature,
  TypedDataEncoder,
  Wallet,
  ZeroAddress,
  ZeroHash,
  concat,
  getBytes,
  hexlify,
  keccak256,
  recoverAddress,
  toBeHex,
  toUtf8Bytes,
  type Signer,
  type TypedDataDomain,
} from "ethers";
import { network } from "hardhat";

import {
  DATA_SOURCE_KEY_CONSENT_TYPES,
  SOURCED_DATA_TYPES,
  signDataSourceKeyConsent,
  signSourcedData,
  sourcedDataSigner,
} from "../../src/dataSources.js";
import { NODE_KEY_CONSENT_TYPES, attesterRegistryDomain } from "../../src/ledger.js";
import { deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { networkHelpers } = connection;
const fixture = () => deployScenario(connection);
const load = () => networkHelpers.loadFixture(fixture);

type Scenario = Awaited<ReturnType<typeof deployScenario>>;

/** secp256k1's group order: `n - s` is the other, high-s, signature of the same message. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Data source keys: plain wallets, which sign off-chain and never send a transaction. */
const key = (label: string) => new Wallet(keccak256(toUtf8Bytes(`data source key ${label}`)));
const KEY_A = key("A");
const KEY_B = key("B");
const KEY_C = key("C");
const STRANGER = key("stranger");

const CONTENT = toUtf8Bytes('{"borrower":"0xb0","lateRepayments90d":2}');
const CONTENT_HASH = keccak256(CONTENT);

/**
 * Registers a data source as `registrant` and returns its id, read from the call itself so that the test does not
 * depend on how many sources the scenario registered first.
 */
async function registerSource({ attesters }: Scenario, registrant: Signer, name: string): Promise<bigint> {
  const sourceId = await attesters.connect(registrant).registerDataSource.staticCall(name);
  await attesters.connect(registrant).registerDataSource(name);
  return sourceId;
}

/** Adds `sourceKey` to `sourceId` as `registrant`, with the key's consent. */
async function addKey(scenario: Scenario, registrant: Signer, sourceId: bigint, sourceKey: Wallet) {
  const consent = await signDataSourceKeyConsent(sourceKey, scenario.attestersDomain, sourceId);
  return scenario.attesters.connect(registrant).addDataSourceKey(sourceId, sourceKey.address, consent);
}

/** A scenario with source `a` (keys A and B, registered by the publisher) and source `b` (key C, by `other`). */
async function withSources() {
  const scenario = await load();
  const { publisher, other } = scenario.signers;
  const a = await registerSource(scenario, publisher, "credit-bureau/eu");
  const b = await registerSource(scenario, other, "price-feed/eth-usd");
  await addKey(scenario, publisher, a, KEY_A);
  await addKey(scenario, publisher, a, KEY_B);
  await addKey(scenario, other, b, KEY_C);
  return { ...scenario, a, b };
}

/** `signature` with its `s` replaced by `n - s` and `v` flipped: the same signer to `ecrecover`, but high-s. */
function highS(signature: string): string {
  const { r, s, v } = Signature.from(signature);
  return concat([r, toBeHex(SECP256K1_N - BigInt(s), 32), v === 27 ? "0x1c" : "0x1b"]);
}

/** `signature` with its last byte (`v`) replaced. */
function withV(signature: string, v: number): string {
  const bytes = getBytes(signature);
  bytes[64] = v;
  return hexlify(bytes);
}

/** The signer the client names for `signature`, or undefined when it refuses it. */
function clientSigner(domain: TypedDataDomain, contentHash: string, signature: string): string | undefined {
  try {
    return sourcedDataSigner(domain, contentHash, signature);
  } catch {
    return undefined;
  }
}

describe("AttesterRegistry: data sources", () => {
  describe("registerDataSource", () => {
    it("registers sources with consecutive ids, emits DataSourceRegistered and records the registrant", async () => {
      const scenario = await load();
      const { attesters, signers } = scenario;
      const first = await attesters.connect(signers.publisher).registerDataSource.staticCall("credit-bureau/eu");
      await expect(attesters.connect(signers.publisher).registerDataSource("credit-bureau/eu"))
        .to.emit(attesters, "DataSourceRegistered")
        .withArgs(first, signers.publisher.address, "credit-bureau/eu");
      // Names are labels, not keys: the same name again, by anyone, is another source.
      await expect(attesters.connect(signers.other).registerDataSource("credit-bureau/eu"))
        .to.emit(attesters, "DataSourceRegistered")
        .withArgs(first + 1n, signers.other.address, "credit-bureau/eu");
      await expect(attesters.connect(signers.publisher).registerDataSource("credit-bureau/eu"))
        .to.emit(attesters, "DataSourceRegistered")
        .withArgs(first + 2n, signers.publisher.address, "credit-bureau/eu");
      expect(await attesters.dataSourceRegistrant(first)).to.equal(signers.publisher.address);
      expect(await attesters.dataSourceRegistrant(first + 1n)).to.equal(signers.other.address);
      // A new source has no key: nothing counts as its data yet.
      expect([...(await attesters.dataSourceOfKey(signers.publisher.address))]).to.deep.equal([0n, false]);
    });

    it("takes names of 1 to 64 bytes and reverts with InvalidDataSourceName otherwise", async () => {
      const { attesters, signers } = await load();
      const registrant = attesters.connect(signers.other);
      for (const name of ["x", "x".repeat(64), "é".repeat(32)]) {
        await expect(registrant.registerDataSource(name)).to.emit(attesters, "DataSourceRegistered");
      }
      // Bytes, not characters: 33 two-byte characters are 66 bytes.
      for (const name of ["", "x".repeat(65), "é".repeat(33)]) {
        await expect(registrant.registerDataSource(name)).to.be.revertedWithCustomError(
          attesters,
          "InvalidDataSourceName",
        );
      }
    });

    it("dataSourceRegistrant reverts with UnknownDataSource for id 0 and ids not yet registered", async () => {
      const scenario = await load();
      const { attesters, signers } = scenario;
      const next = await attesters.connect(signers.other).registerDataSource.staticCall("feed");
      await expect(attesters.dataSourceRegistrant(0n))
        .to.be.revertedWithCustomError(attesters, "UnknownDataSource")
        .withArgs(0n);
      await expect(attesters.dataSourceRegistrant(next))
        .to.be.revertedWithCustomError(attesters, "UnknownDataSource")
        .withArgs(next);
      await expect(attesters.dataSourceRegistrant(2n ** 32n - 1n))
        .to.be.revertedWithCustomError(attesters, "UnknownDataSource")
        .withArgs(2n ** 32n - 1n);
      await registerSource(scenario, signers.other, "feed");
      expect(await attesters.dataSourceRegistrant(next)).to.equal(signers.other.address);
    });
  });

  describe("addDataSourceKey", () => {
    it("adds a key with its consent, emits DataSourceKeyAdded, and dataSourceOfKey names the source", async () => {
      const scenario = await load();
      const { attesters, signers } = scenario;
      const sourceId = await registerSource(scenario, signers.publisher, "credit-bureau/eu");
      await expect(addKey(scenario, signers.publisher, sourceId, KEY_A))
        .to.emit(attesters, "DataSourceKeyAdded")
        .withArgs(sourceId, KEY_A.address);
      await expect(addKey(scenario, signers.publisher, sourceId, KEY_B))
        .to.emit(attesters, "DataSourceKeyAdded")
        .withArgs(sourceId, KEY_B.address);
      expect([...(await attesters.dataSourceOfKey(KEY_A.address))]).to.deep.equal([sourceId, false]);
      expect([...(await attesters.dataSourceOfKey(KEY_B.address))]).to.deep.equal([sourceId, false]);
      expect([...(await attesters.dataSourceOfKey(KEY_C.address))]).to.deep.equal([0n, false]);
    });

    it("reverts with UnknownDataSource for a source that does not exist", async () => {
      const scenario = await load();
      const { attesters, signers, attestersDomain } = scenario;
      const next = await attesters.connect(signers.publisher).registerDataSource.staticCall("feed");
      for (const sourceId of [0n, next]) {
        const consent = await signDataSourceKeyConsent(KEY_A, attestersDomain, sourceId);
        await expect(attesters.connect(signers.publisher).addDataSourceKey(sourceId, KEY_A.address, consent))
          .to.be.revertedWithCustomError(attesters, "UnknownDataSource")
          .withArgs(sourceId);
      }
    });

    it("reverts with NotDataSourceRegistrant for anyone but the registrant, even with the key's consent", async () => {
      const scenario = await load();
      const { attesters, signers, attestersDomain } = scenario;
      const sourceId = await registerSource(scenario, signers.publisher, "credit-bureau/eu");
      const consent = await signDataSourceKeyConsent(KEY_A, attestersDomain, sourceId);
      await expect(attesters.connect(signers.other).addDataSourceKey(sourceId, KEY_A.address, consent))
        .to.be.revertedWithCustomError(attesters, "NotDataSourceRegistrant")
        .withArgs(sourceId, signers.other.address);
      // The key itself is not the registrant either.
      await expect(attesters.connect(signers.node).addDataSourceKey(sourceId, signers.node.address, "0x"))
        .to.be.revertedWithCustomError(attesters, "NotDataSourceRegistrant")
        .withArgs(sourceId, signers.node.address);
      await expect(attesters.connect(signers.publisher).addDataSourceKey(sourceId, KEY_A.address, consent)).to.emit(
        attesters,
        "DataSourceKeyAdded",
      );
    });

    it("reverts with ZeroKey for the zero address", async () => {
      const scenario = await load();
      const { attesters, signers } = scenario;
      const sourceId = await registerSource(scenario, signers.publisher, "feed");
      await expect(
        attesters.connect(signers.publisher).addDataSourceKey(sourceId, ZeroAddress, "0x"),
      ).to.be.revertedWithCustomError(attesters, "ZeroKey");
    });

    it("reverts with KeyConsentInvalid for a consent signed by someone other than the key", async () => {
      const scenario = await load();
      const { attesters, signers, attestersDomain } = scenario;
      const sourceId = await registerSource(scenario, signers.publisher, "credit-bureau/eu");
      // The registrant, or any squatter, signs the key's consent itself.
      const bySquatter = await STRANGER.signTypedData(attestersDomain, DATA_SOURCE_KEY_CONSENT_TYPES, {
        key: KEY_A.address,
        sourceId,
      });
      await expect(attesters.connect(signers.publisher).addDataSourceKey(sourceId, KEY_A.address, bySquatter))
        .to.be.revertedWithCustomError(attesters, "KeyConsentInvalid")
        .withArgs(KEY_A.address, STRANGER.address);
      // Key B's consent (to its own registration) does not register key A.
      const byOtherKey = await signDataSourceKeyConsent(KEY_B, attestersDomain, sourceId);
      await expect(attesters.connect(signers.publisher).addDataSourceKey(sourceId, KEY_A.address, byOtherKey))
        .to.be.revertedWithCustomError(attesters, "KeyConsentInvalid")
        .withArgs(
          KEY_A.address,
          recoverAddress(await attesters.dataSourceKeyConsentTypedDataHash(KEY_A.address, sourceId), byOtherKey),
        );
      expect([...(await attesters.dataSourceOfKey(KEY_A.address))]).to.deep.equal([0n, false]);
    });

    it("refuses a consent replayed for another source id, another domain or another message type", async () => {
      const scenario = await load();
      const { attesters, ledger, signers, attestersDomain, domain } = scenario;
      const mine = await registerSource(scenario, signers.publisher, "credit-bureau/eu");
      const theirs = await registerSource(scenario, signers.other, "credit-bureau/eu");
      const chainId = attestersDomain.chainId as bigint;
      const registry = await attesters.getAddress();
      const replays: [string, string][] = [
        // The key consented to the rival's source; the publisher replays it for its own.
        ["another source id", await signDataSourceKeyConsent(KEY_A, attestersDomain, theirs)],
        // Signed under the ledger's domain (same chain), not the registry's.
        ["the ledger's domain", await signDataSourceKeyConsent(KEY_A, domain, mine)],
        // The registry's name and version, but another contract (here the ledger's address: another deployment).
        [
          "another registry",
          await signDataSourceKeyConsent(KEY_A, attesterRegistryDomain(chainId, await ledger.getAddress()), mine),
        ],
        // The same registry address on another chain.
        ["another chain", await signDataSourceKeyConsent(KEY_A, attesterRegistryDomain(chainId + 1n, registry), mine)],
        // Another version of the registry's domain.
        ["another version", await signDataSourceKeyConsent(KEY_A, { ...attestersDomain, version: "2" }, mine)],
        // A node key consent of the key, whose words could be read as (key, sourceId) with another type hash.
        [
          "a node key consent",
          await KEY_A.signTypedData(attestersDomain, NODE_KEY_CONSENT_TYPES, {
            key: KEY_A.address,
            operator: toBeHex(mine, 20),
          }),
        ],
      ];
      const digest = await attesters.dataSourceKeyConsentTypedDataHash(KEY_A.address, mine);
      for (const [what, consent] of replays) {
        const recovered = recoverAddress(digest, consent);
        expect(recovered, what).to.not.equal(KEY_A.address);
        await expect(attesters.connect(signers.publisher).addDataSourceKey(mine, KEY_A.address, consent), what)
          .to.be.revertedWithCustomError(attesters, "KeyConsentInvalid")
          .withArgs(KEY_A.address, recovered);
      }
      // The consent to the rival's source is good for the rival's source only.
      await expect(attesters.connect(signers.other).addDataSourceKey(theirs, KEY_A.address, replays[0][1])).to.emit(
        attesters,
        "DataSourceKeyAdded",
      );
      expect([...(await attesters.dataSourceOfKey(KEY_A.address))]).to.deep.equal([theirs, false]);
    });

    it("refuses a malformed consent with the ECDSA library's error", async () => {
      const scenario = await load();
      const { attesters, signers, attestersDomain } = scenario;
      const sourceId = await registerSource(scenario, signers.publisher, "feed");
      const add = (consent: string) =>
        attesters.connect(signers.publisher).addDataSourceKey(sourceId, KEY_A.address, consent);
      await expect(add("0x1234")).to.be.revertedWithCustomError(attesters, "ECDSAInvalidSignatureLength").withArgs(2n);
      const consent = await signDataSourceKeyConsent(KEY_A, attestersDomain, sourceId);
      const s = Signature.from(consent).s;
      await expect(add(highS(consent)))
        .to.be.revertedWithCustomError(attesters, "ECDSAInvalidSignatureS")
        .withArgs(toBeHex(SECP256K1_N - BigInt(s), 32));
      await expect(add(withV(consent, 29))).to.be.revertedWithCustomError(attesters, "ECDSAInvalidSignature");
    });

    it("reverts with DataSourceKeyTaken for a key already in this source or another", async () => {
      const scenario = await withSources();
      const { attesters, signers, attestersDomain, a, b } = scenario;
      // Key A belongs to source a: its registrant cannot add it twice...
      await expect(addKey(scenario, signers.publisher, a, KEY_A))
        .to.be.revertedWithCustomError(attesters, "DataSourceKeyTaken")
        .withArgs(KEY_A.address);
      // ...and source b cannot take it over, even with the key's genuine consent to source b.
      const consentToB = await signDataSourceKeyConsent(KEY_A, attestersDomain, b);
      await expect(attesters.connect(signers.other).addDataSourceKey(b, KEY_A.address, consentToB))
        .to.be.revertedWithCustomError(attesters, "DataSourceKeyTaken")
        .withArgs(KEY_A.address);
      expect([...(await attesters.dataSourceOfKey(KEY_A.address))]).to.deep.equal([a, false]);
    });

    it("keeps a revoked key taken: it can never vouch again, for its source or another", async () => {
      const scenario = await withSources();
      const { attesters, signers, attestersDomain, a, b } = scenario;
      await attesters.connect(signers.publisher).revokeDataSourceKey(KEY_A.address);
      await expect(addKey(scenario, signers.publisher, a, KEY_A))
        .to.be.revertedWithCustomError(attesters, "DataSourceKeyTaken")
        .withArgs(KEY_A.address);
      const fresh = await registerSource(scenario, signers.publisher, "credit-bureau/eu v2");
      await expect(addKey(scenario, signers.publisher, fresh, KEY_A))
        .to.be.revertedWithCustomError(attesters, "DataSourceKeyTaken")
        .withArgs(KEY_A.address);
      const consentToB = await signDataSourceKeyConsent(KEY_A, attestersDomain, b);
      await expect(attesters.connect(signers.other).addDataSourceKey(b, KEY_A.address, consentToB))
        .to.be.revertedWithCustomError(attesters, "DataSourceKeyTaken")
        .withArgs(KEY_A.address);
      expect([...(await attesters.dataSourceOfKey(KEY_A.address))]).to.deep.equal([a, true]);
      expect(
        await attesters.sourceOfData(CONTENT_HASH, await signSourcedData(KEY_A, attestersDomain, CONTENT)),
      ).to.equal(0n);
    });
  });

  describe("revokeDataSourceKey", () => {
    it("revokes a key at once, emits DataSourceKeyRevoked, and leaves the source's other keys counting", async () => {
      const { attesters, signers, attestersDomain, a } = await withSources();
      const byA = await signSourcedData(KEY_A, attestersDomain, CONTENT);
      const byB = await signSourcedData(KEY_B, attestersDomain, CONTENT);
      await expect(attesters.connect(signers.publisher).revokeDataSourceKey(KEY_A.address))
        .to.emit(attesters, "DataSourceKeyRevoked")
        .withArgs(a, KEY_A.address);
      expect([...(await attesters.dataSourceOfKey(KEY_A.address))]).to.deep.equal([a, true]);
      expect(await attesters.sourceOfData(CONTENT_HASH, byA)).to.equal(0n);
      expect(await attesters.sourceOfData(CONTENT_HASH, byB)).to.equal(a);
      expect([...(await attesters.dataSourceOfKey(KEY_B.address))]).to.deep.equal([a, false]);
    });

    it("reverts with UnknownDataSourceKey for a key of no source", async () => {
      const { attesters, signers } = await withSources();
      for (const unknown of [STRANGER.address, ZeroAddress, signers.node.address]) {
        await expect(attesters.connect(signers.publisher).revokeDataSourceKey(unknown))
          .to.be.revertedWithCustomError(attesters, "UnknownDataSourceKey")
          .withArgs(unknown);
      }
    });

    it("reverts with NotDataSourceRegistrant for anyone but its source's registrant, the key included", async () => {
      const { attesters, signers, a, b } = await withSources();
      // The rival registers source b; key A is source a's.
      await expect(attesters.connect(signers.other).revokeDataSourceKey(KEY_A.address))
        .to.be.revertedWithCustomError(attesters, "NotDataSourceRegistrant")
        .withArgs(a, signers.other.address);
      await expect(attesters.connect(signers.publisher).revokeDataSourceKey(KEY_C.address))
        .to.be.revertedWithCustomError(attesters, "NotDataSourceRegistrant")
        .withArgs(b, signers.publisher.address);
      const keyA = KEY_A.connect(attesters.runner!.provider);
      await networkHelpers.setBalance(keyA.address, 10n ** 18n);
      await expect(attesters.connect(keyA).revokeDataSourceKey(KEY_A.address))
        .to.be.revertedWithCustomError(attesters, "NotDataSourceRegistrant")
        .withArgs(a, KEY_A.address);
      expect([...(await attesters.dataSourceOfKey(KEY_A.address))]).to.deep.equal([a, false]);
    });

    it("reverts with DataSourceKeyAlreadyRevoked the second time", async () => {
      const { attesters, signers } = await withSources();
      await attesters.connect(signers.publisher).revokeDataSourceKey(KEY_A.address);
      await expect(attesters.connect(signers.publisher).revokeDataSourceKey(KEY_A.address))
        .to.be.revertedWithCustomError(attesters, "DataSourceKeyAlreadyRevoked")
        .withArgs(KEY_A.address);
    });
  });

  describe("sourceOfData", () => {
    it("names the source of each key's signature", async () => {
      const { attesters, attestersDomain, a, b } = await withSources();
      for (const [signer, sourceId] of [
        [KEY_A, a],
        [KEY_B, a],
        [KEY_C, b],
      ] as const) {
        const signature = await signSourcedData(signer, attestersDomain, CONTENT);
        expect(await attesters.sourceOfData(CONTENT_HASH, signature)).to.equal(sourceId);
      }
      // Hex content is taken as bytes, other strings as UTF-8, as the client hashes them.
      const hex = "0x0000000000000000000000000000000000000000000000000000000ba43b7400";
      expect(await attesters.sourceOfData(keccak256(hex), await signSourcedData(KEY_C, attestersDomain, hex))).to.equal(
        b,
      );
      const text = "ETH/USD 3130.50";
      expect(
        await attesters.sourceOfData(keccak256(toUtf8Bytes(text)), await signSourcedData(KEY_C, attestersDomain, text)),
      ).to.equal(b);
    });

    it("returns 0 for a signature over other content or under another domain", async () => {
      const { attesters, attestersDomain, domain, a } = await withSources();
      const signature = await signSourcedData(KEY_A, attestersDomain, CONTENT);
      expect(await attesters.sourceOfData(keccak256(toUtf8Bytes("other content")), signature)).to.equal(0n);
      expect(await attesters.sourceOfData(ZeroHash, signature)).to.equal(0n);
      const underLedger = await signSourcedData(KEY_A, domain, CONTENT);
      expect(await attesters.sourceOfData(CONTENT_HASH, underLedger)).to.equal(0n);
      const otherChain = await signSourcedData(
        KEY_A,
        { ...attestersDomain, chainId: (attestersDomain.chainId as bigint) + 1n },
        CONTENT,
      );
      expect(await attesters.sourceOfData(CONTENT_HASH, otherChain)).to.equal(0n);
      expect(await attesters.sourceOfData(CONTENT_HASH, signature)).to.equal(a);
    });

    it("returns 0 for malformed signatures: garbage, bad length, high s, zero s or r, bad v", async () => {
      const { attesters, attestersDomain, a } = await withSources();
      const signature = await signSourcedData(KEY_A, attestersDomain, CONTENT);
      const { r, s, v } = Signature.from(signature);
      const malformed: [string, string][] = [
        ["empty", "0x"],
        ["two bytes", "0x1234"],
        ["64 zero bytes", ZeroHash + ZeroHash.slice(2)],
        ["65 zero bytes", ZeroHash + ZeroHash.slice(2) + "00"],
        ["65 bytes of 0xff", "0x" + "ff".repeat(65)],
        ["66 bytes", signature + "00"],
        ["high s", highS(signature)],
        ["s = 0", concat([r, ZeroHash, toBeHex(v, 1)])],
        ["r = 0", concat([ZeroHash, s, toBeHex(v, 1)])],
        ["v = 29", withV(signature, 29)],
        ["v = 255", withV(signature, 255)],
      ];
      for (const [what, bad] of malformed) {
        expect(await attesters.sourceOfData(CONTENT_HASH, bad), what).to.equal(0n);
      }
      expect(await attesters.sourceOfData(CONTENT_HASH, signature)).to.equal(a);
    });

    it("returns 0 for a key of no source: a stranger, a node key, an enclave key", async () => {
      const { attesters, attestersDomain, signers } = await withSources();
      for (const signer of [STRANGER, signers.node, signers.enclave, signers.publisher]) {
        const signature = await signSourcedData(signer, attestersDomain, CONTENT);
        expect(await attesters.sourceOfData(CONTENT_HASH, signature)).to.equal(0n);
      }
    });

    it("returns 0 once the key is revoked, for data signed before the revocation too", async () => {
      const { attesters, attestersDomain, signers, a, b } = await withSources();
      const before = await signSourcedData(KEY_C, attestersDomain, CONTENT);
      expect(await attesters.sourceOfData(CONTENT_HASH, before)).to.equal(b);
      await attesters.connect(signers.other).revokeDataSourceKey(KEY_C.address);
      expect(await attesters.sourceOfData(CONTENT_HASH, before)).to.equal(0n);
      const after = await signSourcedData(KEY_C, attestersDomain, toUtf8Bytes("new data"));
      expect(await attesters.sourceOfData(keccak256(toUtf8Bytes("new data")), after)).to.equal(0n);
      // Source a's keys are untouched.
      expect(
        await attesters.sourceOfData(CONTENT_HASH, await signSourcedData(KEY_A, attestersDomain, CONTENT)),
      ).to.equal(a);
    });
  });

  describe("the client and the registry", () => {
    it("sourcedDataSigner recovers the key the registry recovers", async () => {
      const { attesters, attestersDomain, a } = await withSources();
      for (const content of [CONTENT, "0x", "0xff", toUtf8Bytes("x".repeat(1_000))]) {
        const contentHash = keccak256(content);
        const signature = await signSourcedData(KEY_B, attestersDomain, content);
        expect(sourcedDataSigner(attestersDomain, contentHash, signature)).to.equal(KEY_B.address);
        expect(recoverAddress(await attesters.sourcedDataTypedDataHash(contentHash), signature)).to.equal(
          KEY_B.address,
        );
        expect(await attesters.sourceOfData(contentHash, signature)).to.equal(a);
      }
      // Over other content, both recover the same other address, and the registry counts it for no source.
      const signature = await signSourcedData(KEY_B, attestersDomain, CONTENT);
      const otherHash = keccak256(toUtf8Bytes("other"));
      const other = sourcedDataSigner(attestersDomain, otherHash, signature);
      expect(other).to.not.equal(KEY_B.address);
      expect(recoverAddress(await attesters.sourcedDataTypedDataHash(otherHash), signature)).to.equal(other);
      expect(await attesters.sourceOfData(otherHash, signature)).to.equal(0n);
    });

    it("sourcedDataSigner refuses the garbage and high-s signatures the registry refuses", async () => {
      const { attesters, attestersDomain } = await withSources();
      const signature = await signSourcedData(KEY_A, attestersDomain, CONTENT);
      for (const bad of ["0x", "0x1234", signature + "00", highS(signature), withV(signature, 29)]) {
        expect(clientSigner(attestersDomain, CONTENT_HASH, bad), bad).to.equal(undefined);
        expect(await attesters.sourceOfData(CONTENT_HASH, bad), bad).to.equal(0n);
      }
    });

    // BUG (src/dataSources.ts): sourcedDataSigner says it recovers "as the registry recovers it (throws on a
    // malformed one)", but ethers also takes 64-byte ERC-2098 compact signatures and a `v` of 0 or 1, which the
    // registry's ECDSA.tryRecoverCalldata refuses (sourceOfData returns 0, so a consumer reverts InputNotAttested).
    // A client that checks an attestation off-chain with it accepts signatures that no consumer will.
    it("sourcedDataSigner and sourceOfData agree on compact and v = 0/1 signatures", async () => {
      const { attesters, attestersDomain, a } = await withSources();
      const signature = await signSourcedData(KEY_A, attestersDomain, CONTENT);
      const { v, compactSerialized } = Signature.from(signature);
      for (const [what, variant] of [
        ["64-byte compact", compactSerialized],
        ["v = 0/1", withV(signature, v - 27)],
      ]) {
        const clientNamesKey = clientSigner(attestersDomain, CONTENT_HASH, variant) === KEY_A.address;
        const registryCounts = (await attesters.sourceOfData(CONTENT_HASH, variant)) === a;
        expect(clientNamesKey, `${what}: client names the key / registry counts it`).to.equal(registryCounts);
      }
    });

    it("sourcedDataTypedDataHash is the client's EIP-712 hash under the attester registry's domain", async () => {
      const { attesters, attestersDomain, domain } = await load();
      for (const contentHash of [ZeroHash, CONTENT_HASH, "0x" + "ff".repeat(32)]) {
        expect(await attesters.sourcedDataTypedDataHash(contentHash)).to.equal(
          TypedDataEncoder.hash(attestersDomain, SOURCED_DATA_TYPES, { contentHash }),
        );
        expect(await attesters.sourcedDataTypedDataHash(contentHash)).to.not.equal(
          TypedDataEncoder.hash(domain, SOURCED_DATA_TYPES, { contentHash }),
        );
      }
    });

    it("dataSourceKeyConsentTypedDataHash is the client's EIP-712 hash under the attester registry's domain", async () => {
      const { attesters, attestersDomain, domain } = await load();
      for (const [sourceKey, sourceId] of [
        [KEY_A.address, 1n],
        [KEY_B.address, 2n ** 32n - 1n],
        [ZeroAddress, 0n],
      ] as const) {
        const hash = await attesters.dataSourceKeyConsentTypedDataHash(sourceKey, sourceId);
        expect(hash).to.equal(
          TypedDataEncoder.hash(attestersDomain, DATA_SOURCE_KEY_CONSENT_TYPES, { key: sourceKey, sourceId }),
        );
        expect(hash).to.not.equal(
          TypedDataEncoder.hash(domain, DATA_SOURCE_KEY_CONSENT_TYPES, { key: sourceKey, sourceId }),
        );
      }
      // The consent names the source: another id is another digest.
      expect(await attesters.dataSourceKeyConsentTypedDataHash(KEY_A.address, 1n)).to.not.equal(
        await attesters.dataSourceKeyConsentTypedDataHash(KEY_A.address, 2n),
      );
    });
  });

  describe("operatorOf", () => {
    it("names a node key's operator, active or not, and zero for any other key", async () => {
      const { attesters, signers, registerNode } = await withSources();
      expect(await attesters.operatorOf(signers.node.address)).to.equal(signers.deployer.address);
      await registerNode(signers.publisher, signers.other);
      expect(await attesters.operatorOf(signers.other.address)).to.equal(signers.publisher.address);
      // Deactivated nodes keep their operator.
      await attesters.connect(signers.deployer).deactivateNode(1n);
      expect(await attesters.operatorOf(signers.node.address)).to.equal(signers.deployer.address);
      // Not a node key: unknown, zero, an enclave key, a data source key.
      for (const notNode of [STRANGER.address, ZeroAddress, signers.enclave.address, KEY_A.address]) {
        expect(await attesters.operatorOf(notNode)).to.equal(ZeroAddress);
      }
    });

    it("is not changed by the key becoming a data source key too", async () => {
      const scenario = await withSources();
      const { attesters, signers, attestersDomain, a } = scenario;
      const nodeKey = signers.node;
      await attesters
        .connect(signers.publisher)
        .addDataSourceKey(a, nodeKey.address, await signDataSourceKeyConsent(nodeKey, attestersDomain, a));
      expect(await attesters.operatorOf(nodeKey.address)).to.equal(signers.deployer.address);
      expect([...(await attesters.dataSourceOfKey(nodeKey.address))]).to.deep.equal([a, false]);
    });
  });
});
