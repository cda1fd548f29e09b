/**
 * `npm run serve`: the node service (node/service.ts) with the configuration of the environment (node/config.ts), on
 * the local network `npm start` recorded unless told otherwise, until SIGTERM or Ctrl-C (node/serve.ts). Keys come
 * from the environment; `./proofline serve` also reads them from Hardhat's keystore.
 */
import { ConfigError } from "../node/config.js";
import { serveUntilStopped } from "../node/serve.js";

try {
  await serveUntilStopped(process.env);
  process.exit(0);
} catch (error) {
  console.error(`error: ${error instanceof ConfigError ? error.message : (error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
