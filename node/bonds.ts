/**
 * The node's bond (contracts/interfaces/IBondVault.sol): every paid answer that claims more than Vanilla locks part of
 * the node's bond in the vault before the answer, and the lock comes back when the record settles. A node that takes a
 * payment it cannot lock for could never answer it: the client would wait for the deadline and a refund. So the node
 * checks, before the x402 payment is settled, that its free bond covers the lock, less what the answers still in
 * flight will lock (`BondCover`), and refuses the request with HTTP 503 otherwise, before any money moves.
 *
 * The amount mirrors the vault's rule for a paid request: the price times `max(bondMultiple, MIN_PAID_MULTIPLE)`, in
 * the payment's asset, and at least the vault's `minimumLock` in ETH. Before payment there is no escrow request for
 * `lockRequirement` to read, so the node works it out from the offer (or from the client's signed payment, which may
 * ask for a larger multiple); after payment the vault's own `lockPaid` is the check.
 */
import { ZeroAddress } from "ethers";

import { paidLockAmount } from "../src/bonds.js";
import type { BondVault } from "../src/typechain/index.js";
import { withRetry } from "./sender.js";

export { paidLockAmount };

/** The node's free bond cannot cover an answer's lock: the request is refused before payment (HTTP 503). */
export class BondNotCovered extends Error {
  override name = "BondNotCovered";
  readonly status = 503;
  constructor(
    readonly nodeId: bigint,
    readonly asset: string,
    readonly required: bigint,
    readonly free: bigint,
    readonly held: bigint,
  ) {
    super(
      `node ${nodeId} cannot bond this answer now: it locks ${required} of ${asset === ZeroAddress ? "ETH" : asset} ` +
        `and the node's free bond is ${free}, of which ${held} is held for answers in flight. Nothing was charged; ` +
        "try again later or ask another node",
    );
  }
}

/** One amount the node holds back from its free bond until the lock it stands for is on the chain. */
interface Hold {
  asset: string;
  amount: bigint;
}

/**
 * The node's free bond, less what answers in flight will lock. A hold is taken before a payment is settled (keyed by
 * the request), moves to the job once the job is stored, and is dropped once the lock is on the chain (the vault's
 * free bond then counts it) or the job ends without one.
 */
export class BondCover {
  private readonly holds = new Map<string, Hold>();

  constructor(
    private readonly bonds: () => BondVault,
    readonly nodeId: bigint,
    readonly minimumLock: bigint,
  ) {}

  /** How much of `asset` the holds keep back. */
  held(asset: string): bigint {
    let total = 0n;
    for (const hold of this.holds.values()) if (hold.asset === asset) total += hold.amount;
    return total;
  }

  /** The node's free bond in `asset` on the chain now. */
  async free(asset: string): Promise<bigint> {
    const bond = await withRetry("bond", () => this.bonds().bondOf(this.nodeId, asset));
    return bond.free;
  }

  /**
   * Throws `BondNotCovered` unless the free bond, less the holds, covers `amount` of `asset`; with `key`, holds it
   * (the check and the hold happen together after the one chain read, so two requests never both take the last of it).
   */
  async cover(asset: string, amount: bigint, key?: string): Promise<void> {
    const free = await this.free(asset);
    const held = this.held(asset);
    if (free < held + amount) throw new BondNotCovered(this.nodeId, asset, amount, free, held);
    if (key !== undefined) this.holds.set(key, { asset, amount });
  }

  /** Holds `amount` of `asset` under `key` without a check (a job found in flight at start). */
  hold(key: string, asset: string, amount: bigint): void {
    this.holds.set(key, { asset, amount });
  }

  /** Moves the hold under `from` to `to` (a paid request became a job); nothing when there is none. */
  move(from: string, to: string): void {
    const hold = this.holds.get(from);
    if (hold === undefined) return;
    this.holds.delete(from);
    this.holds.set(to, hold);
  }

  /** Drops the hold under `key`, if any. */
  drop(key: string): void {
    this.holds.delete(key);
  }
}

/** The key a job's hold goes by. */
export const jobHold = (jobId: number) => `job:${jobId}`;
