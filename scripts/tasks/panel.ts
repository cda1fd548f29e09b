/**
 * `./proofline panel --network <network> [--port 8404] [--node <url>]`: serves the review panel (panel/) for the
 * system on that network, reading only chain data, and the published parts of the node at `--node` when given. The
 * contracts are the local network's record or the chain's Ignition deployment (scripts/tasks/lib/addresses.ts). Runs
 * until Ctrl-C.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { untilSignal } from "../../node/serve.js";
import { startPanel } from "../../panel/server.js";
import { deploymentStartBlock, defaultDeploymentId } from "../../src/deployments.js";
import { systemAddresses } from "./lib/addresses.js";
import { connectNetwork } from "./lib/context.js";
import { fail, taskAction } from "./lib/failure.js";
import { whole } from "./lib/parse.js";

interface PanelArgs {
  port: string;
  host: string;
  node: string;
}

async function panel(args: PanelArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const port = Number(whole(args.port, "--port", 0n, 65_535n));
  const { connection, kind } = await connectNetwork(hre);
  if (kind === "built-in" || connection.networkConfig.type !== "http") {
    fail("the panel follows a running chain: add --network localhost (after `npm start`) or a live network");
  }
  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  const addresses = systemAddresses(chainId, hre.config.paths.root);
  if (addresses === undefined || !addresses.escrow) {
    fail(`no Proofline deployment recorded for chain ${chainId}: run \`npm start\`, or deploy with Ignition first`);
  }
  const service = await startPanel({
    rpcUrl: await connection.networkConfig.url.getUrl(),
    addresses: {
      ledger: addresses.ledger,
      registry: addresses.registry,
      attesters: addresses.attesters,
      escrow: addresses.escrow,
    },
    network: connection.networkName,
    fromBlock: deploymentStartBlock(defaultDeploymentId(chainId)),
    nodeUrl: args.node || undefined,
    host: args.host,
    port,
  });
  console.log(`panel for ${connection.networkName} (chain ${chainId}) at ${service.url}; Ctrl-C stops it`);
  await untilSignal(() => service.close());
}

export default taskAction(panel);
