import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The one OpenZeppelin AccessManager that holds every admin power in Proofline.
 * Parameter `admin` (default: the deployer) receives ADMIN_ROLE.
 */
export default buildModule("AccessManager", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const accessManager = m.contract("AccessManager", [admin]);
  return { accessManager };
});
