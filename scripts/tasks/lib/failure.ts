/**
 * Friendly failures for every Proofline task: a task that cannot do what it was asked prints ONE line on stderr that
 * says what is wrong (and usually the command that fixes it) and exits with status 1, instead of Hardhat's "An
 * unexpected error occurred" with a stack trace and an invitation to report a Hardhat bug. `--show-stack-traces`
 * (typed by the user) still shows the original error.
 *
 * Hardhat 3 sets exit code 1 when a task's action returns a failed `Result` (`{ success: false, error }`), which is
 * how `taskAction` reports a failure it has already printed.
 */
import { Interface, isError, type ErrorDescription } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

/** A failure whose message is already what the user should read. */
export class TaskFailure extends Error {
  override name = "TaskFailure";
}

/** Stops the task with `message` (one line; say what is wrong and how to fix it). */
export function fail(message: string): never {
  throw new TaskFailure(message);
}

/** The contracts whose custom errors a failed transaction is decoded against. */
const DECODED_CONTRACTS = [
  "InferenceLedger",
  "ModelRegistry",
  "AttesterRegistry",
  "VerifierRouter",
  "AccessManager",
  "InferenceEscrow",
  "BondVault",
] as const;

/** What to do about the reverts a newcomer meets most, keyed by custom error name. */
const REVERT_HINTS: Record<string, string> = {
  NotActiveNode: "the signing key is not an active node key: register it with `./proofline node:register --key <key>`",
  EnclaveNotLive:
    "the enclave is not live (no fresh heartbeat, or its measurement is not approved): `./proofline enclave:heartbeat --enclave <key>`",
  AccessManagerUnauthorizedAccount: "the signer does not hold the role this needs: pass --signer <role holder>",
  AccessManagerUnauthorizedCall: "the signer may not make this call: pass --signer <role holder>",
  AccessManagerNotReady: "the scheduled call's delay has not passed yet",
  AccessManagerNotScheduled: "the call was not scheduled: run the same command without --execute first",
  ArtifactNotBound: "the artifact is not bound to a verifier: `./proofline model:bind-verifier <artifactId>`",
  UnknownVerifier: "the verifier is not in the router: `./proofline trust:add-verifier` first",
  MeasurementNotApproved: "approve the measurement first: `./proofline trust:approve-measurement --measurement <hash>`",
  BondInsufficient:
    "the node's free bond cannot cover the lock: `./proofline bond:deposit --asset <asset> --amount <n>`",
  ClaimNotBonded: "a claim above Vanilla needs its lock first (`./proofline answer` locks before answering)",
  NotOperator: "only the node's operator may do this: pass --signer <operator>",
  StillUnbonding: "the unbonding period has not passed yet: `./proofline bond:status` says when it does",
  NotSlashable: "only a record rejected for a missed deadline or refuted can be slashed",
  NotReleasable: "only a settled record (or one rejected because its artifact was revoked) gives its lock back",
};

let decoder: Interface | undefined;

async function revertDecoder(hre: HardhatRuntimeEnvironment | undefined): Promise<Interface | undefined> {
  if (decoder !== undefined || hre?.artifacts === undefined) return decoder;
  const fragments: string[] = [];
  for (const name of DECODED_CONTRACTS) {
    try {
      const { abi } = await hre.artifacts.readArtifact(name);
      for (const item of abi as Array<{ type: string }>) {
        if (item.type === "error") fragments.push(JSON.stringify(item));
      }
    } catch {
      // No artifact (not built yet): decode with what there is.
    }
  }
  decoder = new Interface([...new Set(fragments)].map((f) => JSON.parse(f)));
  return decoder;
}

/** Every nested error (`error`, `cause`, `info.error`, `data` objects...) an ethers or Hardhat error carries. */
function* nested(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (depth > 6 || error === null || typeof error !== "object") return;
  const record = error as Record<string, unknown>;
  yield record;
  for (const key of ["error", "cause", "info", "data", "parent"]) yield* nested(record[key], depth + 1);
}

/** The revert data (0x...) somewhere in `error`, if any. */
function revertData(error: unknown): string | undefined {
  for (const record of nested(error)) {
    const data = record.data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data;
  }
  return undefined;
}

function formatRevert(description: ErrorDescription): string {
  const args = description.fragment.inputs.map((input, i) => {
    const value = description.args[i];
    return `${input.name || i}=${typeof value === "bigint" ? value.toString() : String(value)}`;
  });
  const hint = REVERT_HINTS[description.name];
  return `the transaction was refused: ${description.name}(${args.join(", ")})${hint ? ` (${hint})` : ""}`;
}

const firstLine = (text: string) => text.split("\n").find((line) => line.trim().length > 0) ?? text;

/** Hardhat's own errors (HardhatError) carry an `HHE<number>` code and a message written for users. */
function hardhatErrorNumber(error: unknown): number | undefined {
  const code = (error as { errorCode?: unknown } | null)?.errorCode;
  return typeof code === "string" && /^HHE\d+$/.test(code) ? Number(code.slice(3)) : undefined;
}

/** One line that says what went wrong. */
export async function describeError(error: unknown, hre?: HardhatRuntimeEnvironment): Promise<string> {
  if (error instanceof TaskFailure) return error.message;
  const data = revertData(error);
  if (data !== undefined) {
    const parsed = (await revertDecoder(hre))?.parseError(data);
    if (parsed) return formatRevert(parsed);
  }
  const hardhatError = hardhatErrorNumber(error);
  if (hardhatError !== undefined) {
    const message = firstLine((error as Error).message);
    if (hardhatError === 705 && hre?.config?.networks !== undefined) {
      // "node" is the network `hardhat node` itself serves, not one to pass.
      const known = Object.keys(hre.config.networks).filter((name) => name !== "node");
      return `${message} Known networks: ${known.join(", ")}.`;
    }
    if (hardhatError === 703) {
      return `${message} Is the node running? Start one with \`./proofline node\` (it serves http://127.0.0.1:8545).`;
    }
    return message;
  }
  if (isError(error, "CALL_EXCEPTION") && error.reason) return `the transaction was refused: ${error.reason}`;
  if (error instanceof Error) {
    const short = (error as { shortMessage?: string }).shortMessage;
    return firstLine(short ?? error.message);
  }
  return String(error);
}

/** A Hardhat 3 `Result`: a failed one makes Hardhat exit with status 1 without printing anything more. */
export type TaskResult = { success: true; value: undefined } | { success: false; error: unknown };

/**
 * Wraps a task body: success returns a successful `Result`; any failure prints `error: <one line>` on stderr and
 * returns a failed one. With Hardhat's `--show-stack-traces` the original error is thrown as is.
 */
export function taskAction<Args>(
  body: (args: Args, hre: HardhatRuntimeEnvironment) => Promise<void>,
): (args: Args, hre: HardhatRuntimeEnvironment) => Promise<TaskResult> {
  return async (args, hre) => {
    try {
      await body(args, hre);
      return { success: true, value: undefined };
    } catch (error) {
      // Hardhat turns showStackTraces on by itself on CI servers; only the user's own flag asks for the stack here.
      if (process.argv.includes("--show-stack-traces")) throw error;
      console.error(`error: ${await describeError(error, hre)}`);
      return { success: false, error };
    }
  };
}
