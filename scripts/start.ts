/**
 * `npm start`: a whole Proofline network on this machine (node/localnet.ts), then waits until Ctrl-C.
 *
 *   npm start                          a `hardhat node` on 127.0.0.1:8545
 *   npm start -- --chain anvil         Foundry's anvil instead
 *   npm start -- --port 9545           another port
 *   npm start -- --rpc-url <url>       a chain already running there (nothing is started)
 *
 *   npm start -- --panel-port 9404     the review panel on another port (default 8404)
 *
 * Prints the chain's URL, the contracts and who plays which part, and writes them to `.proofline/localnet.json`; serves
 * the review panel (panel/) over that chain, showing the published parts of the node at http://127.0.0.1:8402 (the
 * node `npm run serve` starts) when it runs.
 */
import { parseArgs } from "node:util";

import { CHAIN_KINDS, type ChainKind } from "../node/chain.js";
import { startLocalnet } from "../node/localnet.js";
import { startPanel, type PanelService } from "../panel/server.js";

function usage(problem: string): never {
  console.error(`error: ${problem}`);
  console.error("usage: npm start -- [--chain hardhat|anvil] [--port <port>] [--rpc-url <url>] [--panel-port <port>]");
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      chain: { type: "string" },
      port: { type: "string" },
      "rpc-url": { type: "string" },
      "panel-port": { type: "string" },
    },
    strict: true,
  }));
} catch (error) {
  usage((error as Error).message);
}
const chain = (values.chain ?? "hardhat") as ChainKind;
if (!CHAIN_KINDS.includes(chain)) usage(`--chain must be one of ${CHAIN_KINDS.join(", ")}, not "${values.chain}"`);
const port = values.port === undefined ? 8545 : Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) usage(`--port must be a TCP port, not "${values.port}"`);
const panelPort = values["panel-port"] === undefined ? 8404 : Number(values["panel-port"]);
if (!Number.isInteger(panelPort) || panelPort < 1 || panelPort > 65_535) {
  usage(`--panel-port must be a TCP port, not "${values["panel-port"]}"`);
}

const log = (line: string) => console.log(`proofline: ${line}`);
let localnet: Awaited<ReturnType<typeof startLocalnet>>;
try {
  localnet = await startLocalnet({ chain, port, rpcUrl: values["rpc-url"], log });
} catch (error) {
  console.error(`error: ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
const { record } = localnet;
let panel: PanelService;
try {
  panel = await startPanel({
    rpcUrl: record.rpcUrl,
    addresses: record.addresses as { ledger: string; registry: string; attesters: string; escrow: string },
    network: `local ${record.chain}`,
    nodeUrl: "http://127.0.0.1:8402",
    port: panelPort,
  });
} catch (error) {
  await localnet.stop();
  console.error(`error: the review panel could not start on port ${panelPort}: ${(error as Error).message}`);
  process.exit(1);
}
console.log(`
Proofline is up (${record.chain}, chain ${record.chainId})
  JSON-RPC           ${record.rpcUrl}
${Object.entries(record.addresses)
  .map(([name, address]) => `  ${name.padEnd(18)} ${address}`)
  .join("\n")}
  accounts           ${Object.entries(record.accounts)
    .map(([part, { index }]) => `${part} #${index}`)
    .join(", ")} (development accounts: publicly known keys)
  enclaves           development enclave keys, not hardware
  review panel       ${panel.url}
Recorded in .proofline/localnet.json. Ctrl-C stops it.`);

let stopping = false;
const shutdown = async () => {
  stopping = true;
  await panel.close();
  await localnet.stop();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
if (localnet.chain !== undefined) {
  localnet.chain.process.once("exit", (code) => {
    if (stopping) return;
    console.error(`error: the ${record.chain} chain exited (${code})`);
    process.exit(1);
  });
} else {
  setInterval(() => undefined, 1 << 30); // keep running until a signal, like a started chain would
}
