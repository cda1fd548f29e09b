#!/usr/bin/env node
// Mutation check of the revert guards: removes one `revert` guard at a time from contracts/ (mocks and bench
// excepted), rebuilds, and runs the tests most likely to notice, stopping at the first test file that fails.
// A guard whose removal no test notices "survives". See docs/MUTATION.md.
//
//   sh tooling/run.sh node tooling/mutants.mjs [--sample N | --all | --only File.sol:line] [options]
//
// Options:
//   --sample N        a deterministic sample of N guards, spread round-robin across the files (default 36)
//   --all             every guard
//   --only F.sol:L    one guard: F is a file name or a path under contracts/, L the line of its `revert` or its `if`;
//                     several, comma-separated
//   --list            print the guards (and the sample) and the tests chosen for each, then exit; changes nothing
//   --resume          skip the guards already in the results file (a killed run picks up where it stopped);
//                     without it every chosen guard is run again, and its new line supersedes the old one
//   --results FILE    the JSON-lines results file, appended to (default scratch/mutants.jsonl)
//   --report          print the chosen guards' results from the results file as a Markdown table; runs nothing
//   --no-verify       skip the final check that every killing test file passes on the unmutated code
//   --timeout S       seconds one test file may run before it is ended; a run ended so kills nothing (default 600)
//   --nice N          niceness of the hardhat processes (default 15)
//
// Only one hardhat process runs at a time. The mutated file is restored after every mutant, on an error, and on
// SIGINT/SIGTERM; the artifacts are rebuilt from the restored sources at the end.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CONTRACTS = join(ROOT, "contracts");
const TESTS = join(ROOT, "test");
const HARDHAT_CLI = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
/** Guards in these folders under contracts/ are test scaffolding, not the product. */
const EXCLUDED_DIRS = ["mocks", "bench"];
/**
 * Test files never run against a mutant: they check the source text or the bytecode (conventions, gas script),
 * or pack and deploy the whole project through child processes (minutes each), not a guard's behaviour.
 */
const EXCLUDED_TESTS = [
  "test/conventions/",
  "test/scripts/",
  "test/package/",
  "test/deploy/Localhost.ts",
  "test/deploy/BaseSepoliaRehearsal.ts",
  "test/utils/",
  "test/vectors/",
];

// ---------------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = {
    sample: 36,
    all: false,
    only: undefined,
    list: false,
    report: false,
    resume: false,
    results: join(ROOT, "scratch", "mutants.jsonl"),
    verify: true,
    timeout: 600,
    nice: 15,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--sample") options.sample = Number(value());
    else if (arg === "--all") options.all = true;
    else if (arg === "--only") options.only = value();
    else if (arg === "--list") options.list = true;
    else if (arg === "--report") options.report = true;
    else if (arg === "--resume") options.resume = true;
    else if (arg === "--results") options.results = resolve(value());
    else if (arg === "--no-verify") options.verify = false;
    else if (arg === "--timeout") options.timeout = Number(value());
    else if (arg === "--nice") options.nice = Number(value());
    else if (arg === "--help" || arg === "-h") {
      const header = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
      console.log(
        header
          .slice(
            1,
            header.findIndex((line) => line.startsWith("import")),
          )
          .map((line) => line.replace(/^\/\/ ?/, ""))
          .join("\n"),
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (see --help)`);
  }
  if (!Number.isInteger(options.sample) || options.sample < 1) throw new Error("--sample needs a positive integer");
  return options;
}

// ---------------------------------------------------------------------------------------------------------------
// Finding the guards
// ---------------------------------------------------------------------------------------------------------------

function walk(dir, filter) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name), filter) : [join(dir, entry.name)]))
    .filter(filter)
    .sort();
}

/** The source with comments and string literals blanked out (newlines kept), so offsets and lines still match. */
function mask(source) {
  let out = "";
  let i = 0;
  const blank = (text) => text.replace(/[^\n]/g, " ");
  while (i < source.length) {
    const two = source.slice(i, i + 2);
    if (two === "//") {
      const end = source.indexOf("\n", i);
      const stop = end === -1 ? source.length : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (two === "/*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (source[i] === '"' || source[i] === "'") {
      const quote = source[i];
      let j = i + 1;
      while (j < source.length && source[j] !== quote) j += source[j] === "\\" ? 2 : 1;
      out += quote + blank(source.slice(i + 1, j)) + quote;
      i = j + 1;
    } else {
      out += source[i];
      i += 1;
    }
  }
  return out;
}

/** Index of the bracket that closes the one at `open`, in masked text. */
function closing(masked, open) {
  const pairs = { "(": ")", "{": "}", "[": "]" };
  const stack = [];
  for (let i = open; i < masked.length; i++) {
    const c = masked[i];
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === ")" || c === "}" || c === "]") {
      if (stack.pop() !== c) throw new Error(`unbalanced brackets at offset ${i}`);
      if (stack.length === 0) return i;
    }
  }
  throw new Error(`no closing bracket for offset ${open}`);
}

/** Index of the bracket that opens the one that closes at `close`, in masked text. */
function opening(masked, close) {
  const pairs = { ")": "(", "}": "{", "]": "[" };
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const c = masked[i];
    if (pairs[c]) depth++;
    else if (c === "(" || c === "{" || c === "[") {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`no opening bracket for offset ${close}`);
}

const lineAt = (text, offset) => text.slice(0, offset).split("\n").length;
const squash = (text) => text.replace(/\s+/g, " ").trim();
const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/** The last non-blank index before `offset`. */
function previousToken(masked, offset) {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(masked[i])) i--;
  return i;
}

/**
 * Describes how the statement at [start, end) is guarded: `if` (the statement is the `if`'s body, braced or not),
 * `require`, or `branch` (a bare revert after other statements, as in an else or fall-through branch). Returns the
 * guarding condition's text and line when there is one.
 */
function guardContext(source, masked, start) {
  let i = previousToken(masked, start);
  let braced = false;
  if (masked[i] === "{") {
    braced = true;
    i = previousToken(masked, i);
  }
  if (masked[i] === ")") {
    const open = opening(masked, i);
    const before = previousToken(masked, open);
    if (masked.slice(before - 1, before + 1) === "if" && !/\w/.test(masked[before - 2] ?? "")) {
      return {
        form: braced ? "if-block" : "if",
        condition: squash(source.slice(open + 1, i)),
        conditionLine: lineAt(source, before - 1),
      };
    }
  }
  if (masked.slice(i - 3, i + 1) === "else")
    return { form: "else", condition: "else", conditionLine: lineAt(source, i) };
  return { form: "branch", condition: "(fall-through)", conditionLine: lineAt(source, start) };
}

/** The function (or constructor/modifier/receive/fallback) that encloses `offset`. */
function enclosingFunction(masked, offset) {
  const pattern = /\b(?:function\s+(\w+)|(constructor|receive|fallback)\s*\(|modifier\s+(\w+))/g;
  let name = "?";
  for (const match of masked.slice(0, offset).matchAll(pattern)) name = match[1] ?? match[2] ?? match[3];
  return name;
}

/** Every revert guard of one file. */
function guardsOf(path) {
  const source = readFileSync(path, "utf8");
  const masked = mask(source);
  const file = relative(ROOT, path);
  const guards = [];
  const add = (start, end, kind, error) => {
    const context =
      kind === "require"
        ? { form: "require", condition: "", conditionLine: lineAt(source, start) }
        : guardContext(source, masked, start);
    if (kind === "require") {
      const open = masked.indexOf("(", start);
      context.condition = squash(source.slice(open + 1, closing(masked, open)));
    }
    guards.push({
      id: `${file}:${lineAt(source, start)}`,
      file,
      line: lineAt(source, start),
      start,
      end,
      error,
      statement: squash(source.slice(start, end)),
      function: enclosingFunction(masked, start),
      ...context,
    });
  };
  // `revert Error(args);` (custom errors, possibly qualified: `revert IFoo.Error(args);`). `revert("reason")` and
  // `revert()` are matched too, with the error shown as written.
  for (const match of masked.matchAll(/\brevert\b\s*([A-Za-z_][\w.]*)?\s*\(/g)) {
    const open = match.index + match[0].length - 1;
    const close = closing(masked, open) + 1;
    const end = masked.indexOf(";", close) + 1;
    if (end === 0 || masked.slice(close, end - 1).trim() !== "") {
      throw new Error(`${file}:${lineAt(source, match.index)}: a revert not followed by ';'`);
    }
    add(match.index, end, "revert", match[1] ?? "revert()");
  }
  for (const match of masked.matchAll(/\brequire\s*\(/g)) {
    const open = match.index + match[0].length - 1;
    const end = masked.indexOf(";", closing(masked, open)) + 1;
    const args = source.slice(open + 1, closing(masked, open));
    const error = /,\s*([A-Za-z_][\w.]*)\s*\(/.exec(args)?.[1] ?? "require";
    add(match.index, end, "require", error);
  }
  return guards.sort((a, b) => a.start - b.start);
}

function findGuards() {
  const files = walk(CONTRACTS, (path) => {
    const rel = relative(CONTRACTS, path);
    return path.endsWith(".sol") && !EXCLUDED_DIRS.some((dir) => rel.startsWith(`${dir}/`));
  });
  return files.flatMap(guardsOf);
}

/**
 * A deterministic sample of `n` guards: slots are dealt round-robin over the files (in path order) until `n` are
 * dealt or every guard is taken, then each file's slots are spread evenly over its guards in source order.
 */
function sample(guards, n) {
  const byFile = new Map();
  for (const guard of guards) byFile.set(guard.file, [...(byFile.get(guard.file) ?? []), guard]);
  const files = [...byFile.keys()];
  const slots = new Map(files.map((file) => [file, 0]));
  let dealt = 0;
  while (dealt < Math.min(n, guards.length)) {
    for (const file of files) {
      if (dealt === n) break;
      if (slots.get(file) < byFile.get(file).length) {
        slots.set(file, slots.get(file) + 1);
        dealt++;
      }
    }
  }
  // Round-robin order in the output too: the first guard of every file, then the second, and so on.
  const picked = files.map((file) => {
    const list = byFile.get(file);
    const m = slots.get(file);
    return Array.from({ length: m }, (_, j) => list[Math.floor(((j + 0.5) * list.length) / m)]);
  });
  const out = [];
  for (let round = 0; out.length < dealt; round++) for (const list of picked) if (list[round]) out.push(list[round]);
  return out;
}

/** Guards named by `--only`: a comma-separated list of File.sol:line. */
function selectOnly(guards, specs) {
  return specs.split(",").flatMap((spec) => selectOne(guards, spec.trim()));
}

function selectOne(guards, spec) {
  const match = /^(.+):(\d+)$/.exec(spec);
  if (!match) throw new Error(`--only takes File.sol:line, not ${spec}`);
  const [, name, lineText] = match;
  const line = Number(lineText);
  const found = guards.filter(
    (guard) =>
      (guard.file === name || guard.file === `contracts/${name}` || basename(guard.file) === name) &&
      (guard.line === line || guard.conditionLine === line),
  );
  if (found.length === 0) throw new Error(`no guard at ${spec} (try --list)`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Choosing the tests
// ---------------------------------------------------------------------------------------------------------------

/** Test files and their text; a Solidity test's text includes the test/utils/*.sol files it imports. */
function loadTests() {
  const all = walk(TESTS, (path) => /\.(ts|t\.sol)$/.test(path)).map((path) => relative(ROOT, path));
  const read = (rel) => readFileSync(join(ROOT, rel), "utf8");
  return all
    .filter((rel) => !EXCLUDED_TESTS.some((prefix) => rel.startsWith(prefix)))
    .map((rel) => {
      let text = read(rel);
      if (rel.endsWith(".sol")) {
        const seen = new Set([rel]);
        const queue = [rel];
        while (queue.length > 0) {
          const current = queue.shift();
          for (const [, target] of read(current).matchAll(/import\s+[^"]*"(\.[^"]+)"/g)) {
            const resolved = relative(ROOT, resolve(ROOT, dirname(current), target));
            if (resolved.startsWith("test/") && !seen.has(resolved) && existsSync(join(ROOT, resolved))) {
              seen.add(resolved);
              queue.push(resolved);
              text += `\n${read(resolved)}`;
            }
          }
        }
      }
      return { file: rel, text, kind: rel.endsWith(".t.sol") ? "solidity" : "mocha" };
    });
}

const count = (text, word) => (text.match(new RegExp(`\\b${word.replace(/\./g, "\\.")}\\b`, "g")) ?? []).length;

/** Names declared in a Solidity file (contracts, libraries, interfaces). */
const declaredNames = (source) =>
  [...mask(source).matchAll(/\b(?:contract|library|interface)\s+(\w+)/g)].map((m) => m[1]);

/**
 * For each contracts/ file: the names a test would use to reach its code, its own and those of the contracts that
 * import it (a library is exercised through its users), with weights.
 */
function reachNames() {
  const files = walk(CONTRACTS, (path) => path.endsWith(".sol")).map((path) => relative(ROOT, path));
  const sources = new Map(files.map((file) => [file, readFileSync(join(ROOT, file), "utf8")]));
  const imports = new Map(
    files.map((file) => [
      file,
      [...sources.get(file).matchAll(/import\s+[^"]*"(\.[^"]+)"/g)].map((m) =>
        relative(ROOT, resolve(ROOT, dirname(file), m[1])),
      ),
    ]),
  );
  const names = new Map();
  for (const file of files) {
    const own = declaredNames(sources.get(file));
    // Every contract that imports this file, directly or through others (interfaces name no behaviour).
    const users = new Set();
    const queue = [file];
    while (queue.length > 0) {
      const target = queue.shift();
      for (const other of files) {
        if (other === file || users.has(other) || other.startsWith("contracts/interfaces/")) continue;
        if (imports.get(other).includes(target)) {
          users.add(other);
          queue.push(other);
        }
      }
    }
    const userNames = [...users].flatMap((other) => declaredNames(sources.get(other)));
    names.set(file, [...own.map((name) => ({ name, weight: 10 })), ...userNames.map((name) => ({ name, weight: 1 }))]);
  }
  return names;
}

/**
 * The test files to run against one guard's mutant, likeliest killer first: files naming the guard's error (most
 * mentions first), then files naming its contract or a contract that uses it, the adversarial tests, and the
 * tests in the folder named like the contract's.
 */
function testsFor(guard, tests, names) {
  const errorName = guard.error.split(".").pop();
  const folder = guard.file.split("/")[1];
  const scored = tests.map((test) => {
    const errorHits = /^\w+$/.test(errorName) ? count(test.text, errorName) : 0;
    const nameHits = (names.get(guard.file) ?? []).reduce(
      (sum, { name, weight }) => sum + weight * count(test.text, name),
      0,
    );
    const ownFolder = test.file.startsWith(`test/${folder}/`);
    const adversarial = test.file.startsWith("test/adversarial/");
    const relevant = errorHits > 0 || nameHits > 0 || ownFolder || adversarial;
    // Mocha first on ties: its files name errors by string and check them one by one.
    const score = errorHits * 1000 + nameHits + (ownFolder ? 50 : 0) + (adversarial ? 5 : 0);
    return { ...test, relevant, score, errorHits };
  });
  return scored.filter((test) => test.relevant).sort((a, b) => b.score - a.score || a.file.localeCompare(b.file));
}

// ---------------------------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------------------------

let current; // { path, original } of the file under mutation, restored on exit
let child; // the running hardhat process

function restore() {
  if (current) {
    writeFileSync(current.path, current.original);
    current = undefined;
  }
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (child && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    restore();
    console.error(`\n${signal}: restored the mutated file; resume with --resume`);
    process.exit(130);
  });
}
process.on("exit", restore);

/**
 * Runs hardhat with `args` at low priority in its own process group; resolves with its status and output, and
 * keeps the output in `log` when given. A mocha run that has printed its summary but does not exit (a test left a
 * worker or a timer alive after a failure) is ended once its output has been quiet for QUIET_SECONDS, and its
 * status read from the summary.
 */
const QUIET_SECONDS = 20;
function hardhat(args, nice, timeoutSeconds, log) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    child = spawn("nice", ["-n", String(nice), process.execPath, HARDHAT_CLI, ...args], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pid = child.pid;
    const stop = () => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    let output = "";
    let lastOutput = Date.now();
    const collect = (data) => {
      output += data;
      lastOutput = Date.now();
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    let ending; // "timeout", or the status read from a printed mocha summary
    const timer = setTimeout(() => {
      ending = "timeout";
      stop();
    }, timeoutSeconds * 1000);
    const watch = setInterval(() => {
      if (ending === undefined && /^\s*\d+ passing/m.test(output) && Date.now() - lastOutput > QUIET_SECONDS * 1000) {
        ending = /^\s*\d+ failing/m.test(output) ? 1 : 0;
        output += `\n[mutants] the run printed its summary and then hung: ended after ${QUIET_SECONDS} s of silence\n`;
        stop();
      }
    }, 1000);
    child.on("close", (code) => {
      clearTimeout(timer);
      clearInterval(watch);
      child = undefined;
      if (log) writeFileSync(log, `$ hardhat ${args.join(" ")}\n${output}`);
      resolvePromise({ code: ending ?? code, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** The first failing test's title (mocha) or `[FAIL` line (Solidity), for the report. */
function firstFailure(output) {
  const lines = output.split("\n");
  const fail = lines.find((line) => /\[FAIL/.test(line));
  if (fail) return shorten(squash(fail), 200);
  const index = lines.findIndex((line) => /^\s*\d+ failing/.test(line));
  if (index !== -1) {
    // The failing test's title, then the first line of its error.
    const after = lines.slice(index + 1).filter((line) => line.trim() !== "");
    const end = after.findIndex((line) => /Error\b|expected/i.test(line));
    return shorten(
      after
        .slice(0, end === -1 ? 3 : Math.min(end + 1, 6))
        .map(squash)
        .join(" "),
      300,
    );
  }
  return shorten(
    squash(
      lines
        .filter((line) => /error/i.test(line))
        .slice(0, 2)
        .join(" "),
    ),
    200,
  );
}

/**
 * Contracts are built once per mutant (`build --no-tests`); a Solidity test file is compiled by its own run, only
 * when it is reached (that run skips the contracts, already built), so a mutant killed by a mocha file compiles no
 * Solidity test.
 */
const testArgs = (test) =>
  test.kind === "solidity" ? ["test", "solidity", test.file] : ["test", "mocha", "--no-compile", "--bail", test.file];

/** Removes `guard`'s statement (an empty block in its place, newlines kept), builds, and runs `tests` in order. */
async function runMutant(guard, tests, options) {
  const path = join(ROOT, guard.file);
  const original = readFileSync(path, "utf8");
  const statement = original.slice(guard.start, guard.end);
  if (squash(statement) !== guard.statement)
    throw new Error(`${guard.id} moved: ${guard.file} changed since it was read`);
  const started = Date.now();
  const result = {
    id: guard.id,
    error: guard.error,
    function: guard.function,
    form: guard.form,
    condition: guard.condition,
  };
  current = { path, original };
  try {
    const replacement = `{}${statement.replace(/[^\n]/g, "").replace(/\n/g, "\n")}`;
    writeFileSync(path, original.slice(0, guard.start) + replacement + original.slice(guard.end));
    const logs = `${options.results.replace(/\.jsonl$/, "")}-logs`;
    mkdirSync(logs, { recursive: true });
    const logOf = (what) => join(logs, `${guard.id}--${what}`.replace(/[^\w.-]+/g, "_") + ".log");
    const build = await hardhat(["build", "--quiet", "--no-tests"], options.nice, 1800, logOf("build"));
    result.buildSeconds = Math.round(build.seconds);
    if (build.code !== 0) {
      result.status = "not compilable";
      result.detail = firstFailure(build.output) || shorten(squash(build.output), 300);
      return result;
    }
    result.tried = [];
    for (const test of tests) {
      const run = await hardhat(testArgs(test), options.nice, options.timeout, logOf(test.file));
      const outcome = run.code === 0 ? "passed" : run.code === "timeout" ? "timed out" : "failed";
      result.tried.push({ file: test.file, seconds: Math.round(run.seconds), outcome });
      // A run that hangs proves nothing either way: it is noted, and the next file is tried.
      if (outcome === "failed") {
        result.status = "killed";
        result.killedBy = test.file;
        result.detail = firstFailure(run.output);
        return result;
      }
    }
    result.status = "survived";
    const hung = result.tried.filter((t) => t.outcome === "timed out").map((t) => t.file);
    if (hung.length > 0) result.detail = `timed out: ${hung.join(", ")}`;
    return result;
  } finally {
    restore();
    result.seconds = Math.round((Date.now() - started) / 1000);
  }
}

function printTable(rows, markdown = false) {
  const header = ["guard", "function", "error", "result", "killing test file", "time"];
  const body = rows.map((r) => [
    r.id.replace(/^contracts\//, ""),
    `${r.function}()`,
    r.error,
    r.status,
    r.killedBy ?? "-",
    `${r.seconds} s`,
  ]);
  if (markdown) {
    const format = (row) => `| ${row.join(" | ")} |`;
    console.log(
      [
        format(header),
        format(header.map(() => "---")),
        // Code-like cells (guard, function, error, test file) in backticks.
        ...body.map((row) => format(row.map((c, i) => ([0, 1, 2, 4].includes(i) && c !== "-" ? `\`${c}\`` : c)))),
      ].join("\n"),
    );
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => String(row[i]).length)));
  const format = (row) => row.map((cell, i) => String(cell).padEnd(widths[i])).join("  ");
  console.log(`\n${format(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const row of body) console.log(format(row));
}

/** The results file's rows by guard id; a later line for a guard supersedes an earlier one. */
function readResults(path) {
  const done = new Map();
  if (!existsSync(path)) return done;
  for (const line of readFileSync(path, "utf8").split("\n").filter(Boolean)) {
    const row = JSON.parse(line);
    done.set(row.id, row);
  }
  return done;
}

function summary(rows) {
  const compilable = rows.filter((r) => r.status !== "not compilable");
  const killed = compilable.filter((r) => r.status === "killed");
  console.log(`\n${killed.length} of ${compilable.length} guards killed`);
  const notCompilable = rows.filter((r) => r.status === "not compilable");
  if (notCompilable.length > 0)
    console.log(`not compilable when removed: ${notCompilable.map((r) => r.id).join(", ")}`);
  const survivors = compilable.filter((r) => r.status === "survived");
  if (survivors.length > 0) console.log(`survivors: ${survivors.map((r) => `${r.id} ${r.error}`).join(", ")}`);
  return survivors.length;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const guards = findGuards();
  const chosen = options.only
    ? selectOnly(guards, options.only)
    : options.all
      ? guards
      : sample(guards, options.sample);
  const tests = loadTests();
  const names = reachNames();
  const files = new Set(guards.map((guard) => guard.file));
  console.log(`${guards.length} revert guards in ${files.size} files under contracts/ (mocks and bench excepted)`);

  if (options.list) {
    for (const guard of chosen) {
      const list = testsFor(guard, tests, names);
      console.log(
        `${guard.id}  ${guard.function}()  ${guard.form}  ${shorten(guard.condition, 60)}  => ${guard.error}\n    tests: ${list
          .map((t) => t.file)
          .join(" ")}`,
      );
    }
    return;
  }

  if (options.report) {
    const results = readResults(options.results);
    const rows = chosen.filter((guard) => results.has(guard.id)).map((guard) => results.get(guard.id));
    console.log(
      `${rows.length} of the ${chosen.length} chosen guards have results in ${relative(ROOT, options.results)}\n`,
    );
    printTable(rows, true);
    summary(rows);
    return;
  }

  mkdirSync(dirname(options.results), { recursive: true });
  const done = options.resume ? readResults(options.results) : new Map();
  console.log(`${chosen.length} guards to check; results in ${relative(ROOT, options.results)}`);

  const rows = [];
  for (const [k, guard] of chosen.entries()) {
    const prefix = `[${k + 1}/${chosen.length}] ${guard.id} ${guard.error}`;
    if (done.has(guard.id)) {
      rows.push(done.get(guard.id));
      console.log(`${prefix} ... ${done.get(guard.id).status} (from the results file)`);
      continue;
    }
    const list = testsFor(guard, tests, names);
    const row = await runMutant(guard, list, options);
    appendFileSync(options.results, `${JSON.stringify(row)}\n`);
    rows.push(row);
    const how =
      row.status === "killed"
        ? `killed by ${row.killedBy} (${row.seconds} s)`
        : row.status === "survived"
          ? `SURVIVED ${list.length} test files (${row.seconds} s)`
          : `not compilable: ${row.detail} (${row.seconds} s)`;
    console.log(`${prefix} ... ${how}`);
  }

  // The artifacts were last built from a mutant: rebuild them from the restored sources.
  const rebuild = await hardhat(["build", "--quiet"], options.nice, 1800);
  if (rebuild.code !== 0) console.log(`warning: rebuilding the unmutated sources failed:\n${rebuild.output}`);
  else if (options.verify) {
    // A test file that fails on the unmutated code kills every mutant: make sure none of the killers does.
    const killers = [...new Set(rows.filter((r) => r.status === "killed").map((r) => r.killedBy))];
    for (const file of killers) {
      const run = await hardhat(
        testArgs({ file, kind: file.endsWith(".t.sol") ? "solidity" : "mocha" }),
        options.nice,
        options.timeout,
      );
      console.log(`baseline: ${file} ${run.code === 0 ? "passes" : "FAILS"} on the unmutated code`);
      if (run.code !== 0)
        for (const r of rows.filter((row) => row.killedBy === file)) r.status = "killed (suspect baseline)";
    }
  }

  printTable(rows);
  process.exitCode = summary(rows) > 0 ? 1 : 0;
}

main().catch((error) => {
  restore();
  console.error(process.env.DEBUG ? error : `mutants: ${error.message}`);
  process.exit(2);
});
