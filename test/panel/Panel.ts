/**
 * The review panel (panel/) in a real browser: Debian's Chromium driven by playwright-core, against the panel served
 * over a real local chain (`hardhat node`) with the system deployed, a real node service selling inference over x402,
 * and a scenario played on it:
 *
 * - a risk score proven at ZKML reads `CLEAR · ZKML (verifier …, proof …)`;
 * - a spam-filter verdict reads HOLD while answered, never green, and turns `CLEAR · TEE (enclave …, measurement …)`
 *   on the open page when its batch settles, without a reload; its bond lock reads LOCKED · pending meanwhile, never
 *   green either;
 * - the risk score's lock is released back to the node once the escrow paid it;
 * - a consumer that takes unsettled answers acts on one: the row carries the acted-before-settlement flag, and the
 *   queue's filter finds it;
 * - the spam filter's label moves to a new artifact: the artifact page shows both blobs under one label;
 * - a paid answer never proven (the node stops) is refunded after the deadline: the payments page says refunded, the
 *   row still reads HOLD and its lock LOCKED; then a passer-by rejects it for the missed deadline and slashes its lock:
 *   the row reads REJECTED and SLASHED, with the passer-by's, the requester's and the protocol's shares;
 * - the nodes page shows each node's bond: free, locked, unbonding per asset;
 * - a model registered with markup and script in its label and a `javascript:` metadata URI: shown as text, nothing
 *   runs, the link goes nowhere.
 *
 * Screenshots of the queue and of inference pages (a proven one and a slashed one) go to test-output/panel/.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { ContractFactory, JsonRpcProvider, NonceManager, Wallet, type Contract } from "ethers";
import { chromium, type Browser, type Page } from "playwright-core";

import { devWallet, type Localnet } from "../../node/localnet.js";
import type { NodeService } from "../../node/service.js";
import { startPanel, type PanelService } from "../../panel/server.js";
import { OutputCommitment } from "../../src/commitments.js";
import { consumerArgs } from "../../src/consumer.js";
import { slashLock } from "../../src/bonds.js";
import { ESCROW_CLAIM_WINDOW } from "../../src/constants.js";
import { readRequest } from "../../src/escrow.js";
import { Level, RecordState, type Answer } from "../../src/ledger.js";
import { toArtifactParams } from "../../src/registry.js";
import {
  BondVault__factory,
  InferenceEscrow__factory,
  InferenceLedger__factory,
  ModelRegistry__factory,
} from "../../src/typechain/index.js";
import { ProoflineNodeClient, type PaidInference } from "../../src/x402/index.js";
import { startLocalNode, type LocalNode } from "../utils/localNode.js";

/**
 * Where the screenshots go (ignored by git; the copies in docs/images/ are panel-queue.png, panel-inference.png,
 * panel-queue-bonds.png and panel-slashed.png, refreshed by hand).
 */
export const PANEL_OUTPUT = "test-output/panel";
const CHROMIUM = process.env.PROOFLINE_CHROMIUM ?? "/usr/bin/chromium";
// At most 64 bytes: the registry's label limit.
const HOSTILE_LABEL = `<img src=x onerror="__pwned=1"><script>__pwned=2</script>`;

/** `text` with its runs of white space made one space (as a reader sees it). */
const spaced = (text: string | null) => (text ?? "").replace(/\s+/g, " ").trim();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("review panel in a real browser", function () {
  this.timeout(300_000);
  let localnet: Localnet;
  let provider: JsonRpcProvider;
  let service: NodeService;
  let panel: PanelService;
  let browser: Browser;
  let page: Page;
  let client: ProoflineNodeClient;
  let node: LocalNode;
  const paid: Record<string, PaidInference> = {};

  const answerOf = (inference: PaidInference) =>
    ({
      ...inference.answer,
      subject: BigInt(String(inference.answer.subject)),
      claimed: Number(inference.answer.claimed) as Level,
      route: Number(inference.answer.route),
    }) as unknown as Answer;
  const row = (id: string) => page.locator(`tr[data-inference="${id}"]`);
  const ledger = () => InferenceLedger__factory.connect(localnet.record.addresses.ledger, provider);
  const bonds = async () => BondVault__factory.connect(await ledger().bondVault(), provider);
  const lockStatus = async (inferenceId: string) => Number((await (await bonds()).lockOf(inferenceId)).status);
  /** The computed background colour of the first element `selector` finds (CLEAR's green is rgb(201, 242, 211)). */
  const background = (selector: string) =>
    page.evaluate(`getComputedStyle(document.querySelector('${selector}')).backgroundColor`);
  const waitFor = async (what: string, done: () => Promise<boolean>, ms = 120_000) => {
    const until = Date.now() + ms;
    while (!(await done())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await sleep(250);
    }
  };

  before(async () => {
    mkdirSync(PANEL_OUTPUT, { recursive: true });
    // TEE answers gather for 6 s before their batch: long enough to see them HOLD on an open page.
    node = await startLocalNode("panel", { PROOFLINE_BATCH_MS: "6000", PROOFLINE_DEADLINE_SECONDS: "600" });
    ({ localnet, provider, service } = node);
    client = await ProoflineNodeClient.connect({
      nodeUrl: service.url,
      payer: new Wallet(devWallet(2).privateKey, provider),
      provider,
      trustedEscrows: [localnet.record.addresses.escrow],
      maxAmountPerPayment: 100_000n,
    });
    panel = await startPanel({
      rpcUrl: localnet.record.rpcUrl,
      addresses: localnet.record.addresses as PanelServiceAddresses,
      network: "localhost",
      nodeUrl: service.url,
      port: 0,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    await panel?.close();
    await node?.stop();
  });

  it("shows a ZK-proven risk score CLEAR with the verifier and proof that earned it", async () => {
    paid.risk = await client.infer({
      artifact: "1",
      input: { subject: devWallet(7).address, features: ["400", "2", "500", "100"] },
    });
    await paid.risk.settled({ minLevel: Level.ZKML, pollMs: 200, timeoutMs: 120_000 });
    await page.goto(panel.url);
    const badge = row(paid.risk.inferenceId).locator(".badge");
    await badge.waitFor();
    expect(await badge.getAttribute("data-badge")).to.equal("CLEAR");
    expect(await badge.textContent()).to.match(/^CLEAR · ZKML \(verifier 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}, proof 0x/);
  });

  it("holds an answered TEE verdict (never green), then turns it CLEAR on the open page when its batch settles", async () => {
    paid.spam = await client.infer({ label: "spam-filter", input: { text: "Win a free cruise!!! claim now" } });
    await page.goto(panel.url);
    const badge = row(paid.spam.inferenceId).locator(".badge");
    await badge.waitFor();
    expect(await badge.getAttribute("data-badge")).to.equal("HOLD");
    const selector = `tr[data-inference="${paid.spam.inferenceId}"] .badge`;
    expect(await page.evaluate(`getComputedStyle(document.querySelector('${selector}')).backgroundColor`)).to.not.equal(
      "rgb(201, 242, 211)",
    );
    // Its node locked its bond before answering: shown as pending, never green.
    const lock = row(paid.spam.inferenceId).locator(".lock");
    expect(await lock.getAttribute("data-lock")).to.equal("Locked");
    expect(await lock.getAttribute("data-outlook")).to.equal("pending");
    expect(await lock.textContent()).to.equal("LOCKED · pending");
    expect(await background(`tr[data-inference="${paid.spam.inferenceId}"] .lock`)).to.not.equal("rgb(201, 242, 211)");
    await page.evaluate("window.__notReloaded = true");
    // Polled from here (the panel's Content-Security-Policy forbids the page-side evaluation waitForFunction uses).
    await waitFor(
      "the badge to turn CLEAR",
      async () => (await page.locator(selector).getAttribute("data-badge")) === "CLEAR",
    );
    expect(await page.evaluate("window.__notReloaded")).to.equal(true);
    expect(await row(paid.spam.inferenceId).locator(".badge").textContent()).to.match(
      /^CLEAR · TEE \(enclave 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}, measurement 0x.*batch/,
    );
  });

  it("shows a paid, settled answer's bond lock released back to its node once the escrow paid it", async () => {
    await waitFor(
      "the node to release the risk score's lock",
      async () => (await lockStatus(paid.risk.inferenceId)) === 2,
    );
    await page.goto(panel.url);
    const cell = row(paid.risk.inferenceId).locator("td", { has: page.locator(".lock") });
    expect(await cell.locator(".lock").getAttribute("data-lock")).to.equal("Released");
    expect(spaced(await cell.textContent())).to.match(/released ?[\d.]+ (tUSDC|ETH) back to node 1's bond/);
    expect(await background(`tr[data-inference="${paid.risk.inferenceId}"] .lock`)).to.not.equal("rgb(201, 242, 211)");
    await page.goto(`${panel.url}/inference/${paid.risk.inferenceId}`);
    expect(await page.locator("tr.bond td").textContent()).to.match(/locked .*\(block \d+\)[\s\S]*released .*\(block/);
    expect(await page.locator(".chronology g.bond text").allTextContents()).to.satisfy(
      (labels: string[]) =>
        labels.some((l) => l.startsWith("bond locked")) && labels.some((l) => l.startsWith("bond released")),
    );
  });

  it("flags an answer a consumer acted on before settlement, and the queue's filter finds it", async () => {
    // A consumer that accepts unsettled answers: the real consumer base with nothing added (the Solidity tests' harness).
    const harness = JSON.parse(
      readFileSync("artifacts/test/consumer/InferenceConsumer.t.sol/PolicyHarness.json", "utf8"),
    ) as { abi: []; bytecode: string };
    const deployer = new NonceManager(new Wallet(devWallet(3).privateKey, provider));
    const consumer = (await new ContractFactory(harness.abi, harness.bytecode, deployer).deploy(
      localnet.record.addresses.ledger,
      [Level.Vanilla, true, false, false, 0, 0, 0],
      [],
    )) as unknown as Contract;
    await consumer.waitForDeployment();
    paid.early = await client.infer({ artifact: "3", input: { text: "lunch at noon?" } });
    await waitFor(
      "the answer on the ledger",
      async () => Number((await ledger().settlementOf(paid.early.inferenceId))[0]) !== RecordState.None,
    );
    await (
      await consumer.consume(...consumerArgs(answerOf(paid.early), new OutputCommitment(paid.early.outputParts), 0))
    ).wait();
    await page.goto(`${panel.url}/?acted=before`);
    await row(paid.early.inferenceId).waitFor();
    expect(await page.locator("tbody tr").count()).to.equal(1);
    expect(await row(paid.early.inferenceId).locator(".flag").allTextContents()).to.satisfy((flags: string[]) =>
      flags.some((flag) => flag.startsWith("acted on before settlement by")),
    );
    expect(await row(paid.early.inferenceId).locator(".early").count()).to.be.greaterThan(0);
    // Its page: the chronology draws the early consumption in red, before the settlement.
    await page.goto(`${panel.url}/inference/${paid.early.inferenceId}`);
    expect(await page.locator(".chronology g.early text").textContent()).to.match(/consumed BEFORE settlement/);
  });

  it("shows every output and input part verified against the record, and the chronology, on an inference page", async () => {
    await page.goto(`${panel.url}/inference/${paid.risk.inferenceId}`);
    expect(await page.locator("p.ok").allTextContents()).to.have.length(2);
    expect(await page.locator(".part .ok").count()).to.equal(2); // one output part, one input part
    expect(await page.locator(".chronology g").count()).to.be.greaterThanOrEqual(4); // answered, attested, settled, paid
    await page.screenshot({ path: join(PANEL_OUTPUT, "inference.png"), fullPage: true });
  });

  it("shows the spam filter's label moving to a new blob on the artifact page", async () => {
    const registry = ModelRegistry__factory.connect(
      localnet.record.addresses.registry,
      new Wallet(devWallet(1).privateKey, provider),
    );
    const params = toArtifactParams({
      blobId: `0x${"ab".repeat(32)}`,
      contentDigest: `0x${"cd".repeat(32)}`,
      format: "onnx",
      version: "2.0.0",
      parentId: 3n,
    });
    await (await registry.registerArtifact(2n, params, true)).wait();
    await page.goto(`${panel.url}/artifacts`);
    const model = page.locator("#model-2");
    expect(await model.locator("tr.label-move").count()).to.equal(2);
    expect(await model.locator("p.flag").textContent()).to.match(/the label has moved 1 time/);
    expect(await model.locator("#artifact-4").textContent()).to.match(/from artifact 3/);
  });

  it("never turns an unproven, refunded answer green, and shows the refund on the payments page", async () => {
    // By artifact id: the label has moved to an artifact this node does not serve (it refuses the label now).
    paid.never = await client.infer({ artifact: "3", input: { text: "see you tomorrow" } });
    await service.stop(); // before its batch: nothing will ever attest it
    const escrow = InferenceEscrow__factory.connect(
      localnet.record.addresses.escrow,
      new Wallet(devWallet(2).privateKey, provider),
    );
    const requestId = BigInt(paid.never.payment.escrowRequestId);
    const request = await readRequest(escrow, requestId, { transaction: paid.never.payment.transaction });
    const now = BigInt((await provider.getBlock("latest"))!.timestamp);
    await provider.send("evm_increaseTime", [Number(request.deadline + ESCROW_CLAIM_WINDOW + 1n - now)]);
    await provider.send("evm_mine", []);
    await (await escrow.refundExpired(requestId, request)).wait();
    await page.goto(`${panel.url}/payments`);
    expect(await page.locator(`tr[data-request="${requestId}"]`).getAttribute("data-status")).to.equal("Refunded");
    await page.goto(panel.url);
    const never = row(paid.never.inferenceId);
    expect(await never.locator(".badge").getAttribute("data-badge")).to.equal("HOLD");
    expect(await never.textContent()).to.match(/refunded \(Expired\)/);
    expect(await never.locator(".lock").getAttribute("data-lock")).to.equal("Locked");
    await page.screenshot({ path: join(PANEL_OUTPUT, "queue.png"), fullPage: true });
  });

  it("shows a claim rejected at its deadline SLASHED, with the reporter's, requester's and protocol's shares", async () => {
    // A passer-by (no role in the story) rejects the unproven answer for its missed deadline and slashes its lock:
    // for a missed deadline the reporter is whoever slashed.
    const passerBy = new NonceManager(new Wallet(devWallet(15).privateKey, provider));
    const passerByAddress = await passerBy.getAddress();
    await (await ledger().connect(passerBy).reject(paid.never.inferenceId)).wait();
    const vault = (await bonds()).connect(passerBy);
    // A paid lock: slashed with the escrow request it backs (its requester gets a share).
    const receipt = await (await slashLock(vault, paid.never.inferenceId)).wait();
    const vaultAddress = await vault.getAddress();
    const slashLog = receipt!.logs.find((log) => log.address === vaultAddress)!;
    expect(vault.interface.parseLog(slashLog)!.name).to.equal("BondSlashed");
    await page.goto(panel.url);
    const never = row(paid.never.inferenceId);
    expect(await never.locator(".badge").getAttribute("data-badge")).to.equal("REJECTED");
    expect(await never.locator(".lock").getAttribute("data-lock")).to.equal("Slashed");
    const share = (who: string) => never.locator(`.split li[data-share="${who}"]`);
    expect(await share("reporter").textContent()).to.match(
      new RegExp(`to the reporter ${passerByAddress.slice(0, 6)}`),
    );
    expect(await share("requester").textContent()).to.match(
      new RegExp(`to the requester ${devWallet(2).address.slice(0, 6)}`),
    );
    expect(await share("protocol").textContent()).to.match(/to the protocol 0x/);
    expect(await never.locator(".split li").count()).to.equal(3);
    await page.screenshot({ path: join(PANEL_OUTPUT, "queue-bonds.png"), fullPage: true });
    await page.goto(`${panel.url}/?bond=Slashed`);
    expect(
      await page.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-inference"))),
    ).to.deep.equal([paid.never.inferenceId]);
    await page.goto(`${panel.url}/inference/${paid.never.inferenceId}`);
    expect(await page.locator("tr.bond td").textContent()).to.match(/slashed .*\(block \d+\)/);
    expect(await page.locator(".chronology g.rejected text").allTextContents()).to.satisfy((labels: string[]) =>
      labels.some((l) => l.startsWith("bond SLASHED")),
    );
    await page.screenshot({ path: join(PANEL_OUTPUT, "inference-slashed.png"), fullPage: true });
  });

  it("pages the queue newest first, a bounded number of records per page, filters kept across pages", async () => {
    const small = await startPanel({
      rpcUrl: localnet.record.rpcUrl,
      addresses: localnet.record.addresses as PanelServiceAddresses,
      network: "localhost",
      port: 0,
      pageSize: 2,
    });
    try {
      const ids = [paid.never, paid.early, paid.spam, paid.risk].map((p) => p.inferenceId);
      await page.goto(small.url);
      const rows = () =>
        page.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-inference")));
      expect(await rows()).to.deep.equal(ids.slice(0, 2));
      expect(await page.locator("p.count").textContent()).to.match(/2 shown of records 1 to 2, newest first,\s+of 4/);
      await page.locator("a.older").click();
      expect(await rows()).to.deep.equal(ids.slice(2, 4));
      expect(await page.locator("a.older").count()).to.equal(0);
      // With a filter, a page is the next matches: the settled ones are the two oldest.
      await page.goto(`${small.url}/?state=Settled`);
      expect(await rows()).to.deep.equal(ids.slice(2, 4));
      expect(new URL(page.url()).searchParams.get("state")).to.equal("Settled");
    } finally {
      await small.close();
    }
  });

  it("lists nodes, enclaves with their heartbeats and measurements on the nodes and enclaves page", async () => {
    await page.goto(`${panel.url}/nodes`);
    const text = (await page.locator("main").textContent()) ?? "";
    expect(text).to.include(devWallet(4).address.slice(0, 6)); // the node key, shortened
    expect(text).to.match(/development enclave keys: plain keys standing in for hardware/);
    expect(await page.locator("main table").nth(1).locator("tr").count()).to.be.greaterThan(2); // three enclaves
    expect(text).to.match(/UTC \(\d+ s ago\)/); // a heartbeat, and its age in chain time
    // Node 1's bond in ETH (and in every token deposited for it): free, locked, unbonding.
    const eth = page.locator('tr[data-node="1"] .bond[data-asset="0x0000000000000000000000000000000000000000"]');
    expect(spaced(await eth.textContent())).to.match(/free [\d.]+ ETH · locked [\d.]+ ETH · nothing unbonding/);
    await page.screenshot({ path: join(PANEL_OUTPUT, "nodes.png"), fullPage: true });
  });

  it("keeps hostile labels and metadata inert: shown as text, no script runs, no javascript: link", async () => {
    const registry = ModelRegistry__factory.connect(
      localnet.record.addresses.registry,
      new Wallet(devWallet(7).privateKey, provider),
    );
    await (await registry.createModel(HOSTILE_LABEL, "javascript:__pwned=3")).wait();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${panel.url}/artifacts`);
    const hostile = page.locator(".model", { hasText: "__pwned=2" });
    expect(await hostile.locator(".label").textContent()).to.equal(HOSTILE_LABEL);
    expect(await hostile.locator("img").count()).to.equal(0);
    expect(await hostile.locator("script").count()).to.equal(0);
    expect(await hostile.locator("a", { hasText: "javascript:" }).getAttribute("href")).to.equal("#");
    await hostile.locator("a", { hasText: "javascript:" }).click();
    await sleep(300);
    expect(await page.evaluate("typeof window.__pwned")).to.equal("undefined");
    expect(dialogs).to.deep.equal([]);
  });
});

type PanelServiceAddresses = { ledger: string; registry: string; attesters: string; escrow: string };
