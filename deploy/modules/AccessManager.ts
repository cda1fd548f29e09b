import { buildModule } from "@nomicfoundation/ignition-core";

import { Roles } from "../../src/roles.js";

/**
 * The one OpenZeppelin AccessManager that holds every admin power in Proofline, and its role holders.
 *
 * The deploying account is the manager's first ADMIN_ROLE holder, because it wires every contract's functions to
 * their roles during the deployment. Deploying this module (or any part module built on it) leaves the deployer as
 * ADMIN, which suits development; the whole-system modules (`Proofline`, `ProoflineLocal`) end by handing ADMIN to
 * the `admin` parameter and renouncing it, so the deployer keeps nothing.
 *
 * Parameters (no defaults: every holder is named on purpose, usually under `$global` in `deploy/parameters/`):
 * - `guardian`: GUARDIAN, immediate: revokes artifacts and measurements, disables enclaves and nodes, freezes
 *   verifiers, and cancels trust-admin actions while they wait out their delay (it is TRUST_ADMIN's role guardian).
 * - `trustAdmin`: TRUST_ADMIN, with an execution delay of `trustAdminDelay` seconds (default one day): approves
 *   measurements, registers enclaves and adds verifiers only after scheduling and waiting.
 * Each role also gets its label (`labelRole`), so explorers and `hardhat roles` show names, not numbers.
 */
export default buildModule("AccessManager", (m) => {
  const accessManager = m.contract("AccessManager", [m.getAccount(0)]);
  for (const role of ["GUARDIAN", "TRUST_ADMIN", "FEE_ADMIN"] as const) {
    m.call(accessManager, "labelRole", [Roles[role], role], { id: `label_${role}` });
  }
  m.call(accessManager, "setRoleGuardian", [Roles.TRUST_ADMIN, Roles.GUARDIAN], { id: "guardTrustAdmin" });
  m.call(accessManager, "grantRole", [Roles.GUARDIAN, m.getParameter<string>("guardian"), 0], {
    id: "grantGuardian",
  });
  m.call(
    accessManager,
    "grantRole",
    [Roles.TRUST_ADMIN, m.getParameter<string>("trustAdmin"), m.getParameter("trustAdminDelay", 86_400)],
    { id: "grantTrustAdmin" },
  );
  return { accessManager };
});
