import { expect } from "chai";
import { ZeroAddress, ZeroHash, id, type Signer } from "ethers";
import { network } from "hardhat";

import { requestRef, signEscrowAuthorization, tokenDomain, type RequestParams } from "../../src/escrow.js";
import { Level, Route, type Answer } from "../../src/ledger.js";
import { CHALLENGE_WINDOW, deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const PRICE = 10n ** 15n;

/**
 * The escrow against everyone who is not the honest node: another node, the requester answering its own request from
 * a throwaway node, and whoever calls `finalize` late. The promise: a node that answers a request once and settles at
 * the paid level by the deadline is paid, whatever the others do.
 */
async function fixture() {
  const scenario = await deployScenario(connection);
  const { escrow, signers, ledger } = scenario;
  const requester = signers.publisher;
  const escrowAddress = await escrow.getAddress();
  const { chainId } = await ethers.provider.getNetwork();
  // The requester's throwaway node (node 2) and a competing node (node 3).
  const [, , , , , , , , throwaway, competitor] = await ethers.getSigners();
  await scenario.registerNode(requester, throwaway);
  await scenario.registerNode(competitor, competitor);

  let counter = 0;
  const params = async (overrides: Partial<RequestParams> = {}): Promise<RequestParams> => ({
    asset: ZeroAddress,
    amount: PRICE,
    route: Route.Local,
    subject: 1n,
    minLevel: Level.TEE,
    nodeId: 1n,
    deadline: BigInt(await networkHelpers.time.latest()) + 86_400n,
    inputCommitment: id(`adversarial input ${++counter}`),
    salt: ZeroHash,
    bondMultiple: 0,
    ...overrides,
  });
  const open = async (p: RequestParams) => {
    await escrow.connect(requester).open(p, { value: p.amount });
    return escrow.requestCount();
  };
  /** An answer to request `requestId` (its reference and input), signed by `node`. */
  const answerFor = async (requestId: bigint, p: RequestParams, node: Signer, claimed = Level.TEE) => {
    const by = { address: await node.getAddress() };
    const answer = scenario.makeAnswer(
      { claimed, inputCommitment: p.inputCommitment, paymentRef: requestRef(escrowAddress, requestId) },
      by,
    );
    await scenario.submit(answer, node);
    return answer;
  };
  const settle = async (answer: Answer) =>
    ledger.settleTee(answer.inferenceId, await scenario.attest(signers.enclave, answer));
  return { ...scenario, requester, throwaway, competitor, chainId, escrowAddress, params, open, answerFor, settle };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("adversarial: an honest, timely, settled answer is always paid", () => {
  it("a competing node's copy of the request, rejected on purpose, cannot turn the payment into a refund", async () => {
    const { escrow, ledger, signers, competitor, params, open, answerFor, settle } = await load();
    const p = await params();
    const requestId = await open(p);
    const honest = await answerFor(requestId, p, signers.node);
    // The competitor copies the payment reference and the input, claims TEE and lets the claim fail.
    const copy = await answerFor(requestId, p, competitor);
    await settle(honest);
    await networkHelpers.time.increase(86_401n);
    await ledger.reject(copy.inferenceId);
    await expect(escrow.refundRejected(requestId, copy.inferenceId, copy.outputCommitment))
      .to.be.revertedWithCustomError(escrow, "NotAnAnswer")
      .withArgs(requestId, copy.inferenceId);
    await expect(escrow.release(requestId, honest.inferenceId, honest.outputCommitment))
      .to.emit(escrow, "PaymentReleased")
      .withArgs(requestId, honest.inferenceId, 1n, signers.deployer.address, PRICE);
  });

  it("the requester answering its own request from a throwaway node can neither be paid nor refund itself", async () => {
    const { escrow, signers, throwaway, params, open, answerFor, settle } = await load();
    const p = await params();
    const requestId = await open(p);
    // The throwaway node's answer even settles at the paid level; it still is not the named node's.
    const own = await answerFor(requestId, p, throwaway);
    await settle(own);
    await expect(escrow.release(requestId, own.inferenceId, own.outputCommitment))
      .to.be.revertedWithCustomError(escrow, "NotAnAnswer")
      .withArgs(requestId, own.inferenceId);
    const honest = await answerFor(requestId, p, signers.node);
    await settle(honest);
    await expect(escrow.release(requestId, honest.inferenceId, honest.outputCommitment)).to.emit(
      escrow,
      "PaymentReleased",
    );
  });

  it("a record answered before the request opened, by another node, does not match it", async () => {
    const { escrow, ledger, signers, competitor, params, open, answerFor, settle } = await load();
    const p = await params();
    // The next request id is predictable, and so is its payment reference.
    const next = (await escrow.requestCount()) + 1n;
    const early = await answerFor(next, p, competitor);
    const requestId = await open(p);
    expect(requestId).to.equal(next);
    const honest = await answerFor(requestId, p, signers.node);
    await settle(honest);
    await networkHelpers.time.increase(86_401n);
    await ledger.reject(early.inferenceId);
    await expect(escrow.refundRejected(requestId, early.inferenceId, early.outputCommitment))
      .to.be.revertedWithCustomError(escrow, "NotAnAnswer")
      .withArgs(requestId, early.inferenceId);
    await expect(escrow.release(requestId, honest.inferenceId, honest.outputCommitment)).to.emit(
      escrow,
      "PaymentReleased",
    );
  });

  it("refuses a request that names no node, an unknown node or a deactivated one", async () => {
    const { escrow, attesters, requester, competitor, params } = await load();
    for (const nodeId of [0n, 99n]) {
      const p = await params({ nodeId });
      await expect(escrow.connect(requester).open(p, { value: PRICE }))
        .to.be.revertedWithCustomError(escrow, "EscrowNodeNotActive")
        .withArgs(nodeId);
    }
    await attesters.connect(competitor).deactivateNode(3n);
    await expect(escrow.connect(requester).open(await params({ nodeId: 3n }), { value: PRICE }))
      .to.be.revertedWithCustomError(escrow, "EscrowNodeNotActive")
      .withArgs(3n);
  });
});

describe("adversarial: the claim window is the node's, whoever calls what", () => {
  it("a Vanilla claim final before the deadline is paid even when finalize is called after the deadline", async () => {
    const { escrow, ledger, signers, params, open, answerFor } = await load();
    const p = await params({ minLevel: Level.Vanilla, deadline: BigInt(await networkHelpers.time.latest()) + 7_200n });
    const requestId = await open(p);
    const answer = await answerFor(requestId, p, signers.node, Level.Vanilla);
    // The challenge window (1 hour) ends before the deadline (2 hours); nobody finalizes until after the deadline.
    await networkHelpers.time.increase(7_300n);
    await ledger.finalize(answer.inferenceId);
    const record = await ledger.getRecord(answer.inferenceId);
    expect(record.settledAt).to.equal(record.answeredAt + CHALLENGE_WINDOW + 1n);
    await expect(escrow.release(requestId, answer.inferenceId, answer.outputCommitment)).to.emit(
      escrow,
      "PaymentReleased",
    );
  });

  it("the requester cannot refund early: a timely settlement can be released until the claim window ends", async () => {
    const { escrow, params, open, answerFor, settle, signers } = await load();
    const p = await params();
    const requestId = await open(p);
    const answer = await answerFor(requestId, p, signers.node);
    await settle(answer);
    await networkHelpers.time.increase(86_400n + 86_000n);
    await expect(escrow.refundExpired(requestId)).to.be.revertedWithCustomError(escrow, "NotExpired");
    await expect(escrow.release(requestId, answer.inferenceId, answer.outputCommitment)).to.emit(
      escrow,
      "PaymentReleased",
    );
  });
});

describe("adversarial: identical requests are both fundable by authorization", () => {
  it("two requests with the same terms and different salts each take their own EIP-3009 authorization", async () => {
    const { escrow, usdc, requester, chainId, escrowAddress, params, signers } = await load();
    const usdcAddress = await usdc.getAddress();
    await usdc.connect(signers.deployer).mint(requester.address, 2n * PRICE);
    const domain = tokenDomain("Proofline Test USDC", "1", chainId, usdcAddress);
    const base = await params({ asset: usdcAddress });
    const fund = async (p: RequestParams) => {
      const auth = await signEscrowAuthorization(requester, domain, escrowAddress, p, 0n, p.deadline);
      return escrow.openWithAuthorization(p, auth.from, auth.validAfter, auth.validBefore, auth.v, auth.r, auth.s);
    };
    await fund(base);
    // The same terms and the same salt would reuse the authorization nonce: the token refuses it.
    await expect(fund(base)).to.be.revert(ethers);
    await fund({ ...base, salt: id("second order") });
    expect(await escrow.requestCount()).to.equal(2n);
    expect(await usdc.balanceOf(escrowAddress)).to.equal(2n * PRICE);
  });
});
