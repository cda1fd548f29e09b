import { readFile } from "node:fs/promises";

import type { ArtifactManager } from "hardhat/types/artifacts";

/**
 * One benchmarked operation. Budgets are judged on execution gas: what the operation's own code costs, without the
 * 21,000 every transaction pays and the charge for its calldata. That is the part the contracts control, and the
 * basis of the figures the budgets were set against (a bare Groth16 verifier call, quoted at 200k-230k, is an
 * execution figure). What the sender pays, the whole transaction, is printed beside it.
 */
export interface GasRow {
  name: string;
  /** Execution gas, judged against the budget. */
  gas: number;
  /** For a transaction: its whole gas, 21,000 base and calldata included (shown and snapshotted, not judged). */
  transaction?: number;
  /**
   * For a transaction: its calldata, in bytes. On Base the L1 data fee is charged on it (compressed), so an operation
   * cheaper in execution but longer in calldata can cost more there (docs/GAS.md).
   */
  calldata?: number;
  /** The most execution gas the operation may use; absent for operations measured without a budget. */
  budget?: number;
  /** Why the operation may stay over budget (from gas-snapshot.json). */
  waiver?: string;
  /**
   * How far the figures may differ between runs, for operations whose calldata is random: a Groth16 proof is
   * randomized, so how many of its bytes are zero (4 gas instead of 16) changes from proof to proof.
   */
  tolerance?: number;
}

/** A reference figure from another system, measured the same two ways. */
export interface GasReference {
  gas: number;
  transaction: number;
}

/**
 * What `gas-snapshot.json` holds: our operations with budgets, and reference figures from other systems. A
 * `waiver` (written by hand, with the reason) accepts an operation over its budget as long as it never gets worse
 * than its committed gas; without one, any operation over budget fails the check.
 */
export interface GasSnapshot {
  operations: Record<
    string,
    { gas: number; transaction?: number; calldata?: number; budget?: number; waiver?: string; tolerance?: number }
  >;
  reference: Record<string, GasReference>;
  /**
   * The deployed bytecode size of every deployable contract, in bytes (see {@link compareBytecode}); absent from a
   * snapshot written before sizes were recorded.
   */
  bytecode?: BytecodeSizes;
}

/** Deployed bytecode sizes in bytes, by contract name. */
export type BytecodeSizes = Record<string, number>;

/** EIP-170: the most bytes of code a contract may have on chain. */
export const CODE_SIZE_LIMIT = 24_576;
/** How far a contract's code may grow past its size in the snapshot before the check fails (5%). */
export const CODE_GROWTH_TOLERANCE = 0.05;

/** The intrinsic gas of a transaction carrying `data` (21,000 plus 4 per zero byte and 16 per other byte). */
export function intrinsicGas(data: string): number {
  const bytes = data.startsWith("0x") ? data.slice(2) : data;
  let gas = 21_000;
  for (let i = 0; i < bytes.length; i += 2) gas += bytes.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}

/** A printable table of `rows`, each against its budget, plus `reference` and `compared`'s cost as a ratio of it. */
export function formatTable(
  rows: GasRow[],
  reference: { name: string } & GasReference,
  compared: GasRow & { transaction: number },
): string {
  const width = Math.max(...rows.map((row) => row.name.length), reference.name.length) + 2;
  const line = (name: string, gas: string, transaction: string, calldata: string, budget: string, status: string) =>
    `${name.padEnd(width)}${gas.padStart(10)}${transaction.padStart(13)}${calldata.padStart(10)}${budget.padStart(10)}  ${status}`;
  const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;
  return [
    line("operation", "execution", "transaction", "calldata", "budget", ""),
    ...rows.map((row) =>
      line(
        row.name,
        String(row.gas),
        row.transaction === undefined ? "-" : String(row.transaction),
        row.calldata === undefined ? "-" : String(row.calldata),
        row.budget === undefined ? "-" : String(row.budget),
        row.budget === undefined
          ? "measured"
          : row.gas <= row.budget
            ? "ok"
            : row.waiver
              ? "over budget (waived)"
              : "OVER BUDGET",
      ),
    ),
    line(reference.name, String(reference.gas), String(reference.transaction), "-", "-", "reference"),
    "",
    `${compared.name} costs ${percent(compared.gas, reference.gas)} of ${reference.name} in execution gas, ` +
      `${percent(compared.transaction, reference.transaction)} as a whole transaction`,
  ].join("\n");
}

/** Every way `measured` breaks its budgets or differs from `committed`; empty when all is well. */
export function compareSnapshot(committed: GasSnapshot, measured: GasSnapshot): string[] {
  const problems: string[] = [];
  for (const [name, { gas, transaction, calldata, budget, tolerance = 0 }] of Object.entries(measured.operations)) {
    const before = committed.operations[name];
    if (budget !== undefined && gas > budget && !(before?.waiver && gas <= before.gas + tolerance)) {
      problems.push(`${name}: ${gas} gas is over its budget of ${budget}`);
    }
    const differs = (a?: number, b?: number) =>
      a === undefined || b === undefined ? a !== b : Math.abs(a - b) > tolerance;
    if (before === undefined) problems.push(`${name}: missing from gas-snapshot.json (run npm run bench:update)`);
    else if (
      differs(before.gas, gas) ||
      differs(before.transaction, transaction) ||
      before.calldata !== calldata ||
      before.budget !== budget
    ) {
      problems.push(
        `${name}: snapshot says ${before.gas}/${before.transaction}/${before.budget}, ` +
          `measured ${gas}/${transaction}/${budget} (execution/transaction/budget; npm run bench:update)`,
      );
    }
  }
  for (const name of Object.keys(committed.operations)) {
    if (!(name in measured.operations)) problems.push(`${name}: in gas-snapshot.json but no longer measured`);
  }
  return problems;
}

/** Bytes of code in a 0x-prefixed hex string (an unlinked library reference counts as its 20 bytes). */
export function codeSize(hex: string): number {
  return (hex.length - 2) / 2;
}

/** How far `size` is past `before`, as a fraction (0.1 is 10% larger). */
const growth = (size: number, before: number) => (size - before) / before;

/**
 * Every way `measured` breaks the code size rules: a contract over the EIP-170 limit, one that grew more than 5% past
 * its committed size, one missing from the snapshot, and a committed one no longer built. Shrinking is fine (the
 * committed size stays a ceiling until the next update); empty when all is well.
 */
export function compareBytecode(committed: BytecodeSizes, measured: BytecodeSizes): string[] {
  const problems: string[] = [];
  for (const [name, size] of Object.entries(measured)) {
    if (size > CODE_SIZE_LIMIT) {
      problems.push(`${name}: ${size} bytes of code, over the EIP-170 limit of ${CODE_SIZE_LIMIT}`);
    }
    const before = committed[name];
    if (before === undefined) {
      problems.push(`${name}: code size missing from gas-snapshot.json (run npm run bench:update)`);
    } else if (growth(size, before) > CODE_GROWTH_TOLERANCE) {
      problems.push(
        `${name}: ${size} bytes of code, ${(growth(size, before) * 100).toFixed(1)}% more than the ${before} in ` +
          `gas-snapshot.json (at most ${CODE_GROWTH_TOLERANCE * 100}%; npm run bench:update once intended)`,
      );
    }
  }
  for (const name of Object.keys(committed)) {
    if (!(name in measured)) problems.push(`${name}: code size in gas-snapshot.json but no such contract is built`);
  }
  return problems;
}

/** A printable table of `measured` code sizes beside `committed` ones, with each size as a share of the limit. */
export function formatBytecodeTable(committed: BytecodeSizes, measured: BytecodeSizes): string {
  const names = Object.keys(measured);
  const width = Math.max("contract".length, ...names.map((name) => name.length)) + 2;
  const line = (name: string, bytes: string, snapshot: string, limit: string, status: string) =>
    `${name.padEnd(width)}${bytes.padStart(8)}${snapshot.padStart(10)}${limit.padStart(12)}  ${status}`.trimEnd();
  const status = (size: number, before: number | undefined) => {
    if (size > CODE_SIZE_LIMIT) return "OVER EIP-170";
    if (before === undefined) return "not in snapshot";
    if (growth(size, before) > CODE_GROWTH_TOLERANCE) return "GREW PAST SNAPSHOT";
    return "ok";
  };
  return [
    line("contract", "bytes", "snapshot", "% of limit", ""),
    ...names.map((name) =>
      line(
        name,
        String(measured[name]),
        committed[name] === undefined ? "-" : String(committed[name]),
        `${((measured[name] / CODE_SIZE_LIMIT) * 100).toFixed(1)}%`,
        status(measured[name], committed[name]),
      ),
    ),
  ].join("\n");
}

/** The slice of solc's output {@link deployableCodeSizes} reads: each source's top-level AST nodes. */
interface SolcOutput {
  output: {
    sources: Record<
      string,
      { ast: { nodes: { nodeType: string; name?: string; contractKind?: string; abstract?: boolean }[] } }
    >;
  };
}

/** Folders of `contracts/` that hold no deployable of the project: test doubles and the bench's measuring harness. */
const NOT_DEPLOYED = ["contracts/mocks/", "contracts/bench/"];

/**
 * The deployed bytecode size of every contract the project deploys, found in the build artifacts rather than listed,
 * so a new contract is measured as soon as it is built: every concrete contract (solc's AST says `contract`, not
 * abstract; interfaces and libraries are left out wherever they live) under `contracts/`, except `contracts/mocks/`
 * and `contracts/bench/`. Sorted by name.
 */
export async function deployableCodeSizes(artifacts: ArtifactManager): Promise<BytecodeSizes> {
  const outputs = new Map<string, Promise<SolcOutput>>();
  const readOutput = async (buildInfoId: string) => {
    const path = await artifacts.getBuildInfoOutputPath(buildInfoId);
    if (path === undefined) throw new Error(`the output of build ${buildInfoId} is missing: run hardhat build`);
    return JSON.parse(await readFile(path, "utf8")) as SolcOutput;
  };
  const sizes: BytecodeSizes = {};
  const names = [...(await artifacts.getAllFullyQualifiedNames())].filter(
    (name) => name.startsWith("contracts/") && !NOT_DEPLOYED.some((folder) => name.startsWith(folder)),
  );
  for (const qualified of names) {
    const artifact = await artifacts.readArtifact(qualified);
    const buildInfoId = await artifacts.getBuildInfoId(qualified);
    if (buildInfoId === undefined) throw new Error(`${qualified} has no build info: run hardhat build`);
    const output = outputs.get(buildInfoId) ?? readOutput(buildInfoId);
    outputs.set(buildInfoId, output);
    const source = (await output).output.sources[artifact.inputSourceName ?? artifact.sourceName];
    const definition = source?.ast.nodes.find(
      (node) => node.nodeType === "ContractDefinition" && node.name === artifact.contractName,
    );
    if (definition === undefined) throw new Error(`no definition of ${qualified} in its build output`);
    if (definition.contractKind !== "contract" || definition.abstract || artifact.deployedBytecode === "0x") continue;
    if (artifact.contractName in sizes) throw new Error(`two deployable contracts are named ${artifact.contractName}`);
    sizes[artifact.contractName] = codeSize(artifact.deployedBytecode);
  }
  return Object.fromEntries(Object.entries(sizes).sort(([a], [b]) => a.localeCompare(b)));
}
