import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import { InputCommitment, InputKind, OutputCommitment, Provenance, textPart } from "../../src/commitments.js";
import { Answerers, AttestedInputRule, attestedInputArg, consumerArgs } from "../../src/consumer.js";
import { signSourcedData } from "../../src/dataSources.js";
import { Level } from "../../src/ledger.js";
import { deployScenario } from "../../testing/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/**
 * The policy options of `InferenceConsumer` (answerers, attested input) on any policy, through the gas benchmark's
 * probe: a consumer whose checks revert exactly as `_check` does. The examples (RiskScoreConsumer, ModerationQueue)
 * play the options end to end; this file covers the combinations they do not.
 */
async function fixture() {
  const scenario = await deployScenario(connection);
  const { signers, attestersDomain, ledger } = scenario;
  const content = "0xfeed";
  const signature = await signSourcedData(signers.bureau, attestersDomain, content);
  // Two parts: a prompt and the bureau's attested data, so the attested part is not the whole input.
  const input = new InputCommitment([
    { kind: InputKind.Prompt, name: "prompt", content: "score", provenance: Provenance.Unattested },
    {
      kind: InputKind.External,
      name: "external/credit-bureau",
      content,
      provenance: Provenance.SourceSigned,
      signature,
    },
  ]);
  const output = new OutputCommitment([textPart("ok")]);
  const answer = scenario.makeAnswer({ inputCommitment: input.root, outputCommitment: output.root });
  await scenario.submit(answer);
  await ledger.settleTee(answer.inferenceId, await scenario.attest(signers.enclave, answer));
  const probe = (
    options: { answerers?: Answerers; attestedInput?: AttestedInputRule } = {},
    lists: { artifacts?: readonly bigint[]; answerers?: readonly string[]; dataSources?: readonly bigint[] } = {},
  ) =>
    ethers.deployContract("PolicyCheckProbe", [
      ledger,
      {
        minLevel: Level.TEE,
        allowUnsettled: false,
        pinArtifacts: false,
        singleUse: false,
        maxAge: 0n,
        answerers: options.answerers ?? Answerers.Any,
        attestedInput: options.attestedInput ?? AttestedInputRule.None,
      },
      {
        artifacts: [...(lists.artifacts ?? [])],
        answerers: [...(lists.answerers ?? [])],
        dataSources: [...(lists.dataSources ?? [])],
      },
    ]);
  const args = consumerArgs(answer, output, 0);
  return { ...scenario, input, output, answer, probe, args, features: attestedInputArg(input, 1) };
}
const load = () => networkHelpers.loadFixture(fixture);

describe("InferenceConsumer policy options", () => {
  it("refuses lists that do not match their option (PolicyAnswerersInvalid, PolicyDataSourcesInvalid)", async () => {
    const { probe, signers } = await load();
    const factory = await ethers.getContractFactory("PolicyCheckProbe");
    const node = signers.node.address;
    for (const [options, lists, error] of [
      [{ answerers: Answerers.Nodes }, {}, "PolicyAnswerersInvalid"],
      [{}, { answerers: [node] }, "PolicyAnswerersInvalid"],
      [{ answerers: Answerers.Operators }, { answerers: [node, node, node, node, node] }, "PolicyAnswerersInvalid"],
      [{ answerers: Answerers.Nodes }, { answerers: [node, ZeroAddress] }, "PolicyAnswerersInvalid"],
      [{ attestedInput: AttestedInputRule.Part }, {}, "PolicyDataSourcesInvalid"],
      [{}, { dataSources: [1n] }, "PolicyDataSourcesInvalid"],
      [{ attestedInput: AttestedInputRule.Whole }, { dataSources: [1n, 2n, 3n, 4n, 5n] }, "PolicyDataSourcesInvalid"],
      [{ attestedInput: AttestedInputRule.Whole }, { dataSources: [0n] }, "PolicyDataSourcesInvalid"],
    ] as const) {
      await expect(probe(options, lists)).to.be.revertedWithCustomError(factory, error);
    }
  });

  it("reports its options and lists", async () => {
    const { probe, signers } = await load();
    const plain = await probe();
    expect(await plain.allowedAnswerers()).to.deep.equal([]);
    expect(await plain.allowedDataSources()).to.deep.equal([]);
    const both = await probe(
      { answerers: Answerers.Operators, attestedInput: AttestedInputRule.Part },
      { answerers: [signers.deployer.address, signers.other.address], dataSources: [3n, 1n] },
    );
    const policy = await both.policy();
    expect([policy.answerers, policy.attestedInput]).to.deep.equal([
      BigInt(Answerers.Operators),
      BigInt(AttestedInputRule.Part),
    ]);
    expect(await both.allowedAnswerers()).to.deep.equal([signers.deployer.address, signers.other.address]);
    expect(await both.allowedDataSources()).to.deep.equal([3n, 1n]);
  });

  it("accepts an attested part that is not the whole input under Part, and refuses it under Whole", async () => {
    const { probe, args, features, answer } = await load();
    const part = await probe({ attestedInput: AttestedInputRule.Part }, { dataSources: [1n] });
    expect(await part.measureCheckWithInput(...args, features)).to.be.greaterThan(0n);
    await expect(part.measureCheck(...args))
      .to.be.revertedWithCustomError(part, "AttestedInputRequired")
      .withArgs(answer.inferenceId);
    const whole = await probe({ attestedInput: AttestedInputRule.Whole }, { dataSources: [1n] });
    await expect(whole.measureCheckWithInput(...args, features))
      .to.be.revertedWithCustomError(whole, "InputNotWhole")
      .withArgs(answer.inferenceId);
  });

  it("a policy without attested input takes no attested part (AttestedInputNotInPolicy)", async () => {
    const { probe, args, features, answer } = await load();
    const plain = await probe();
    expect(await plain.measureCheck(...args)).to.be.greaterThan(0n);
    await expect(plain.measureCheckWithInput(...args, features))
      .to.be.revertedWithCustomError(plain, "AttestedInputNotInPolicy")
      .withArgs(answer.inferenceId);
  });

  it("by node key or by operator, accepts exactly the listed answerers", async () => {
    const { probe, args, signers, answer } = await load();
    const byKey = await probe({ answerers: Answerers.Nodes }, { answerers: [signers.node.address] });
    expect(await byKey.measureCheck(...args)).to.be.greaterThan(0n);
    const byOperator = await probe({ answerers: Answerers.Operators }, { answerers: [signers.deployer.address] });
    expect(await byOperator.measureCheck(...args)).to.be.greaterThan(0n);
    // The node's key is not its operator, and the other way round.
    const keyAsOperator = await probe({ answerers: Answerers.Operators }, { answerers: [signers.node.address] });
    await expect(keyAsOperator.measureCheck(...args))
      .to.be.revertedWithCustomError(keyAsOperator, "AnswererNotAllowed")
      .withArgs(answer.inferenceId, signers.node.address);
    const operatorAsKey = await probe({ answerers: Answerers.Nodes }, { answerers: [signers.deployer.address] });
    await expect(operatorAsKey.measureCheck(...args))
      .to.be.revertedWithCustomError(operatorAsKey, "AnswererNotAllowed")
      .withArgs(answer.inferenceId, signers.node.address);
  });
});
