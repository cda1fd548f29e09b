/**
 * The Proofline tasks a developer or operator runs against any network, declared for Hardhat 3 (hardhat.config.ts
 * lists them): `./proofline <task> [options] --network <network>`. Each prints what it did, with the inference id and
 * a `trail` command where there is one, and fails with one line that says what is wrong (scripts/tasks/lib/).
 *
 * Addresses come from the connected chain's Ignition deployment (`deploy/deployments/chain-<id>/`, or
 * `--deployment-id`); signatures come from the network's accounts (`--signer`, `--key`, `--enclave`: an account index
 * or an address among them). docs/FIRST-INFERENCE.md walks through them on a local node.
 */
import { task } from "hardhat/config";

/** Every task reads the deployment of the connected chain, or the one named. */
const deploymentId = {
  name: "deploymentId",
  description: "Ignition deployment id (default: chain-<chainId> of the connected network)",
  defaultValue: "",
} as const;

const signer = (description: string) => ({ name: "signer", description, defaultValue: "" }) as const;

const inferenceIdArgument = {
  name: "inferenceId",
  description: "The inference id (32 bytes, 0x + 64 hex digits)",
  defaultValue: "",
} as const;

const enclaveOption = (description: string) => ({ name: "enclave", description, defaultValue: "" }) as const;

const execute = {
  name: "execute",
  description: "Execute the call scheduled by a first run, once its delay has passed",
} as const;

const modelRegister = task(
  "model:register",
  "Register a model artifact from its weights file (SHA-256; Poseidon for ZK)",
)
  .addOption({ name: "label", description: "The model's label (created on first use)", defaultValue: "" })
  .addOption({
    name: "weights",
    description: "The weights file; its SHA-256 is the artifact's content digest",
    defaultValue: "",
  })
  .addOption({
    name: "artifactVersion",
    description: "The artifact's version, major.minor.patch (must increase)",
    defaultValue: "",
  })
  .addOption({
    name: "zk",
    description: "A ZK model whose weights commitment to compute from --weights: risk-scorer",
    defaultValue: "",
  })
  .addOption({
    name: "blobId",
    description: "Storage blob id, 43 base64url characters or 0x + 64 hex (default: the weights' SHA-256)",
    defaultValue: "",
  })
  .addOption({
    name: "format",
    description: "Format tag, up to 16 bytes (default: from --zk or the extension)",
    defaultValue: "",
  })
  .addOption({ name: "metadataUri", description: "The model card's URI, when the model is created", defaultValue: "" })
  .addFlag({ name: "keepLabel", description: "Register without moving the label to the new artifact" })
  .addOption(signer("The publisher: an account index or address (default: account 0)"))
  .addOption(deploymentId)
  .setAction(() => import("./model.js").then((m) => ({ default: m.register })))
  .build();

const modelBind = task(
  "model:bind-verifier",
  "Bind a ZK artifact, once, to the verifier that proves it (its publisher)",
)
  .addPositionalArgument({ name: "artifactId", description: "The artifact id", defaultValue: "" })
  .addOption({
    name: "verifier",
    description: "The verifier (default: the deployment's RiskScorerVerifier)",
    defaultValue: "",
  })
  .addOption(signer("The artifact's publisher (default: found among the network's accounts)"))
  .addOption(deploymentId)
  .setAction(() => import("./model.js").then((m) => ({ default: m.bind })))
  .build();

const nodeRegister = task("node:register", "Register a node key (it signs its consent) under an operator")
  .addOption({ name: "key", description: "The node key: an account index or address", defaultValue: "" })
  .addOption(signer("The operator (default: account 0)"))
  .addOption(deploymentId)
  .setAction(() => import("./attesters.js").then((m) => ({ default: m.nodeRegister })))
  .build();

const providerRegister = task("provider:register", "Register a named external provider for Proxy-route answers")
  .addOption({ name: "name", description: "The provider's name, e.g. openai/gpt-4o-2024-08-06", defaultValue: "" })
  .addOption(signer("The registrant (default: account 0)"))
  .addOption(deploymentId)
  .setAction(() => import("./attesters.js").then((m) => ({ default: m.providerRegister })))
  .build();

const enclaveHeartbeat = task("enclave:heartbeat", "Have an enclave key sign a liveness heartbeat (it may then attest)")
  .addOption(enclaveOption("The enclave key: an account index or address"))
  .addOption(signer("Who sends the transaction (default: account 0)"))
  .addOption(deploymentId)
  .setAction(() => import("./attesters.js").then((m) => ({ default: m.enclaveHeartbeat })))
  .build();

const trustMeasurement = task(
  "trust:approve-measurement",
  "TRUST_ADMIN: schedule (then --execute) the approval of an enclave code measurement",
)
  .addOption({ name: "measurement", description: "The code measurement (32 bytes)", defaultValue: "" })
  .addFlag(execute)
  .addOption(signer("The TRUST_ADMIN (default: the first account holding the role)"))
  .addOption(deploymentId)
  .setAction(() => import("./trust.js").then((m) => ({ default: m.measurement })))
  .build();

const trustEnclave = task(
  "trust:register-enclave",
  "TRUST_ADMIN: schedule (then --execute) an enclave key's registration, bound to an artifact or provider",
)
  .addOption(enclaveOption("The enclave key: an account index or address (it signs its consent)"))
  .addOption({ name: "measurement", description: "The approved code measurement it runs (32 bytes)", defaultValue: "" })
  .addOption({ name: "artifact", description: "The artifact it runs (Local route)", defaultValue: "" })
  .addOption({ name: "provider", description: "The provider it proxies to (Proxy route)", defaultValue: "" })
  .addOption({
    name: "quote",
    description: "Hash of the attestation quote checked (default: a development placeholder)",
    defaultValue: "",
  })
  .addFlag(execute)
  .addOption(signer("The TRUST_ADMIN (default: the first account holding the role)"))
  .addOption(deploymentId)
  .setAction(() => import("./trust.js").then((m) => ({ default: m.enclave })))
  .build();

const trustVerifier = task(
  "trust:add-verifier",
  "TRUST_ADMIN: schedule (then --execute) adding a ZK verifier to the router",
)
  .addOption({
    name: "verifier",
    description: "The verifier (default: the deployment's RiskScorerVerifier)",
    defaultValue: "",
  })
  .addOption({
    name: "outputs",
    description: "Its circuit's output signals (default: 2, the risk scorer's)",
    defaultValue: "",
  })
  .addFlag(execute)
  .addOption(signer("The TRUST_ADMIN (default: the first account holding the role)"))
  .addOption(deploymentId)
  .setAction(() => import("./trust.js").then((m) => ({ default: m.verifier })))
  .build();

const timeAdvance = task("time:advance", "Move a local node's clock forward (local development chains only)")
  .addPositionalArgument({ name: "seconds", description: "How many seconds", defaultValue: "" })
  .setAction(() => import("./time.js"))
  .build();

const answer = task("answer", "Answer an inference as a node: sign it, record it (Answered, not settled)")
  .addOption({ name: "artifact", description: "The artifact that ran (Local route)", defaultValue: "" })
  .addOption({ name: "provider", description: "The provider called (Proxy route)", defaultValue: "" })
  .addOption({ name: "claim", description: "The level claimed: vanilla, tee or zkml", defaultValue: "" })
  .addOption({
    name: "features",
    description: "Risk scorer: four features 0-1023, e.g. 400,2,500,100",
    defaultValue: "",
  })
  .addOption({ name: "subject", description: "Risk scorer: the address scored", defaultValue: "" })
  .addOption({ name: "salt", description: "Risk scorer: the features' salt (default: random)", defaultValue: "" })
  .addOption({
    name: "weights",
    description: "Risk scorer: the artifact's model JSON (default: circuits/risk-scorer/model.json)",
    defaultValue: "",
  })
  .addOption({ name: "prompt", description: "The prompt (one input part)", defaultValue: "" })
  .addOption({ name: "outputText", description: "The answer's text (one output part)", defaultValue: "" })
  .addOption({
    name: "file",
    description: "A JSON file describing the answer (docs/FIRST-INFERENCE.md)",
    defaultValue: "",
  })
  .addOption({ name: "paymentRef", description: "What paid for it (32 bytes; default none)", defaultValue: "" })
  .addOption({
    name: "nonce",
    description: "The id's last 12 bytes are keccak256 of this (default: random)",
    defaultValue: "",
  })
  .addOption({
    name: "out",
    description: "Where to save what proving needs (default: .proofline/...)",
    defaultValue: "",
  })
  .addOption(signer("The node key that signs (default: the first account that is an active node key)"))
  .addOption(deploymentId)
  .setAction(() => import("./answer.js"))
  .build();

const settleTee = task("settle:tee", "Settle an inference at TEE: a live enclave bound to its subject attests it")
  .addPositionalArgument(inferenceIdArgument)
  .addOption(enclaveOption("The enclave key (default: the first account that is a live enclave for the record)"))
  .addOption(deploymentId)
  .setAction(() => import("./settle.js").then((m) => ({ default: m.tee })))
  .build();

const settleZk = task("settle:zk", "Prove an inference with a real Groth16 proof and settle it at ZKML")
  .addPositionalArgument(inferenceIdArgument)
  .addOption({
    name: "file",
    description: "What `answer` saved (default: .proofline/<deployment>/inferences/<id>.json)",
    defaultValue: "",
  })
  .addOption(deploymentId)
  .setAction(() => import("./settle.js").then((m) => ({ default: m.zk })))
  .build();

const batchCommit = task("batch:commit", "Commit one enclave-signed batch that attests several inferences")
  .addVariadicArgument({ name: "inferenceIds", description: "The inference ids", defaultValue: [] })
  .addOption(enclaveOption("The enclave key (default: the first account that is a live enclave for the records)"))
  .addOption(deploymentId)
  .setAction(() => import("./batch.js").then((m) => ({ default: m.commit })))
  .build();

const batchSettle = task("batch:settle", "Settle an inference at TEE from a committed batch, with its Merkle proof")
  .addPositionalArgument(inferenceIdArgument)
  .addOption({ name: "enclave", description: "The batch's enclave (default: any saved batch)", defaultValue: "" })
  .addOption({ name: "round", description: "The batch's round (default: the latest saved)", defaultValue: "" })
  .addOption(deploymentId)
  .setAction(() => import("./batch.js").then((m) => ({ default: m.settle })))
  .build();

const finalize = task("finalize", "Write down that a Vanilla claim's challenge window passed unrefuted")
  .addPositionalArgument(inferenceIdArgument)
  .addOption(deploymentId)
  .setAction(() => import("./settle.js").then((m) => ({ default: m.finalizeTask })))
  .build();

const reject = task("reject", "Reject a TEE or ZKML claim past its settlement deadline (or whose artifact was revoked)")
  .addPositionalArgument(inferenceIdArgument)
  .addOption(deploymentId)
  .setAction(() => import("./settle.js").then((m) => ({ default: m.rejectTask })))
  .build();

const refuteTee = task("refute:tee", "Refute an unsettled answer: a live enclave attests another output for its input")
  .addPositionalArgument(inferenceIdArgument)
  .addOption({ name: "outputText", description: "The output the enclave attests, as one text part", defaultValue: "" })
  .addOption({ name: "otherOutput", description: "Or its output commitment (32 bytes)", defaultValue: "" })
  .addOption(enclaveOption("The enclave key (default: the first account that is a live enclave for the record)"))
  .addOption(deploymentId)
  .setAction(() => import("./settle.js").then((m) => ({ default: m.refute })))
  .build();

const ask = task(
  "ask",
  "Pay a Proofline node over x402 for an inference; print the answer, optionally wait for its proof",
)
  .addOption({ name: "node", description: "The node's URL", defaultValue: "http://127.0.0.1:8402" })
  .addOption({ name: "artifact", description: "The artifact id to run", defaultValue: "" })
  .addOption({
    name: "label",
    description: "Or the label whose artifact to run (the answer names the id)",
    defaultValue: "",
  })
  .addOption({
    name: "input",
    description: 'The input as JSON: {"text":"..."} or {"subject":"0x...","features":[400,2,500,100]}',
    defaultValue: "",
  })
  .addOption(signer("The payer: an account index or address (default: 2 on a local chain, else 0)"))
  .addOption({
    name: "escrow",
    description: "The escrow to pay into (default: the local or Ignition record)",
    defaultValue: "",
  })
  .addOption({ name: "maxPrice", description: "The most to pay, in the token's atomic units", defaultValue: "1000000" })
  .addOption({ name: "wait", description: "Wait for settlement at this level: vanilla, tee or zkml", defaultValue: "" })
  .addOption({ name: "timeout", description: "Seconds to wait for settlement at most", defaultValue: "600" })
  .addFlag({ name: "json", description: "Print the node's whole answer as JSON" })
  .setAction(() => import("./ask.js"))
  .build();

const serve = task("serve", "Run the node service: keys from the environment or Hardhat's keystore (docs/NODE.md)")
  .setAction(() => import("./serve.js"))
  .build();

const panel = task("panel", "Serve the review panel for a network's deployment (reads chain data only)")
  .addOption({ name: "port", description: "The port to serve on", defaultValue: "8404" })
  .addOption({ name: "host", description: "The address to listen on", defaultValue: "127.0.0.1" })
  .addOption({ name: "node", description: "A node whose published parts to show, checked", defaultValue: "" })
  .setAction(() => import("./panel.js"))
  .build();

const nodeOption = {
  name: "node",
  description: "The node id (default: the node of the first account that is an active node key)",
  defaultValue: "",
} as const;

const assetOption = {
  name: "asset",
  description: "eth, usdc (the deployment's payment token) or a token address",
  defaultValue: "",
} as const;

const amountOption = {
  name: "amount",
  description: "How much, in the asset's own units (1.5 ETH, 100 USDC)",
  defaultValue: "",
} as const;

const bondDeposit = task("bond:deposit", "Add to a node's free bond in the bond vault (anyone may top up any node)")
  .addOption(assetOption)
  .addOption(amountOption)
  .addOption(nodeOption)
  .addOption(signer("Who pays: an account index or address (default: account 0)"))
  .addOption(deploymentId)
  .setAction(() => import("./bond.js").then((m) => ({ default: m.depositTask })))
  .build();

const bondStatus = task("bond:status", "A node's bond per asset: free, locked by pending claims, unbonding")
  .addOption(nodeOption)
  .addOption(deploymentId)
  .setAction(() => import("./bond.js").then((m) => ({ default: m.statusTask })))
  .build();

const bondUnbond = task("bond:unbond", "Operator: start taking free bond out (withdrawable after the unbonding period)")
  .addOption(assetOption)
  .addOption(amountOption)
  .addFlag({ name: "cancel", description: "Put everything unbonding in the asset back into the free bond" })
  .addOption(nodeOption)
  .addOption(signer("The node's operator (default: found among the network's accounts)"))
  .addOption(deploymentId)
  .setAction(() => import("./bond.js").then((m) => ({ default: m.unbondTask })))
  .build();

const bondWithdraw = task("bond:withdraw", "Operator: withdraw unbonded bond once the unbonding period has passed")
  .addOption(assetOption)
  .addOption({ name: "to", description: "Where to send it (default: the signer)", defaultValue: "" })
  .addFlag({ name: "credit", description: "Withdraw the signer's slash credit in the asset instead" })
  .addOption(nodeOption)
  .addOption(signer("The node's operator, or with --credit the credited account (default: found, or account 0)"))
  .addOption(deploymentId)
  .setAction(() => import("./bond.js").then((m) => ({ default: m.withdrawTask })))
  .build();

const bondRelease = task("bond:release", "Give a settled record's lock back to its node's free bond (anyone may)")
  .addPositionalArgument(inferenceIdArgument)
  .addOption(signer("Who sends it (default: account 0)"))
  .addOption(deploymentId)
  .setAction(() => import("./bond.js").then((m) => ({ default: m.releaseTask })))
  .build();

const bondSlash = task("bond:slash", "Slash the lock of a record rejected for a missed deadline or refuted (once)")
  .addPositionalArgument(inferenceIdArgument)
  .addOption(signer("Who sends it, and is paid the reporter's share of a missed deadline (default: account 0)"))
  .addOption(deploymentId)
  .setAction(() => import("./bond.js").then((m) => ({ default: m.slashTask })))
  .build();

/** The tasks, in the order `./proofline --help` lists them after Hardhat's own. */
export const prooflineTasks = [
  modelRegister,
  modelBind,
  nodeRegister,
  bondDeposit,
  bondStatus,
  bondUnbond,
  bondWithdraw,
  bondRelease,
  bondSlash,
  providerRegister,
  enclaveHeartbeat,
  trustMeasurement,
  trustEnclave,
  trustVerifier,
  timeAdvance,
  answer,
  settleTee,
  settleZk,
  batchCommit,
  batchSettle,
  finalize,
  reject,
  refuteTee,
  ask,
  serve,
  panel,
];
