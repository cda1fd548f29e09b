/**
 * The x402 facilitator as its own HTTP service (node/facilitator.ts, `npm run facilitator`) end to end: a real local
 * chain with the system deployed, the facilitator service on its own account, and the real node service configured
 * with `PROOFLINE_FACILITATOR_URL`, so every payment it takes goes over x402's `HTTPFacilitatorClient` to the service.
 * A client pays the node; the escrow request is opened by the facilitator's account, not the operator's. The wire
 * protocol is then exercised directly: `/supported`, `/verify` and `/settle` of a payment signed by the proofline client
 * scheme, its replay (refused, no money moved), malformed bodies (400, no money moved); and the entry script, as a
 * process: one `error:` line for a configuration mistake, and a clean stop on SIGTERM.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodePaymentRequiredHeader } from "@x402/core/http";
import { HTTPFacilitatorClient } from "@x402/core/server";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";

import { loadConfig } from "../../node/config.js";
import { startFacilitatorService, type FacilitatorService } from "../../node/facilitator.js";
import { devWallet, startLocalnet, type Localnet } from "../../node/localnet.js";
import { NodeService } from "../../node/service.js";
import { RequestStatus, readRequest } from "../../src/escrow.js";
import { InferenceEscrow__factory, TestUSDC__factory } from "../../src/typechain/index.js";
import {
  PROOFLINE_SCHEME,
  ProoflineClientScheme,
  ProoflineInvalidReason,
  ProoflineNodeClient,
  networkOf,
} from "../../src/x402/index.js";
import { freePort, testChainOptions } from "../utils/hardhatNode.js";

/** Runs scripts/facilitator.ts with `env` added; resolves when `until` appears in its output or it exits. */
function runScript(env: Record<string, string>, until?: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/facilitator.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the facilitator did not start:\n${output.stderr}`)), 30_000);
    const poll = setInterval(() => {
      if (until !== undefined && output.stdout.includes(until)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    void exited.then(() => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    });
  });
  return { child, output, exited, ready };
}

describe("the x402 facilitator service over HTTP, settling for a node", function () {
  this.timeout(120_000);
  let dir: string;
  let recordFile: string;
  let localnet: Localnet;
  let facilitator: FacilitatorService;
  let service: NodeService;
  let provider: JsonRpcProvider;
  let client: ProoflineNodeClient;
  let http: HTTPFacilitatorClient;
  const payer = devWallet(2);
  const operator = devWallet(0);
  // An account neither the node service (0 operator, 4 node key, 9 enclave) nor the payers (2, 3) use.
  const facilitatorAccount = devWallet(16);
  const facilitatorLog: { event: string; fields: Record<string, unknown> }[] = [];
  const spamBody = (text: string) => ({ label: "spam-filter", input: { text } });

  const contracts = () => ({
    escrow: InferenceEscrow__factory.connect(localnet.record.addresses.escrow, provider),
    usdc: TestUSDC__factory.connect(localnet.record.addresses.usdc, provider),
  });
  /** What moves money: the escrow's request count and the payer's token balance. */
  const money = async () => {
    const { escrow, usdc } = contracts();
    return [await escrow.requestCount(), await usdc.balanceOf(payer.address)];
  };
  const post = (path: string, body: string, contentType = "application/json") =>
    fetch(`${facilitator.url}${path}`, { method: "POST", headers: { "content-type": contentType }, body });

  /** The node's offer for `body` (its 402), and a payment for it signed by the payer with the proofline client. */
  const signedPayment = async (body: Record<string, unknown>) => {
    const offered = await fetch(`${service.url}/v1/inferences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(offered.status).to.equal(402);
    const required = decodePaymentRequiredHeader(offered.headers.get("payment-required")!);
    const requirements = required.accepts[0] as PaymentRequirements;
    const scheme = new ProoflineClientScheme(new Wallet(payer.privateKey, provider), {
      trustedEscrows: [localnet.record.addresses.escrow],
    });
    const signed = await scheme.createPaymentPayload(required.x402Version, requirements);
    const payload: PaymentPayload = {
      x402Version: signed.x402Version,
      resource: required.resource,
      accepted: requirements,
      payload: signed.payload,
    };
    return { payload, requirements };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "proofline-facilitator-"));
    recordFile = join(dir, "localnet.json");
    localnet = await startLocalnet({
      chain: "hardhat",
      port: await freePort(),
      recordFile,
      chainOptions: testChainOptions,
    });
    provider = new JsonRpcProvider(localnet.record.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 100 });
    facilitator = await startFacilitatorService({
      rpcUrl: localnet.record.rpcUrl,
      escrow: localnet.record.addresses.escrow,
      facilitatorKey: facilitatorAccount.privateKey,
      host: "127.0.0.1",
      port: 0,
      log: (event, fields = {}) => facilitatorLog.push({ event, fields }),
    });
    http = new HTTPFacilitatorClient({ url: facilitator.url });
    service = await NodeService.start(
      loadConfig({
        PROOFLINE_LOCALNET: recordFile,
        PROOFLINE_NODE_KEY: devWallet(4).privateKey,
        PROOFLINE_OPERATOR_KEY: operator.privateKey,
        PROOFLINE_ENCLAVE_KEY: devWallet(9).privateKey,
        PROOFLINE_NODE_DB: join(dir, "node.db"),
        PROOFLINE_NODE_PORT: "0",
        PROOFLINE_PROVERS: "1",
        PROOFLINE_FACILITATOR_URL: facilitator.url,
      }),
      () => undefined,
    );
    client = await ProoflineNodeClient.connect({
      nodeUrl: service.url,
      payer: new Wallet(payer.privateKey, provider),
      provider,
      trustedEscrows: [localnet.record.addresses.escrow],
      maxAmountPerPayment: 100_000n,
    });
  });

  after(async () => {
    await service?.stop();
    await facilitator?.close();
    provider?.destroy();
    await localnet?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("lists the proofline scheme on the chain's network at GET /supported, and reports its account at /health", async () => {
    const network = networkOf(BigInt(localnet.record.chainId));
    // Through x402's own client (which checks the response's shape), and as the raw JSON.
    const supported = await http.getSupported();
    expect(supported.kinds).to.deep.equal([
      { x402Version: 2, scheme: PROOFLINE_SCHEME, network, extra: { escrow: localnet.record.addresses.escrow } },
    ]);
    expect(supported.signers).to.deep.equal({ "eip155:*": [facilitatorAccount.address] });
    const raw = await fetch(`${facilitator.url}/supported`);
    expect(raw.status).to.equal(200);
    expect(await raw.json()).to.deep.equal({ ...supported, extensions: [] });
    const health = await fetch(`${facilitator.url}/health`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.deep.include({
      ok: true,
      network,
      facilitator: facilitatorAccount.address,
      escrow: localnet.record.addresses.escrow,
    });
  });

  it("settles a request paid through the node from the facilitator's account; the answer is Answered", async () => {
    const { escrow, usdc } = contracts();
    const before = await usdc.balanceOf(payer.address);
    const paid = await client.infer(spamBody("URGENT: your account is locked, verify your password at this link"));
    expect(paid.state).to.equal("Answered");
    const transaction = await provider.getTransaction(paid.payment.transaction);
    expect(transaction!.from).to.equal(facilitatorAccount.address);
    expect(transaction!.from).to.not.equal(operator.address);
    expect(transaction!.to).to.equal(localnet.record.addresses.escrow);
    const requestId = BigInt(paid.payment.escrowRequestId);
    const request = await readRequest(escrow, requestId, { transaction: paid.payment.transaction });
    expect(request.requester).to.equal(payer.address);
    expect(Number(await escrow.requestStatus(requestId))).to.be.oneOf([RequestStatus.Open, RequestStatus.Released]);
    expect(before - (await usdc.balanceOf(payer.address))).to.equal(request.amount);
    const settled = facilitatorLog.filter(({ event, fields }) => event === "settle" && fields.success === true);
    expect(settled.map(({ fields }) => fields.transaction)).to.include(paid.payment.transaction);
  });

  it("verifies and settles a payment posted directly, and refuses its replay without moving money", async () => {
    const { payload, requirements } = await signedPayment(spamBody("lunch tomorrow at noon? the usual place"));
    const verified = await http.verify(payload, requirements);
    expect(verified).to.deep.include({ isValid: true, payer: payer.address });
    const [count, balance] = await money();
    const settled = await http.settle(payload, requirements);
    expect(settled, settled.errorMessage).to.deep.include({
      success: true,
      payer: payer.address,
      network: requirements.network,
      amount: requirements.amount,
    });
    expect((await provider.getTransaction(settled.transaction))!.from).to.equal(facilitatorAccount.address);
    expect(settled.extra?.requestId).to.equal((count + 1n).toString());
    expect(await money()).to.deep.equal([count + 1n, balance - BigInt(requirements.amount)]);

    // The same payment again: an ordinary refusal (HTTP 200, success false), and nothing moves.
    const replay = await post(
      "/settle",
      JSON.stringify({ x402Version: 2, paymentPayload: payload, paymentRequirements: requirements }),
    );
    expect(replay.status).to.equal(200);
    const refused = (await replay.json()) as Record<string, unknown>;
    expect(refused).to.deep.include({
      success: false,
      errorReason: ProoflineInvalidReason.AuthorizationUsed,
      transaction: "",
      network: requirements.network,
      payer: payer.address,
    });
    expect(await http.settle(payload, requirements)).to.deep.include({
      success: false,
      errorReason: ProoflineInvalidReason.AuthorizationUsed,
    });
    expect(await http.verify(payload, requirements)).to.deep.include({
      isValid: false,
      invalidReason: ProoflineInvalidReason.AuthorizationUsed,
    });
    expect(await money()).to.deep.equal([count + 1n, balance - BigInt(requirements.amount)]);
  });

  it("answers malformed bodies with 400 and a reason, and unsupported schemes with a refusal; no money moves", async () => {
    const { payload, requirements } = await signedPayment(spamBody("see you at the standup"));
    const before = await money();
    const body = (fields: Record<string, unknown>) =>
      JSON.stringify({ x402Version: 2, paymentPayload: payload, paymentRequirements: requirements, ...fields });
    const cases: [string, string, string, RegExp][] = [
      ["not JSON", "{ x402Version: 2, paymentPayload", "application/json", /not valid JSON/],
      ["not a JSON body", body({}), "text/plain", /must be a JSON object/],
      ["a JSON array", "[1, 2]", "application/json", /must be a JSON object/],
      ["no x402Version", body({ x402Version: undefined }), "application/json", /x402Version is required/],
      ["x402 v1", body({ x402Version: 1 }), "application/json", /x402Version 1 is not supported/],
      ["no payload", body({ paymentPayload: undefined }), "application/json", /paymentPayload is required/],
      [
        "no requirements",
        body({ paymentRequirements: undefined }),
        "application/json",
        /paymentRequirements is required/,
      ],
      [
        "no accepted requirements in the payload",
        body({ paymentPayload: { ...payload, accepted: undefined } }),
        "application/json",
        /^paymentPayload\.accepted: Required$/,
      ],
      [
        "a payload that is not an object",
        body({ paymentPayload: { ...payload, payload: "0x1234" } }),
        "application/json",
        /^paymentPayload\.payload: /,
      ],
      [
        "a network that is not CAIP-2",
        body({ paymentRequirements: { ...requirements, network: "hardhat" } }),
        "application/json",
        /^paymentRequirements\.network: .*CAIP-2/,
      ],
      [
        "no amount",
        body({ paymentRequirements: { ...requirements, amount: undefined } }),
        "application/json",
        /^paymentRequirements\.amount: Required$/,
      ],
    ];
    for (const path of ["/verify", "/settle"]) {
      for (const [what, text, contentType, reason] of cases) {
        const response = await post(path, text, contentType);
        expect(response.status, `${path}: ${what}`).to.equal(400);
        const { error } = (await response.json()) as { error: string };
        expect(error, `${path}: ${what}`).to.match(reason);
      }
    }
    // Well-formed, but for a scheme or a network this facilitator does not settle: refused as x402 says.
    const exact = { ...requirements, scheme: "exact" };
    expect(await http.verify({ ...payload, accepted: exact }, exact)).to.deep.include({
      isValid: false,
      invalidReason: "unsupported_scheme",
    });
    const elsewhere = { ...requirements, network: "eip155:1" as const };
    expect(await http.settle({ ...payload, accepted: elsewhere }, elsewhere)).to.deep.include({
      success: false,
      errorReason: "invalid_network",
      transaction: "",
    });
    expect((await fetch(`${facilitator.url}/verify`)).status).to.equal(404);
    expect(await money()).to.deep.equal(before);
    // The payment itself was fine all along.
    expect(await http.verify(payload, requirements)).to.deep.include({ isValid: true });
  });

  it("runs as `npm run facilitator`: one error line for a configuration mistake, serves, stops on SIGTERM", async () => {
    const secret = "0x" + "ab".repeat(31) + "zz";
    const bad = runScript({ PROOFLINE_LOCALNET: recordFile, PROOFLINE_FACILITATOR_KEY: secret });
    expect(await bad.exited).to.equal(1);
    expect(bad.output.stderr).to.equal("error: PROOFLINE_FACILITATOR_KEY is not a private key (0x + 64 hex digits)\n");
    const missing = runScript({ PROOFLINE_LOCALNET: recordFile, PROOFLINE_FACILITATOR_KEY: "" });
    expect(await missing.exited).to.equal(1);
    expect(missing.output.stderr).to.match(/^error: PROOFLINE_FACILITATOR_KEY is not set[^\n]*\n$/);

    const account = devWallet(17);
    const port = await freePort();
    const running = runScript(
      {
        PROOFLINE_LOCALNET: recordFile,
        PROOFLINE_FACILITATOR_KEY: account.privateKey,
        PROOFLINE_FACILITATOR_PORT: `${port}`,
      },
      '"event":"serving"',
    );
    await running.ready;
    expect(running.child.exitCode, running.output.stderr).to.equal(null);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Record<string, unknown>;
    expect(health).to.deep.include({
      ok: true,
      network: networkOf(BigInt(localnet.record.chainId)),
      facilitator: account.address,
      escrow: localnet.record.addresses.escrow,
    });
    running.child.kill("SIGTERM");
    expect(await running.exited).to.equal(0);
    const output = running.output.stdout + running.output.stderr;
    expect(output).to.include('"event":"facilitator-stop"');
    expect(output.toLowerCase()).to.not.include(account.privateKey.slice(2).toLowerCase());
  });
});
