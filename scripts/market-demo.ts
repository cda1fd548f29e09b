/**
 * The twin market as a short story, on the built-in network (`npm run demo:market`) or a local node (`-- --network
 * localhost`, as often as you like).
 *
 * A twin created under an id derived from its owner, a trade, a fee increase that a trader's price limit protects
 * against, and the increase applying only after its three-day notice. Every step checks what it says; the script
 * exits non-zero at the first one that did not. The chain's (simulated) clock moves ahead to pass the notice.
 */
import { network } from "hardhat";

import { FeeSetting, TWIN_MARKET } from "../src/constants.js";
import { twinIdOf, twinSalt } from "../src/market.js";
import { deployScenario } from "../testing/index.js";
import { chainName, revertName, story } from "./lib/story.js";

const connection = await network.create();
const { ethers, networkHelpers, networkName } = connection;

const { say, detail, check, steps } = story("market demo");

say(`Deploy the system on ${chainName(networkName)}`);
const { market, signers } = await deployScenario(connection);
detail(`TwinMarket ${await market.getAddress()}: fees capped at 5% each in code, raised only after a notice`);

say("An owner creates a twin; its id is derived from the owner and a salt, so nobody can take it first");
const owner = signers.publisher;
const twin = twinIdOf(owner.address, twinSalt("ada"));
await market.connect(owner).createTwin(twinSalt("ada"));
check((await market.twinOf(twin)).owner === owner.address, `twin ${twin} belongs to its owner`);

say("A trader buys at a quoted price");
const deadline = async () => BigInt(await networkHelpers.time.latest()) + 600n;
const trader = signers.other;
const cost = await market.getBuyPriceAfterFees(twin, 3n);
await market.connect(trader).buy(twin, 3n, cost, await deadline(), { value: cost });
check((await market.sharesOf(twin, trader.address)) === 3n, `bought 3 shares for ${ethers.formatEther(cost)} ETH`);

say("The fee admin raises the protocol fee: it waits out its notice, and a trader's limit protects them");
const quote = await market.getBuyPriceAfterFees(twin, 1n);
await market.connect(signers.feeAdmin).setFee(FeeSetting.ProtocolFee, TWIN_MARKET.MAX_PROTOCOL_FEE);
const pending = await market.pendingChange(FeeSetting.ProtocolFee);
detail(`protocol fee raise to 5% queued, effective ${new Date(Number(pending.effectiveAt) * 1000).toISOString()}`);
const tooEarly = await revertName(market, market.connect(signers.feeAdmin).applyFeeChange(FeeSetting.ProtocolFee));
check(tooEarly === "ChangeNotYetEffective", `the increase cannot apply before its time: ${tooEarly}`);
await networkHelpers.time.increaseTo(pending.effectiveAt);
await market.connect(signers.feeAdmin).applyFeeChange(FeeSetting.ProtocolFee);
check((await market.fees())[0] === TWIN_MARKET.MAX_PROTOCOL_FEE, "after three days the increase applies");
const limited = await revertName(
  market,
  market.connect(trader).buy(twin, 1n, quote, await deadline(), { value: quote * 2n }),
);
check(limited === "CostAboveLimit", `a buy limited to the old quote is refused, not overcharged: ${limited}`);

console.log(`\nAll ${steps()} steps did what they say.`);
