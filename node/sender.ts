/**
 * How the node sends transactions: one account whose submissions go one at a time (so nonces never conflict within
 * the process, the x402 facilitator's included), each retried with exponential backoff when the failure is the network's (a dropped connection, a timeout,
 * a nonce another sender took, an underpriced replacement), and never when the chain refused it (a revert is an
 * answer: the caller reads the chain and decides). After a nonce error the nonce is read again from the chain.
 *
 * Every step the node takes is checked against the chain before it is sent (is the record still pending, is the
 * request still open), so a transaction whose receipt was lost to a crash is never sent twice to harm: the second
 * attempt finds the work done.
 */
import {
  isError,
  NonceManager,
  type ContractTransactionResponse,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
  type TransactionResponse,
} from "ethers";

/** How many times a network failure is retried, and the first delay (doubled each time, up to 8 s). */
export const SEND_ATTEMPTS = 6;
export const FIRST_BACKOFF_MS = 250;

/** True for failures worth retrying: the transport's, or a nonce race; false for a refusal by the chain. */
export function isTransient(error: unknown): boolean {
  if (isError(error, "CALL_EXCEPTION")) return false; // reverted, or would revert: the chain's answer
  if (isError(error, "INSUFFICIENT_FUNDS")) return false;
  if (isError(error, "NONCE_EXPIRED") || isError(error, "REPLACEMENT_UNDERPRICED")) return true;
  if (isError(error, "NETWORK_ERROR") || isError(error, "TIMEOUT") || isError(error, "SERVER_ERROR")) return true;
  const message = String((error as Error)?.message ?? error).toLowerCase();
  return /econnrefused|econnreset|socket hang up|fetch failed|timeout|nonce too low|nonce has already been used|already known|underpriced/.test(
    message,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The account's one signer: a nonce manager that knows its address (as the x402 facilitator's signer must), submits
 * one transaction at a time, and reads its nonce from the chain again after any failed submission. ethers' nonce
 * manager counts a nonce before the transaction is even estimated, so a refused transaction would otherwise leave a
 * gap that every later transaction waits behind forever.
 */
export class AddressedNonceManager extends NonceManager {
  private submitting: Promise<unknown> = Promise.resolve();

  constructor(
    signer: Signer,
    readonly address: string,
  ) {
    super(signer);
  }

  override sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    const submit = async () => {
      try {
        return await super.sendTransaction(tx);
      } catch (error) {
        this.reset();
        throw error;
      }
    };
    const result = this.submitting.then(submit, submit);
    this.submitting = result.catch(() => undefined);
    return result;
  }
}

/** One account's serialized, retrying transaction sender. */
export class Sender {
  /** The account's signer: anything else sending from this account must use it, so nonces stay in one sequence. */
  readonly signer: AddressedNonceManager;

  constructor(
    wallet: Signer & { readonly address: string },
    private readonly log: (event: string, fields: Record<string, unknown>) => void = () => undefined,
  ) {
    this.signer = new AddressedNonceManager(wallet, wallet.address);
  }

  /**
   * Sends the transaction `build` makes (called again on each attempt, so it can re-read state) and resolves with
   * its receipt once mined; rejects with the chain's refusal at once, or with the last network error after
   * `SEND_ATTEMPTS` attempts.
   */
  async send(what: string, build: () => Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
    {
      for (let attempt = 1; ; attempt++) {
        try {
          const response = await build();
          const receipt = await response.wait();
          if (receipt === null) throw new Error(`${what}: no receipt`);
          this.log("tx", { what, hash: receipt.hash, gasUsed: receipt.gasUsed.toString() });
          return receipt;
        } catch (error) {
          if (!isTransient(error) || attempt >= SEND_ATTEMPTS) throw error;
          this.signer.reset(); // the nonce may have been taken or never used: read it again
          const delay = Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), 8_000);
          this.log("tx-retry", {
            what,
            attempt,
            delayMs: delay,
            error: String((error as Error).message).slice(0, 200),
          });
          await sleep(delay);
        }
      }
    }
  }
}

/** Retries a read (a view call, a log query) on transient failures, with the same backoff. */
export async function withRetry<T>(what: string, read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!isTransient(error) || attempt >= SEND_ATTEMPTS) throw error;
      await sleep(Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), 8_000));
    }
  }
}
