/**
 * `./proofline time:advance <seconds>`: moves a local node's clock forward and mines a block, so that a delay (the
 * TRUST_ADMIN's, a challenge window, a settlement deadline) passes without waiting. Local development chains only
 * (`hardhat node`, anvil): on any other network time is real and the task refuses.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { connectNetwork } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { at, duration, whole } from "./lib/parse.js";

interface AdvanceArgs {
  seconds: string;
}

async function advance(args: AdvanceArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const seconds = whole(args.seconds, "the number of seconds", 1n, 10n ** 10n);
  const { connection, kind } = await connectNetwork(hre);
  if (kind === "built-in") {
    fail(
      "this is Hardhat's built-in network, which starts afresh for every command: its clock cannot be moved for the " +
        "next one. Add --network localhost",
    );
  }
  if (kind === "remote") {
    fail(`network ${connection.networkName} is not a local development node: its clock is real, so wait instead`);
  }
  const { provider } = connection;
  const before = await connection.ethers.provider.getBlock("latest");
  await provider.request({ method: "evm_increaseTime", params: [Number(seconds)] });
  await provider.request({ method: "evm_mine", params: [] });
  const after = await connection.ethers.provider.getBlock("latest");
  console.log(
    `moved the clock of ${connection.networkName} forward by ${duration(seconds)}: chain time ` +
      `${at(BigInt(before!.timestamp))} -> ${at(BigInt(after!.timestamp))} (block ${after!.number})`,
  );
}

export default taskAction(advance);
