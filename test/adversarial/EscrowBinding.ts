import { expect } from "chai";
import { ZeroAddress, ZeroHash, id, type Signer } from "ethers";
import { network } from "hardhat";

import {
  readRequest,
  requestOf,
  requestRef,
  signEscrowAuthorization,
  tokenDomain,
  type RequestParams,
} from "../../src/escrow.js";
import { Level, Route, inferenceIdFor, type Answer } from "../../src/ledger.js";
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
  /**
   * An answer to request `requestId` (its reference and input), signed by `node` (bonded first above Vanilla, unless
   * `bond` is false), under id `inferenceId` when given.
   */
  const answerFor = async (
    requestId: bigint,
    p: RequestParams,
    node: Signer,
    claimed = Level.TEE,
    inferenceId?: string,
    bond = true,
  ) => {
    const by = { address: await node.getAddress() };
    const answer = scenario.makeAnswer(
      {
        claimed,
        inputCommitment: p.inputCommitment,
        paymentRef: requestRef(escrowAddress, requestId),
        ...(inferenceId === undefined ? {} : { inferenceId }),
      },
      by,
    );
    await scenario.submit(answer, node, { bond });
    return answer;
  };
  const settle = async (answer: Answer) =>
    ledger.settleTee(answer.inferenceId, await scenario.attest(signers.enclave, answer));
  /** Rejects `answer` on purpose: the development enclave attests another output for it. */
  const refute = async (answer: Answer) => {
    const other = id(`another output of ${answer.inferenceId}`);
    await ledger.refuteTee(
      answer.inferenceId,
      answer.inputCommitment,
      answer.outputCommitment,
      answer.paymentRef,
      other,
      await scenario.attest(signers.enclave, answer, other),
    );
  };
  return {
    ...scenario,
    requester,
    throwaway,
    competitor,
    chainId,
    escrowAddress,
    params,
    open,
    answerFor,
    settle,
    refute,
  };
}
const load = () => networkHelpers.loadFixture(fixture);
let copies = 0;
/** A fresh inference id of node key `key`. */
const freshId = (key: string) => inferenceIdFor(key, `copy ${++copies}`);

describe("adversarial: an honest, timely, settled answer is always paid", () => {
  it("a competing node cannot bond a copy of the request, and its Vanilla copy, refuted on purpose, refunds nothing", async () => {
    const { escrow, bonds, ledger, signers, competitor, params, open, answerFor, settle, refute } = await load();
    const p = await params();
    const requestId = await open(p);
    const honest = await answerFor(requestId, p, signers.node);
    // The competitor copies the payment reference and the input. Above Vanilla it must lock bond for the request,
    // which names another node; a lock made for no payment does not bond an answer that carries the request's.
    const ref = requestRef(await escrow.getAddress(), requestId);
    const copyId = freshId(competitor.address);
    await expect(bonds.connect(competitor).lock(copyId, ref))
      .to.be.revertedWithCustomError(bonds, "LockNeedsRequest")
      .withArgs(requestId);
    const request = await readRequest(escrow, requestId);
    await expect(bonds.connect(competitor).lockPaid(copyId, requestId, request))
      .to.be.revertedWithCustomError(bonds, "LockForAnotherNode")
      .withArgs(requestId, 1n);
    // Passing the request as if it named the competitor: not the request the escrow opened.
    await expect(bonds.connect(competitor).lockPaid(copyId, requestId, { ...request, nodeId: 3n }))
      .to.be.revertedWithCustomError(escrow, "RequestMismatch")
      .withArgs(requestId);
    await bonds.connect(competitor).lock(copyId, id("no payment"));
    await expect(answerFor(requestId, p, competitor, Level.TEE, copyId, false))
      .to.be.revertedWithCustomError(bonds, "LockOfAnotherPayment")
      .withArgs(copyId, 0n, requestId);
    // A Vanilla copy needs no bond; the competitor gets it refuted and tries to turn the payment into a refund.
    const copy = await answerFor(requestId, p, competitor, Level.Vanilla);
    await refute(copy);
    await settle(honest);
    expect((await ledger.outcomeOf(copy.inferenceId))[0]).to.equal(3n); // Rejected
    await expect(
      escrow.refundRejected(requestId, await readRequest(escrow, requestId), copy.inferenceId, copy.outputCommitment),
    )
      .to.be.revertedWithCustomError(escrow, "NotAnAnswer")
      .withArgs(requestId, copy.inferenceId);
    await expect(
      escrow.release(requestId, await readRequest(escrow, requestId), honest.inferenceId, honest.outputCommitment),
    )
      .to.emit(escrow, "PaymentReleased")
      .withArgs(requestId, honest.inferenceId, 1n, signers.deployer.address, PRICE);
  });

  it("the requester answering its own request from a throwaway node can neither be paid nor refund itself", async () => {
    const { escrow, signers, throwaway, params, open, answerFor, settle } = await load();
    const p = await params();
    const requestId = await open(p);
    // The throwaway node cannot bond a TEE claim for the request; its Vanilla answer even reaches the paid level
    // through an enclave. It still is not the named node's.
    const own = await answerFor(requestId, p, throwaway, Level.Vanilla);
    await settle(own);
    await expect(escrow.release(requestId, await readRequest(escrow, requestId), own.inferenceId, own.outputCommitment))
      .to.be.revertedWithCustomError(escrow, "NotAnAnswer")
      .withArgs(requestId, own.inferenceId);
    const honest = await answerFor(requestId, p, signers.node);
    await settle(honest);
    await expect(
      escrow.release(requestId, await readRequest(escrow, requestId), honest.inferenceId, honest.outputCommitment),
    ).to.emit(escrow, "PaymentReleased");
  });

  it("a record answered before the request opened, by another node, does not match it", async () => {
    const { escrow, bonds, signers, competitor, params, open, answerFor, settle, refute } = await load();
    const p = await params();
    // The next request id is predictable, and so is its payment reference; no lock can be made for it yet.
    const next = (await escrow.requestCount()) + 1n;
    const guessed = requestOf(p, await competitor.getAddress());
    await expect(bonds.connect(competitor).lockPaid(freshId(competitor.address), next, { ...guessed, nodeId: 3n }))
      .to.be.revertedWithCustomError(escrow, "UnknownRequest")
      .withArgs(next);
    const early = await answerFor(next, p, competitor, Level.Vanilla);
    const requestId = await open(p);
    expect(requestId).to.equal(next);
    const honest = await answerFor(requestId, p, signers.node);
    await settle(honest);
    await refute(early);
    await expect(
      escrow.refundRejected(requestId, await readRequest(escrow, requestId), early.inferenceId, early.outputCommitment),
    )
      .to.be.revertedWithCustomError(escrow, "NotAnAnswer")
      .withArgs(requestId, early.inferenceId);
    await expect(
      escrow.release(requestId, await readRequest(escrow, requestId), honest.inferenceId, honest.outputCommitment),
    ).to.emit(escrow, "PaymentReleased");
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
    await expect(
      escrow.release(requestId, await readRequest(escrow, requestId), answer.inferenceId, answer.outputCommitment),
    ).to.emit(escrow, "PaymentReleased");
  });

  it("the requester cannot refund early: a timely settlement can be released until the claim window ends", async () => {
    const { escrow, params, open, answerFor, settle, signers } = await load();
    const p = await params();
    const requestId = await open(p);
    const answer = await answerFor(requestId, p, signers.node);
    await settle(answer);
    await networkHelpers.time.increase(86_400n + 86_000n);
    await expect(escrow.refundExpired(requestId, await readRequest(escrow, requestId))).to.be.revertedWithCustomError(
      escrow,
      "NotExpired",
    );
    await expect(
      escrow.release(requestId, await readRequest(escrow, requestId), answer.inferenceId, answer.outputCommitment),
    ).to.emit(escrow, "PaymentReleased");
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
