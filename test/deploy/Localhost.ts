import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import InferenceLedgerModule from "../../deploy/modules/InferenceLedger.js";

// The same Hardhat the tests run under (the package does not export its CLI file, so it is found by path).
const HARDHAT_CLI = resolve("node_modules/hardhat/dist/src/cli.js");
const PORT = 18545 + (process.pid % 1000);
const DEPLOYMENT_ID = `localhost-test-${process.pid}`;

/** Starts `hardhat node` on PORT and resolves once it serves JSON-RPC. */
function startNode(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, "node", "--port", String(PORT)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`hardhat node did not start:\n${output}`)), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Started HTTP and WebSocket JSON-RPC server")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`hardhat node exited with ${code}:\n${output}`)));
  });
}

describe("deployment to a real JSON-RPC node (hardhat node on localhost)", function () {
  this.timeout(180_000);
  let node: ChildProcess | undefined;

  before(async () => {
    node = await startNode();
  });

  after(() => {
    node?.kill();
    rmSync(`deploy/deployments/${DEPLOYMENT_ID}`, { recursive: true, force: true });
  });

  it("deploys the ledger with Ignition over HTTP, and deploying again is a no-op", async () => {
    const { ethers, ignition } = await network.create({
      network: "localhost",
      override: { url: `http://127.0.0.1:${PORT}` },
    });
    expect((await ethers.provider.getNetwork()).chainId).to.equal(31337n);
    const first = await ignition.deploy(InferenceLedgerModule, { deploymentId: DEPLOYMENT_ID });
    const ledgerAddress = await first.ledger.getAddress();
    expect(await ethers.provider.getCode(ledgerAddress)).to.not.equal("0x");
    const blockAfterFirst = await ethers.provider.getBlockNumber();

    const second = await ignition.deploy(InferenceLedgerModule, { deploymentId: DEPLOYMENT_ID });
    expect(await second.ledger.getAddress()).to.equal(ledgerAddress);
    expect(await ethers.provider.getBlockNumber()).to.equal(blockAfterFirst);

    const ledger = await ethers.getContractAt("InferenceLedger", ledgerAddress);
    expect(await ledger.modelRegistry()).to.equal(await first.registry.getAddress());
    const [, , , , node] = await ethers.getSigners();
    await (await ledger.registerNode(node.address)).wait();
    expect(await ledger.nodeIdOf(node.address)).to.equal(1n);
  });
});
