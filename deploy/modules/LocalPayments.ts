import { buildModule } from "@nomicfoundation/ignition-core";

import InferenceLedgerModule from "./InferenceLedger.js";

/**
 * The inference escrow with `TestUSDC`, a test token (ERC-20, EIP-2612, EIP-3009, 6 decimals) for networks without
 * USDC: the built-in network and a local node. Parameter `tokenOwner` (default: the deploying account) mints it.
 */
export const LocalPaymentsModule = buildModule("LocalPayments", (m) => {
  const { ledger, bonds } = m.useModule(InferenceLedgerModule);
  const escrow = m.contract("InferenceEscrow", [ledger]);
  // The vault learns the ledger that checks its locks and the escrow whose requests size paid locks.
  m.call(bonds, "bind", [ledger, escrow], { id: "bindBondVault" });
  const usdc = m.contract("TestUSDC", [m.getParameter("tokenOwner", m.getAccount(0))]);
  return { escrow, usdc };
});

export default LocalPaymentsModule;
