/**
 * Running the node service as a program: with the configuration of an environment (node/config.ts), until SIGINT or
 * SIGTERM, then stopping cleanly (the HTTP server closes, background work finishes its step, the store is closed;
 * anything unfinished resumes at the next start). `npm run serve` (scripts/serve.ts) passes the process environment;
 * `./proofline serve` (scripts/tasks/serve.ts) adds keys from Hardhat's keystore first.
 */
import { loadConfig } from "./config.js";
import { NodeService, jsonLog } from "./service.js";

/** Resolves once SIGTERM or SIGINT arrived and `stop` (called once) finished: how the panel, node and facilitator end. */
export function untilSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      void stop().then(resolve);
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
}

/** Starts the node with `env`'s configuration and resolves once a signal has stopped it. */
export async function serveUntilStopped(env: NodeJS.ProcessEnv): Promise<void> {
  const service = await NodeService.start(loadConfig(env));
  jsonLog("serving", { url: service.url });
  await untilSignal(() => service.stop());
}
