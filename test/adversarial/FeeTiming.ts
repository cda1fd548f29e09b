import { expect } from "chai";
import { network } from "hardhat";

import { FeeSetting, TWIN_MARKET } from "../../src/constants.js";
import { deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { networkHelpers } = connection;
const fixture = () => deployScenario(connection);
const load = () => networkHelpers.loadFixture(fixture);

/**
 * The fee admin as an adversary to traders: it tries to raise a fee without the full notice by queueing a raise,
 * letting it mature, cutting the fee to look harmless, and applying the old raise later.
 */
describe("adversarial: no fee rises without its full notice", () => {
  it("a cut cancels the raise queued before it, so the matured raise can no longer be applied", async () => {
    const { market, signers } = await load();
    const admin = market.connect(signers.feeAdmin);
    const [start] = await market.fees();
    await admin.setFee(FeeSetting.ProtocolFee, TWIN_MARKET.MAX_PROTOCOL_FEE);
    await networkHelpers.time.increase(TWIN_MARKET.FEE_DELAY);

    // The raise has matured; the admin cuts the fee instead of applying it.
    await expect(admin.setFee(FeeSetting.ProtocolFee, start / 2n))
      .to.emit(market, "FeeChangeCancelled")
      .withArgs(FeeSetting.ProtocolFee, TWIN_MARKET.MAX_PROTOCOL_FEE);
    expect((await market.pendingChange(FeeSetting.ProtocolFee)).effectiveAt).to.equal(0n);

    // Traders now see the low fee; the old raise cannot be sprung on them.
    await expect(admin.applyFeeChange(FeeSetting.ProtocolFee))
      .to.be.revertedWithCustomError(market, "NoPendingChange")
      .withArgs(FeeSetting.ProtocolFee);
    expect((await market.fees())[0]).to.equal(start / 2n);

    // Raising again takes the full delay from now.
    await admin.setFee(FeeSetting.ProtocolFee, TWIN_MARKET.MAX_PROTOCOL_FEE);
    await networkHelpers.time.increase(TWIN_MARKET.FEE_DELAY - 2n);
    await expect(admin.applyFeeChange(FeeSetting.ProtocolFee)).to.be.revertedWithCustomError(
      market,
      "ChangeNotYetEffective",
    );
  });

  it("an unchanged rate also counts as a cut, and a cut leaves the other fee's raise alone", async () => {
    const { market, signers } = await load();
    const admin = market.connect(signers.feeAdmin);
    const [protocolFee, subjectFee] = await market.fees();
    await admin.setFee(FeeSetting.SubjectFee, TWIN_MARKET.MAX_SUBJECT_FEE);
    await admin.setFee(FeeSetting.ProtocolFee, TWIN_MARKET.MAX_PROTOCOL_FEE);
    await expect(admin.setFee(FeeSetting.ProtocolFee, protocolFee)).to.emit(market, "FeeChangeCancelled");
    expect((await market.pendingChange(FeeSetting.SubjectFee)).value).to.equal(TWIN_MARKET.MAX_SUBJECT_FEE);
    await networkHelpers.time.increase(TWIN_MARKET.FEE_DELAY);
    await admin.applyFeeChange(FeeSetting.SubjectFee);
    expect(await market.fees()).to.deep.equal([protocolFee, TWIN_MARKET.MAX_SUBJECT_FEE, (await market.fees())[2]]);
    expect(subjectFee).to.be.lessThan(TWIN_MARKET.MAX_SUBJECT_FEE);
  });

  it("a cut with nothing queued cancels nothing", async () => {
    const { market, signers } = await load();
    const [protocolFee] = await market.fees();
    await expect(market.connect(signers.feeAdmin).setFee(FeeSetting.ProtocolFee, protocolFee / 2n)).not.to.emit(
      market,
      "FeeChangeCancelled",
    );
  });
});
