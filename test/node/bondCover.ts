/**
 * The node's bond accounting before payment (node/bonds.ts): what a paid answer locks, mirrored from the vault, and
 * the holds that keep answers in flight from selling the same free bond twice.
 */
import { expect } from "chai";
import { ZeroAddress } from "ethers";

import { BondCover, BondNotCovered, jobHold, paidLockAmount } from "../../node/bonds.js";
import type { BondVault } from "../../src/typechain/index.js";

const USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"; // any token address

/** A vault whose only view is `bondOf`, answering `free` (after a tick, as a chain read would). */
function vault(free: bigint): BondVault {
  return {
    bondOf: async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { free, locked: 0n, unbonding: 0n, unbondsAt: 0n };
    },
  } as unknown as BondVault;
}

describe("node bonds: the cover checked before payment", () => {
  describe("paidLockAmount", () => {
    it("locks twice the price when the request asks for less, and the asked multiple when it asks for more", () => {
      expect(paidLockAmount(10_000n, USDC, 0, 0n)).to.equal(20_000n);
      expect(paidLockAmount(10_000n, USDC, 1, 0n)).to.equal(20_000n);
      expect(paidLockAmount(10_000n, USDC, 5, 0n)).to.equal(50_000n);
    });

    it("locks at least the vault's minimum in ETH, and never applies it to a token", () => {
      expect(paidLockAmount(1_000n, ZeroAddress, 0, 10n ** 16n)).to.equal(10n ** 16n);
      expect(paidLockAmount(10n ** 16n, ZeroAddress, 3, 10n ** 16n)).to.equal(3n * 10n ** 16n);
      expect(paidLockAmount(1_000n, USDC, 0, 10n ** 16n)).to.equal(2_000n);
    });
  });

  describe("BondCover", () => {
    it("covers what the free bond holds, less the holds of answers in flight, and refuses beyond with the figures", async () => {
      const cover = new BondCover(() => vault(50n), 7n, 0n);
      await cover.cover(USDC, 20n, "payment:1");
      await cover.cover(USDC, 20n, "payment:2");
      const refused = await cover.cover(USDC, 20n, "payment:3").catch((error: unknown) => error);
      expect(refused).to.be.instanceOf(BondNotCovered);
      expect(refused).to.deep.include({ nodeId: 7n, asset: USDC, required: 20n, free: 50n, held: 40n, status: 503 });
      // Another asset's holds do not count.
      await cover.cover(ZeroAddress, 50n);
      expect(cover.held(ZeroAddress)).to.equal(0n);
    });

    it("moves a payment's hold to its job and drops it once the lock is on the chain", async () => {
      const cover = new BondCover(() => vault(30n), 1n, 0n);
      await cover.cover(USDC, 20n, "payment:1");
      cover.move("payment:1", jobHold(4));
      cover.drop("payment:1"); // the request's response closing: the job has the hold now
      expect(cover.held(USDC)).to.equal(20n);
      cover.drop(jobHold(4));
      expect(cover.held(USDC)).to.equal(0n);
      await cover.cover(USDC, 30n);
    });

    it("never lets two requests checked at once both take the last of the bond", async () => {
      const cover = new BondCover(() => vault(30n), 1n, 0n);
      const results = await Promise.allSettled([cover.cover(USDC, 20n, "a"), cover.cover(USDC, 20n, "b")]);
      expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
      expect(cover.held(USDC)).to.equal(20n);
    });
  });
});
