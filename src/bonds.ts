/**
 * Node bonds as auditors and reviewers read them (contracts/interfaces/IBondVault.sol): the vault a ledger names, a
 * node's bond per asset, what a record's lock can still become, and amounts in words. The trail (`trail.ts`) reads a
 * record's lock and its events with these; the review panel shows them.
 */
import { Contract, ZeroAddress, formatEther, formatUnits, type Provider } from "ethers";

import { BOND_VAULT, LockStatus } from "./constants.js";
import { readRequest, requestIdOf, type EscrowRequest } from "./escrow.js";
import { queryInRanges } from "./logs.js";
import {
  BondVault__factory,
  InferenceEscrow__factory,
  type BondVault,
  type InferenceLedger,
} from "./typechain/index.js";

/**
 * What a paid answer locks, as the vault's `lock` sizes it: `price * max(bondMultiple, MIN_PAID_MULTIPLE)` in the
 * request's `asset`, and at least `minimumLock` in ETH. For a client or node that must know it before the escrow
 * request exists (a node checks it before taking an x402 payment); once the request is open, the vault's
 * `lockRequirement` says it.
 */
export function paidLockAmount(price: bigint, asset: string, bondMultiple: number, minimumLock: bigint): bigint {
  const multiple =
    BigInt(bondMultiple) > BOND_VAULT.MIN_PAID_MULTIPLE ? BigInt(bondMultiple) : BOND_VAULT.MIN_PAID_MULTIPLE;
  const amount = price * multiple;
  return asset === ZeroAddress && amount < minimumLock ? minimumLock : amount;
}

/** The escrow `bonds` is bound to, connected to the vault's runner. */
async function boundEscrow(bonds: BondVault) {
  const [, escrow] = await bonds.bound();
  return InferenceEscrow__factory.connect(escrow, bonds.runner);
}

/**
 * Locks the bond for `inferenceId`, answered with `paymentRef`, the way the vault takes it: `lockPaid` with the
 * request for a payment reference of the vault's escrow (the request as opened: `request`, or read from the escrow's
 * `RequestOpened` log), `lock` for any other reference. Sent from `bonds`' runner (the node key or its operator).
 */
export async function lockForAnswer(
  bonds: BondVault,
  inferenceId: string,
  paymentRef: string,
  request?: EscrowRequest,
) {
  const escrow = await boundEscrow(bonds);
  const requestId = requestIdOf(paymentRef, await escrow.getAddress());
  if (requestId === undefined || requestId === 0n) return bonds.lock(inferenceId, paymentRef);
  return bonds.lockPaid(inferenceId, requestId, request ?? (await readRequest(escrow, requestId)));
}

/**
 * Slashes the lock of `inferenceId` the way the vault takes it: `slashPaid` with the escrow request it backs (read
 * from the escrow's `RequestOpened` log) for a paid lock, `slash` otherwise. Anyone may send it.
 */
export async function slashLock(bonds: BondVault, inferenceId: string) {
  const { requestId } = await bonds.lockOf(inferenceId);
  if (requestId === 0n) return bonds.slash(inferenceId);
  return bonds.slashPaid(inferenceId, await readRequest(await boundEscrow(bonds), requestId));
}

/** A lock's status by name (`IBondVault.LockStatus`). */
export type LockStatusName = keyof typeof LockStatus;

/** The name of `status` as the vault returns it. */
export const lockStatusName = (status: bigint | number) => LockStatus[Number(status)] as LockStatusName;

/**
 * The bond vault `ledger` names (`bondVault()`), connected to the ledger's runner; undefined for a ledger without one
 * (a deployment from before bonds).
 */
export async function bondVaultOf(ledger: InferenceLedger): Promise<BondVault | undefined> {
  let address: string;
  try {
    address = await ledger.bondVault();
  } catch {
    return undefined;
  }
  return address === ZeroAddress ? undefined : BondVault__factory.connect(address, ledger.runner);
}

/** An asset's symbol and decimals, for amounts in words (ETH is `address(0)`). */
export interface BondAsset {
  address: string;
  symbol: string;
  decimals: number;
}

export const ETH_ASSET: BondAsset = { address: ZeroAddress, symbol: "ETH", decimals: 18 };

/**
 * `amount` of `asset` in words: `0.02 ETH`; for a token, in its units when its symbol and decimals are known
 * (`5 USDC`), else as base units of its address.
 */
export function bondAmountText(amount: bigint | string, asset: string | BondAsset): string {
  const value = BigInt(amount);
  if (typeof asset !== "string") {
    return asset.address === ZeroAddress
      ? `${formatEther(value)} ETH`
      : `${formatUnits(value, asset.decimals)} ${asset.symbol}`;
  }
  return asset === ZeroAddress ? `${formatEther(value)} ETH` : `${value} units of ${asset}`;
}

const TOKEN_METADATA = ["function symbol() view returns (string)", "function decimals() view returns (uint8)"] as const;

/**
 * `address`'s symbol and decimals as the token reports them (anyone's code: display them escaped); base units of the
 * address when it does not answer.
 */
export async function bondAssetOf(provider: Provider, address: string): Promise<BondAsset> {
  if (address === ZeroAddress) return ETH_ASSET;
  const token = new Contract(address, TOKEN_METADATA, provider);
  try {
    const [symbol, decimals] = await Promise.all([token.symbol(), token.decimals()]);
    return { address, symbol: String(symbol).slice(0, 32), decimals: Math.min(Number(decimals), 77) };
  } catch {
    return { address, symbol: `units of ${address}`, decimals: 0 };
  }
}

/** A node's bond in one asset (`IBondVault.Bond`), amounts as decimal strings of base units. */
export interface NodeBond {
  asset: BondAsset;
  free: string;
  locked: string;
  unbonding: string;
  /** When the unbonding amount may be withdrawn (0 while none is unbonding). */
  unbondsAt: number;
}

/**
 * Node `nodeId`'s bond in ETH and in every asset anyone deposited for it (its `BondDeposited` events from `fromBlock`
 * to `toBlock`).
 */
export async function nodeBonds(
  vault: BondVault,
  nodeId: number | bigint,
  fromBlock: number,
  toBlock: number,
): Promise<NodeBond[]> {
  const deposits = await queryInRanges(
    (from, to) => vault.queryFilter(vault.filters.BondDeposited(nodeId), from, to),
    fromBlock,
    toBlock,
  );
  const addresses = [ZeroAddress, ...new Set(deposits.map((d) => d.args.asset).filter((a) => a !== ZeroAddress))];
  const provider = vault.runner!.provider!;
  return Promise.all(
    addresses.map(async (address) => {
      const [asset, bond] = await Promise.all([bondAssetOf(provider, address), vault.bondOf(nodeId, address)]);
      return {
        asset,
        free: bond.free.toString(),
        locked: bond.locked.toString(),
        unbonding: bond.unbonding.toString(),
        unbondsAt: Number(bond.unbondsAt),
      };
    }),
  );
}

/**
 * What a live (Locked) lock can still become, from its record's state and rejection reason (`outcomeOf`): the vault's
 * rules in words. Pending until the record resolves; releasable once settled; slashable once rejected for a missed
 * deadline or a refutation; a record rejected because its artifact was revoked is released, unless the node's operator
 * published that artifact (then slashed).
 */
export function lockOutlook(state: string, reason?: string): "pending" | "releasable" | "slashable" | "revoked" {
  if (state === "Settled") return "releasable";
  if (state === "Rejected") return reason === "ArtifactRevoked" ? "revoked" : "slashable";
  return "pending";
}
