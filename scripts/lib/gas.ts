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
    { gas: number; transaction?: number; budget?: number; waiver?: string; tolerance?: number }
  >;
  reference: Record<string, GasReference>;
}

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
  const line = (name: string, gas: string, transaction: string, budget: string, status: string) =>
    `${name.padEnd(width)}${gas.padStart(10)}${transaction.padStart(13)}${budget.padStart(10)}  ${status}`;
  const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;
  return [
    line("operation", "execution", "transaction", "budget", ""),
    ...rows.map((row) =>
      line(
        row.name,
        String(row.gas),
        row.transaction === undefined ? "-" : String(row.transaction),
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
    line(reference.name, String(reference.gas), String(reference.transaction), "-", "reference"),
    "",
    `${compared.name} costs ${percent(compared.gas, reference.gas)} of ${reference.name} in execution gas, ` +
      `${percent(compared.transaction, reference.transaction)} as a whole transaction`,
  ].join("\n");
}

/** Every way `measured` breaks its budgets or differs from `committed`; empty when all is well. */
export function compareSnapshot(committed: GasSnapshot, measured: GasSnapshot): string[] {
  const problems: string[] = [];
  for (const [name, { gas, transaction, budget, tolerance = 0 }] of Object.entries(measured.operations)) {
    const before = committed.operations[name];
    if (budget !== undefined && gas > budget && !(before?.waiver && gas <= before.gas + tolerance)) {
      problems.push(`${name}: ${gas} gas is over its budget of ${budget}`);
    }
    const differs = (a?: number, b?: number) =>
      a === undefined || b === undefined ? a !== b : Math.abs(a - b) > tolerance;
    if (before === undefined) problems.push(`${name}: missing from gas-snapshot.json (run npm run bench:update)`);
    else if (differs(before.gas, gas) || differs(before.transaction, transaction) || before.budget !== budget) {
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
