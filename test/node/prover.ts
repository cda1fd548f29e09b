import { availableParallelism } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";

import { expect } from "chai";
import { getAddress, hexlify, randomBytes } from "ethers";

import { ProverPool, ProverTimeout, type ProofRequest } from "../../node/prover.js";
import { inputHash, loadRiskModel, modelCommitment, riskScore } from "../../src/models/riskScorer.js";
import { releaseProver, verifyGroth16, ZkmlError } from "../../src/zk.js";
import { RISK_SCORER } from "../../src/models/riskScorer.js";

const { model } = loadRiskModel();

function request(n: number): ProofRequest {
  return {
    model,
    input: {
      subject: getAddress(hexlify(randomBytes(20))),
      features: [100n * BigInt(n), 2n, 500n, 10n],
      salt: 77n + BigInt(n),
    },
    binding: 1_000n + BigInt(n),
  };
}

/** The public signals every proof of `req` must carry: `[modelCommitment, inputHash, binding, subject, score]`. */
const expectedSignals = (req: ProofRequest) => [
  modelCommitment(req.model),
  inputHash(req.input),
  req.binding,
  BigInt(req.input.subject),
  riskScore(req.model, req.input),
];

describe("ProverPool", function () {
  // A risk-score proof takes about a second on two cores; a cold thread builds snarkjs's curve first.
  this.timeout(180_000);
  const pools: ProverPool[] = [];
  const pool = (options: ConstructorParameters<typeof ProverPool>[0] = {}) => {
    const p = new ProverPool(options);
    pools.push(p);
    return p;
  };
  // The proofs are verified on this thread, with snarkjs's multi-threaded curve.
  after(releaseProver);
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it("sizes itself one below the machine's parallelism, at least one thread", () => {
    expect(pool().size).to.equal(Math.max(1, availableParallelism() - 1));
    expect(pool({ size: 0 }).size).to.equal(1);
  });

  it("proves three inputs concurrently, each proof verifying, with the main event loop responsive throughout", async () => {
    const p = pool({ size: 3 });
    const requests = [1, 2, 3].map(request);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const results = await Promise.all(requests.map((r) => p.prove(r)));
    const wallMs = performance.now() - started;
    delay.disable();

    const p99Ms = delay.percentile(99) / 1e6;
    console.log(
      `      proving ms per proof: ${results.map((r) => r.provingMs.toFixed(0)).join(", ")}; wall ${wallMs.toFixed(0)} ms` +
        ` for 3 on ${p.size} threads; event loop delay p99 ${p99Ms.toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
    );
    expect(p99Ms).to.be.below(100);
    expect(new Set(results.map((r) => r.threadId)).size).to.equal(3);
    for (const [i, result] of results.entries()) {
      expect(result.attempts).to.equal(1);
      expect(result.provingMs).to.be.above(0);
      expect(result.proof.publicSignals).to.deep.equal(expectedSignals(requests[i]));
      expect(await verifyGroth16(result.proof, RISK_SCORER.verificationKey)).to.equal(true);
    }
  });

  it("replaces a thread killed mid-proof and still completes the job on a new thread", async () => {
    const p = pool({ size: 1 });
    const crashes: number[] = [];
    p.on("crash", ({ threadId }) => crashes.push(threadId));
    let killed: number | undefined;
    p.on("start", ({ attempt, worker, threadId }) => {
      if (attempt !== 1 || killed !== undefined) return;
      killed = threadId;
      // Mid-proof: well after the thread has taken the job.
      setTimeout(() => void worker.terminate(), 300);
    });

    const req = request(4);
    const result = await p.prove(req);
    expect(crashes).to.deep.equal([killed]);
    expect(result.attempts).to.equal(2);
    expect(result.threadId).to.not.equal(killed);
    expect(result.proof.publicSignals).to.deep.equal(expectedSignals(req));
    expect(await verifyGroth16(result.proof, RISK_SCORER.verificationKey)).to.equal(true);
    // The replacement keeps serving.
    expect((await p.prove(request(5))).attempts).to.equal(1);
  });

  it("fails a proof the circuit refuses with ZkmlError, without retrying it", async () => {
    const p = pool({ size: 1 });
    const req = request(6);
    const error = await p.prove({ ...req, score: riskScore(req.model, req.input) + 1n }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ZkmlError);
    const alone = await p.prove(request(7));
    expect(alone.attempts).to.equal(1);
    console.log(`      one proof alone on a warm thread: ${alone.provingMs.toFixed(0)} ms`);
  });

  it("fails a job past its timeout with ProverTimeout and replaces the thread", async () => {
    const p = pool({ size: 1 });
    const error = await p.prove(request(8), { timeoutMs: 5 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ProverTimeout).with.property("timeoutMs", 5);
    expect((await p.prove(request(9))).attempts).to.equal(1);
  });
});
