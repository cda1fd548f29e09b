import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const HEARTBEAT_TTL = 3_600n;
const CHALLENGE_WINDOW = 3_600n;
const SETTLEMENT_WINDOW = 86_400n;
const ROUND_DURATION = 3_600n;

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
  const ledger = await ethers.deployContract("InferenceLedger", [
    registryAddress,
    attestersAddress,
    routerAddress,
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
    ledgerAddress: await ledger.getAddress(),
    factories: {
      registry: await ethers.getContractFactory("ModelRegistry"),
      attesters: await ethers.getContractFactory("AttesterRegistry"),
      router: await ethers.getContractFactory("VerifierRouter"),
      ledger: await ethers.getContractFactory("InferenceLedger"),
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
      const { factories, codeless, registryAddress, attestersAddress, routerAddress } = await load();
      const windows = [CHALLENGE_WINDOW, SETTLEMENT_WINDOW, ROUND_DURATION] as const;
      for (const missing of [codeless, ZeroAddress]) {
        for (const dependencies of [
          [missing, attestersAddress, routerAddress],
          [registryAddress, missing, routerAddress],
          [registryAddress, attestersAddress, missing],
        ] as const) {
          await expect(factories.ledger.deploy(...dependencies, ...windows))
            .to.be.revertedWithCustomError(factories.ledger, "LedgerDependencyMissing")
            .withArgs(missing);
        }
      }
    });

    it("refuses a zero challenge window, settlement window or round duration (LedgerWindowZero)", async () => {
      const { factories, registryAddress, attestersAddress, routerAddress } = await load();
      const dependencies = [registryAddress, attestersAddress, routerAddress] as const;
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
