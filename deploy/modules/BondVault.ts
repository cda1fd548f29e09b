import { buildModule } from "@nomicfoundation/ignition-core";

import AttesterRegistryModule from "./AttesterRegistry.js";

/**
 * The bond vault: node bonds that claims above Vanilla lock, released on settlement and slashed on overclaiming. It
 * has no admin; the payments module binds it to the ledger and the escrow (`bind`, once, from the deploying account).
 *
 * Parameters: `feeDestination` (where the protocol's share of slashes goes, the market's fee destination),
 * `minimumLock` in wei (default 0.01 ETH: what a claim no escrow request pays for locks), `unbondingPeriod` in
 * seconds (default 3 days; it must be longer than the ledger's longest window plus the escrow's 1-day claim window,
 * which `bind` checks).
 */
export default buildModule("BondVault", (m) => {
  const { attesters } = m.useModule(AttesterRegistryModule);
  const bonds = m.contract("BondVault", [
    attesters,
    m.getParameter("minimumLock", 10n ** 16n),
    m.getParameter("unbondingPeriod", 3 * 86_400),
    m.getParameter<string>("feeDestination"),
  ]);
  return { bonds };
});
