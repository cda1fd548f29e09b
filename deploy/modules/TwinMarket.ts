import { buildModule } from "@nomicfoundation/ignition-core";

import { Roles } from "../../src/roles.js";
import { wireRoles } from "../wiring.js";
import AccessManagerModule from "./AccessManager.js";

/**
 * The twin market, wired to the project's AccessManager: FEE_ADMIN runs the fee functions with no execution delay,
 * because the market enforces its own timelock (three days) on every fee increase and destination change.
 *
 * Parameters: `feeAdmin` and `feeDestination` (no defaults: named on purpose), `protocolFee` and `subjectFee` as
 * fractions of 1e18 (default 5% each, the caps; the constructor refuses more).
 */
export default buildModule("TwinMarket", (m) => {
  const { accessManager } = m.useModule(AccessManagerModule);
  const market = m.contract("TwinMarket", [
    accessManager,
    m.getParameter<string>("feeDestination"),
    m.getParameter("protocolFee", 5n * 10n ** 16n),
    m.getParameter("subjectFee", 5n * 10n ** 16n),
  ]);
  wireRoles(m, accessManager, market, "TwinMarket");
  m.call(accessManager, "grantRole", [Roles.FEE_ADMIN, m.getParameter<string>("feeAdmin"), 0], {
    id: "grantFeeAdmin",
  });
  return { accessManager, market };
});
