import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { id } from "ethers";

import { Roles } from "../../src/roles.js";
import AccessManagerModule from "./AccessManager.js";

/**
 * The model registry, with `guardianRevokeArtifact` wired to the GUARDIAN role (no delay).
 * Parameter `guardian` (default: the deployer) receives the GUARDIAN role.
 */
export default buildModule("ModelRegistry", (m) => {
  const { accessManager } = m.useModule(AccessManagerModule);
  const registry = m.contract("ModelRegistry", [accessManager]);

  const guardian = m.getParameter("guardian", m.getAccount(0));
  const guardianSelectors = [id("guardianRevokeArtifact(uint64,uint8)").slice(0, 10)];
  m.call(accessManager, "setTargetFunctionRole", [registry, guardianSelectors, Roles.GUARDIAN], {
    id: "ModelRegistry_guardianFunctions",
  });
  m.call(accessManager, "grantRole", [Roles.GUARDIAN, guardian, 0], { id: "ModelRegistry_grantGuardian" });

  return { accessManager, registry };
});
