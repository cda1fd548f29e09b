/**
 * Proofline's testing entry point, apart from the client library (`src/index.ts`): code that deploys the whole system
 * into a Hardhat network connection and drives it, for this repository's tests, gas benchmark and demo. It imports
 * Hardhat and the Ignition modules in `deploy/`; the client library never imports it.
 */
export * from "./scenario.js";
