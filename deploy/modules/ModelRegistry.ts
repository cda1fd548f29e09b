import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { Roles } from "../../src/roles.js";
import { selectors } from "../../src/selectors.js";
import AccessManagerModule from "./AccessManager.js";

/** The model registry, with `guardianRevokeArtifact` wired to the GUARDIAN role (no delay). */
export default buildModule("ModelRegistry", (m) => {
  const { accessManager } = m.useModule(AccessManagerModule);
  const registry = m.contract("ModelRegistry", [accessManager]);
  m.call(
    accessManager,
    "setTargetFunctionRole",
    [registry, selectors(["guardianRevokeArtifact(uint64,uint8)"]), Roles.GUARDIAN],
    { id: "ModelRegistry_guardianFunctions" },
  );
  return { accessManager, registry };
});
