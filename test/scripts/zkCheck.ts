import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { expect } from "chai";

/**
 * `npm run zk:check` (tooling/zk-build.sh check) must tie every committed proving key to its committed circuit source
 * and phase-1 file, not only the exports to the key. CI runs the check on the real tree (where it passes); here it runs
 * on a copy whose circuit source differs from the one the key was made for by one range constraint.
 */
describe("zk:check: a proving key belongs to its circuit source", function () {
  this.timeout(180_000);

  it("refuses the committed key once the circuit source changes by one constraint, naming the key", () => {
    const dir = mkdtempSync(join(tmpdir(), "proofline-zk-check-"));
    try {
      for (const path of ["tooling/zk-build.sh", "circuits", "contracts/verification/zk"]) {
        cpSync(path, join(dir, path), { recursive: true });
      }
      // circom (a WebAssembly build) cannot follow a link out of the project, so the library is copied.
      cpSync("node_modules/circomlib/circuits", join(dir, "node_modules/circomlib/circuits"), { recursive: true });
      const source = join(dir, "circuits/risk-scorer/risk_scorer_parts.circom");
      const original = readFileSync(source, "utf8");
      const tampered = original.replace("w1Range[j][k] = Num2Bits(16);", "w1Range[j][k] = Num2Bits(17);");
      expect(tampered).to.not.equal(original);
      writeFileSync(source, tampered);
      const check = spawnSync("sh", ["tooling/zk-build.sh", "check"], {
        cwd: dir,
        encoding: "utf8",
        // The single-inference circuit alone (the batch circuits share the part changed, and take a minute more).
        env: { ...process.env, ZK_ONLY: "risk-scorer", PATH: `${resolve("node_modules/.bin")}:${process.env.PATH}` },
      });
      expect(check.status, check.stderr).to.equal(1);
      expect(check.stderr).to.include(
        "circuits/risk-scorer/build/risk_scorer.zkey is not a proving key of circuits/risk-scorer/risk_scorer.circom " +
          "over circuits/phase1/pot14_final.ptau",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
