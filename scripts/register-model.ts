/**
 * Registers a model with two artifacts under one label on the chosen network, moves the label, and prints the
 * result. It deploys the registry with Ignition first (a no-op where this network's deployment already has it), with
 * the role holders of `deploy/parameters/<network>.json`.
 *
 *   npx hardhat run scripts/register-model.ts [--network localhost]
 */
import { sha256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import ModelRegistryModule from "../deploy/modules/ModelRegistry.js";
import { bytes32ToBlobId } from "../src/blobId.js";
import { parametersFile } from "../src/deployments.js";
import { toArtifactParams } from "../src/registry.js";

const { ethers, ignition, networkName } = await network.create();
const [publisher] = await ethers.getSigners();
const { registry: deployed } = await ignition.deploy(ModelRegistryModule, { parameters: parametersFile(networkName) });
const registry = await ethers.getContractAt("ModelRegistry", await deployed.getAddress(), publisher);
console.log(`ModelRegistry on ${networkName} at ${await registry.getAddress()}`);

const label = `risk-scorer-${Date.now()}`;
await (await registry.createModel(label, "ipfs://proofline-example-card")).wait();
const modelId = await registry.modelIdOf(publisher.address, label);
console.log(`model ${modelId} "${label}" published by ${publisher.address}`);

const weights = [`${label} weights v1`, `${label} weights v1.1`];
for (const [i, version] of ["1.0.0", "1.1.0"].entries()) {
  const params = toArtifactParams({
    blobId: bytes32ToBlobId(sha256(toUtf8Bytes(`blob of ${weights[i]}`))),
    contentDigest: sha256(toUtf8Bytes(weights[i])),
    format: "onnx",
    version,
    parentId: i === 0 ? 0n : await registry.currentArtifact(modelId),
  });
  await (await registry.registerArtifact(modelId, params, true)).wait();
}

for (const artifactId of await registry.artifactsOf(modelId, 0, 10)) {
  const a = await registry.getArtifact(artifactId);
  console.log(
    `  artifact ${artifactId}: v${a.major}.${a.minor}.${a.patch} blob ${bytes32ToBlobId(a.blobId)} ` +
      `sha256 ${a.contentDigest.slice(0, 18)}… parent ${a.parentId}`,
  );
}
console.log(`label "${label}" -> artifact ${await registry.currentArtifact(modelId)}`);
