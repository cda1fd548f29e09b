/**
 * What the panel reads: chain data only (and, given a node's URL, the input and output parts that node publishes for
 * its inferences, each checked against the record's commitments before it is shown as verified). An inference's
 * history is always `buildTrail`'s (src/trail.ts): the panel adds no second decoder of the ledger's events. The rest
 * (models and their label history, escrow requests, nodes with their bonds, enclaves and measurements) is read from
 * the registries' and the bond vault's events and views (the vault is the one the ledger names). Everything is cached for one block: a page never mixes two blocks' worth of state.
 */
import { getBytes, toUtf8String, type Provider } from "ethers";

import { bytes32ToBlobId } from "../src/blobId.js";
import { bondAssetOf, bondVaultOf, nodeBonds, type BondAsset, type NodeBond } from "../src/bonds.js";
import {
  InputCommitment,
  OutputCommitment,
  type InputPartSpec,
  type OutputPart,
  type OutputPartSpec,
} from "../src/commitments.js";
import { RefundReason, RequestStatus } from "../src/escrow.js";
import { Level, Route } from "../src/ledger.js";
import { headBlock, queryInRanges } from "../src/logs.js";
import { buildTrail, TrailError, type Trail, type TrailContracts } from "../src/trail.js";
import type { BondVault, InferenceEscrow } from "../src/typechain/index.js";

export interface PanelContracts extends TrailContracts {
  escrow: InferenceEscrow;
}

export interface PanelOptions {
  /** The first block searched for events (a deployment's first block on a public chain). */
  fromBlock?: number;
  /** A node whose published parts (`GET /v1/inferences/<id>`) the inference pages show, checked. */
  nodeUrl?: string;
  /** The most rows on one queue page (default 50). */
  pageSize?: number;
  /** The most records one queue page reads, matching or not (default 500). */
  scanLimit?: number;
}

/** The parts a node published for an inference, and whether they match the record's commitments. */
export interface PublishedParts {
  source: string;
  output: OutputPart[];
  outputVerified: boolean;
  input?: InputPartSpec[];
  inputVerified: boolean;
}

export interface ArtifactRow {
  id: number;
  modelId: number;
  blobId: string;
  blobIdRaw: string;
  contentDigest: string;
  version: string;
  parentId: number;
  status: "Active" | "Deprecated" | "Revoked";
  registeredBlock: number;
  inferences: string[];
}

export interface ModelRow {
  id: number;
  publisher: string;
  label: string;
  metadataURI: string;
  current: number;
  labelHistory: Array<{ block: number; time: number; from: number; to: number }>;
  artifacts: ArtifactRow[];
}

export interface PaymentRow {
  requestId: number;
  requester: string;
  amount: string;
  asset: string;
  paidLevel: keyof typeof Level;
  status: keyof typeof RequestStatus;
  deadline: number;
  paymentRef: string;
  inferenceId?: string;
  releasedTo?: string;
  refundReason?: string;
}

export interface NodesView {
  /** Each node, with its bond per asset (empty when the ledger has no bond vault). */
  nodes: Array<{ id: number; key: string; operator: string; active: boolean; block: number; bonds: NodeBond[] }>;
  enclaves: Array<{
    address: string;
    measurement: string;
    route: keyof typeof Route;
    subject: number;
    lastHeartbeat: number;
    disabled: boolean;
    measurementRevoked: boolean;
  }>;
  measurements: Array<{ measurement: string; approvedBlock: number; revokedBlock?: number }>;
}

const ARTIFACT_STATUS = ["Active", "Deprecated", "Revoked"] as const;

/** The panel's reads, cached per block. */
export class PanelData {
  private block = -1;
  private cache = new Map<string, Promise<unknown>>();

  constructor(
    readonly contracts: PanelContracts,
    readonly options: PanelOptions = {},
  ) {}

  get provider(): Provider {
    return this.contracts.ledger.runner!.provider!;
  }

  /** The latest block number (the panel's live updates follow it). */
  async head(): Promise<number> {
    return headBlock(this.provider);
  }

  /** `make()` once per block for `key`. */
  private async cached<T>(key: string, make: () => Promise<T>): Promise<T> {
    const block = await this.head();
    if (block !== this.block) {
      this.block = block;
      this.cache.clear();
    }
    let value = this.cache.get(key) as Promise<T> | undefined;
    if (value === undefined) {
      value = make();
      this.cache.set(key, value);
      value.catch(() => this.cache.delete(key));
    }
    return value;
  }

  private get fromBlock(): number {
    return this.options.fromBlock ?? 0;
  }

  /** A log search from the first block to this page's block, split in halves where a node refuses the range. */
  private async logs<T>(query: (from: number, to: number) => Promise<T[]>): Promise<T[]> {
    return queryInRanges(query, this.fromBlock, await this.head());
  }

  /** Every `Answered` event, newest first: the ids, and for the Local route the artifact that answered. */
  private answered() {
    return this.cached("answered", async () => {
      const { ledger } = this.contracts;
      const events = await this.logs((from, to) => ledger.queryFilter(ledger.filters.Answered(), from, to));
      return events
        .map((event) => ({
          inferenceId: event.args.inferenceId as string,
          route: Number(event.args.route),
          subject: Number(event.args.subject),
        }))
        .reverse();
    });
  }

  /** Every answered inference id, newest first. */
  async inferenceIds(): Promise<string[]> {
    return (await this.answered()).map((a) => a.inferenceId);
  }

  /** The bond vault the ledger names (undefined for a ledger without one); kept once found. */
  private vault?: Promise<BondVault | undefined>;
  async bonds(): Promise<BondVault | undefined> {
    this.vault ??= this.contracts.bonds ? Promise.resolve(this.contracts.bonds) : bondVaultOf(this.contracts.ledger);
    const vault = await this.vault;
    if (vault === undefined) this.vault = undefined; // asked again next time: the read may have failed
    return vault;
  }

  /**
   * The symbol and decimals of every token the bond locks of `trails` are in, by address (ETH needs none): what the
   * token's own contract reports, so the views escape it like any other chain string.
   */
  async bondAssets(trails: Trail[]): Promise<Map<string, BondAsset>> {
    const addresses = [...new Set(trails.flatMap((t) => (t.bond ? [t.bond.asset] : [])))];
    const found = await Promise.all(
      addresses.map((address) => this.cached(`asset:${address}`, () => bondAssetOf(this.provider, address))),
    );
    return new Map(found.map((asset) => [asset.address, asset]));
  }

  /** The trail of `inferenceId` (with its input parts when a node published them and they match the record). */
  trail(inferenceId: string): Promise<Trail> {
    return this.cached(`trail:${inferenceId}`, async () => {
      const published = await this.published(inferenceId);
      const contracts = { ...this.contracts, bonds: await this.bonds() };
      if (published?.input !== undefined && published.inputVerified) {
        return buildTrail(contracts, inferenceId, {
          fromBlock: this.fromBlock,
          input: new InputCommitment(published.input),
        });
      }
      return buildTrail(contracts, inferenceId, this.fromBlock);
    });
  }

  /**
   * One page of the queue: from the `from`-th newest inference on, the trails that pass `keep`, until `pageSize` of
   * them are found or `scanLimit` records were read (so a page costs at most that many trails, however long the
   * ledger's history). `next` is where the following page starts, when there is one.
   */
  async queuePage(
    keep: (trail: Trail) => boolean,
    from = 0,
  ): Promise<{ trails: Trail[]; total: number; from: number; next?: number }> {
    const ids = await this.inferenceIds();
    const pageSize = this.options.pageSize ?? 50;
    const scanLimit = Math.max(pageSize, this.options.scanLimit ?? 500);
    const trails: Trail[] = [];
    let at = Math.max(0, from);
    while (at < ids.length && trails.length < pageSize && at - from < scanLimit) {
      const batch = ids.slice(at, Math.min(ids.length, at + 10, from + scanLimit));
      const built = await Promise.all(batch.map((id) => this.trail(id)));
      for (const trail of built) {
        at += 1;
        if (keep(trail)) trails.push(trail);
        if (trails.length === pageSize) break;
      }
    }
    return { trails, total: ids.length, from, next: at < ids.length ? at : undefined };
  }

  /** The parts the configured node published for `inferenceId`, checked; undefined without a node or parts. */
  published(inferenceId: string): Promise<PublishedParts | undefined> {
    return this.cached(`parts:${inferenceId}`, async () => {
      if (this.options.nodeUrl === undefined) return undefined;
      let body: { inputParts?: InputPartSpec[]; outputParts?: OutputPartSpec[] };
      try {
        const response = await fetch(new URL(`/v1/inferences/${inferenceId}`, this.options.nodeUrl));
        if (!response.ok) return undefined;
        body = (await response.json()) as typeof body;
      } catch {
        return undefined;
      }
      const { ledger } = this.contracts;
      const [answered] = await this.logs((from, to) =>
        ledger.queryFilter(ledger.filters.Answered(inferenceId), from, to),
      );
      if (answered === undefined || !Array.isArray(body.outputParts)) return undefined;
      const recordOutput = answered.args.outputCommitment as string;
      const recordInput = answered.args.inputCommitment as string;
      let output: OutputPart[] = [];
      let outputVerified = false;
      try {
        const tree = new OutputCommitment(body.outputParts);
        output = tree.parts;
        outputVerified = tree.root === recordOutput;
      } catch {
        outputVerified = false;
      }
      let inputVerified = false;
      if (Array.isArray(body.inputParts)) {
        try {
          inputVerified = new InputCommitment(body.inputParts).root === recordInput;
        } catch {
          inputVerified = false;
        }
      }
      return { source: this.options.nodeUrl, output, outputVerified, input: body.inputParts, inputVerified };
    });
  }

  /** Every model, its label history, and its artifacts with the inferences each answered. */
  models(): Promise<ModelRow[]> {
    return this.cached("models", async () => {
      const { registry } = this.contracts;
      const [created, registered, moved, answered] = await Promise.all([
        this.logs((from, to) => registry.queryFilter(registry.filters.ModelCreated(), from, to)),
        this.logs((from, to) => registry.queryFilter(registry.filters.ArtifactRegistered(), from, to)),
        this.logs((from, to) => registry.queryFilter(registry.filters.LabelMoved(), from, to)),
        this.answered(),
      ]);
      const times = await blockTimes(
        this.provider,
        moved.map((event) => event.blockNumber),
      );
      const models: ModelRow[] = [];
      for (const event of created) {
        const id = Number(event.args.modelId);
        const model = await registry.getModel(id);
        const artifacts: ArtifactRow[] = [];
        for (const artifactEvent of registered.filter((e) => Number(e.args.modelId) === id)) {
          const artifactId = Number(artifactEvent.args.artifactId);
          const artifact = await registry.getArtifact(artifactId);
          artifacts.push({
            id: artifactId,
            modelId: id,
            blobId: bytes32ToBlobId(artifact.blobId),
            blobIdRaw: artifact.blobId,
            contentDigest: artifact.contentDigest,
            version: `${artifact.major}.${artifact.minor}.${artifact.patch}`,
            parentId: Number(artifact.parentId),
            status: ARTIFACT_STATUS[Number(artifact.status)],
            registeredBlock: artifactEvent.blockNumber,
            inferences: answered
              .filter((a) => a.route === Route.Local && a.subject === artifactId)
              .map((a) => a.inferenceId),
          });
        }
        models.push({
          id,
          publisher: model.publisher,
          label: model.label,
          metadataURI: model.metadataURI,
          current: Number(model.currentArtifact),
          labelHistory: moved
            .filter((e) => Number(e.args.modelId) === id)
            .map((e) => ({
              block: e.blockNumber,
              time: times.get(e.blockNumber)!,
              from: Number(e.args.fromArtifact),
              to: Number(e.args.toArtifact),
            })),
          artifacts,
        });
      }
      return models;
    });
  }

  /** Every escrow request, newest first, with the inference that answered it when there is one. */
  payments(): Promise<PaymentRow[]> {
    return this.cached("payments", async () => {
      const { escrow } = this.contracts;
      const [opened, released, refunded] = await Promise.all([
        this.logs((from, to) => escrow.queryFilter(escrow.filters.RequestOpened(), from, to)),
        this.logs((from, to) => escrow.queryFilter(escrow.filters.PaymentReleased(), from, to)),
        this.logs((from, to) => escrow.queryFilter(escrow.filters.PaymentRefunded(), from, to)),
      ]);
      const rows: PaymentRow[] = [];
      for (const event of opened.reverse()) {
        const requestId = Number(event.args.requestId);
        // The request as opened, from its log (the escrow stores only a commitment to it), and where it stands.
        const request = event.args.request;
        const status = await escrow.requestStatus(requestId);
        const release = released.find((e) => Number(e.args.requestId) === requestId);
        const refund = refunded.find((e) => Number(e.args.requestId) === requestId);
        rows.push({
          requestId,
          requester: request.requester,
          amount: request.amount.toString(),
          asset: request.asset,
          paidLevel: Level[Number(request.minLevel)] as keyof typeof Level,
          status: RequestStatus[Number(status)] as keyof typeof RequestStatus,
          deadline: Number(request.deadline),
          paymentRef: event.args.requestRef as string,
          inferenceId:
            release?.args.inferenceId ??
            (refund && refund.args.inferenceId !== ZERO ? refund.args.inferenceId : undefined),
          releasedTo: release?.args.payee,
          refundReason: refund === undefined ? undefined : RefundReason[Number(refund.args.reason)],
        });
      }
      return rows;
    });
  }

  /** Nodes, enclaves (with their last heartbeat) and measurements, with every deactivation and revocation. */
  nodes(): Promise<NodesView> {
    return this.cached("nodes", async () => {
      const { attesters } = this.contracts;
      const [registered, deactivated, enclaves, approved, revoked] = await Promise.all([
        this.logs((from, to) => attesters.queryFilter(attesters.filters.NodeRegistered(), from, to)),
        this.logs((from, to) => attesters.queryFilter(attesters.filters.NodeDeactivated(), from, to)),
        this.logs((from, to) => attesters.queryFilter(attesters.filters.EnclaveRegistered(), from, to)),
        this.logs((from, to) => attesters.queryFilter(attesters.filters.MeasurementApproved(), from, to)),
        this.logs((from, to) => attesters.queryFilter(attesters.filters.MeasurementRevoked(), from, to)),
      ]);
      const revokedSet = new Map(revoked.map((e) => [e.args.measurement as string, e.blockNumber]));
      const vault = await this.bonds();
      const head = await this.head();
      return {
        nodes: await Promise.all(
          registered.map(async (e) => ({
            id: Number(e.args.nodeId),
            key: e.args.key,
            operator: e.args.operator,
            active: !deactivated.some((d) => Number(d.args.nodeId) === Number(e.args.nodeId)),
            block: e.blockNumber,
            bonds: vault ? await nodeBonds(vault, e.args.nodeId, this.fromBlock, head) : [],
          })),
        ),
        enclaves: await Promise.all(
          enclaves.map(async (e) => {
            const record = await attesters.getEnclave(e.args.enclave);
            return {
              address: e.args.enclave,
              measurement: e.args.measurement as string,
              route: Route[Number(e.args.route)] as keyof typeof Route,
              subject: Number(e.args.subject),
              lastHeartbeat: Number(record.lastHeartbeat),
              disabled: Number(record.disabledAt) !== 0,
              measurementRevoked: revokedSet.has(e.args.measurement as string),
            };
          }),
        ),
        measurements: approved.map((e) => ({
          measurement: e.args.measurement as string,
          approvedBlock: e.blockNumber,
          revokedBlock: revokedSet.get(e.args.measurement as string),
        })),
      };
    });
  }
}

const ZERO = `0x${"0".repeat(64)}`;

/** The timestamps of `blocks`. */
async function blockTimes(provider: Provider, blocks: number[]): Promise<Map<number, number>> {
  const unique = [...new Set(blocks)];
  const found = await Promise.all(unique.map((b) => provider.getBlock(b)));
  return new Map(unique.map((b, i) => [b, found[i]?.timestamp ?? 0]));
}

/** An output part's content as text when it is valid UTF-8, else undefined. */
export function partText(part: OutputPart | InputPartSpec): string | undefined {
  try {
    return toUtf8String(
      getBytes(
        typeof part.content === "string" && !part.content.startsWith("0x")
          ? new TextEncoder().encode(part.content)
          : part.content,
      ),
    );
  } catch {
    return undefined;
  }
}

export { TrailError };
