import { keccak256, sha256, toUtf8Bytes, type Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import ProoflineLocalModule from "../deploy/modules/ProoflineLocal.js";
import { executeDelayed } from "../src/admin.js";
import {
  InputCommitment,
  InputKind,
  OutputCommitment,
  Provenance,
  answerDigest,
  type InputPartSpec,
  type OutputPartSpec,
} from "../src/commitments.js";
import { attestedInputArg } from "../src/consumer.js";
import { signDataSourceKeyConsent, signSourcedData } from "../src/dataSources.js";
import { parametersFile, readParameters } from "../src/deployments.js";
import {
  Level,
  Route,
  attesterRegistryDomain,
  inferenceIdFor,
  ledgerDomain,
  signAnswer,
  signAttestation,
  signEnclaveKeyConsent,
  signHeartbeat,
  signNodeKeyConsent,
} from "../src/ledger.js";
import type { Answer } from "../src/ledger.js";
import {
  inputHash,
  loadRiskModel,
  modelCommitment,
  proveRiskScore,
  riskScore,
  riskScorePart,
  type RiskInput,
  type RiskModel,
} from "../src/models/riskScorer.js";
import { toArtifactParams, weightsDigest } from "../src/registry.js";
import { zkBinding, zkEvidence, zkInputContent, zkInputPart, type ZkProof } from "../src/zk.js";

export const MEASUREMENT = keccak256(toUtf8Bytes("proofline enclave image v1"));
export const CHALLENGE_WINDOW = 3_600n;
export const SETTLEMENT_WINDOW = 86_400n;
/** Output signals of the risk scorer circuit: subject and score. */
export const RISK_SCORER_OUTPUTS = 2;

/**
 * The two artifacts of the "risk-scorer" model the scenario registers: 1.0.0 is the committed demo model
 * (`circuits/risk-scorer/model.json`), 1.1.0 the same network with a higher output bias (scores 20 points riskier).
 */
export function scenarioModels(): RiskModel[] {
  const { model } = loadRiskModel();
  return [model, { ...model, b2: model.b2 + 20n * 65_536n }];
}

/** The role holders and delays the built-in network's deployment uses (`deploy/parameters/default.json`). */
export function localRoles(): {
  admin: string;
  adminDelay: number;
  guardian: string;
  trustAdmin: string;
  trustAdminDelay: number;
  feeAdmin: string;
  feeDestination: string;
} {
  return readParameters("default").$global as ReturnType<typeof localRoles>;
}

/**
 * A ready local deployment for tests, the gas benchmark and the demo: deploys the whole system with the
 * `ProoflineLocal` module and `deploy/parameters/default.json` (the deployer ends with no role), then sets up a model
 * (two artifacts, both ZK-provable by the risk scorer circuit and bound to its verifier in the router), a provider, a
 * node and two live development enclaves (local keys standing in for hardware enclaves) in the attester registry, and returns helpers that build, sign and attest answers. Role holders are the accounts the
 * parameters file names; the other parts are played by Hardhat's accounts 0 to 7.
 */
export async function deployScenario(connection: NetworkConnection) {
  const { ethers, ignition, networkHelpers } = connection;
  const [deployer, publisher, , , node, enclave, proxyEnclave, other, bureau] = await ethers.getSigners();
  const roles = localRoles();
  const [admin, guardian, trustAdmin, feeAdmin] = await Promise.all(
    [roles.admin, roles.guardian, roles.trustAdmin, roles.feeAdmin].map((address) => ethers.getSigner(address)),
  );
  const deployment = await ignition.deploy(ProoflineLocalModule, { parameters: parametersFile("default") });
  const manager = await ethers.getContractAt("AccessManager", await deployment.accessManager.getAddress());
  const registry = await ethers.getContractAt("ModelRegistry", await deployment.registry.getAddress());
  const attesters = await ethers.getContractAt("AttesterRegistry", await deployment.attesters.getAddress());
  const router = await ethers.getContractAt("VerifierRouter", await deployment.router.getAddress());
  const ledger = await ethers.getContractAt("InferenceLedger", await deployment.ledger.getAddress());
  const { chainId } = await ethers.provider.getNetwork();
  const ledgerAddress = await ledger.getAddress();
  const domain = ledgerDomain(chainId, ledgerAddress);
  const attestersAddress = await attesters.getAddress();
  const routerAddress = await router.getAddress();
  const attestersDomain = attesterRegistryDomain(chainId, attestersAddress);
  const advance = (seconds: bigint) => networkHelpers.time.increase(seconds);

  await registry.connect(publisher).createModel("risk-scorer", "ipfs://card");
  const models = scenarioModels();
  for (const [i, version] of ["1.0.0", "1.1.0"].entries()) {
    const params = toArtifactParams({
      blobId: sha256(toUtf8Bytes(`blob ${i}`)),
      contentDigest: weightsDigest(
        toUtf8Bytes(JSON.stringify(models[i], (_, v) => (typeof v === "bigint" ? `${v}` : v))),
      ),
      format: "circom-groth16",
      version,
      zkCommitment: modelCommitment(models[i]),
    });
    await registry.connect(publisher).registerArtifact(1n, params, i === 0);
  }
  await attesters.connect(other).registerProvider("openai/gpt-4o-2024-08-06");
  /** Registers `key` as a node key operated by `operator`, with the key's consent. */
  const registerNode = async (operator: Signer, key: Signer) =>
    attesters
      .connect(operator)
      .registerNode(
        await key.getAddress(),
        await signNodeKeyConsent(key, attestersDomain, await operator.getAddress()),
      );
  await registerNode(deployer, node);

  // A data source: a credit bureau that attests borrowers' features (as the risk scorer's input hash), source id 1,
  // registered by the bureau and signing with its own key.
  await attesters.connect(bureau).registerDataSource("credit-bureau");
  await attesters
    .connect(bureau)
    .addDataSourceKey(1n, bureau.address, await signDataSourceKeyConsent(bureau, attestersDomain, 1n));

  const approve = attesters.interface.encodeFunctionData("approveMeasurement", [MEASUREMENT]);
  await executeDelayed(manager, trustAdmin, attestersAddress, approve, advance);
  for (const [key, route, subject] of [
    [enclave, Route.Local, 1n],
    [proxyEnclave, Route.Proxy, 1n],
  ] as const) {
    const data = attesters.interface.encodeFunctionData("registerEnclave", [
      key.address,
      MEASUREMENT,
      route,
      subject,
      keccak256(toUtf8Bytes(`quote of ${key.address}`)),
      await signEnclaveKeyConsent(key, attestersDomain, { measurement: MEASUREMENT, route, subject }),
    ]);
    await executeDelayed(manager, trustAdmin, attestersAddress, data, advance);
  }

  const verifier = await deployment.riskScorerVerifier.getAddress();
  const addVerifier = router.interface.encodeFunctionData("addVerifier", [verifier, RISK_SCORER_OUTPUTS]);
  await executeDelayed(manager, trustAdmin, routerAddress, addVerifier, advance);
  await router.connect(publisher).bindArtifact(1n, verifier);
  await router.connect(publisher).bindArtifact(2n, verifier);

  // Heartbeats last: every delayed action above moves time forward.
  const beat = async (signer: Signer) => {
    const timestamp = BigInt(await networkHelpers.time.latest()) + 1n;
    await networkHelpers.time.setNextBlockTimestamp(timestamp);
    const signature = await signHeartbeat(signer, attestersDomain, timestamp);
    await attesters.heartbeat(await signer.getAddress(), timestamp, signature);
  };
  await beat(enclave);
  await beat(proxyEnclave);

  let counter = 0;
  /** An answer of node `by` (default: the scenario's node), with an id of that node's. */
  const makeAnswer = (overrides: Partial<Answer> = {}, by: { address: string } = node): Answer => {
    counter += 1;
    return {
      inferenceId: inferenceIdFor(by.address, `inference ${counter}`),
      route: Route.Local,
      subject: 1n,
      claimed: Level.TEE,
      inputCommitment: keccak256(toUtf8Bytes(`input ${counter}`)),
      outputCommitment: keccak256(toUtf8Bytes(`output ${counter}`)),
      paymentRef: keccak256(toUtf8Bytes(`x402 tx ${counter}`)),
      ...overrides,
    };
  };
  const submit = async (answer: Answer, signer: Signer = node) =>
    ledger.answer(answer, await signAnswer(signer, domain, answer));
  const attest = (signer: Signer, answer: Answer, output = answer.outputCommitment) =>
    signAttestation(signer, domain, {
      inferenceId: answer.inferenceId,
      route: answer.route,
      subject: answer.subject,
      answerDigest: answerDigest(answer.inputCommitment, output, answer.paymentRef),
    });

  /** Registers another artifact of the risk-scorer model, version `version`, with `zkCommitment` (0: none). */
  const registerArtifact = (version: string, zkCommitment: bigint) =>
    registry.connect(publisher).registerArtifact(
      1n,
      toArtifactParams({
        blobId: keccak256(toUtf8Bytes(`blob ${version}`)),
        contentDigest: keccak256(toUtf8Bytes(`weights ${version}`)),
        format: "circom-groth16",
        version,
        zkCommitment,
      }),
      false,
    );

  /**
   * The one "answer a risk score" flow: answers `input` on artifact `artifact` (default 1) with the model's true
   * score (or `score`). The input tree holds the input hash (and a prompt first, with `prompt`); the output is the
   * one risk-score part (plus `extraPart`, which makes it unprovable). With `attestedBy`, the input hash part is
   * attested external data signed by that data source key (the scenario's `bureau`). Returns what proving and
   * consuming need, with `features`, the attested part as a consumer checks it, when attested.
   */
  const answerRiskScore = async (
    input: RiskInput,
    options: {
      artifact?: bigint;
      claimed?: Level;
      route?: Route;
      score?: bigint;
      prompt?: string;
      extraPart?: OutputPartSpec;
      attestedBy?: Signer;
      by?: Signer;
    } = {},
  ) => {
    const artifact = options.artifact ?? 1n;
    const score = options.score ?? riskScore(models[Number(artifact) - 1], input);
    const hash = inputHash(input);
    const signature = options.attestedBy
      ? await signSourcedData(options.attestedBy, attestersDomain, zkInputContent(hash))
      : undefined;
    const parts: InputPartSpec[] = [zkInputPart(hash, "zk-input", signature)];
    if (options.prompt !== undefined) {
      parts.unshift({
        kind: InputKind.Prompt,
        name: "prompt",
        content: options.prompt,
        provenance: Provenance.Unattested,
      });
    }
    const inputTree = new InputCommitment(parts);
    const output = new OutputCommitment([
      riskScorePart(input.subject, score),
      ...(options.extraPart ? [options.extraPart] : []),
    ]);
    const by = options.by ?? node;
    const answer = makeAnswer(
      {
        route: options.route ?? Route.Local,
        subject: artifact,
        claimed: options.claimed ?? Level.ZKML,
        inputCommitment: inputTree.root,
        outputCommitment: output.root,
      },
      { address: await by.getAddress() },
    );
    await submit(answer, by);
    const inputIndex = parts.length - 1;
    const features = signature === undefined ? undefined : attestedInputArg(inputTree, inputIndex);
    return { answer, input, artifact, inputTree, inputIndex, output, score, features };
  };
  type RiskScoreRecord = Awaited<ReturnType<typeof answerRiskScore>>;
  /** A real Groth16 proof of `model` (default: the record's artifact's) on the record's input, bound to the record. */
  const proveRecord = (record: RiskScoreRecord, model: RiskModel = models[Number(record.artifact) - 1]) =>
    proveRiskScore(model, record.input, zkBinding(chainId, ledgerAddress, record.answer.inferenceId));
  /** `settleZk`'s evidence for `record` with `proof`. */
  const riskScoreEvidence = (proof: ZkProof, record: RiskScoreRecord) =>
    zkEvidence({
      proof,
      input: record.inputTree,
      inputIndex: record.inputIndex,
      outputCommitment: record.output.root,
      paymentRef: record.answer.paymentRef,
    });
  /** Proves `record` and settles it at ZKML. */
  const settleRiskScore = async (record: RiskScoreRecord) =>
    ledger.settleZk(record.answer.inferenceId, riskScoreEvidence(await proveRecord(record), record));

  return {
    ethers,
    networkHelpers,
    manager,
    registry,
    attesters,
    router,
    ledger,
    verifier,
    models,
    domain,
    attestersDomain,
    advance,
    escrow: await ethers.getContractAt("InferenceEscrow", await deployment.escrow.getAddress()),
    usdc: await ethers.getContractAt("TestUSDC", await deployment.usdc.getAddress()),
    market: await ethers.getContractAt("TwinMarket", await deployment.market.getAddress()),
    signers: { deployer, publisher, admin, guardian, trustAdmin, feeAdmin, node, enclave, proxyEnclave, other, bureau },
    beat,
    makeAnswer,
    submit,
    attest,
    registerNode,
    registerArtifact,
    answerRiskScore,
    proveRecord,
    riskScoreEvidence,
    settleRiskScore,
  };
}
