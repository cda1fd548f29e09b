import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import ProoflineLocalModule from "../../deploy/modules/ProoflineLocal.js";
import roles from "../../scripts/roles.js";
import {
  deploymentStartBlock,
  findDeployed,
  formatRoleReport,
  parametersFile,
  readDeployedAddresses,
  readParameters,
} from "../../src/deployments.js";
import { attesterRegistryDomain, signNodeKeyConsent } from "../../src/ledger.js";
import { runHardhat, startHardhatNode } from "../utils/hardhatNode.js";
import { editedParametersFile } from "../utils/parameters.js";

const PORT = 18545 + (process.pid % 1000);
const DEPLOYMENT_ID = `localhost-test-${process.pid}`;
const RESUMED_ID = `localhost-resumed-${process.pid}`;

describe("deployment to a real JSON-RPC node (hardhat node on localhost)", function () {
  this.timeout(180_000);
  let node: ChildProcess | undefined;
  let connection: NetworkConnection;

  before(async () => {
    node = await startHardhatNode(PORT);
    connection = await network.create({ network: "localhost", override: { url: `http://127.0.0.1:${PORT}` } });
  });

  after(() => {
    node?.kill();
    for (const id of [DEPLOYMENT_ID, RESUMED_ID]) rmSync(`deploy/deployments/${id}`, { recursive: true, force: true });
  });

  it("deploys the whole system with localhost.json over HTTP; deploying again is a no-op", async () => {
    const { ethers, ignition } = connection;
    expect((await ethers.provider.getNetwork()).chainId).to.equal(31337n);
    const parameters = parametersFile("localhost");
    const blockBefore = await ethers.provider.getBlockNumber();
    const first = await ignition.deploy(ProoflineLocalModule, { deploymentId: DEPLOYMENT_ID, parameters });
    // The journal tells where the deployment starts, so event searches need not scan from block 0.
    expect(deploymentStartBlock(DEPLOYMENT_ID)).to.equal(blockBefore + 1);
    const ledgerAddress = await first.ledger.getAddress();
    expect(await ethers.provider.getCode(ledgerAddress)).to.not.equal("0x");
    const blockAfterFirst = await ethers.provider.getBlockNumber();

    const second = await ignition.deploy(ProoflineLocalModule, { deploymentId: DEPLOYMENT_ID, parameters });
    expect(await second.ledger.getAddress()).to.equal(ledgerAddress);
    expect(await ethers.provider.getBlockNumber()).to.equal(blockAfterFirst);

    // Ignition recorded every address where `hardhat roles` and `hardhat trail` look for them.
    const recorded = readDeployedAddresses(DEPLOYMENT_ID);
    expect(findDeployed(recorded, "InferenceLedger")).to.equal(ledgerAddress);
    const attestersAddress = await first.attesters.getAddress();
    expect(findDeployed(recorded, "AttesterRegistry")).to.equal(attestersAddress);
    expect(findDeployed(recorded, "VerifierRouter")).to.equal(await first.router.getAddress());
    // Ten contracts, and the risk scorer's two batch verifiers (8 and 16 inferences a proof) beside its single one.
    expect(Object.keys(recorded)).to.have.length(12);
    for (const size of [8, 16]) expect(findDeployed(recorded, `RiskScorerBatch${size}Verifier`)).to.match(/^0x/);

    // The deployed parts talk to each other over HTTP: the ledger names the attester registry, which takes a node.
    const ledger = await ethers.getContractAt("InferenceLedger", ledgerAddress);
    expect(await ledger.attesterRegistry()).to.equal(attestersAddress);
    const attesters = await ethers.getContractAt("AttesterRegistry", attestersAddress);
    const [, , , , , , nodeKey] = await ethers.getSigners();
    const { chainId } = await ethers.provider.getNetwork();
    const consent = await signNodeKeyConsent(
      nodeKey,
      attesterRegistryDomain(chainId, attestersAddress),
      await (await ethers.getSigners())[0].getAddress(),
    );
    await (await attesters.registerNode(nodeKey.address, consent)).wait();
    expect(await attesters.nodeIdOf(nodeKey.address)).to.equal(1n);
    expect(await attesters.activeNodeId(nodeKey.address)).to.equal(1n);
  });

  it("`hardhat roles` prints the recorded addresses and who holds what; the deployer holds nothing", async () => {
    const [deployer] = await connection.ethers.getSigners();
    const parameters = readParameters("localhost").$global;
    const printed: string[] = [];
    const log = console.log;
    console.log = (text: string) => printed.push(text);
    try {
      const hre = { network: { create: async () => connection } } as unknown as HardhatRuntimeEnvironment;
      await roles({ deploymentId: DEPLOYMENT_ID, fromBlock: 0n, json: true }, hre);
    } finally {
      console.log = log;
    }
    const report = JSON.parse(printed.join("\n"));
    expect(report.addresses).to.deep.equal(readDeployedAddresses(DEPLOYMENT_ID));
    expect(report.wiredAsSpecified).to.equal(true);
    expect(report.holders.map((h: { role: string; account: string }) => [h.role, h.account])).to.deep.equal([
      ["ADMIN", parameters.admin],
      ["GUARDIAN", parameters.guardian],
      ["TRUST_ADMIN", parameters.trustAdmin],
      ["FEE_ADMIN", parameters.feeAdmin],
    ]);
    expect(JSON.stringify(report.holders)).to.not.include(deployer.address);

    const table = formatRoleReport("t", report.addresses, report);
    expect(table).to.include(findDeployed(report.addresses, "InferenceLedger"));
    expect(table).to.include("every restricted function is wired as src/roles.ts specifies");
  });

  it("a deployment that failed part-way resumes where it stopped once its parameters are fixed", async () => {
    const { ethers, ignition } = connection;
    const parameters = parametersFile("localhost");
    // A protocol fee above the market's 5% cap: the market's constructor refuses it, after the parts that do not
    // depend on the market have been deployed.
    const broken = editedParametersFile("localhost", (file) => {
      file.TwinMarket.protocolFee = "60000000000000000n";
    });
    let failure: unknown;
    try {
      await ignition.deploy(ProoflineLocalModule, { deploymentId: RESUMED_ID, parameters: broken });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.match(/TwinMarket#TwinMarket.*FeeAboveCap/);
    const partial = readDeployedAddresses(RESUMED_ID);
    expect(findDeployed(partial, "AccessManager")).to.match(/^0x/);
    expect(findDeployed(partial, "TwinMarket")).to.equal(undefined);

    // Rerunning with fixed parameters is refused until the failed step is wiped from the journal, with the
    // command the README gives; everything that succeeded stays.
    let refused: unknown;
    try {
      await ignition.deploy(ProoflineLocalModule, { deploymentId: RESUMED_ID, parameters });
    } catch (error) {
      refused = error;
    }
    expect(String(refused)).to.match(/TwinMarket#TwinMarket: Argument at index 2 has been changed/);
    const wiped = runHardhat(["ignition", "wipe", RESUMED_ID, "TwinMarket#TwinMarket"]);
    expect(wiped.status, wiped.stderr + wiped.stdout).to.equal(0);

    const resumed = await ignition.deploy(ProoflineLocalModule, { deploymentId: RESUMED_ID, parameters });
    expect(await resumed.accessManager.getAddress()).to.equal(findDeployed(partial, "AccessManager"));
    expect(await resumed.registry.getAddress()).to.equal(findDeployed(partial, "ModelRegistry"));
    expect(await resumed.usdc.getAddress()).to.equal(findDeployed(partial, "TestUSDC"));
    const market = await ethers.getContractAt("TwinMarket", await resumed.market.getAddress());
    expect((await market.fees())[0]).to.equal(10n ** 16n);
  });
});
