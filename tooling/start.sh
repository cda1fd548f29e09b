#!/bin/sh
# `npm start`: builds the contracts (not the Solidity tests) if anything changed (the devkit deploys the compiled
# artifacts), then brings up a local Proofline network (scripts/start.ts). Run through tooling/run.sh, which makes sure
# of Node.js 22 and the locked dependencies first. Arguments go to scripts/start.ts: `npm start -- --chain anvil`.
set -eu
cd "$(dirname -- "$0")/.."
hardhat build --quiet --no-tests >&2
exec node --import tsx scripts/start.ts "$@"
