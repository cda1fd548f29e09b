import { expect } from "chai";
import { network } from "hardhat";

import LocalPaymentsModule from "../../deploy/modules/LocalPayments.js";
import PaymentsModule from "../../deploy/modules/Payments.js";
import { readParameterFile } from "../../testing/index.js";

const connection = await network.create();
const { ethers, ignition } = connection;

describe("Payment deployments", () => {
  it("LocalPayments deploys the escrow for the ledger, binds the bond vault to both, and a test USDC the deployer mints", async () => {
    const [deployer, guardian, trustAdmin, fees] = await ethers.getSigners();
    const { escrow, usdc } = await ignition.deploy(LocalPaymentsModule, {
      parameters: {
        AccessManager: { guardian: guardian.address, trustAdmin: trustAdmin.address },
        BondVault: { feeDestination: fees.address },
      },
    });
    const token = await ethers.getContractAt("TestUSDC", await usdc.getAddress());
    expect(await token.decimals()).to.equal(6n);
    expect(await token.owner()).to.equal(deployer.address);
    const deployed = await ethers.getContractAt("InferenceEscrow", await escrow.getAddress());
    expect(await deployed.ledger()).to.not.equal(ethers.ZeroAddress);
    const ledger = await ethers.getContractAt("InferenceLedger", await deployed.ledger());
    const bonds = await ethers.getContractAt("BondVault", await ledger.bondVault());
    expect(await bonds.bound()).to.deep.equal([await deployed.ledger(), await escrow.getAddress()]);
    expect(await bonds.feeDestination()).to.equal(fees.address);
  });

  it("Payments takes the network's USDC from the parameters file (Base Sepolia: Circle's USDC)", async () => {
    // As Ignition reads a parameters file: "…n" strings are bigints.
    const parameters = readParameterFile("baseSepolia") as {
      Payments: { usdc: string };
      BondVault: Record<string, unknown>;
    };
    const [, guardian, trustAdmin, fees] = await ethers.getSigners();
    const { escrow, usdc } = await ignition.deploy(PaymentsModule, {
      parameters: {
        ...parameters,
        AccessManager: { guardian: guardian.address, trustAdmin: trustAdmin.address },
        BondVault: { ...parameters.BondVault, feeDestination: fees.address },
      },
    });
    expect(await usdc.getAddress()).to.equal(ethers.getAddress(parameters.Payments.usdc));
    expect(await escrow.getAddress()).to.match(/^0x[0-9a-fA-F]{40}$/);
  });
});
