import { buildSystem } from "../system.js";
import LocalPaymentsModule from "./LocalPayments.js";

/**
 * The whole system on a network without USDC (the built-in network, a local node), with `TestUSDC` for payments:
 * every part, wired, handed over to `admin` (see `deploy/system.ts`). Parameters: `deploy/parameters/default.json`
 * (the built-in network) or `deploy/parameters/localhost.json`.
 */
export default buildSystem("ProoflineLocal", LocalPaymentsModule);
