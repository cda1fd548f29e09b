/**
 * Gas benchmark: deploys the system on the built-in network, runs each operation once as a real transaction, and
 * prints its execution gas (what its code costs: the transaction's gas without the 21,000 base and the calldata
 * charge) next to its budget, with the whole transaction's gas beside it. It also deploys EAS from its npm package
 * and attests a payload the size of an answer record, for comparison. Last, it reads the deployed bytecode size of
 * every deployable contract from the build artifacts and holds each to the EIP-170 limit and its committed size.
 *
 *   npx hardhat run scripts/bench.ts                      # print the table
 *   BENCH_MODE=check npx hardhat run scripts/bench.ts     # also fail on a budget overrun, a stale snapshot, or
 *                                                         # code over EIP-170 or grown 5% past its snapshot size
 *   BENCH_MODE=update npx hardhat run scripts/bench.ts    # rewrite gas-snapshot.json
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

import { AbiCoder, ContractFactory, ZeroAddress, ZeroHash } from "ethers";
import { artifacts, network } from "hardhat";

import { SettlementBatch } from "../src/batch.js";
import {
  InputCommitment,
  InputKind,
  MEDIA_TYPES,
  OutputCommitment,
  Provenance,
  answerDigest,
  dataPart,
  textPart,
} from "../src/commitments.js";
import { Answerers, AttestedInputRule, attestedInputArg, consumerArgs } from "../src/consumer.js";
import { signSourcedData } from "../src/dataSources.js";
import {
  compareBytecode,
  compareSnapshot,
  deployableCodeSizes,
  formatBytecodeTable,
  formatTable,
  intrinsicGas,
  type GasRow,
  type GasSnapshot,
} from "./lib/gas.js";
import { readRequest, requestRef, signEscrowAuthorization, tokenDomain, type RequestParams } from "../src/escrow.js";
import { Level, Route, signAnswer, signAnswers, signBatch } from "../src/ledger.js";
import { twinIdOf, twinSalt } from "../src/market.js";
import TwinMarketModule from "../deploy/modules/TwinMarket.js";
import { deployScenario } from "../testing/index.js";
import { releaseProver } from "../src/zk.js";
import { RISK_SCORER_BATCH_SIZES } from "../src/models/riskScorer.js";

const SNAPSHOT = new URL("../gas-snapshot.json", import.meta.url);
const mode = process.env.BENCH_MODE ?? "print";
const committedSnapshot = JSON.parse(readFileSync(SNAPSHOT, "utf8")) as GasSnapshot;
// A waiver is written by hand in gas-snapshot.json, never by this script: it only carries it over.
const committedWaiver = (name: string) => committedSnapshot.operations[name]?.waiver;

const connection = await network.create();
const { ethers } = connection;
/** A transaction's execution gas (without the 21k base and the calldata charge), and its whole gas. */
const measure = async (tx: Promise<{ data: string; wait(): Promise<{ gasUsed: bigint } | null> }>) => {
  const sent = await tx;
  const transaction = Number((await sent.wait())!.gasUsed);
  return { gas: transaction - intrinsicGas(sent.data), transaction, calldata: (sent.data.length - 2) / 2 };
};

const rows: GasRow[] = [];
const scenario = await deployScenario(connection);
const { ledger, makeAnswer, submit, attest, signers } = scenario;

// Warm-up: the first record ever written pays for nothing extra, but keep every measured call a typical one.
await submit(makeAnswer());

// A claim above Vanilla locks the node's bond first (its own transaction), then answers: the answer's budget covers
// its check of the lock. Warm-up: the node's first lock writes its bond's locked counter for the first time.
const { bonds, domain } = scenario;
await submit(makeAnswer({ claimed: Level.TEE }));
const teeAnswer = makeAnswer({ claimed: Level.TEE });
const lockUnpaid = await measure(bonds.connect(signers.node).lock(teeAnswer.inferenceId, teeAnswer.paymentRef));
rows.push({
  name: "ledger.answer (record + EIP-712 signature + bond check)",
  ...(await measure(ledger.answer(teeAnswer, await signAnswer(signers.node, domain, teeAnswer)))),
  budget: 80_000,
});
rows.push({
  name: "ledger.settleTee (enclave attestation)",
  ...(await measure(ledger.settleTee(teeAnswer.inferenceId, await attest(signers.enclave, teeAnswer)))),
  budget: 40_000,
});
rows.push({ name: "bonds.lock (unpaid claim: the minimum, in ETH)", ...lockUnpaid });
rows.push({ name: "bonds.release (settled record)", ...(await measure(bonds.release(teeAnswer.inferenceId))) });
// A TEE claim refuted by the enclave (another output), then slashed: half to the refuter, the rest to the protocol.
const overclaim = makeAnswer({ claimed: Level.TEE });
await submit(overclaim);
const otherOutput = ethers.id("the output the enclave saw");
await ledger
  .connect(signers.other)
  .refuteTee(
    overclaim.inferenceId,
    overclaim.inputCommitment,
    overclaim.outputCommitment,
    overclaim.paymentRef,
    otherOutput,
    await attest(signers.enclave, overclaim, otherOutput),
  );
rows.push({ name: "bonds.slash (refuted record, unpaid)", ...(await measure(bonds.slash(overclaim.inferenceId))) });

// Consumer policy check, measured inside a consumer (contracts/bench/PolicyCheckProbe.sol): the gas the check adds
// to a consumer's own function, from the cold ledger call to the output part's Merkle proof. The base policy is the
// RiskScoreConsumer example's without its single use and its options (TEE minimum, settled only, one pinned artifact,
// one-hour maximum age); the record is settled and the part has a two-part output proof. Single use adds a read of
// the consumer's own flag (and, when consuming, a 22,100-gas write). Each option is measured on top of the base:
// answerers by node key, by operator, an attested input part that is the whole input, and the example's own policy
// without single use. The last rows are the example's checks sent as transactions.
const bureauInput = new InputCommitment([
  {
    kind: InputKind.External,
    name: "external/credit-bureau",
    content: "0x" + "ab".repeat(32),
    provenance: Provenance.SourceSigned,
    signature: await signSourcedData(signers.bureau, scenario.attestersDomain, "0x" + "ab".repeat(32)),
  },
]);
const lender = await scenario.deployLender(3_600n);
const output = new OutputCommitment([
  dataPart(MEDIA_TYPES.riskScore, ["address", "uint16"], [signers.other.address, 250]),
  textPart("score 250"),
]);
const scored = makeAnswer({ claimed: Level.TEE, inputCommitment: bureauInput.root, outputCommitment: output.root });
await submit(scored);
await ledger.settleTee(scored.inferenceId, await attest(signers.enclave, scored));
const features = attestedInputArg(bureauInput, 0);
const probeCheck = async (
  options: { singleUse?: boolean; answerers?: Answerers; attestedInput?: AttestedInputRule } = {},
) => {
  const answerers = options.answerers ?? Answerers.Any;
  const attestedInput = options.attestedInput ?? AttestedInputRule.None;
  const policy = {
    minLevel: Level.TEE,
    allowUnsettled: false,
    pinArtifacts: true,
    singleUse: options.singleUse ?? false,
    maxAge: 3_600n,
    answerers,
    attestedInput,
  };
  const lists = {
    artifacts: [1n],
    answerers:
      answerers === Answerers.Any
        ? []
        : [answerers === Answerers.Nodes ? signers.node.address : signers.deployer.address],
    dataSources: attestedInput === AttestedInputRule.None ? [] : [1n],
  };
  const probe = await ethers.deployContract("PolicyCheckProbe", [await ledger.getAddress(), policy, lists]);
  const args = consumerArgs(scored, output, 0);
  return Number(
    attestedInput === AttestedInputRule.None
      ? await probe.measureCheck.staticCall(...args)
      : await probe.measureCheckWithInput.staticCall(...args, features),
  );
};
rows.push({ name: "consumer policy check (inside a consumer)", gas: await probeCheck(), budget: 8_000 });
rows.push({
  name: "consumer policy check, single use (inside a consumer)",
  gas: await probeCheck({ singleUse: true }),
});
rows.push({
  name: "consumer policy check, allowed node keys (inside a consumer)",
  gas: await probeCheck({ answerers: Answerers.Nodes }),
});
rows.push({
  name: "consumer policy check, allowed operators (inside a consumer)",
  gas: await probeCheck({ answerers: Answerers.Operators }),
});
rows.push({
  name: "consumer policy check, attested whole input (inside a consumer)",
  gas: await probeCheck({ attestedInput: AttestedInputRule.Whole }),
});
rows.push({
  name: "consumer policy check, node keys + attested whole input (inside a consumer)",
  gas: await probeCheck({ answerers: Answerers.Nodes, attestedInput: AttestedInputRule.Whole }),
});
rows.push({
  name: "consumer.checkInferenceWithInput (RiskScoreConsumer, as a transaction)",
  ...(await measure(lender.checkInferenceWithInput.send(...consumerArgs(scored, output, 0), features))),
});

// ZKML: a real Groth16 proof that artifact 1 scores a borrower's features, verified on-chain (5 public signals).
const ledgerAddress = await ledger.getAddress();
const chainId = (await ethers.provider.getNetwork()).chainId;
const riskInput = { subject: signers.other.address, features: [400n, 2n, 500n, 100n], salt: 7n };
const zkRecord = await scenario.answerRiskScore(riskInput);
const proof = await scenario.proveRecord(zkRecord);
await releaseProver();
const evidence = scenario.riskScoreEvidence(proof, zkRecord);
const zkAnswer = zkRecord.answer;
// The generated verifier called on its own with the same proof: the figure SP1's and RISC Zero's quoted verify costs
// (200k-230k) compare with.
const verifier = await ethers.getContractAt("RiskScorerVerifier", scenario.verifier);
const [a0, a1, b00, b01, b10, b11, c0, c1] = proof.proof;
const signals = proof.publicSignals as [bigint, bigint, bigint, bigint, bigint];
const bareVerify = await measure(
  verifier.verifyProof.send(
    [a0, a1],
    [
      [b00, b01],
      [b10, b11],
    ],
    [c0, c1],
    signals,
  ),
);
rows.push({
  name: "ledger.settleZk (Groth16 proof, 5 public signals)",
  ...(await measure(ledger.settleZk(zkAnswer.inferenceId, evidence))),
  budget: 260_000,
  // Eight proof words: up to eight bytes can come out zero or not, 12 gas each.
  tolerance: 96,
});
rows.push({ name: "zk.verifyProof (bare verifier call, same proof)", ...bareVerify, tolerance: 96 });

// One Groth16 proof for eight, then sixteen, risk-scorer inferences of artifact 1 (the batch circuits: the weights
// committed once, three public signals per record), each record answered as above with its own input.
for (const size of RISK_SCORER_BATCH_SIZES) {
  const batchRecords = [];
  for (let i = 0; i < size; i++) {
    const features = [400n, BigInt(i % 4), 500n - BigInt(i), 100n];
    batchRecords.push(
      await scenario.answerRiskScore({ subject: signers.other.address, features, salt: 100n + BigInt(i) }),
    );
  }
  const batchProof = await scenario.proveRecords(batchRecords);
  await releaseProver();
  const zkMany = await measure(ledger.settleZkMany(scenario.riskScoreBatchEvidence(batchProof, batchRecords)));
  rows.push({
    name: `ledger.settleZkMany, per record (${size} records, one Groth16 proof)`,
    gas: Math.ceil(zkMany.gas / size),
    transaction: Math.ceil(zkMany.transaction / size),
    calldata: Math.ceil(zkMany.calldata / size),
    budget: size === 16 ? 50_000 : undefined,
    // Eight proof words shared by the records: a few zero bytes more or less, a gas or two each per record.
    tolerance: 16,
  });
}

// Batch settlement: one enclave-signed root over a round's 64 attestations, then one record settled from it
// (a 6-sibling proof). Each enclave keeps 32 root slots: a slot's first commit writes a fresh slot, every later
// commit overwrites one (the steady state, measured last).
const batchAnswers: ReturnType<typeof makeAnswer>[] = [];
for (let i = 0; i < 64; i++) {
  const answer = makeAnswer({ claimed: Level.TEE });
  await submit(answer);
  batchAnswers.push(answer);
}
const commitRound = async (entries: typeof batchAnswers) => {
  const round = await ledger.currentRound();
  const batch = new SettlementBatch(
    ledgerAddress,
    round,
    entries.map((a) => ({
      inferenceId: a.inferenceId,
      answerDigest: answerDigest(a.inputCommitment, a.outputCommitment, a.paymentRef),
    })),
  );
  const signature = await signBatch(signers.enclave, scenario.domain, round, batch.root);
  return { batch, ...(await measure(ledger.commitBatch(round, batch.root, signature))) };
};
const first = await commitRound(batchAnswers);
const settled = batchAnswers[17].inferenceId;
const settleFromBatch = await measure(
  ledger.settleFromBatch(signers.enclave.address, first.batch.round, settled, first.batch.proof(settled)),
);
await scenario.advance(3_600n * BigInt(await ledger.BATCH_ROOT_SLOTS()));
await scenario.beat(signers.enclave);
const steady = await commitRound(batchAnswers.slice(0, 1));
rows.push({
  name: "ledger.commitBatch (root slot reused, steady state)",
  gas: steady.gas,
  transaction: steady.transaction,
  calldata: steady.calldata,
  budget: 50_000,
});
rows.push({
  name: "ledger.commitBatch (first use of a root slot)",
  gas: first.gas,
  transaction: first.transaction,
  calldata: first.calldata,
  budget: 50_000,
});
rows.push({ name: "ledger.settleFromBatch (64-leaf batch)", ...settleFromBatch, budget: 45_000 });

// Many answers of one node in one call, under one signature: 16 TEE claims (each bonded first, in its own
// transaction, as a node does) and 16 Vanilla claims (no bond).
for (const claimed of [Level.TEE, Level.Vanilla]) {
  const many: ReturnType<typeof makeAnswer>[] = [];
  for (let i = 0; i < 16; i++) many.push(makeAnswer({ claimed }));
  if (claimed !== Level.Vanilla) {
    for (const answer of many) await bonds.connect(signers.node).lock(answer.inferenceId, answer.paymentRef);
  }
  const measured = await measure(ledger.answerMany(many, await signAnswers(signers.node, domain, many)));
  rows.push({
    name: `ledger.answerMany, per record (16 ${Level[claimed]} claims)`,
    gas: Math.ceil(measured.gas / 16),
    transaction: Math.ceil(measured.transaction / 16),
    calldata: Math.ceil(measured.calldata / 16),
    budget: claimed === Level.TEE ? 50_000 : undefined,
  });
}

// Many records from one batch in one call (one multiproof): per record, at 16, 64, 256 and 1,024 records, each batch
// committed in a round of its own. The records claim Vanilla, which needs no bond lock and keeps the set-up short; a
// TEE claim takes the same path (only its event differs, by nothing: both settle at TEE).
for (const size of [16, 64, 256, 1_024]) {
  await scenario.advance(3_600n);
  await scenario.beat(signers.enclave);
  const answers: ReturnType<typeof makeAnswer>[] = [];
  for (let i = 0; i < size; i++) {
    const answer = makeAnswer({ claimed: Level.Vanilla });
    await submit(answer);
    answers.push(answer);
  }
  const { batch } = await commitRound(answers);
  const { inferenceIds, answerDigests, proof, proofFlags } = batch.multiProof();
  const many = await measure(
    ledger.settleManyFromBatch(signers.enclave.address, batch.round, inferenceIds, answerDigests, proof, proofFlags),
  );
  if (Number(await ledger.stateOf(answers[size - 1].inferenceId)) !== 2)
    throw new Error("a batch record did not settle");
  rows.push({
    name: `ledger.settleManyFromBatch, per record (${size.toLocaleString("en-US")} records)`,
    gas: Math.ceil(many.gas / size),
    transaction: Math.ceil(many.transaction / size),
    calldata: Math.ceil(many.calldata / size),
    budget: size === 1_024 ? 13_000 : undefined,
  });
}

// Escrow: a request funded by the requester's EIP-3009 authorization (submitted by a facilitator, as x402 does) and
// one funded with ETH, each answered, TEE-settled and released. The escrow stores one slot per request (a commitment
// to it) and takes the request back in calldata: longer calldata for less execution (docs/GAS.md).
// The deployment's escrow and test USDC: the vault sizes a paid claim's lock from the escrow it is bound to.
const { usdc, escrow } = scenario;
const escrowAddress = await escrow.getAddress();
const requester = signers.publisher;
await usdc.mint(requester.address, 10n ** 12n);
const usdcAddress = await usdc.getAddress();
const usdcDomain = tokenDomain("Proofline Test USDC", "1", chainId, usdcAddress);
const requestParams = async (asset: string, amount: bigint, n: number): Promise<RequestParams> => ({
  asset,
  amount,
  route: Route.Local,
  subject: 1n,
  minLevel: Level.TEE,
  nodeId: 1n,
  // A fixed deadline (2100-01-01) keeps the calldata, and so the gas, the same from run to run.
  deadline: 4_102_444_800n,
  inputCommitment: ethers.id(`bench request ${n}`),
  salt: ZeroHash,
  bondMultiple: 0,
});
const paidAnswerAndRelease = async (requestId: bigint, params: RequestParams) => {
  const paid = makeAnswer({
    claimed: Level.TEE,
    inputCommitment: params.inputCommitment,
    paymentRef: requestRef(escrowAddress, requestId),
  });
  const request = await readRequest(escrow, requestId);
  const lock = await measure(bonds.connect(signers.node).lockPaid(paid.inferenceId, requestId, request));
  await ledger.answer(paid, await signAnswer(signers.node, domain, paid));
  await ledger.settleTee(paid.inferenceId, await attest(signers.enclave, paid));
  return {
    lock,
    release: await measure(escrow.release(requestId, request, paid.inferenceId, paid.outputCommitment)),
  };
};
const openWithAuthorization = async (params: RequestParams) => {
  const auth = await signEscrowAuthorization(requester, usdcDomain, escrowAddress, params, 0n, params.deadline);
  return measure(
    escrow
      .connect(signers.trustAdmin)
      .openWithAuthorization(params, auth.from, auth.validAfter, auth.validBefore, auth.v, auth.r, auth.s),
  );
};
// Warm-up, in both assets: the escrow's first token balance, the operator's first credit in each asset and the first
// request ever opened pay for their first slots once per deployment; the rows below are the steady state.
const warm = await requestParams(ZeroAddress, 10n ** 15n, 0);
await (await escrow.connect(requester).open(warm, { value: warm.amount })).wait();
await paidAnswerAndRelease(await escrow.requestCount(), warm);
const warmToken = await requestParams(usdcAddress, 5_000_000n, 3);
await openWithAuthorization(warmToken);
await paidAnswerAndRelease(await escrow.requestCount(), warmToken);

const tokenParams = await requestParams(usdcAddress, 5_000_000n, 1);
rows.push({
  name: "escrow.openWithAuthorization (ERC-20, EIP-3009)",
  ...(await openWithAuthorization(tokenParams)),
  budget: 110_000,
});
const tokenRequestId = await escrow.requestCount();
const ethParams = await requestParams(ZeroAddress, 10n ** 15n, 2);
rows.push({
  name: "escrow.open (ETH)",
  ...(await measure(escrow.connect(requester).open(ethParams, { value: ethParams.amount }))),
  budget: 60_000,
});
const paidToken = await paidAnswerAndRelease(tokenRequestId, tokenParams);
rows.push({
  name: "escrow.release (settled at the paid level; the operator holds a credit in the asset)",
  ...paidToken.release,
  budget: 45_000,
});
rows.push({ name: "bonds.lock (paid request: 2x the escrowed USDC)", ...paidToken.lock });
// The release right after the operator (the deployer, in the devkit) withdrew: its credit slot goes from zero to
// non-zero again.
await escrow.connect(signers.deployer).withdraw(usdcAddress, signers.deployer.address);
const afterParams = await requestParams(usdcAddress, 5_000_000n, 4);
await openWithAuthorization(afterParams);
const afterWithdrawal = await paidAnswerAndRelease(await escrow.requestCount(), afterParams);
rows.push({
  name: "escrow.release (the operator's first credit in the asset since it withdrew)",
  ...afterWithdrawal.release,
});

// Twin market: one share bought by a holder paying exactly, and one share sold, at the 5% + 5% fee caps, on a twin
// that has traded before (its supply, the holder's balance and the owner's fee credit are all non-zero).
const { market: deployedMarket } = await connection.ignition.deploy(TwinMarketModule, {
  parameters: {
    $global: { guardian: signers.deployer.address, trustAdmin: signers.deployer.address },
    TwinMarket: { feeAdmin: signers.deployer.address, feeDestination: signers.deployer.address },
  },
});
const market = await ethers.getContractAt("TwinMarket", await deployedMarket.getAddress());
const twin = twinIdOf(signers.publisher.address, twinSalt("ada"));
await (await market.connect(signers.publisher).createTwin(twinSalt("ada"))).wait();
const trader = signers.other;
const tradeDeadline = async () => BigInt(await connection.networkHelpers.time.latest()) + 600n;
const buyShares = async (amount: bigint) => {
  const cost = await market.getBuyPriceAfterFees(twin, amount);
  return market.connect(trader).buy(twin, amount, cost, await tradeDeadline(), { value: cost });
};
await (await buyShares(5n)).wait();
rows.push({
  name: "market.buy (1 share, existing holder, exact payment)",
  ...(await measure(buyShares(1n))),
  budget: 60_000,
});
const proceeds = await market.getSellPriceAfterFees(twin, 1n);
rows.push({
  name: "market.sell (1 share)",
  ...(await measure(market.connect(trader).sell(twin, 1n, proceeds, await tradeDeadline()))),
  budget: 65_000,
  tolerance: 48,
});

// EAS, from the build artifacts its npm package ships: one attestation carrying the same seven words as an answer.
const require = createRequire(import.meta.url);
const artifact = (name: string) =>
  require(`@ethereum-attestation-service/eas-contracts/artifacts/contracts/${name}.sol/${name}.json`);
const [deployer] = await ethers.getSigners();
const schemaArtifact = artifact("SchemaRegistry");
const easArtifact = artifact("EAS");
const schemas = await new ContractFactory(schemaArtifact.abi, schemaArtifact.bytecode, deployer).deploy();
const eas = await new ContractFactory(easArtifact.abi, easArtifact.bytecode, deployer).deploy(
  await schemas.getAddress(),
);
const schema =
  "bytes32 inferenceId,uint8 route,uint64 subject,uint8 claimed,bytes32 inputCommitment,bytes32 outputCommitment,bytes32 paymentRef";
const registerTx = await (await schemas.getFunction("register")(schema, ZeroAddress, true)).wait();
const schemaUid = registerTx!.logs[0].topics[1];
const sample = makeAnswer();
const payload = AbiCoder.defaultAbiCoder().encode(
  ["bytes32", "uint8", "uint64", "uint8", "bytes32", "bytes32", "bytes32"],
  [
    sample.inferenceId,
    sample.route,
    sample.subject,
    sample.claimed,
    sample.inputCommitment,
    sample.outputCommitment,
    sample.paymentRef,
  ],
);
const attestOnce = () =>
  eas.getFunction("attest")({
    schema: schemaUid,
    data: { recipient: ZeroAddress, expirationTime: 0n, revocable: true, refUID: ZeroHash, data: payload, value: 0n },
  });
await (await attestOnce()).wait();
const easAttest = { name: "EAS.attest (same payload)", ...(await measure(attestOnce())) };

// Code sizes, from the artifacts `hardhat run` has just built: every deployable contract, found rather than listed.
const bytecode = await deployableCodeSizes(artifacts);
const committedBytecode = committedSnapshot.bytecode ?? {};

for (const row of rows) row.waiver = committedWaiver(row.name);
const snapshot: GasSnapshot = {
  operations: Object.fromEntries(
    rows.map((row) => [
      row.name,
      {
        gas: row.gas,
        transaction: row.transaction,
        calldata: row.calldata,
        budget: row.budget,
        waiver: row.waiver,
        tolerance: row.tolerance,
      },
    ]),
  ),
  reference: { [easAttest.name]: { gas: easAttest.gas, transaction: easAttest.transaction } },
  bytecode,
};

const answerRow = rows[0] as GasRow & { transaction: number };
console.log(formatTable(rows, easAttest, answerRow));
console.log(`\n${formatBytecodeTable(committedBytecode, bytecode)}`);

if (mode === "update") {
  writeFileSync(SNAPSHOT, `${JSON.stringify(snapshot, null, 2)}\n`);
  console.log("\ngas-snapshot.json updated");
} else if (mode === "check") {
  const problems = [...compareSnapshot(committedSnapshot, snapshot), ...compareBytecode(committedBytecode, bytecode)];
  if (problems.length > 0) {
    console.error(`\n${problems.join("\n")}`);
    process.exitCode = 1;
  } else {
    console.log(
      "\nno operation over budget without a waiver, none worse than committed; gas-snapshot.json is current; " +
        "every contract within EIP-170 and within 5% of its committed size",
    );
  }
}
