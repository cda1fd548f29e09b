import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { expect } from "chai";

import { SOLC_VERSION } from "../../hardhat.config.js";
import { HARDHAT_CLI, foreignProjectEnv } from "../utils/hardhatNode.js";

const ROOT = resolve(".");

/** A lender in someone else's project: it imports Proofline's consumer base and types from the installed package. */
const TINY_CONSUMER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InferenceConsumer} from "proofline/contracts/consumer/InferenceConsumer.sol";
import {
    Allowlists,
    Answerers,
    AttestedInputRule,
    Policy
} from "proofline/contracts/interfaces/IInferenceConsumer.sol";
import {IInferenceLedger} from "proofline/contracts/interfaces/IInferenceLedger.sol";
import {AnswerCommitments, OutputPart} from "proofline/contracts/types/CommitmentTypes.sol";
import {VerificationLevel} from "proofline/contracts/types/InferenceTypes.sol";

contract TinyLender is InferenceConsumer {
    mapping(address borrower => uint16 score) public scoreOf;

    constructor(IInferenceLedger ledger, uint64[] memory pins)
        InferenceConsumer(
            ledger,
            Policy(VerificationLevel.TEE, false, true, true, 1 hours, Answerers.Any, AttestedInputRule.None),
            Allowlists(pins, new address[](0), new uint32[](0))
        )
    {}

    function useScore(bytes32 id, AnswerCommitments calldata c, OutputPart calldata part, bytes32[] calldata proof)
        external
    {
        _consume(id, c, part, proof);
        (address borrower, uint16 score) = abi.decode(part.content, (address, uint16));
        scoreOf[borrower] = score;
    }
}
`;

/** Its client code: plain Node.js, no TypeScript loader, importing the package's built entry point. */
const CLIENT_CHECK = `import * as proofline from "proofline";
const id = "0x" + "ab".repeat(32);
const text = proofline.bytes32ToBlobId(id);
if (proofline.blobIdToBytes32(text) !== id) throw new Error("blob id round trip failed");
for (const name of ["answerDigest", "OutputCommitment", "signAnswer", "SettlementBatch", "buildTrail", "readRoles", "attestedInputArg", "signSourcedData", "twinIdOf"]) {
  if (!(name in proofline)) throw new Error("missing export " + name);
}
console.log("client ok " + text);
`;

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 300_000, env: foreignProjectEnv() });
  expect(result.status, `${command} ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).to.equal(0);
  return result.stdout;
}

/**
 * What `npm install proofline` gives another project, built from this repository with `npm pack` (which runs the
 * `prepack` build of `dist/`): the tarball is unpacked into the project's node_modules, and the package's own
 * dependencies (OpenZeppelin, ethers, snarkjs, ...) and Hardhat are linked from this repository's node_modules
 * instead of being downloaded.
 */
describe("the published package, used by a separate tiny project", function () {
  this.timeout(600_000);
  let project: string;
  let packed: string[];

  before(() => {
    const work = mkdtempSync(join(tmpdir(), "proofline-package-"));
    const packOutput = run("npm", ["pack", "--json", "--pack-destination", work, "--loglevel=error"], ROOT);
    const [tarball] = JSON.parse(packOutput.slice(packOutput.indexOf("["))) as {
      filename: string;
      files: { path: string }[];
    }[];
    packed = tarball.files.map((file) => file.path);

    project = join(work, "tiny-lender");
    const installed = join(project, "node_modules", "proofline");
    mkdirSync(installed, { recursive: true });
    run("tar", ["-xzf", join(work, tarball.filename), "-C", installed, "--strip-components=1"], work);
    for (const dependency of ["hardhat", "@openzeppelin", "ethers", "poseidon-lite", "snarkjs"]) {
      symlinkSync(join(ROOT, "node_modules", dependency), join(project, "node_modules", dependency), "dir");
    }
    mkdirSync(join(project, "contracts"));
    writeFileSync(join(project, "contracts", "TinyLender.sol"), TINY_CONSUMER);
    writeFileSync(join(project, "check.mjs"), CLIENT_CHECK);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "tiny-lender", private: true, type: "module", dependencies: { proofline: "0.1.0" } }),
    );
    const solc = join(ROOT, "node_modules", "solc", "soljson.js");
    writeFileSync(
      join(project, "hardhat.config.ts"),
      `import { defineConfig } from "hardhat/config";
export default defineConfig({
  solidity: {
    version: "${SOLC_VERSION}",
    path: ${JSON.stringify(solc)},
    settings: { evmVersion: "prague", viaIR: true, optimizer: { enabled: true, runs: 200 } },
  },
});
`,
    );
  });

  after(() => {
    if (project) rmSync(join(project, ".."), { recursive: true, force: true });
  });

  it("ships the consumer base, the interfaces, the types they use, and the built client; not the tests", () => {
    for (const file of [
      "contracts/consumer/InferenceConsumer.sol",
      "contracts/consumer/PolicyLib.sol",
      "contracts/interfaces/IInferenceLedger.sol",
      "contracts/types/CommitmentTypes.sol",
      "contracts/libraries/CommitmentLib.sol",
      "dist/index.js",
      "dist/index.d.ts",
      "circuits/risk-scorer/build/risk_scorer.zkey",
      "docs/HASHING.md",
    ]) {
      expect(packed, file).to.include(file);
    }
    expect(packed.some((file) => file.startsWith("test/") || file.startsWith("deploy/"))).to.equal(false);
  });

  it("compiles a consumer that imports proofline/contracts/... with Hardhat", () => {
    run(process.execPath, [HARDHAT_CLI, "build"], project);
    const artifact = join(project, "artifacts", "contracts", "TinyLender.sol", "TinyLender.json");
    expect(existsSync(artifact)).to.equal(true);
    const abi = JSON.parse(readFileSync(artifact, "utf8")).abi as { name?: string }[];
    expect(abi.map((entry) => entry.name)).to.include.members(["useScore", "checkInference", "InferenceConsumed"]);
  });

  it("imports the client library from plain Node.js", () => {
    expect(run(process.execPath, ["check.mjs"], project)).to.match(/^client ok /);
  });
});
