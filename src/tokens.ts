/**
 * The payment token of live deployments: Circle's USDC on Base and Base Sepolia, as the escrow and x402 payments
 * expect it (6 decimals, EIP-3009 transfers with authorization signed over the token's EIP-712 domain).
 *
 * `paymentTokenProblems` is the preflight a live deployment runs before Ignition sends anything (the
 * `ignition deploy` override in scripts/tasks/deployCheck.ts): a parameters file that names a wrong address, an RPC
 * URL that points at another chain, or a token that is not USDC would otherwise deploy a system whose escrow takes
 * nothing anyone pays with.
 */
import { Contract, getAddress, id, TypedDataEncoder, type ContractRunner, type Provider } from "ethers";

/** A token as the escrow and x402 see it: where it lives and the EIP-712 domain its authorizations are signed in. */
export interface PaymentToken {
  address: string;
  symbol: string;
  decimals: number;
  /** EIP-712 domain name and version: x402's `extra.name` / `extra.version` for EIP-3009 payments. */
  name: string;
  version: string;
}

/**
 * Circle's USDC by chain id, from Circle's published addresses; the EIP-712 names are the tokens' own (`name()`),
 * which differ between the two chains.
 */
export const USDC: Readonly<Record<string, PaymentToken>> = {
  "8453": {
    address: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    symbol: "USDC",
    decimals: 6,
    name: "USD Coin",
    version: "2",
  },
  "84532": {
    address: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
    symbol: "USDC",
    decimals: 6,
    name: "USDC",
    version: "2",
  },
};

const TOKEN_ABI = [
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
  "function authorizationState(address authorizer, bytes32 nonce) view returns (bool)",
];

/** The EIP-712 domain separator of a token with `name` and `version` at `address` on `chainId`. */
export function tokenDomainSeparator(name: string, version: string, chainId: bigint, address: string): string {
  return TypedDataEncoder.hashDomain({ name, version, chainId, verifyingContract: address });
}

/**
 * What is wrong with `address` as the payment token of a deployment on the chain `provider` is connected to; empty
 * when nothing is. On a chain in `USDC` the address must be Circle's; on any chain it must have code and answer as
 * that token: symbol, decimals, the EIP-712 domain its EIP-3009 authorizations are signed in, and
 * `authorizationState`. On another chain, only code, 6 decimals and `authorizationState` can be checked.
 */
export async function paymentTokenProblems(provider: Provider, address: string): Promise<string[]> {
  const chainId = (await provider.getNetwork()).chainId;
  const expected = USDC[chainId.toString()];
  const checksummed = getAddress(address);
  if (expected !== undefined && checksummed !== expected.address) {
    return [`${checksummed} is not USDC on chain ${chainId}: Circle's USDC there is ${expected.address}`];
  }
  if ((await provider.getCode(checksummed)) === "0x") {
    return [
      `the token ${checksummed} has no code on chain ${chainId}: --network (or its RPC URL) is not the chain ` +
        "this address is for, or the address is wrong",
    ];
  }
  const token = new Contract(checksummed, TOKEN_ABI, provider as ContractRunner);
  const problems: string[] = [];
  /** The value of a view call, or undefined after noting that the token does not answer it. */
  const read = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch {
      problems.push(`the token ${checksummed} does not answer ${what}: it is not USDC`);
      return undefined;
    }
  };
  const wantDecimals = BigInt(expected?.decimals ?? 6);
  const decimals = await read("decimals()", () => token.decimals() as Promise<bigint>);
  if (decimals !== undefined && decimals !== wantDecimals)
    problems.push(`the token ${checksummed} has ${decimals} decimals, USDC has ${wantDecimals}`);
  await read(
    "authorizationState(address,bytes32) (EIP-3009)",
    () => token.authorizationState(checksummed, id("proofline preflight")) as Promise<boolean>,
  );
  if (expected === undefined) return problems;
  const symbol = await read("symbol()", () => token.symbol() as Promise<string>);
  if (symbol !== undefined && symbol !== expected.symbol)
    problems.push(`the token's symbol is "${symbol}", expected "${expected.symbol}"`);
  const separator = await read("DOMAIN_SEPARATOR()", () => token.DOMAIN_SEPARATOR() as Promise<string>);
  if (
    separator !== undefined &&
    separator !== tokenDomainSeparator(expected.name, expected.version, chainId, checksummed)
  ) {
    problems.push(
      `the token's EIP-712 domain is not ("${expected.name}", version "${expected.version}"): EIP-3009 ` +
        "authorizations signed for USDC would fail",
    );
  }
  return problems;
}
