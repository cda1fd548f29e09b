import type { CallableContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";

import { RoleWiring, Roles, type WiredContract } from "../src/roles.js";
import { selectors } from "../src/selectors.js";

/**
 * Wires `contract`'s restricted functions to their roles in the AccessManager, one `setTargetFunctionRole` call per
 * role, exactly as `RoleWiring` in `src/roles.ts` lists them (the table `hardhat roles` reads back). Runs from the
 * deploying account, which must hold ADMIN_ROLE at that point.
 */
export function wireRoles(
  m: IgnitionModuleBuilder,
  accessManager: CallableContractFuture<string>,
  contract: CallableContractFuture<string>,
  name: WiredContract,
): void {
  for (const [role, signatures] of Object.entries(RoleWiring[name])) {
    m.call(
      accessManager,
      "setTargetFunctionRole",
      [contract, selectors([...signatures]), Roles[role as keyof typeof Roles]],
      { id: `${name}_${role}` },
    );
  }
}
