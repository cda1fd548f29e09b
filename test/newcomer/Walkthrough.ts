import { spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import answerTask from "../../scripts/tasks/answer.js";
import * as bondTasks from "../../scripts/tasks/bond.js";
import { enclaveHeartbeat, providerRegister as providerTask } from "../../scripts/tasks/attesters.js";
import * as batchTasks from "../../scripts/tasks/batch.js";
import * as settleTasks from "../../scripts/tasks/settle.js";
import timeTask from "../../scripts/tasks/time.js";
import { findDeployed, readDeployedAddresses } from "../../src/deployments.js";
import { Level, RecordState } from "../../src/ledger.js";
import { freePort, startHardhatNode } from "../utils/hardhatNode.js";

const ROOT = resolve(".");
const DOC = "docs/FIRST-INFERENCE.md";
/** What the walkthrough writes into the tree (all ignored by git), moved aside first and put back afterwards. */
const STASHED = ["deploy/deployments/chain-31337", ".proofline/chain-31337", "cache/.hardhat-network-instances.json"];

/** One `sh` block of the walkthrough: its commands, and the output lines the `text` block after it shows. */
interface Step {
  commands: string[];
  shown: string[];
}

/** The walkthrough's command blocks, as a reader would copy them (continuation lines joined). */
function walkthrough(markdown: string): Step[] {
  const steps: Step[] = [];
  let previous = "";
  for (const [, language, body] of markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    if (language === "sh") {
      const commands = body
        .replace(/\\\n\s*/g, " ")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("#"));
      steps.push({ commands, shown: [] });
    } else if (language === "text" && previous === "sh") {
      steps[steps.length - 1].shown = body.split("\n").filter((line) => line.trim() !== "");
    }
    previous = language;
  }
  return steps;
}

/**
 * Each command of the walkthrough in order (the node is started by the test), with its exit status and what its
 * output must say. A command added to or removed from the page fails the first check until it is listed here.
 */
const EXPECTED: Array<{ task: string; status: number; says: RegExp }> = [
  { task: "ignition deploy", status: 0, says: /\[ ProoflineLocal \] successfully deployed/ },
  { task: "model:register", status: 0, says: /^label "risk-scorer" -> artifact 1$/m },
  { task: "trust:add-verifier", status: 0, says: /^scheduled: add verifier .* delay is 3600 s/ms },
  { task: "trust:approve-measurement", status: 0, says: /^scheduled: approve measurement 0x99b3/m },
  { task: "trust:register-enclave", status: 0, says: /^scheduled: register enclave 0x9965/m },
  { task: "trust:add-verifier", status: 1, says: /^error: .*the delay has not passed: executable from .*time:advance/ },
  { task: "time:advance", status: 0, says: /^moved the clock of localhost forward by 3600 s/ },
  { task: "trust:add-verifier", status: 0, says: /to the router: executed by TRUST_ADMIN 0xFABB/ },
  { task: "trust:approve-measurement", status: 0, says: /: executed by TRUST_ADMIN 0xFABB/ },
  { task: "trust:register-enclave", status: 0, says: /: executed by TRUST_ADMIN 0xFABB.*development enclave key/s },
  { task: "model:bind-verifier", status: 0, says: /^artifact 1 bound to verifier 0xDc64/ },
  { task: "enclave:heartbeat", status: 0, says: /^ {2}live until /m },
  { task: "node:register", status: 0, says: /^node 1: key 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65/ },
  { task: "bond:deposit", status: 0, says: /^deposited 1\.0 ETH into node 1's bond/m },
  {
    task: "answer",
    status: 0,
    says: /risk score 238 .*\n {2}locked 0\.01 ETH .*\n.*\n {2}state now: Answered \(not settled\)/,
  },
  { task: "settle:tee", status: 0, says: /^ {2}state now: Settled, achieved TEE/m },
  { task: "answer", status: 0, says: /claiming ZKML\n.*\n {2}risk score 329 / },
  { task: "settle:zk", status: 0, says: /^ {2}state now: Settled, achieved ZKML/m },
  { task: "trail", status: 0, says: /^state now +Settled: claimed ZKML, achieved ZKML$/m },
  { task: "run", status: 0, says: /^All \d+ steps did what they say\.$/m },
];

type AnswerArgs = Parameters<typeof answerTask>[0];
/** `answer`'s arguments as the task runner would pass them: every option at its default unless given. */
const answerArgs = (args: Partial<AnswerArgs>): AnswerArgs => ({
  deploymentId: "",
  file: "",
  artifact: "",
  provider: "",
  claim: "",
  features: "",
  subject: "",
  salt: "",
  weights: "",
  prompt: "",
  outputText: "",
  paymentRef: "",
  nonce: "",
  signer: "",
  out: "",
  ...args,
});

const TEE_ID = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a658e561aecc63af6d7b5b746ca";
const ZK_ID = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a651e957c96ccbce5739780cdc0";

const taskOf = (command: string) => {
  const words = command.split(/\s+/);
  return words[1] === "ignition" ? `ignition ${words[2]}` : words[1];
};

/** A shown output line as a pattern: `…` stands for anything, the rest is literal. */
const shownPattern = (line: string) =>
  new RegExp(
    `^${line
      .split("…")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );

/** Runs `command` as the reader would, in a shell at the repository root, against the node at `url`. */
function run(command: string, url: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, PROOFLINE_LOCALHOST_URL: url };
  // The walkthrough's commands say which network they use; the test runner's own must not leak into them.
  delete env.HARDHAT_NETWORK;
  const result = spawnSync("sh", ["-c", command], { cwd: ROOT, env, encoding: "utf8", timeout: 300_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

/** A failure as the tasks print it: exactly one line, `error: ...`, and no stack trace or bug report link. */
function expectOneLineFailure(result: ReturnType<typeof run>, says: RegExp) {
  expect(result.status, result.output).to.equal(1);
  const lines = result.stderr.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("npm warn"));
  expect(lines, result.output).to.have.length(1);
  expect(lines[0]).to.match(/^error: /);
  expect(lines[0]).to.match(says);
  expect(result.output).to.not.match(/report-bug|\n\s+at /);
}

describe("newcomer walkthrough (docs/FIRST-INFERENCE.md), verbatim, on a local node", function () {
  this.timeout(600_000);
  let node: ChildProcess | undefined;
  let url = "";
  let stash = "";
  const hadProoflineDir = existsSync(".proofline");

  before(async () => {
    stash = mkdtempSync(join(tmpdir(), "proofline-walkthrough-"));
    STASHED.forEach((path, i) => {
      if (existsSync(path)) {
        cpSync(path, join(stash, `${i}`), { recursive: true });
        rmSync(path, { recursive: true, force: true });
      }
    });
    const port = await freePort();
    node = await startHardhatNode(port);
    url = `http://127.0.0.1:${port}`;
  });

  after(() => {
    node?.kill();
    STASHED.forEach((path, i) => {
      rmSync(path, { recursive: true, force: true });
      if (existsSync(join(stash, `${i}`))) cpSync(join(stash, `${i}`), path, { recursive: true });
    });
    rmSync(stash, { recursive: true, force: true });
    if (!hadProoflineDir && existsSync(".proofline") && readdirSync(".proofline").length === 0) {
      rmSync(".proofline", { recursive: true });
    }
  });

  it("every command of the page does what the page says", async () => {
    const steps = walkthrough(readFileSync(DOC, "utf8"));
    const commands = steps.flatMap((step) => step.commands);
    expect(commands[0], "step 1 starts the node").to.equal("./proofline node");
    for (const command of commands) expect(command, "only ./proofline commands").to.match(/^\.\/proofline /);
    expect(commands.slice(1).map(taskOf)).to.deep.equal(EXPECTED.map((e) => e.task));

    let index = 0;
    for (const step of steps) {
      let output = "";
      for (const command of step.commands) {
        if (command === "./proofline node") continue; // the test's own node stands in for it
        const expected = EXPECTED[index++];
        const result = run(command, url);
        expect(result.status, `${command}\n${result.output}`).to.equal(expected.status);
        expect(result.output, command).to.match(expected.says);
        if (expected.status !== 0) expectOneLineFailure(result, /./);
        output += result.output;
      }
      // The output the page shows after a block appears, line by line and in order, in what the block printed.
      const lines = output.split("\n");
      let at = 0;
      for (const shown of step.shown) {
        const pattern = shownPattern(shown);
        const found = lines.findIndex((line, i) => i >= at && pattern.test(line));
        expect(found, `the page shows "${shown}" after ${step.commands.join("; ")}, not printed:\n${output}`).to.be.gte(
          0,
        );
        at = found + 1;
      }
    }

    // The chain agrees with what the commands printed: both inferences settled, at TEE and at ZKML.
    const ledgerAddress = findDeployed(readDeployedAddresses("chain-31337"), "InferenceLedger")!;
    const connection = await network.create({ network: "localhost", override: { url } });
    const ledger = await connection.ethers.getContractAt("InferenceLedger", ledgerAddress);
    for (const [id, level] of [
      [TEE_ID, Level.TEE],
      [ZK_ID, Level.ZKML],
    ] as const) {
      const [state, achieved] = await ledger.settlementOf(id);
      expect([Number(state), Number(achieved)]).to.deep.equal([RecordState.Settled, level]);
    }
    await connection.close();
  });

  it("fails with one line that names the mistake and the fix", async () => {
    expectOneLineFailure(run("./proofline settle:tee 0x1234 --network localhost", url), /32 bytes of hex.*\(2 bytes\)/);
    // Forgotten --network: the built-in network has chain id 31337 too, and no code at the recorded addresses.
    expectOneLineFailure(run(`./proofline trail ${ZK_ID}`, url), /built-in network.*Add --network localhost/);
    expectOneLineFailure(
      run(`./proofline settle:zk ${ZK_ID} --network nowhere`, url),
      /"nowhere" is not defined.*Known networks: default, localhost/,
    );
    // A node restarted since the deployment: another fresh node behind the same URL.
    const port = await freePort();
    const fresh = await startHardhatNode(port);
    try {
      expectOneLineFailure(
        run(`./proofline trail ${ZK_ID} --network localhost`, `http://127.0.0.1:${port}`),
        /no code there on network localhost.*restarted.*Deploy again: \.\/proofline ignition deploy/,
      );
    } finally {
      fresh.kill();
    }
  });

  it("the other tasks: batches, refutation, rejection at the deadline, finalization, answers from a file", async () => {
    const connection = await network.create({ network: "localhost", override: { url } });
    const local = Object.assign(Object.create(hre) as HardhatRuntimeEnvironment, {
      network: { ...hre.network, create: async () => connection },
    });
    const printed: string[] = [];
    const call = async <A>(action: (args: A, hre: HardhatRuntimeEnvironment) => Promise<unknown>, args: A) => {
      const [log, error] = [console.log, console.error];
      const lines: string[] = [];
      console.log = (text: string) => lines.push(`${text}`);
      console.error = (text: string) => lines.push(`${text}`);
      try {
        const result = (await action(args, local)) as { success: boolean };
        printed.push(...lines);
        return { success: result.success, output: lines.join("\n") };
      } finally {
        [console.log, console.error] = [log, error];
      }
    };
    const idOf = (output: string) => {
      const id = /^inference (0x[0-9a-f]{64})$/m.exec(output)?.[1];
      expect(id, output).to.be.a("string");
      return id!;
    };

    // The page's last step, the demo, moved the node's clock a few days: the enclave beats again, as the page's
    // table of mistakes says.
    const beat = await call(enclaveHeartbeat, { deploymentId: "", enclave: "5", signer: "" });
    expect(beat.output).to.match(/^ {2}live until /m);

    const provider = await call(providerTask, { deploymentId: "", name: "openai/gpt-4o-2024-08-06", signer: "" });
    expect(provider.output).to.match(/^provider 1 "openai\/gpt-4o-2024-08-06"/);
    const proxyZk = await call(
      answerTask,
      answerArgs({ provider: "1", claim: "zkml", prompt: "hi", outputText: "yo" }),
    );
    expect(proxyZk).to.deep.include({ success: false });
    expect(proxyZk.output).to.match(/^error: a Proxy-route answer cannot claim zkml/);

    // Vanilla, answered from a JSON file: it cannot be finalized before its challenge window has passed.
    const file = join(mkdtempSync(join(tmpdir(), "proofline-answer-")), "answer.json");
    writeFileSync(
      file,
      JSON.stringify({
        artifact: 1,
        claim: "vanilla",
        input: [{ kind: "prompt", name: "prompt", content: "Is post 7 spam?" }],
        output: [{ kind: "text", content: "no" }],
      }),
    );
    const vanilla = idOf((await call(answerTask, answerArgs({ file }))).output);
    const early = await call(settleTasks.finalizeTask, { deploymentId: "", inferenceId: vanilla });
    expect(early.output).to.match(/^error: .*challenge window ends at .*time:advance/);

    // Two TEE answers settled by one enclave-signed batch.
    const batched = [];
    for (const nonce of ["batch a", "batch b"]) {
      const answered = await call(
        answerTask,
        answerArgs({ artifact: "1", claim: "tee", prompt: nonce, outputText: "ok", nonce }),
      );
      batched.push(idOf(answered.output));
    }
    const committed = await call(batchTasks.commit, { deploymentId: "", inferenceIds: batched, enclave: "" });
    expect(committed.output).to.match(/^batch of 2 committed for round \d+ by enclave 0x9965/);
    for (const id of batched) {
      const settled = await call(batchTasks.settle, { deploymentId: "", inferenceId: id, enclave: "", round: "" });
      expect(settled.output).to.match(/state now: Settled, achieved TEE/);
    }
    const again = await call(settleTasks.tee, { deploymentId: "", inferenceId: batched[0], enclave: "" });
    expect(again.output).to.match(/^error: inference .* is already Settled \(achieved TEE\)$/);

    // A TEE answer refuted by an enclave that attests another output.
    const refuted = idOf(
      (await call(answerTask, answerArgs({ artifact: "1", claim: "tee", prompt: "q", outputText: "no" }))).output,
    );
    const refutation = await call(settleTasks.refute, {
      deploymentId: "",
      inferenceId: refuted,
      enclave: "5",
      outputText: "yes",
      otherOutput: "",
    });
    expect(refutation.output).to.match(/refuted by enclave 0x9965[\s\S]*state now: Rejected/);

    // A TEE answer nobody settles: rejected only after its deadline, which the clock is moved past.
    const late = idOf(
      (await call(answerTask, answerArgs({ artifact: "1", claim: "tee", prompt: "late", outputText: "x" }))).output,
    );
    const tooSoon = await call(settleTasks.rejectTask, { deploymentId: "", inferenceId: late });
    expect(tooSoon.output).to.match(/^error: .*may still reach TEE until its settlement deadline/);
    await call(timeTask, { seconds: "86401" });
    expect((await call(settleTasks.rejectTask, { deploymentId: "", inferenceId: late })).output).to.match(
      /rejected, it did not reach its claimed TEE[\s\S]*state now: Rejected/,
    );
    expect((await call(settleTasks.finalizeTask, { deploymentId: "", inferenceId: vanilla })).output).to.match(
      /finalized at Vanilla[\s\S]*state now: Settled, achieved Vanilla/,
    );

    // Bonds: each TEE answer above locked 0.01 ETH of node 1's bond. A settled record gives its lock back, once; the
    // late one is slashed, once (the slasher reports the missed deadline and takes half); a settled one cannot be.
    const lockArgs = (inferenceId: string) => ({ deploymentId: "", inferenceId, signer: "" });
    const status = await call(bondTasks.statusTask, { deploymentId: "", node: "" });
    expect(status.output).to.match(/^node 1 \(key 0x15d34AAf.*\n {2}ETH +free 0\.9\d* ETH, locked 0\.0[1-9]\d* ETH/m);
    const released = await call(bondTasks.releaseTask, lockArgs(batched[0]));
    expect(released.output).to.match(/released its lock of 0\.01 ETH to node 1's free bond/);
    expect((await call(bondTasks.releaseTask, lockArgs(batched[0]))).output).to.match(
      /already Released: nothing to do/,
    );
    const settledSlash = await call(bondTasks.slashTask, lockArgs(batched[1]));
    expect(settledSlash.output).to.match(
      /^error: .* is Settled: only a record rejected for a missed deadline or refuted/,
    );
    const slashed = await call(bondTasks.slashTask, lockArgs(late));
    expect(slashed.output).to.match(/slashed node 1's lock of 0\.01 ETH\n {2}0\.005 ETH to the reporter 0xf39F/);
    expect((await call(bondTasks.slashTask, lockArgs(late))).output).to.match(/^error: .* already Slashed$/m);
    const credit = await call(bondTasks.withdrawTask, {
      deploymentId: "",
      asset: "eth",
      to: "",
      credit: true,
      node: "",
      signer: "",
    });
    expect(credit.output).to.match(/^withdrew 0\.005 ETH of slash credit of 0xf39F/);

    // Unbonding: the operator takes half the free bond out, after the unbonding period only.
    const bondArgs = { deploymentId: "", asset: "eth", node: "", signer: "" };
    const unbonding = await call(bondTasks.unbondTask, { ...bondArgs, amount: "0.5", cancel: false });
    expect(unbonding.output).to.match(/^node 1: 0\.5 ETH of its free bond is unbonding\n.*withdrawable from /m);
    const withdrawArgs = { ...bondArgs, to: "", credit: false };
    const tooEarly = await call(bondTasks.withdrawTask, withdrawArgs);
    expect(tooEarly).to.deep.include({ success: false });
    expect(tooEarly.output).to.match(/^error: node 1's 0\.5 ETH unbonds at .*time:advance/);
    await call(timeTask, { seconds: `${3 * 86_400 + 1}` });
    const withdrawn = await call(bondTasks.withdrawTask, withdrawArgs);
    expect(withdrawn.output).to.match(/^node 1: withdrew 0\.5 ETH of unbonded bond to 0xf39F.*\n {2}ETH +free 0\.4/m);
    const topUp = await call(bondTasks.depositTask, { ...bondArgs, amount: "0.5" });
    expect(topUp.output).to.match(/^deposited 0\.5 ETH into node 1's bond/);
    const noAmount = await call(bondTasks.depositTask, { ...bondArgs, amount: "0" });
    expect(noAmount.output).to.match(/^error: --amount must be more than zero$/);

    // The built-in network's clock cannot be moved for a later command.
    const builtIn = Object.assign(Object.create(hre) as HardhatRuntimeEnvironment, {
      network: { ...hre.network, create: () => network.create() },
    });
    const [log, error] = [console.log, console.error];
    const lines: string[] = [];
    console.error = (text: string) => lines.push(text);
    try {
      await timeTask({ seconds: "10" }, builtIn);
    } finally {
      [console.log, console.error] = [log, error];
    }
    expect(lines.join("\n")).to.match(/^error: this is Hardhat's built-in network.*Add --network localhost$/);
    await connection.close();
  });

  it("the demo runs again on the same node, beside everything deployed before", () => {
    const again = run("./proofline run scripts/demo.ts --network localhost", url);
    expect(again.status, again.output).to.equal(0);
    expect(again.output).to.match(/^1\. Deploy the system on network localhost$/m);
    expect(again.output).to.match(/^All \d+ steps did what they say\.$/m);
  });
});
