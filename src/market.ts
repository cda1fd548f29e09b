import { AbiCoder, dataSlice, encodeBytes32String, keccak256 } from "ethers";

/**
 * The id of the twin `owner` creates with `salt` in `TwinMarket`: the first 16 bytes of
 * `keccak256(abi.encode(owner, salt))`, as `ITwinMarket.twinIdOf` computes it. Ids are derived, never chosen, so
 * nobody who sees a `createTwin` in the mempool can create that twin first.
 */
export function twinIdOf(owner: string, salt: string): string {
  return dataSlice(keccak256(AbiCoder.defaultAbiCoder().encode(["address", "bytes32"], [owner, salt])), 0, 16);
}

/** A readable salt for `createTwin`: a name of at most 31 bytes, as a `bytes32` string. */
export function twinSalt(name: string): string {
  return encodeBytes32String(name);
}
