import { expect } from "chai";
import { ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import { requestOf } from "../../src/escrow.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const HEARTBEAT_TTL = 3_600n;
const CHALLENGE_WINDOW = 3_600n;
const SETTLEMENT_WINDOW = 86_400n;
const ROUND_DURATION = 3_600n;
const MINIMUM_LOCK = 10n ** 16n;
const UNBONDING_PERIOD = 3n * 86_400n;
/** The escrow's claim window, which the unbonding period must outlast on top of the ledger's longest window. */
const CLAIM_WINDOW = 86_400n;
const FEES = "0x00000000000000000000000000000000000FEE50";
/** A request passed where one is needed but never looked at (the vault is refused before it reads it). */
const NO_REQUEST = requestOf(
  {
    asset: ZeroAddress,
    amount: 1n,
    route: 0,
    subject: 1n,
    minLevel: 1,
    nodeId: 1n,
    deadline: 1n,
    inputCommitment: ZeroHash,
    salt: ZeroHash,
    bondMultiple: 0,
  },
  ZeroAddress,
);

/** Real dependencies to deploy against, and an account with no code to pass where a contract is needed. */
async function fixture() {
  const [deployer, codeless] = await ethers.getSigners();
  const manager = await ethers.deployContract("AccessManager", [deployer.address]);
  const managerAddress = await manager.getAddress();
  const registry = await ethers.deployContract("ModelRegistry", [managerAddress]);
  const registryAddress = await registry.getAddress();
  const attesters = await ethers.deployContract("AttesterRegistry", [managerAddress, registryAddress, HEARTBEAT_TTL]);
  const attestersAddress = await attesters.getAddress();
  const router = await ethers.deployContract("VerifierRouter", [managerAddress, registryAddress]);
  const routerAddress = await router.getAddress();
  const bonds = await ethers.deployContract("BondVault", [attestersAddress, MINIMUM_LOCK, UNBONDING_PERIOD, FEES]);
  const bondsAddress = await bonds.getAddress();
  const ledger = await ethers.deployContract("InferenceLedger", [
    registryAddress,
    attestersAddress,
    routerAddress,
    bondsAddress,
    CHALLENGE_WINDOW,
    SETTLEMENT_WINDOW,
    ROUND_DURATION,
  ]);
  return {
    deployer,
    codeless: codeless.address,
    managerAddress,
    registryAddress,
    attestersAddress,
    routerAddress,
    bondsAddress,
    bonds,
    ledgerAddress: await ledger.getAddress(),
    factories: {
      registry: await ethers.getContractFactory("ModelRegistry"),
      attesters: await ethers.getContractFactory("AttesterRegistry"),
      router: await ethers.getContractFactory("VerifierRouter"),
      ledger: await ethers.getContractFactory("InferenceLedger"),
      bonds: await ethers.getContractFactory("BondVault"),
      escrow: await ethers.getContractFactory("InferenceEscrow"),
      market: await ethers.getContractFactory("TwinMarket"),
    },
  };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("Construction: every deployable refuses arguments that would leave it unusable", () => {
  describe("Managed contracts refuse an authority without code (AuthorityNotContract)", () => {
    it("ModelRegistry", async () => {
      const { factories, codeless } = await load();
      for (const authority of [codeless, ZeroAddress]) {
        await expect(factories.registry.deploy(authority))
          .to.be.revertedWithCustomError(factories.registry, "AuthorityNotContract")
          .withArgs(authority);
      }
    });

    it("AttesterRegistry", async () => {
      const { factories, codeless, registryAddress } = await load();
      for (const authority of [codeless, ZeroAddress]) {
        await expect(factories.attesters.deploy(authority, registryAddress, HEARTBEAT_TTL))
          .to.be.revertedWithCustomError(factories.attesters, "AuthorityNotContract")
          .withArgs(authority);
      }
    });

    it("VerifierRouter", async () => {
      const { factories, codeless, registryAddress } = await load();
      for (const authority of [codeless, ZeroAddress]) {
        await expect(factories.router.deploy(authority, registryAddress))
          .to.be.revertedWithCustomError(factories.router, "AuthorityNotContract")
          .withArgs(authority);
      }
    });

    it("TwinMarket", async () => {
      const { factories, codeless, deployer } = await load();
      for (const authority of [codeless, ZeroAddress]) {
        await expect(factories.market.deploy(authority, deployer.address, 0n, 0n))
          .to.be.revertedWithCustomError(factories.market, "AuthorityNotContract")
          .withArgs(authority);
      }
    });

    it("each deploys with the AccessManager as its authority", async () => {
      const { factories, managerAddress, registryAddress, deployer } = await load();
      for (const deployment of [
        factories.registry.deploy(managerAddress),
        factories.attesters.deploy(managerAddress, registryAddress, HEARTBEAT_TTL),
        factories.router.deploy(managerAddress, registryAddress),
        factories.market.deploy(managerAddress, deployer.address, 0n, 0n),
      ]) {
        const managed = await deployment;
        expect(await managed.authority()).to.equal(managerAddress);
      }
    });
  });

  describe("AttesterRegistry", () => {
    it("refuses a model registry without code (AttesterRegistryNeedsModelRegistry)", async () => {
      const { factories, managerAddress, codeless } = await load();
      for (const registry of [codeless, ZeroAddress]) {
        await expect(factories.attesters.deploy(managerAddress, registry, HEARTBEAT_TTL))
          .to.be.revertedWithCustomError(factories.attesters, "AttesterRegistryNeedsModelRegistry")
          .withArgs(registry);
      }
    });

    it("refuses a zero heartbeat TTL (ZeroHeartbeatTtl), and takes one second", async () => {
      const { factories, managerAddress, registryAddress } = await load();
      await expect(factories.attesters.deploy(managerAddress, registryAddress, 0n)).to.be.revertedWithCustomError(
        factories.attesters,
        "ZeroHeartbeatTtl",
      );
      const attesters = await factories.attesters.deploy(managerAddress, registryAddress, 1n);
      expect(await attesters.heartbeatTtl()).to.equal(1n);
      expect(await attesters.modelRegistry()).to.equal(registryAddress);
    });
  });

  describe("VerifierRouter", () => {
    it("refuses a model registry without code (VerifierRouterNeedsModelRegistry)", async () => {
      const { factories, managerAddress, codeless } = await load();
      for (const registry of [codeless, ZeroAddress]) {
        await expect(factories.router.deploy(managerAddress, registry))
          .to.be.revertedWithCustomError(factories.router, "VerifierRouterNeedsModelRegistry")
          .withArgs(registry);
      }
    });
  });

  describe("InferenceLedger", () => {
    it("refuses each dependency without code (LedgerDependencyMissing), naming it", async () => {
      const { factories, codeless, registryAddress, attestersAddress, routerAddress, bondsAddress } = await load();
      const windows = [CHALLENGE_WINDOW, SETTLEMENT_WINDOW, ROUND_DURATION] as const;
      for (const missing of [codeless, ZeroAddress]) {
        for (const dependencies of [
          [missing, attestersAddress, routerAddress, bondsAddress],
          [registryAddress, missing, routerAddress, bondsAddress],
          [registryAddress, attestersAddress, missing, bondsAddress],
          [registryAddress, attestersAddress, routerAddress, missing],
        ] as const) {
          await expect(factories.ledger.deploy(...dependencies, ...windows))
            .to.be.revertedWithCustomError(factories.ledger, "LedgerDependencyMissing")
            .withArgs(missing);
        }
      }
    });

    it("refuses a zero challenge window, settlement window or round duration (LedgerWindowZero)", async () => {
      const { factories, registryAddress, attestersAddress, routerAddress, bondsAddress } = await load();
      const dependencies = [registryAddress, attestersAddress, routerAddress, bondsAddress] as const;
      const cases: [bigint, bigint, bigint][] = [
        [0n, SETTLEMENT_WINDOW, ROUND_DURATION],
        [CHALLENGE_WINDOW, 0n, ROUND_DURATION],
        [CHALLENGE_WINDOW, SETTLEMENT_WINDOW, 0n],
      ];
      for (const windows of cases) {
        await expect(factories.ledger.deploy(...dependencies, ...windows))
          .to.be.revertedWithCustomError(factories.ledger, "LedgerWindowZero")
          .withArgs(...windows);
      }
      const ledger = await factories.ledger.deploy(...dependencies, 1n, 1n, 1n);
      expect(await ledger.windows()).to.deep.equal([1n, 1n, 1n]);
      expect(await ledger.attesterRegistry()).to.equal(attestersAddress);
      expect(await ledger.verifierRouter()).to.equal(routerAddress);
      expect(await ledger.bondVault()).to.equal(bondsAddress);
    });
  });

  describe("BondVault", () => {
    it("refuses a zero registry, minimum, period or fee destination (VaultZeroParameter)", async () => {
      const { factories, attestersAddress } = await load();
      const cases: [string, bigint, bigint, string][] = [
        [ZeroAddress, MINIMUM_LOCK, UNBONDING_PERIOD, FEES],
        [attestersAddress, 0n, UNBONDING_PERIOD, FEES],
        [attestersAddress, MINIMUM_LOCK, 0n, FEES],
        [attestersAddress, MINIMUM_LOCK, UNBONDING_PERIOD, ZeroAddress],
      ];
      for (const args of cases) {
        await expect(factories.bonds.deploy(...args)).to.be.revertedWithCustomError(
          factories.bonds,
          "VaultZeroParameter",
        );
      }
    });

    it("refuses a minimum lock a lock cannot hold (BondAmountTooLarge)", async () => {
      const { factories, attestersAddress } = await load();
      const tooLarge = 2n ** 96n;
      await expect(factories.bonds.deploy(attestersAddress, tooLarge, UNBONDING_PERIOD, FEES))
        .to.be.revertedWithCustomError(factories.bonds, "BondAmountTooLarge")
        .withArgs(tooLarge);
    });

    /**
     * A vault, a ledger naming it and an escrow paying for that ledger, not yet bound; `period` of unbonding. Deploys
     * on top of the loaded fixture `f` (loading it again would revert what was deployed since).
     */
    const unbound = async (f: Awaited<ReturnType<typeof load>>, period = UNBONDING_PERIOD) => {
      const { factories, attestersAddress, registryAddress, routerAddress } = f;
      const bonds = await factories.bonds.deploy(attestersAddress, MINIMUM_LOCK, period, FEES);
      const ledger = await factories.ledger.deploy(
        registryAddress,
        attestersAddress,
        routerAddress,
        await bonds.getAddress(),
        CHALLENGE_WINDOW,
        SETTLEMENT_WINDOW,
        ROUND_DURATION,
      );
      const escrow = await factories.escrow.deploy(await ledger.getAddress());
      return { bonds, ledger: await ledger.getAddress(), escrow: await escrow.getAddress() };
    };

    it("binds once, from its deployer, to a ledger that names it and that ledger's escrow", async () => {
      const [, stranger] = await ethers.getSigners();
      const { bonds, ledger, escrow } = await unbound(await load());
      await expect(bonds.connect(stranger).bind(ledger, escrow))
        .to.be.revertedWithCustomError(bonds, "VaultBindingRefused")
        .withArgs(stranger.address);
      await expect(bonds.lockRequirement(1n, 1n, NO_REQUEST)).to.be.revertedWithCustomError(bonds, "VaultNotBound");
      await expect(bonds.bind(ledger, escrow)).to.emit(bonds, "VaultBound").withArgs(ledger, escrow);
      expect(await bonds.bound()).to.deep.equal([ledger, escrow]);
      expect([await bonds.minimumLock(), await bonds.feeDestination()]).to.deep.equal([MINIMUM_LOCK, FEES]);
      expect(await bonds.UNBONDING_PERIOD()).to.equal(UNBONDING_PERIOD);
      await expect(bonds.bind(ledger, escrow))
        .to.be.revertedWithCustomError(bonds, "VaultBindingRefused")
        .withArgs((await ethers.getSigners())[0].address);
    });

    it("refuses a ledger that names another vault, an escrow of another ledger, or no code (VaultBindingMismatch)", async () => {
      const f = await load();
      const { codeless, ledgerAddress } = f;
      const { bonds, escrow } = await unbound(f);
      const other = await unbound(f);
      for (const [ledger, payments] of [
        [other.ledger, escrow], // names another vault
        [await bonds.getAddress(), escrow], // not a ledger at all: has code, names no vault
        [codeless, escrow],
        [ledgerAddress, codeless],
      ] as const) {
        await expect(bonds.bind(ledger, payments)).to.be.revert(ethers);
      }
      const ours = await unbound(f);
      await expect(ours.bonds.bind(ours.ledger, other.escrow))
        .to.be.revertedWithCustomError(ours.bonds, "VaultBindingMismatch")
        .withArgs(ours.ledger, other.escrow);
      await expect(ours.bonds.bind(codeless, ours.escrow))
        .to.be.revertedWithCustomError(ours.bonds, "VaultBindingMismatch")
        .withArgs(codeless, ours.escrow);
    });

    it("refuses an unbonding period no longer than the longest window plus the claim window", async () => {
      const required = SETTLEMENT_WINDOW + CLAIM_WINDOW;
      const f = await load();
      const short = await unbound(f, required);
      await expect(short.bonds.bind(short.ledger, short.escrow))
        .to.be.revertedWithCustomError(short.bonds, "UnbondingPeriodTooShort")
        .withArgs(required, required);
      const enough = await unbound(f, required + 1n);
      await expect(enough.bonds.bind(enough.ledger, enough.escrow)).to.emit(enough.bonds, "VaultBound");
    });
  });

  describe("InferenceEscrow", () => {
    it("refuses a ledger without code (EscrowNeedsLedger)", async () => {
      const { factories, codeless, ledgerAddress } = await load();
      for (const ledger of [codeless, ZeroAddress]) {
        await expect(factories.escrow.deploy(ledger))
          .to.be.revertedWithCustomError(factories.escrow, "EscrowNeedsLedger")
          .withArgs(ledger);
      }
      const escrow = await factories.escrow.deploy(ledgerAddress);
      expect(await escrow.ledger()).to.equal(ledgerAddress);
    });
  });
});
