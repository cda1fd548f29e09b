/**
 * x402 v2 payments into `InferenceEscrow`: the `proofline` scheme's shapes and parsers, its client (signs), server
 * (prices and states offers, `upfront` flow) and facilitator (checks and opens the request), and an in-process
 * facilitator client. Written against x402's wire types without importing x402 (see `types.ts`).
 */
export * from "./client.js";
export * from "./facilitator.js";
export * from "./scheme.js";
export * from "./server.js";
export * from "./types.js";
export * from "./inferenceClient.js";
