#!/bin/sh
# Every quality gate, in order. The first gate that fails stops the run with a non-zero exit.
# Run through `npm test`, which first makes sure Node.js >= 22 and the locked dependencies are installed.
set -eu
cd "$(dirname -- "$0")/.."

LOG_DIR=$(mktemp -d)
trap 'rm -rf "$LOG_DIR"' EXIT

STARTED=$(date +%s)
GATE_STARTED=$STARTED
GATE_NAME=""
# Each gate prints how long the one before it took, and the end prints every gate's time: CI's budget is visible.
gate() {
  now=$(date +%s)
  [ -z "$GATE_NAME" ] || printf '%4ss  %s\n' "$((now - GATE_STARTED))" "$GATE_NAME" >>"$LOG_DIR/times"
  GATE_STARTED=$now
  GATE_NAME=$1
  printf '\n==> %s  (at %ss)\n' "$1" "$((now - STARTED))"
}

gate "format: prettier --check (Solidity through prettier-plugin-solidity)"
prettier --check --log-level warn .
echo "all files formatted"

gate "lint: solhint, zero warnings"
sh tooling/lint.sh

# The zk check (snarkjs, about a minute and a half for three circuits) and the compile (solc, one core) use the two
# cores side by side; the zk gate's result is read after the compile.
gate "zk + compile: committed wasm and proving keys belong to the circuit sources and phase-1 file (verification keys and verifiers to the keys); every contract compiles with zero warnings"
sh tooling/zk-build.sh check >"$LOG_DIR/zk.log" 2>&1 &
ZK_CHECK=$!
# The contracts only: the Solidity tests are compiled once, by the coverage run below (whose warnings are checked there).
hardhat build --force --no-tests >"$LOG_DIR/build.log" 2>&1 || { cat "$LOG_DIR/build.log"; exit 1; }
grep -v '^npm warn' "$LOG_DIR/build.log" || true
if grep -q '^Warning' "$LOG_DIR/build.log"; then
  echo "compiler warnings found (above): fix them" >&2
  exit 1
fi
wait "$ZK_CHECK" || { cat "$LOG_DIR/zk.log"; exit 1; }
cat "$LOG_DIR/zk.log"

gate "types: tsc --noEmit"
tsc --noEmit

# The demo and the benchmark run on the ordinary build, before the coverage run replaces it with an instrumented one
# (so nothing is compiled twice). `--no-compile`: `hardhat run` would otherwise build the Solidity tests as well.
gate "demo: the README's main command tells the story through a running node, every step checked (and the contract and twin market stories)"
node --import tsx scripts/node-demo.ts >"$LOG_DIR/node-demo.log" 2>&1 || { cat "$LOG_DIR/node-demo.log"; exit 1; }
tail -n 1 "$LOG_DIR/node-demo.log"
hardhat run --no-compile scripts/demo.ts >"$LOG_DIR/demo.log" 2>&1 || { cat "$LOG_DIR/demo.log"; exit 1; }
tail -n 1 "$LOG_DIR/demo.log"
hardhat run --no-compile scripts/market-demo.ts >"$LOG_DIR/market-demo.log" 2>&1 || { cat "$LOG_DIR/market-demo.log"; exit 1; }
tail -n 1 "$LOG_DIR/market-demo.log"

gate "gas: benchmark against budgets and the committed gas-snapshot.json"
BENCH_MODE=check hardhat run --no-compile scripts/bench.ts

gate "browser: Debian's Chromium for the review panel's tests (installed with apt-get when missing)"
sh tooling/chromium.sh
"${PROOFLINE_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -n 1 || true

# Mocha runs its files in two worker processes (PROOFLINE_PARALLEL, hardhat.config.ts): most of its time is spent
# waiting on chains, nodes and browsers it starts, so two at once nearly halve it on a 2-core machine.
gate "tests: Solidity (unit, fuzz, invariant) and mocha (two workers), with coverage"
# Mocha hands its files to the workers in the order given: the slowest (each starts chains, nodes, browsers or a
# project of its own) go first, so that none of them starts last and runs alone. Every other test file follows.
SLOWEST="test/newcomer/Walkthrough.ts test/node/NodeService.anvil.ts test/node/NodeService.hardhat.ts
test/package/ConsumerProject.ts test/panel/Panel.ts test/scripts/zkCheck.ts test/node/Localnet.ts
test/deploy/BaseSepoliaRehearsal.ts test/node/prover.ts test/node/Ask.ts test/ledger/Zkml.ts test/node/Facilitator.ts"
for file in $SLOWEST; do [ -f "$file" ] || { echo "tooling/test.sh lists $file, which does not exist" >&2; exit 1; }; done
ordered=$(
  printf '%s\n' $SLOWEST
  find test -type f \( -name '*.ts' -o -name '*.t.sol' \) | sort | grep -vxF "$(printf '%s\n' $SLOWEST)"
)
# shellcheck disable=SC2086 # one argument per file (no file name has a space)
# PROOFLINE_COVERAGE_BUILD=1: the instrumented build skips the optimizer (hardhat.config.ts says why).
PROOFLINE_COVERAGE_BUILD=1 PROOFLINE_PARALLEL=1 hardhat test --coverage $ordered 2>&1 | tee "$LOG_DIR/test.log"
# `tee` hides the exit status of the test run; read it from the report instead.
if grep -qE '^[[:space:]]*[0-9]+ failing' "$LOG_DIR/test.log"; then exit 1; fi
# The Solidity tests' own compiler warnings (the contracts' were checked by the compile gate).
if grep -q '^Warning' "$LOG_DIR/test.log"; then
  echo "compiler warnings found in the tests (above): fix them" >&2
  exit 1
fi
passed=$(sed -n 's/^\([0-9][0-9]*\) passing (.*solidity.*mocha.*$/\1/p' "$LOG_DIR/test.log" | tail -n 1)
[ -n "$passed" ] || { echo "no test summary found: did the test run crash?" >&2; exit 1; }
line_coverage=$(sed -n 's/^║ Total *│ *\([0-9.]*\) .*/\1/p' "$LOG_DIR/test.log" | tail -n 1)
echo "contract line coverage: ${line_coverage:-unknown}%"
# Every contract line, mocks included, is run by some test; a drop means a test stopped exercising something.
if [ "${line_coverage:-0}" != "100.00" ]; then
  echo "contract line coverage is ${line_coverage:-unknown}%, not 100%: see the uncovered lines above" >&2
  exit 1
fi

echo
echo "$passed passed, 0 failed"
gate "done"
echo
echo "time per gate:"
cat "$LOG_DIR/times"
echo "total: $(($(date +%s) - STARTED))s"
