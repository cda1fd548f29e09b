/**
 * Every TypeScript mirror of a Solidity enum or constant, checked against the contracts: enum members by name and
 * order from the enum's declaration, constants by evaluating their declaration and, where the declaring contract is
 * deployable, by calling its getter on its compiled code. A change on either side fails here, and so does an enum or
 * a public constant added to the contracts without a mirror.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { TypedDataEncoder, keccak256, toUtf8Bytes } from "ethers";
import { artifacts, network } from "hardhat";

import { MEDIA_TYPES, InputKind, OutputKind, Provenance } from "../../src/commitments.js";
import { Answerers, AttestedInputRule } from "../../src/consumer.js";
import { DATA_SOURCE_KEY_CONSENT_TYPES, SOURCED_DATA_TYPES } from "../../src/dataSources.js";
import {
  BATCH_ROOT_SLOTS,
  BOND_VAULT,
  ESCROW_CLAIM_WINDOW,
  FeeSetting,
  LockStatus,
  MAX_LABEL_LENGTH,
  MAX_ATTESTER_NAME_LENGTH,
  MAX_ZK_OUTPUTS,
  MAX_ZK_BATCH,
  RejectionReason,
  TWIN_CURVE,
  TWIN_MARKET,
  Verdict,
  VerifierStatus,
} from "../../src/constants.js";
import { FundingMethod, RefundReason, RequestStatus } from "../../src/escrow.js";
import {
  ANSWER_BATCH_TYPES,
  ANSWER_TYPES,
  ATTESTATION_TYPES,
  BATCH_TYPES,
  HEARTBEAT_TYPES,
  NODE_KEY_CONSENT_TYPES,
  ENCLAVE_KEY_CONSENT_TYPES,
  Level,
  RecordState,
  Route,
} from "../../src/ledger.js";
import { RISK_SCORER } from "../../src/models/riskScorer.js";
import { ArtifactStatus, RevocationReason } from "../../src/registry.js";
import { Roles } from "../../src/roles.js";
import { SNARK_SCALAR_FIELD } from "../../src/zk.js";

/** Project sources that integrators see: not the test doubles, the bench harness or the generated verifiers. */
const SKIPPED = ["contracts/mocks", "contracts/bench", "contracts/verification/zk"];

function solidityFiles(dir: string): string[] {
  if (SKIPPED.includes(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return solidityFiles(path);
    return entry.name.endsWith(".sol") ? [path] : [];
  });
}

/** Every project source, comments removed (no string literal in them holds `//` or `/*`). */
const sources = solidityFiles("contracts").map((file) =>
  readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/[^\n]*/g, ""),
);
const everywhere = sources.join("\n");

/** The member names of the one enum `name` declared in the project, in declaration order. */
function solidityEnum(name: string): string[] {
  const found = [...everywhere.matchAll(new RegExp(`\\benum\\s+${name}\\s*\\{([^}]*)\\}`, "g"))];
  expect(found, `declarations of enum ${name}`).to.have.length(1);
  return found[0][1]
    .split(",")
    .map((member) => member.trim())
    .filter((member) => member !== "");
}

/** The member names of a TypeScript numeric enum in value order, after checking its values are 0, 1, 2... */
function mirrorEnum(mirror: Record<string, string | number>): string[] {
  const members = Object.entries(mirror).filter((entry): entry is [string, number] => typeof entry[1] === "number");
  members.sort(([, a], [, b]) => a - b);
  expect(members.map(([, value]) => value)).to.deep.equal(members.map((_, index) => index));
  return members.map(([name]) => name);
}

/** The body of contract, library or interface `container`. */
function body(container: string): string {
  const head = new RegExp(`\\b(?:contract|library|interface)\\s+${container}\\b[^{]*\\{`).exec(everywhere);
  expect(head, `declaration of ${container}`).to.not.equal(null);
  let depth = 1;
  let end = head!.index + head![0].length;
  for (; depth > 0; end++) depth += everywhere[end] === "{" ? 1 : everywhere[end] === "}" ? -1 : 0;
  return everywhere.slice(head!.index, end);
}

/** The value of constant `name` declared in `container`, evaluated from its source. */
function solidityConstant(container: string, name: string): bigint {
  const found = new RegExp(`\\bconstant\\s+${name}\\s*=\\s*([^;]+);`).exec(body(container));
  expect(found, `${container}.${name}`).to.not.equal(null);
  return evaluate(found![1]);
}

const UNITS: Record<string, bigint> = {
  wei: 1n,
  gwei: 10n ** 9n,
  ether: 10n ** 18n,
  seconds: 1n,
  minutes: 60n,
  hours: 3_600n,
  days: 86_400n,
  weeks: 604_800n,
};

/**
 * A constant expression as solc reads it, for the forms the project uses: integer, hex and scientific literals
 * (`0.05e18`) with `_` separators, units (`1 days`, `1 ether`), `+ - * / **` and parentheses,
 * `keccak256("..." "...")` of string literals, and another container's constant (`MediaTypes.RISK_SCORE_HASH`).
 * Anything else throws, so a new form needs this reader taught, not silently misread.
 */
function evaluate(expression: string): bigint {
  const tokens = expression.match(
    /"[^"]*"|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]+)?(?:e[0-9]+)?|\*\*|[-+*/().]|\w+/g,
  )!;
  let at = 0;
  const next = () => tokens[at++];
  const peek = () => tokens[at];
  const literal = (text: string): bigint => {
    const plain = text.replaceAll("_", "");
    if (plain.startsWith("0x")) return BigInt(plain);
    const [mantissa, exponent = "0"] = plain.split("e");
    const [whole, fraction = ""] = mantissa.split(".");
    const scale = BigInt(exponent) - BigInt(fraction.length);
    if (scale < 0n) throw new Error(`${text} is not an integer`);
    return BigInt(whole + fraction) * 10n ** scale;
  };
  const primary = (): bigint => {
    const token = next();
    if (token === "(") {
      const value = sum();
      expect(next()).to.equal(")");
      return value;
    }
    if (token === "keccak256") {
      expect(next()).to.equal("(");
      let text = "";
      while (peek()?.startsWith('"')) text += next().slice(1, -1);
      expect(next()).to.equal(")");
      return BigInt(keccak256(toUtf8Bytes(text)));
    }
    if (/^[0-9]/.test(token)) {
      const value = literal(token);
      return peek() in UNITS ? value * UNITS[next()] : value;
    }
    if (/^[A-Z]\w*$/.test(token) && peek() === ".") {
      next();
      return solidityConstant(token, next()); // another container's constant, `MediaTypes.RISK_SCORE_HASH`
    }
    throw new Error(`cannot evaluate ${token} in ${expression}`);
  };
  const power = (): bigint => {
    const base = primary();
    return peek() === "**" ? (next(), base ** power()) : base;
  };
  const product = (): bigint => {
    let value = power();
    while (peek() === "*" || peek() === "/") value = next() === "*" ? value * power() : value / power();
    return value;
  };
  const sum = (): bigint => {
    let value = product();
    while (peek() === "+" || peek() === "-") value = next() === "+" ? value + product() : value - product();
    return value;
  };
  const value = sum();
  expect(at, `all of ${expression} read`).to.equal(tokens.length);
  return value;
}

/** `keccak256` of an EIP-712 type as ethers encodes it: what a `*_TYPEHASH` constant must equal. */
const typeHash = (types: Record<string, { name: string; type: string }[]>) =>
  BigInt(keccak256(toUtf8Bytes(TypedDataEncoder.from(types).encodeType(Object.keys(types)[0]))));
const textHash = (text: string) => BigInt(keccak256(toUtf8Bytes(text)));

/** Each Solidity enum and the TypeScript enum that mirrors it. */
const ENUMS: [string, Record<string, string | number>][] = [
  ["VerificationLevel", Level],
  ["Route", Route],
  ["RecordState", RecordState],
  ["OutputKind", OutputKind],
  ["InputKind", InputKind],
  ["Provenance", Provenance],
  ["ArtifactStatus", ArtifactStatus],
  ["RevocationReason", RevocationReason],
  ["RequestStatus", RequestStatus],
  ["FundingMethod", FundingMethod],
  ["RefundReason", RefundReason],
  ["RejectionReason", RejectionReason],
  ["LockStatus", LockStatus],
  ["VerifierStatus", VerifierStatus],
  ["FeeSetting", FeeSetting],
  ["Verdict", Verdict],
  ["Answerers", Answerers],
  ["AttestedInputRule", AttestedInputRule],
];

/** Each Solidity constant with a mirror: where it is declared, its name, and the mirror's value. */
const CONSTANTS: [string, string, bigint][] = [
  ["TwinMarket", "MAX_PROTOCOL_FEE", TWIN_MARKET.MAX_PROTOCOL_FEE],
  ["TwinMarket", "MAX_SUBJECT_FEE", TWIN_MARKET.MAX_SUBJECT_FEE],
  ["TwinMarket", "FEE_DELAY", TWIN_MARKET.FEE_DELAY],
  ["TwinMarket", "GRACE_PERIOD", TWIN_MARKET.GRACE_PERIOD],
  ["TwinMarket", "MAX_DEADLINE", TWIN_MARKET.MAX_DEADLINE],
  ["TwinMarket", "MAX_SUPPLY", TWIN_MARKET.MAX_SUPPLY],
  ["TwinCurveLib", "PRICE_UNIT", TWIN_CURVE.PRICE_UNIT],
  ["TwinCurveLib", "FEE_SCALE", TWIN_CURVE.FEE_SCALE],
  ["InferenceEscrow", "CLAIM_WINDOW", ESCROW_CLAIM_WINDOW],
  ["BondVault", "MIN_PAID_MULTIPLE", BOND_VAULT.MIN_PAID_MULTIPLE],
  ["BondVault", "REPORTER_SHARE_BPS", BOND_VAULT.REPORTER_SHARE_BPS],
  ["BondVault", "REQUESTER_SHARE_BPS", BOND_VAULT.REQUESTER_SHARE_BPS],
  ["ModelRegistry", "MAX_LABEL_LENGTH", MAX_LABEL_LENGTH],
  ["AttesterRegistry", "MAX_NAME_LENGTH", MAX_ATTESTER_NAME_LENGTH],
  ["InferenceLedger", "BATCH_ROOT_SLOTS", BATCH_ROOT_SLOTS],
  ["VerifierRouter", "MAX_ZK_OUTPUTS", MAX_ZK_OUTPUTS],
  ["VerifierRouter", "MAX_ZK_BATCH", MAX_ZK_BATCH],
  ["InferenceLedger", "ANSWER_TYPEHASH", typeHash(ANSWER_TYPES)],
  ["InferenceLedger", "ANSWER_BATCH_TYPEHASH", typeHash(ANSWER_BATCH_TYPES)],
  ["InferenceLedger", "ATTESTATION_TYPEHASH", typeHash(ATTESTATION_TYPES)],
  ["InferenceLedger", "BATCH_TYPEHASH", typeHash(BATCH_TYPES)],
  ["AttesterRegistry", "HEARTBEAT_TYPEHASH", typeHash(HEARTBEAT_TYPES)],
  ["AttesterRegistry", "NODE_KEY_CONSENT_TYPEHASH", typeHash(NODE_KEY_CONSENT_TYPES)],
  ["AttesterRegistry", "ENCLAVE_KEY_CONSENT_TYPEHASH", typeHash(ENCLAVE_KEY_CONSENT_TYPES)],
  ["AttesterRegistry", "DATA_SOURCE_KEY_CONSENT_TYPEHASH", typeHash(DATA_SOURCE_KEY_CONSENT_TYPES)],
  ["AttesterRegistry", "SOURCED_DATA_TYPEHASH", typeHash(SOURCED_DATA_TYPES)],
  ["FieldLib", "SNARK_SCALAR_FIELD", SNARK_SCALAR_FIELD],
  ["Roles", "GUARDIAN", Roles.GUARDIAN],
  ["Roles", "TRUST_ADMIN", Roles.TRUST_ADMIN],
  ["Roles", "FEE_ADMIN", Roles.FEE_ADMIN],
  ["RiskScoreConsumer", "MAX_SCORE", RISK_SCORER.maxScore],
  ["RiskScoreConsumer", "SCORE_MEDIA_TYPE_HASH", textHash(MEDIA_TYPES.riskScore)],
  ["ModerationQueue", "VERDICT_MEDIA_TYPE_HASH", textHash(MEDIA_TYPES.moderation)],
];

describe("TypeScript mirrors of the contracts' enums and constants", () => {
  for (const [name, mirror] of ENUMS) {
    it(`mirrors enum ${name}: the same members in the same order`, () => {
      expect(mirrorEnum(mirror)).to.deep.equal(solidityEnum(name));
    });
  }

  it("mirrors every enum the contracts declare", () => {
    const declared = [...everywhere.matchAll(/\benum\s+(\w+)/g)].map((match) => match[1]);
    expect(declared.filter((name) => !ENUMS.some(([mirrored]) => mirrored === name))).to.deep.equal([]);
  });

  for (const [container, name, mirror] of CONSTANTS) {
    it(`mirrors ${container}.${name} as its source declares it`, () => {
      expect(solidityConstant(container, name)).to.equal(mirror);
    });
  }

  it("mirrors every public constant the contracts declare", () => {
    const declared = [...everywhere.matchAll(/\bpublic\s+constant\s+(\w+)/g)].map((match) => match[1]);
    expect(declared.filter((name) => !CONSTANTS.some(([, mirrored]) => mirrored === name))).to.deep.equal([]);
  });

  it("reads each public constant of a deployable contract from its getter as the mirror says", async () => {
    const { ethers, networkHelpers } = await network.create();
    let checked = 0;
    for (const [container, name, mirror] of CONSTANTS) {
      const artifact = await artifacts.readArtifact(container);
      const getter = artifact.abi.some((entry: { type: string; name?: string }) => entry.name === name);
      if (!getter || artifact.deployedBytecode === "0x") continue;
      // A constant is part of the code, so the runtime code alone answers its getter: no constructor needed.
      const address = ethers.Wallet.createRandom().address;
      await networkHelpers.setCode(address, artifact.deployedBytecode);
      const contract = new ethers.Contract(address, artifact.abi, ethers.provider);
      expect(BigInt(await contract.getFunction(name).staticCall()), `${container}.${name}`).to.equal(mirror);
      checked++;
    }
    expect(checked).to.be.greaterThan(10);
  });
});
