import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import LocalPaymentsModule from "../../deploy/modules/LocalPayments.js";
import PaymentsModule from "../../deploy/modules/Payments.js";

const connection = await network.create();
const { ethers, ignition } = connection;

describe("Payment deployments", () => {
  it("LocalPayments deploys the escrow for the ledger and a test USDC the deployer mints", async () => {
    const [deployer, guardian, trustAdmin] = await ethers.getSigners();
    const { escrow, usdc } = await ignition.deploy(LocalPaymentsModule, {
      parameters: { AccessManager: { guardian: guardian.address, trustAdmin: trustAdmin.address } },
    });
    const token = await ethers.getContractAt("TestUSDC", await usdc.getAddress());
    expect(await token.decimals()).to.equal(6n);
    expect(await token.owner()).to.equal(deployer.address);
    const deployed = await ethers.getContractAt("InferenceEscrow", await escrow.getAddress());
    expect(await deployed.ledger()).to.not.equal(ethers.ZeroAddress);
  });

  it("Payments takes the network's USDC from the parameters file (Base Sepolia: Circle's USDC)", async () => {
    const parameters = JSON.parse(readFileSync("deploy/parameters/baseSepolia.json", "utf8")) as {
      Payments: { usdc: string };
    };
    const [, guardian, trustAdmin] = await ethers.getSigners();
    const { escrow, usdc } = await ignition.deploy(PaymentsModule, {
      parameters: {
        ...parameters,
        AccessManager: { guardian: guardian.address, trustAdmin: trustAdmin.address },
      },
    });
    expect(await usdc.getAddress()).to.equal(ethers.getAddress(parameters.Payments.usdc));
    expect(await escrow.getAddress()).to.match(/^0x[0-9a-fA-F]{40}$/);
  });
});
