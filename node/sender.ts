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
  BaseWallet,
  isError,
  JsonRpcApiProvider,
  NonceManager,
  Transaction,
  TransactionResponse,
  type TransactionLike,
  type TransactionResponseParams,
  type ContractTransactionResponse,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
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
 * The account's one signer: a nonce manager that knows its address (as the x402 facilitator's signer must), and
 * reads its nonce from the chain again after any failed submission (ethers' nonce manager counts a nonce before the
 * transaction is even estimated, so a refused transaction would otherwise leave a gap that every later transaction
 * waits behind forever).
 *
 * Only the nonce, the signature and the broadcast go one at a time: the estimate (which is also the simulation that
 * refuses a reverting transaction), the fees and the chain id are read before the transaction takes its turn, so
 * many submissions prepare at once and the account's queue holds each for one round trip.
 */
export class AddressedNonceManager extends NonceManager {
  private submitting: Promise<unknown> = Promise.resolve();

  constructor(
    signer: Signer,
    readonly address: string,
  ) {
    super(signer);
  }

  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    const prepared = await this.prepare(tx);
    const submit = async () => {
      try {
        const nonce = await this.getNonce("pending");
        this.increment();
        return await this.broadcast({ ...prepared, nonce });
      } catch (error) {
        this.reset();
        throw error;
      }
    };
    const result = this.submitting.then(submit, submit);
    this.submitting = result.catch(() => undefined);
    return result;
  }

  /**
   * Signs and broadcasts a fully prepared transaction. For a local key over JSON-RPC the response is built from what
   * was signed (ethers' own broadcast recovers the sender's key from the signature to fill in `from`, a few
   * milliseconds of the node's one thread per transaction); otherwise the signer's own path.
   */
  private async broadcast(prepared: TransactionRequest): Promise<TransactionResponse> {
    const provider = this.provider;
    if (!(this.signer instanceof BaseWallet) || !(provider instanceof JsonRpcApiProvider)) {
      return this.signer.sendTransaction(prepared);
    }
    const { from: _from, ...fields } = prepared;
    const tx = Transaction.from(fields as TransactionLike<string>);
    tx.signature = this.signer.signingKey.sign(tx.unsignedHash);
    const hash = (await provider.send("eth_sendRawTransaction", [tx.serialized])) as string;
    if (hash !== tx.hash) throw new Error(`the node returned ${hash} for transaction ${tx.hash}`);
    const params: TransactionResponseParams = {
      blockNumber: null,
      blockHash: null,
      hash,
      index: 0,
      type: tx.type ?? 2,
      from: this.address,
      to: tx.to,
      gasLimit: tx.gasLimit,
      nonce: tx.nonce,
      data: tx.data,
      value: tx.value,
      gasPrice: tx.gasPrice ?? tx.maxFeePerGas ?? 0n,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      maxFeePerGas: tx.maxFeePerGas,
      maxFeePerBlobGas: null,
      chainId: tx.chainId,
      signature: tx.signature,
      accessList: tx.accessList,
      blobVersionedHashes: null,
      authorizationList: null,
    };
    return new TransactionResponse(params, provider);
  }

  /** Everything but the nonce: gas limit (estimated, so a reverting transaction is refused here), fees, chain id. */
  private async prepare(tx: TransactionRequest): Promise<TransactionRequest> {
    const provider = this.provider;
    if (provider === null) throw new Error("the sender's signer has no provider");
    const request: TransactionRequest = { ...tx, from: this.address };
    const priced = tx.gasPrice != null || tx.maxFeePerGas != null;
    const [gasLimit, fees, network] = await Promise.all([
      tx.gasLimit ?? this.signer.estimateGas(request),
      priced ? undefined : provider.getFeeData(),
      provider.getNetwork(),
    ]);
    const pricing =
      fees === undefined
        ? {}
        : fees.maxFeePerGas !== null
          ? { type: 2, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas }
          : { gasPrice: fees.gasPrice };
    return { ...request, gasLimit, chainId: tx.chainId ?? network.chainId, ...pricing };
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
   * Submits the transaction `build` makes (called again on each attempt, so it can re-read state) and resolves as soon
   * as the node accepted it, with its response (not its receipt): the fast path's answer, which the background loop
   * confirms later. Rejects with the chain's refusal at once (the estimate is a simulation), or with the last network
   * error after `SEND_ATTEMPTS` attempts.
   */
  async submit(what: string, build: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionResponse> {
    return this.attempt(what, async () => {
      const response = await build();
      this.log("tx-submitted", { what, hash: response.hash });
      return response;
    });
  }

  /**
   * Sends the transaction `build` makes and resolves with its receipt once mined; the same retries as `submit`, and a
   * network failure while waiting for the receipt sends again (`build` re-reads state, so work already done is not
   * repeated to harm).
   */
  async send(what: string, build: () => Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
    return this.attempt(what, async () => {
      const response = await build();
      const receipt = await response.wait();
      if (receipt === null) throw new Error(`${what}: no receipt`);
      this.log("tx", { what, hash: receipt.hash, gasUsed: receipt.gasUsed.toString() });
      return receipt;
    });
  }

  private async attempt<T>(what: string, run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!isTransient(error) || attempt >= SEND_ATTEMPTS) throw error;
        this.signer.reset(); // the nonce may have been taken or never used: read it again
        const delay = Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), 8_000);
        this.log("tx-retry", { what, attempt, delayMs: delay, error: String((error as Error).message).slice(0, 200) });
        await sleep(delay);
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
