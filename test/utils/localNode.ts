/**
 * A local network with a node service on it, for the tests that need both (the paying CLI, the review panel, a
 * dropped answer): a `hardhat node` on a free port with the system set up (node/localnet.ts), a provider on it, and the
 * node service in this process with the development accounts' keys (`localNodeEnvironment`) and `env` on top.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { JsonRpcProvider } from "ethers";

import { loadConfig } from "../../node/config.js";
import { localNodeEnvironment, startLocalnet, type Localnet } from "../../node/localnet.js";
import { NodeService, type Log } from "../../node/service.js";
import { freePort, testChainOptions } from "./hardhatNode.js";

export interface LocalNode {
  localnet: Localnet;
  provider: JsonRpcProvider;
  service: NodeService;
  /** Stops the node service, the provider and the chain. */
  stop(): Promise<void>;
}

export async function startLocalNode(name: string, env: Record<string, string> = {}, log: Log = () => undefined) {
  const dir = mkdtempSync(join(tmpdir(), `proofline-${name}-`));
  const recordFile = join(dir, "localnet.json");
  const localnet = await startLocalnet({
    chain: "hardhat",
    port: await freePort(),
    recordFile,
    chainOptions: testChainOptions,
  });
  const provider = new JsonRpcProvider(localnet.record.rpcUrl, undefined, { staticNetwork: true, batchStallTime: 0 });
  const service = await NodeService.start(
    loadConfig(localNodeEnvironment(recordFile, join(dir, "node.db"), { PROOFLINE_PROVERS: "1", ...env })),
    log,
  );
  const node: LocalNode = {
    localnet,
    provider,
    service,
    stop: async () => {
      await service.stop();
      provider.destroy();
      await localnet.stop();
    },
  };
  return node;
}
