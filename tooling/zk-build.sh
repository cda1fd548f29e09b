#!/bin/sh
# Builds the ZKML circuits: compiles each circuit with circom (the `circom2` npm package, a WebAssembly build),
# runs a LOCAL DEVELOPMENT trusted setup with snarkjs, and exports the Groth16 Solidity verifier into contracts/.
#
#   npm run zk:build            # rebuild everything (a fresh random setup: the proving key and verifier change)
#   npm run zk:check            # check the committed build: the wasm and the proving key against the circuit
#                               # source and the phase-1 file, the verification key and verifier against the key
#   ZK_ONLY=risk-scorer-batch8 npm run zk:build   # one circuit only (its directory under circuits/)
#
# THE SETUP IS NOT A TRUSTED CEREMONY. Phase 1 (powers of tau) and phase 2 are generated here from this machine's
# randomness by one party, who could forge proofs if the randomness leaked. circuits/README.md says how to swap in a
# production setup (a public phase-1 file and a multi-party phase 2).
#
# Committed outputs, per circuit <name> in circuits/<dir>/:
#   circuits/<dir>/build/<name>.wasm            witness generator the TypeScript prover runs
#   circuits/<dir>/build/<name>.zkey            Groth16 proving key (contains the verification key)
#   circuits/<dir>/build/verification_key.json  the verification key, for off-chain checks
#   contracts/verification/zk/<Contract>.sol    the on-chain verifier, generated from the proving key
#   circuits/phase1/pot<POWER>_final.ptau        the phase-1 (powers of tau) file every proving key is made from
# Intermediate files (r1cs, symbols) go to build-zk/, which is not committed.
#
# `check` proves each committed proving key belongs to its committed circuit source: it compiles the circuit to its
# constraint system (r1cs) and runs `snarkjs zkey verify r1cs phase1 zkey`, which recomputes the key's circuit-specific
# part from the constraints and the phase-1 powers and checks the key's contributions. A key made for another circuit,
# or edited, fails.
set -eu
cd "$(dirname -- "$0")/.."

MODE=${1:-build}
POWER=14 # 2^14 = 16,384 constraints: the risk scorer's 2,281, and 13,786 for sixteen of them in one proof
PTAU="circuits/phase1/pot${POWER}_final.ptau"

# circuit directory | circom file stem | verifier contract name
CIRCUITS="risk-scorer risk_scorer RiskScorerVerifier
  risk-scorer-batch16 risk_scorer_batch16 RiskScorerBatch16Verifier
  risk-scorer-batch8 risk_scorer_batch8 RiskScorerBatch8Verifier"

compile() { # dir stem outdir
  mkdir -p "$3"
  circom2 "circuits/$1/$2.circom" --O2 --r1cs --wasm --sym -l node_modules -o "$3" >"$3/circom.log"
}

export_verifier() { # zkey contract out
  snarkjs zkey export solidityverifier "$1" "$3.tmp" >/dev/null
  # snarkjs names every verifier Groth16Verifier; give each its own name and pin the project's compiler.
  sed -e "s/^contract Groth16Verifier /contract $2 /" \
    -e 's/^pragma solidity >=0.7.0 <0.9.0;/pragma solidity 0.8.30;/' "$3.tmp" >"$3"
  rm "$3.tmp"
}

setup_ptau() { # out
  [ -f "$1" ] && return 0
  echo "zk: powers of tau 2^$POWER (development only; about five minutes), into $1: commit it"
  mkdir -p "$(dirname -- "$1")" build-zk
  snarkjs powersoftau new bn128 "$POWER" build-zk/pot_0.ptau >/dev/null
  snarkjs powersoftau contribute build-zk/pot_0.ptau build-zk/pot_1.ptau --name=proofline-dev \
    -e="$(od -An -N64 -tx1 /dev/urandom | tr -d ' \n')" >/dev/null
  snarkjs powersoftau prepare phase2 build-zk/pot_1.ptau "$1" >/dev/null
  rm build-zk/pot_0.ptau build-zk/pot_1.ptau
}

status=0
set -- $CIRCUITS
while [ $# -ge 3 ]; do
  dir=$1 stem=$2 contract=$3
  shift 3
  # ZK_ONLY=<circuit directory> builds or checks that circuit alone.
  [ -n "${ZK_ONLY:-}" ] && [ "$dir" != "$ZK_ONLY" ] && continue
  out="circuits/$dir/build"
  verifier="contracts/verification/zk/$contract.sol"
  case "$MODE" in
    build)
      echo "zk: compiling circuits/$dir/$stem.circom"
      compile "$dir" "$stem" "build-zk/$dir"
      setup_ptau "$PTAU"
      echo "zk: Groth16 setup for $stem (development only)"
      snarkjs groth16 setup "build-zk/$dir/$stem.r1cs" "$PTAU" "build-zk/$dir/${stem}_0.zkey" >/dev/null
      snarkjs zkey contribute "build-zk/$dir/${stem}_0.zkey" "build-zk/$dir/$stem.zkey" --name=proofline-dev \
        -e="$(od -An -N64 -tx1 /dev/urandom | tr -d ' \n')" >/dev/null
      snarkjs zkey verify "build-zk/$dir/$stem.r1cs" "$PTAU" "build-zk/$dir/$stem.zkey" >/dev/null
      mkdir -p "$out" contracts/verification/zk
      cp "build-zk/$dir/${stem}_js/$stem.wasm" "$out/$stem.wasm"
      cp "build-zk/$dir/$stem.zkey" "$out/$stem.zkey"
      snarkjs zkey export verificationkey "$out/$stem.zkey" "$out/verification_key.json" >/dev/null
      export_verifier "$out/$stem.zkey" "$contract" "$verifier"
      echo "zk: wrote $out/$stem.wasm, $out/$stem.zkey, $out/verification_key.json, $verifier"
      ;;
    check)
      tmp=$(mktemp -d)
      compile "$dir" "$stem" "$tmp"
      cmp -s "$tmp/${stem}_js/$stem.wasm" "$out/$stem.wasm" ||
        { echo "zk: $out/$stem.wasm is not what circuits/$dir/$stem.circom compiles to" >&2; status=1; }
      if [ ! -f "$PTAU" ]; then
        echo "zk: $PTAU is missing: the proving keys cannot be checked against their circuits" >&2
        status=1
      elif ! snarkjs zkey verify "$tmp/$stem.r1cs" "$PTAU" "$out/$stem.zkey" >"$tmp/verify.log" 2>&1; then
        tail -n 5 "$tmp/verify.log" >&2
        echo "zk: $out/$stem.zkey is not a proving key of circuits/$dir/$stem.circom over $PTAU" >&2
        status=1
      fi
      snarkjs zkey export verificationkey "$out/$stem.zkey" "$tmp/vk.json" >/dev/null
      cmp -s "$tmp/vk.json" "$out/verification_key.json" ||
        { echo "zk: $out/verification_key.json does not match $out/$stem.zkey" >&2; status=1; }
      export_verifier "$out/$stem.zkey" "$contract" "$tmp/verifier.sol"
      cmp -s "$tmp/verifier.sol" "$verifier" ||
        { echo "zk: $verifier does not match $out/$stem.zkey" >&2; status=1; }
      rm -rf "$tmp"
      [ "$status" -eq 0 ] &&
        echo "zk: $stem: wasm and proving key match the circuit source and $PTAU; verification key and verifier match the key"
      ;;
    *)
      echo "usage: zk-build.sh [build|check]" >&2
      exit 2
      ;;
  esac
done
exit "$status"
