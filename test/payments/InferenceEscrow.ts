import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { ESCROW_CLAIM_WINDOW as CLAIM_WINDOW } from "../../src/constants.js";
import {
  FundingMethod,
  RefundReason,
  RequestStatus,
  authorizationNonce,
  readRequest,
  requestOf,
  requestRef,
  signEscrowAuthorization,
  signPermit,
  tokenDomain,
  type EscrowRequest,
  type RequestParams,
} from "../../src/escrow.js";
import { Level, RecordState, Route, signNodeKeyConsent, type Answer } from "../../src/ledger.js";
import { CHALLENGE_WINDOW, SETTLEMENT_WINDOW, deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const PRICE = 5_000_000n; // 5 tUSDC
const DAY = 86_400n;

async function fixture() {
  const scenario = await deployScenario(connection);
  const { ledger, signers } = scenario;
  const [requester, facilitator] = [signers.publisher, signers.trustAdmin];
  const usdc = await ethers.deployContract("TestUSDC", [signers.deployer.address]);
  const escrow = await ethers.deployContract("InferenceEscrow", [await ledger.getAddress()]);
  const escrowAddress = await escrow.getAddress();
  const usdcAddress = await usdc.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  await usdc.mint(requester.address, 1_000n * PRICE);
  const usdcDomain = tokenDomain("Proofline Test USDC", "1", chainId, usdcAddress);

  let counter = 0;
  const params = async (overrides: Partial<RequestParams> = {}): Promise<RequestParams> => ({
    asset: usdcAddress,
    amount: PRICE,
    route: Route.Local,
    subject: 1n,
    minLevel: Level.TEE,
    nodeId: 1n,
    deadline: BigInt(await networkHelpers.time.latest()) + DAY,
    inputCommitment: keccak256(toUtf8Bytes(`request input ${++counter}`)),
    salt: ZeroHash,
    bondMultiple: 0,
    ...overrides,
  });
  /** Opens `p` as the requester: ETH with value, tokens after an approval. */
  const open = async (p: RequestParams) => {
    if (p.asset === ZeroAddress) await escrow.connect(requester).open(p, { value: p.amount });
    else {
      await usdc.connect(requester).approve(escrowAddress, p.amount);
      await escrow.connect(requester).open(p);
    }
    return escrow.requestCount();
  };
  /** A node's answer to request `id`, recorded on the ledger. */
  const answerFor = async (id: bigint, p: RequestParams, overrides: Partial<Answer> = {}, node = signers.node) => {
    const answer = scenario.makeAnswer(
      {
        route: p.route,
        subject: p.subject,
        claimed: Level.TEE,
        inputCommitment: p.inputCommitment,
        paymentRef: requestRef(escrowAddress, id),
        ...overrides,
      },
      node,
    );
    await scenario.submit(answer, node);
    return answer;
  };
  const settle = async (answer: Answer) =>
    ledger.settleTee(answer.inferenceId, await scenario.attest(signers.enclave, answer));
  return {
    ...scenario,
    requester,
    facilitator,
    usdc,
    usdcAddress,
    usdcDomain,
    escrow,
    escrowAddress,
    chainId,
    params,
    open,
    answerFor,
    settle,
  };
}
const load = () => networkHelpers.loadFixture(fixture);

const NO_REF = `0x${"00".repeat(32)}`;

describe("InferenceEscrow", () => {
  describe("paying on settlement", () => {
    it("ETH: opens, releases to the answering node's operator once settled at TEE, and lets it withdraw", async () => {
      const { escrow, requester, signers, params, answerFor, settle } = await load();
      const p = await params({ asset: ZeroAddress, amount: 10n ** 16n });
      await expect(escrow.connect(requester).open(p, { value: p.amount }))
        .to.emit(escrow, "RequestOpened")
        .withArgs(
          1n,
          requester.address,
          requestRef(await escrow.getAddress(), 1n),
          anyValue,
          FundingMethod.Direct,
          p.salt,
        );
      expect(await readRequest(escrow, 1n)).to.deep.equal(requestOf(p, requester.address));
      const answer = await answerFor(1n, p);
      await settle(answer);
      await expect(
        escrow
          .connect(signers.other)
          .release(1n, await readRequest(escrow, 1n), answer.inferenceId, answer.outputCommitment),
      )
        .to.emit(escrow, "PaymentReleased")
        .withArgs(1n, answer.inferenceId, 1n, signers.deployer.address, p.amount);
      expect(await escrow.requestStatus(1n)).to.equal(BigInt(RequestStatus.Released));
      await expect(
        escrow.connect(signers.deployer).withdraw(ZeroAddress, signers.deployer.address),
      ).to.changeEtherBalances(ethers, [escrow, signers.deployer], [-p.amount, p.amount]);
      await expect(escrow.release(1n, await readRequest(escrow, 1n), answer.inferenceId, answer.outputCommitment))
        .to.be.revertedWithCustomError(escrow, "RequestNotOpen")
        .withArgs(1n, BigInt(RequestStatus.Released));
      await expect(escrow.connect(signers.deployer).withdraw(ZeroAddress, signers.deployer.address))
        .to.be.revertedWithCustomError(escrow, "EscrowNothingToWithdraw")
        .withArgs(ZeroAddress);
    });

    it("ERC-20: releases only a settled record at or above the paid level", async () => {
      const { escrow, usdc, escrowAddress, signers, params, open, answerFor, settle, advance, beat } = await load();
      const p = await params({ minLevel: Level.TEE });
      const id = await open(p);
      expect(await usdc.balanceOf(escrowAddress)).to.equal(PRICE);
      const tee = await answerFor(id, p);
      await expect(escrow.release(id, await readRequest(escrow, id), tee.inferenceId, tee.outputCommitment))
        .to.be.revertedWithCustomError(escrow, "NotSettled")
        .withArgs(tee.inferenceId);
      const vanilla = await answerFor(id, p, { claimed: Level.Vanilla });
      await advance(CHALLENGE_WINDOW + 1n);
      await expect(escrow.release(id, await readRequest(escrow, id), vanilla.inferenceId, vanilla.outputCommitment))
        .to.be.revertedWithCustomError(escrow, "LevelBelowPaid")
        .withArgs(vanilla.inferenceId, BigInt(Level.Vanilla), BigInt(Level.TEE));
      await beat(signers.enclave);
      await settle(tee);
      await escrow.release(id, await readRequest(escrow, id), tee.inferenceId, tee.outputCommitment);
      const asset = await usdc.getAddress();
      await expect(escrow.connect(signers.deployer).withdraw(asset, signers.deployer.address))
        .to.emit(escrow, "Withdrawn")
        .withArgs(signers.deployer.address, asset, PRICE, signers.deployer.address);
      expect(await usdc.balanceOf(signers.deployer.address)).to.equal(PRICE);
      expect(await usdc.balanceOf(escrowAddress)).to.equal(0n);
    });

    it("pays a Vanilla request once its challenge window passes, even unfinalized", async () => {
      const { escrow, signers, params, open, answerFor, advance } = await load();
      const p = await params({ minLevel: Level.Vanilla });
      const id = await open(p);
      const answer = await answerFor(id, p, { claimed: Level.Vanilla });
      await advance(CHALLENGE_WINDOW + 1n);
      await expect(escrow.release(id, await readRequest(escrow, id), answer.inferenceId, answer.outputCommitment))
        .to.emit(escrow, "PaymentReleased")
        .withArgs(id, answer.inferenceId, 1n, signers.deployer.address, PRICE);
    });

    it("pays only an answer to this request: node, reference, input, output, subject", async () => {
      const { escrow, signers, params, open, answerFor, settle, registerNode } = await load();
      await registerNode(signers.other, signers.other);
      const p = await params({ nodeId: 2n });
      const id = await open(p);
      const otherId = await open(await params());
      const notAnswer = async (answer: Answer, output = answer.outputCommitment) =>
        expect(escrow.release(id, await readRequest(escrow, id), answer.inferenceId, output))
          .to.be.revertedWithCustomError(escrow, "NotAnAnswer")
          .withArgs(id, answer.inferenceId);
      const byNode1 = await answerFor(id, p);
      await settle(byNode1);
      await notAnswer(byNode1);
      await notAnswer(await answerFor(otherId, p, {}, signers.other));
      await notAnswer(await answerFor(id, { ...p, inputCommitment: keccak256("0x01") }, {}, signers.other));
      await notAnswer(await answerFor(id, { ...p, subject: 2n }, {}, signers.other));
      const byNode2 = await answerFor(id, p, {}, signers.other);
      await notAnswer(byNode2, keccak256("0x02"));
      await expect(escrow.release(id, await readRequest(escrow, id), keccak256("0x03"), keccak256("0x04")))
        .to.be.revertedWithCustomError(escrow, "NotAnAnswer")
        .withArgs(id, keccak256("0x03"));
      await settle(byNode2);
      await expect(escrow.release(id, await readRequest(escrow, id), byNode2.inferenceId, byNode2.outputCommitment))
        .to.emit(escrow, "PaymentReleased")
        .withArgs(id, byNode2.inferenceId, 2n, signers.other.address, PRICE);
    });

    it("refuses a settlement after the deadline", async () => {
      const { escrow, signers, params, open, answerFor, settle, advance, beat } = await load();
      const p = await params({ deadline: BigInt(await networkHelpers.time.latest()) + 600n });
      const id = await open(p);
      const answer = await answerFor(id, p);
      await advance(601n);
      await beat(signers.enclave);
      await settle(answer);
      const settledAt = (await connection.ethers.provider.getBlock("latest"))!.timestamp;
      await expect(escrow.release(id, await readRequest(escrow, id), answer.inferenceId, answer.outputCommitment))
        .to.be.revertedWithCustomError(escrow, "SettledAfterDeadline")
        .withArgs(answer.inferenceId, settledAt, p.deadline);
    });
  });

  describe("refunds", () => {
    it("refunds in full when an answer to the request is rejected", async () => {
      const { escrow, ledger, usdc, requester, params, open, answerFor, advance } = await load();
      const p = await params();
      const id = await open(p);
      const answer = await answerFor(id, p);
      await expect(
        escrow.refundRejected(id, await readRequest(escrow, id), answer.inferenceId, answer.outputCommitment),
      )
        .to.be.revertedWithCustomError(escrow, "NotRejected")
        .withArgs(answer.inferenceId);
      await advance(SETTLEMENT_WINDOW + 1n);
      await ledger.reject(answer.inferenceId);
      expect(await ledger.stateOf(answer.inferenceId)).to.equal(BigInt(RecordState.Rejected));
      await expect(
        escrow.refundRejected(id, await readRequest(escrow, id), answer.inferenceId, answer.outputCommitment),
      )
        .to.emit(escrow, "PaymentRefunded")
        .withArgs(id, RefundReason.Rejected, answer.inferenceId, PRICE);
      const before = await usdc.balanceOf(requester.address);
      await escrow.connect(requester).withdraw(await usdc.getAddress(), requester.address);
      expect(await usdc.balanceOf(requester.address)).to.equal(before + PRICE);
      await expect(escrow.refundExpired(id, await readRequest(escrow, id)))
        .to.be.revertedWithCustomError(escrow, "RequestNotOpen")
        .withArgs(id, BigInt(RequestStatus.Refunded));
    });

    it("refunds in full after the deadline and the claim window, and not before", async () => {
      const { escrow, requester, params, open, advance } = await load();
      const p = await params({ asset: ZeroAddress, amount: 10n ** 15n });
      const id = await open(p);
      await advance(DAY);
      await expect(escrow.refundExpired(id, await readRequest(escrow, id)))
        .to.be.revertedWithCustomError(escrow, "NotExpired")
        .withArgs(id, p.deadline + CLAIM_WINDOW);
      await advance(CLAIM_WINDOW);
      await expect(escrow.refundExpired(id, await readRequest(escrow, id)))
        .to.emit(escrow, "PaymentRefunded")
        .withArgs(id, RefundReason.Expired, NO_REF, p.amount);
      expect(await escrow.creditOf(requester.address, ZeroAddress)).to.equal(p.amount);
      await expect(escrow.refundExpired(99n, await readRequest(escrow, id)))
        .to.be.revertedWithCustomError(escrow, "UnknownRequest")
        .withArgs(99n);
    });

    it("lets a node claim a settlement made by the deadline during the claim window", async () => {
      const { escrow, params, open, answerFor, settle, advance } = await load();
      const p = await params();
      const id = await open(p);
      const answer = await answerFor(id, p);
      await settle(answer);
      await advance(DAY + CLAIM_WINDOW / 2n);
      await expect(
        escrow.release(id, await readRequest(escrow, id), answer.inferenceId, answer.outputCommitment),
      ).to.emit(escrow, "PaymentReleased");
      await advance(CLAIM_WINDOW);
      await expect(escrow.refundExpired(id, await readRequest(escrow, id))).to.be.revertedWithCustomError(
        escrow,
        "RequestNotOpen",
      );
    });
  });

  describe("funding", () => {
    it("EIP-2612: opens with the requester's permit, also when someone submitted the permit first", async () => {
      const { escrow, usdc, usdcDomain, escrowAddress, requester, signers, params } = await load();
      const p = await params();
      const permit = await signPermit(requester, usdcDomain, escrowAddress, p.amount, 0n, p.deadline);
      await expect(escrow.connect(requester).openWithPermit(p, permit.deadline, permit.v, permit.r, permit.s))
        .to.emit(escrow, "RequestOpened")
        .withArgs(1n, requester.address, requestRef(escrowAddress, 1n), anyValue, FundingMethod.Permit, p.salt);
      expect(await readRequest(escrow, 1n)).to.deep.equal(requestOf(p, requester.address));
      const q = await params();
      const second = await signPermit(requester, usdcDomain, escrowAddress, q.amount, 1n, q.deadline);
      await usdc
        .connect(signers.other)
        .permit(requester.address, escrowAddress, q.amount, second.deadline, second.v, second.r, second.s);
      await escrow.connect(requester).openWithPermit(q, second.deadline, second.v, second.r, second.s);
      expect(await escrow.requestCount()).to.equal(2n);
      expect(await usdc.balanceOf(escrowAddress)).to.equal(2n * PRICE);
    });

    it("EIP-3009: a facilitator settles the requester's authorization straight into escrow", async () => {
      const { escrow, usdc, usdcDomain, escrowAddress, requester, facilitator, params, chainId } = await load();
      const p = await params();
      const auth = await signEscrowAuthorization(requester, usdcDomain, escrowAddress, p, 0n, p.deadline);
      expect(auth.nonce).to.equal(await escrow.authorizationNonce(requester.address, p));
      expect(auth.nonce).to.equal(authorizationNonce(chainId, escrowAddress, requester.address, p));
      await expect(
        escrow
          .connect(facilitator)
          .openWithAuthorization(p, auth.from, auth.validAfter, auth.validBefore, auth.v, auth.r, auth.s),
      )
        .to.emit(escrow, "RequestOpened")
        .withArgs(1n, requester.address, requestRef(escrowAddress, 1n), anyValue, FundingMethod.Authorization, p.salt);
      const stored = await readRequest(escrow, 1n);
      expect(stored).to.deep.equal(requestOf(p, requester.address, auth.nonce));
      expect(stored.requester).to.equal(requester.address);
      expect(stored.fundingRef).to.equal(auth.nonce);
      expect(await escrow.checkRequest(1n, stored)).to.equal(BigInt(RequestStatus.Open));
      expect(await usdc.authorizationState(requester.address, auth.nonce)).to.equal(true);
      expect(await escrow.requestRef(1n)).to.equal(requestRef(escrowAddress, 1n));
    });

    it("EIP-3009: refuses a replayed, expired, early, wrong-recipient or other-request authorization", async () => {
      const { escrow, usdc, usdcDomain, escrowAddress, requester, facilitator, signers, params } = await load();
      const p = await params();
      const now = BigInt(await networkHelpers.time.latest());
      const submit = (q: RequestParams, a: Awaited<ReturnType<typeof signEscrowAuthorization>>) =>
        escrow.connect(facilitator).openWithAuthorization(q, a.from, a.validAfter, a.validBefore, a.v, a.r, a.s);
      const auth = await signEscrowAuthorization(requester, usdcDomain, escrowAddress, p, 0n, p.deadline);
      await submit(p, auth);
      await expect(submit(p, auth))
        .to.be.revertedWithCustomError(usdc, "AuthorizationAlreadyUsed")
        .withArgs(requester.address, auth.nonce);

      const q = await params();
      const expired = await signEscrowAuthorization(requester, usdcDomain, escrowAddress, q, 0n, now - 1n);
      await expect(submit(q, expired)).to.be.revertedWithCustomError(usdc, "AuthorizationExpired");
      const early = await signEscrowAuthorization(requester, usdcDomain, escrowAddress, q, now + 3_600n, q.deadline);
      await expect(submit(q, early)).to.be.revertedWithCustomError(usdc, "AuthorizationNotYetValid");
      // Signed to pay a node's wallet, not the escrow: the escrow's call does not match the signature.
      const toNode = await signEscrowAuthorization(requester, usdcDomain, signers.node.address, q, 0n, q.deadline);
      await expect(submit(q, toNode)).to.be.revertedWithCustomError(usdc, "InvalidAuthorizationSignature");
      // Signed for other parameters (another subject): the nonce differs, so the signature does not match.
      const forOther = await signEscrowAuthorization(
        requester,
        usdcDomain,
        escrowAddress,
        { ...q, subject: 2n },
        0n,
        q.deadline,
      );
      await expect(submit(q, forOther)).to.be.revertedWithCustomError(usdc, "InvalidAuthorizationSignature");
      // Only the payee may submit a receive-authorization: a front-runner cannot move the funds.
      const valid = await signEscrowAuthorization(requester, usdcDomain, escrowAddress, q, 0n, q.deadline);
      await expect(
        usdc
          .connect(signers.other)
          .receiveWithAuthorization(
            requester.address,
            escrowAddress,
            q.amount,
            0n,
            q.deadline,
            valid.nonce,
            valid.v,
            valid.r,
            valid.s,
          ),
      )
        .to.be.revertedWithCustomError(usdc, "CallerMustBePayee")
        .withArgs(signers.other.address, escrowAddress);
      await submit(q, valid);
      expect(await escrow.requestCount()).to.equal(2n);
    });

    it("refuses bad parameters, wrong values, non-tokens and fee-on-transfer tokens", async () => {
      const { escrow, requester, params, usdcDomain, escrowAddress } = await load();
      const reverts = async (p: RequestParams, error: string, value = 0n) =>
        expect(escrow.connect(requester).open(p, { value })).to.be.revertedWithCustomError(escrow, error);
      await reverts(await params({ amount: 0n }), "EscrowZeroAmount");
      await reverts(await params({ minLevel: Level.None }), "InvalidMinLevel");
      await reverts(await params({ route: Route.Proxy, minLevel: Level.ZKML }), "InvalidMinLevel");
      await reverts(await params({ subject: 99n }), "InvalidSubject");
      await reverts(await params({ route: Route.Proxy, subject: 99n }), "InvalidSubject");
      await reverts(await params({ deadline: 1n }), "DeadlineInPast");
      await reverts(await params({ asset: ZeroAddress }), "WrongValue", PRICE - 1n);
      await reverts(await params(), "WrongValue", 1n);
      await reverts(await params({ asset: requester.address }), "NotAToken");

      const eth = await params({ asset: ZeroAddress });
      const permit = await signPermit(requester, usdcDomain, escrowAddress, eth.amount, 0n, eth.deadline);
      await expect(
        escrow.connect(requester).openWithPermit(eth, permit.deadline, permit.v, permit.r, permit.s),
      ).to.be.revertedWithCustomError(escrow, "AuthorizationNeedsToken");
      await expect(
        escrow.openWithAuthorization(eth, requester.address, 0n, eth.deadline, permit.v, permit.r, permit.s),
      ).to.be.revertedWithCustomError(escrow, "AuthorizationNeedsToken");

      const fot = await ethers.deployContract("FeeOnTransferToken");
      await fot.mint(requester.address, PRICE);
      await fot.connect(requester).approve(escrowAddress, PRICE);
      await expect(escrow.connect(requester).open(await params({ asset: await fot.getAddress() })))
        .to.be.revertedWithCustomError(escrow, "AmountNotReceived")
        .withArgs(PRICE, PRICE - PRICE / 100n);
    });
  });

  describe("the request passed back", () => {
    // The escrow keeps one slot per request: a commitment to the request as opened, beside its status. Whoever
    // releases or refunds passes the request back; any field changed is another request.
    const tampered = (request: EscrowRequest, other: string): EscrowRequest[] => [
      { ...request, requester: other },
      { ...request, asset: other },
      { ...request, amount: request.amount + 1n },
      { ...request, amount: request.amount * 1_000n },
      { ...request, deadline: request.deadline + 1n },
      { ...request, route: Route.Proxy },
      { ...request, minLevel: Level.Vanilla },
      { ...request, nodeId: request.nodeId + 1n },
      { ...request, subject: request.subject + 1n },
      { ...request, bondMultiple: request.bondMultiple + 1 },
      { ...request, inputCommitment: keccak256("0x05") },
      { ...request, fundingRef: keccak256("0x06") },
    ];

    it("a node cannot be paid more, in another asset, or for another request's terms (RequestMismatch)", async () => {
      const { escrow, signers, params, open, answerFor, settle } = await load();
      const p = await params();
      const id = await open(p);
      const answer = await answerFor(id, p);
      await settle(answer);
      const request = await readRequest(escrow, id);
      for (const forged of tampered(request, signers.other.address)) {
        await expect(escrow.release(id, forged, answer.inferenceId, answer.outputCommitment))
          .to.be.revertedWithCustomError(escrow, "RequestMismatch")
          .withArgs(id);
        await expect(escrow.checkRequest(id, forged)).to.be.revertedWithCustomError(escrow, "RequestMismatch");
      }
      // Another open request's terms, under this id: refused too.
      const otherId = await open(await params());
      await expect(escrow.release(id, await readRequest(escrow, otherId), answer.inferenceId, answer.outputCommitment))
        .to.be.revertedWithCustomError(escrow, "RequestMismatch")
        .withArgs(id);
      expect(await escrow.requestStatus(id)).to.equal(BigInt(RequestStatus.Open));
      await expect(escrow.release(id, request, answer.inferenceId, answer.outputCommitment))
        .to.emit(escrow, "PaymentReleased")
        .withArgs(id, answer.inferenceId, 1n, signers.deployer.address, PRICE);
    });

    it("a requester cannot refund more, to another account, or early by changing the deadline", async () => {
      const { escrow, ledger, usdc, requester, signers, params, open, answerFor, advance } = await load();
      const p = await params();
      const id = await open(p);
      const answer = await answerFor(id, p);
      const request = await readRequest(escrow, id);
      await expect(escrow.refundExpired(id, { ...request, deadline: 1n }))
        .to.be.revertedWithCustomError(escrow, "RequestMismatch")
        .withArgs(id);
      await advance(SETTLEMENT_WINDOW + 1n);
      await ledger.reject(answer.inferenceId);
      for (const forged of tampered(request, signers.other.address)) {
        await expect(
          escrow.refundRejected(id, forged, answer.inferenceId, answer.outputCommitment),
        ).to.be.revertedWithCustomError(escrow, "RequestMismatch");
      }
      await escrow.refundRejected(id, request, answer.inferenceId, answer.outputCommitment);
      expect(await escrow.creditOf(requester.address, await usdc.getAddress())).to.equal(PRICE);
      expect(await escrow.creditOf(signers.other.address, await usdc.getAddress())).to.equal(0n);
      expect(await escrow.checkRequest(id, request)).to.equal(BigInt(RequestStatus.Refunded));
    });

    it("reads None for an unknown id, and refuses to act on one (UnknownRequest)", async () => {
      const { escrow, params, open } = await load();
      const id = await open(await params());
      const request = await readRequest(escrow, id);
      expect(await escrow.requestStatus(99n)).to.equal(BigInt(RequestStatus.None));
      await expect(escrow.checkRequest(99n, request))
        .to.be.revertedWithCustomError(escrow, "UnknownRequest")
        .withArgs(99n);
      await expect(escrow.checkRequest(0n, request))
        .to.be.revertedWithCustomError(escrow, "UnknownRequest")
        .withArgs(0n);
      await expect(readRequest(escrow, 99n)).to.be.rejectedWith("opened no request 99");
    });

    it("reads the request from the transaction that opened it, and refuses another transaction's", async () => {
      const { escrow, requester, params } = await load();
      const p = await params({ asset: ZeroAddress, amount: 10n ** 15n });
      const opened = await escrow.connect(requester).open(p, { value: p.amount });
      const other = await escrow.connect(requester).open(await params({ asset: ZeroAddress, amount: 10n ** 15n }), {
        value: 10n ** 15n,
      });
      expect(await readRequest(escrow, 1n, { transaction: opened.hash })).to.deep.equal(
        requestOf(p, requester.address),
      );
      await expect(readRequest(escrow, 1n, { transaction: other.hash })).to.be.rejectedWith("did not open request 1");
    });
  });

  describe("hostile recipients", () => {
    it("a node operator that reverts on receive blocks only its own withdrawal", async () => {
      const { escrow, bonds, attesters, attestersDomain, signers, requester, params, answerFor, settle, beat } =
        await load();
      const hostile = await ethers.deployContract("HostileOperator", [await escrow.getAddress()]);
      await hostile.registerNode(
        await attesters.getAddress(),
        signers.guardian.address,
        await signNodeKeyConsent(signers.guardian, attestersDomain, await hostile.getAddress()),
      );
      await bonds.deposit(2n, ZeroAddress, 10n ** 18n, { value: 10n ** 18n });
      const p = await params({ asset: ZeroAddress, amount: 10n ** 15n, nodeId: 2n });
      await escrow.connect(requester).open(p, { value: p.amount });
      const answer = await answerFor(1n, p, {}, signers.guardian);
      await beat(signers.enclave);
      await settle(answer);
      await escrow.release(1n, await readRequest(escrow, 1n), answer.inferenceId, answer.outputCommitment);
      expect(await escrow.creditOf(await hostile.getAddress(), ZeroAddress)).to.equal(p.amount);

      await hostile.setMode(1); // Revert
      await expect(hostile.withdraw())
        .to.be.revertedWithCustomError(escrow, "EscrowEthTransferFailed")
        .withArgs(await hostile.getAddress());
      expect(await escrow.creditOf(await hostile.getAddress(), ZeroAddress)).to.equal(p.amount);

      // Everyone else carries on: another request pays and refunds normally.
      const q = await params({ asset: ZeroAddress, amount: 10n ** 15n });
      await escrow.connect(requester).open(q, { value: q.amount });
      const other = await answerFor(2n, q);
      await settle(other);
      await escrow.release(2n, await readRequest(escrow, 2n), other.inferenceId, other.outputCommitment);
      await escrow.connect(signers.deployer).withdraw(ZeroAddress, signers.deployer.address);
    });

    it("a node operator that re-enters on receive gets its credit exactly once", async () => {
      const { escrow, bonds, attesters, attestersDomain, signers, requester, params, answerFor, settle } = await load();
      const hostile = await ethers.deployContract("HostileOperator", [await escrow.getAddress()]);
      const hostileAddress = await hostile.getAddress();
      await hostile.registerNode(
        await attesters.getAddress(),
        signers.guardian.address,
        await signNodeKeyConsent(signers.guardian, attestersDomain, await hostile.getAddress()),
      );
      await bonds.deposit(2n, ZeroAddress, 10n ** 18n, { value: 10n ** 18n });
      const amount = 10n ** 15n;
      for (const id of [1n, 2n]) {
        const p = await params({ asset: ZeroAddress, amount, nodeId: 2n });
        await escrow.connect(requester).open(p, { value: amount });
        const answer = await answerFor(id, p, {}, signers.guardian);
        await settle(answer);
        await escrow.release(id, await readRequest(escrow, id), answer.inferenceId, answer.outputCommitment);
      }
      await hostile.setMode(2); // Reenter
      await expect(hostile.withdraw()).to.changeEtherBalances(ethers, [escrow, hostile], [-2n * amount, 2n * amount]);
      expect(await hostile.reentered()).to.equal(false);
      expect(await escrow.creditOf(hostileAddress, ZeroAddress)).to.equal(0n);
      expect(await ethers.provider.getBalance(await escrow.getAddress())).to.equal(0n);
    });
  });
});
