/**
 * Proofline's testing entry point in this repository, apart from the client library (`src/index.ts`): the devkit
 * (`devkit.ts`, published as `proofline/testing`), which deploys the whole system into a Hardhat network connection
 * from the compiled artifacts and drives it, and this repository's fixture over it (`scenario.ts`), used by the
 * tests, the gas benchmark and the demo. The client library never imports it.
 */
export * from "./devkit.js";
export * from "./scenario.js";
