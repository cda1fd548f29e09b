/**
 * The panel's pages, rendered on the server as plain HTML (they read and filter with JavaScript disabled; a small
 * script only follows new blocks). One rule runs through them: a status never runs ahead of the proof. The badge reads
 * HOLD until the ledger says Settled and then names the layer that earned it; what was claimed, what was proven, what
 * paid, what the node's bond backs and who acted stay in separate columns; every flag `flagsOf` raises is shown beside
 * the record. A live bond lock reads LOCKED with what it waits for, never as done: only a release or a slash ends it.
 */
import { getBytes, ZeroAddress } from "ethers";

import { bondAmountText, type BondAsset, type NodeBond } from "../src/bonds.js";
import { InputKind, OutputKind, Provenance, type InputPartSpec, type OutputPart } from "../src/commitments.js";
import type { Trail, TrailEvent } from "../src/trail.js";
import type { ModelRow, NodesView, PaymentRow, PublishedParts } from "./data.js";
import { html, href, imageSource, short, SafeHtml } from "./html.js";

const when = (seconds: number) => new Date(seconds * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC");

/** The status badge: HOLD until settled, then CLEAR with the layer that earned it; REJECTED when rejected. */
export function badge(trail: Trail): SafeHtml {
  if (trail.state === "Rejected") {
    return html`<span class="badge rejected" data-badge="REJECTED">REJECTED · ${trail.rejected?.reason ?? ""}</span>`;
  }
  if (trail.state !== "Settled" || trail.settled === undefined) {
    return html`<span class="badge hold" data-badge="HOLD" title="answered, not proven: nothing settled this record yet"
      >HOLD · answered, not settled</span
    >`;
  }
  return html`<span class="badge clear" data-badge="CLEAR">CLEAR · ${layerOf(trail)}</span>`;
}

/** What earned the settlement: the enclave and measurement, the batch root, the verifier and proof, or the window. */
export function layerOf(trail: Trail): string {
  const level = trail.settled!.level;
  const proof = [...trail.proofs].reverse().find((p) => p.level === level);
  if (proof === undefined) return `${level} (no challenge in the window: the node's signature only)`;
  if (proof.by === "zk verifier")
    return `${level} (verifier ${abbreviate(proof.attester)}, proof ${abbreviate(proof.proofHash ?? "")})`;
  const batch = proof.batchRoot ? `, batch ${abbreviate(proof.batchRoot)}` : "";
  return `${level} (enclave ${abbreviate(proof.attester)}, measurement ${abbreviate(proof.measurement ?? "")}${batch})`;
}

const abbreviate = (hex: string) => (hex.length > 14 ? `${hex.slice(0, 6)}…${hex.slice(-4)}` : hex);

/** The page frame: navigation, the block the page was read at, and the live-update script. */
export function page(title: string, block: number, network: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Proofline panel</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <strong>Proofline panel</strong>
          <nav>
            <a href="/">Queue</a> <a href="/artifacts">Artifacts</a> <a href="/payments">Payments</a>
            <a href="/nodes">Nodes and enclaves</a>
          </nav>
          <span class="head">${network} · block <span id="block" data-block="${block}">${block}</span></span>
        </header>
        <main id="main">${body}</main>
        <script>
          ${new SafeHtml(LIVE_SCRIPT)};
        </script>
      </body>
    </html>`.value;
}

export interface QueueFilters {
  state?: string;
  level?: string;
  model?: string;
  artifact?: string;
  node?: string;
  consumer?: string;
  acted?: string;
  /** The bond lock's status (`Locked`, `Released`, `Slashed`, `Cancelled`), or `none`. */
  bond?: string;
}

/** Whether `trail` passes the queue's filters. */
export function matches(trail: Trail, f: QueueFilters): boolean {
  if (f.state && trail.state !== f.state) return false;
  if (f.level && trail.achieved !== f.level) return false;
  if (f.model && String(trail.artifact?.modelId ?? "") !== f.model) return false;
  if (f.artifact && String(trail.artifact?.id ?? "") !== f.artifact) return false;
  if (
    f.node &&
    String(trail.answered.nodeId) !== f.node &&
    trail.answered.nodeKey.toLowerCase() !== f.node.toLowerCase()
  ) {
    return false;
  }
  if (f.consumer && !trail.consumptions.some((c) => c.consumer.toLowerCase() === f.consumer!.toLowerCase()))
    return false;
  if (f.acted === "before" && !trail.consumptions.some((c) => c.beforeSettlement)) return false;
  if (f.bond && (trail.bond?.status ?? "none") !== f.bond) return false;
  return true;
}

const select = (name: string, value: string | undefined, options: string[]) =>
  html`<label
    >${name}
    <select name="${name}">
      <option value="">any</option>
      ${options.map((o) => html`<option value="${o}" ${o === value ? new SafeHtml("selected") : ""}>${o}</option>`)}
    </select></label
  >`;

/** The queue: newest first, filterable, one row per inference with its layers in separate columns. */
export interface QueueSlice {
  trails: Trail[];
  /** The tokens the rows' bond locks are in. */
  assets?: BondAssets;
  total: number;
  from: number;
  next?: number;
}

/** The query string of `filters` (empty ones left out) with `from`. */
function queueLink(filters: QueueFilters, from: number): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
  if (from > 0) query.set("from", String(from));
  const text = query.toString();
  return text === "" ? "/" : `/?${text}`;
}

export function queuePage(slice: QueueSlice, filters: QueueFilters): SafeHtml {
  const shown = slice.trails;
  const read = (slice.next ?? slice.total) - slice.from;
  return html`<h1>Queue</h1>
    <form method="get" action="/" class="filters">
      ${select("state", filters.state, ["Answered", "Settled", "Rejected"])}
      ${select("level", filters.level, ["Vanilla", "TEE", "ZKML"])}
      ${select("bond", filters.bond, ["Locked", "Released", "Slashed", "Cancelled", "none"])}
      <label>model <input name="model" value="${filters.model ?? ""}" size="4" /></label>
      <label>artifact <input name="artifact" value="${filters.artifact ?? ""}" size="4" /></label>
      <label>node <input name="node" value="${filters.node ?? ""}" size="10" /></label>
      <label>consumer <input name="consumer" value="${filters.consumer ?? ""}" size="10" /></label>
      <label
        ><input
          type="checkbox"
          name="acted"
          value="before"
          ${filters.acted === "before" ? new SafeHtml("checked") : ""}
        />
        acted on before settlement</label
      >
      <button type="submit">Filter</button>
    </form>
    <p class="count">
      ${shown.length} shown of records ${slice.total === 0 ? 0 : slice.from + 1} to ${slice.from + read}, newest first,
      of ${slice.total} inferences ${slice.from > 0 ? html` · <a href="${href(queueLink(filters, 0))}">newest</a>` : ""}
      ${slice.next !== undefined ? html` · <a class="older" href="${href(queueLink(filters, slice.next))}">older</a>` : ""}
    </p>
    <table class="queue">
      <thead>
        <tr>
          <th>status</th>
          <th>inference</th>
          <th>answer</th>
          <th>claimed</th>
          <th>achieved, and what proved it</th>
          <th>settlement</th>
          <th>payment</th>
          <th>bond</th>
          <th>consumption</th>
          <th>flags</th>
        </tr>
      </thead>
      <tbody>
        ${shown.map((t) => queueRow(t, slice.assets ?? new Map()))}
      </tbody>
    </table>`;
}

function queueRow(t: Trail, assets: BondAssets): SafeHtml {
  return html`<tr data-inference="${t.inferenceId}" data-state="${t.state}">
    <td>${badge(t)}</td>
    <td><a href="${href(`/inference/${t.inferenceId}`)}">${short(t.inferenceId)}</a></td>
    <td>${answerCell(t)}</td>
    <td>${t.claimed}</td>
    <td>${provedCell(t)}</td>
    <td>${settlementCell(t)}</td>
    <td>${paymentCell(t)}</td>
    <td>${bondCell(t, assets)}</td>
    <td>${consumptionCell(t)}</td>
    <td>${flagsCell(t)}</td>
  </tr>`;
}

const answerCell = (t: Trail) =>
  html`${when(t.answered.time)}<br />node ${t.answered.nodeId} ${short(t.answered.nodeKey, 4)}<br />${t.answered.route}
    ${
      t.artifact
        ? html`· <a href="${href(`/artifacts#artifact-${t.artifact.id}`)}">artifact ${t.artifact.id}</a>`
        : t.provider
          ? html`· provider ${t.provider.name}`
          : ""
    }`;

function provedCell(t: Trail): SafeHtml {
  if (t.proofs.length === 0) return html`<span class="achieved">${t.achieved}</span><br /><em>no proof yet</em>`;
  return html`<span class="achieved">${t.achieved}</span>
    <ul class="proofs">
      ${t.proofs.map(
        (p) =>
          html`<li>
            ${p.level} by ${p.by} ${short(p.attester, 4)}
            ${p.measurement ? html`measurement ${short(p.measurement, 4)}` : ""}
            ${p.batchRoot ? html`batch root ${short(p.batchRoot, 4)}` : ""}
            ${p.proofHash ? html`proof ${short(p.proofHash, 4)}` : ""}
          </li>`,
      )}
    </ul>`;
}

const settlementCell = (t: Trail) =>
  t.settled
    ? html`settled ${t.settled.level}<br />round ${t.settled.round}<br />${when(t.settled.time)}`
    : t.rejected
      ? html`rejected: ${t.rejected.reason}<br />${when(t.rejected.time)}`
      : html`<em>not settled</em>`;

function paymentCell(t: Trail): SafeHtml {
  const p = t.payment;
  if (p === undefined) return html`<em>none on record</em>`;
  const outcome = p.released
    ? html`released to ${short(p.released.payee, 4)}`
    : p.refunded
      ? html`refunded (${p.refunded.reason}) to ${short(p.requester, 4)}`
      : html`<em>held in escrow</em>`;
  return html`request ${p.requestId}: ${p.amount} for ${p.paidLevel}+<br />${outcome}`;
}

/** The tokens bond locks are in, by address (from `PanelData.bondAssets`). */
export type BondAssets = ReadonlyMap<string, BondAsset>;

/** An amount of a lock's asset: ETH in ether, a token in its own units (else in base units, with its address). */
function lockAmount(amount: string, asset: string, assets: BondAssets): SafeHtml {
  const known = assets.get(asset);
  if (asset === ZeroAddress || (known !== undefined && known.decimals > 0)) {
    return html`<span title="${asset}">${bondAmountText(amount, known ?? asset)}</span>`;
  }
  return html`${amount} units of ${short(asset, 4)}`;
}

const OUTLOOK = {
  pending: "held until the record resolves",
  releasable: "the record settled; not released to the node yet",
  slashable: "rejected for overclaiming; anyone may slash it",
  revoked: "its artifact was revoked; released unless the node's operator published it",
} as const;

/**
 * The node's bond lock for the record and what became of it: LOCKED (never green) with what it waits for, released
 * back to the node, cancelled, or SLASHED with each share; none for a Vanilla claim.
 */
export function bondCell(t: Trail, assets: BondAssets = new Map()): SafeHtml {
  const b = t.bond;
  if (b === undefined) {
    return t.claimed === "Vanilla" ? html`<em>none (Vanilla claim)</em>` : html`<em>no lock on record</em>`;
  }
  const amount = lockAmount(b.amount, b.asset, assets);
  const backing = b.requestId === 0 ? "an unpaid claim" : `request ${b.requestId}`;
  if (b.status === "Locked") {
    const outlook = b.outlook ?? "pending";
    return html`<span class="lock locked" data-lock="Locked" data-outlook="${outlook}">LOCKED · ${outlook}</span
      ><br />${amount} of node ${b.nodeId}'s bond, for ${backing}<br /><em>${OUTLOOK[outlook]}</em>`;
  }
  if (b.status === "Released") {
    return html`<span class="lock released" data-lock="Released">released</span><br />${amount} back to node
      ${b.nodeId}'s bond`;
  }
  if (b.status === "Cancelled") {
    return html`<span class="lock cancelled" data-lock="Cancelled">cancelled</span><br />${amount}, never answered`;
  }
  const s = b.slashed;
  return html`<span class="lock slashed" data-lock="Slashed">SLASHED</span><br />${amount} of node ${b.nodeId}'s bond
    ${
      s === undefined
        ? ""
        : html`<ul class="split">
            <li data-share="reporter">
              ${lockAmount(s.reporterShare, b.asset, assets)} to the reporter ${short(s.reporter, 4)}
            </li>
            ${
              s.requester === ZeroAddress
                ? ""
                : html`<li data-share="requester">
                    ${lockAmount(s.requesterShare, b.asset, assets)} to the requester ${short(s.requester, 4)}
                  </li>`
            }
            <li data-share="protocol">
              ${lockAmount(s.protocolShare, b.asset, assets)} to the protocol ${short(s.protocol, 4)}
            </li>
          </ul>`
    }`;
}

/** The bond row of an inference page: the cell, then the vault and when each step happened. */
function bondDetail(t: Trail, assets: BondAssets): SafeHtml {
  const b = t.bond;
  if (b === undefined) return bondCell(t, assets);
  const at = (what: string, e: TrailEvent | undefined) =>
    e === undefined ? "" : html`<div>${what} ${when(e.time)} (block ${e.block})</div>`;
  return html`${bondCell(t, assets)}
    <div class="steps">vault ${short(b.vault, 4)}</div>
    ${at("locked", b.locked)}${at("released", b.released)}${at("cancelled", b.cancelled)}${at("slashed", b.slashed)}`;
}

function consumptionCell(t: Trail): SafeHtml {
  if (t.consumptions.length === 0) return html`<em>no consumer acted</em>`;
  return html`${t.consumptions.map(
    (c) =>
      html`<div class="${c.beforeSettlement ? "early" : ""}">
        ${short(c.consumer, 4)} at ${c.achieved}${c.beforeSettlement ? html` <strong>before settlement</strong>` : ""}
      </div>`,
  )}`;
}

const flagsCell = (t: Trail) =>
  t.flags.length === 0
    ? html``
    : html`<ul class="flags">
        ${t.flags.map((f) => html`<li class="flag">${f}</li>`)}
      </ul>`;

/** One inference: badge, chronology to scale, columns, and every part with its check. */
export function inferencePage(t: Trail, parts: PublishedParts | undefined, assets: BondAssets = new Map()): SafeHtml {
  return html`<h1>Inference ${short(t.inferenceId, 8)}</h1>
    <p>${badge(t)}</p>
    ${flagsCell(t)}
    <h2>Chronology</h2>
    ${chronology(t)}
    <table class="facts">
      <tr>
        <th>answer</th>
        <td>${answerCell(t)}</td>
      </tr>
      <tr>
        <th>claimed / achieved</th>
        <td>${t.claimed} / ${provedCell(t)}</td>
      </tr>
      <tr>
        <th>settlement</th>
        <td>${settlementCell(t)}</td>
      </tr>
      <tr>
        <th>payment</th>
        <td>${paymentCell(t)}</td>
      </tr>
      <tr class="bond">
        <th>bond</th>
        <td>${bondDetail(t, assets)}</td>
      </tr>
      <tr>
        <th>consumption</th>
        <td>${consumptionCell(t)}</td>
      </tr>
      <tr>
        <th>commitments</th>
        <td>input ${short(t.answered.inputCommitment)}<br />output ${short(t.answered.outputCommitment)}</td>
      </tr>
    </table>
    <h2>Output parts</h2>
    ${
      parts === undefined
        ? html`<p class="note">No node's published parts: only the commitments above are known.</p>`
        : html`<p class="${parts.outputVerified ? "ok" : "bad"}">
              ${
                parts.outputVerified
                  ? "every part below verifies against the record's output commitment"
                  : "these parts do NOT match the record's output commitment: do not trust them"
              }
              (published by ${parts.source})
            </p>
            ${parts.output.map((part) => outputPart(part, parts.outputVerified))}`
    }
    <h2>Input parts</h2>
    ${
      parts?.input === undefined
        ? html`<p class="note">No node's published parts.</p>`
        : html`<p class="${parts.inputVerified ? "ok" : "bad"}">
              ${
                parts.inputVerified
                  ? "every part below verifies against the record's input commitment"
                  : "these parts do NOT match the record's input commitment: do not trust them"
              }
            </p>
            ${parts.input.map((part, i) => inputPart(part, i, t, parts.inputVerified))}`
    }`;
}

function content(mediaType: string, bytes: Uint8Array, kind: "text" | "image" | "data"): SafeHtml {
  if (kind === "image") {
    const source = imageSource(mediaType, bytes);
    if (source !== undefined) return html`<img alt="output image (${mediaType})" src="${source}" />`;
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (kind === "text" || /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(text)) return html`<pre>${text}</pre>`;
  return html`<pre>${Buffer.from(bytes).toString("hex")}</pre>`;
}

function outputPart(part: OutputPart, verified: boolean): SafeHtml {
  const bytes = getBytes(part.content);
  const kind = part.kind === OutputKind.Text ? "text" : part.kind === OutputKind.Image ? "image" : "data";
  return html`<section class="part">
    <h3>
      part ${part.index}: ${OutputKind[part.kind]} · ${part.mediaType}
      <span class="${verified ? "ok" : "bad"}">${verified ? "verifies" : "does not verify"}</span>
    </h3>
    ${content(part.mediaType, bytes, kind)}
  </section>`;
}

function inputPart(part: InputPartSpec, index: number, t: Trail, verified: boolean): SafeHtml {
  const bytes =
    typeof part.content === "string" && !part.content.startsWith("0x")
      ? new TextEncoder().encode(part.content)
      : getBytes(part.content);
  const checked = t.inputParts?.find((p) => p.index === index);
  const attestation =
    part.provenance === Provenance.SourceSigned
      ? checked?.source
        ? html`attested by data source ${checked.source.id} ${checked.source.name ?? ""} (key
          ${short(checked.signer ?? "", 4)})
          ${checked.keyRevoked ? html`<strong class="flag">key revoked since</strong>` : ""}`
        : html`<strong class="flag">signed, but not by a data source key</strong>`
      : html`unattested`;
  return html`<section class="part">
    <h3>
      part ${index}: ${InputKind[part.kind]} ${part.name} · ${attestation}
      <span class="${verified ? "ok" : "bad"}">${verified ? "verifies" : "does not verify"}</span>
    </h3>
    ${content("", bytes, part.kind === InputKind.Prompt || part.kind === InputKind.Memory ? "text" : "data")}
  </section>`;
}

/** The chronology as a picture: events on a time axis, gaps to scale, acting before settlement in red. */
export function chronology(t: Trail): SafeHtml {
  const events: Array<{ label: string; time: number; block: number; early?: boolean; kind: string }> = [
    { label: "answered", time: t.answered.time, block: t.answered.block, kind: "answered" },
    ...t.proofs.map((p) => ({ label: `attested ${p.level}`, time: p.time, block: p.block, kind: "proof" })),
    ...(t.settled
      ? [{ label: `settled ${t.settled.level}`, time: t.settled.time, block: t.settled.block, kind: "settled" }]
      : []),
    ...(t.rejected ? [{ label: "rejected", time: t.rejected.time, block: t.rejected.block, kind: "rejected" }] : []),
    ...t.consumptions.map((c) => ({
      label: c.beforeSettlement ? "consumed BEFORE settlement" : "consumed",
      time: c.time,
      block: c.block,
      early: c.beforeSettlement,
      kind: "consumed",
    })),
    ...(t.payment?.released
      ? [{ label: "paid to operator", time: t.payment.released.time, block: t.payment.released.block, kind: "paid" }]
      : []),
    ...(t.payment?.refunded
      ? [{ label: "refunded", time: t.payment.refunded.time, block: t.payment.refunded.block, kind: "paid" }]
      : []),
    ...bondEvents(t),
  ].sort((a, b) => a.time - b.time || a.block - b.block);
  const start = events[0].time;
  const span = Math.max(1, events[events.length - 1].time - start);
  const width = 900;
  const x = (time: number) => 20 + ((time - start) / span) * (width - 40);
  return html`<figure class="chronology">
    <svg viewBox="0 0 ${width} ${40 + events.length * 22}" role="img" aria-label="chronology of the inference">
      <line x1="20" y1="20" x2="${width - 20}" y2="20" class="axis" />
      ${events.map(
        (e, i) =>
          html`<g class="${e.early ? "early" : e.kind}">
            <circle cx="${x(e.time).toFixed(1)}" cy="20" r="6" />
            <line x1="${x(e.time).toFixed(1)}" y1="26" x2="${x(e.time).toFixed(1)}" y2="${34 + i * 22}" />
            <text
              x="${(x(e.time) + (x(e.time) > width / 2 ? -4 : 4)).toFixed(1)}"
              y="${38 + i * 22}"
              text-anchor="${x(e.time) > width / 2 ? "end" : "start"}"
              >${e.label} · +${e.time - start} s (block ${e.block})</text
            >
          </g>`,
      )}
    </svg>
    <figcaption>${span} s from the first event (${events[0].label}) to the last, to scale</figcaption>
  </figure>`;
}

/** The chronology's events of the record's lock. */
function bondEvents(t: Trail): Array<{ label: string; time: number; block: number; kind: string }> {
  const b = t.bond;
  if (b === undefined) return [];
  const steps: Array<[string, TrailEvent | undefined, string]> = [
    ["bond locked", b.locked, "bond"],
    ["bond released", b.released, "bond"],
    ["lock cancelled", b.cancelled, "bond"],
    ["bond SLASHED", b.slashed, "rejected"],
  ];
  return steps
    .filter((step): step is [string, TrailEvent, string] => step[1] !== undefined)
    .map(([label, e, kind]) => ({ label, time: e.time, block: e.block, kind }));
}

/** Models, label history and artifacts: "same label, different blob" at a glance. */
export function artifactsPage(models: ModelRow[]): SafeHtml {
  return html`<h1>Artifacts</h1>
    ${models.map(
      (m) =>
        html`<section class="model" id="model-${m.id}">
          <h2>model ${m.id}: <span class="label">${m.label}</span></h2>
          <p>
            publisher ${short(m.publisher, 4)} · metadata
            <a href="${href(m.metadataURI)}" rel="noopener noreferrer">${m.metadataURI}</a> · the label points at
            artifact ${m.current}
          </p>
          ${
            m.labelHistory.length > 1
              ? html`<p class="flag">
                  the label has moved ${m.labelHistory.length - 1} time(s): the same label has named different blobs
                </p>`
              : ""
          }
          <h3>Label history</h3>
          <table>
            <tr>
              <th>when</th>
              <th>block</th>
              <th>from</th>
              <th>to</th>
            </tr>
            ${m.labelHistory.map(
              (h) =>
                html`<tr class="label-move">
                  <td>${when(h.time)}</td>
                  <td>${h.block}</td>
                  <td>${h.from === 0 ? "none" : `artifact ${h.from}`}</td>
                  <td>artifact ${h.to}</td>
                </tr>`,
            )}
          </table>
          <h3>Artifacts</h3>
          <table>
            <tr>
              <th>artifact</th>
              <th>version</th>
              <th>blob id (base64url / raw)</th>
              <th>content digest</th>
              <th>lineage</th>
              <th>status</th>
              <th>inferences</th>
            </tr>
            ${m.artifacts.map(
              (a) =>
                html`<tr id="artifact-${a.id}" class="${a.id === m.current ? "current" : ""}">
                  <td>${a.id}${a.id === m.current ? " (label)" : ""}</td>
                  <td>${a.version}</td>
                  <td><code>${a.blobId}</code><br />${short(a.blobIdRaw)}</td>
                  <td>${short(a.contentDigest)}</td>
                  <td>${a.parentId === 0 ? "root" : `from artifact ${a.parentId}`}</td>
                  <td class="${a.status === "Revoked" ? "flag" : ""}">${a.status}</td>
                  <td>${a.inferences.map((id) => html`<a href="${href(`/inference/${id}`)}">${short(id, 4)}</a> `)}</td>
                </tr>`,
            )}
          </table>
        </section>`,
    )}`;
}

/** Escrow requests: what was paid for which level, and whether it was released (to whom) or refunded. */
export function paymentsPage(rows: PaymentRow[]): SafeHtml {
  return html`<h1>Payments</h1>
    <p class="note">A payment is a receipt for money held, not for a proof: it is released only on settlement.</p>
    <table>
      <tr>
        <th>request</th>
        <th>requester</th>
        <th>amount</th>
        <th>paid level</th>
        <th>status</th>
        <th>inference</th>
        <th>outcome</th>
        <th>deadline</th>
      </tr>
      ${rows.map(
        (r) =>
          html`<tr data-request="${r.requestId}" data-status="${r.status}">
            <td>${r.requestId}</td>
            <td>${short(r.requester, 4)}</td>
            <td>${r.amount} of ${short(r.asset, 4)}</td>
            <td>${r.paidLevel}+</td>
            <td>${r.status}</td>
            <td>
              ${r.inferenceId ? html`<a href="${href(`/inference/${r.inferenceId}`)}">${short(r.inferenceId, 4)}</a>` : ""}
            </td>
            <td>
              ${
                r.releasedTo
                  ? html`released to ${short(r.releasedTo, 4)}`
                  : r.refundReason
                    ? html`refunded to the requester (${r.refundReason})`
                    : html`<em>held</em>`
              }
            </td>
            <td>${when(r.deadline)}</td>
          </tr>`,
      )}
    </table>`;
}

/** Nodes, enclaves and measurements, with heartbeats, deactivations and revocations. */
export function nodesPage(view: NodesView, now: number): SafeHtml {
  return html`<h1>Nodes and enclaves</h1>
    <h2>Nodes</h2>
    <table>
      <tr>
        <th>node</th>
        <th>key</th>
        <th>operator</th>
        <th>status</th>
        <th>bond (free · locked by pending claims · unbonding)</th>
      </tr>
      ${view.nodes.map(
        (n) =>
          html`<tr data-node="${n.id}">
            <td>${n.id}</td>
            <td>${short(n.key, 4)}</td>
            <td>${short(n.operator, 4)}</td>
            <td class="${n.active ? "" : "flag"}">${n.active ? "active" : "deactivated"}</td>
            <td class="bonds">
              ${n.bonds.length === 0 ? html`<em>no bond vault</em>` : n.bonds.map((b) => nodeBond(b, now))}
            </td>
          </tr>`,
      )}
    </table>
    <h2>Enclaves</h2>
    <p class="note">On a local network these are development enclave keys: plain keys standing in for hardware.</p>
    <table>
      <tr>
        <th>enclave</th>
        <th>measurement</th>
        <th>bound to</th>
        <th>last heartbeat</th>
        <th>status</th>
      </tr>
      ${view.enclaves.map(
        (e) =>
          html`<tr>
            <td>${short(e.address, 4)}</td>
            <td>
              ${short(e.measurement, 4)}${e.measurementRevoked ? html` <strong class="flag">revoked</strong>` : ""}
            </td>
            <td>${e.route} subject ${e.subject}</td>
            <td>${e.lastHeartbeat === 0 ? "never" : `${when(e.lastHeartbeat)} (${now - e.lastHeartbeat} s ago)`}</td>
            <td class="${e.disabled ? "flag" : ""}">${e.disabled ? "disabled" : "enabled"}</td>
          </tr>`,
      )}
    </table>
    <h2>Measurements</h2>
    <table>
      <tr>
        <th>measurement</th>
        <th>approved (block)</th>
        <th>revoked (block)</th>
      </tr>
      ${view.measurements.map(
        (m) =>
          html`<tr>
            <td>${short(m.measurement)}</td>
            <td>${m.approvedBlock}</td>
            <td class="${m.revokedBlock ? "flag" : ""}">${m.revokedBlock ?? "no"}</td>
          </tr>`,
      )}
    </table>`;
}

/** A node's bond in one asset: free, locked, unbonding (and from when it may be withdrawn). */
function nodeBond(b: NodeBond, now: number): SafeHtml {
  const amount = (value: string) => bondAmountText(value, b.asset);
  const unbonding =
    b.unbonding === "0"
      ? "nothing unbonding"
      : `${amount(b.unbonding)} unbonding, ${b.unbondsAt <= now ? "withdrawable now" : `withdrawable from ${when(b.unbondsAt)}`}`;
  return html`<div class="bond" data-asset="${b.asset.address}">
    ${b.asset.address === ZeroAddress ? "ETH: " : html`${short(b.asset.address, 4)}: `}free ${amount(b.free)} · locked
    ${amount(b.locked)} · ${unbonding}
  </div>`;
}

/** A not-found or error page body. */
export function messagePage(title: string, message: string): SafeHtml {
  return html`<h1>${title}</h1>
    <p>${message}</p>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2430;background:#f7f8fa}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1em;background:#1d2430;color:#fff}
header a{color:#cfe0ff;margin-right:1em}header .head{margin-left:auto;font-family:monospace}
main{padding:1em}table{border-collapse:collapse;background:#fff;margin:.5em 0}
th,td{border:1px solid #d8dde6;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#eef1f6;font-weight:600}.badge{display:inline-block;padding:.15em .5em;border-radius:3px;font-weight:700;max-width:24em}
.hold{background:#ffe8a3;color:#5c4400}.clear{background:#c9f2d3;color:#0d4d1f}.rejected{background:#ffd0d0;color:#7a0b0b}
.flag,.flags li{color:#a10d0d}.flags{margin:0;padding-left:1em}.early{color:#c00000;font-weight:600}
.ok{color:#0d6b2a}.bad{color:#a10d0d;font-weight:700}.note{color:#555}
.proofs{margin:0;padding-left:1em}.filters label{margin-right:.8em}pre{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #d8dde6;padding:.5em}
.part img{max-width:320px;border:1px solid #d8dde6}code{font-size:12px}
.chronology svg{width:100%;max-width:900px;background:#fff;border:1px solid #d8dde6}
.chronology .axis{stroke:#999}.chronology circle{fill:#3b6fd8}.chronology line{stroke:#bbb}
.chronology text{font-size:11px;fill:#1d2430}.chronology .settled circle{fill:#0d8a35}
.chronology .rejected circle{fill:#c00000}.chronology .early circle{fill:#c00000}.chronology .early text{fill:#c00000;font-weight:700}
.chronology .paid circle{fill:#8a5a00}tr.current{background:#f1f7ff}.chronology .bond circle{fill:#6b4fb3}
.lock{display:inline-block;padding:.1em .4em;border-radius:3px;font-weight:700}.lock.locked{background:#ffe8a3;color:#5c4400}
.lock.released,.lock.cancelled{background:#e3e8ef;color:#1d2430}.lock.slashed{background:#ffd0d0;color:#7a0b0b}
.split{margin:0;padding-left:1em}.steps{margin-top:.4em}
`;

/**
 * Live updates without a reload: every second the page asks for the head block; when it moved, the page fetches
 * itself again and swaps its main content (the same server-rendered HTML). Without JavaScript, pages still render.
 */
const LIVE_SCRIPT = `
(() => {
  const blockEl = document.getElementById("block");
  let seen = Number(blockEl.dataset.block);
  setInterval(async () => {
    try {
      const head = await (await fetch("/api/head", { cache: "no-store" })).json();
      if (head.block === seen) return;
      const page = await (await fetch(location.href, { cache: "no-store" })).text();
      const next = new DOMParser().parseFromString(page, "text/html");
      document.getElementById("main").replaceWith(next.getElementById("main"));
      seen = head.block;
      blockEl.textContent = String(seen);
      blockEl.dataset.block = String(seen);
    } catch {}
  }, 1000);
})();
`;
