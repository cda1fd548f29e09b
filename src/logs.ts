import type { Provider } from "ethers";

/**
 * Log searches that survive RPC endpoints' limits. Many public and hosted endpoints refuse an `eth_getLogs` call
 * whose block range or result set is too large (the limits differ per provider and are not discoverable), so a
 * search over a long-lived deployment fails as a whole. `queryInRanges` runs the search over the whole range first
 * and, whenever the endpoint refuses it, over each half in turn, down to single blocks; only a refusal of a single
 * block is an error. Results keep block order.
 */
export async function queryInRanges<T>(
  query: (fromBlock: number, toBlock: number) => Promise<T[]>,
  fromBlock: number,
  toBlock: number,
): Promise<T[]> {
  if (toBlock < fromBlock) return [];
  try {
    return await query(fromBlock, toBlock);
  } catch (error) {
    if (fromBlock === toBlock) throw error;
    const middle = fromBlock + Math.floor((toBlock - fromBlock) / 2);
    const first = await queryInRanges(query, fromBlock, middle);
    return first.concat(await queryInRanges(query, middle + 1, toBlock));
  }
}

/**
 * The chain's latest block number, asked of the endpoint itself. ethers answers `getBlockNumber()` from a shared
 * request for a while (250 ms, longer when its process is busy), in which a local chain can mine many blocks: a
 * search bounded by that number misses the newest events. A provider that can send a raw request (ethers'
 * JSON-RPC and browser providers, Hardhat's) is asked with `eth_blockNumber`; any other answers `getBlockNumber()`.
 */
export async function headBlock(provider: Provider): Promise<number> {
  const raw = provider as Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> };
  if (typeof raw.send === "function") return Number(BigInt((await raw.send("eth_blockNumber", [])) as string));
  return provider.getBlockNumber();
}
