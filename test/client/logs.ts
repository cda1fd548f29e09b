import { expect } from "chai";

import { JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult } from "ethers";
import { network } from "hardhat";

import { headBlock, queryInRanges } from "../../src/logs.js";

/** An endpoint holding one log per block that refuses ranges wider than `limit` blocks, counting the calls. */
function limitedEndpoint(limit: number, brokenBlock?: number) {
  const calls: Array<[number, number]> = [];
  const query = async (from: number, to: number) => {
    calls.push([from, to]);
    if (to - from + 1 > limit) throw new Error(`range of ${to - from + 1} blocks exceeds ${limit}`);
    if (brokenBlock !== undefined && from <= brokenBlock && brokenBlock <= to) throw new Error("node down");
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  };
  return { query, calls };
}

describe("log searches over ranges an endpoint refuses (src/logs.ts)", () => {
  it("asks once when the endpoint accepts the whole range", async () => {
    const endpoint = limitedEndpoint(1_000_000);
    expect(await queryInRanges(endpoint.query, 5, 104)).to.have.length(100);
    expect(endpoint.calls).to.deep.equal([[5, 104]]);
  });

  it("splits a refused range until each piece is accepted, returning every log once and in block order", async () => {
    const endpoint = limitedEndpoint(1_000);
    const logs = await queryInRanges(endpoint.query, 0, 9_999);
    expect(logs).to.deep.equal(Array.from({ length: 10_000 }, (_, i) => i));
    expect(endpoint.calls.length).to.be.lessThan(64);
  });

  it("returns nothing for an empty range and reports a block the endpoint refuses on its own", async () => {
    expect(await queryInRanges(limitedEndpoint(10).query, 7, 6)).to.deep.equal([]);
    const endpoint = limitedEndpoint(1_000_000, 4_321);
    let failure: unknown;
    try {
      await queryInRanges(endpoint.query, 0, 99_999);
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.include("node down");
    // Depth first: it gives up after about two calls per halving, not after scanning every block.
    expect(endpoint.calls.length).to.be.lessThan(2 * 18 + 2);
  });
});

describe("the chain's head for a search (src/logs.ts headBlock)", () => {
  it("reads the endpoint's latest block even while ethers still shares an older getBlockNumber answer", async () => {
    const { ethers } = await network.create();
    // A provider over the simulated chain whose requests go through ethers' shared-request cache.
    const cached = new (class extends JsonRpcProvider {
      override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
        const payloads = Array.isArray(payload) ? payload : [payload];
        return Promise.all(
          payloads.map(async ({ id, method, params }) => ({
            id,
            result: await ethers.provider.send(method, params as unknown[]),
          })),
        );
      }
    })(undefined, 31337, { staticNetwork: true, cacheTimeout: 60_000 });
    const before = await cached.getBlockNumber();
    await ethers.provider.send("hardhat_mine", ["0x5"]);
    expect(await cached.getBlockNumber()).to.equal(before, "ethers shares the earlier answer");
    expect(await headBlock(cached)).to.equal(before + 5);
    cached.destroy();
  });
});
