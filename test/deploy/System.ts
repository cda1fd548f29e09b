import { readFileSync } from "node:fs";

import {
  isFuture,
  isModuleParameterRuntimeValue,
  type Future,
  type IgnitionModule,
  type IgnitionModuleResult,
} from "@nomicfoundation/ignition-core";
import { expect } from "chai";
import hre, { network } from "hardhat";

import ProoflineModule from "../../deploy/modules/Proofline.js";
import ProoflineLocalModule from "../../deploy/modules/ProoflineLocal.js";
import {
  LIVE_NETWORKS,
  holdsAnyRole,
  liveParameterProblems,
  parametersFile,
  readParameters,
  readRoles,
} from "../../src/deployments.js";
import { RoleWiring, Roles } from "../../src/roles.js";
import { localRoles } from "../../testing/index.js";
import { editedParametersFile } from "../utils/parameters.js";

const connection = await network.create();
const { ethers, ignition, networkHelpers } = connection;

type AnyModule = IgnitionModule<string, string, IgnitionModuleResult<string>>;

/** Every future of a module and its submodules, once each (submodules are shared between parts). */
function futuresOf(module: AnyModule): Future[] {
  const byId = new Map<string, Future>();
  const collect = (current: AnyModule) => {
    for (const future of current.futures) byId.set(future.id, future);
    for (const sub of current.submodules) collect(sub as AnyModule);
  };
  collect(module);
  return [...byId.values()];
}

/**
 * Every future that must run before `target`, by Ignition's rules: direct dependencies, every future of a module
 * named in `after`, and every future of a submodule one of whose futures is a dependency.
 */
function mustPrecede(target: Future, all: Future[]): Set<string> {
  const before = new Set<string>();
  const visit = (future: Future) => {
    for (const dependency of future.dependencies) {
      const implied = isFuture(dependency)
        ? [dependency, ...(dependency.module === future.module ? [] : [...dependency.module.futures])]
        : all.filter((f) => f.id.startsWith(`${dependency.id}#`));
      for (const f of implied) {
        if (!before.has(f.id)) {
          before.add(f.id);
          visit(f);
        }
      }
    }
  };
  visit(target);
  return before;
}

/** The names of every parameter a module (with its submodules) reads, as `<module>.<name>`. */
function parametersRead(module: AnyModule): Set<string> {
  const names = new Set<string>();
  const scan = (value: unknown) => {
    if (isModuleParameterRuntimeValue(value)) names.add(`${value.moduleId}.${value.name}`);
    else if (Array.isArray(value)) value.forEach(scan);
    else if (value !== null && typeof value === "object" && !isFuture(value)) Object.values(value).forEach(scan);
  };
  for (const future of futuresOf(module)) {
    const f = future as unknown as Record<string, unknown>;
    for (const field of ["constructorArgs", "args", "address", "value", "from"]) scan(f[field]);
  }
  return names;
}

describe("whole-system deployment (deploy/modules/Proofline*.ts)", () => {
  describe("module graph", () => {
    for (const module of [ProoflineModule, ProoflineLocalModule] as AnyModule[]) {
      it(`${module.id}: the hand-over runs after every call that needs ADMIN, and the renounce after it`, () => {
        const all = futuresOf(module);
        const handOver = all.find((f) => f.id === `${module.id}#handOverAdmin`)!;
        const renounce = all.find((f) => f.id === `${module.id}#renounceAdmin`)!;
        const adminCalls = all.filter(
          (f) =>
            "functionName" in f &&
            ["setTargetFunctionRole", "grantRole", "labelRole", "setRoleGuardian"].includes(f.functionName as string) &&
            f !== handOver,
        );
        // Guard against a vacuous pass: 3 labels, 1 role guardian, 3 grants, 6 wirings (one per contract and role).
        expect(adminCalls.length).to.equal(13);
        const before = mustPrecede(handOver, all);
        for (const call of adminCalls) expect(before.has(call.id), call.id).to.equal(true);
        expect(mustPrecede(renounce, all).has(handOver.id)).to.equal(true);
      });
    }

    it("deploys every contract of the system, and nothing twice", () => {
      const contracts = futuresOf(ProoflineLocalModule as AnyModule)
        .filter((f) => "contractName" in f && !("functionName" in f))
        .map((f) => f.id)
        .sort();
      expect(contracts).to.deep.equal([
        "AccessManager#AccessManager",
        "AttesterRegistry#AttesterRegistry",
        "BondVault#BondVault",
        "InferenceLedger#InferenceLedger",
        "LocalPayments#InferenceEscrow",
        "LocalPayments#TestUSDC",
        "ModelRegistry#ModelRegistry",
        "TwinMarket#TwinMarket",
        "VerifierRouter#VerifierRouter",
        "ZkVerifiers#RiskScorerBatch16Verifier",
        "ZkVerifiers#RiskScorerBatch8Verifier",
        "ZkVerifiers#RiskScorerVerifier",
      ]);
    });

    it("wires each contract's roles with one setTargetFunctionRole per role, as RoleWiring lists them", () => {
      const wirings = futuresOf(ProoflineLocalModule as AnyModule)
        .filter((f) => "functionName" in f && f.functionName === "setTargetFunctionRole")
        .map((f) => f.id)
        .sort();
      const expected = Object.entries(RoleWiring)
        .flatMap(([contract, byRole]) => Object.keys(byRole).map((role) => `${contract}#${contract}_${role}`))
        .sort();
      expect(wirings).to.deep.equal(expected);
      expect(wirings).to.include.members([
        "AttesterRegistry#AttesterRegistry_TRUST_ADMIN",
        "AttesterRegistry#AttesterRegistry_GUARDIAN",
        "VerifierRouter#VerifierRouter_TRUST_ADMIN",
        "VerifierRouter#VerifierRouter_GUARDIAN",
      ]);
    });

    it("RoleWiring lists every restricted function in contracts/, and nothing else", () => {
      const sources: Record<string, string> = {
        ModelRegistry: "contracts/registry/ModelRegistry.sol",
        AttesterRegistry: "contracts/verification/AttesterRegistry.sol",
        VerifierRouter: "contracts/verification/VerifierRouter.sol",
        TwinMarket: "contracts/market/TwinMarket.sol",
      };
      expect(Object.keys(RoleWiring).sort()).to.deep.equal(Object.keys(sources).sort());
      for (const [contract, file] of Object.entries(sources)) {
        const source = readFileSync(file, "utf8");
        const restricted = [...source.matchAll(/function\s+(\w+)\s*\(([^)]*)\)([^{;]*)\{/g)]
          .filter(([, , , modifiers]) => /\brestricted\b/.test(modifiers))
          .map(([, name]) => name)
          .sort();
        const wired = Object.values(RoleWiring[contract as keyof typeof RoleWiring])
          .flat()
          .map((signature) => signature.split("(")[0])
          .sort();
        expect(restricted.length, contract).to.be.greaterThan(0);
        expect(wired, contract).to.deep.equal(restricted);
      }
      // The ledger has no admin: nothing of it is restricted, and it is not an AccessManaged contract.
      const ledger = readFileSync("contracts/ledger/InferenceLedger.sol", "utf8");
      expect(ledger).to.not.match(/\brestricted\b/);
      expect(ledger).to.not.match(/\bManaged\b/);
    });
  });

  describe("parameters files (deploy/parameters/<network>.json)", () => {
    for (const [file, module] of [
      ["default", ProoflineLocalModule],
      ["localhost", ProoflineLocalModule],
      ["baseSepolia", ProoflineModule],
      ["base", ProoflineModule],
    ] as const) {
      it(`${file}.json: every parameter it sets is one the ${module.id} module reads (no typo is ignored)`, () => {
        const read = parametersRead(module as AnyModule);
        const names = [...read].map((entry) => entry.split(".")[1]);
        for (const [moduleId, values] of Object.entries(readParameters(file))) {
          for (const name of Object.keys(values)) {
            const known = moduleId === "$global" ? names.includes(name) : read.has(`${moduleId}.${name}`);
            expect(known, `${moduleId}.${name}`).to.equal(true);
          }
        }
      });
    }

    it("live networks keep trust delayed: ADMIN waits at least as long as TRUST_ADMIN, and both at least a day", () => {
      for (const network of LIVE_NETWORKS) {
        expect(liveParameterProblems(readParameters(network)), network).to.deep.equal([]);
      }
      expect(readParameters("base").Payments.usdc).to.equal(
        ethers.getAddress("0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"),
      );
      const base = readParameters("baseSepolia");
      const withAdminDelay = (adminDelay: number) => ({ ...base, $global: { ...base.$global, adminDelay } });
      expect(liveParameterProblems(withAdminDelay(0))).to.have.length(1);
      expect(liveParameterProblems(withAdminDelay(0))[0]).to.match(
        /adminDelay \(0 s\) is shorter than trustAdminDelay/,
      );
      expect(liveParameterProblems({ ...base, $global: { adminDelay: 86_400, trustAdminDelay: 60 } })).to.have.length(
        1,
      );
      // The local files would be refused on a live network: they are for throwaway chains.
      expect(liveParameterProblems(readParameters("default"))).to.have.length(2);
    });

    it("baseSepolia.json names Circle's USDC, the delays, and no role holder (the deployer adds its own)", () => {
      const parameters = readParameters("baseSepolia");
      expect(parameters.Payments.usdc).to.equal(ethers.getAddress("0x036cbd53842c5426634e7929541ec2318f3dcf7e"));
      expect(parameters.$global.adminDelay).to.equal(86_400);
      expect(parameters.$global.trustAdminDelay).to.equal(86_400);
      for (const holder of ["admin", "guardian", "trustAdmin", "feeAdmin", "feeDestination"]) {
        expect(parameters.$global[holder], holder).to.equal(undefined);
      }
    });

    it("the local files give each role to a different account, none of them the deployer", async () => {
      const [deployer] = await ethers.getSigners();
      for (const file of ["default", "localhost"]) {
        const global = readParameters(file).$global;
        const holders = ["admin", "guardian", "trustAdmin", "feeAdmin", "feeDestination"].map((k) => global[k]);
        expect(new Set(holders).size).to.equal(holders.length);
        expect(holders).to.not.include(deployer.address);
      }
    });

    it("deploying with baseSepolia.json but no role holders fails before any transaction is sent", async () => {
      const blockBefore = await ethers.provider.getBlockNumber();
      let failure: unknown;
      try {
        await ignition.deploy(ProoflineModule, { parameters: parametersFile("baseSepolia") });
      } catch (error) {
        failure = error;
      }
      expect(String(failure)).to.match(/parameter .admin. requires a value but was given none/);
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    });
  });

  describe("Base Sepolia configuration (everything up to the network call)", () => {
    it("baseSepolia is an OP-stack HTTP network on chain 84532 whose URL and key are configuration variables", async () => {
      const config = hre.config.networks.baseSepolia;
      expect(config.type).to.equal("http");
      expect(config.chainId).to.equal(84532);
      expect(config.chainType).to.equal("op");
      if (config.type !== "http" || !Array.isArray(config.accounts)) throw new Error("expected an HTTP network");
      // Environment variables take precedence over the keystore, which is how CI and this test feed them.
      const saved = { ...process.env };
      process.env.BASE_SEPOLIA_RPC_URL = "https://sepolia.base.org";
      process.env.BASE_SEPOLIA_PRIVATE_KEY = "0x" + "11".repeat(32);
      try {
        expect(await config.url.getUrl()).to.equal("https://sepolia.base.org");
        expect(await config.accounts[0].getHexString()).to.equal("0x" + "11".repeat(32));
        expect((config.url as unknown as { name: string }).name).to.equal("BASE_SEPOLIA_RPC_URL");
        expect((config.accounts[0] as unknown as { name: string }).name).to.equal("BASE_SEPOLIA_PRIVATE_KEY");
      } finally {
        process.env = saved;
      }
    });

    it("verification uses the Etherscan v2 key (it covers Basescan) from a configuration variable", () => {
      const apiKey = (hre.config as unknown as { verify: { etherscan: { apiKey: { name: string } } } }).verify.etherscan
        .apiKey;
      expect(apiKey.name).to.equal("ETHERSCAN_API_KEY");
    });

    it("the Proofline module deploys with baseSepolia.json plus role holders, USDC bound to Circle's address", async () => {
      const [, admin, guardian, trustAdmin, feeAdmin, feeDestination] = await ethers.getSigners();
      // What the README tells a deployer to do: add the role holders under `$global`, then deploy with the file.
      const file = editedParametersFile("baseSepolia", (parameters) => {
        parameters.$global = {
          ...parameters.$global,
          admin: admin.address,
          guardian: guardian.address,
          trustAdmin: trustAdmin.address,
          feeAdmin: feeAdmin.address,
          feeDestination: feeDestination.address,
        };
      });
      const deployment = await ignition.deploy(ProoflineModule, { parameters: file });
      expect(await deployment.usdc.getAddress()).to.equal(readParameters("baseSepolia").Payments.usdc);
      const manager = await ethers.getContractAt("AccessManager", await deployment.accessManager.getAddress());
      const [isAdmin, adminDelay] = await manager.hasRole(Roles.ADMIN, admin.address);
      expect([isAdmin, adminDelay]).to.deep.equal([true, 86_400n]);
      const [isTrustAdmin, trustDelay] = await manager.hasRole(Roles.TRUST_ADMIN, trustAdmin.address);
      expect([isTrustAdmin, trustDelay]).to.deep.equal([true, 86_400n]);
    });
  });

  describe("ProoflineLocal with deploy/parameters/default.json", () => {
    async function deploySystem() {
      const [deployer] = await ethers.getSigners();
      const roles = localRoles();
      const [admin, guardian, trustAdmin, feeAdmin] = await Promise.all(
        [roles.admin, roles.guardian, roles.trustAdmin, roles.feeAdmin].map((a) => ethers.getSigner(a)),
      );
      const feeDestination = { address: roles.feeDestination };
      const deployment = await ignition.deploy(ProoflineLocalModule, { parameters: parametersFile("default") });
      const address = async (c: { getAddress(): Promise<string> }) => c.getAddress();
      const contracts = {
        AccessManager: await address(deployment.accessManager),
        ModelRegistry: await address(deployment.registry),
        AttesterRegistry: await address(deployment.attesters),
        VerifierRouter: await address(deployment.router),
        InferenceLedger: await address(deployment.ledger),
        TwinMarket: await address(deployment.market),
        TestUSDC: await address(deployment.usdc),
        InferenceEscrow: await address(deployment.escrow),
      };
      const manager = await ethers.getContractAt("AccessManager", contracts.AccessManager);
      const ledger = await ethers.getContractAt("InferenceLedger", contracts.InferenceLedger);
      const attesters = await ethers.getContractAt("AttesterRegistry", contracts.AttesterRegistry);
      const router = await ethers.getContractAt("VerifierRouter", contracts.VerifierRouter);
      return {
        deployer,
        admin,
        guardian,
        trustAdmin,
        feeAdmin,
        feeDestination,
        contracts,
        manager,
        ledger,
        attesters,
        router,
      };
    }

    it("leaves the deployer with no role, and each role with the holder and delay the parameters name", async () => {
      const { deployer, admin, guardian, trustAdmin, feeAdmin, feeDestination, contracts } = await deploySystem();
      const report = await readRoles(ethers.provider, contracts.AccessManager, contracts);
      expect(holdsAnyRole(report, deployer.address)).to.equal(false);
      expect(report.holders.map((h) => [h.role, h.account, h.executionDelay, h.guardian])).to.deep.equal([
        ["ADMIN", admin.address, 0n, "ADMIN"],
        ["GUARDIAN", guardian.address, 0n, "ADMIN"],
        ["TRUST_ADMIN", trustAdmin.address, 3_600n, "GUARDIAN"],
        ["FEE_ADMIN", feeAdmin.address, 0n, "ADMIN"],
      ]);
      expect(report.wiredAsSpecified).to.equal(true);
      // The local parameters give ADMIN no delay: fine on a throwaway chain, and flagged.
      expect(report.warnings).to.have.length(1);
      expect(report.warnings[0]).to.match(/ADMIN .* acts after 0 s, less than TRUST_ADMIN's 3600 s/);
      expect(report.functions).to.have.length(13);
      // Every function RoleWiring lists, on the contract that has it now, with the role it names.
      const listed = Object.entries(RoleWiring).flatMap(([contract, byRole]) =>
        Object.entries(byRole).flatMap(([role, signatures]) =>
          (signatures as readonly string[]).map((signature) => [contract, signature, role]),
        ),
      );
      expect(report.functions.map((f) => [f.contract, f.signature, f.role])).to.have.deep.members(listed);
      expect(report.functions.filter((f) => f.contract === "AttesterRegistry")).to.have.length(5);
      expect(report.functions.filter((f) => f.contract === "VerifierRouter")).to.have.length(3);
      expect(report.functions.every((f) => f.ok)).to.equal(true);
      expect(report.closedTargets).to.deep.equal([]);
      expect(report.other).to.deep.equal([
        { what: "TwinMarket fee destination", account: feeDestination.address },
        { what: "TestUSDC minter (owner)", account: deployer.address },
      ]);
    });

    it("wires the parts to each other", async () => {
      const { contracts, ledger, attesters, router } = await deploySystem();
      expect(await ledger.modelRegistry()).to.equal(contracts.ModelRegistry);
      expect(await ledger.attesterRegistry()).to.equal(contracts.AttesterRegistry);
      expect(await ledger.verifierRouter()).to.equal(contracts.VerifierRouter);
      expect(await attesters.modelRegistry()).to.equal(contracts.ModelRegistry);
      expect(await router.modelRegistry()).to.equal(contracts.ModelRegistry);
      const escrow = await ethers.getContractAt("InferenceEscrow", contracts.InferenceEscrow);
      expect(await escrow.ledger()).to.equal(contracts.InferenceLedger);
      for (const target of [
        contracts.ModelRegistry,
        contracts.AttesterRegistry,
        contracts.VerifierRouter,
        contracts.TwinMarket,
      ]) {
        const managed = new ethers.Contract(target, ["function authority() view returns (address)"], ethers.provider);
        expect(await managed.authority()).to.equal(contracts.AccessManager);
      }
      // The ledger has no admin, so no authority to ask.
      const unmanaged = new ethers.Contract(
        contracts.InferenceLedger,
        ["function authority() view returns (address)"],
        ethers.provider,
      );
      await expect(unmanaged.authority()).to.be.revert(ethers);
    });

    it("every restricted function refuses an account without its role", async () => {
      const { deployer, contracts } = await deploySystem();
      let checked = 0;
      for (const [contract, byRole] of Object.entries(RoleWiring)) {
        const target = await ethers.getContractAt(
          contract as keyof typeof RoleWiring,
          contracts[contract as keyof typeof RoleWiring],
        );
        for (const signatures of Object.values(byRole) as (readonly string[])[]) {
          for (const signature of signatures) {
            const fragment = target.interface.getFunction(signature)!;
            // Arguments the function would accept: only the missing role stands in the way.
            const args = fragment.inputs.map((input) =>
              input.type === "address"
                ? deployer.address
                : input.type === "bytes32"
                  ? ethers.id("argument")
                  : input.type === "bytes"
                    ? "0x01"
                    : 1n,
            );
            const data = target.interface.encodeFunctionData(fragment, args);
            await expect(deployer.sendTransaction({ to: await target.getAddress(), data }), signature)
              .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
              .withArgs(deployer.address);
            checked += 1;
          }
        }
      }
      expect(checked).to.equal(13);
    });

    it("the deployer can no longer grant roles; the new admin can", async () => {
      const { deployer, admin, manager } = await deploySystem();
      await expect(manager.connect(deployer).grantRole(Roles.GUARDIAN, deployer.address, 0))
        .to.be.revertedWithCustomError(manager, "AccessManagerUnauthorizedAccount")
        .withArgs(deployer.address, Roles.ADMIN);
      await manager.connect(admin).grantRole(Roles.GUARDIAN, deployer.address, 0);
      expect((await manager.hasRole(Roles.GUARDIAN, deployer.address))[0]).to.equal(true);
    });

    it("the guardian can cancel a trust-raising action while it waits out its delay", async () => {
      const { trustAdmin, guardian, manager, attesters } = await deploySystem();
      const target = await attesters.getAddress();
      const approve = attesters.interface.encodeFunctionData("approveMeasurement", [ethers.id("image")]);
      await manager.connect(trustAdmin).schedule(target, approve, 0);
      await manager.connect(guardian).cancel(trustAdmin.address, target, approve);
      await networkHelpers.time.increase(3_600);
      await expect(manager.connect(trustAdmin).execute(target, approve)).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotScheduled",
      );
    });
  });
});
