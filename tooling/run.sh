#!/bin/sh
# Runs a command with Node.js >= 22 and the project's locked dependencies, installing both if needed.
#
#   sh tooling/run.sh <command> [args...]
#
# Hardhat 3 needs Node.js >= 22. When the `node` on PATH is older, Node.js $NODE_VERSION is installed from the npm
# registry's `node` package into .tools/ (never downloaded from anywhere else) and put first on PATH, so that npm
# itself also runs under it: npm running under an older Node silently skips the native binding of
# @nomicfoundation/edr. Dependencies are installed from package-lock.json whenever it or the Node major version
# changed since the last install. Both steps are skipped when already done.
#
# Why `npm install` and not `npm ci`: EDR lists a native package per platform as optional dependencies, and the
# lock cannot record the ones the registry did not serve when it was written; `npm ci` then refuses the lock as
# out of sync, while `npm install` installs exactly the locked versions and skips the absent optional ones.
set -eu

NODE_VERSION=22.23.3
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major node)" -lt 22 ]; then
  TOOLS="$ROOT/.tools"
  if [ "$("$TOOLS/node_modules/.bin/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
    echo "proofline: installing Node.js $NODE_VERSION from the npm registry into .tools/ (once)" >&2
    npm install --prefix "$TOOLS" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node@$NODE_VERSION" >&2
  fi
  PATH="$TOOLS/node_modules/.bin:$PATH"
  export PATH
fi

STAMP=node_modules/.proofline-install
stamp() {
  node -e '
    const { createHash } = require("node:crypto");
    const hash = createHash("sha256").update(require("node:fs").readFileSync("package-lock.json")).digest("hex");
    console.log(hash + "-node" + process.versions.node.split(".")[0]);
  '
}
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$(stamp)" ]; then
  echo "proofline: installing the locked dependencies under Node.js $(node --version)" >&2
  npm install --no-audit --no-fund --loglevel=error >&2
  stamp >"$STAMP"
fi

PATH="$ROOT/node_modules/.bin:$PATH"
export PATH
# The first build compiles every contract with the npm solc (WebAssembly, slow) and prints nothing until it is done.
if [ ! -d artifacts/contracts ] && [ "${1:-}" = hardhat ]; then
  echo "proofline: first build: compiling every contract with solc $(node -p 'require("solc/package.json").version') (about 3 minutes on 2 cores; later builds only recompile what changed)" >&2
fi
exec "$@"
