/**
 * A node operator's bond in the vault (contracts/interfaces/IBondVault.sol, docs/NODE.md "Bonds"):
 *
 * - `./proofline bond:deposit --asset eth|usdc|<token> --amount <n>`: adds to a node's free bond (anyone may top up
 *   any node; `--amount` in the asset's own units, `1.5` ETH or `100` USDC).
 * - `./proofline bond:status`: the node's bond per asset: free, locked (backing pending claims) and unbonding.
 * - `./proofline bond:unbond --asset <asset> --amount <n>`: the operator starts taking free bond out (`--cancel` puts
 *   what is unbonding back); `./proofline bond:withdraw --asset <asset>` sends it once the unbonding period has passed
 *   (`--credit` withdraws the signer's slash credit instead).
 * - `./proofline bond:release <inferenceId>`: gives a settled record's lock back to its node (anyone may).
 * - `./proofline bond:slash <inferenceId>`: slashes the lock of a record rejected for a missed deadline or refuted
 *   (anyone may, once): half to the reporter, 30% to a paying requester, the rest to the fee destination.
 *
 * The node is `--node <id>`, by default the node of the first of the network's accounts that is an active node key;
 * the operator's steps are signed by `--signer`, by default the node's operator among the network's accounts.
 */
import { Contract, ZeroAddress, getAddress, parseUnits, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { ETH_ASSET, bondAmountText, bondAssetOf, nodeBonds, slashLock, type BondAsset } from "../../src/bonds.js";
import { findDeployed } from "../../src/deployments.js";
import { LockStatus } from "../../src/constants.js";
import { RecordState } from "../../src/ledger.js";
import { headBlock } from "../../src/logs.js";
import { Proofline, type DeploymentArgs } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { address, at, duration, inferenceId as parseInferenceId, whole } from "./lib/parse.js";
import { eventNamed, send } from "./lib/records.js";

const ERC20_ABI = [
  "function approve(address spender, uint256 amount) returns (bool)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function balanceOf(address owner) view returns (uint256)",
];

type Asset = BondAsset;
const ETH = ETH_ASSET;

/** `amount` of `asset`, as people read it: `1.5 ETH`. */
export const amountText = (amount: bigint, asset: Asset): string => bondAmountText(amount, asset);

/** The deployment's payment token (Ignition's `USDC` on a live network, `TestUSDC` on a local one). */
function paymentToken(ctx: Proofline): string | undefined {
  return findDeployed(ctx.addresses, "TestUSDC") ?? findDeployed(ctx.addresses, "USDC");
}

/** The asset at `token` (its symbol and decimals read from it). */
export async function tokenAsset(ctx: Proofline, token: string): Promise<Asset> {
  if (token === ZeroAddress) return ETH;
  if ((await ctx.ethers.provider.getCode(token)) === "0x") fail(`--asset ${token} has no code: not a token`);
  return bondAssetOf(ctx.ethers.provider, getAddress(token));
}

/** `--asset`: eth, usdc (the deployment's payment token) or a token address. */
async function parseAsset(ctx: Proofline, spec: string): Promise<Asset> {
  const lower = spec.toLowerCase();
  if (lower === "") fail("pass --asset eth, usdc or a token address");
  if (lower === "eth") return ETH;
  if (lower === "usdc") {
    const token = paymentToken(ctx);
    if (token === undefined) fail(`deploy/deployments/${ctx.deploymentId} records no payment token: pass its address`);
    return tokenAsset(ctx, token);
  }
  return tokenAsset(ctx, address(spec, "--asset"));
}

/** `--amount` in the asset's units (`1.5`), more than zero. */
function parseAmount(spec: string, asset: Asset): bigint {
  if (!/^\d+(\.\d+)?$/.test(spec.trim())) {
    fail(`--amount must be a positive number of ${asset.symbol} (e.g. 1.5); got "${spec}"`);
  }
  let amount: bigint;
  try {
    amount = parseUnits(spec.trim(), asset.decimals);
  } catch {
    fail(`--amount ${spec}: ${asset.symbol} has ${asset.decimals} decimals`);
  }
  if (amount === 0n) fail("--amount must be more than zero");
  return amount;
}

/** The node: `--node <id>`, else the node of the first network account that is an active node key. */
async function nodeOf(ctx: Proofline, spec: string): Promise<{ nodeId: bigint; operator: string; key: string }> {
  const attesters = await ctx.attesters();
  let nodeId: bigint;
  if (spec !== "") {
    nodeId = whole(spec, "--node", 1n, 2n ** 32n - 1n);
  } else {
    const key = await ctx.findAccount(async (account) => (await attesters.activeNodeId(account)) !== 0n);
    if (key === undefined) {
      fail(`none of network ${ctx.networkName}'s accounts is an active node key: pass --node <node id>`);
    }
    nodeId = await attesters.activeNodeId(await key.getAddress());
  }
  const node = await attesters.getNode(nodeId).catch(() => fail(`node ${nodeId} is not registered`));
  if (node.key === ZeroAddress) fail(`node ${nodeId} is not registered`);
  return { nodeId, operator: node.operator, key: node.key };
}

/** The signer of an operator-only step: `--signer`, else the node's operator among the network's accounts. */
async function operatorSigner(ctx: Proofline, spec: string, operator: string): Promise<Signer> {
  if (spec !== "") return ctx.account(spec, "--signer");
  const found = await ctx.findAccount(async (account) => account === getAddress(operator));
  if (found === undefined) {
    fail(
      `only the node's operator ${operator} may do this, and it is not one of network ${ctx.networkName}'s accounts`,
    );
  }
  return found;
}

/** ETH and every asset anyone deposited for the node (its deposit events since the deployment). */
async function depositedAssets(ctx: Proofline, nodeId: bigint): Promise<Asset[]> {
  const latest = await headBlock(ctx.ethers.provider);
  return (await nodeBonds(await ctx.bonds(), nodeId, ctx.startBlock, latest)).map((bond) => bond.asset);
}

/** One line per asset: free, locked and unbonding (and when that may be withdrawn). */
async function printBond(ctx: Proofline, nodeId: bigint, assets: Asset[]): Promise<void> {
  const bonds = await ctx.bonds();
  const now = await ctx.now();
  for (const asset of assets) {
    const bond = await bonds.bondOf(nodeId, asset.address);
    const unbonding =
      bond.unbonding === 0n
        ? "nothing unbonding"
        : `${amountText(bond.unbonding, asset)} unbonding, withdrawable ${bond.unbondsAt <= now ? "now" : `from ${at(bond.unbondsAt)}`}`;
    console.log(
      `  ${asset.symbol.padEnd(5)} free ${amountText(bond.free, asset)}, locked ${amountText(bond.locked, asset)}, ${unbonding}`,
    );
  }
}

interface NodeBondArgs extends DeploymentArgs {
  node: string;
  signer: string;
}

interface AssetArgs extends NodeBondArgs {
  asset: string;
  amount: string;
}

async function deposit(args: AssetArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const asset = await parseAsset(ctx, args.asset);
  const amount = parseAmount(args.amount, asset);
  const { nodeId } = await nodeOf(ctx, args.node);
  const from = await ctx.account(args.signer, "--signer", 0);
  const fromAddress = await from.getAddress();
  const bonds = await ctx.bonds(from);
  const vault = await bonds.getAddress();
  if (asset.address === ZeroAddress) {
    await send(bonds, bonds.deposit(nodeId, ZeroAddress, amount, { value: amount }));
  } else {
    const token = new Contract(asset.address, ERC20_ABI, from);
    const balance = (await token.balanceOf(fromAddress)) as bigint;
    if (balance < amount)
      fail(`${fromAddress} holds ${amountText(balance, asset)}, less than ${amountText(amount, asset)}`);
    if (((await token.allowance(fromAddress, vault)) as bigint) < amount) {
      await (await (token.approve(vault, amount) as Promise<{ wait(): Promise<unknown> }>)).wait();
    }
    await send(bonds, bonds.deposit(nodeId, asset.address, amount));
  }
  console.log(`deposited ${amountText(amount, asset)} into node ${nodeId}'s bond, from ${fromAddress}`);
  await printBond(ctx, nodeId, [asset]);
  console.log(`  each paid answer above Vanilla locks twice its price; see ${ctx.command("bond:status")}`);
}

async function status(args: DeploymentArgs & { node: string }, hre: HardhatRuntimeEnvironment): Promise<void> {
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const { nodeId, operator, key } = await nodeOf(ctx, args.node);
  const bonds = await ctx.bonds();
  const [minimumLock, period, multiple] = await Promise.all([
    bonds.minimumLock(),
    bonds.UNBONDING_PERIOD(),
    bonds.MIN_PAID_MULTIPLE(),
  ]);
  console.log(`node ${nodeId} (key ${key}, operated by ${operator}), bond in vault ${await bonds.getAddress()}:`);
  await printBond(ctx, nodeId, await depositedAssets(ctx, nodeId));
  console.log(
    `  a paid answer above Vanilla locks ${multiple}x its price (or the multiple its requester asked for) in the ` +
      `payment's asset; an unpaid one locks ${amountText(minimumLock, ETH)}`,
  );
  console.log(`  unbonding takes ${duration(BigInt(period))}`);
}

interface UnbondArgs extends AssetArgs {
  cancel: boolean;
}

async function unbond(args: UnbondArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const asset = await parseAsset(ctx, args.asset);
  const { nodeId, operator } = await nodeOf(ctx, args.node);
  const signer = await operatorSigner(ctx, args.signer, operator);
  const bonds = await ctx.bonds(signer);
  if (args.cancel) {
    const { events } = await send(bonds, bonds.cancelUnbonding(nodeId, asset.address));
    const amount = eventNamed(events, "UnbondingCancelled").args.amount as bigint;
    console.log(`node ${nodeId}: ${amountText(amount, asset)} back from unbonding to the free bond`);
    await printBond(ctx, nodeId, [asset]);
    return;
  }
  const amount = parseAmount(args.amount, asset);
  const { events } = await send(bonds, bonds.beginUnbonding(nodeId, asset.address, amount));
  const started = eventNamed(events, "UnbondingStarted").args;
  console.log(`node ${nodeId}: ${amountText(amount, asset)} of its free bond is unbonding`);
  console.log(
    `  ${amountText(started.amount as bigint, asset)} unbonding in all (the clock restarted), withdrawable from ` +
      `${at(started.unbondsAt as bigint)}; locked bond stays until its records resolve`,
  );
  const wait = (started.unbondsAt as bigint) - (await ctx.now());
  console.log(`next: ${ctx.command("bond:withdraw", `--asset ${args.asset}`)} from then (${ctx.waitHint(wait)})`);
}

interface WithdrawArgs extends NodeBondArgs {
  asset: string;
  to: string;
  credit: boolean;
}

async function withdraw(args: WithdrawArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const asset = await parseAsset(ctx, args.asset);
  if (args.credit) {
    const signer = await ctx.account(args.signer, "--signer", 0);
    const account = await signer.getAddress();
    const to = args.to === "" ? account : address(args.to, "--to");
    const bonds = await ctx.bonds(signer);
    const credit = await bonds.creditOf(account, asset.address);
    if (credit === 0n) fail(`${account} has no slash credit in ${asset.symbol}`);
    await send(bonds, bonds.withdrawCredit(asset.address, to));
    console.log(`withdrew ${amountText(credit, asset)} of slash credit of ${account} to ${to}`);
    return;
  }
  const { nodeId, operator } = await nodeOf(ctx, args.node);
  const signer = await operatorSigner(ctx, args.signer, operator);
  const to = args.to === "" ? await signer.getAddress() : address(args.to, "--to");
  const bonds = await ctx.bonds(signer);
  const bond = await bonds.bondOf(nodeId, asset.address);
  if (bond.unbonding === 0n) {
    fail(`node ${nodeId} has nothing of ${asset.symbol} unbonding: ${ctx.command("bond:unbond", "--help")}`);
  }
  const now = await ctx.now();
  if (now < bond.unbondsAt) {
    fail(
      `node ${nodeId}'s ${amountText(bond.unbonding, asset)} unbonds at ${at(bond.unbondsAt)}, ` +
        `${duration(bond.unbondsAt - now)} from now: ${ctx.waitHint(bond.unbondsAt - now)}`,
    );
  }
  await send(bonds, bonds.withdrawUnbonded(nodeId, asset.address, to));
  console.log(`node ${nodeId}: withdrew ${amountText(bond.unbonding, asset)} of unbonded bond to ${to}`);
  await printBond(ctx, nodeId, [asset]);
}

interface LockArgs extends DeploymentArgs {
  inferenceId: string;
  signer: string;
}

/** The lock of `inferenceId`, with its asset; fails when there is none. */
async function lockOf(ctx: Proofline, inferenceId: string) {
  const bonds = await ctx.bonds();
  const lock = await bonds.lockOf(inferenceId);
  if (Number(lock.status) === LockStatus.None)
    fail(`inference ${inferenceId} has no lock: nothing to release or slash`);
  const asset = await tokenAsset(ctx, await bonds.assetAt(lock.assetIndex));
  return { lock, asset, status: Number(lock.status) as LockStatus };
}

async function release(args: LockArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const inferenceId = parseInferenceId(args.inferenceId);
  const { lock, asset, status } = await lockOf(ctx, inferenceId);
  const amount = amountText(lock.amount, asset);
  if (status !== LockStatus.Locked) {
    console.log(`inference ${inferenceId}: its lock of ${amount} is already ${LockStatus[status]}: nothing to do`);
    return;
  }
  const signer = await ctx.account(args.signer, "--signer", 0);
  const bonds = await ctx.bonds(signer);
  await send(bonds, bonds.release(inferenceId));
  console.log(`inference ${inferenceId}: released its lock of ${amount} to node ${lock.nodeId}'s free bond`);
  await printBond(ctx, BigInt(lock.nodeId), [asset]);
}

async function slash(args: LockArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const inferenceId = parseInferenceId(args.inferenceId);
  const { lock, asset, status } = await lockOf(ctx, inferenceId);
  if (status !== LockStatus.Locked) {
    fail(`inference ${inferenceId}: its lock of ${amountText(lock.amount, asset)} is already ${LockStatus[status]}`);
  }
  const ledger = await ctx.ledger();
  const [state] = await ledger.settlementOf(inferenceId);
  if (Number(state) !== RecordState.Rejected) {
    fail(
      `inference ${inferenceId} is ${RecordState[Number(state)]}: only a record rejected for a missed deadline or ` +
        `refuted can be slashed${Number(state) === RecordState.Answered ? ` (past its deadline: ${ctx.command("reject", inferenceId)})` : ""}`,
    );
  }
  const signer = await ctx.account(args.signer, "--signer", 0);
  const bonds = await ctx.bonds(signer);
  // `slashPaid` with the escrow request a paid lock backs (from the escrow's log), else `slash`.
  const { events } = await send(bonds, slashLock(bonds, inferenceId));
  const slashed = eventNamed(events, "BondSlashed").args;
  console.log(`inference ${inferenceId}: slashed node ${lock.nodeId}'s lock of ${amountText(lock.amount, asset)}`);
  console.log(`  ${amountText(slashed.reporterShare as bigint, asset)} to the reporter ${slashed.reporter}`);
  if ((slashed.requesterShare as bigint) > 0n) {
    console.log(`  ${amountText(slashed.requesterShare as bigint, asset)} to the requester ${slashed.requester}`);
  }
  console.log(`  ${amountText(slashed.protocolShare as bigint, asset)} to the fee destination`);
  const symbol = asset.address === ZeroAddress ? "eth" : asset.address;
  console.log(
    `each withdraws its share: ${ctx.command("bond:withdraw", `--credit --asset ${symbol}`, "--signer <account>")}`,
  );
}

export const depositTask = taskAction(deposit);
export const statusTask = taskAction(status);
export const unbondTask = taskAction(unbond);
export const withdrawTask = taskAction(withdraw);
export const releaseTask = taskAction(release);
export const slashTask = taskAction(slash);
