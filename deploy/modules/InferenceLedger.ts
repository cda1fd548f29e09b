import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { Roles } from "../../src/roles.js";
import { selectors } from "../../src/selectors.js";
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
  m.call(
    accessManager,
    "setTargetFunctionRole",
    [
      ledger,
      selectors([
        "approveMeasurement(bytes32)",
        "registerEnclave(address,bytes32,uint8,uint64,bytes32)",
        "addVerifier(address,uint8)",
      ]),
      Roles.TRUST_ADMIN,
    ],
    { id: "InferenceLedger_trustFunctions" },
  );
  m.call(
    accessManager,
    "setTargetFunctionRole",
    [
      ledger,
      selectors([
        "revokeMeasurement(bytes32)",
        "disableEnclave(address)",
        "guardianDeactivateNode(uint32)",
        "freezeVerifier(address)",
      ]),
      Roles.GUARDIAN,
    ],
    { id: "InferenceLedger_guardianFunctions" },
  );
  return { accessManager, registry, ledger };
});
