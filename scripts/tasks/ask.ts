/**
 * `./proofline ask --network <network> [--node <url>] (--artifact <id> | --label <label>) --input <json>`: pays a
 * Proofline node over x402 (into the escrow, never the node's wallet) with `ProoflineNodeClient`, prints the answer,
 * its inference id and its state (`Answered`: not a proof), and with `--wait <level>` waits until the ledger settles the
 * record at that level or more (or says it never will).
 *
 * The payer is one of the network's accounts (`--signer`, an index or address; on a local development chain the
 * default is account 2, the client `npm start` funds with test USDC; elsewhere account 0, e.g. the keystore's key on
 * Base Sepolia). The escrow the payer trusts is `--escrow`, or the one the local network recorded
 * (`.proofline/localnet.json`) or the connected chain's Ignition deployment: never the node's own word.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { Level } from "../../src/ledger.js";
import { InferenceRequestError, NotSettledError, ProoflineNodeClient } from "../../src/x402/index.js";
import { systemAddresses } from "./lib/addresses.js";
import { connectNetwork } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { address, level, whole } from "./lib/parse.js";

interface AskArgs {
  node: string;
  artifact: string;
  label: string;
  input: string;
  signer: string;
  escrow: string;
  maxPrice: string;
  wait: string;
  timeout: string;
  json: boolean;
}

/** The escrow to trust: `--escrow`, else the local network's record for this chain, else its Ignition deployment. */
function trustedEscrow(args: AskArgs, chainId: bigint, root: string): string {
  if (args.escrow !== "") return address(args.escrow, "--escrow");
  const escrow = systemAddresses(chainId, root)?.escrow;
  if (escrow !== undefined) return escrow;
  return fail(
    `no escrow to trust on chain ${chainId}: pass --escrow <address> (the payment goes to that contract), or run ` +
      "`npm start` for a local network",
  );
}

async function ask(args: AskArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  if ((args.artifact === "") === (args.label === "")) fail("name what to run with --artifact <id> or --label <label>");
  let input: unknown;
  try {
    input = JSON.parse(args.input);
  } catch {
    fail(
      `--input must be JSON, e.g. '{"text":"Win a free cruise!!!"}' or '{"subject":"0x…","features":[400,2,500,100]}'`,
    );
  }
  const minLevel = args.wait === "" ? undefined : level(args.wait, "--wait");
  const maxPrice = whole(args.maxPrice, "--max-price", 1n);
  const timeoutMs = Number(whole(args.timeout, "--timeout", 1n, 86_400n)) * 1000;
  const { connection, kind } = await connectNetwork(hre);
  const { ethers } = connection;
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const signers = await ethers.getSigners();
  const payer =
    args.signer === ""
      ? signers[kind === "remote" ? 0 : Math.min(2, signers.length - 1)]
      : /^[0-9]+$/.test(args.signer)
        ? signers[Number(args.signer)]
        : signers.find((s) => s.address.toLowerCase() === address(args.signer, "--signer").toLowerCase());
  if (payer === undefined) fail(`--signer ${args.signer} is not one of the ${signers.length} accounts of this network`);
  const escrow = trustedEscrow(args, chainId, hre.config.paths.root);
  let client: ProoflineNodeClient;
  try {
    client = await ProoflineNodeClient.connect({
      nodeUrl: args.node,
      payer,
      provider: ethers.provider,
      trustedEscrows: [escrow],
      maxAmountPerPayment: maxPrice,
    });
  } catch (error) {
    return fail(`no Proofline node answered at ${args.node}: ${(error as Error).message}`);
  }
  const body = { ...(args.artifact !== "" ? { artifact: args.artifact } : { label: args.label }), input };
  const started = Date.now();
  let paid;
  try {
    paid = await client.infer(body);
  } catch (error) {
    if (error instanceof InferenceRequestError)
      fail(`the node refused the request (HTTP ${error.status}): ${error.message}`);
    throw error;
  }
  const answeredMs = Date.now() - started;
  if (args.json && minLevel === undefined) {
    console.log(JSON.stringify(paid, null, 2));
    return;
  }
  console.log(`answer     ${JSON.stringify(paid.result)} (in ${answeredMs} ms)`);
  console.log(`inference  ${paid.inferenceId}`);
  console.log(`state      ${paid.state}: claimed ${paid.claimed}, not settled yet (an answer, not a proof)`);
  console.log(`paid       escrow request ${paid.payment.escrowRequestId} on ${escrow}, from ${payer.address}`);
  console.log(
    `checked    ${paid.inputParts.length} input and ${paid.outputParts.length} output parts match the commitments`,
  );
  if (minLevel === undefined) {
    console.log(`next       ./proofline trail ${paid.inferenceId} --network ${connection.networkName}`);
    return;
  }
  console.log(`waiting    for the ledger to settle it at ${Level[minLevel]} or more`);
  try {
    const settled = await paid.settled({ minLevel, timeoutMs });
    console.log(
      `settled    at ${Level[settled.level]}, ${((Date.now() - started - answeredMs) / 1000).toFixed(1)} s after the answer`,
    );
  } catch (error) {
    if (error instanceof NotSettledError) fail(`not settled: ${error.message}`);
    throw error;
  }
  console.log(`trail      ./proofline trail ${paid.inferenceId} --network ${connection.networkName}`);
}

export default taskAction(ask);
