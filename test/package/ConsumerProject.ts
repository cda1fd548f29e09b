import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { SOLC_VERSION } from "../../hardhat.config.js";
import { MEDIA_TYPES } from "../../src/commitments.js";
import { HARDHAT_CLI, foreignProjectEnv } from "../utils/hardhatNode.js";

const ROOT = resolve(".");

/**
 * A lender in someone else's project: it imports Proofline's consumer base, types and media types from the installed
 * package, and takes a ZKML-proven score over features a listed credit bureau signed.
 */
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
import {AnswerCommitments, AttestedInput, OutputKind, OutputPart} from "proofline/contracts/types/CommitmentTypes.sol";
import {VerificationLevel} from "proofline/contracts/types/InferenceTypes.sol";
import {MediaTypes} from "proofline/contracts/types/MediaTypes.sol";

contract TinyLender is InferenceConsumer {
    mapping(address borrower => uint16 score) public scoreOf;

    error NotAScore(uint32 index);

    constructor(IInferenceLedger ledger, Allowlists memory lists)
        InferenceConsumer(
            ledger,
            Policy(VerificationLevel.ZKML, false, true, true, 1 hours, Answerers.Nodes, AttestedInputRule.Whole),
            lists
        )
    {}

    function useScore(
        bytes32 id,
        AnswerCommitments calldata c,
        OutputPart calldata part,
        bytes32[] calldata proof,
        AttestedInput calldata features
    ) external {
        _consume(id, c, part, proof, features);
        if (part.kind != OutputKind.Data || keccak256(bytes(part.mediaType)) != MediaTypes.RISK_SCORE_HASH) {
            revert NotAScore(part.index);
        }
        (address borrower, uint16 score) = abi.decode(part.content, (address, uint16));
        scoreOf[borrower] = score;
    }
}
`;

/** Its client code: plain Node.js, no TypeScript loader, importing the package's built entry points. */
const CLIENT_CHECK = `import * as proofline from "proofline";
import * as testing from "proofline/testing";
import * as typechain from "proofline/typechain";
const id = "0x" + "ab".repeat(32);
const text = proofline.bytes32ToBlobId(id);
if (proofline.blobIdToBytes32(text) !== id) throw new Error("blob id round trip failed");
for (const name of ["answerDigest", "OutputCommitment", "signAnswer", "SettlementBatch", "buildTrail", "readRoles", "attestedInputArg", "signSourcedData", "twinIdOf", "proveRiskScore"]) {
  if (!(name in proofline)) throw new Error("missing export " + name);
}
if (typeof testing.deployProofline !== "function") throw new Error("missing deployProofline");
if (!testing.readArtifact("InferenceLedger").bytecode.startsWith("0x6")) throw new Error("no ledger bytecode");
if (testing.readParameterFile("default").$global.trustAdminDelay !== 3600) throw new Error("no default parameters");
if (typeof typechain.IInferenceLedger__factory.connect !== "function") throw new Error("missing typed bindings");
console.log("client ok " + text);
`;

/**
 * The consumer project's own test: the whole system from \`proofline/testing\`, a risk score answered over features the
 * credit bureau signed, settled with a real Groth16 proof, and consumed by the project's own contracts.
 */
const CONSUMER_TEST = `import { expect } from "chai";
import { network } from "hardhat";
import { Level, RecordState, releaseProver } from "proofline";
import { deployProofline } from "proofline/testing";

const connection = await network.create();
const { ethers } = connection;

describe("TinyLender against Proofline", function () {
  // snarkjs keeps worker threads for the curve after a proof; stop them so the test process can exit.
  after(releaseProver);

  it("takes a score proven over the bureau's features, once", async function () {
    const proofline = await deployProofline(connection);
    const { ledger, signers } = proofline;
    const lists = { artifacts: [1n], answerers: [signers.node.address], dataSources: [1n] };
    const tiny = await ethers.deployContract("TinyLender", [await ledger.getAddress(), lists]);
    const lender = await ethers.deployContract("Lender", [await ledger.getAddress(), lists]);
    const borrower = signers.other.address;

    const record = await proofline.answerRiskScore(
      { subject: borrower, features: [120n, 640n, 30n, 900n], salt: 42n },
      { attestedBy: signers.bureau },
    );
    const args = proofline.consumeArgs(record);
    await expect(tiny.useScore(...args)).to.be.revertedWithCustomError(tiny, "InferenceNotSettled");

    await proofline.settleRiskScore(record);
    const status = await ledger.getRecord(record.answer.inferenceId);
    expect(status.state).to.equal(RecordState.Settled);
    expect(status.achieved).to.equal(Level.ZKML);

    await expect(tiny.useScore(...args))
      .to.emit(tiny, "AttestedInputUsed")
      .withArgs(record.answer.inferenceId, 0, 1, args[4].contentHash);
    expect(await tiny.scoreOf(borrower)).to.equal(record.score);
    await expect(tiny.useScore(...args)).to.be.revertedWithCustomError(tiny, "InferenceAlreadyConsumed");

    // The NatSpec example's lender checks whose score it is.
    await expect(lender.useScore(signers.publisher.address, ...args)).to.be.revertedWithCustomError(
      lender,
      "ScoreOfAnother",
    );
    await lender.useScore(borrower, ...args);
    expect(await lender.scoreOf(borrower)).to.equal(record.score);
  });

  it("deploys into a connection without hardhat-ethers too, signing through ethers' BrowserProvider", async function () {
    const plain = await network.create();
    const proofline = await deployProofline({ provider: plain.provider });
    const record = await proofline.answerRiskScore(
      { subject: proofline.signers.other.address, features: [1n, 2n, 3n, 4n], salt: 5n },
      { attestedBy: proofline.signers.bureau },
    );
    await proofline.settleRiskScore(record);
    expect((await proofline.ledger.getRecord(record.answer.inferenceId)).achieved).to.equal(Level.ZKML);
  });
});
`;

/** The Solidity example in a contract's NatSpec (the lines between \`/// \`\`\`solidity\` and \`/// \`\`\`\`), as a file. */
function natspecExample(source: string): string {
  const match = /^\/\/\/ ```solidity\n([\s\S]*?)^\/\/\/ ```$/m.exec(source);
  expect(match, "a ```solidity block in the NatSpec").to.not.equal(null);
  const body = match![1].replace(/^\/\/\/ ?/gm, "");
  return `// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n\n${body}`;
}

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 300_000, env: foreignProjectEnv() });
  expect(result.status, `${command} ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).to.equal(0);
  return result.stdout;
}

/**
 * What `npm install proofline` gives another project, built from this repository with `npm pack` (which runs the
 * `prepack` build of `dist/`): the tarball is unpacked into the project's node_modules, and the package's own
 * dependencies (OpenZeppelin, ethers, snarkjs, x402's client, ...), Hardhat with its mocha and ethers toolbox
 * (which brings Ignition), chai and TypeScript are linked from this repository's node_modules instead of being
 * downloaded.
 */
describe("the published package, used by a separate tiny project", function () {
  this.timeout(900_000);
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
    for (const dependency of [
      "hardhat",
      "@nomicfoundation",
      "@openzeppelin",
      "@x402",
      "@types",
      "chai",
      "ethers",
      "poseidon-lite",
      "snarkjs",
      "typescript",
    ]) {
      symlinkSync(join(ROOT, "node_modules", dependency), join(project, "node_modules", dependency), "dir");
    }
    mkdirSync(join(project, "contracts"));
    writeFileSync(join(project, "contracts", "TinyLender.sol"), TINY_CONSUMER);
    // The example at the top of InferenceConsumer.sol, as the package ships it.
    const base = readFileSync(join(installed, "contracts", "consumer", "InferenceConsumer.sol"), "utf8");
    writeFileSync(join(project, "contracts", "Lender.sol"), natspecExample(base));
    mkdirSync(join(project, "test"));
    writeFileSync(join(project, "test", "TinyLender.ts"), CONSUMER_TEST);
    writeFileSync(join(project, "check.mjs"), CLIENT_CHECK);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "tiny-lender", private: true, type: "module", dependencies: { proofline: "0.1.0" } }),
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          lib: ["es2023"],
          module: "node16",
          moduleResolution: "node16",
          target: "es2022",
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ["hardhat.config.ts", "test", "types"],
      }),
    );
    const solc = join(ROOT, "node_modules", "solc", "soljson.js");
    // Under `--coverage` this repository's artifacts are the instrumented build, larger than EIP-170 allows (the
    // coverage run lifts the limit on its own networks); the consumer's network must then lift it too.
    const unlimited = hre.globalOptions.coverage === true;
    writeFileSync(
      join(project, "hardhat.config.ts"),
      `import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";
export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: "${SOLC_VERSION}",
    path: ${JSON.stringify(solc)},
    settings: { evmVersion: "prague", viaIR: true, optimizer: { enabled: true, runs: 200 } },
  },
  networks: {
    default: { type: "edr-simulated", chainType: "l1", allowUnlimitedContractSize: ${unlimited} },
  },
});
`,
    );
  });

  after(() => {
    if (project) rmSync(join(project, ".."), { recursive: true, force: true });
  });

  it("ships the consumer base and types, the built client and devkit, artifacts, modules and parameters; not the tests", () => {
    for (const file of [
      "contracts/consumer/InferenceConsumer.sol",
      "contracts/consumer/PolicyLib.sol",
      "contracts/interfaces/IInferenceLedger.sol",
      "contracts/types/CommitmentTypes.sol",
      "contracts/types/MediaTypes.sol",
      "contracts/libraries/CommitmentLib.sol",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/typechain/index.js",
      "dist/src/typechain/index.d.ts",
      "dist/testing/devkit.js",
      "dist/testing/devkit.d.ts",
      "dist/deploy/modules/ProoflineLocal.js",
      "dist/deploy/modules/Proofline.js",
      "dist/deploy/parameters/default.json",
      "dist/deploy/parameters/baseSepolia.json",
      "dist/artifacts/contracts/ledger/InferenceLedger.sol/InferenceLedger.json",
      "dist/artifacts/@openzeppelin/contracts/access/manager/AccessManager.sol/AccessManager.json",
      "dist/artifacts/contracts/verification/zk/RiskScorerVerifier.sol/RiskScorerVerifier.json",
      "circuits/risk-scorer/build/risk_scorer.wasm",
      "circuits/risk-scorer/build/risk_scorer.zkey",
      "dist/artifacts/contracts/verification/zk/RiskScorerBatch16Verifier.sol/RiskScorerBatch16Verifier.json",
      "circuits/risk-scorer-batch16/build/risk_scorer_batch16.zkey",
      "circuits/risk-scorer-batch8/build/verification_key.json",
      "docs/HASHING.md",
    ]) {
      expect(packed, file).to.include(file);
    }
    const notShipped = (file: string) =>
      /^(test|deploy|testing|artifacts|scripts)\//.test(file) ||
      file.startsWith("dist/artifacts/build-info/") ||
      file.includes("deployments/") ||
      /^dist\/[^/]+\.js$/.test(file);
    expect(packed.filter(notShipped)).to.deep.equal([]);
    // Of the test contracts, only the token the local deployment pays with.
    expect(packed.filter((file) => file.includes("/mocks/") && file.endsWith(".json"))).to.deep.equal([
      "dist/artifacts/contracts/mocks/TestUSDC.sol/TestUSDC.json",
    ]);
  });

  it("ships in Solidity the media types the client writes, each with its hash", () => {
    const source = readFileSync(join(ROOT, "contracts", "types", "MediaTypes.sol"), "utf8");
    const strings = new Map(
      [...source.matchAll(/string internal constant (\w+) = "([^"]*)";/g)].map((m) => [m[1], m[2]]),
    );
    const hashes = new Map(
      [...source.matchAll(/bytes32 internal constant (\w+)_HASH = keccak256\("([^"]*)"\);/g)].map((m) => [m[1], m[2]]),
    );
    expect([...strings.values()].sort()).to.deep.equal(Object.values(MEDIA_TYPES).sort());
    // Each `X_HASH` is `keccak256` of the same literal as `X`.
    expect(hashes).to.deep.equal(strings);
  });

  it("compiles the consumer and the NatSpec example, importing proofline/contracts/..., with Hardhat", () => {
    run(process.execPath, [HARDHAT_CLI, "build"], project);
    for (const name of ["TinyLender", "Lender"]) {
      const artifact = join(project, "artifacts", "contracts", `${name}.sol`, `${name}.json`);
      expect(existsSync(artifact), name).to.equal(true);
      const abi = JSON.parse(readFileSync(artifact, "utf8")).abi as { name?: string }[];
      expect(abi.map((entry) => entry.name)).to.include.members(["useScore", "checkInference", "InferenceConsumed"]);
    }
  });

  it("imports the client, the devkit and the typed bindings from plain Node.js", () => {
    expect(run(process.execPath, ["check.mjs"], project)).to.match(/^client ok /);
  });

  it("type-checks the consumer's test against the package's declarations", () => {
    run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."], project);
  });

  it("runs the consumer's test: deploys with proofline/testing, answers, settles with a real proof, consumes", () => {
    const output = run(process.execPath, [HARDHAT_CLI, "test", "mocha"], project);
    expect(output).to.match(/2 passing/);
  });
});
