import { expect } from "chai";
import { artifacts, network } from "hardhat";

import { paymentTokenProblems, USDC } from "../../src/tokens.js";
import { readParameters } from "../../src/deployments.js";

/**
 * The payment token preflight (`paymentTokenProblems`, run by `ignition deploy` before anything is sent) on a chain
 * with Base Sepolia's id, where it can be shown every wrong token: an address that is not Circle's, Circle's address
 * with no code (another chain behind the RPC URL), a token that is not USDC (TestUSDC's code there), and the stand-in
 * that answers as USDC does. test/deploy/BaseSepoliaRehearsal.ts runs the same check through the deploy command.
 */
describe("payment token preflight", () => {
  const circle = USDC["84532"].address;

  async function chain84532() {
    const connection = await network.create({ override: { chainId: 84532 } });
    const { ethers } = connection;
    expect((await ethers.provider.getNetwork()).chainId).to.equal(84532n);
    const placeAt = async (contractName: string, address: string) => {
      const { deployedBytecode } = await artifacts.readArtifact(contractName);
      await ethers.provider.send("hardhat_setCode", [address, deployedBytecode]);
    };
    return { connection, provider: ethers.provider, placeAt };
  }

  it("the committed live parameter files name Circle's USDC of their chain", () => {
    expect(readParameters("baseSepolia").Payments.usdc).to.equal(USDC["84532"].address);
    expect(readParameters("base").Payments.usdc).to.equal(USDC["8453"].address);
  });

  it("refuses an address that is not Circle's USDC on a USDC chain, even one with a token", async () => {
    const { connection, provider } = await chain84532();
    const [deployer] = await connection.ethers.getSigners();
    const other = await connection.ethers.deployContract("TestUSDC", [deployer.address]);
    expect(await paymentTokenProblems(provider, await other.getAddress())).to.deep.equal([
      `${await other.getAddress()} is not USDC on chain 84532: Circle's USDC there is ${circle}`,
    ]);
    await connection.close();
  });

  it("refuses Circle's address where it has no code (the RPC URL is another chain's)", async () => {
    const { connection, provider } = await chain84532();
    const problems = await paymentTokenProblems(provider, circle.toLowerCase());
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(new RegExp(`^the token ${circle} has no code on chain 84532`));
    await connection.close();
  });

  it("refuses a token at that address that is not USDC: its symbol and EIP-712 domain", async () => {
    const { connection, provider, placeAt } = await chain84532();
    await placeAt("TestUSDC", circle);
    expect(await paymentTokenProblems(provider, circle)).to.deep.equal([
      `the token's symbol is "", expected "USDC"`, // setCode copies no storage: TestUSDC's symbol is in storage
      `the token's EIP-712 domain is not ("USDC", version "2"): EIP-3009 authorizations signed for USDC would fail`,
    ]);
    await connection.close();
  });

  it("refuses code that is not a token at all, one line per missing function", async () => {
    const { connection, provider, placeAt } = await chain84532();
    await placeAt("PolicyCheckProbe", circle);
    const problems = await paymentTokenProblems(provider, circle);
    expect(problems).to.include(`the token ${circle} does not answer decimals(): it is not USDC`);
    expect(problems).to.include(
      `the token ${circle} does not answer authorizationState(address,bytes32) (EIP-3009): it is not USDC`,
    );
    expect(problems).to.include(`the token ${circle} does not answer DOMAIN_SEPARATOR(): it is not USDC`);
    await connection.close();
  });

  it("accepts a token that answers as USDC does", async () => {
    const { connection, provider, placeAt } = await chain84532();
    await placeAt("UsdcStandIn", circle);
    expect(await paymentTokenProblems(provider, circle)).to.deep.equal([]);
    await connection.close();
  });

  it("on a chain without known USDC, checks code, 6 decimals and EIP-3009 only", async () => {
    const connection = await network.create();
    const [deployer] = await connection.ethers.getSigners();
    const token = await connection.ethers.deployContract("TestUSDC", [deployer.address]);
    const provider = connection.ethers.provider;
    expect(await paymentTokenProblems(provider, await token.getAddress())).to.deep.equal([]);
    const fot = await connection.ethers.deployContract("FeeOnTransferToken");
    expect(await paymentTokenProblems(provider, await fot.getAddress())).to.deep.equal([
      `the token ${await fot.getAddress()} has 18 decimals, USDC has 6`,
      `the token ${await fot.getAddress()} does not answer authorizationState(address,bytes32) (EIP-3009): it is not USDC`,
    ]);
    await connection.close();
  });
});
