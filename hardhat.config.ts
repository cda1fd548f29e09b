import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { ArgumentType } from "hardhat/types/arguments";
import { configVariable, defineConfig, overrideTask, task } from "hardhat/config";

import { prooflineTasks } from "./scripts/tasks/index.js";

const require = createRequire(import.meta.url);

/**
 * The Solidity compiler is the pinned npm `solc` package (its WASM build), never a download: Hardhat's compiler
 * host is unreachable on the machines this project runs on, and a pinned package makes every build reproducible.
 * Keep SOLC_VERSION equal to the exact `solc` version in package.json.
 */
export const SOLC_VERSION = "0.8.30";

/** Deep fuzzing: set by `npm run test:deep`; CI keeps the faster settings below. */
const DEEP = process.env.PROOFLINE_DEEP === "1";
const SOLC_PATH = require.resolve("solc/soljson.js");
/**
 * Mocha files in two worker processes: `npm test` sets PROOFLINE_PARALLEL=1 (tooling/test.sh). Most mocha time is spent
 * waiting on the chains, nodes and browsers the tests start, so two files at once nearly halve it on two cores. Off by
 * default, so `.only` and a debugger work when running one file.
 */
const PARALLEL_MOCHA = process.env.PROOFLINE_PARALLEL === "1";

/**
 * viaIR: the ledger's record and answer structs need the IR pipeline's stack handling, and it produces the cheaper
 * code the gas budgets ask for.
 */
/** Base (OP Stack) supports every Prague-era opcode (PUSH0, MCOPY, transient storage), so Prague is the target. */
const EVM_VERSION = "prague";

/** `npx hardhat trail <inferenceId>`: an inference's history from chain data (scripts/trail.ts, src/trail.ts). */
const trailTask = task("trail", "Rebuild an inference's history from chain data")
  .addPositionalArgument({ name: "inferenceId", description: "The inference id (bytes32)" })
  .addOption({
    name: "ledger",
    description: "Ledger address (default: this chain's Ignition deployment)",
    defaultValue: "",
  })
  .addOption({
    name: "escrow",
    description: "Escrow address (default: this chain's Ignition deployment)",
    defaultValue: "",
  })
  .addOption({
    name: "fromBlock",
    description: "First block to search for events (default: the deployment's first block, from its journal)",
    type: ArgumentType.BIGINT,
    defaultValue: 0n,
  })
  .addOption({
    name: "input",
    description: "A JSON file with the record's input manifest (its parts are listed and their signatures checked)",
    defaultValue: "",
  })
  .addFlag({ name: "json", description: "Print JSON for tools instead of a table" })
  // scripts/trail.ts behind the tasks' friendly failures (one line, the deployment checked on the connected chain).
  .setAction(() => import("./scripts/tasks/chainData.js").then((m) => ({ default: m.trailTask })))
  .build();

/** `npx hardhat roles`: a deployment's addresses and who holds which power (scripts/roles.ts, src/deployments.ts). */
const rolesTask = task("roles", "Print a deployment's contracts and who holds which role over them")
  .addOption({
    name: "deploymentId",
    description: "Ignition deployment id (default: chain-<chainId> of the connected network)",
    defaultValue: "",
  })
  .addOption({
    name: "fromBlock",
    description: "First block to search for role events (default: the deployment's first block, from its journal)",
    type: ArgumentType.BIGINT,
    defaultValue: 0n,
  })
  .addFlag({ name: "json", description: "Print JSON for tools instead of a table" })
  .setAction(() => import("./scripts/tasks/chainData.js").then((m) => ({ default: m.rolesTask })))
  .build();

/**
 * `ignition deploy` with a preflight (scripts/tasks/deployCheck.ts): a parameters file that names a payment token has
 * it checked on the connected chain, and the live-network delay rule held, before anything is sent.
 */
const deployPreflight = overrideTask(["ignition", "deploy"])
  .setAction(() => import("./scripts/tasks/deployCheck.js"))
  .build();

/**
 * The optimizer is tuned for 10,000 runs: contracts are called far more often than deployed, so runtime gas comes
 * first, and every deployable stays well under the 24,576-byte limit (EIP-170) at this setting. `npm run bench`
 * prints every deployable's size beside its gas; CI fails a contract that outgrows the limit or its snapshot by 5%.
 */
const OPTIMIZER_RUNS = 10_000;
/**
 * `npm test`'s coverage run (tooling/test.sh sets PROOFLINE_COVERAGE_BUILD=1, and the tasks its tests start inherit it)
 * compiles its instrumented build without the optimizer: 90 s instead of 155 s on two cores, more than a fifth of
 * the test phase. The instrumented code is not what gets deployed either way; the optimized build is what the demo,
 * the gas benchmark (whose figures CI gates) and every deployment run, and it is compiled with zero warnings first.
 */
const COVERAGE_BUILD = process.env.PROOFLINE_COVERAGE_BUILD === "1";
/** One build for every profile, so what a test or a benchmark measures is what gets deployed. */
const build = () => ({
  version: SOLC_VERSION,
  path: SOLC_PATH,
  settings: {
    evmVersion: EVM_VERSION,
    viaIR: true,
    optimizer: COVERAGE_BUILD ? { enabled: false } : { enabled: true, runs: OPTIMIZER_RUNS },
  },
});

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  // trail and roles read chain data; the others (scripts/tasks/) register, answer, settle and set up trust; the
  // override checks a live deployment's payment token first.
  tasks: [trailTask, rolesTask, ...prooflineTasks, deployPreflight],
  solidity: {
    // Deployed as-is from OpenZeppelin, so it must be compiled from the package.
    npmFilesToBuild: ["@openzeppelin/contracts/access/manager/AccessManager.sol"],
    profiles: { default: build(), production: build() },
  },
  paths: {
    ignition: "deploy",
  },
  test: {
    solidity: {
      // Shared test vectors, read by the Solidity tests with `vm.readFile`.
      fsPermissions: { readFile: ["./test/vectors/commitments.json"] },
      // `npm run test:deep` (PROOFLINE_DEEP=1) runs the fuzz and invariant tests far longer than CI does.
      fuzz: { runs: DEEP ? 10_000 : 256 },
      invariant: { runs: DEEP ? 256 : 64, depth: DEEP ? 64 : 32, failOnRevert: false },
    },
    mocha: PARALLEL_MOCHA ? { parallel: true, jobs: 2 } : {},
  },
  networks: {
    default: {
      type: "edr-simulated",
      chainType: "l1",
    },
    localhost: {
      type: "http",
      chainType: "l1",
      // `./proofline node` serves on 8545; PROOFLINE_LOCALHOST_URL points `--network localhost` at a node elsewhere
      // (the newcomer walkthrough test starts its own node on a free port).
      url: process.env.PROOFLINE_LOCALHOST_URL ?? "http://127.0.0.1:8545",
    },
    baseSepolia: {
      type: "http",
      chainType: "op",
      chainId: 84532,
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("BASE_SEPOLIA_PRIVATE_KEY")],
    },
    base: {
      type: "http",
      chainType: "op",
      chainId: 8453,
      url: configVariable("BASE_RPC_URL"),
      accounts: [configVariable("BASE_PRIVATE_KEY")],
    },
  },
  verify: {
    etherscan: {
      // Etherscan's v2 API key covers Basescan (Base 8453 and Base Sepolia 84532).
      apiKey: configVariable("ETHERSCAN_API_KEY"),
    },
  },
  typechain: {
    // Inside src/ so the client library's typed contract reads (src/trail.ts) compile into the package with it.
    // Generated at every build, never committed.
    outDir: "src/typechain",
  },
});
