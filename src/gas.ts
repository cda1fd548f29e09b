/** One benchmarked operation: gas used by its transaction, and its budget. */
export interface GasRow {
  name: string;
  /** Gas the budget is judged on: the whole transaction for transactions, execution for view checks. */
  gas: number;
  /** The most gas the operation may use; absent for operations measured without a budget. */
  budget?: number;
  /** For a transaction: its gas without the 21,000 base and the calldata charge (shown, not judged). */
  execution?: number;
  /** Why the operation may stay over budget (from gas-snapshot.json). */
  waiver?: string;
  /**
   * How far the gas may differ between runs, for operations whose calldata is random: a Groth16 proof is randomized,
   * so how many of its bytes are zero (4 gas instead of 16) changes from proof to proof.
   */
  tolerance?: number;
}

/**
 * What `gas-snapshot.json` holds: our operations with budgets, and reference figures from other systems. A
 * `waiver` (written by hand, with the reason) accepts an operation over its budget as long as it never gets worse
 * than its committed gas; without one, any operation over budget fails the check.
 */
export interface GasSnapshot {
  operations: Record<string, { gas: number; budget?: number; waiver?: string; tolerance?: number }>;
  reference: Record<string, number>;
}

/** The intrinsic gas of a transaction carrying `data` (21,000 plus 4 per zero byte and 16 per other byte). */
export function intrinsicGas(data: string): number {
  const bytes = data.startsWith("0x") ? data.slice(2) : data;
  let gas = 21_000;
  for (let i = 0; i < bytes.length; i += 2) gas += bytes.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}

/** A printable table of `rows`, each against its budget, plus `reference` and our cost as a ratio of it. */
export function formatTable(rows: GasRow[], reference: { name: string; gas: number }, compared: GasRow): string {
  const width = Math.max(...rows.map((row) => row.name.length), reference.name.length) + 2;
  const line = (name: string, gas: string, execution: string, budget: string, status: string) =>
    `${name.padEnd(width)}${gas.padStart(10)}${execution.padStart(11)}${budget.padStart(10)}  ${status}`;
  return [
    line("operation", "gas", "execution", "budget", ""),
    ...rows.map((row) =>
      line(
        row.name,
        String(row.gas),
        row.execution === undefined ? "-" : String(row.execution),
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
    line(reference.name, String(reference.gas), "-", "-", "reference"),
    "",
    `${compared.name} costs ${((compared.gas / reference.gas) * 100).toFixed(1)}% of ${reference.name}`,
  ].join("\n");
}

/** Every way `measured` breaks its budgets or differs from `committed`; empty when all is well. */
export function compareSnapshot(committed: GasSnapshot, measured: GasSnapshot): string[] {
  const problems: string[] = [];
  for (const [name, { gas, budget, tolerance = 0 }] of Object.entries(measured.operations)) {
    const before = committed.operations[name];
    if (budget !== undefined && gas > budget && !(before?.waiver && gas <= before.gas + tolerance)) {
      problems.push(`${name}: ${gas} gas is over its budget of ${budget}`);
    }
    if (before === undefined) problems.push(`${name}: missing from gas-snapshot.json (run npm run bench:update)`);
    else if (Math.abs(before.gas - gas) > tolerance || before.budget !== budget) {
      problems.push(
        `${name}: snapshot says ${before.gas}/${before.budget}, measured ${gas}/${budget} (npm run bench:update)`,
      );
    }
  }
  for (const name of Object.keys(committed.operations)) {
    if (!(name in measured.operations)) problems.push(`${name}: in gas-snapshot.json but no longer measured`);
  }
  return problems;
}
