/**
 * `npm run facilitator`: the x402 facilitator of the `proofline` scheme as an HTTP service (node/facilitator.ts), for
 * node services started with `PROOFLINE_FACILITATOR_URL` pointing at it. Configuration comes from the environment
 * (`loadFacilitatorConfig`: the chain and escrow of the local network `npm start` recorded unless told otherwise, the
 * facilitator's key from `PROOFLINE_FACILITATOR_KEY`, never logged), and it serves until SIGTERM or Ctrl-C, then
 * stops cleanly: settlements in progress finish, then the server closes. A configuration mistake is one `error:` line
 * and exit code 1.
 */
import { ConfigError } from "../node/config.js";
import { loadFacilitatorConfig, startFacilitatorService } from "../node/facilitator.js";
import { untilSignal } from "../node/serve.js";
import { jsonLog } from "../node/service.js";

try {
  const service = await startFacilitatorService({ ...loadFacilitatorConfig(process.env), log: jsonLog });
  jsonLog("serving", { url: service.url, network: service.network, facilitator: service.address });
  await untilSignal(() => service.close());
  process.exit(0);
} catch (error) {
  console.error(`error: ${error instanceof ConfigError ? error.message : (error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
