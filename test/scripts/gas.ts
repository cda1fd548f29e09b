import { expect } from "chai";

import { artifacts } from "hardhat";

import {
  CODE_SIZE_LIMIT,
  compareBytecode,
  compareSnapshot,
  deployableCodeSizes,
  formatBytecodeTable,
  formatTable,
  intrinsicGas,
  type GasSnapshot,
} from "../../scripts/lib/gas.js";

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
    expect(table).to.match(/open\s+500\s+-\s+-\s+-\s+measured/);
  });

  it("prints each operation against its budget and the reference ratio", () => {
    const table = formatTable(
      [
        { name: "a", gas: 5, budget: 10 },
        { name: "b", gas: 20, budget: 10, waiver: "why", transaction: 41, calldata: 68 },
        { name: "c", gas: 20, budget: 10 },
      ],
      { name: "ref", gas: 50, transaction: 80 },
      { name: "a", gas: 5, transaction: 20, budget: 10 },
    );
    expect(table).to.match(/a\s+5\s+-\s+-\s+10\s+ok/);
    expect(table).to.match(/b\s+20\s+41\s+68\s+10\s+over budget \(waived\)/);
    expect(table).to.match(/c\s+20\s+-\s+-\s+10\s+OVER BUDGET/);
    expect(table).to.match(/ref\s+50\s+80\s+-\s+-\s+reference/);
    expect(table).to.contain("a costs 10.0% of ref in execution gas, 25.0% as a whole transaction");
  });
});

describe("bytecode size checks", () => {
  it("passes a contract under the limit that grew at most 5% past its snapshot, or shrank", () => {
    expect(compareBytecode({ A: 10_000 }, { A: 10_000 })).to.deep.equal([]);
    expect(compareBytecode({ A: 10_000 }, { A: 10_500 })).to.deep.equal([]);
    expect(compareBytecode({ A: 10_000 }, { A: 6_000 })).to.deep.equal([]);
  });

  it("fails a contract that grew more than 5% past its snapshot", () => {
    expect(compareBytecode({ A: 10_000 }, { A: 10_501 })[0]).to.match(
      /^A: 10501 bytes of code, 5.0% more than the 10000/,
    );
    expect(compareBytecode({ A: 10_000 }, { A: 12_000 })).to.deep.equal([
      "A: 12000 bytes of code, 20.0% more than the 10000 in gas-snapshot.json (at most 5%; npm run bench:update once intended)",
    ]);
  });

  it("fails a contract over the EIP-170 limit, even when its snapshot says as much", () => {
    expect(compareBytecode({ A: CODE_SIZE_LIMIT }, { A: CODE_SIZE_LIMIT })).to.deep.equal([]);
    const problems = compareBytecode({ A: CODE_SIZE_LIMIT + 1 }, { A: CODE_SIZE_LIMIT + 1 });
    expect(problems).to.deep.equal([`A: ${CODE_SIZE_LIMIT + 1} bytes of code, over the EIP-170 limit of 24576`]);
  });

  it("fails a contract missing from the snapshot, and a snapshot entry no longer built", () => {
    expect(compareBytecode({}, { A: 1 })[0]).to.match(/^A: code size missing from gas-snapshot.json/);
    expect(compareBytecode({ A: 1, B: 2 }, { A: 1 })).to.deep.equal([
      "B: code size in gas-snapshot.json but no such contract is built",
    ]);
  });

  it("prints each contract's size beside its snapshot and as a share of the limit", () => {
    const table = formatBytecodeTable(
      { Small: 12_288, Grown: 1_000, Huge: 30_000 },
      { Small: 12_288, Grown: 1_100, Huge: 30_000, Fresh: 100 },
    );
    expect(table.split("\n")[0]).to.match(/^contract\s+bytes\s+snapshot\s+% of limit$/);
    expect(table).to.match(/Small\s+12288\s+12288\s+50.0%\s+ok/);
    expect(table).to.match(/Grown\s+1100\s+1000\s+4.5%\s+GREW PAST SNAPSHOT/);
    expect(table).to.match(/Huge\s+30000\s+30000\s+122.1%\s+OVER EIP-170/);
    expect(table).to.match(/Fresh\s+100\s+-\s+0.4%\s+not in snapshot/);
  });

  it("finds every deployable contract in the build artifacts, and nothing else", async () => {
    const sizes = await deployableCodeSizes(artifacts);
    for (const name of ["InferenceLedger", "ModelRegistry", "RiskScorerVerifier", "RiskScoreConsumer", "TwinMarket"]) {
      const artifact = await artifacts.readArtifact(name);
      expect(sizes[name], name).to.equal((artifact.deployedBytecode.length - 2) / 2);
    }
    // Test doubles, the bench harness, an abstract base, a library outside contracts/libraries, an interface.
    for (const name of ["TestUSDC", "PolicyCheckProbe", "InferenceConsumer", "PolicyLib", "IInferenceLedger"]) {
      expect(sizes, name).not.to.have.property(name);
    }
    expect(Object.keys(sizes)).to.deep.equal(Object.keys(sizes).toSorted());
  });
});
