import { buildModule } from "@nomicfoundation/ignition-core";

import AttesterRegistryModule from "./AttesterRegistry.js";
import BondVaultModule from "./BondVault.js";
import VerifierRouterModule from "./VerifierRouter.js";

/**
 * The inference ledger, reading the model registry, the attester registry, the verifier router and the bond vault.
 * It has no restricted function: every admin power over what it accepts sits in the first three contracts.
 *
 * Parameters, in seconds: `challengeWindow` (default 1 hour), `settlementWindow` (1 day), `roundDuration` (1 hour).
 */
export default buildModule("InferenceLedger", (m) => {
  const { accessManager, registry, attesters } = m.useModule(AttesterRegistryModule);
  const { router } = m.useModule(VerifierRouterModule);
  const { bonds } = m.useModule(BondVaultModule);
  const ledger = m.contract("InferenceLedger", [
    registry,
    attesters,
    router,
    bonds,
    m.getParameter("challengeWindow", 3_600),
    m.getParameter("settlementWindow", 86_400),
    m.getParameter("roundDuration", 3_600),
  ]);
  return { accessManager, registry, attesters, router, bonds, ledger };
});
