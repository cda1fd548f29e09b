import { buildModule } from "@nomicfoundation/ignition-core";

import { wireRoles } from "../wiring.js";
import ModelRegistryModule from "./ModelRegistry.js";

/**
 * The ZK verifier router, wired to the project's AccessManager: TRUST_ADMIN (delayed) adds verifiers; GUARDIAN
 * (immediate) freezes them. An artifact's publisher binds the artifact to a verifier, once, without any role.
 */
export default buildModule("VerifierRouter", (m) => {
  const { accessManager, registry } = m.useModule(ModelRegistryModule);
  const router = m.contract("VerifierRouter", [accessManager, registry]);
  wireRoles(m, accessManager, router, "VerifierRouter");
  return { accessManager, registry, router };
});
