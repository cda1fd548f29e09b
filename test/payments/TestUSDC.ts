import { expect } from "chai";
import { Signature, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { tokenDomain } from "../../src/escrow.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const TRANSFER_TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};
const CANCEL_TYPES = {
  CancelAuthorization: [
    { name: "authorizer", type: "address" },
    { name: "nonce", type: "bytes32" },
  ],
};

async function fixture() {
  const [owner, payer, payee, relayer] = await ethers.getSigners();
  const usdc = await ethers.deployContract("TestUSDC", [owner.address]);
  await usdc.mint(payer.address, 1_000_000n);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = tokenDomain("Proofline Test USDC", "1", chainId, await usdc.getAddress());
  return { usdc, owner, payer, payee, relayer, domain };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("TestUSDC (test token: ERC-20, EIP-2612, EIP-3009)", () => {
  it("is a 6-decimal token only its owner mints", async () => {
    const { usdc, payer } = await load();
    expect(await usdc.decimals()).to.equal(6n);
    await expect(usdc.connect(payer).mint(payer.address, 1n))
      .to.be.revertedWithCustomError(usdc, "OwnableUnauthorizedAccount")
      .withArgs(payer.address);
  });

  it("moves funds with a transfer authorization that anyone submits, once", async () => {
    const { usdc, payer, payee, relayer, domain } = await load();
    const nonce = keccak256(toUtf8Bytes("nonce 1"));
    const message = {
      from: payer.address,
      to: payee.address,
      value: 250n,
      validAfter: 0n,
      validBefore: 2n ** 40n,
      nonce,
    };
    const { v, r, s } = Signature.from(await payer.signTypedData(domain, TRANSFER_TYPES, message));
    const submit = () =>
      usdc
        .connect(relayer)
        .transferWithAuthorization(payer.address, payee.address, 250n, 0n, 2n ** 40n, nonce, v, r, s);
    await expect(submit()).to.emit(usdc, "AuthorizationUsed").withArgs(payer.address, nonce);
    expect(await usdc.balanceOf(payee.address)).to.equal(250n);
    await expect(submit()).to.be.revertedWithCustomError(usdc, "AuthorizationAlreadyUsed");
  });

  it("cancels an unused authorization with the authorizer's signature", async () => {
    const { usdc, payer, payee, relayer, domain } = await load();
    const nonce = keccak256(toUtf8Bytes("nonce 2"));
    const cancel = Signature.from(
      await payer.signTypedData(domain, CANCEL_TYPES, { authorizer: payer.address, nonce }),
    );
    const forged = Signature.from(
      await payee.signTypedData(domain, CANCEL_TYPES, { authorizer: payer.address, nonce }),
    );
    await expect(usdc.cancelAuthorization(payer.address, nonce, forged.v, forged.r, forged.s))
      .to.be.revertedWithCustomError(usdc, "InvalidAuthorizationSignature")
      .withArgs(payer.address, payee.address);
    await expect(usdc.connect(relayer).cancelAuthorization(payer.address, nonce, cancel.v, cancel.r, cancel.s))
      .to.emit(usdc, "AuthorizationCanceled")
      .withArgs(payer.address, nonce);
    expect(await usdc.authorizationState(payer.address, nonce)).to.equal(true);
    await expect(
      usdc.cancelAuthorization(payer.address, nonce, cancel.v, cancel.r, cancel.s),
    ).to.be.revertedWithCustomError(usdc, "AuthorizationAlreadyUsed");
    const message = {
      from: payer.address,
      to: payee.address,
      value: 1n,
      validAfter: 0n,
      validBefore: 2n ** 40n,
      nonce,
    };
    const { v, r, s } = Signature.from(await payer.signTypedData(domain, TRANSFER_TYPES, message));
    await expect(
      usdc.transferWithAuthorization(payer.address, payee.address, 1n, 0n, 2n ** 40n, nonce, v, r, s),
    ).to.be.revertedWithCustomError(usdc, "AuthorizationAlreadyUsed");
  });
});
