import { buildModule } from "@nomicfoundation/ignition-core";

import InferenceLedgerModule from "./InferenceLedger.js";

/**
 * The inference escrow (bound into the bond vault), paying for records of the ledger, and the network's USDC, which the escrow takes like any
 * ERC-20 (and through EIP-3009 authorizations, as x402 pays). Parameter `usdc`: the USDC address on the target
 * network (`deploy/parameters/baseSepolia.json` names Circle's Base Sepolia USDC). Networks without USDC use
 * `LocalPayments` (with a test token) instead.
 */
export default buildModule("Payments", (m) => {
  const { ledger, bonds } = m.useModule(InferenceLedgerModule);
  const escrow = m.contract("InferenceEscrow", [ledger]);
  // The vault learns the ledger that checks its locks and the escrow whose requests size paid locks.
  m.call(bonds, "bind", [ledger, escrow], { id: "bindBondVault" });
  const usdc = m.contractAt("IERC3009", m.getParameter<string>("usdc"), { id: "USDC" });
  return { escrow, usdc };
});
