/**
 * The review panel's HTTP server (express 5, server-rendered pages: no client framework and no build step, because the
 * pages are read-only tables and a picture, every one works with JavaScript disabled, and nothing has to be compiled or
 * downloaded to serve them). Routes:
 *
 * - `GET /` the queue, one page at a time (query string filters: `state`, `level`, `model`, `artifact`, `node`,
 *   `consumer`, `acted=before`, `bond` (a lock status or `none`); `from`, where the page starts, newest first);
 * - `GET /inference/<id>` one inference: badge, chronology, columns (the node's bond lock among them), parts with their
 *   checks;
 * - `GET /artifacts`, `GET /payments`, `GET /nodes` (each node's bond per asset);
 * - `GET /api/head` the latest block (the pages' live update follows it).
 *
 * Every page answers with a Content-Security-Policy that allows only the panel's own inline style and script and
 * `data:` images: even a value that escaped escaping could not load or run anything.
 */
import { createHash } from "node:crypto";
import type { Server } from "node:http";

import express, { type NextFunction, type Request, type Response } from "express";
import { JsonRpcProvider } from "ethers";

import {
  AttesterRegistry__factory,
  InferenceEscrow__factory,
  InferenceLedger__factory,
  ModelRegistry__factory,
} from "../src/typechain/index.js";
import { PanelData, TrailError, type PanelOptions } from "./data.js";
import {
  artifactsPage,
  inferencePage,
  matches,
  messagePage,
  nodesPage,
  page,
  paymentsPage,
  queuePage,
  type QueueFilters,
} from "./views.js";

/** The hashes of the page frame's inline style and script, for the Content-Security-Policy. */
function cspFor(htmlText: string): string {
  const hashes = (tag: string) =>
    [...htmlText.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map(
      (m) => `'sha256-${createHash("sha256").update(m[1]).digest("base64")}'`,
    );
  return [
    "default-src 'none'",
    `style-src ${hashes("style").join(" ")}`,
    `script-src ${hashes("script").join(" ")}`,
    "img-src data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The panel's express app over `data`; `network` names the chain in the header. */
export function createPanelApp(data: PanelData, network: string) {
  const app = express();
  app.disable("x-powered-by");

  const send = async (res: Response, title: string, body: Parameters<typeof page>[3], status = 200) => {
    const text = page(title, await data.head(), network, body);
    res
      .status(status)
      .set("content-security-policy", cspFor(text))
      .set("x-content-type-options", "nosniff")
      .type("html")
      .send(text);
  };
  const one = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

  app.get("/api/head", async (_req, res) => {
    res.json({ block: await data.head() });
  });

  app.get("/", async (req: Request, res: Response) => {
    const q = req.query;
    const filters: QueueFilters = {
      state: one(q.state),
      level: one(q.level),
      model: one(q.model),
      artifact: one(q.artifact),
      node: one(q.node),
      consumer: one(q.consumer),
      acted: one(q.acted),
      bond: one(q.bond),
    };
    const from = Number.parseInt(one(q.from) ?? "0", 10);
    const slice = await data.queuePage((trail) => matches(trail, filters), Number.isFinite(from) ? from : 0);
    await send(res, "Queue", queuePage({ ...slice, assets: await data.bondAssets(slice.trails) }, filters));
  });

  app.get("/inference/:id", async (req: Request, res: Response) => {
    const id = String(req.params.id).toLowerCase();
    if (!/^0x[0-9a-f]{64}$/.test(id)) {
      await send(res, "Not an inference id", messagePage("Not an inference id", "An id is 0x and 64 hex digits."), 400);
      return;
    }
    if (!(await data.inferenceIds()).includes(id)) {
      await send(res, "Unknown inference", messagePage("Unknown inference", `No record ${id} on this ledger.`), 404);
      return;
    }
    const trail = await data.trail(id);
    const assets = await data.bondAssets([trail]);
    await send(res, `Inference ${id.slice(0, 10)}`, inferencePage(trail, await data.published(id), assets));
  });

  app.get("/artifacts", async (_req, res) => send(res, "Artifacts", artifactsPage(await data.models())));
  app.get("/payments", async (_req, res) => send(res, "Payments", paymentsPage(await data.payments())));
  app.get("/nodes", async (_req, res) => {
    const block = await data.provider.getBlock("latest");
    await send(res, "Nodes and enclaves", nodesPage(await data.nodes(), block?.timestamp ?? 0));
  });

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    const message = error instanceof TrailError ? error.message : `the chain could not be read: ${error.message}`;
    void send(res, "Error", messagePage("Error", message.slice(0, 300)), 502).catch(() =>
      res.status(502).type("text").send(message.slice(0, 300)),
    );
  });
  return app;
}

export interface PanelServiceOptions extends PanelOptions {
  rpcUrl: string;
  /** The deployment's contracts. */
  addresses: { ledger: string; registry: string; attesters: string; escrow: string };
  network: string;
  host?: string;
  /** 0 for any free port. */
  port?: number;
}

/** A running panel: its URL and how to stop it. */
export interface PanelService {
  url: string;
  close(): Promise<void>;
}

/** Serves the panel for a deployment on the chain at `rpcUrl`. */
export async function startPanel(options: PanelServiceOptions): Promise<PanelService> {
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, {
    staticNetwork: true,
    batchStallTime: 0,
    pollingInterval: 1_000,
  });
  const { addresses } = options;
  const data = new PanelData(
    {
      ledger: InferenceLedger__factory.connect(addresses.ledger, provider),
      registry: ModelRegistry__factory.connect(addresses.registry, provider),
      attesters: AttesterRegistry__factory.connect(addresses.attesters, provider),
      escrow: InferenceEscrow__factory.connect(addresses.escrow, provider),
    },
    {
      fromBlock: options.fromBlock,
      nodeUrl: options.nodeUrl,
      pageSize: options.pageSize,
      scanLimit: options.scanLimit,
    },
  );
  const app = createPanelApp(data, options.network);
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 8404, options.host ?? "127.0.0.1", () => resolve(listening));
    listening.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
        provider.destroy();
      }),
  };
}
