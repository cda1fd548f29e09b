import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { Contract, type ContractRunner, type Provider } from "ethers";

import { headBlock, queryInRanges } from "./logs.js";
import { RoleWiring, Roles, roleName, type RoleName, type WiredContract } from "./roles.js";
import { selectors } from "./selectors.js";

/** Where Hardhat's `paths.ignition` points in this repository: modules, parameters and deployments live under it. */
export const IGNITION_DIR = "deploy";

/**
 * The parameters file of a network: `deploy/parameters/<network name>.json`, with `default` the built-in network
 * (Hardhat 3's name for it). An absolute path, the form `ignition.deploy` takes for its `parameters` option.
 */
export function parametersFile(networkName: string, ignitionDir = IGNITION_DIR): string {
  return resolve(ignitionDir, "parameters", `${networkName}.json`);
}

/** A parameters file as Ignition reads it: module id (or `$global`) -> parameter name -> value. */
export type DeploymentParameters = Record<string, Record<string, unknown>>;

/** The parameters of a network (`deploy/parameters/<network name>.json`), parsed. */
export function readParameters(networkName: string, ignitionDir = IGNITION_DIR): DeploymentParameters {
  return JSON.parse(readFileSync(parametersFile(networkName, ignitionDir), "utf8")) as DeploymentParameters;
}

/** Networks whose deployments guard real value: their parameters must keep every trust-raising power delayed. */
export const LIVE_NETWORKS = ["baseSepolia", "base"] as const;

/**
 * What is wrong with a live network's parameters, as sentences (none: fine). ADMIN can grant itself TRUST_ADMIN, so
 * an admin delay shorter than the trust-admin delay would let trust rise without the trust admin's full delay; both
 * delays must be set, and at least a day.
 */
export function liveParameterProblems(parameters: DeploymentParameters): string[] {
  const global = parameters.$global ?? {};
  const adminDelay = Number(global.adminDelay ?? 0);
  const trustAdminDelay = Number(global.trustAdminDelay ?? 0);
  const problems: string[] = [];
  if (trustAdminDelay < 86_400)
    problems.push(`trustAdminDelay is ${trustAdminDelay} s: at least one day on a live network`);
  if (adminDelay < trustAdminDelay) {
    problems.push(
      `adminDelay (${adminDelay} s) is shorter than trustAdminDelay (${trustAdminDelay} s): ADMIN could grant itself ` +
        "TRUST_ADMIN and raise trust without the full delay",
    );
  }
  return problems;
}

/** Ignition's default deployment id for a chain, `chain-<chainId>`: the folder its journal and addresses go to. */
export function defaultDeploymentId(chainId: bigint | number): string {
  return `chain-${chainId}`;
}

/**
 * The addresses Ignition recorded for a deployment (`<ignitionDir>/deployments/<id>/deployed_addresses.json`), keyed
 * by future id (`<Module>#<Contract>`); empty when there is no such deployment.
 */
export function readDeployedAddresses(deploymentId: string, ignitionDir = IGNITION_DIR): Record<string, string> {
  const file = join(ignitionDir, "deployments", deploymentId, "deployed_addresses.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>) : {};
}

/**
 * The block of a deployment's first confirmed transaction, from Ignition's journal
 * (`<ignitionDir>/deployments/<id>/journal.jsonl`): where event searches over the deployment's contracts can start,
 * instead of block 0, which public RPC endpoints often refuse to scan. `undefined` without a journal.
 */
export function deploymentStartBlock(deploymentId: string, ignitionDir = IGNITION_DIR): number | undefined {
  const file = join(ignitionDir, "deployments", deploymentId, "journal.jsonl");
  if (!existsSync(file)) return undefined;
  let first: number | undefined;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.includes('"receipt"')) continue;
    const block = (JSON.parse(line) as { receipt?: { blockNumber?: number } }).receipt?.blockNumber;
    if (typeof block === "number" && (first === undefined || block < first)) first = block;
  }
  return first;
}

/** The first address recorded under any of `contractName`'s future ids (`<any module>#<contractName>`). */
export function findDeployed(addresses: Record<string, string>, contractName: string): string | undefined {
  const key = Object.keys(addresses).find((futureId) => futureId.split("#")[1] === contractName);
  return key === undefined ? undefined : addresses[key];
}

const ACCESS_MANAGER_ABI = [
  "event RoleGranted(uint64 indexed roleId, address indexed account, uint32 delay, uint48 since, bool newMember)",
  "function hasRole(uint64 roleId, address account) view returns (bool isMember, uint32 executionDelay)",
  "function getRoleGuardian(uint64 roleId) view returns (uint64)",
  "function getTargetFunctionRole(address target, bytes4 selector) view returns (uint64)",
  "function isTargetClosed(address target) view returns (bool)",
];

/** One account holding one role now, as the AccessManager reports it. */
export interface RoleHolder {
  role: string;
  roleId: bigint;
  account: string;
  /** Seconds the holder must wait between scheduling and executing a call of this role (0: immediate). */
  executionDelay: bigint;
  /** The role that may cancel this role's scheduled calls ("ADMIN" unless set). */
  guardian: string;
}

/** One restricted function: the role the deployment wired it to, against the one `RoleWiring` says it should have. */
export interface FunctionRole {
  contract: WiredContract;
  address: string;
  signature: string;
  role: string;
  expected: string;
  ok: boolean;
}

/** Who holds what in a deployment: every role holder, every restricted function, and the powers outside roles. */
export interface RoleReport {
  accessManager: string;
  holders: RoleHolder[];
  functions: FunctionRole[];
  /** Closed targets refuse every restricted call (an AccessManager-wide emergency stop). */
  closedTargets: string[];
  /** Powers that are not AccessManager roles: the market's fee destination, the test token's minter. */
  other: { what: string; account: string }[];
  /** True when every restricted function is wired as `RoleWiring` says. */
  wiredAsSpecified: boolean;
  /** What an auditor should look at in the role set-up, as sentences (none: nothing found). */
  warnings: string[];
}

/**
 * Reads who holds what from chain data: role holders from the AccessManager's `RoleGranted` events, each confirmed
 * (and its execution delay read) with `hasRole`, so revoked and renounced holders drop out; every restricted
 * function's role with `getTargetFunctionRole`; the market's fee destination and the test token's owner.
 *
 * `contracts` maps contract names (as in `RoleWiring`, plus `TwinMarket` and `TestUSDC`) to addresses; missing
 * ones are skipped. `fromBlock` bounds the event search on long chains; a range the endpoint refuses is split.
 */
export async function readRoles(
  runner: ContractRunner & { provider: Provider | null },
  accessManager: string,
  contracts: Partial<Record<string, string>>,
  fromBlock = 0,
): Promise<RoleReport> {
  const manager = new Contract(accessManager, ACCESS_MANAGER_ABI, runner);
  const toBlock = await headBlock(runner.provider!);
  const grants = await queryInRanges(
    (from, to) => manager.queryFilter(manager.filters.RoleGranted(), from, to),
    fromBlock,
    toBlock,
  );
  const seen = new Set<string>();
  const holders: RoleHolder[] = [];
  for (const grant of grants) {
    if (!("args" in grant)) continue;
    const [roleId, account] = [grant.args.roleId as bigint, grant.args.account as string];
    const key = `${roleId}:${account}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const [isMember, executionDelay] = (await manager.hasRole(roleId, account)) as [boolean, bigint];
    if (!isMember) continue;
    const guardian = roleName((await manager.getRoleGuardian(roleId)) as bigint);
    holders.push({ role: roleName(roleId), roleId, account, executionDelay, guardian });
  }
  holders.sort((a, b) => (a.roleId === b.roleId ? a.account.localeCompare(b.account) : a.roleId < b.roleId ? -1 : 1));

  const functions: FunctionRole[] = [];
  const closedTargets: string[] = [];
  // RoleWiring is a literal object: its keys are exactly the wired contracts.
  for (const contract of Object.keys(RoleWiring) as WiredContract[]) {
    const byRole: Partial<Record<RoleName, readonly string[]>> = RoleWiring[contract];
    const address = contracts[contract];
    if (address === undefined) continue;
    if ((await manager.isTargetClosed(address)) as boolean) closedTargets.push(address);
    for (const [expected, signatures] of Object.entries(byRole)) {
      for (const signature of signatures) {
        const role = roleName((await manager.getTargetFunctionRole(address, selectors([signature])[0])) as bigint);
        functions.push({ contract, address, signature, role, expected, ok: role === expected });
      }
    }
  }

  const other: RoleReport["other"] = [];
  if (contracts.TwinMarket !== undefined) {
    const market = new Contract(
      contracts.TwinMarket,
      ["function fees() view returns (uint256, uint256, address destination)"],
      runner,
    );
    other.push({ what: "TwinMarket fee destination", account: ((await market.fees()) as [bigint, bigint, string])[2] });
  }
  if (contracts.TestUSDC !== undefined) {
    const token = new Contract(contracts.TestUSDC, ["function owner() view returns (address)"], runner);
    other.push({ what: "TestUSDC minter (owner)", account: (await token.owner()) as string });
  }
  return {
    accessManager,
    holders,
    functions,
    closedTargets,
    other,
    wiredAsSpecified: functions.every((entry) => entry.ok),
    warnings: roleWarnings(holders),
  };
}

/**
 * Role set-ups that let trust rise faster than TRUST_ADMIN's delay: an ADMIN can grant itself TRUST_ADMIN, so an ADMIN
 * whose execution delay is shorter than the shortest TRUST_ADMIN delay bypasses it.
 */
export function roleWarnings(holders: RoleHolder[]): string[] {
  const trustDelays = holders.filter((holder) => holder.roleId === Roles.TRUST_ADMIN).map((h) => h.executionDelay);
  if (trustDelays.length === 0) return [];
  const trustDelay = trustDelays.reduce((a, b) => (a < b ? a : b));
  return holders
    .filter((holder) => holder.roleId === Roles.ADMIN && holder.executionDelay < trustDelay)
    .map(
      (admin) =>
        `ADMIN ${admin.account} acts after ${admin.executionDelay} s, less than TRUST_ADMIN's ${trustDelay} s: it can ` +
        "grant itself TRUST_ADMIN and raise trust without the full delay",
    );
}

/** Whether `account` holds any AccessManager role in the report (a deployer should not, after a system deployment). */
export function holdsAnyRole(report: RoleReport, account: string): boolean {
  return report.holders.some((holder) => holder.account.toLowerCase() === account.toLowerCase());
}

/** The contracts a deployment recorded, by contract name, for `readRoles` (e.g. `InferenceLedger`, `TestUSDC`). */
export function contractsOf(addresses: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(addresses).map(([futureId, address]) => [futureId.split("#")[1], address]));
}

/** The report as text: contracts and addresses, role holders with delays, restricted functions, other powers. */
export function formatRoleReport(title: string, addresses: Record<string, string>, report: RoleReport): string {
  const pad = (cells: string[], widths: number[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const lines = [title, "", "contracts"];
  for (const [futureId, address] of Object.entries(addresses)) lines.push(`  ${pad([futureId, address], [36, 42])}`);
  lines.push("", "role holders (AccessManager " + report.accessManager + ")");
  lines.push(`  ${pad(["role", "holder", "execution delay", "can be cancelled by"], [12, 42, 16, 20])}`);
  for (const holder of report.holders) {
    lines.push(
      `  ${pad([holder.role, holder.account, `${holder.executionDelay} s`, holder.guardian], [12, 42, 16, 20])}`,
    );
  }
  lines.push("", "restricted functions");
  for (const entry of report.functions) {
    const status = entry.ok ? "" : `  WIRED TO ${entry.role}, EXPECTED ${entry.expected}`;
    lines.push(`  ${pad([entry.contract, entry.signature, entry.expected], [16, 56, 12])}${status}`);
  }
  if (report.other.length > 0) {
    lines.push("", "other powers");
    for (const entry of report.other) lines.push(`  ${pad([entry.what, entry.account], [28, 42])}`);
  }
  if (report.closedTargets.length > 0) lines.push("", `closed targets: ${report.closedTargets.join(", ")}`);
  lines.push(
    "",
    report.wiredAsSpecified
      ? "every restricted function is wired as src/roles.ts specifies"
      : "SOME FUNCTIONS ARE NOT WIRED AS src/roles.ts SPECIFIES",
  );
  for (const warning of report.warnings) lines.push(`WARNING: ${warning}`);
  return lines.join("\n");
}
