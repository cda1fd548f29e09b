import { buildSystem } from "../system.js";
import PaymentsModule from "./Payments.js";

/**
 * The whole system on a network with USDC (Base Sepolia, Base): every part, wired, handed over to `admin`
 * (see `deploy/system.ts`). Parameters: `deploy/parameters/baseSepolia.json` plus the role holders.
 */
export default buildSystem("Proofline", PaymentsModule);
