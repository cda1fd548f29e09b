/**
 * The telling of the demo scripts (scripts/demo.ts, scripts/market-demo.ts): numbered steps, details, and checks that
 * stop the story at the first one that does not hold.
 */

/** A story: `say` opens a numbered step, `detail` adds a line, `check` asserts and prints `ok:`, `steps` counts. */
export function story(name: string) {
  let step = 0;
  const detail = (text: string) => console.log(`   ${text}`);
  return {
    say: (text: string) => console.log(`\n${++step}. ${text}`),
    detail,
    check(condition: boolean, what: string): void {
      if (!condition) throw new Error(`${name} step ${step} failed: ${what}`);
      detail(`ok: ${what}`);
    },
    steps: () => step,
  };
}

/**
 * How a story names the chain it runs on: Hardhat's built-in network (`default`, simulated afresh for each run) or the
 * network `--network` named (a local node keeps what earlier runs deployed; each run deploys its own system).
 */
export function chainName(networkName: string): string {
  return networkName === "default" ? "the built-in network" : `network ${networkName}`;
}

/** Resolves to the custom error name a call reverts with, decoded by `contract`'s ABI ("none" if it did not revert). */
export async function revertName(
  contract: { interface: { parseError(data: string): { name: string } | null } },
  call: Promise<unknown>,
): Promise<string> {
  try {
    await call;
    return "none";
  } catch (error) {
    const data = (error as { data?: string }).data;
    return (data && contract.interface.parseError(data)?.name) || "unknown";
  }
}
