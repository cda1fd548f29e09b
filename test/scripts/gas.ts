import { expect } from "chai";

import { compareSnapshot, formatTable, intrinsicGas, type GasSnapshot } from "../../scripts/lib/gas.js";

const snapshot = (gas: number, budget: number, waiver?: string): GasSnapshot => ({
  operations: { op: { gas, budget, waiver } },
  reference: {},
});

describe("gas benchmark checks", () => {
  it("prices calldata at 4 per zero byte and 16 per other byte", () => {
    expect(intrinsicGas("0x")).to.equal(21_000);
    expect(intrinsicGas("0x00ff")).to.equal(21_020);
  });

  it("passes within budget when the snapshot matches", () => {
    expect(compareSnapshot(snapshot(10, 20), snapshot(10, 20))).to.deep.equal([]);
  });

  it("fails over budget without a waiver, and a waived operation that got worse", () => {
    expect(compareSnapshot(snapshot(30, 20), snapshot(30, 20))[0]).to.match(/over its budget/);
    expect(compareSnapshot(snapshot(30, 20, "floor"), snapshot(30, 20))).to.deep.equal([]);
    const worse = compareSnapshot(snapshot(30, 20, "floor"), snapshot(31, 20));
    expect(worse.some((problem) => /over its budget/.test(problem))).to.equal(true);
  });

  it("fails on a stale, missing or extra snapshot entry", () => {
    expect(compareSnapshot(snapshot(10, 20), snapshot(11, 20))[0]).to.match(/snapshot says 10\/undefined\/20/);
    const withTransaction = (transaction: number): GasSnapshot => ({
      operations: { op: { gas: 10, transaction, budget: 20 } },
      reference: {},
    });
    expect(compareSnapshot(withTransaction(30), withTransaction(30))).to.deep.equal([]);
    expect(compareSnapshot(withTransaction(30), withTransaction(31))[0]).to.match(/snapshot says 10\/30\/20/);
    expect(compareSnapshot(snapshot(10, 20), withTransaction(30))[0]).to.match(/measured 10\/30\/20/);
    expect(compareSnapshot({ operations: {}, reference: {} }, snapshot(10, 20))[0]).to.match(/missing/);
    expect(compareSnapshot(snapshot(10, 20), { operations: {}, reference: {} })[0]).to.match(/no longer measured/);
  });

  it("lets a row with random calldata differ within its tolerance, and no further", () => {
    const row = (gas: number) => ({
      operations: { zk: { gas, budget: 100, waiver: "why", tolerance: 12 } },
      reference: {},
    });
    expect(compareSnapshot(row(110), row(122))).to.deep.equal([]);
    expect(compareSnapshot(row(110), row(98))).to.deep.equal([]);
    expect(compareSnapshot(row(110), row(123))).to.have.length(2);
  });

  it("measures an operation without a budget, and still compares it with the snapshot", () => {
    const row = (gas: number) => ({ operations: { open: { gas } }, reference: {} });
    expect(compareSnapshot(row(500), row(500))).to.deep.equal([]);
    expect(compareSnapshot(row(500), row(501))[0]).to.match(/snapshot says 500\/undefined\/undefined/);
    const table = formatTable(
      [{ name: "open", gas: 500 }],
      { name: "ref", gas: 1000, transaction: 1200 },
      { name: "open", gas: 500, transaction: 600 },
    );
    expect(table).to.match(/open\s+500\s+-\s+-\s+measured/);
  });

  it("prints each operation against its budget and the reference ratio", () => {
    const table = formatTable(
      [
        { name: "a", gas: 5, budget: 10 },
        { name: "b", gas: 20, budget: 10, waiver: "why", transaction: 41 },
        { name: "c", gas: 20, budget: 10 },
      ],
      { name: "ref", gas: 50, transaction: 80 },
      { name: "a", gas: 5, transaction: 20, budget: 10 },
    );
    expect(table).to.match(/a\s+5\s+-\s+10\s+ok/);
    expect(table).to.match(/b\s+20\s+41\s+10\s+over budget \(waived\)/);
    expect(table).to.match(/c\s+20\s+-\s+10\s+OVER BUDGET/);
    expect(table).to.match(/ref\s+50\s+80\s+-\s+reference/);
    expect(table).to.contain("a costs 10.0% of ref in execution gas, 25.0% as a whole transaction");
  });
});
