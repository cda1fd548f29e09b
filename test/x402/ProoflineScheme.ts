import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { x402Client } from "@x402/core/client";
import { x402Facilitator } from "@x402/core/facilitator";
import {
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  decodePaymentSignatureHeader,
  encodePaymentSignatureHeader,
} from "@x402/core/http";
import type { FacilitatorClient } from "@x402/core/server";
import type {
  PaymentPayload,
  PaymentRequirements,
  SchemeNetworkClient,
  SchemeNetworkFacilitator,
  SchemeNetworkServer,
} from "@x402/core/types";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { wrapFetchWithPayment } from "@x402/fetch";
import { expect } from "chai";
import express from "express";
import { Signature, getAddress, id, type Signer } from "ethers";
import { network } from "hardhat";

import { InputCommitment, InputKind, Provenance } from "../../src/commitments.js";
import {
  FundingMethod,
  RECEIVE_WITH_AUTHORIZATION_TYPES,
  RequestStatus,
  authorizationNonce,
  readRequest,
  requestRef,
  signEscrowAuthorization,
  tokenDomain,
} from "../../src/escrow.js";
import { Level, Route } from "../../src/ledger.js";
import {
  InProcessFacilitatorClient,
  PROOFLINE_SCHEME,
  ProoflineClientScheme,
  ProoflineFacilitatorScheme,
  ProoflineInvalidReason,
  ProoflineServerScheme,
  encodeProoflinePayload,
  networkOf,
  parseProoflinePayload,
  type ProoflinePayload,
} from "../../src/x402/index.js";
import { deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const PRICE = 10_000n; // $0.01 in a 6-decimal token
const DEADLINE_SECONDS = 3_600;
const MAX_TIMEOUT_SECONDS = 300;
const PATH = "/v1/echo";

/** The input commitment of an echo request: one prompt part, its text as given. */
function commitBody(body: { prompt: string }): string {
  return new InputCommitment([
    { kind: InputKind.Prompt, name: "prompt", content: body.prompt, provenance: Provenance.Unattested },
  ]).root;
}

let server: Server | undefined;

async function fixture() {
  const scenario = await deployScenario(connection);
  const { escrow, usdc, signers } = scenario;
  const accounts = await ethers.getSigners();
  const [payer, facilitatorAccount, stranger] = [accounts[2], accounts[3], signers.other];
  const escrowAddress = await escrow.getAddress();
  const usdcAddress = await usdc.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const NETWORK = networkOf(chainId);
  const owner = accounts.find((account) => account.address === signers.deployer.address)!;
  await usdc.connect(owner).mint(payer.address, 100n * PRICE);
  const [, tokenName, tokenVersion] = await usdc.eip712Domain();
  const usdcDomain = tokenDomain(tokenName, tokenVersion, chainId, usdcAddress);

  // The three sides, each checked against x402's own interface by the compiler.
  const serverScheme = new ProoflineServerScheme({ address: usdcAddress, name: tokenName, version: tokenVersion });
  const facilitatorScheme = new ProoflineFacilitatorScheme(facilitatorAccount, escrowAddress);
  const facilitatorClient: FacilitatorClient = new InProcessFacilitatorClient(
    new x402Facilitator().register(NETWORK, facilitatorScheme satisfies SchemeNetworkFacilitator),
  );
  const resourceServer = new x402ResourceServer(facilitatorClient).register(
    NETWORK,
    serverScheme satisfies SchemeNetworkServer,
  );

  const app = express();
  app.use(express.json());
  app.use(PATH, (req, res, next) => {
    if (typeof req.body?.prompt !== "string") res.status(400).json({ error: "body must be { prompt: string }" });
    else next();
  });
  app.use(
    paymentMiddleware(
      {
        [`POST ${PATH}`]: {
          accepts: {
            scheme: PROOFLINE_SCHEME,
            network: NETWORK,
            payTo: escrowAddress,
            // The input commitment depends on the body: x402 merges a dynamic price's `extra` into the requirements.
            price: (context) => ({
              amount: PRICE.toString(),
              asset: usdcAddress,
              extra: { inputCommitment: commitBody(context.adapter.getBody?.() as { prompt: string }) },
            }),
            maxTimeoutSeconds: MAX_TIMEOUT_SECONDS,
            extra: {
              route: Route.Local,
              subject: "1",
              minLevel: Level.TEE,
              nodeId: "1",
              deadlineSeconds: DEADLINE_SECONDS,
            },
          },
          description: "Echoes the prompt; the answer is paid from escrow once proven",
        },
      },
      resourceServer,
    ),
  );
  app.post(PATH, (req, res) => {
    const header = req.header("payment-signature");
    const settlement =
      header === undefined ? undefined : serverScheme.settlementFor(decodePaymentSignatureHeader(header));
    if (settlement === undefined) res.status(500).json({ error: "no settled payment for this request" });
    else
      res.json({
        requestId: settlement.requestId.toString(),
        paymentRef: settlement.paymentRef,
        echo: req.body.prompt,
      });
  });
  server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;

  /** A paying fetch for `payer` (x402's fetch wrapper with the proofline client), over `inner`. */
  const paidFetch = (inner: typeof fetch = fetch, options: { trustedEscrows?: string[] } = {}) => {
    const clientScheme = new ProoflineClientScheme(payer, {
      trustedEscrows: options.trustedEscrows ?? [escrowAddress],
    });
    const client = new x402Client()
      .register(NETWORK, clientScheme satisfies SchemeNetworkClient)
      .setSpendControls({ allowedAssets: [{ network: NETWORK, asset: usdcAddress, maxAmountPerPayment: `${PRICE}` }] });
    return wrapFetchWithPayment(inner, client);
  };
  const post = (body: unknown, via: typeof fetch = fetch, headers: Record<string, string> = {}) =>
    via(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  return {
    ...scenario,
    payer,
    facilitatorAccount,
    stranger,
    escrowAddress,
    usdcAddress,
    usdcDomain,
    chainId,
    NETWORK,
    facilitatorScheme,
    url,
    paidFetch,
    post,
  };
}
const load = () => networkHelpers.loadFixture(fixture);

after(async () => {
  if (server !== undefined) {
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  }
});

/** An inner fetch that rewrites the payment (and optionally the body) of the paid request, and records its header. */
function tampering(
  change: (payment: PaymentPayload) => PaymentPayload | Promise<PaymentPayload> = (payment) => payment,
  options: { body?: string; before?: () => Promise<unknown> } = {},
) {
  const sent: string[] = [];
  const inner = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const header = request.headers.get("PAYMENT-SIGNATURE");
    if (header === null) return fetch(request);
    const headers = new Headers(request.headers);
    const changed = encodePaymentSignatureHeader(await change(decodePaymentSignatureHeader(header)));
    headers.set("PAYMENT-SIGNATURE", changed);
    sent.push(changed);
    await options.before?.();
    return fetch(request.url, { method: request.method, headers, body: options.body ?? (await request.text()) });
  };
  return { inner: inner as typeof fetch, sent };
}

/** `payment` with a new proofline payload. */
function withPayload(payment: PaymentPayload, payload: ProoflinePayload): PaymentPayload {
  return { ...payment, payload: { ...encodeProoflinePayload(payload) } };
}

/** Why a paid request was refused: the settle failure's reason, or the 402's error. */
function refusal(response: Response): { reason?: string; message?: string } {
  const settled = response.headers.get("PAYMENT-RESPONSE");
  if (settled !== null) {
    const { errorReason, errorMessage, success } = decodePaymentResponseHeader(settled);
    expect(success).to.equal(false);
    return { reason: errorReason, message: errorMessage };
  }
  const required = response.headers.get("PAYMENT-REQUIRED");
  return { reason: required === null ? undefined : decodePaymentRequiredHeader(required).error };
}

describe("ProoflineScheme (x402 v2 into InferenceEscrow)", () => {
  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** The money a refused payment must not move: the payer's and the escrow's tokens, and the request count. */
  async function money({ usdc, escrow, payer, escrowAddress }: Fixture) {
    return {
      payer: await usdc.balanceOf(payer.address),
      escrow: await usdc.balanceOf(escrowAddress),
      requests: await escrow.requestCount(),
    };
  }

  /** `response` is a 402 for `reason`, and the money is as it was `before`. */
  async function expectRefused(
    f: Fixture,
    response: Response,
    before: Awaited<ReturnType<typeof money>>,
    reason: string,
  ) {
    expect(response.status).to.equal(402);
    const refused = refusal(response);
    expect(refused.reason, refused.message).to.equal(reason);
    expect(await money(f)).to.deep.equal(before);
    return refused;
  }

  describe("without payment", () => {
    it("answers 402 with the offer: price, asset, escrow, level, node, input and deadline", async () => {
      const f = await load();
      const { post, NETWORK, usdcAddress, escrowAddress, usdcDomain } = f;
      const before = await money(f);
      const body = { prompt: "hello" };
      const response = await post(body);
      expect(response.status).to.equal(402);
      const required = decodePaymentRequiredHeader(response.headers.get("PAYMENT-REQUIRED")!);
      expect(required.x402Version).to.equal(2);
      expect(required.accepts).to.deep.equal([
        {
          scheme: PROOFLINE_SCHEME,
          network: NETWORK,
          amount: PRICE.toString(),
          asset: usdcAddress,
          payTo: escrowAddress,
          maxTimeoutSeconds: MAX_TIMEOUT_SECONDS,
          extra: {
            name: usdcDomain.name,
            version: usdcDomain.version,
            route: Route.Local,
            subject: "1",
            minLevel: Level.TEE,
            nodeId: "1",
            inputCommitment: commitBody(body),
            deadlineSeconds: DEADLINE_SECONDS,
            paymentFlow: "upfront",
          },
        } satisfies PaymentRequirements,
      ]);
      expect(await money(f)).to.deep.equal(before);
    });
  });

  describe("paid", () => {
    it("opens an escrow request funded by authorization, with the payer as requester, before the handler answers", async () => {
      const f = await load();
      const { post, paidFetch, escrow, escrowAddress, usdcAddress, payer, chainId, networkHelpers: helpers } = f;
      const before = await money(f);
      const { inner, sent } = tampering();
      const body = { prompt: "hello" };
      const response = await post(body, paidFetch(inner));
      expect(response.status, await response.clone().text()).to.equal(200);
      const answer = (await response.json()) as { requestId: string; paymentRef: string; echo: string };
      const requestId = before.requests + 1n;
      expect(answer).to.deep.equal({
        requestId: requestId.toString(),
        paymentRef: requestRef(escrowAddress, requestId),
        echo: "hello",
      });
      expect(answer.paymentRef).to.equal(await escrow.requestRef(requestId));

      const receipt = decodePaymentResponseHeader(response.headers.get("PAYMENT-RESPONSE")!);
      expect(receipt).to.include({ success: true, payer: payer.address });
      expect(receipt.extra).to.deep.equal({ requestId: requestId.toString(), paymentRef: answer.paymentRef });

      const payment = parseProoflinePayload(decodePaymentSignatureHeader(sent[0]).payload);
      const request = await readRequest(escrow, requestId);
      expect(request.requester).to.equal(payer.address);
      expect(await escrow.requestStatus(requestId)).to.equal(BigInt(RequestStatus.Open));
      expect(request.asset).to.equal(usdcAddress);
      expect(request.amount).to.equal(PRICE);
      expect(request.route).to.equal(Route.Local);
      expect(request.subject).to.equal(1n);
      expect(request.minLevel).to.equal(Level.TEE);
      expect(request.nodeId).to.equal(1n);
      expect(request.inputCommitment).to.equal(commitBody(body));
      expect(request.fundingRef).to.equal(payment.authorization.nonce);
      expect(payment.authorization.nonce).to.equal(
        authorizationNonce(chainId, escrowAddress, payer.address, payment.params),
      );
      const now = BigInt(await helpers.time.latest());
      expect(request.deadline).to.be.within(now, now + BigInt(DEADLINE_SECONDS));
      const [funded] = await escrow.queryFilter(escrow.filters.RequestOpened(requestId));
      expect(funded.args.method).to.equal(BigInt(FundingMethod.Authorization));
      expect(funded.args.request.fundingRef).to.equal(payment.authorization.nonce);
      expect(await receiptOf(receipt.transaction)).to.equal(funded.transactionHash);

      expect(await money(f)).to.deep.equal({
        payer: before.payer - PRICE,
        escrow: before.escrow + PRICE,
        requests: before.requests + 1n,
      });
    });
  });

  describe("refused payments move no money", () => {
    it("a malformed payment payload: 402 naming the bad field", async () => {
      const f = await load();
      const { post, paidFetch } = f;
      const before = await money(f);
      const { inner } = tampering((payment) => ({ ...payment, payload: { ...payment.payload, signature: "0x1234" } }));
      const refused = await expectRefused(
        f,
        await post({ prompt: "hello" }, paidFetch(inner)),
        before,
        ProoflineInvalidReason.MalformedPayload,
      );
      expect(refused.message).to.equal("payload.signature: must be a 65-byte hex signature");
    });

    it("a payment header that is not base64 JSON: 402, as unpaid", async () => {
      const f = await load();
      const { post } = f;
      const before = await money(f);
      const response = await post({ prompt: "hello" }, fetch, { "PAYMENT-SIGNATURE": "not a payment!" });
      await expectRefused(f, response, before, "Payment required");
    });

    it("underpaid: an authorization (and request) for less than the price", async () => {
      const f = await load();
      const { post, paidFetch, payer, usdcDomain, escrowAddress } = f;
      const before = await money(f);
      const { inner } = tampering(async (payment) => {
        const { params, authorization } = parseProoflinePayload(payment.payload);
        const cheap = { ...params, amount: PRICE - 1n };
        const { validAfter, validBefore } = authorization;
        const signed = await signEscrowAuthorization(payer, usdcDomain, escrowAddress, cheap, validAfter, validBefore);
        return withPayload(payment, {
          params: cheap,
          authorization: { ...authorization, value: cheap.amount, nonce: signed.nonce },
          signature: signatureOf(signed),
        });
      });
      const refused = await expectRefused(
        f,
        await post({ prompt: "hello" }, paidFetch(inner)),
        before,
        ProoflineInvalidReason.Underpaid,
      );
      expect(refused.message).to.include(`the price is ${PRICE}`);
    });

    it("expired: the authorization's validBefore passed before it was submitted", async () => {
      const f = await load();
      const { post, paidFetch, networkHelpers: helpers } = f;
      const before = await money(f);
      const { inner } = tampering(undefined, { before: () => helpers.time.increase(MAX_TIMEOUT_SECONDS + 1) });
      await expectRefused(f, await post({ prompt: "hello" }, paidFetch(inner)), before, ProoflineInvalidReason.Expired);
    });

    it("replayed: the same PAYMENT-SIGNATURE sent twice opens one request and pays once", async () => {
      const f = await load();
      const { post, paidFetch } = f;
      const { inner, sent } = tampering();
      expect((await post({ prompt: "hello" }, paidFetch(inner))).status).to.equal(200);
      const afterFirst = await money(f);
      const replay = await post({ prompt: "hello" }, fetch, { "PAYMENT-SIGNATURE": sent[0] });
      await expectRefused(f, replay, afterFirst, ProoflineInvalidReason.AuthorizationUsed);
    });

    it("wrong recipient: an authorization that pays another address than the escrow", async () => {
      const f = await load();
      const { post, paidFetch, payer, stranger, usdcDomain } = f;
      const before = await money(f);
      const { inner } = tampering(async (payment) => {
        const { params, authorization } = parseProoflinePayload(payment.payload);
        const { validAfter, validBefore } = authorization;
        const signed = await signEscrowAuthorization(
          payer,
          usdcDomain,
          stranger.address,
          params,
          validAfter,
          validBefore,
        );
        return withPayload(payment, {
          params,
          authorization: { ...authorization, to: stranger.address, nonce: signed.nonce },
          signature: signatureOf(signed),
        });
      });
      const refused = await expectRefused(
        f,
        await post({ prompt: "hello" }, paidFetch(inner)),
        before,
        ProoflineInvalidReason.WrongRecipient,
      );
      expect(refused.message).to.include(stranger.address);
    });

    it("a body changed after signing: the signed input commitment is not the body's", async () => {
      const f = await load();
      const { post, paidFetch, facilitatorScheme } = f;
      const before = await money(f);
      const changed = { prompt: "something else" };
      const { inner, sent } = tampering(undefined, { body: JSON.stringify(changed) });
      await expectRefused(
        f,
        await post({ prompt: "hello" }, paidFetch(inner)),
        before,
        "No matching payment requirements",
      );
      // And the facilitator, given the changed body's offer, refuses the signed request on its own.
      const offer = decodePaymentRequiredHeader((await post(changed)).headers.get("PAYMENT-REQUIRED")!).accepts[0];
      const signed = decodePaymentSignatureHeader(sent[0]);
      const verdict = await facilitatorScheme.verify({ ...signed, accepted: offer }, offer);
      expect(verdict).to.include({ isValid: false, invalidReason: ProoflineInvalidReason.ParamsMismatch });
      expect(verdict.invalidMessage).to.include(`the offer asks ${commitBody(changed)}`);
      expect(await money(f)).to.deep.equal(before);
    });

    it("a signature by someone other than the payer", async () => {
      const f = await load();
      const { post, paidFetch, stranger, usdcDomain, payer } = f;
      const before = await money(f);
      const { inner } = tampering(async (payment) => {
        const { params, authorization } = parseProoflinePayload(payment.payload);
        const forged = await stranger.signTypedData(usdcDomain, RECEIVE_WITH_AUTHORIZATION_TYPES, authorization);
        return withPayload(payment, { params, authorization, signature: forged });
      });
      const refused = await expectRefused(
        f,
        await post({ prompt: "hello" }, paidFetch(inner)),
        before,
        ProoflineInvalidReason.InvalidSignature,
      );
      expect(refused.message).to.equal(`the authorization is signed by ${stranger.address}, not by ${payer.address}`);
    });

    it("the client refuses to sign for an escrow it does not trust", async () => {
      const f = await load();
      const { post, paidFetch, stranger, escrowAddress } = f;
      const before = await money(f);
      const untrusting = paidFetch(fetch, { trustedEscrows: [stranger.address] });
      let thrown: unknown;
      try {
        await post({ prompt: "hello" }, untrusting);
      } catch (error) {
        thrown = error;
      }
      expect(String(thrown)).to.include(`payTo ${escrowAddress} is not an escrow this client trusts`);
      expect(await money(f)).to.deep.equal(before);
    });
  });
});

describe("ProoflineFacilitatorScheme: each check on its own", () => {
  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** The route's real offer for `body`, with `change` applied, and `signer`'s payment for it. */
  async function offerAndPayment(
    f: Fixture,
    change: (offer: PaymentRequirements) => PaymentRequirements = (offer) => offer,
    signer: Signer = f.payer,
  ) {
    const response = await f.post({ prompt: "hello" });
    const offer = change(decodePaymentRequiredHeader(response.headers.get("PAYMENT-REQUIRED")!).accepts[0]);
    const { payload } = await new ProoflineClientScheme(signer).createPaymentPayload(2, offer);
    return { offer, payment: { x402Version: 2, accepted: offer, payload } satisfies PaymentPayload };
  }

  /** `payment` with its proofline payload changed and signed again by the payer (so only the change is wrong). */
  async function resigned(f: Fixture, payment: PaymentPayload, change: (p: ProoflinePayload) => ProoflinePayload) {
    const changed = change(parseProoflinePayload(payment.payload));
    const signature = await f.payer.signTypedData(
      f.usdcDomain,
      RECEIVE_WITH_AUTHORIZATION_TYPES,
      changed.authorization,
    );
    return withPayload(payment, { ...changed, signature });
  }

  async function expectInvalid(f: Fixture, payment: PaymentPayload, offer: PaymentRequirements, reason: string) {
    const requests = await f.escrow.requestCount();
    const verdict = await f.facilitatorScheme.verify(payment, offer);
    expect(verdict, verdict.invalidMessage).to.include({ isValid: false, invalidReason: reason });
    const settled = await f.facilitatorScheme.settle(payment, offer);
    expect(settled).to.include({ success: false, errorReason: reason, transaction: "" });
    expect(await f.escrow.requestCount()).to.equal(requests);
    return verdict.invalidMessage;
  }

  it("settles a valid payment once: the second settle of it is a replay", async () => {
    const f = await load();
    const { offer, payment } = await offerAndPayment(f);
    expect(await f.facilitatorScheme.verify(payment, offer)).to.deep.equal({ isValid: true, payer: f.payer.address });
    const settled = await f.facilitatorScheme.settle(payment, offer);
    expect(settled).to.include({ success: true, payer: f.payer.address, network: f.NETWORK });
    const requestId = await f.escrow.requestCount();
    expect(settled.extra).to.deep.equal({
      requestId: requestId.toString(),
      paymentRef: requestRef(f.escrowAddress, requestId),
    });
    await expectInvalid(f, payment, offer, ProoflineInvalidReason.AuthorizationUsed);
  });

  it("refuses another network than the facilitator's chain", async () => {
    const f = await load();
    const { offer, payment } = await offerAndPayment(f);
    const elsewhere = { ...offer, network: "eip155:1" as const };
    await expectInvalid(f, { ...payment, accepted: elsewhere }, elsewhere, ProoflineInvalidReason.SchemeMismatch);
  });

  it("refuses a nonce that is not authorizationNonce(from, params)", async () => {
    const f = await load();
    const { offer, payment } = await offerAndPayment(f);
    const forged = await resigned(f, payment, (p) => ({
      ...p,
      authorization: { ...p.authorization, nonce: id("another request") },
    }));
    await expectInvalid(f, forged, offer, ProoflineInvalidReason.NonceMismatch);
  });

  it("refuses an authorization that is not valid yet", async () => {
    const f = await load();
    const { offer, payment } = await offerAndPayment(f);
    const later = BigInt(await f.networkHelpers.time.latest()) + 1_000n;
    const early = await resigned(f, payment, (p) => ({
      ...p,
      authorization: { ...p.authorization, validAfter: later },
    }));
    await expectInvalid(f, early, offer, ProoflineInvalidReason.NotYetValid);
  });

  it("refuses a deadline further than deadlineSeconds (plus slack) away", async () => {
    const f = await load();
    const { offer, payment } = await offerAndPayment(f);
    const far = await resigned(f, payment, (p) => {
      const params = { ...p.params, deadline: p.params.deadline + 3_600n };
      const nonce = authorizationNonce(f.chainId, f.escrowAddress, p.authorization.from, params);
      return { ...p, params, authorization: { ...p.authorization, nonce } };
    });
    const message = await expectInvalid(f, far, offer, ProoflineInvalidReason.DeadlineOutOfRange);
    expect(message).to.include(`now plus ${DEADLINE_SECONDS} s`);
  });

  it("refuses a payer whose balance is below the price", async () => {
    const f = await load();
    const { offer, payment } = await offerAndPayment(f, undefined, f.stranger);
    await expectInvalid(f, payment, offer, ProoflineInvalidReason.InsufficientFunds);
  });

  it("refuses what the escrow would revert, naming the contract error", async () => {
    const f = await load();
    const { offer, payment } = await offerAndPayment(f, (o) => ({ ...o, extra: { ...o.extra, nodeId: "99" } }));
    const message = await expectInvalid(f, payment, offer, ProoflineInvalidReason.WouldRevert);
    expect(message).to.equal("openWithAuthorization would revert: EscrowNodeNotActive(99)");
  });
});

describe("ProoflineServerScheme", () => {
  const token = { address: "0x" + "11".repeat(20), name: "USD Coin", version: "2" };
  const NETWORK = "eip155:8453" as const;

  it("prices money exactly in the token's 6 decimals and refuses finer prices", async () => {
    const scheme = new ProoflineServerScheme(token);
    expect(await scheme.parsePrice("$0.01", NETWORK)).to.deep.equal({
      amount: "10000",
      asset: getAddress(token.address),
      extra: { name: "USD Coin", version: "2" },
    });
    expect((await scheme.parsePrice(1.5, NETWORK)).amount).to.equal("1500000");
    await expectRejected(scheme.parsePrice("$0.0000001", NETWORK), "finer than the token's 6 decimals");
    await expectRejected(scheme.parsePrice("10 points", NETWORK), "is not money");
    expect(await scheme.parsePrice({ amount: "42", asset: token.address }, NETWORK)).to.deep.equal({
      amount: "42",
      asset: getAddress(token.address),
      extra: { name: "USD Coin", version: "2" },
    });
  });

  it("refuses to state an offer that leaves a term out", async () => {
    const scheme = new ProoflineServerScheme(token);
    const offer = {
      scheme: PROOFLINE_SCHEME,
      network: NETWORK,
      asset: token.address,
      amount: "10000",
      payTo: token.address,
      maxTimeoutSeconds: 60,
      extra: { name: "USD Coin", version: "2", route: 0, subject: "1", minLevel: 2, nodeId: "1", deadlineSeconds: 60 },
    };
    const kind = { x402Version: 2, scheme: PROOFLINE_SCHEME, network: NETWORK };
    await expectRejected(
      scheme.enhancePaymentRequirements(offer, kind, []),
      "requirements.extra.inputCommitment: must be 32 bytes hex",
    );
  });
});

async function expectRejected(promise: Promise<unknown>, message: string) {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(String(thrown)).to.include(message);
}

/** A 65-byte signature from `signEscrowAuthorization`'s `v, r, s`. */
function signatureOf({ v, r, s }: { v: number; r: string; s: string }): string {
  return Signature.from({ v, r, s }).serialized;
}

/** The hash of a mined transaction (it exists on chain). */
async function receiptOf(hash: string): Promise<string | undefined> {
  return (await ethers.provider.getTransactionReceipt(hash))?.hash;
}
