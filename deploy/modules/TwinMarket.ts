import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { Roles } from "../../src/roles.js";
import { selectors } from "../../src/selectors.js";
import AccessManagerModule from "./AccessManager.js";

/**
 * The twin market, wired to the project's AccessManager: FEE_ADMIN runs the fee functions with no execution delay,
 * because the market enforces its own timelock (three days) on every fee increase and destination change.
 *
 * Parameters: `feeAdmin` (default: the deployer), `feeDestination` (default: the deployer), `protocolFee` and
 * `subjectFee` as fractions of 1e18 (default 5% each, the caps).
 */
export default buildModule("TwinMarket", (m) => {
  const { accessManager } = m.useModule(AccessManagerModule);
  const deployer = m.getAccount(0);
  const market = m.contract("TwinMarket", [
    accessManager,
    m.getParameter("feeDestination", deployer),
    m.getParameter("protocolFee", 5n * 10n ** 16n),
    m.getParameter("subjectFee", 5n * 10n ** 16n),
  ]);
  m.call(
    accessManager,
    "setTargetFunctionRole",
    [
      market,
      selectors([
        "setFee(uint8,uint256)",
        "queueFeeDestination(address)",
        "cancelFeeChange(uint8)",
        "applyFeeChange(uint8)",
      ]),
      Roles.FEE_ADMIN,
    ],
    { id: "TwinMarket_feeFunctions" },
  );
  m.call(accessManager, "grantRole", [Roles.FEE_ADMIN, m.getParameter("feeAdmin", deployer), 0], {
    id: "grantFeeAdmin",
  });
  return { accessManager, market };
});
