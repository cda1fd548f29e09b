/**
 * Proofline's devkit, `proofline/testing`: deploys the whole system into a Hardhat 3 network connection from the
 * shipped artifacts, sets up trust the fast way, and returns typed contracts and helpers to answer, settle and
 * consume, so an integrator tests a consumer contract against the real system. This repository's own tests use the
 * same fixture (`deployScenario` in `scenario.ts` wraps it).
 *
 * Trust set-up, in development form: the enclaves are development enclave keys, plain accounts standing in for
 * hardware enclaves (no quote is checked: the quote hash is made up), registered under a development measurement;
 * the risk scorer's verifier comes from the circuit's development setup (docs/ZKML.md). Every trust-raising step
 * still goes through the AccessManager's real execution delay, which the devkit waits out by moving the simulated
 * network's clock. Nothing here belongs on a live network.
 */
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import { BrowserProvider, ZeroAddress, keccak256, sha256, toUtf8Bytes, type Signer } from "ethers";

import { executeDelayed } from "../src/admin.js";
import { lockForAnswer } from "../src/bonds.js";
import {
  InputCommitment,
  InputKind,
  OutputCommitment,
  Provenance,
  answerDigest,
  type InputPartSpec,
  type OutputPart,
  type OutputPartSpec,
} from "../src/commitments.js";
import { attestedInputArg, consumerArgs, type AnswerCommitments, type AttestedInput } from "../src/consumer.js";
import { signDataSourceKeyConsent, signSourcedData } from "../src/dataSources.js";
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
  type Answer,
} from "../src/ledger.js";
import {
  inputHash,
  loadRiskModel,
  modelCommitment,
  proveRiskScore,
  proveRiskScores,
  riskScore,
  riskScorePart,
  type RiskInput,
  type RiskModel,
} from "../src/models/riskScorer.js";
import { toArtifactParams, weightsDigest } from "../src/registry.js";
import {
  AccessManager__factory,
  AttesterRegistry__factory,
  BondVault__factory,
  InferenceEscrow__factory,
  InferenceLedger__factory,
  ModelRegistry__factory,
  TestUSDC__factory,
  TwinMarket__factory,
  VerifierRouter__factory,
} from "../src/typechain/index.js";
import { zkBatchEvidence, zkBinding, zkEvidence, zkInputContent, zkInputPart, type ZkProof } from "../src/zk.js";
import { ProoflineLocalModule, deployModule, readParameterFile } from "./system.js";

export * from "./artifacts.js";
export * from "./system.js";

/**
 * The code measurement the devkit approves and registers its development enclaves under: the hash of a made-up
 * image name, not of any real enclave image.
 */
export const DEV_ENCLAVE_MEASUREMENT = keccak256(toUtf8Bytes("proofline enclave image v1"));
/** The ledger's challenge window (Vanilla claims) in the shipped modules' defaults: one hour. */
export const CHALLENGE_WINDOW = 3_600n;
/** The ledger's settlement window (TEE and ZKML claims) in the shipped modules' defaults: one day. */
export const SETTLEMENT_WINDOW = 86_400n;
/** What the devkit's node bonds, in ETH (wei) and in test USDC (6 decimals), each: 100 of either. */
export const DEV_NODE_BOND = { eth: 100n * 10n ** 18n, usdc: 100n * 10n ** 6n } as const;
/** Output signals of the risk scorer circuit: subject and score. */
export const RISK_SCORER_OUTPUTS = 2;

/**
 * The two artifacts of the "risk-scorer" model the devkit registers: 1.0.0 is the committed demo model
 * (`circuits/risk-scorer/model.json`), 1.1.0 the same network with a higher output bias (scores 20 points riskier).
 */
export function scenarioModels(): RiskModel[] {
  const { model } = loadRiskModel();
  return [model, { ...model, b2: model.b2 + 20n * 65_536n }];
}

/** Role holders and delays of a deployment, as the `$global` section of a parameter file names them. */
export interface DeploymentRoles {
  admin: string;
  adminDelay: number;
  guardian: string;
  trustAdmin: string;
  trustAdminDelay: number;
  feeAdmin: string;
  feeDestination: string;
}

/** The role holders and delays the devkit deploys with (`deploy/parameters/default.json`). */
export function localRoles(): DeploymentRoles {
  return readParameterFile("default").$global as unknown as DeploymentRoles;
}

/** An EIP-1193 provider, such as a Hardhat network connection's `provider`. */
export interface Eip1193Like {
  request(args: { readonly method: string; readonly params?: readonly unknown[] | object }): Promise<unknown>;
}

/** A signer that knows its address (Hardhat's ethers signers and ethers' `JsonRpcSigner` do). */
export interface DevSigner extends Signer {
  readonly address: string;
}

/**
 * What the devkit needs of a network connection: its provider, and its ethers helpers when the project uses
 * `@nomicfoundation/hardhat-ethers` (then the devkit's signers are Hardhat's). Without them the devkit signs through
 * ethers' `BrowserProvider` over the same provider. `network.create()`'s connection fits either way.
 */
export interface DevConnection<S extends DevSigner> {
  provider: Eip1193Like;
  ethers?: { getSigners(): Promise<S[]> };
}

/** Options of {@link deployProofline}. */
export interface DeployProoflineOptions {
  /**
   * The `ProoflineLocal` module's parameters (default: `deploy/parameters/default.json`). Every role holder named
   * under `$global` must be an account of the connection.
   */
  parameters?: DeploymentParameters;
}

/**
 * Deploys Proofline into `connection` and sets it up for testing a consumer, the fast way:
 *
 * - the whole system, with Ignition's `ProoflineLocal` module from the shipped artifacts (with `TestUSDC` for
 *   payments); the deploying account ends with no role, and the role holders are the accounts the parameters name
 *   (by default Hardhat's default accounts 10 to 14);
 * - the model "risk-scorer" (id 1) with two ZK-provable artifacts (ids 1 and 2, see {@link scenarioModels}), both
 *   bound to the risk scorer's Groth16 verifier, which TRUST_ADMIN added to the router after its delay;
 * - a provider (id 1), a registered node key (`signers.node`, operated by the deployer), whose bond in the vault
 *   holds {@link DEV_NODE_BOND} of ETH and of test USDC (`submit` locks part of it before a claim above Vanilla);
 * - two live development enclaves (`signers.devEnclave` for Local answers about artifact 1, `signers.devProxyEnclave`
 *   for Proxy answers about provider 1): plain accounts registered by TRUST_ADMIN after its delay under
 *   {@link DEV_ENCLAVE_MEASUREMENT}, each with a fresh heartbeat (the registry's freshness window is one hour);
 * - a data source, "credit-bureau" (id 1), whose signing key is `signers.bureau`.
 *
 * The other parts are played by the connection's first nine accounts: deployer 0, publisher 1, node 4, the two
 * development enclaves 5 and 6, `other` 7 (a borrower, a stranger), bureau 8.
 */
export async function deployProofline<S extends DevSigner = DevSigner>(
  connection: DevConnection<S>,
  options: DeployProoflineOptions = {},
) {
  const provider = connection.provider;
  const accounts: S[] = connection.ethers
    ? await connection.ethers.getSigners()
    : ((await new BrowserProvider(provider).listAccounts()) as unknown as S[]);
  if (accounts.length < 9) throw new Error(`the devkit needs 9 accounts, the connection has ${accounts.length}`);
  const [deployer, publisher, , , node, devEnclave, devProxyEnclave, other, bureau] = accounts;
  const parameters = options.parameters ?? readParameterFile("default");
  const roles = parameters.$global as unknown as DeploymentRoles;
  const holder = (role: keyof DeploymentRoles) => {
    const address = String(roles[role]);
    const signer = accounts.find((account) => account.address.toLowerCase() === address.toLowerCase());
    if (signer === undefined) {
      throw new Error(`the ${role} the parameters name, ${address}, is not an account of this connection`);
    }
    return signer;
  };
  const [admin, guardian, trustAdmin, feeAdmin] = [
    holder("admin"),
    holder("guardian"),
    holder("trustAdmin"),
    holder("feeAdmin"),
  ];

  const addresses = await deployModule(provider, ProoflineLocalModule, parameters);
  // Connected to the deploying account, as Hardhat's `ethers.getContractAt` connects them; `.connect(signer)` to act
  // as someone else.
  const manager = AccessManager__factory.connect(addresses.accessManager, deployer);
  const registry = ModelRegistry__factory.connect(addresses.registry, deployer);
  const attesters = AttesterRegistry__factory.connect(addresses.attesters, deployer);
  const router = VerifierRouter__factory.connect(addresses.router, deployer);
  const ledger = InferenceLedger__factory.connect(addresses.ledger, deployer);
  const bonds = BondVault__factory.connect(addresses.bonds, deployer);
  const escrow = InferenceEscrow__factory.connect(addresses.escrow, deployer);
  const usdc = TestUSDC__factory.connect(addresses.usdc, deployer);
  const market = TwinMarket__factory.connect(addresses.market, deployer);
  const verifier = addresses.riskScorerVerifier;
  const chainId = BigInt((await provider.request({ method: "eth_chainId" })) as string);
  const domain = ledgerDomain(chainId, addresses.ledger);
  const attestersDomain = attesterRegistryDomain(chainId, addresses.attesters);

  /** The simulated network's clock, as Hardhat's network helpers move it. */
  const time = {
    /** The latest block's timestamp. */
    latest: async (): Promise<number> => {
      const block = (await provider.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
        timestamp: string;
      };
      return Number(BigInt(block.timestamp));
    },
    /** Sets the next block's timestamp. */
    setNextBlockTimestamp: async (timestamp: bigint | number): Promise<void> => {
      await provider.request({ method: "evm_setNextBlockTimestamp", params: [`0x${BigInt(timestamp).toString(16)}`] });
    },
    /**
     * Sets the next block's timestamp `seconds` after the latest block's and returns it. A node that also mines on an
     * interval (the local network's `hardhat node`, anvil) can mine a block between the read and the write, which the
     * node then refuses as a timestamp not after its previous block's: the read and the write are tried again.
     */
    setNextAfterLatest: async (seconds: bigint | number): Promise<bigint> => {
      for (let attempt = 1; ; attempt += 1) {
        const timestamp = BigInt(await time.latest()) + BigInt(seconds);
        try {
          await time.setNextBlockTimestamp(timestamp);
          return timestamp;
        } catch (error) {
          const raced = /previous block'?s timestamp/i.test(String((error as Error).message));
          if (!raced || attempt === 5) throw error;
        }
      }
    },
    /** Mines a block `seconds` after the latest one; returns its timestamp. */
    increase: async (seconds: bigint | number): Promise<number> => {
      await time.setNextAfterLatest(seconds);
      await provider.request({ method: "hardhat_mine", params: ["0x1", "0x1"] });
      return time.latest();
    },
  };
  const advance = (seconds: bigint) => time.increase(seconds);

  await registry.connect(publisher).createModel("risk-scorer", "ipfs://card");
  const models = scenarioModels();
  // Artifact 1's content is the committed weights file itself (its SHA-256 is what a node serving it checks);
  // artifact 2's weights exist only in memory, so its digest is that of their JSON.
  const contents = [
    loadRiskModel().bytes,
    toUtf8Bytes(JSON.stringify(models[1], (_, v) => (typeof v === "bigint" ? `${v}` : v))),
  ];
  for (const [i, version] of ["1.0.0", "1.1.0"].entries()) {
    const params = toArtifactParams({
      blobId: sha256(toUtf8Bytes(`blob ${i}`)),
      contentDigest: weightsDigest(contents[i]),
      format: "circom-groth16",
      version,
      zkCommitment: modelCommitment(models[i]),
    });
    await registry.connect(publisher).registerArtifact(1n, params, i === 0);
  }
  await attesters.connect(other).registerProvider("openai/gpt-4o-2024-08-06");
  /**
   * Registers `key` as a node key operated by `operator`, with the key's consent, and gives the new node
   * {@link DEV_NODE_BOND} (ETH for unpaid claims and ETH requests, test USDC for USDC requests), deposited by the
   * deployer, unless `bond: false`. Returns the registration's transaction.
   */
  const registerNode = async (operator: Signer, key: Signer, options: { bond?: boolean } = {}) => {
    const keyAddress = await key.getAddress();
    const registration = await attesters
      .connect(operator)
      .registerNode(keyAddress, await signNodeKeyConsent(key, attestersDomain, await operator.getAddress()));
    if (options.bond !== false) {
      const nodeId = await attesters.nodeIdOf(keyAddress);
      await bonds.deposit(nodeId, ZeroAddress, DEV_NODE_BOND.eth, { value: DEV_NODE_BOND.eth });
      await usdc.mint(deployer.address, DEV_NODE_BOND.usdc);
      await usdc.approve(addresses.bonds, DEV_NODE_BOND.usdc);
      await bonds.deposit(nodeId, addresses.usdc, DEV_NODE_BOND.usdc);
    }
    return registration;
  };
  await registerNode(deployer, node);

  // A data source: a credit bureau that attests borrowers' features (as the risk scorer's input hash), source id 1,
  // registered by the bureau and signing with its own key.
  await attesters.connect(bureau).registerDataSource("credit-bureau");
  await attesters
    .connect(bureau)
    .addDataSourceKey(1n, bureau.address, await signDataSourceKeyConsent(bureau, attestersDomain, 1n));

  const approve = attesters.interface.encodeFunctionData("approveMeasurement", [DEV_ENCLAVE_MEASUREMENT]);
  await executeDelayed(manager, trustAdmin, addresses.attesters, approve, advance);
  for (const [key, route, subject] of [
    [devEnclave, Route.Local, 1n],
    [devProxyEnclave, Route.Proxy, 1n],
  ] as const) {
    const data = attesters.interface.encodeFunctionData("registerEnclave", [
      key.address,
      DEV_ENCLAVE_MEASUREMENT,
      route,
      subject,
      // A development enclave has no hardware quote: this stands in for the hash of the one a trust admin checks.
      keccak256(toUtf8Bytes(`quote of ${key.address}`)),
      await signEnclaveKeyConsent(key, attestersDomain, { measurement: DEV_ENCLAVE_MEASUREMENT, route, subject }),
    ]);
    await executeDelayed(manager, trustAdmin, addresses.attesters, data, advance);
  }

  const addVerifier = router.interface.encodeFunctionData("addVerifier", [verifier, RISK_SCORER_OUTPUTS]);
  await executeDelayed(manager, trustAdmin, addresses.router, addVerifier, advance);
  await router.connect(publisher).bindArtifact(1n, verifier);
  await router.connect(publisher).bindArtifact(2n, verifier);
  // The risk scorer's batch verifiers (eight and sixteen inferences per proof) for artifact 1.
  const batchVerifiers = { 8: addresses.riskScorerBatch8Verifier, 16: addresses.riskScorerBatch16Verifier };
  for (const [size, address] of Object.entries(batchVerifiers)) {
    const addBatch = router.interface.encodeFunctionData("addBatchVerifier", [address, Number(size)]);
    await executeDelayed(manager, trustAdmin, addresses.router, addBatch, advance);
    await router.connect(publisher).bindBatchVerifier(1n, address);
  }

  /** A fresh heartbeat of enclave key `signer` (anyone may relay it), in the next block. */
  const beat = async (signer: Signer) => {
    // Signed for the next block's time: later than any heartbeat before it, and not in the future when it lands (an
    // interval block mined in between only makes the heartbeat's own block later).
    const timestamp = await time.setNextAfterLatest(1);
    const signature = await signHeartbeat(signer, attestersDomain, timestamp);
    await attesters.heartbeat(await signer.getAddress(), timestamp, signature);
  };
  // Heartbeats last: every delayed action above moves time forward.
  await beat(devEnclave);
  await beat(devProxyEnclave);

  let counter = 0;
  /** An answer of node `by` (default: the devkit's node), with an id of that node's; fields from `overrides`. */
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
  /**
   * Records `answer` in the ledger, signed by node key `signer` (default: the devkit's node). A claim above Vanilla
   * first locks the node's bond for it (`lock`, or `lockPaid` with the escrow request its payment reference names,
   * from the node key), as the ledger requires; `bond: false` skips that,
   * to see the ledger refuse an unbonded claim.
   */
  const submit = async (answer: Answer, signer: Signer = node, options: { bond?: boolean } = {}) => {
    if (answer.claimed !== Level.Vanilla && options.bond !== false) {
      await (await lockForAnswer(bonds.connect(signer), answer.inferenceId, answer.paymentRef)).wait();
    }
    return ledger.answer(answer, await signAnswer(signer, domain, answer));
  };
  /** An enclave attestation of `answer` (with output commitment `output`) signed by `signer`, for `settleTee`. */
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
   * attested external data signed by that data source key (the devkit's `bureau`). Returns what proving and
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
  /** A real Groth16 proof of `model` (default: the record's artifact's) on the record's input, bound to the record. */
  const proveRecord = (record: RiskScoreRecord, model: RiskModel = models[Number(record.artifact) - 1]) =>
    proveRiskScore(model, record.input, zkBinding(chainId, addresses.ledger, record.answer.inferenceId));
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
  /**
   * One real Groth16 proof of `model` (default: artifact 1's) on every record of `records` (8 or 16 of them: see
   * `RISK_SCORER_BATCH_SIZES`), each bound to its own record, with the records' scores (or `scores`, to try a
   * wrong one: the circuit then refuses the whole batch).
   */
  const proveRecords = (records: readonly RiskScoreRecord[], model: RiskModel = models[0], scores?: bigint[]) =>
    proveRiskScores(
      model,
      records.map((record, i) => ({
        input: record.input,
        binding: zkBinding(chainId, addresses.ledger, record.answer.inferenceId),
        ...(scores === undefined ? {} : { score: scores[i] }),
      })),
    );
  /** `settleZkMany`'s evidence for `records` with the batch `proof`. */
  const riskScoreBatchEvidence = (proof: ZkProof, records: readonly RiskScoreRecord[]) =>
    zkBatchEvidence({
      proof,
      members: records.map((record) => ({
        inferenceId: record.answer.inferenceId,
        input: record.inputTree,
        inputIndex: record.inputIndex,
        outputCommitment: record.output.root,
        paymentRef: record.answer.paymentRef,
      })),
    });
  /**
   * `[inferenceId, commitments, part, proof, features]`: what a consumer's action built on `_consume` with an
   * attested input part takes for `record`'s score part (as `RiskScoreConsumer.updateScore` does). Throws when the
   * record's input is not attested (answer with `attestedBy`); without an input part, use `consumerArgs`.
   */
  const consumeArgs = (record: RiskScoreRecord): [string, AnswerCommitments, OutputPart, string[], AttestedInput] => {
    if (record.features === undefined) throw new Error("the record's input is not attested: answer with attestedBy");
    return [...consumerArgs(record.answer, record.output, 0), record.features];
  };

  return {
    /** The deployed contracts' addresses, by the `ProoflineLocal` module's result names. */
    addresses,
    chainId,
    manager,
    registry,
    attesters,
    router,
    ledger,
    /** The bond vault: the devkit's node has {@link DEV_NODE_BOND} in it. */
    bonds,
    escrow,
    usdc,
    market,
    /** The risk scorer's Groth16 verifier (development setup), added to the router and bound to artifacts 1 and 2. */
    verifier,
    /** Its batch verifier for sixteen inferences per proof (development setup), bound to artifact 1. */
    batchVerifier: batchVerifiers[16],
    /** Its batch verifiers by size, eight and sixteen inferences per proof, both bound to artifact 1. */
    batchVerifiers,
    models,
    /** The ledger's EIP-712 domain (answers, attestations, batches). */
    domain,
    /** The attester registry's EIP-712 domain (key consents, heartbeats, sourced data). */
    attestersDomain,
    signers: {
      deployer,
      publisher,
      admin,
      guardian,
      trustAdmin,
      feeAdmin,
      node,
      devEnclave,
      devProxyEnclave,
      other,
      bureau,
    },
    time,
    /** Moves the clock `seconds` forward (mining a block). */
    advance,
    beat,
    makeAnswer,
    submit,
    attest,
    registerNode,
    registerArtifact,
    answerRiskScore,
    proveRecord,
    riskScoreEvidence,
    proveRecords,
    riskScoreBatchEvidence,
    settleRiskScore,
    consumeArgs,
  };
}

/** A devkit deployment: what {@link deployProofline} returns. */
export type Proofline<S extends DevSigner = DevSigner> = Awaited<ReturnType<typeof deployProofline<S>>>;

/** What {@link deployProofline}'s `answerRiskScore` returns: the record, its input and output, and its proof inputs. */
export interface RiskScoreRecord {
  answer: Answer;
  input: RiskInput;
  artifact: bigint;
  inputTree: InputCommitment;
  inputIndex: number;
  output: OutputCommitment;
  score: bigint;
  features: AttestedInput | undefined;
}
