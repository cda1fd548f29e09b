import { buildModule } from "@nomicfoundation/ignition-core";

import { wireRoles } from "../wiring.js";
import ModelRegistryModule from "./ModelRegistry.js";

/**
 * The attester registry (node keys, providers, code measurements, enclaves, heartbeats), wired to the project's
 * AccessManager: TRUST_ADMIN (delayed) approves measurements and registers enclaves; GUARDIAN (immediate) revokes
 * measurements, disables enclaves and deactivates nodes.
 *
 * Parameter, in seconds: `heartbeatTtl` (default 1 hour, the freshness window OpenGradient's TEE registry uses).
 */
export default buildModule("AttesterRegistry", (m) => {
  const { accessManager, registry } = m.useModule(ModelRegistryModule);
  const attesters = m.contract("AttesterRegistry", [accessManager, registry, m.getParameter("heartbeatTtl", 3_600)]);
  wireRoles(m, accessManager, attesters, "AttesterRegistry");
  return { accessManager, registry, attesters };
});
