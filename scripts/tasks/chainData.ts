/**
 * `trail` and `roles` (scripts/trail.ts, scripts/roles.ts) with the tasks' friendly failures: the inference id is
 * checked before anything is read, the recorded deployment is checked to have code on the connected chain, and any
 * failure is one line on stderr instead of a stack trace.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import roles from "../roles.js";
import trail from "../trail.js";
import { Proofline } from "./lib/context.js";
import { taskAction } from "./lib/failure.js";
import { inferenceId } from "./lib/parse.js";

type TrailArgs = Parameters<typeof trail>[0];
type RolesArgs = Parameters<typeof roles>[0];

export const trailTask = taskAction(async (args: TrailArgs, hre: HardhatRuntimeEnvironment) => {
  const id = inferenceId(args.inferenceId);
  // With --ledger the addresses are the caller's; otherwise they come from the deployment record, checked here.
  if (args.ledger === "") await Proofline.connect(hre);
  await trail({ ...args, inferenceId: id }, hre);
});

export const rolesTask = taskAction(async (args: RolesArgs, hre: HardhatRuntimeEnvironment) => {
  await Proofline.connect(hre, args.deploymentId);
  await roles(args, hre);
});
