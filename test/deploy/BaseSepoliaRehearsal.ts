import type { ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";

import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";

import { artifacts } from "hardhat";

import { USDC } from "../../src/tokens.js";
import { runHardhat, startHardhatNode } from "../utils/hardhatNode.js";
import { editedParametersFile } from "../utils/parameters.js";

const PORT = 19545 + (process.pid % 1000);
const DEPLOYMENT_ID = `base-sepolia-rehearsal-${process.pid}`;
// Hardhat's first development account: a publicly known key, only ever used against the local node below.
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * A dress rehearsal of the README's Base Sepolia commands: the same `--network baseSepolia` configuration (OP stack,
 * chain 84532, RPC URL and key from configuration variables, here given as environment variables, which take
 * precedence over the keystore) and the same module and parameters file, against a local `hardhat node` started
 * with Base Sepolia's chain id and chain type instead of the real endpoint. Only `--verify` (Basescan) is left out.
 * Circle's USDC cannot exist on that chain: the deploy command's preflight first refuses the empty address, then the
 * rehearsal places `UsdcStandIn` there (a test stand-in that answers as USDC does).
 */
describe("Base Sepolia rehearsal: the README's deploy command against a local chain 84532", function () {
  this.timeout(300_000);
  let node: ChildProcess | undefined;
  let parameters: string;
  const env = {
    BASE_SEPOLIA_RPC_URL: `http://127.0.0.1:${PORT}`,
    BASE_SEPOLIA_PRIVATE_KEY: DEPLOYER_KEY,
  };
  const holders = {
    admin: Wallet.createRandom().address,
    guardian: Wallet.createRandom().address,
    trustAdmin: Wallet.createRandom().address,
    feeAdmin: Wallet.createRandom().address,
    feeDestination: Wallet.createRandom().address,
  };
  // `--build-profile default` reuses the test run's compilation (the production profile has the same settings).
  const deploy = (parametersFile = parameters) =>
    runHardhat(
      [
        "ignition",
        "deploy",
        "deploy/modules/Proofline.ts",
        "--network",
        "baseSepolia",
        "--parameters",
        parametersFile,
        "--deployment-id",
        DEPLOYMENT_ID,
        "--build-profile",
        "default",
      ],
      env,
      "y\n", // Ignition asks to confirm a deployment to a live network.
    );

  before(async () => {
    node = await startHardhatNode(PORT, ["--chain-id", "84532", "--chain-type", "op"]);
    // Step 2 of the walkthrough: the committed file plus the deployer's role holders under `$global`.
    parameters = editedParametersFile("baseSepolia", (file) => {
      file.$global = { ...file.$global, ...holders };
    });
  });

  after(() => {
    node?.kill();
    rmSync(`deploy/deployments/${DEPLOYMENT_ID}`, { recursive: true, force: true });
  });

  it("refuses to deploy while the parameters' USDC has no code on the chain, and sends nothing", async () => {
    const provider = new JsonRpcProvider(env.BASE_SEPOLIA_RPC_URL);
    const refused = deploy();
    expect(refused.status, refused.stdout + refused.stderr).to.equal(1);
    expect(refused.stderr).to.include(
      `Payments.usdc: the token ${USDC["84532"].address} has no code on chain 84532: --network (or its RPC URL) is ` +
        "not the chain this address is for",
    );
    expect(refused.stderr).to.include("Nothing was deployed.");
    expect(refused.stdout + refused.stderr).to.not.include("Confirm deploy");
    expect(existsSync(`deploy/deployments/${DEPLOYMENT_ID}`)).to.equal(false);
    expect(await provider.getBlockNumber()).to.equal(0);
    provider.destroy();
  });

  it("refuses live delays shorter than the rule, with the token in place", async () => {
    const provider = new JsonRpcProvider(env.BASE_SEPOLIA_RPC_URL);
    const { deployedBytecode } = await artifacts.readArtifact("UsdcStandIn");
    await provider.send("hardhat_setCode", [USDC["84532"].address, deployedBytecode]);
    const short = editedParametersFile("baseSepolia", (file) => {
      file.$global = { ...file.$global, ...holders, adminDelay: 0 };
    });
    const refused = deploy(short);
    expect(refused.status, refused.stdout + refused.stderr).to.equal(1);
    expect(refused.stderr).to.include("adminDelay (0 s) is shorter than trustAdminDelay (86400 s)");
    expect(existsSync(`deploy/deployments/${DEPLOYMENT_ID}`)).to.equal(false);
    expect(await provider.getBlockNumber()).to.equal(0);
    provider.destroy();
  });

  it("deploys the whole system, hands ADMIN over, and a second run sends nothing", async () => {
    const first = deploy();
    expect(first.status, first.stdout + first.stderr).to.equal(0);
    expect(first.stdout).to.include("[ Proofline ] successfully deployed");

    const provider = new JsonRpcProvider(env.BASE_SEPOLIA_RPC_URL);
    const block = await provider.getBlockNumber();
    const second = deploy();
    expect(second.status, second.stdout + second.stderr).to.equal(0);
    expect(await provider.getBlockNumber()).to.equal(block);
    provider.destroy();
  });

  it("`hardhat roles --network baseSepolia` shows the named holders, the delays, and nothing for the deployer", () => {
    const result = runHardhat(["roles", "--network", "baseSepolia", "--deployment-id", DEPLOYMENT_ID, "--json"], env);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{")));
    expect(report.chainId).to.equal("84532");
    expect(report.addresses["Payments#USDC"]).to.equal("0x036CbD53842c5426634e7929541eC2318f3dCF7e");
    expect(report.wiredAsSpecified).to.equal(true);
    expect(report.warnings).to.deep.equal([]);
    expect(report.holders.map((h: { role: string; account: string; executionDelay: string }) => h)).to.deep.equal([
      { role: "ADMIN", roleId: "0", account: holders.admin, executionDelay: "86400", guardian: "ADMIN" },
      { role: "GUARDIAN", roleId: "1", account: holders.guardian, executionDelay: "0", guardian: "ADMIN" },
      {
        role: "TRUST_ADMIN",
        roleId: "2",
        account: holders.trustAdmin,
        executionDelay: "86400",
        guardian: "GUARDIAN",
      },
      { role: "FEE_ADMIN", roleId: "3", account: holders.feeAdmin, executionDelay: "0", guardian: "ADMIN" },
    ]);
    expect(report.other).to.deep.equal([{ what: "TwinMarket fee destination", account: holders.feeDestination }]);
    expect(result.stdout).to.not.include(new Wallet(DEPLOYER_KEY).address);
  });
});
