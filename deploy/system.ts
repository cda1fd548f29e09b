import { buildModule } from "@nomicfoundation/ignition-core";

import { Roles } from "../src/roles.js";
import AccessManagerModule from "./modules/AccessManager.js";
import AttesterRegistryModule from "./modules/AttesterRegistry.js";
import BondVaultModule from "./modules/BondVault.js";
import InferenceLedgerModule from "./modules/InferenceLedger.js";
import LocalPaymentsModule from "./modules/LocalPayments.js";
import ModelRegistryModule from "./modules/ModelRegistry.js";
import PaymentsModule from "./modules/Payments.js";
import TwinMarketModule from "./modules/TwinMarket.js";
import VerifierRouterModule from "./modules/VerifierRouter.js";
import ZkVerifiersModule from "./modules/ZkVerifiers.js";

/**
 * The whole system as one Ignition module: the AccessManager and its role holders, the model registry, the attester
 * registry, the verifier router, the bond vault, the inference ledger, the ZK verifiers, the escrow with the network's USDC (`Payments`)
 * or a test token (`LocalPayments`), and the twin market; then the hand-over. Once every contract is wired, ADMIN_ROLE
 * goes to the `admin` parameter (with an execution delay of `adminDelay` seconds, default none) and the deploying
 * account renounces it: after a system deployment the deployer holds no role at all.
 *
 * `admin` has no default and must not be the deploying account: the hand-over grants it, then the deployer
 * renounces, so naming the deployer would leave no admin. Role holders are usually given once under `$global`.
 */
export function buildSystem<Payments extends typeof PaymentsModule | typeof LocalPaymentsModule>(
  id: string,
  payments: Payments,
) {
  return buildModule(id, (m) => {
    const { accessManager, registry, attesters, router, bonds, ledger } = m.useModule(InferenceLedgerModule);
    const { market } = m.useModule(TwinMarketModule);
    const { escrow, usdc } = m.useModule<string, string, Payments["results"]>(payments);
    const { riskScorerVerifier, riskScorerBatch8Verifier, riskScorerBatch16Verifier } = m.useModule(ZkVerifiersModule);
    const everyPart = [
      AccessManagerModule,
      ModelRegistryModule,
      AttesterRegistryModule,
      VerifierRouterModule,
      BondVaultModule,
      InferenceLedgerModule,
      TwinMarketModule,
      payments,
      ZkVerifiersModule,
    ];
    const handOver = m.call(
      accessManager,
      "grantRole",
      [Roles.ADMIN, m.getParameter<string>("admin"), m.getParameter("adminDelay", 0)],
      { id: "handOverAdmin", after: everyPart },
    );
    m.call(accessManager, "renounceRole", [Roles.ADMIN, m.getAccount(0)], {
      id: "renounceAdmin",
      after: [handOver],
    });
    return {
      accessManager,
      registry,
      attesters,
      router,
      bonds,
      ledger,
      riskScorerVerifier,
      riskScorerBatch8Verifier,
      riskScorerBatch16Verifier,
      escrow,
      usdc,
      market,
    };
  });
}
