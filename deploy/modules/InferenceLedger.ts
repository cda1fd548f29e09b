import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { wireRoles } from "../wiring.js";
import ModelRegistryModule from "./ModelRegistry.js";

/**
 * The inference ledger (with its attester registry and ZK verifier router), wired to the project's AccessManager:
 * TRUST_ADMIN (delayed) approves measurements, registers enclaves and adds ZK verifiers; GUARDIAN (immediate) revokes
 * measurements, disables enclaves, deactivates nodes and freezes ZK verifiers.
 *
 * Parameters, in seconds: `challengeWindow` (default 1 hour), `settlementWindow` (1 day), `roundDuration`
 * (1 hour), `heartbeatTtl` (1 hour, the freshness window OpenGradient's TEE registry uses).
 */
export default buildModule("InferenceLedger", (m) => {
  const { accessManager, registry } = m.useModule(ModelRegistryModule);
  const ledger = m.contract("InferenceLedger", [
    accessManager,
    registry,
    m.getParameter("challengeWindow", 3_600),
    m.getParameter("settlementWindow", 86_400),
    m.getParameter("roundDuration", 3_600),
    m.getParameter("heartbeatTtl", 3_600),
  ]);
  wireRoles(m, accessManager, ledger, "InferenceLedger");
  return { accessManager, registry, ledger };
});
