import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import TwinMarketModule from "../../deploy/modules/TwinMarket.js";
import { FeeSetting as Setting, TWIN_CURVE, TWIN_MARKET } from "../../src/constants.js";
import { twinIdOf, twinSalt } from "../../src/market.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const UNIT = TWIN_CURVE.PRICE_UNIT;
const PROTOCOL_FEE = TWIN_MARKET.MAX_PROTOCOL_FEE; // 5%
const SUBJECT_FEE = TWIN_MARKET.MAX_SUBJECT_FEE; // 5%
const { FEE_DELAY, GRACE_PERIOD: GRACE } = TWIN_MARKET;

/** The exact curve price of `amount` shares at `supply`, as the contract computes it. */
const curve = (supply: bigint, amount: bigint) => {
  let sum = 0n;
  for (let i = supply; i < supply + amount; i++) sum += i * i;
  return sum * UNIT;
};

async function fixture() {
  const [deployer, feeAdmin, destination, subject, alice, bob] = await ethers.getSigners();
  const { market } = await connection.ignition.deploy(TwinMarketModule, {
    parameters: {
      AccessManager: { guardian: deployer.address, trustAdmin: deployer.address },
      TwinMarket: {
        feeAdmin: feeAdmin.address,
        feeDestination: destination.address,
        protocolFee: 2n * 10n ** 16n,
        subjectFee: 3n * 10n ** 16n,
      },
    },
  });
  const twinMarket = await ethers.getContractAt("TwinMarket", await market.getAddress());
  const twin = twinIdOf(subject.address, twinSalt("ada"));
  await twinMarket.connect(subject).createTwin(twinSalt("ada"));
  const deadline = async () => BigInt(await networkHelpers.time.latest()) + 600n;
  /** Buys at the quote, with the quote as the limit. */
  const buy = async (who: typeof alice, amount: bigint, id = twin) => {
    const cost = await twinMarket.getBuyPriceAfterFees(id, amount);
    await twinMarket.connect(who).buy(id, amount, cost, await deadline(), { value: cost });
    return cost;
  };
  return { market: twinMarket, deployer, feeAdmin, destination, subject, alice, bob, twin, deadline, buy };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("TwinMarket", () => {
  describe("twins and the curve", () => {
    it("creates a twin whose owner holds its free first share", async () => {
      const { market, subject, twin, alice } = await load();
      expect(await market.twinOf(twin)).to.deep.equal([subject.address, 1n]);
      expect(await market.sharesOf(twin, subject.address)).to.equal(1n);
      await expect(market.connect(subject).createTwin(twinSalt("ada")))
        .to.be.revertedWithCustomError(market, "TwinExists")
        .withArgs(twin);
      // The client derives the id exactly as the market does.
      expect(await market.twinIdOf(subject.address, twinSalt("ada"))).to.equal(twin);
    });

    it("prices share s at s^2 / 16000 ETH, and quotes what trades charge", async () => {
      const { market, alice, twin, deadline } = await load();
      expect(await market.getBuyPrice(twin, 1n)).to.equal(UNIT);
      expect(await market.getBuyPrice(twin, 10n)).to.equal(curve(1n, 10n));
      const quote = await market.getBuyPriceAfterFees(twin, 10n);
      const price = curve(1n, 10n);
      expect(quote).to.equal(price + (price * 2n) / 100n + (price * 3n) / 100n);
      await expect(
        market.connect(alice).buy(twin, 10n, quote, await deadline(), { value: quote }),
      ).to.changeEtherBalances(ethers, [alice, market], [-quote, quote]);
      expect(await market.reserveOf(twin)).to.equal(curve(0n, 11n));

      const sellQuote = await market.getSellPriceAfterFees(twin, 4n);
      expect(await market.getSellPrice(twin, 4n)).to.equal(curve(7n, 4n));
      await expect(market.connect(alice).sell(twin, 4n, sellQuote, await deadline())).to.changeEtherBalances(
        ethers,
        [alice],
        [sellQuote],
      );
      expect(await market.getSellPrice(twin, 99n)).to.equal(0n);
    });
  });

  describe("trades carry the trader's limits", () => {
    it("buy refunds the exact excess and refuses a cost above the limit or an underpayment", async () => {
      const { market, alice, twin, deadline } = await load();
      const cost = await market.getBuyPriceAfterFees(twin, 3n);
      await expect(
        market.connect(alice).buy(twin, 3n, cost, await deadline(), { value: cost + 12345n }),
      ).to.changeEtherBalances(ethers, [alice, market], [-cost, cost]);
      const next = await market.getBuyPriceAfterFees(twin, 1n);
      await expect(market.connect(alice).buy(twin, 1n, next - 1n, await deadline(), { value: next }))
        .to.be.revertedWithCustomError(market, "CostAboveLimit")
        .withArgs(next, next - 1n);
      await expect(market.connect(alice).buy(twin, 1n, next, await deadline(), { value: next - 1n }))
        .to.be.revertedWithCustomError(market, "InsufficientPayment")
        .withArgs(next, next - 1n);
    });

    it("refuses expired and too-distant deadlines, unknown twins, zero amounts and the supply cap", async () => {
      const { market, alice, twin } = await load();
      const now = BigInt(await networkHelpers.time.latest());
      await expect(market.connect(alice).buy(twin, 1n, 10n ** 18n, now, { value: 10n ** 18n }))
        .to.be.revertedWithCustomError(market, "DeadlineExpired")
        .withArgs(now);
      await expect(
        market.connect(alice).buy(twin, 1n, 10n ** 18n, now + 2n * 86_400n, { value: 10n ** 18n }),
      ).to.be.revertedWithCustomError(market, "DeadlineTooFar");
      await expect(market.connect(alice).sell(twin, 1n, 0n, now)).to.be.revertedWithCustomError(
        market,
        "DeadlineExpired",
      );
      await expect(
        market.connect(alice).buy(twinIdOf(alice.address, twinSalt("nobody")), 1n, 10n ** 18n, now + 60n, {
          value: 10n ** 18n,
        }),
      )
        .to.be.revertedWithCustomError(market, "UnknownTwin")
        .withArgs(twinIdOf(alice.address, twinSalt("nobody")));
      await expect(market.connect(alice).buy(twin, 0n, 0n, now + 60n)).to.be.revertedWithCustomError(
        market,
        "MarketZeroAmount",
      );
      await expect(market.connect(alice).buy(twin, 1_000_000n, 0n, now + 60n))
        .to.be.revertedWithCustomError(market, "SupplyCapExceeded")
        .withArgs(1n, 1_000_000n);
    });

    it("sell pays at least the trader's minimum, only shares held, never the last share, and takes no ETH", async () => {
      const { market, subject, alice, twin, deadline, buy } = await load();
      await buy(alice, 2n);
      const proceeds = await market.getSellPriceAfterFees(twin, 1n);
      await expect(market.connect(alice).sell(twin, 1n, proceeds + 1n, await deadline()))
        .to.be.revertedWithCustomError(market, "ProceedsBelowLimit")
        .withArgs(proceeds, proceeds + 1n);
      await expect(market.connect(alice).sell(twin, 3n, 0n, await deadline()))
        .to.be.revertedWithCustomError(market, "InsufficientShares")
        .withArgs(2n, 3n);
      await market.connect(alice).sell(twin, 2n, 0n, await deadline());
      await expect(market.connect(subject).sell(twin, 1n, 0n, await deadline()))
        .to.be.revertedWithCustomError(market, "LastShare")
        .withArgs(twin);
      const data = market.interface.encodeFunctionData("sell", [twin, 1n, 0n, await deadline()]);
      await expect(alice.sendTransaction({ to: await market.getAddress(), data, value: 1n })).to.be.revert(ethers);
    });
  });

  describe("fees: capped in code, raised only after the timelock", () => {
    it("lowers a fee at once, and queues a raise with its effective time, readable from the market", async () => {
      const { market, feeAdmin } = await load();
      const now = BigInt(await networkHelpers.time.latest());
      await expect(market.connect(feeAdmin).setFee(Setting.ProtocolFee, 10n ** 16n))
        .to.emit(market, "FeeChanged")
        .withArgs(Setting.ProtocolFee, 2n * 10n ** 16n, 10n ** 16n, now + 1n);
      await expect(market.connect(feeAdmin).setFee(Setting.SubjectFee, 4n * 10n ** 16n))
        .to.emit(market, "FeeChangeQueued")
        .withArgs(Setting.SubjectFee, 3n * 10n ** 16n, 4n * 10n ** 16n, now + 2n + FEE_DELAY);
      const pending = await market.pendingChange(Setting.SubjectFee);
      expect(pending.value).to.equal(4n * 10n ** 16n);
      expect(pending.effectiveAt).to.equal(now + 2n + FEE_DELAY);
      expect((await market.fees())[1]).to.equal(3n * 10n ** 16n);
    });

    it("refuses values above the caps when queued, and anyone but the fee admin", async () => {
      const { market, feeAdmin, alice } = await load();
      await expect(market.connect(feeAdmin).setFee(Setting.ProtocolFee, PROTOCOL_FEE + 1n))
        .to.be.revertedWithCustomError(market, "FeeAboveCap")
        .withArgs(Setting.ProtocolFee, PROTOCOL_FEE + 1n, PROTOCOL_FEE);
      await expect(market.connect(feeAdmin).setFee(Setting.SubjectFee, SUBJECT_FEE + 1n))
        .to.be.revertedWithCustomError(market, "FeeAboveCap")
        .withArgs(Setting.SubjectFee, SUBJECT_FEE + 1n, SUBJECT_FEE);
      await expect(market.connect(feeAdmin).setFee(Setting.FeeDestination, 1n)).to.be.revertedWithCustomError(
        market,
        "NotAChange",
      );
      await expect(market.connect(alice).setFee(Setting.ProtocolFee, 0n)).to.be.revertedWithCustomError(
        market,
        "AccessManagedUnauthorized",
      );
    });

    it("applies a queued raise only from its effective time and until it lapses; it can be cancelled", async () => {
      const { market, feeAdmin } = await load();
      await market.connect(feeAdmin).setFee(Setting.ProtocolFee, PROTOCOL_FEE);
      const { effectiveAt } = await market.pendingChange(Setting.ProtocolFee);
      await expect(market.connect(feeAdmin).applyFeeChange(Setting.ProtocolFee))
        .to.be.revertedWithCustomError(market, "ChangeNotYetEffective")
        .withArgs(Setting.ProtocolFee, effectiveAt);
      await networkHelpers.time.setNextBlockTimestamp(effectiveAt);
      await expect(market.connect(feeAdmin).applyFeeChange(Setting.ProtocolFee))
        .to.emit(market, "FeeChanged")
        .withArgs(Setting.ProtocolFee, 2n * 10n ** 16n, PROTOCOL_FEE, effectiveAt);
      expect((await market.fees())[0]).to.equal(PROTOCOL_FEE);
      await expect(market.connect(feeAdmin).applyFeeChange(Setting.ProtocolFee))
        .to.be.revertedWithCustomError(market, "NoPendingChange")
        .withArgs(Setting.ProtocolFee);

      await market.connect(feeAdmin).setFee(Setting.SubjectFee, SUBJECT_FEE);
      const lapsing = await market.pendingChange(Setting.SubjectFee);
      await networkHelpers.time.increaseTo(lapsing.effectiveAt + GRACE + 1n);
      await expect(market.connect(feeAdmin).applyFeeChange(Setting.SubjectFee))
        .to.be.revertedWithCustomError(market, "ChangeLapsed")
        .withArgs(Setting.SubjectFee, lapsing.effectiveAt + GRACE);
      await expect(market.connect(feeAdmin).cancelFeeChange(Setting.SubjectFee))
        .to.emit(market, "FeeChangeCancelled")
        .withArgs(Setting.SubjectFee, SUBJECT_FEE);
      await expect(market.connect(feeAdmin).cancelFeeChange(Setting.SubjectFee)).to.be.revertedWithCustomError(
        market,
        "NoPendingChange",
      );
    });

    it("a trader's limit protects against a queued increase, which applies after its delay", async () => {
      const { market, feeAdmin, alice, twin, deadline } = await load();
      const quote = await market.getBuyPriceAfterFees(twin, 5n);
      await market.connect(feeAdmin).setFee(Setting.ProtocolFee, PROTOCOL_FEE);
      await networkHelpers.time.increase(FEE_DELAY);
      await market.connect(feeAdmin).applyFeeChange(Setting.ProtocolFee);
      const raised = await market.getBuyPriceAfterFees(twin, 5n);
      expect(raised).to.be.greaterThan(quote);
      await expect(market.connect(alice).buy(twin, 5n, quote, await deadline(), { value: raised }))
        .to.be.revertedWithCustomError(market, "CostAboveLimit")
        .withArgs(raised, quote);
    });

    it("moves the fee destination only through the timelock; accrued protocol fees go where it points", async () => {
      const { market, feeAdmin, destination, alice, bob, twin, buy } = await load();
      const price = await market.getBuyPrice(twin, 4n);
      await buy(alice, 4n);
      await expect(market.connect(feeAdmin).queueFeeDestination(ZeroAddress)).to.be.revertedWithCustomError(
        market,
        "ZeroDestination",
      );
      await expect(market.connect(feeAdmin).queueFeeDestination(destination.address)).to.be.revertedWithCustomError(
        market,
        "NotAChange",
      );
      await market.connect(feeAdmin).queueFeeDestination(bob.address);
      expect((await market.fees())[2]).to.equal(destination.address);
      await networkHelpers.time.increase(FEE_DELAY);
      await expect(market.connect(feeAdmin).applyFeeChange(Setting.FeeDestination)).to.emit(market, "FeeChanged");
      const accrued = (price * 2n) / 100n;
      expect((await market.feesOwed(bob.address))[1]).to.equal(accrued);
      await expect(market.connect(alice).withdrawProtocolFees()).to.changeEtherBalances(
        ethers,
        [bob, market],
        [accrued, -accrued],
      );
      await expect(market.withdrawProtocolFees()).to.be.revertedWithCustomError(market, "MarketNothingToWithdraw");
    });

    it("refuses a zero destination or fees above the caps at deployment", async () => {
      const { market } = await load();
      const manager = await market.authority();
      const factory = await ethers.getContractFactory("TwinMarket");
      await expect(factory.deploy(manager, ZeroAddress, 0n, 0n)).to.be.revertedWithCustomError(
        market,
        "ZeroDestination",
      );
      await expect(factory.deploy(manager, manager, PROTOCOL_FEE + 1n, 0n)).to.be.revertedWithCustomError(
        market,
        "FeeAboveCap",
      );
    });
  });

  describe("fees are pulled, so hostile recipients block nothing", () => {
    it("credits the subject, who withdraws; nothing to withdraw reverts", async () => {
      const { market, subject, alice, twin, buy } = await load();
      const price = await market.getBuyPrice(twin, 3n);
      await buy(alice, 3n);
      const owed = (price * 3n) / 100n;
      expect((await market.feesOwed(subject.address))[0]).to.equal(owed);
      await expect(market.connect(subject).withdrawSubjectFees(subject.address)).to.changeEtherBalances(
        ethers,
        [subject, market],
        [owed, -owed],
      );
      await expect(market.connect(subject).withdrawSubjectFees(subject.address)).to.be.revertedWithCustomError(
        market,
        "MarketNothingToWithdraw",
      );
    });

    for (const [mode, name] of [
      [1, "reverts"],
      [2, "re-enters"],
      [3, "burns all its gas"],
    ] as const) {
      it(`a subject that ${name} on receive cannot block trades`, async () => {
        const { market, alice, bob, deadline } = await load();
        const hostile = await ethers.deployContract("HostileReceiver", [await market.getAddress()]);
        const twin = twinIdOf(await hostile.getAddress(), twinSalt("hostile"));
        await hostile.createTwin(twinSalt("hostile"));
        await hostile.setMode(mode);
        for (const who of [alice, bob]) {
          const cost = await market.getBuyPriceAfterFees(twin, 2n);
          await market.connect(who).buy(twin, 2n, cost, await deadline(), { value: cost });
        }
        await market.connect(alice).sell(twin, 2n, 0n, await deadline());
        const [owed] = await market.feesOwed(await hostile.getAddress());
        expect(owed).to.be.greaterThan(0n);
        if (mode === 2) {
          await expect(hostile.withdrawSubjectFees()).to.changeEtherBalances(ethers, [hostile], [owed]);
          expect(await hostile.reenteredSubject()).to.equal(false);
        } else {
          await expect(hostile.withdrawSubjectFees({ gasLimit: 1_000_000n })).to.be.revertedWithCustomError(
            market,
            "MarketEthTransferFailed",
          );
          expect((await market.feesOwed(await hostile.getAddress()))[0]).to.equal(owed);
        }
      });
    }

    it("a fee destination that reverts cannot block trades, only its own withdrawal", async () => {
      const { market, feeAdmin, alice, buy } = await load();
      const hostile = await ethers.deployContract("HostileReceiver", [await market.getAddress()]);
      await hostile.setMode(1);
      await market.connect(feeAdmin).queueFeeDestination(await hostile.getAddress());
      await networkHelpers.time.increase(FEE_DELAY);
      await market.connect(feeAdmin).applyFeeChange(Setting.FeeDestination);
      await buy(alice, 2n);
      await expect(market.withdrawProtocolFees())
        .to.be.revertedWithCustomError(market, "MarketEthTransferFailed")
        .withArgs(await hostile.getAddress());
      await buy(alice, 1n);
    });

    it("a fee destination that re-enters is paid the protocol fees exactly once, and trades go on", async () => {
      const { market, feeAdmin, alice, buy } = await load();
      const hostile = await ethers.deployContract("HostileReceiver", [await market.getAddress()]);
      await hostile.setMode(2);
      await market.connect(feeAdmin).queueFeeDestination(await hostile.getAddress());
      await networkHelpers.time.increase(FEE_DELAY);
      await market.connect(feeAdmin).applyFeeChange(Setting.FeeDestination);
      await buy(alice, 3n);
      const [, accrued] = await market.feesOwed(alice.address);
      await expect(market.connect(alice).withdrawProtocolFees()).to.changeEtherBalances(
        ethers,
        [hostile, market],
        [accrued, -accrued],
      );
      expect(await hostile.reenteredProtocol()).to.equal(false);
      await buy(alice, 1n);
    });
  });
});
