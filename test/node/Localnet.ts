import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { freePort, testChainOptions } from "../utils/hardhatNode.js";
import { JsonRpcProvider } from "ethers";

import { startChain, type ChainKind } from "../../node/chain.js";
import { devWallet, startLocalnet, type LocalnetRecord } from "../../node/localnet.js";
import { AttesterRegistry__factory, InferenceLedger__factory } from "../../src/typechain/index.js";

/** What a developer builds against: the contracts have code, the node key is active, both enclaves are live. */
async function expectReady(record: LocalnetRecord) {
  const provider = new JsonRpcProvider(record.rpcUrl, undefined, { staticNetwork: true });
  try {
    for (const [name, address] of Object.entries(record.addresses)) {
      expect(await provider.getCode(address), name).to.not.equal("0x");
    }
    const attesters = AttesterRegistry__factory.connect(record.addresses.attesters, provider);
    const ledger = InferenceLedger__factory.connect(record.addresses.ledger, provider);
    expect(await ledger.attesterRegistry()).to.equal(record.addresses.attesters);
    expect(await attesters.activeNodeId(record.accounts.node.address)).to.equal(1n);
    for (const enclave of [record.accounts.devEnclave, record.accounts.devProxyEnclave]) {
      const [live] = await attesters.enclaveStatus(enclave.address);
      expect(live, `enclave ${enclave.address} live`).to.equal(true);
    }
  } finally {
    provider.destroy();
  }
}

/**
 * `npm start`'s network (node/localnet.ts) on both chain clients it supports, Hardhat's EDR node and Foundry's anvil
 * (an independent implementation), and on a chain that was already running: real processes over HTTP.
 */
describe("local network in one command", function () {
  this.timeout(180_000);

  for (const kind of ["hardhat", "anvil"] as ChainKind[]) {
    it(`brings up ${kind}, deploys and sets up the system, records it, and stops the chain`, async () => {
      const recordFile = join(mkdtempSync(join(tmpdir(), "proofline-localnet-")), "localnet.json");
      const localnet = await startLocalnet({
        chain: kind,
        port: await freePort(),
        recordFile,
        chainOptions: testChainOptions,
      });
      try {
        const record = JSON.parse(readFileSync(recordFile, "utf8")) as LocalnetRecord;
        expect(record).to.deep.include({ chain: kind, chainId: "31337", rpcUrl: localnet.chain!.url });
        expect(record.accounts.node).to.deep.equal({ index: 4, address: devWallet(4).address });
        await expectReady(record);
      } finally {
        await localnet.stop();
      }
      expect(localnet.chain!.process.exitCode !== null || localnet.chain!.process.signalCode !== null).to.equal(true);
    });
  }

  it("deploys onto a chain already running, twice, each deployment ready and the chain left running", async () => {
    const chain = await startChain("anvil", await freePort(), testChainOptions);
    try {
      const dir = mkdtempSync(join(tmpdir(), "proofline-localnet-"));
      const first = await startLocalnet({ rpcUrl: chain.url, recordFile: join(dir, "a.json") });
      const second = await startLocalnet({ rpcUrl: chain.url, recordFile: join(dir, "b.json") });
      expect(first.record.chain).to.equal("external");
      expect(second.record.addresses.ledger).to.not.equal(first.record.addresses.ledger);
      await expectReady(second.record);
      await second.stop();
      expect(chain.process.exitCode).to.equal(null);
    } finally {
      await chain.stop();
    }
  });

  it("`npm start`'s script prints the network, serves the review panel, and Ctrl-C stops the chain it started", async () => {
    const port = await freePort();
    const panelPort = await freePort();
    const child = spawn(
      process.execPath,
      // the default chain, a hardhat node
      ["--import", "tsx", "scripts/start.ts", "--port", `${port}`, "--panel-port", `${panelPort}`],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not up:\n${output}`)), 120_000);
      const poll = setInterval(() => {
        if (output.includes("Ctrl-C stops it.")) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }
      }, 100);
    });
    expect(output).to.match(new RegExp(`JSON-RPC +http://127\\.0\\.0\\.1:${port}`));
    expect(output).to.match(/ledger +0x[0-9a-fA-F]{40}/);
    expect(output).to.include("development enclave keys, not hardware");
    expect(output).to.match(new RegExp(`review panel +http://127\\.0\\.0\\.1:${panelPort}`));
    const queue = await fetch(`http://127.0.0.1:${panelPort}/`);
    expect([queue.status, (await queue.text()).includes("<h1>Queue</h1>")]).to.deep.equal([200, true]);
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exit).to.equal(0);
    const probe = await fetch(`http://127.0.0.1:${port}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    }).then(
      () => "answered",
      () => "refused",
    );
    expect(probe, "the chain stopped with the script").to.equal("refused");
  });

  it("refuses a bad option with one line and exit status 2", () => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", "--chain", "geth"]);
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    return new Promise<void>((resolve) =>
      child.once("exit", (code) => {
        expect(code).to.equal(2);
        expect(errors).to.match(/^error: --chain must be one of hardhat, anvil, not "geth"\n/);
        resolve();
      }),
    );
  });
});
