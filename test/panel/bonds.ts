/**
 * The panel's bond cells on their own (panel/views.ts): a live lock never reads as done or green, a slash shows each
 * share, a Vanilla claim has none, and a token's self-reported symbol is escaped like any other chain string.
 */
import { expect } from "chai";
import { ZeroAddress } from "ethers";

import type { Trail, TrailBond } from "../../src/trail.js";
import { bondCell, matches, nodesPage } from "../../panel/views.js";

const TOKEN = "0x1111111111111111111111111111111111111111";
const HOSTILE = `<img src=x onerror="__pwned=1">`;
const event = { block: 7, time: 1_700_000_000, tx: `0x${"ab".repeat(32)}` };

const trailWith = (bond: TrailBond | undefined, claimed = "TEE") => ({ claimed, bond }) as unknown as Trail;
const lock = (overrides: Partial<TrailBond> = {}): TrailBond => ({
  vault: `0x${"22".repeat(20)}`,
  nodeId: 1,
  asset: ZeroAddress,
  amount: (2n * 10n ** 16n).toString(),
  requestId: 3,
  status: "Locked",
  outlook: "pending",
  locked: event,
  ...overrides,
});

describe("panel bond cells", () => {
  it("reads a live lock as LOCKED with what it waits for, never released or slashed", () => {
    for (const outlook of ["pending", "releasable", "slashable", "revoked"] as const) {
      const out = bondCell(trailWith(lock({ outlook }))).value;
      expect(out).to.include(`data-lock="Locked"`);
      expect(out).to.include(`LOCKED · ${outlook}`);
      expect(out).to.not.match(/clear|lock released|lock slashed|SLASHED/);
    }
    expect(bondCell(trailWith(lock())).value).to.include("0.02 ETH");
  });

  it("shows a slash's shares, the requester's only for a paid request", () => {
    const slashed = {
      ...event,
      reporter: `0x${"33".repeat(20)}`,
      reporterShare: "5000",
      requester: `0x${"44".repeat(20)}`,
      requesterShare: "3000",
      protocol: `0x${"55".repeat(20)}`,
      protocolShare: "2000",
    };
    const paid = bondCell(trailWith(lock({ status: "Slashed", outlook: undefined, slashed })));
    expect(paid.value.match(/data-share="(\w+)"/g)).to.deep.equal([
      `data-share="reporter"`,
      `data-share="requester"`,
      `data-share="protocol"`,
    ]);
    const unpaid = bondCell(
      trailWith(
        lock({
          status: "Slashed",
          outlook: undefined,
          requestId: 0,
          slashed: { ...slashed, requester: ZeroAddress, requesterShare: "0", protocolShare: "5000" },
        }),
      ),
    );
    expect(unpaid.value).to.not.include(`data-share="requester"`);
  });

  it("says none for a Vanilla claim, and no lock on record for a claim above Vanilla without one", () => {
    expect(bondCell(trailWith(undefined, "Vanilla")).value).to.include("none (Vanilla claim)");
    expect(bondCell(trailWith(undefined, "TEE")).value).to.include("no lock on record");
  });

  it("escapes a token's self-reported symbol in a lock and on the nodes page", () => {
    const asset = { address: TOKEN, symbol: HOSTILE, decimals: 6 };
    const cell = bondCell(trailWith(lock({ asset: TOKEN, amount: "2000000" })), new Map([[TOKEN, asset]])).value;
    expect(cell).to.include("2.0 &lt;img");
    expect(cell).to.not.include("<img");
    const page = nodesPage(
      {
        nodes: [
          {
            id: 1,
            key: TOKEN,
            operator: TOKEN,
            active: true,
            block: 1,
            bonds: [{ asset, free: "5000000", locked: "2000000", unbonding: "0", unbondsAt: 0 }],
          },
        ],
        enclaves: [],
        measurements: [],
      },
      0,
    ).value;
    expect(page).to.include("free 5.0 &lt;img");
    expect(page).to.not.include("<img");
  });

  it("filters the queue by the lock's status, or none", () => {
    const locked = { ...trailWith(lock()), consumptions: [] } as unknown as Trail;
    const vanilla = { ...trailWith(undefined, "Vanilla"), consumptions: [] } as unknown as Trail;
    expect([locked, vanilla].map((t) => matches(t, { bond: "Locked" }))).to.deep.equal([true, false]);
    expect([locked, vanilla].map((t) => matches(t, { bond: "none" }))).to.deep.equal([false, true]);
    expect([locked, vanilla].map((t) => matches(t, { bond: "Slashed" }))).to.deep.equal([false, false]);
  });
});
