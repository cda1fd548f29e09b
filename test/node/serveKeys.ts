/**
 * `./proofline serve` takes the node's keys from the environment or, when the environment lacks one, through Hardhat's
 * configuration-variable hooks: the chain the keystore plugin answers on. A handler registered on that chain here
 * stands in for the keystore (whose production store asks for a password on a terminal), so the test exercises the
 * same lookup the keystore serves. The environment wins, and a key nobody supplies stays unset.
 */
import { expect } from "chai";
import hre from "hardhat";
import type { ConfigurationVariable } from "hardhat/types/config";

import { NODE_KEY_VARIABLES, nodeEnvironment } from "../../scripts/tasks/serve.js";

describe("proofline serve: the node's keys from the environment or Hardhat's keystore", () => {
  const stored = `0x${"42".repeat(32)}`;
  const handlers = {
    fetchValue: async (
      context: unknown,
      variable: ConfigurationVariable,
      next: (context: never, variable: ConfigurationVariable) => Promise<string>,
    ) => (variable.name === "PROOFLINE_NODE_KEY" ? stored : next(context as never, variable)),
  };
  before(() => hre.hooks.registerHandlers("configurationVariables", handlers as never));
  after(() => hre.hooks.unregisterHandlers("configurationVariables", handlers as never));

  it("reads a key the environment lacks from the configuration-variable chain (the keystore's)", async () => {
    const env = await nodeEnvironment(hre, { PROOFLINE_OPERATOR_KEY: `0x${"11".repeat(32)}` });
    expect(env.PROOFLINE_NODE_KEY).to.equal(stored);
    expect(env.PROOFLINE_OPERATOR_KEY).to.equal(`0x${"11".repeat(32)}`);
  });

  it("lets the environment win over the keystore, and leaves a key nobody has unset", async () => {
    const own = `0x${"33".repeat(32)}`;
    const env = await nodeEnvironment(hre, { PROOFLINE_NODE_KEY: own });
    expect(env.PROOFLINE_NODE_KEY).to.equal(own);
    for (const name of NODE_KEY_VARIABLES.filter((n) => n !== "PROOFLINE_NODE_KEY")) {
      expect(env[name], name).to.equal(undefined);
    }
  });
});
