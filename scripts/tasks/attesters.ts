/**
 * The attester registry's permissionless steps:
 *
 * - `./proofline node:register --key <account>`: an operator (`--signer`) registers a node key, with the key's
 *   signed consent. Answers signed by that key can then be recorded.
 * - `./proofline provider:register --name <provider>`: a named external provider that Proxy-route answers call.
 * - `./proofline enclave:heartbeat --enclave <account>`: an enclave key signs a liveness heartbeat; an enclave is live
 *   (may attest) only within the registry's heartbeat TTL of its last one.
 *
 * On a local chain the "enclave" is a development enclave key: one of the node's plain accounts standing in for a
 * hardware enclave. It proves nothing about hardware; see docs/SECURITY.md.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { attesterRegistryDomain, signHeartbeat, signNodeKeyConsent } from "../../src/ledger.js";
import { MAX_ATTESTER_NAME_LENGTH } from "../../src/constants.js";
import { Proofline, type DeploymentArgs } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { at, duration } from "./lib/parse.js";
import { eventNamed, send } from "./lib/records.js";

/** The line that says what a development enclave key is (and is not). */
export const DEVELOPMENT_ENCLAVE =
  "a development enclave key: a plain account of this network standing in for a hardware enclave; it proves nothing about hardware";

interface NodeArgs extends DeploymentArgs {
  key: string;
  signer: string;
}

async function registerNode(args: NodeArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  if (args.key === "") fail("pass --key <account index or address>: the node key that will sign answers");
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const key = await ctx.account(args.key, "--key");
  const operator = await ctx.account(args.signer, "--signer", 0);
  const [keyAddress, operatorAddress] = [await key.getAddress(), await operator.getAddress()];
  const attesters = await ctx.attesters(operator);
  const known = await attesters.nodeIdOf(keyAddress);
  if (known !== 0n) {
    const node = await attesters.getNode(known);
    if (!node.active) fail(`key ${keyAddress} was node ${known}, now deactivated: a key registers once; use a new key`);
    console.log(`key ${keyAddress} is already node ${known}, operated by ${node.operator}: nothing to do`);
    return;
  }
  const domain = attesterRegistryDomain(ctx.chainId, await attesters.getAddress());
  const consent = await signNodeKeyConsent(key, domain, operatorAddress);
  const { events } = await send(attesters, attesters.registerNode(keyAddress, consent));
  const nodeId = eventNamed(events, "NodeRegistered").args.nodeId as bigint;
  console.log(`node ${nodeId}: key ${keyAddress}, operated by ${operatorAddress} (the key signed its consent)`);
  console.log(
    `  answers signed by this key can now be recorded: ${ctx.command("answer", `--signer ${args.key}`, "...")}`,
  );
}

interface ProviderArgs extends DeploymentArgs {
  name: string;
  signer: string;
}

async function registerProvider(args: ProviderArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const length = Buffer.byteLength(args.name);
  if (length === 0 || length > Number(MAX_ATTESTER_NAME_LENGTH)) {
    fail(`--name must be 1 to ${MAX_ATTESTER_NAME_LENGTH} bytes, e.g. --name openai/gpt-4o-2024-08-06`);
  }
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const signer = await ctx.account(args.signer, "--signer", 0);
  const attesters = await ctx.attesters(signer);
  const { events } = await send(attesters, attesters.registerProvider(args.name));
  const providerId = eventNamed(events, "ProviderRegistered").args.providerId as bigint;
  console.log(`provider ${providerId} "${args.name}", registered by ${await signer.getAddress()}`);
  console.log(`  Proxy-route answers name it with --provider ${providerId}`);
}

interface HeartbeatArgs extends DeploymentArgs {
  enclave: string;
  signer: string;
}

async function heartbeat(args: HeartbeatArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  if (args.enclave === "") fail("pass --enclave <account index or address>: the enclave key that signs the heartbeat");
  const ctx = await Proofline.connect(hre, args.deploymentId);
  const enclave = await ctx.account(args.enclave, "--enclave");
  const enclaveAddress = await enclave.getAddress();
  const sender = await ctx.account(args.signer, "--signer", 0);
  const attesters = await ctx.attesters(sender);
  const record = await attesters
    .getEnclave(enclaveAddress)
    .catch(() =>
      fail(
        `${enclaveAddress} is not a registered enclave: a TRUST_ADMIN registers it (${ctx.command("trust:register-enclave", "--help")})`,
      ),
    );
  if (record.disabledAt !== 0n)
    fail(`enclave ${enclaveAddress} was disabled by a guardian at ${at(record.disabledAt)}`);
  const now = await ctx.now();
  const timestamp = now > record.lastHeartbeat ? now : record.lastHeartbeat + 1n;
  const domain = attesterRegistryDomain(ctx.chainId, await attesters.getAddress());
  const signature = await signHeartbeat(enclave, domain, timestamp);
  await send(attesters, attesters.heartbeat(enclaveAddress, timestamp, signature));
  const ttl = await attesters.heartbeatTtl();
  const live = await attesters.isEnclaveLive(enclaveAddress);
  console.log(`enclave ${enclaveAddress} heartbeat at ${at(timestamp)}`);
  console.log(
    live
      ? `  live until ${at(timestamp + ttl)} (heartbeat TTL ${duration(ttl)})`
      : "  NOT live: its measurement is not approved or was revoked",
  );
  if (ctx.kind !== "remote") console.log(`  ${DEVELOPMENT_ENCLAVE}`);
}

export const nodeRegister = taskAction(registerNode);
export const providerRegister = taskAction(registerProvider);
export const enclaveHeartbeat = taskAction(heartbeat);
