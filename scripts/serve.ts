/**
 * `npm run serve`: the node service (node/service.ts) with the configuration of the environment (node/config.ts), on
 * the local network `npm start` recorded unless told otherwise. Stops cleanly on SIGTERM or Ctrl-C: the HTTP server
 * closes, background work finishes its step, the store is closed; anything unfinished resumes at the next start.
 */
import { ConfigError, loadConfig } from "../node/config.js";
import { NodeService, jsonLog } from "../node/service.js";

let service: NodeService;
try {
  service = await NodeService.start(loadConfig());
} catch (error) {
  console.error(`error: ${error instanceof ConfigError ? error.message : (error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
jsonLog("serving", { url: service.url });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await service.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
