/**
 * `./proofline ask` (scripts/tasks/ask.ts) against a real node service on a real local chain: the CLI pays over x402
 * from one of the network's accounts into the escrow it trusts, prints the answer and its state (`Answered`), and with
 * `--wait` waits for the ledger's settlement. Bad input fails with one `error:` line and pays nothing.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import { devWallet, type Localnet } from "../../node/localnet.js";
import type { NodeService } from "../../node/service.js";
import { RecordState } from "../../src/ledger.js";
import { InferenceLedger__factory, TestUSDC__factory } from "../../src/typechain/index.js";
import { HARDHAT_CLI } from "../utils/hardhatNode.js";
import { startLocalNode, type LocalNode } from "../utils/localNode.js";

const run = promisify(execFile);

describe("proofline ask: the paying CLI", function () {
  this.timeout(240_000);
  let localnet: Localnet;
  let service: NodeService;
  let provider: JsonRpcProvider;
  let stopNode: () => Promise<void>;

  /** `./proofline ask ... --network localhost` pointed at this test's chain; never throws (the result says). */
  const ask = (...args: string[]) =>
    run(process.execPath, [HARDHAT_CLI, "ask", "--network", "localhost", "--node", service.url, ...args], {
      env: { ...process.env, PROOFLINE_LOCALHOST_URL: localnet.record.rpcUrl },
      timeout: 180_000,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  before(async () => {
    let node: LocalNode;
    ({
      localnet,
      provider,
      service,
      stop: stopNode,
    } = node = await startLocalNode("ask", { PROOFLINE_BATCH_MS: "100" }));
    void node;
  });

  after(async () => stopNode?.());

  it("pays from the local client account, prints the Answered answer, and waits for the TEE settlement", async () => {
    const usdc = TestUSDC__factory.connect(localnet.record.addresses.usdc, provider);
    const client = devWallet(2).address;
    const before = await usdc.balanceOf(client);
    const result = await ask(
      "--label",
      "spam-filter",
      "--input",
      '{"text":"Win a free cruise!!!"}',
      "--escrow",
      localnet.record.addresses.escrow,
      "--wait",
      "tee",
    );
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/state {6}Answered: claimed TEE, not settled yet/);
    expect(result.stdout).to.match(/settled {4}at TEE/);
    const inferenceId = /inference {2}(0x[0-9a-f]{64})/.exec(result.stdout)![1];
    const ledger = InferenceLedger__factory.connect(localnet.record.addresses.ledger, provider);
    expect(Number((await ledger.settlementOf(inferenceId))[0])).to.equal(RecordState.Settled);
    expect(before - (await usdc.balanceOf(client))).to.equal(2_000n); // the spam filter's price, into the escrow
  });

  it("fails with one error line and pays nothing for bad input, a price above --max-price, or nothing to run", async () => {
    const usdc = TestUSDC__factory.connect(localnet.record.addresses.usdc, provider);
    const client = devWallet(2).address;
    const before = await usdc.balanceOf(client);
    const escrow = ["--escrow", localnet.record.addresses.escrow];
    const cases: Array<[string[], RegExp]> = [
      [["--artifact", "1", "--input", '{"subject":"nobody","features":[1,2,3,4]}'], /HTTP 400.*input\.subject/],
      [["--label", "spam-filter", "--input", "not json"], /--input must be JSON/],
      [["--label", "spam-filter", "--input", '{"text":"hi"}', "--max-price", "10"], /maxAmountPerPayment/],
      [["--input", '{"text":"hi"}'], /--artifact <id> or --label <label>/],
    ];
    for (const [args, message] of cases) {
      const result = await ask(...args, ...escrow);
      expect(result.code, args.join(" ")).to.not.equal(0);
      expect(result.stderr).to.match(/^error: /m);
      expect(result.stderr).to.match(message);
    }
    expect(await usdc.balanceOf(client)).to.equal(before);
  });
});
