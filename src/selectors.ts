import { id } from "ethers";

/** The 4-byte selectors of the given function signatures, e.g. `["revoke(uint64,uint8)"]`. */
export function selectors(signatures: string[]): string[] {
  return signatures.map((signature) => id(signature).slice(0, 10));
}
