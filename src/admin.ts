import type { BaseContract, Signer } from "ethers";

/** The parts of OpenZeppelin's AccessManager that scheduling a delayed call needs. */
interface AccessManagerLike extends BaseContract {
  canCall(caller: string, target: string, selector: string): Promise<[boolean, bigint] & { delay: bigint }>;
  schedule(target: string, data: string, when: bigint): Promise<{ wait(): Promise<unknown> }>;
  execute(target: string, data: string): Promise<{ wait(): Promise<unknown> }>;
  connect(runner: Signer): AccessManagerLike;
}

/**
 * Runs a restricted call through the AccessManager as `caller`: scheduled, then executed once its execution delay
 * has passed. `waitSeconds` advances time (on a simulated network) or sleeps (on a real one).
 */
export async function executeDelayed(
  manager: AccessManagerLike,
  caller: Signer,
  target: string,
  data: string,
  waitSeconds: (seconds: bigint) => Promise<unknown>,
): Promise<void> {
  const asCaller = manager.connect(caller);
  const [immediate, delay] = await manager.canCall(await caller.getAddress(), target, data.slice(0, 10));
  if (!immediate && delay === 0n) throw new Error(`caller may not call ${data.slice(0, 10)} on ${target}`);
  if (delay > 0n) {
    await (await asCaller.schedule(target, data, 0n)).wait();
    await waitSeconds(delay);
  }
  await (await asCaller.execute(target, data)).wait();
}
