/**
 * The trail of one inference: its whole history rebuilt from chain data alone (events and views), for auditors.
 * `npx hardhat trail <inferenceId>` prints it as a table, or as JSON with `--json`; `buildTrail` is the API.
 */
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { Interface, ZeroAddress, type Log, type Provider, type TypedDataDomain } from "ethers";

import type {
  AttesterRegistry,
  BondVault,
  InferenceEscrow,
  InferenceLedger,
  ModelRegistry,
} from "./typechain/index.js";
import { bytes32ToBlobId } from "./blobId.js";
import { bondAmountText, bondVaultOf, lockOutlook, lockStatusName, type LockStatusName } from "./bonds.js";
import { InputCommitment, InputKind, Provenance, inputLeafHash, type InputManifestEntry } from "./commitments.js";
import { RejectionReason } from "./constants.js";
import { sourcedDataSigner } from "./dataSources.js";
import { RefundReason } from "./escrow.js";
import { Level, RecordState, Route, attesterRegistryDomain } from "./ledger.js";
import { headBlock, queryInRanges } from "./logs.js";
import { ArtifactStatus } from "./registry.js";

/**
 * The contracts a trail reads, as typed ethers contracts (the TypeChain bindings Hardhat generates at build time;
 * any ethers `Contract` with these ABIs fits). The escrow is optional; the bond vault defaults to the one the ledger
 * names (`bondVault()`), and a ledger without one has no locks to show.
 */
export interface TrailContracts {
  ledger: InferenceLedger;
  registry: ModelRegistry;
  attesters: AttesterRegistry;
  escrow?: InferenceEscrow;
  bonds?: BondVault;
}

export interface TrailEvent {
  block: number;
  time: number;
  tx: string;
}

/** A data source of the attester registry: its name is from its `DataSourceRegistered` event (absent when that is
 * before the searched blocks). */
export interface TrailDataSource {
  id: number;
  name?: string;
  registrant: string;
}

/** One input part, from the input manifest given to `buildTrail` (checked against the record's input commitment). */
export interface TrailInputPart {
  index: number;
  kind: keyof typeof InputKind;
  name: string;
  contentHash: string;
  provenance: keyof typeof Provenance;
  /** For a `SourceSigned` part: the key its signature recovers to (absent when it has none or a malformed one). */
  signer?: string;
  /** Why no signer could be recovered. */
  signatureError?: string;
  /** The data source the signer is a key of (absent when it is none's). */
  source?: TrailDataSource;
  /** Whether the signer's key is revoked now; then, when found, the revocation. */
  keyRevoked?: boolean;
  keyRevokedAt?: TrailEvent;
}

/** An attested input part a consumer reported acting on (its `AttestedInputUsed` event). */
export interface TrailAttestedInput {
  inputIndex: number;
  contentHash: string;
  source: TrailDataSource;
}

/**
 * A record's bond lock (`IBondVault`): what its node put up for a claim above Vanilla before answering, and what
 * became of it. Amounts are decimal strings of the asset's base units (wei for ETH, `asset` 0x0).
 */
export interface TrailBond {
  vault: string;
  nodeId: number;
  asset: string;
  amount: string;
  /** The escrow request the lock backs; 0 for a claim nobody paid for. */
  requestId: number;
  status: Exclude<LockStatusName, "None">;
  /** For a live lock: what it can still become (pending until the record resolves). */
  outlook?: ReturnType<typeof lockOutlook>;
  /** The `BondLocked` event (absent when it is before the searched blocks). */
  locked?: TrailEvent;
  released?: TrailEvent;
  cancelled?: TrailEvent;
  /** The split of a slash: the reporter (the refuter, or whoever slashed a missed deadline), the requester of a paid
   * request (zero address and share when unpaid) and the protocol's fee destination. */
  slashed?: TrailEvent & {
    reporter: string;
    reporterShare: string;
    requester: string;
    requesterShare: string;
    protocol: string;
    protocolShare: string;
  };
}

/** `buildTrail`'s options. */
export interface TrailOptions {
  /** The first block the log searches cover (default 0). */
  fromBlock?: number;
  /** The record's input manifest (or the commitment holding it): its parts are listed and their signatures checked. */
  input?: InputCommitment | InputManifestEntry[];
}

export interface Trail {
  inferenceId: string;
  state: keyof typeof RecordState;
  claimed: keyof typeof Level;
  achieved: keyof typeof Level;
  answered: TrailEvent & {
    nodeId: number;
    nodeKey: string;
    nodeOperator: string;
    route: keyof typeof Route;
    inputCommitment: string;
    outputCommitment: string;
    paymentRef: string;
  };
  /** For a Local route: the artifact that answered, and whether its model's label still points at it. */
  artifact?: {
    id: number;
    modelId: number;
    blobId: string;
    contentDigest: string;
    status: "Active" | "Deprecated" | "Revoked";
    labelNow: number;
    labelMovedSinceAnswer: boolean;
  };
  /** For a Proxy route: the provider called. */
  provider?: { id: number; name: string };
  /** Everything that proved a level, in order. */
  proofs: Array<
    TrailEvent & {
      level: keyof typeof Level;
      by: "enclave" | "enclave batch" | "zk verifier";
      attester: string;
      /** The enclave's measurement (TEE), or the proof's hash (ZKML). */
      measurement?: string;
      measurementRevoked?: boolean;
      enclaveDisabled?: boolean;
      proofHash?: string;
      batchRoot?: string;
      round: number;
    }
  >;
  settled?: TrailEvent & { level: keyof typeof Level; round: number };
  /** The rejection, its reason as the ledger keeps it (`outcomeOf`), and who submitted a refutation that caused it. */
  rejected?: TrailEvent & {
    reason: keyof typeof RejectionReason;
    achieved: keyof typeof Level;
    refuter?: string;
  };
  /** The record's bond lock and what became of it; absent when it has none (a Vanilla claim, or no bond vault). */
  bond?: TrailBond;
  challenges: Array<TrailEvent & { level: keyof typeof Level; attester: string; otherOutput: string }>;
  payment?: {
    escrow: string;
    requestId: number;
    requester: string;
    asset: string;
    amount: string;
    paidLevel: keyof typeof Level;
    opened: TrailEvent;
    released?: TrailEvent & { payee: string; amount: string; byThisInference: boolean };
    refunded?: TrailEvent & { reason: keyof typeof RefundReason; amount: string };
  };
  /** With an input manifest: every input part, in order. */
  inputParts?: TrailInputPart[];
  consumptions: Array<
    TrailEvent & {
      consumer: string;
      partIndex: number;
      achieved: keyof typeof Level;
      beforeSettlement: boolean;
      /** The attested input parts the consumer reported acting on in the same transaction. */
      attestedInputs: TrailAttestedInput[];
    }
  >;
  /** What an auditor should look at. */
  flags: string[];
}

export class TrailError extends Error {
  override name = "TrailError";
}

const CONSUMED = new Interface([
  "event InferenceConsumed(bytes32 indexed inferenceId, address indexed ledger, uint32 partIndex, uint8 achieved, bool beforeSettlement)",
  "event AttestedInputUsed(bytes32 indexed inferenceId, uint32 inputIndex, uint32 indexed sourceId, bytes32 contentHash)",
]);

/** The input root `manifest` commits to: the `StandardMerkleTree` root over its leaves (`inputLeafHash`). */
function manifestRoot(manifest: InputManifestEntry[]): string {
  if (manifest.length === 0) throw new TrailError("the input manifest has no parts");
  try {
    return SimpleMerkleTree.of(manifest.map(inputLeafHash)).root;
  } catch (error) {
    throw new TrailError(`the input manifest is malformed: ${(error as Error).message}`);
  }
}

const levelName = (value: bigint | number) => Level[Number(value)] as keyof typeof Level;

/**
 * Rebuilds the history of `inferenceId` from events and views. `fromBlock` (a number, or in the options) bounds the log
 * searches. With `input`, the record's input manifest, the trail lists every input part and checks each data source
 * signature; it throws `TrailError` when the manifest does not match the record's input commitment.
 */
export async function buildTrail(
  contracts: TrailContracts,
  inferenceId: string,
  fromBlockOrOptions: number | TrailOptions = 0,
  moreOptions: TrailOptions = {},
): Promise<Trail> {
  const options =
    typeof fromBlockOrOptions === "number"
      ? { ...moreOptions, fromBlock: fromBlockOrOptions }
      : { ...fromBlockOrOptions, ...moreOptions };
  const fromBlock = options.fromBlock ?? 0;
  const { ledger, registry, attesters, escrow } = contracts;
  const provider = ledger.runner?.provider as Provider | undefined;
  if (!provider) throw new TrailError("the ledger contract needs a provider");
  const times = new Map<number, number>();
  const at = async (log: Log): Promise<TrailEvent> => {
    if (!times.has(log.blockNumber)) times.set(log.blockNumber, (await provider.getBlock(log.blockNumber))!.timestamp);
    return { block: log.blockNumber, time: times.get(log.blockNumber)!, tx: log.transactionHash };
  };
  // Every search covers the same blocks, and is split whenever the endpoint refuses its range (src/logs.ts).
  const toBlock = await headBlock(provider);
  const events = <T>(query: (from: number, to: number) => Promise<T[]>) => queryInRanges(query, fromBlock, toBlock);

  const [answered] = await events((from, to) => ledger.queryFilter(ledger.filters.Answered(inferenceId), from, to));
  if (answered === undefined) throw new TrailError(`no inference ${inferenceId} on this ledger`);
  const record = await ledger.getRecord(inferenceId);
  const state = RecordState[Number(await ledger.stateOf(inferenceId))] as keyof typeof RecordState;
  const node = await attesters.getNode(record.nodeId);
  const route = Number(record.route) as Route;
  const trail: Trail = {
    inferenceId,
    state,
    claimed: levelName(record.claimed),
    achieved: levelName(record.achieved),
    answered: {
      ...(await at(answered)),
      nodeId: Number(record.nodeId),
      nodeKey: node.key,
      nodeOperator: node.operator,
      route: Route[route] as keyof typeof Route,
      inputCommitment: answered.args.inputCommitment,
      outputCommitment: answered.args.outputCommitment,
      paymentRef: answered.args.paymentRef,
    },
    proofs: [],
    challenges: [],
    consumptions: [],
    flags: [],
  };

  if (route === Route.Local) {
    const artifact = await registry.getArtifact(record.subject);
    const labelNow = Number(await registry.currentArtifact(artifact.modelId));
    trail.artifact = {
      id: Number(record.subject),
      modelId: Number(artifact.modelId),
      blobId: bytes32ToBlobId(artifact.blobId),
      contentDigest: artifact.contentDigest,
      status: ArtifactStatus[Number(artifact.status)] as "Active" | "Deprecated" | "Revoked",
      labelNow,
      labelMovedSinceAnswer: (
        await events((from, to) => registry.queryFilter(registry.filters.LabelMoved(artifact.modelId), from, to))
      ).some((move) => move.blockNumber > answered.blockNumber),
    };
  } else {
    trail.provider = { id: Number(record.subject), name: await attesters.providerName(record.subject) };
  }

  for (const attested of await events((from, to) =>
    ledger.queryFilter(ledger.filters.Attested(inferenceId), from, to),
  )) {
    const level = levelName(attested.args.level);
    const attester = attested.args.attester;
    const base = { ...(await at(attested)), level, attester, round: Number(attested.args.round) };
    if (level === "ZKML") {
      trail.proofs.push({ ...base, by: "zk verifier", proofHash: attested.args.evidence });
      continue;
    }
    const enclave = await attesters.getEnclave(attester);
    const measurement = await attesters.getMeasurement(enclave.measurement);
    const batchRoot = BigInt(attested.args.evidence) === 0n ? undefined : attested.args.evidence;
    trail.proofs.push({
      ...base,
      by: batchRoot ? "enclave batch" : "enclave",
      measurement: enclave.measurement,
      measurementRevoked: measurement.revokedAt !== 0n,
      enclaveDisabled: enclave.disabledAt !== 0n,
      ...(batchRoot ? { batchRoot } : {}),
    });
  }
  const [settled] = await events((from, to) =>
    ledger.queryFilter(ledger.filters.InferenceSettled(inferenceId), from, to),
  );
  if (settled) {
    trail.settled = { ...(await at(settled)), level: levelName(settled.args.level), round: Number(settled.args.round) };
  }
  for (const refuted of await events((from, to) => ledger.queryFilter(ledger.filters.Refuted(inferenceId), from, to))) {
    trail.challenges.push({
      ...(await at(refuted)),
      level: levelName(refuted.args.level),
      attester: refuted.args.attester,
      otherOutput: refuted.args.otherOutput,
    });
  }
  const [rejected] = await events((from, to) =>
    ledger.queryFilter(ledger.filters.InferenceRejected(inferenceId), from, to),
  );
  if (rejected) {
    const [, reason, refuter] = await ledger.outcomeOf(inferenceId);
    trail.rejected = {
      ...(await at(rejected)),
      reason: RejectionReason[Number(reason)] as keyof typeof RejectionReason,
      achieved: levelName(rejected.args.achieved),
      ...(refuter !== ZeroAddress ? { refuter } : {}),
    };
  }

  const bonds = contracts.bonds ?? (await bondVaultOf(ledger));
  if (bonds) {
    const bond = await bondOf(bonds, inferenceId, trail, events, at);
    if (bond) trail.bond = bond;
  }

  if (escrow) {
    const paymentRef = trail.answered.paymentRef;
    const [opened] = await events((from, to) =>
      escrow.queryFilter(escrow.filters.RequestOpened(undefined, undefined, paymentRef), from, to),
    );
    if (opened) {
      const requestId = opened.args.requestId;
      const params = opened.args.request;
      const [released] = await events((from, to) =>
        escrow.queryFilter(escrow.filters.PaymentReleased(requestId), from, to),
      );
      const [refunded] = await events((from, to) =>
        escrow.queryFilter(escrow.filters.PaymentRefunded(requestId), from, to),
      );
      trail.payment = {
        escrow: await escrow.getAddress(),
        requestId: Number(requestId),
        requester: opened.args.requester,
        asset: params.asset,
        amount: params.amount.toString(),
        paidLevel: levelName(params.minLevel),
        opened: await at(opened),
        ...(released
          ? {
              released: {
                ...(await at(released)),
                payee: released.args.payee,
                amount: released.args.amount.toString(),
                byThisInference: released.args.inferenceId === inferenceId,
              },
            }
          : {}),
        ...(refunded
          ? {
              refunded: {
                ...(await at(refunded)),
                reason: RefundReason[Number(refunded.args.reason)] as keyof typeof RefundReason,
                amount: refunded.args.amount.toString(),
              },
            }
          : {}),
      };
    }
  }

  // Data sources, by id: name and registrant from the registration event (the registrant from the view when the
  // event is before the searched blocks).
  const sources = new Map<number, Promise<TrailDataSource>>();
  const sourceOf = (id: number) => {
    if (!sources.has(id)) {
      sources.set(
        id,
        (async () => {
          const [registered] = await events((from, to) =>
            attesters.queryFilter(attesters.filters.DataSourceRegistered(id), from, to),
          );
          if (registered) return { id, name: registered.args.name, registrant: registered.args.registrant };
          return { id, registrant: await attesters.dataSourceRegistrant(id) };
        })(),
      );
    }
    return sources.get(id)!;
  };

  if (options.input !== undefined) {
    const manifest = options.input instanceof InputCommitment ? options.input.manifest : options.input;
    const root = manifestRoot(manifest);
    if (root !== trail.answered.inputCommitment) {
      throw new TrailError(
        `the input manifest commits to ${root}, not to the record's input commitment ${trail.answered.inputCommitment}`,
      );
    }
    const domain: TypedDataDomain = attesterRegistryDomain(
      (await provider.getNetwork()).chainId,
      await attesters.getAddress(),
    );
    trail.inputParts = [];
    for (const entry of manifest) {
      const part: TrailInputPart = {
        index: Number(entry.index),
        kind: InputKind[Number(entry.kind)] as keyof typeof InputKind,
        name: entry.name,
        contentHash: entry.contentHash,
        provenance: Provenance[Number(entry.provenance)] as keyof typeof Provenance,
      };
      trail.inputParts.push(part);
      if (Number(entry.provenance) !== Provenance.SourceSigned) continue;
      if (!entry.signature) {
        part.signatureError = "no signature in the manifest";
        continue;
      }
      try {
        part.signer = sourcedDataSigner(domain, entry.contentHash, entry.signature);
      } catch (error) {
        part.signatureError = `malformed signature (${(error as Error).message})`;
        continue;
      }
      const [sourceId, revoked] = await attesters.dataSourceOfKey(part.signer);
      if (sourceId === 0n) continue;
      part.source = await sourceOf(Number(sourceId));
      part.keyRevoked = revoked;
      if (revoked) {
        const [revocation] = await events((from, to) =>
          attesters.queryFilter(attesters.filters.DataSourceKeyRevoked(sourceId, part.signer), from, to),
        );
        if (revocation) part.keyRevokedAt = await at(revocation);
      }
    }
  }

  const ledgerAddress = (await ledger.getAddress()).toLowerCase();
  const consumerLogs = (name: string) =>
    queryInRanges(
      (from, to) =>
        provider.getLogs({ fromBlock: from, toBlock: to, topics: [CONSUMED.getEvent(name)!.topicHash, inferenceId] }),
      fromBlock,
      toBlock,
    );
  const attestedUses = await consumerLogs("AttestedInputUsed");
  for (const log of await consumerLogs("InferenceConsumed")) {
    const parsed = CONSUMED.parseLog(log)!;
    if (parsed.args.ledger.toLowerCase() !== ledgerAddress) continue;
    const attestedInputs: TrailAttestedInput[] = [];
    for (const use of attestedUses) {
      // The consumer emits both in the one transaction that acts on the record.
      if (use.transactionHash !== log.transactionHash || use.address.toLowerCase() !== log.address.toLowerCase()) {
        continue;
      }
      const used = CONSUMED.parseLog(use)!;
      attestedInputs.push({
        inputIndex: Number(used.args.inputIndex),
        contentHash: used.args.contentHash,
        source: await sourceOf(Number(used.args.sourceId)),
      });
    }
    trail.consumptions.push({
      ...(await at(log)),
      consumer: log.address,
      partIndex: Number(parsed.args.partIndex),
      achieved: levelName(parsed.args.achieved),
      beforeSettlement: parsed.args.beforeSettlement,
      attestedInputs,
    });
  }

  trail.flags = flagsOf(trail);
  return trail;
}

/** The lock of `inferenceId` in `bonds`, with its events; undefined when it has none. */
async function bondOf(
  bonds: BondVault,
  inferenceId: string,
  trail: Trail,
  events: <T>(query: (from: number, to: number) => Promise<T[]>) => Promise<T[]>,
  at: (log: Log) => Promise<TrailEvent>,
): Promise<TrailBond | undefined> {
  const lock = await bonds.lockOf(inferenceId);
  const status = lockStatusName(lock.status);
  if (status === "None") return undefined;
  const [locked, released, cancelled, slashed] = await Promise.all([
    events((from, to) => bonds.queryFilter(bonds.filters.BondLocked(inferenceId), from, to)),
    events((from, to) => bonds.queryFilter(bonds.filters.BondReleased(inferenceId), from, to)),
    events((from, to) => bonds.queryFilter(bonds.filters.LockCancelled(inferenceId), from, to)),
    events((from, to) => bonds.queryFilter(bonds.filters.BondSlashed(inferenceId), from, to)),
  ]);
  const bond: TrailBond = {
    vault: await bonds.getAddress(),
    nodeId: Number(lock.nodeId),
    asset: await bonds.assetAt(lock.assetIndex),
    amount: lock.amount.toString(),
    requestId: Number(lock.requestId),
    status,
  };
  if (status === "Locked") bond.outlook = lockOutlook(trail.state, trail.rejected?.reason);
  if (locked[0]) bond.locked = await at(locked[0]);
  if (released[0]) bond.released = await at(released[0]);
  if (cancelled[0]) bond.cancelled = await at(cancelled[0]);
  if (slashed[0]) {
    const args = slashed[0].args;
    bond.slashed = {
      ...(await at(slashed[0])),
      reporter: args.reporter,
      reporterShare: args.reporterShare.toString(),
      requester: args.requester,
      requesterShare: args.requesterShare.toString(),
      protocol: await bonds.feeDestination(),
      protocolShare: args.protocolShare.toString(),
    };
  }
  return bond;
}

/** What an auditor should worry about in `trail`. */
export function flagsOf(trail: Trail): string[] {
  const flags: string[] = [];
  for (const use of trail.consumptions) {
    if (use.beforeSettlement) flags.push(`acted on before settlement by ${use.consumer} (block ${use.block})`);
  }
  if (trail.rejected?.reason === "ArtifactRevoked") {
    flags.push(`rejected: its artifact was revoked before it settled (the node did not overclaim)`);
  } else if (trail.state === "Rejected") flags.push(`claimed ${trail.claimed} but was rejected at ${trail.achieved}`);
  else if (Level[trail.achieved] < Level[trail.claimed]) {
    flags.push(`claimed ${trail.claimed}, proven only ${trail.achieved} so far`);
  }
  if (trail.artifact?.status === "Revoked") flags.push(`artifact ${trail.artifact.id} has been revoked since`);
  if (trail.artifact?.labelMovedSinceAnswer) {
    flags.push(`the model's label moved since the answer (now artifact ${trail.artifact.labelNow})`);
  }
  for (const proof of trail.proofs) {
    if (proof.measurementRevoked) flags.push(`the measurement of enclave ${proof.attester} has been revoked since`);
    if (proof.enclaveDisabled) flags.push(`enclave ${proof.attester} has been disabled since`);
  }
  for (const challenge of trail.challenges) flags.push(`refuted at ${challenge.level} by ${challenge.attester}`);
  if (trail.bond?.outlook === "slashable") {
    flags.push(
      `its node's lock of ${bondAmountText(trail.bond.amount, trail.bond.asset)} is not slashed yet: anyone may slash it`,
    );
  }
  const sourceName = (source: TrailDataSource) => `data source ${source.id}` + (source.name ? ` (${source.name})` : "");
  const revokedAt = (part: TrailInputPart) => (part.keyRevokedAt ? ` (block ${part.keyRevokedAt.block})` : "");
  for (const part of trail.inputParts ?? []) {
    if (part.provenance !== "SourceSigned") continue;
    const what = `input part ${part.index} (${part.name})`;
    if (part.signatureError) flags.push(`${what} is SourceSigned but has no data source key: ${part.signatureError}`);
    else if (!part.source)
      flags.push(`${what} is SourceSigned but its signature recovers to ${part.signer}, no data source key`);
    else if (part.keyRevoked) {
      flags.push(
        `${what}: ${sourceName(part.source)} has revoked the key ${part.signer} that signed it${revokedAt(part)}`,
      );
    }
  }
  for (const use of trail.consumptions) {
    for (const input of use.attestedInputs ?? []) {
      const part = trail.inputParts?.find((candidate) => candidate.index === input.inputIndex);
      if (!part?.keyRevoked) continue;
      flags.push(
        `${use.consumer} acted on input part ${input.inputIndex} attested by ${sourceName(input.source)} ` +
          `(block ${use.block}), whose key ${part.signer} was revoked since${revokedAt(part)}`,
      );
    }
  }
  return flags;
}

/** The table rows of a record's lock: what was locked, and what became of it. */
function bondRows(bond: TrailBond, when: (event: TrailEvent) => string): Array<[string, string]> {
  const amount = (value: string) => bondAmountText(value, bond.asset);
  const backing = bond.requestId === 0 ? "an unpaid claim" : `escrow request ${bond.requestId}`;
  const rows: Array<[string, string]> = [
    [
      "bond locked",
      `${bond.locked ? `${when(bond.locked)} ` : ""}${amount(bond.amount)} of node ${bond.nodeId}'s bond, ` +
        `backing ${backing} (vault ${bond.vault})`,
    ],
  ];
  if (bond.status === "Locked") {
    const outlook = {
      pending: "pending until the record resolves",
      releasable: "the record settled: anyone may release it to the node",
      slashable: "the record was rejected for overclaiming: anyone may slash it",
      revoked: "the artifact was revoked under the record: released, unless the node's operator published it",
    }[bond.outlook!];
    rows.push(["bond now", `Locked, ${outlook}`]);
  }
  if (bond.released) rows.push(["bond released", `${when(bond.released)} back to node ${bond.nodeId}'s free bond`]);
  if (bond.cancelled) rows.push(["bond cancelled", `${when(bond.cancelled)} never answered: back to the free bond`]);
  if (bond.slashed) {
    const s = bond.slashed;
    rows.push(
      ["bond slashed", `${when(s)} ${amount(bond.amount)}`],
      ["  to reporter", `${amount(s.reporterShare)} to ${s.reporter}`],
    );
    if (s.requester !== ZeroAddress) rows.push(["  to requester", `${amount(s.requesterShare)} to ${s.requester}`]);
    rows.push(["  to protocol", `${amount(s.protocolShare)} to ${s.protocol}`]);
  } else if (bond.status !== "Locked" && !bond.released && !bond.cancelled) {
    rows.push([`bond ${bond.status.toLowerCase()}`, "(before the searched blocks)"]);
  }
  return rows;
}

/** A table for people. */
export function formatTrail(trail: Trail): string {
  const when = (event: TrailEvent) => `${new Date(event.time * 1000).toISOString()} (block ${event.block})`;
  const rows: Array<[string, string]> = [
    ["inference", trail.inferenceId],
    ["state now", `${trail.state}: claimed ${trail.claimed}, achieved ${trail.achieved}`],
    ["answered", `${when(trail.answered)} by node ${trail.answered.nodeId} (${trail.answered.nodeKey})`],
    ["route", trail.answered.route],
  ];
  if (trail.artifact) {
    const a = trail.artifact;
    rows.push([
      "artifact",
      `${a.id} of model ${a.modelId}, ${a.status}, blob ${a.blobId}; label now at ${a.labelNow}` +
        (a.labelMovedSinceAnswer ? " (moved since)" : ""),
    ]);
  }
  if (trail.provider) rows.push(["provider", `${trail.provider.id} ${trail.provider.name}`]);
  rows.push(
    ["input", trail.answered.inputCommitment],
    ["output", trail.answered.outputCommitment],
    ["payment ref", trail.answered.paymentRef],
  );
  const source = (s: TrailDataSource) =>
    `data source ${s.id}${s.name ? ` ${s.name}` : ""} (registrant ${s.registrant})`;
  for (const part of trail.inputParts ?? []) {
    let detail = `${part.kind} ${part.name}, ${part.provenance}, content ${part.contentHash}`;
    if (part.provenance === "SourceSigned") {
      if (part.signatureError) detail += `; ${part.signatureError}`;
      else if (!part.source) detail += `; signed by ${part.signer}, NO DATA SOURCE KEY`;
      else {
        detail += `; signed by ${part.signer}, key of ${source(part.source)}`;
        if (part.keyRevoked) detail += part.keyRevokedAt ? `, KEY REVOKED ${when(part.keyRevokedAt)}` : ", KEY REVOKED";
      }
    }
    rows.push([`input part ${part.index}`, detail]);
  }
  for (const proof of trail.proofs) {
    const detail =
      proof.by === "zk verifier"
        ? `verifier ${proof.attester}, proof ${proof.proofHash}`
        : `${proof.by} ${proof.attester}, measurement ${proof.measurement}` +
          (proof.batchRoot ? `, batch root ${proof.batchRoot}` : "");
    rows.push([`proved ${proof.level}`, `${when(proof)} round ${proof.round}: ${detail}`]);
  }
  for (const challenge of trail.challenges) {
    rows.push([`refuted ${challenge.level}`, `${when(challenge)} by ${challenge.attester}: ${challenge.otherOutput}`]);
  }
  if (trail.settled)
    rows.push(["settled", `${when(trail.settled)} at ${trail.settled.level}, round ${trail.settled.round}`]);
  if (trail.rejected) {
    const by = trail.rejected.refuter ? `, refutation submitted by ${trail.rejected.refuter}` : "";
    rows.push(["rejected", `${when(trail.rejected)}: ${trail.rejected.reason}${by}`]);
  }
  if (trail.bond) rows.push(...bondRows(trail.bond, when));
  if (trail.payment) {
    const p = trail.payment;
    rows.push(["payment", `request ${p.requestId} on ${p.escrow}: ${p.amount} of ${p.asset} for ${p.paidLevel}+`]);
    if (p.released) rows.push(["released", `${when(p.released)} ${p.released.amount} to ${p.released.payee}`]);
    if (p.refunded) rows.push(["refunded", `${when(p.refunded)} ${p.refunded.amount} (${p.refunded.reason})`]);
  }
  for (const use of trail.consumptions) {
    rows.push([
      "consumed",
      `${when(use)} by ${use.consumer}, part ${use.partIndex} at ${use.achieved}` +
        (use.beforeSettlement ? " BEFORE SETTLEMENT" : ""),
    ]);
    for (const input of use.attestedInputs ?? []) {
      rows.push(["  attested input", `part ${input.inputIndex} (${input.contentHash}) from ${source(input.source)}`]);
    }
  }
  for (const flag of trail.flags) rows.push(["FLAG", flag]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}`).join("\n");
}
