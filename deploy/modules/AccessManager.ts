import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { Roles } from "../../src/roles.js";

/**
 * The one OpenZeppelin AccessManager that holds every admin power in Proofline, and its role holders.
 *
 * Parameters (each defaults to the deployer):
 * - `admin`: ADMIN_ROLE (grants roles, wires functions to roles).
 * - `guardian`: GUARDIAN, immediate: revokes artifacts and measurements, disables enclaves and nodes.
 * - `trustAdmin`: TRUST_ADMIN, with an execution delay of `trustAdminDelay` seconds (default one day): approves
 *   measurements and registers enclaves only after scheduling and waiting.
 */
export default buildModule("AccessManager", (m) => {
  const deployer = m.getAccount(0);
  const admin = m.getParameter("admin", deployer);
  const guardian = m.getParameter("guardian", deployer);
  const trustAdmin = m.getParameter("trustAdmin", deployer);
  const trustAdminDelay = m.getParameter("trustAdminDelay", 86_400);

  const accessManager = m.contract("AccessManager", [admin]);
  m.call(accessManager, "grantRole", [Roles.GUARDIAN, guardian, 0], { id: "grantGuardian" });
  m.call(accessManager, "grantRole", [Roles.TRUST_ADMIN, trustAdmin, trustAdminDelay], { id: "grantTrustAdmin" });
  return { accessManager };
});
