import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import * as proofline from "../../src/index.js";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** The packages the client library may load at run time: its declared dependencies and Node's own modules. */
// x402's client side (core and fetch) is what the paying client (src/x402/inferenceClient.ts) is built on.
const ALLOWED_PACKAGES = [
  "ethers",
  "@openzeppelin/merkle-tree",
  "snarkjs",
  "poseidon-lite",
  "@x402/core",
  "@x402/fetch",
];

/**
 * Every module the client library is made of (the import closure of src/index.ts), with what each imports:
 * relative imports resolved to files, and package imports as written. Type-only imports count too.
 */
function importClosure(): Map<string, { files: string[]; packages: string[] }> {
  const modules = new Map<string, { files: string[]; packages: string[] }>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    const entry = { files: [] as string[], packages: [] as string[] };
    modules.set(file, entry);
    const source = readFileSync(file, "utf8");
    for (const [, specifier] of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/g)) {
      if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
        entry.files.push(target);
        // Generated TypeChain bindings are types and factories over ethers: read as files, not walked.
        if (!target.includes(`${SRC}typechain`)) visit(target);
      } else entry.packages.push(specifier);
    }
  };
  visit(resolve(SRC, "index.ts"));
  return modules;
}

describe("client library entry point", () => {
  it("exports the integrator's API from one module", () => {
    for (const name of [
      "OutputCommitment",
      "InputCommitment",
      "answerDigest",
      "blobIdToBytes32",
      "bytes32ToBlobId",
      "signAnswer",
      "signAttestation",
      "signBatch",
      "SettlementBatch",
      "proveRiskScore",
      "loadRiskModel",
      "riskScorePart",
      "weightsDigest",
      "zkBinding",
      "zkEvidence",
      "SNARK_SCALAR_FIELD",
      "requestRef",
      "signEscrowAuthorization",
      "signPermit",
      "consumerArgs",
      "buildTrail",
      "formatTrail",
      "executeDelayed",
    ]) {
      expect(proofline, name).to.have.property(name);
    }
  });

  it("is all of src/: every module there is part of the client library (the generated bindings aside)", () => {
    const modules = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? entry.name === "typechain"
            ? []
            : modules(join(dir, entry.name))
          : entry.name.endsWith(".ts")
            ? [join(dir, entry.name)]
            : [],
      );
    const closure = importClosure();
    const outside = modules(SRC).filter((file) => !closure.has(file));
    expect(outside.map((file) => relative(SRC, file))).to.deep.equal([]);
  });

  it("is only src/: no module of it imports Hardhat, deploy/, testing/, scripts/ or tests", () => {
    const closure = importClosure();
    expect(closure.size).to.be.greaterThan(10);
    for (const [file, { files, packages }] of closure) {
      const where = relative(SRC, file);
      for (const target of files) {
        expect(target.startsWith(SRC), `${where} imports ${relative(SRC, target)}, outside src/`).to.equal(true);
      }
      for (const name of packages) {
        const allowed =
          name.startsWith("node:") || ALLOWED_PACKAGES.some((p) => name === p || name.startsWith(`${p}/`));
        expect(allowed, `${where} imports the package ${name}`).to.equal(true);
      }
    }
  });
});
