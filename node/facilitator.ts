/**
 * The x402 facilitator as an HTTP service (`npm run facilitator`, scripts/facilitator.ts): the settling side of the
 * `proofline` scheme (src/x402/facilitator.ts) on its own account and in its own process, for node services that set
 * `PROOFLINE_FACILITATOR_URL` instead of settling in-process. It speaks exactly the wire protocol x402's
 * `HTTPFacilitatorClient` (`@x402/core/server`, 2.x) speaks:
 *
 * - `POST /verify` and `POST /settle`: body `{ x402Version, paymentPayload, paymentRequirements }` (JSON, x402 v2);
 *   200 with a `VerifyResponse` (`{ isValid, invalidReason?, invalidMessage?, payer? }`) or a `SettleResponse`
 *   (`{ success, errorReason?, errorMessage?, payer?, transaction, network, amount?, extra? }`; a proofline settlement's
 *   `extra` is `{ requestId, paymentRef }`). A refused payment is such a response with `isValid`/`success` false, as the
 *   scheme states it (the client turns any other status carrying `isValid`/`success` into an exception, so a refusal
 *   is never sent with one); a payment for a scheme or network this facilitator does not settle is refused the same
 *   way (`unsupported_scheme`, `invalid_network`).
 * - `GET /supported`: `{ kinds: [{ x402Version, scheme, network, extra? }], extensions, signers }`.
 * - `GET /health`: `{ ok, network, facilitator, escrow, block }` (503 when the chain does not answer).
 *
 * A body that is not such a request (not JSON, not an object, a field missing or malformed, another x402 version) is
 * answered 400 with `{ error }` saying what is wrong, before anything reaches the scheme: it moves no money. Only a
 * settlement moves money, and only after the scheme's checks and a simulation passed (src/x402/facilitator.ts); a
 * replayed payment finds its authorization used and is refused.
 *
 * The facilitator's account sends `openWithAuthorization` and pays its gas. Its key comes from the caller (the
 * environment, for the script) and is never logged: logs name its address only.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import express, { type NextFunction, type Request, type Response } from "express";
import { x402Facilitator } from "@x402/core/facilitator";
import { PaymentPayloadV2Schema, PaymentRequirementsV2Schema } from "@x402/core/schemas";
import type { PaymentPayload, PaymentRequirements, SettleResponse, VerifyResponse } from "@x402/core/types";
import { JsonRpcProvider, Network as EthersNetwork, Wallet, getAddress, isAddress } from "ethers";

import { InferenceEscrow__factory } from "../src/typechain/index.js";
import { PROOFLINE_SCHEME, ProoflineFacilitatorScheme, networkOf } from "../src/x402/index.js";
import { waitForRpc } from "./chain.js";
import { ConfigError } from "./config.js";
import type { LocalnetRecord } from "./localnet.js";
import { Sender } from "./sender.js";
import type { Log } from "./service.js";

/** The x402 version this facilitator speaks (its schemes are registered for it; v1 requests are refused with 400). */
export const FACILITATOR_X402_VERSION = 2;

/** The facilitator's default port (the node's is 8402). */
export const DEFAULT_FACILITATOR_PORT = 8403;

/** How long {@link startFacilitatorService} waits for the chain to answer before giving up. */
export const RPC_WAIT_MS = 30_000;

/** The largest request body accepted: a payment is a few kilobytes. */
const BODY_LIMIT = "64kb";

/** Why a well-formed payment was refused before it reached a scheme (x402's own reason codes). */
export const FacilitatorRefusal = {
  /** No scheme of that name is registered. */
  UnsupportedScheme: "unsupported_scheme",
  /** The scheme is registered, but not on that network. */
  InvalidNetwork: "invalid_network",
} as const;

/** A request body that is not a facilitator request: answered 400 with its message. */
class BadRequest extends Error {}

/** Options of {@link createFacilitatorApp}. */
export interface FacilitatorAppOptions {
  /**
   * Asks the chain something (the block number, say): `GET /health` reports `ok` when it resolves, and reports the
   * block when it resolves with a number. Without it, `/health` reports `ok` and no block.
   */
  probe?: () => Promise<unknown>;
  /** One line per verification and settlement (payer, outcome, transaction); default none. */
  log?: Log;
}

/** `path: message` of the first problem zod found in `value`, under `prefix`. */
function firstIssue(
  prefix: string,
  issues: readonly { path: readonly (string | number)[]; message: string }[],
): string {
  const issue = issues[0];
  const at = [prefix, ...issue.path].join(".");
  return `${at}: ${issue.message}`;
}

/**
 * The `{ x402Version, paymentPayload, paymentRequirements }` of a verify or settle request, checked against x402 v2's
 * own schemas; throws {@link BadRequest} saying what is missing or malformed. Returns the objects as sent (the schemes
 * read them; nothing is dropped or rewritten).
 */
function facilitatorRequest(body: unknown): { payload: PaymentPayload; requirements: PaymentRequirements } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadRequest(
      "the body must be a JSON object { x402Version, paymentPayload, paymentRequirements } (Content-Type: application/json)",
    );
  }
  const { x402Version, paymentPayload, paymentRequirements } = body as Record<string, unknown>;
  if (x402Version === undefined) throw new BadRequest("x402Version is required");
  if (x402Version !== FACILITATOR_X402_VERSION) {
    throw new BadRequest(
      `x402Version ${JSON.stringify(x402Version)} is not supported: this facilitator speaks x402 v${FACILITATOR_X402_VERSION}`,
    );
  }
  if (paymentPayload === undefined) throw new BadRequest("paymentPayload is required");
  if (paymentRequirements === undefined) throw new BadRequest("paymentRequirements is required");
  const payload = PaymentPayloadV2Schema.safeParse(paymentPayload);
  if (!payload.success) throw new BadRequest(firstIssue("paymentPayload", payload.error.issues));
  const requirements = PaymentRequirementsV2Schema.safeParse(paymentRequirements);
  if (!requirements.success) throw new BadRequest(firstIssue("paymentRequirements", requirements.error.issues));
  return {
    payload: paymentPayload as PaymentPayload,
    requirements: paymentRequirements as PaymentRequirements,
  };
}

/**
 * The refusal for a payment no registered scheme settles (`facilitator` would throw on it), or undefined when one
 * does: the scheme and network must be a kind `GET /supported` lists.
 */
function unsupported(
  facilitator: x402Facilitator,
  requirements: PaymentRequirements,
): { reason: string; message: string } | undefined {
  const kinds = facilitator
    .getSupported()
    .kinds.filter((kind) => kind.x402Version === FACILITATOR_X402_VERSION && kind.scheme === requirements.scheme);
  if (kinds.length === 0) {
    return {
      reason: FacilitatorRefusal.UnsupportedScheme,
      message: `this facilitator does not settle scheme ${requirements.scheme}`,
    };
  }
  if (!kinds.some((kind) => kind.network === requirements.network)) {
    return {
      reason: FacilitatorRefusal.InvalidNetwork,
      message: `this facilitator settles ${requirements.scheme} on ${kinds.map((kind) => kind.network).join(", ")}, not on ${requirements.network}`,
    };
  }
  return undefined;
}

/** The error body-parser raised for a body it could not read (its status is a 4xx), or undefined. */
function bodyError(error: unknown): { status: number; message: string } | undefined {
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status !== "number" || status < 400 || status >= 500 || typeof type !== "string") return undefined;
  const messages: Record<string, string> = {
    "entity.parse.failed": "the body is not valid JSON",
    "entity.too.large": `the body is larger than ${BODY_LIMIT}`,
    "encoding.unsupported": "the body's content encoding is not supported",
    "charset.unsupported": "the body's charset is not supported (use utf-8)",
  };
  return { status, message: messages[type] ?? (error as Error).message };
}

/**
 * The facilitator's express app over `facilitator` (x402's `x402Facilitator` with its schemes registered): the wire
 * protocol of x402's `HTTPFacilitatorClient` (`POST /verify`, `POST /settle`, `GET /supported`) and `GET /health`.
 * See the file comment for the shapes.
 */
export function createFacilitatorApp(facilitator: x402Facilitator, options: FacilitatorAppOptions = {}) {
  const log = options.log ?? (() => undefined);
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: BODY_LIMIT }));

  app.get("/supported", (_req, res) => {
    res.json(facilitator.getSupported());
  });

  app.get("/health", async (_req, res) => {
    const supported = facilitator.getSupported();
    const kind = supported.kinds.find((candidate) => candidate.scheme === PROOFLINE_SCHEME) ?? supported.kinds[0];
    const signers = [...new Set(Object.values(supported.signers).flat())];
    let ok = true;
    let block: number | null = null;
    if (options.probe !== undefined) {
      try {
        const answer = await options.probe();
        if (typeof answer === "number") block = answer;
      } catch {
        ok = false;
      }
    }
    res.status(ok ? 200 : 503).json({
      ok,
      network: kind?.network ?? null,
      facilitator: signers.length === 1 ? signers[0] : signers,
      escrow: kind?.extra?.escrow ?? null,
      block,
    });
  });

  app.post("/verify", async (req: Request, res: Response) => {
    const { payload, requirements } = facilitatorRequest(req.body);
    const refused = unsupported(facilitator, requirements);
    const response: VerifyResponse =
      refused === undefined
        ? await facilitator.verify(payload, requirements)
        : { isValid: false, invalidReason: refused.reason, invalidMessage: refused.message };
    log("verify", {
      scheme: requirements.scheme,
      network: requirements.network,
      payer: response.payer,
      isValid: response.isValid,
      reason: response.invalidReason,
    });
    res.json(response);
  });

  app.post("/settle", async (req: Request, res: Response) => {
    const { payload, requirements } = facilitatorRequest(req.body);
    const refused = unsupported(facilitator, requirements);
    const response: SettleResponse =
      refused === undefined
        ? await facilitator.settle(payload, requirements)
        : {
            success: false,
            errorReason: refused.reason,
            errorMessage: refused.message,
            transaction: "",
            network: requirements.network,
          };
    log("settle", {
      scheme: requirements.scheme,
      network: requirements.network,
      payer: response.payer,
      success: response.success,
      transaction: response.transaction || undefined,
      reason: response.errorReason,
      ...(response.success ? { extra: response.extra } : { message: response.errorMessage?.slice(0, 300) }),
    });
    res.json(response);
  });

  app.use((req: Request, res: Response) => {
    res.status(404).json({
      error: `no ${req.method} ${req.path}: the facilitator serves POST /verify, POST /settle, GET /supported, GET /health`,
    });
  });

  app.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof BadRequest) {
      res.status(400).json({ error: error.message });
      return;
    }
    const unreadable = bodyError(error);
    if (unreadable !== undefined) {
      res.status(unreadable.status).json({ error: unreadable.message });
      return;
    }
    log("http-error", { path: req.path, error: error.message.slice(0, 300) });
    res.status(500).json({ error: `internal error: ${req.path.slice(1)} was not completed` });
  });
  return app;
}

/** Options of {@link startFacilitatorService}. */
export interface FacilitatorServiceOptions {
  /** The chain's JSON-RPC URL (http or https). */
  rpcUrl: string;
  /** The `InferenceEscrow` payments are opened in. */
  escrow: string;
  /** The facilitator account's private key: it sends `openWithAuthorization` and pays the gas. Never logged. */
  facilitatorKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default {@link DEFAULT_FACILITATOR_PORT}; 0 for any free port. */
  port?: number;
  /** Structured log lines (never a secret); default none. */
  log?: Log;
}

/** A running facilitator service. */
export interface FacilitatorService {
  /** The base URL to give `HTTPFacilitatorClient` (`PROOFLINE_FACILITATOR_URL`). */
  readonly url: string;
  /** The CAIP-2 network it settles on. */
  readonly network: string;
  /** The facilitator's account: the sender of every `openWithAuthorization`. */
  readonly address: string;
  /** The escrow it opens requests in. */
  readonly escrow: string;
  /** Stops serving (requests in progress finish first) and disconnects from the chain. */
  close(): Promise<void>;
}

/** `url` with any credentials (`user:password@`) masked: an RPC URL's credentials are secrets too. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//***@");
}

/**
 * Starts the facilitator service: connects to the chain at `rpcUrl` (waiting up to {@link RPC_WAIT_MS} for it to
 * answer), checks that `escrow` is an `InferenceEscrow` there, registers `ProoflineFacilitatorScheme` for the chain's
 * network on the account of `facilitatorKey` (through a `Sender`'s signer, so its transactions go one at a time with
 * nonce recovery), and serves {@link createFacilitatorApp} on `host:port`.
 */
export async function startFacilitatorService(options: FacilitatorServiceOptions): Promise<FacilitatorService> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_FACILITATOR_PORT;
  let wallet: Wallet;
  try {
    wallet = new Wallet(options.facilitatorKey);
  } catch {
    throw new Error("the facilitator key is not a private key (0x + 64 hex digits)"); // never echo the value
  }
  if (!isAddress(options.escrow)) throw new Error(`the escrow ${options.escrow} is not an address`);
  const escrow = getAddress(options.escrow);
  const rpc = redactUrl(options.rpcUrl);
  const chainId = await waitForRpc(options.rpcUrl, RPC_WAIT_MS).catch(() => {
    throw new Error(`no JSON-RPC node answered at ${rpc} within ${RPC_WAIT_MS / 1000} s`);
  });
  // The chain id is known: no detection round trips (and none retried forever), no batching stall per call.
  const provider = new JsonRpcProvider(options.rpcUrl, EthersNetwork.from(chainId), {
    staticNetwork: true,
    batchStallTime: 0,
    pollingInterval: 250,
  });
  let server: Server | undefined;
  try {
    if ((await provider.getCode(escrow)) === "0x") {
      throw new Error(`no contract at the escrow address ${escrow} on chain ${chainId}`);
    }
    await InferenceEscrow__factory.connect(escrow, provider)
      .ledger()
      .catch(() => {
        throw new Error(`${escrow} on chain ${chainId} is not an InferenceEscrow`);
      });
    const network = networkOf(chainId);
    const sender = new Sender(wallet.connect(provider), log);
    const facilitator = new x402Facilitator().register(network, new ProoflineFacilitatorScheme(sender.signer, escrow));
    const app = createFacilitatorApp(facilitator, { probe: () => provider.getBlockNumber(), log });
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(port, host, () => resolve(listening));
      listening.once("error", reject);
    });
    const bound = (server.address() as AddressInfo).port;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
    const balance = await provider.getBalance(wallet.address);
    log("facilitator-start", { url, rpcUrl: rpc, chainId, network, facilitator: wallet.address, escrow, balance });
    if (balance === 0n) log("facilitator-unfunded", { facilitator: wallet.address, note: "no ether for gas" });
    const running = server;
    let closed: Promise<void> | undefined;
    return {
      url,
      network,
      address: wallet.address,
      escrow,
      close: () =>
        (closed ??= new Promise<void>((resolve) => {
          running.close(() => resolve());
          running.closeIdleConnections();
        }).then(() => {
          provider.destroy();
          log("facilitator-stop", { url });
        })),
    };
  } catch (error) {
    server?.close();
    provider.destroy();
    throw error;
  }
}

/** The facilitator service's configuration, as {@link loadFacilitatorConfig} reads it. */
export type FacilitatorConfig = Required<Omit<FacilitatorServiceOptions, "log">>;

/**
 * Reads the facilitator's configuration from `env`, with a {@link ConfigError} naming the variable at the first
 * mistake (never echoing a key):
 *
 * | variable                        | meaning                                                                     |
 * | ------------------------------- | --------------------------------------------------------------------------- |
 * | `PROOFLINE_RPC_URL`             | the chain's JSON-RPC URL (default: the local network record's)              |
 * | `PROOFLINE_LOCALNET`            | the local network record (default `.proofline/localnet.json`)               |
 * | `PROOFLINE_ESCROW_ADDRESS`      | the escrow (default: the local network record's)                            |
 * | `PROOFLINE_FACILITATOR_KEY`     | the facilitator account's key (required): sends and pays for settlements    |
 * | `PROOFLINE_FACILITATOR_HOST`    | default 127.0.0.1                                                           |
 * | `PROOFLINE_FACILITATOR_PORT`    | default 8403                                                                |
 */
export function loadFacilitatorConfig(env: NodeJS.ProcessEnv = process.env): FacilitatorConfig {
  const fail = (message: string): never => {
    throw new ConfigError(message);
  };
  const recordFile = env.PROOFLINE_LOCALNET || ".proofline/localnet.json";
  let record: Partial<LocalnetRecord> | undefined;
  if (existsSync(recordFile)) {
    try {
      record = JSON.parse(readFileSync(recordFile, "utf8")) as Partial<LocalnetRecord>;
    } catch {
      fail(`${recordFile} (the local network record) is not valid JSON`);
    }
  }
  const rpcUrl =
    env.PROOFLINE_RPC_URL ||
    record?.rpcUrl ||
    fail(`PROOFLINE_RPC_URL is not set (and no local network record at ${recordFile})`);
  if (!/^https?:\/\/./.test(rpcUrl)) fail("PROOFLINE_RPC_URL must be an http:// or https:// URL");
  const escrow = env.PROOFLINE_ESCROW_ADDRESS || record?.addresses?.escrow;
  if (escrow === undefined || !isAddress(escrow)) {
    fail(
      `PROOFLINE_ESCROW_ADDRESS is not set or not an address (and no escrow in a local network record at ${recordFile})`,
    );
  }
  const key = env.PROOFLINE_FACILITATOR_KEY;
  if (key === undefined || key === "") fail("PROOFLINE_FACILITATOR_KEY is not set: the facilitator's key is required");
  let facilitatorKey = "";
  try {
    facilitatorKey = new Wallet(key!).privateKey;
  } catch {
    fail("PROOFLINE_FACILITATOR_KEY is not a private key (0x + 64 hex digits)"); // never echo the value
  }
  const portText = env.PROOFLINE_FACILITATOR_PORT;
  const port = portText === undefined || portText === "" ? DEFAULT_FACILITATOR_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    fail("PROOFLINE_FACILITATOR_PORT must be an integer in [0, 65535]");
  return {
    rpcUrl,
    escrow: getAddress(escrow!),
    facilitatorKey,
    host: env.PROOFLINE_FACILITATOR_HOST || "127.0.0.1",
    port,
  };
}
