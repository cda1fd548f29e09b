/**
 * The preflight of `ignition deploy` (an override of Ignition's task, so the README's deploy command runs it): before
 * Ignition sends anything, a parameters file that names a payment token (`Payments.usdc`) has that token checked on
 * the connected chain (`paymentTokenProblems`: Circle's address on Base and Base Sepolia, code, 6 decimals, EIP-3009,
 * the EIP-712 domain), and on a chain with USDC the delays are held to the live-network rule
 * (`liveParameterProblems`). Any problem stops the deployment with one line each and exit status 1, before Ignition
 * writes a journal or asks for confirmation.
 */
import { readFileSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { TaskArguments } from "hardhat/types/tasks";

import { liveParameterProblems, type DeploymentParameters } from "../../src/deployments.js";
import { paymentTokenProblems, USDC } from "../../src/tokens.js";
import { describeError } from "./lib/failure.js";

/** The problems a deployment with this parameters file would have on the connected chain. */
async function preflightProblems(hre: HardhatRuntimeEnvironment, parametersPath: string): Promise<string[]> {
  let parameters: DeploymentParameters;
  try {
    parameters = JSON.parse(readFileSync(parametersPath, "utf8")) as DeploymentParameters;
  } catch {
    return []; // Unreadable or not JSON: Ignition's own message says so.
  }
  const usdc = parameters.Payments?.usdc;
  if (typeof usdc !== "string") return [];
  const connection = await hre.network.create();
  try {
    const provider = connection.ethers.provider;
    const chainId = (await provider.getNetwork()).chainId;
    const problems = (await paymentTokenProblems(provider, usdc)).map((p) => `Payments.usdc: ${p}`);
    if (USDC[chainId.toString()] !== undefined) problems.push(...liveParameterProblems(parameters));
    return problems.map((p) => `${parametersPath}: ${p}`);
  } finally {
    await connection.close();
  }
}

export default async function deployWithPreflight(
  args: TaskArguments,
  hre: HardhatRuntimeEnvironment,
  runSuper: (args: TaskArguments) => Promise<unknown>,
): Promise<unknown> {
  const parametersPath = typeof args.parameters === "string" ? args.parameters : "";
  if (parametersPath !== "") {
    let problems: string[];
    try {
      problems = await preflightProblems(hre, parametersPath);
    } catch (error) {
      if (process.argv.includes("--show-stack-traces")) throw error;
      problems = [`the deployment preflight could not read the chain: ${await describeError(error, hre)}`];
    }
    if (problems.length > 0) {
      for (const problem of problems) console.error(`error: ${problem}`);
      console.error("Nothing was deployed.");
      return { success: false, error: new Error(problems.join("; ")) };
    }
  }
  return runSuper(args);
}
