/**
 * The trust set-up: the TRUST_ADMIN's delayed actions through the AccessManager.
 *
 * - `./proofline trust:approve-measurement --measurement <hash>`: enclaves running this code measurement may be
 *   registered.
 * - `./proofline trust:register-enclave --enclave <account> --measurement <hash> --artifact <id>`: an enclave key,
 *   bound to one artifact (Local route) or provider (`--provider`, Proxy route).
 * - `./proofline trust:add-verifier [--verifier <address>] [--outputs <n>]`: a Groth16 verifier joins the router.
 *
 * Each one runs in two steps, because TRUST_ADMIN acts only after its execution delay: the first run schedules the
 * call and prints when it becomes executable; the same command with `--execute` runs it once the delay has passed,
 * and until then says how long is left. A GUARDIAN can cancel a scheduled call meanwhile. Where the account holds
 * the role without a delay, the first run executes at once.
 */
import { keccak256, toUtf8Bytes, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { attesterRegistryDomain, Route, signEnclaveKeyConsent } from "../../src/ledger.js";
import { MAX_ZK_OUTPUTS } from "../../src/constants.js";
import { Roles } from "../../src/roles.js";
import { DEVELOPMENT_ENCLAVE } from "./attesters.js";
import { Proofline, type DeploymentArgs } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { address, at, bytes32, duration, id64, whole } from "./lib/parse.js";
import { send } from "./lib/records.js";

interface TrustArgs extends DeploymentArgs {
  execute: boolean;
  signer: string;
}

/** One restricted call of TRUST_ADMIN's. */
interface TrustCall {
  /** What it does, for messages: "approve measurement 0x..". */
  what: string;
  target: string;
  data: string;
  /** Whether its effect is already in place (then nothing is sent). */
  done: () => Promise<boolean>;
  /** The command that scheduled it, to print with `--execute` appended. */
  again: string;
}

/** The account that acts as TRUST_ADMIN: `--signer`, else the first of the network's accounts holding the role. */
async function trustAdmin(ctx: Proofline, spec: string): Promise<Signer> {
  if (spec !== "") return ctx.account(spec, "--signer");
  const manager = await ctx.manager();
  const holder = await ctx.findAccount(async (account) => (await manager.hasRole(Roles.TRUST_ADMIN, account))[0]);
  if (holder === undefined) {
    fail(
      `none of network ${ctx.networkName}'s accounts holds TRUST_ADMIN: pass --signer <trust admin>, or configure its ` +
        `key for the network (holders: ${ctx.command("roles")})`,
    );
  }
  return holder;
}

/** Schedules `call`, or with `--execute` executes it once its delay has passed. */
async function runTrustCall(ctx: Proofline, args: TrustArgs, call: TrustCall): Promise<void> {
  if (await call.done()) {
    console.log(`${call.what}: already done, nothing to send`);
    return;
  }
  const admin = await trustAdmin(ctx, args.signer);
  const adminAddress = await admin.getAddress();
  const manager = await ctx.manager(admin);
  const [immediate, delay] = await manager.canCall(adminAddress, call.target, call.data.slice(0, 10));
  if (!immediate && delay === 0n) {
    fail(`${adminAddress} may not ${call.what}: that needs TRUST_ADMIN (holders: ${ctx.command("roles")})`);
  }
  if (immediate) {
    await send(manager, manager.execute(call.target, call.data));
    console.log(`${call.what}: done by ${adminAddress} (no delay for this account)`);
    return;
  }
  const operation = await manager.hashOperation(adminAddress, call.target, call.data);
  const executableAt = await manager.getSchedule(operation);
  const now = await ctx.now();
  if (!args.execute) {
    if (executableAt !== 0n) {
      const left = executableAt > now ? executableAt - now : 0n;
      console.log(
        `${call.what}: already scheduled by TRUST_ADMIN ${adminAddress}, executable from ${at(executableAt)}`,
      );
      console.log(left > 0n ? `  ${duration(left)} left; ${ctx.waitHint(left)}` : "  the delay has passed");
      console.log(`next: ${call.again} --execute`);
      return;
    }
    await send(manager, manager.schedule(call.target, call.data, 0n));
    const when = await manager.getSchedule(operation);
    console.log(`scheduled: ${call.what}`);
    console.log(
      `  by TRUST_ADMIN ${adminAddress}, whose delay is ${duration(delay)}: executable from ${at(when)} (chain time)`,
    );
    console.log("  until then a GUARDIAN can cancel it; it expires if not executed within a week of that time");
    console.log(`  ${ctx.waitHint(delay)}`);
    console.log(`next, after the delay: ${call.again} --execute`);
    return;
  }
  if (executableAt === 0n) {
    fail(`${call.what} is not scheduled (or its schedule expired): run the same command without --execute first`);
  }
  if (executableAt > now) {
    const left = executableAt - now;
    fail(
      `${call.what}: the delay has not passed: executable from ${at(executableAt)}, ${duration(left)} from now ` +
        `(chain time ${at(now)}); ${ctx.waitHint(left)}`,
    );
  }
  await send(manager, manager.execute(call.target, call.data));
  if (!(await call.done())) fail(`${call.what}: executed, but the registry does not show it`);
  console.log(`${call.what}: executed by TRUST_ADMIN ${adminAddress} after its delay`);
}

interface MeasurementArgs extends TrustArgs {
  measurement: string;
}

async function approveMeasurement(args: MeasurementArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const measurement = bytes32(args.measurement, "--measurement");
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const attesters = await ctx.attesters();
  await runTrustCall(ctx, args, {
    what: `approve measurement ${measurement}`,
    target: await attesters.getAddress(),
    data: attesters.interface.encodeFunctionData("approveMeasurement", [measurement]),
    done: async () => (await attesters.getMeasurement(measurement)).approvedAt !== 0n,
    again: ctx.command("trust:approve-measurement", `--measurement ${measurement}`),
  });
}

interface EnclaveArgs extends TrustArgs {
  enclave: string;
  measurement: string;
  artifact: string;
  provider: string;
  quote: string;
}

async function registerEnclave(args: EnclaveArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  if (args.enclave === "") fail("pass --enclave <account index or address>: the enclave key (it signs its consent)");
  const measurement = bytes32(args.measurement, "--measurement");
  if ((args.artifact === "") === (args.provider === "")) {
    fail("pass either --artifact <id> (Local route: the enclave runs that artifact) or --provider <id> (Proxy route)");
  }
  const route = args.artifact !== "" ? Route.Local : Route.Proxy;
  const subject = id64(args.artifact || args.provider, args.artifact ? "--artifact" : "--provider");
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const enclave = await ctx.account(args.enclave, "--enclave");
  const enclaveAddress = await enclave.getAddress();
  const quote = args.quote
    ? bytes32(args.quote, "--quote")
    : keccak256(toUtf8Bytes(`proofline development enclave ${enclaveAddress}`));
  const attesters = await ctx.attesters();
  if (!(await attesters.isValidSubject(route, subject))) {
    fail(
      route === Route.Local
        ? `artifact ${subject} is not a valid artifact (unknown or revoked): ${ctx.command("model:register", "--help")}`
        : `provider ${subject} does not exist: ${ctx.command("provider:register", "--name <name>")}`,
    );
  }
  const domain = attesterRegistryDomain(ctx.chainId, await attesters.getAddress());
  const consent = await signEnclaveKeyConsent(enclave, domain, { measurement, route, subject });
  const binding = route === Route.Local ? `artifact ${subject}` : `provider ${subject}`;
  await runTrustCall(ctx, args, {
    what: `register enclave ${enclaveAddress} (measurement ${measurement.slice(0, 10)}…, ${binding})`,
    target: await attesters.getAddress(),
    data: attesters.interface.encodeFunctionData("registerEnclave", [
      enclaveAddress,
      measurement,
      route,
      subject,
      quote,
      consent,
    ]),
    done: async () => (await attesters.getEnclave(enclaveAddress).catch(() => undefined))?.registered === true,
    again: ctx.command(
      "trust:register-enclave",
      `--enclave ${args.enclave} --measurement ${measurement}`,
      route === Route.Local ? `--artifact ${subject}` : `--provider ${subject}`,
      ...(args.quote ? [`--quote ${quote}`] : []),
    ),
  });
  if (!args.quote && ctx.kind !== "remote")
    console.log(`  ${DEVELOPMENT_ENCLAVE}; quote hash ${quote} is a placeholder`);
  if (
    await attesters.getEnclave(enclaveAddress).then(
      () => true,
      () => false,
    )
  ) {
    console.log(`next, before it attests: ${ctx.command("enclave:heartbeat", `--enclave ${args.enclave}`)}`);
  }
}

interface VerifierArgs extends TrustArgs {
  verifier: string;
  outputs: string;
}

async function addVerifier(args: VerifierArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const verifier = args.verifier ? address(args.verifier, "--verifier") : ctx.address("RiskScorerVerifier");
  if (args.verifier && args.outputs === "")
    fail("pass --outputs <n>: how many output signals the verifier's circuit has");
  // The risk scorer circuit's outputs: subject and score.
  const outputs = whole(args.outputs || "2", "--outputs", 1n, MAX_ZK_OUTPUTS);
  const router = await ctx.router();
  await runTrustCall(ctx, args, {
    what: `add verifier ${verifier} (${outputs} outputs) to the router`,
    target: await router.getAddress(),
    data: router.interface.encodeFunctionData("addVerifier", [verifier, outputs]),
    done: async () => Number((await router.getVerifier(verifier)).status) !== 0,
    again: ctx.command(
      "trust:add-verifier",
      ...(args.verifier ? [`--verifier ${verifier}`, `--outputs ${outputs}`] : []),
    ),
  });
}

export const measurement = taskAction(approveMeasurement);
export const enclave = taskAction(registerEnclave);
export const verifier = taskAction(addVerifier);
