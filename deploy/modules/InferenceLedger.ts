import { buildModule } from "@nomicfoundation/ignition-core";

import AttesterRegistryModule from "./AttesterRegistry.js";
import VerifierRouterModule from "./VerifierRouter.js";

/**
 * The inference ledger, reading the model registry, the attester registry and the verifier router. It has no
 * restricted function: every admin power over what it accepts sits in those three contracts.
 *
 * Parameters, in seconds: `challengeWindow` (default 1 hour), `settlementWindow` (1 day), `roundDuration` (1 hour).
 */
export default buildModule("InferenceLedger", (m) => {
  const { accessManager, registry, attesters } = m.useModule(AttesterRegistryModule);
  const { router } = m.useModule(VerifierRouterModule);
  const ledger = m.contract("InferenceLedger", [
    registry,
    attesters,
    router,
    m.getParameter("challengeWindow", 3_600),
    m.getParameter("settlementWindow", 86_400),
    m.getParameter("roundDuration", 3_600),
  ]);
  return { accessManager, registry, attesters, router, ledger };
});
