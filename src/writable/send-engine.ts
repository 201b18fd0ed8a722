/**
 * The part of the sink that decides when messages go out and when they count
 * as acknowledged, independent of streams and of the wire protocol.
 *
 * - `sync`: `write()` resolves once every message of the call is stored.
 * - `async`: sends are pipelined; `write()` waits only while `maxInFlight`
 *   sends are outstanding. The first failure is kept, and every later call
 *   (and `flush()`) rejects with it: a failed send is never dropped silently.
 *   Before rejecting, the engine waits for the sends still on the wire to
 *   settle, so the `SendError`'s `unacknowledged` count is final: exactly the
 *   messages the broker never acknowledged.
 * - `batch`: messages are buffered and sent in batches of at most
 *   `batchMaxMessages` / `batchMaxBytes`, pipelined like `async`. `flush()`
 *   sends the remainder and resolves once everything is acknowledged, which is
 *   what a checkpoint barrier waits for.
 *
 * Memory is bounded: at most `maxInFlight` sends (or batches) are outstanding
 * and the batch buffer never exceeds one batch.
 */
import { SendError, StreamClosedError } from "../errors.ts";
import type { OutgoingMessage, SendReceipt } from "./outgoing-message.ts";
import type { ProducerTransport } from "./producer-transport.ts";

export const SendModes = { sync: "sync", async: "async", batch: "batch" } as const;
export type SendMode = (typeof SendModes)[keyof typeof SendModes];

export interface SendEngineOptions {
  readonly mode: SendMode;
  /** async/batch: outstanding sends (batch: outstanding batches). Default 256 (batch: 8). */
  readonly maxInFlight?: number;
  /** batch: messages per batch. Default 64. */
  readonly batchMaxMessages?: number;
  /** batch: body bytes per batch. Default 1 MiB (the broker refuses requests above its max message size). */
  readonly batchMaxBytes?: number;
  /** Called with each receipt (e.g. for metrics); must not throw. */
  readonly onAck?: (receipt: SendReceipt) => void;
}

export interface SendStats {
  /** Messages the broker acknowledged. */
  readonly acknowledged: number;
  /** Messages handed to the engine and not (yet) acknowledged: buffered, in flight, or failed. */
  readonly unacknowledged: number;
}

export class SendEngine {
  readonly #transport: ProducerTransport;
  readonly #mode: SendMode;
  readonly #maxInFlight: number;
  readonly #batchMaxMessages: number;
  readonly #batchMaxBytes: number;
  readonly #onAck: ((receipt: SendReceipt) => void) | undefined;
  #accepted = 0;
  #acknowledged = 0;
  /** Outstanding sends; each resolves once settled, with false if it failed (never rejects). */
  #inFlight = new Set<Promise<boolean>>();
  #failure: unknown;
  #closed = false;
  #buffer: OutgoingMessage[] = [];
  #bufferBytes = 0;
  /** Woken whenever an outstanding send settles. */
  #waiters: Array<() => void> = [];

  constructor(transport: ProducerTransport, options: SendEngineOptions) {
    this.#transport = transport;
    this.#mode = options.mode;
    this.#maxInFlight = options.maxInFlight ?? (options.mode === "batch" ? 8 : 256);
    this.#batchMaxMessages = options.batchMaxMessages ?? 64;
    this.#batchMaxBytes = options.batchMaxBytes ?? 1024 * 1024;
    this.#onAck = options.onAck;
    for (const [name, v] of [["maxInFlight", this.#maxInFlight], ["batchMaxMessages", this.#batchMaxMessages],
      ["batchMaxBytes", this.#batchMaxBytes]] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
    }
  }

  get stats(): SendStats {
    return { acknowledged: this.#acknowledged, unacknowledged: this.#accepted - this.#acknowledged };
  }

  /** Hands messages to the engine; see the class comment for when it resolves. */
  async write(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.#stopped) await this.#rejectStopped();
    if (this.#mode === "sync") {
      for (const message of messages) {
        this.#accepted++;
        const receipt = await this.#transport.send(message).catch((err: unknown) => {
          this.#failure ??= err;
          throw err;
        });
        this.#ack(receipt);
      }
      return;
    }
    if (this.#mode === "async") {
      for (const message of messages) {
        await this.#room();
        this.#accepted++;
        this.#launch(this.#transport.send(message).then((r) => this.#ack(r)));
      }
      return;
    }
    for (const message of messages) {
      this.#accepted++;
      this.#buffer.push(message);
      this.#bufferBytes += message.body.byteLength;
      if (this.#buffer.length >= this.#batchMaxMessages || this.#bufferBytes >= this.#batchMaxBytes) {
        await this.#sendBuffer();
      }
    }
  }

  /** Sends whatever is buffered and resolves once every message accepted before the call is acknowledged. */
  async flush(): Promise<void> {
    const { durable } = await this.beginFlush();
    await durable;
    if (this.#stopped) await this.#rejectStopped();
  }

  /**
   * Sends whatever is buffered and resolves once that is handed to the
   * transport, with the promise that every message accepted so far is
   * acknowledged. Writes may go on meanwhile; `durable` does not wait for
   * them, and rejects (with the SendError) only if one of its own sends failed.
   */
  async beginFlush(): Promise<{ readonly durable: Promise<void> }> {
    if (this.#stopped) await this.#rejectStopped();
    if (this.#buffer.length > 0) await this.#sendBuffer();
    const covered = [...this.#inFlight];
    return { durable: this.#allAcknowledged(covered) };
  }

  async #allAcknowledged(sends: readonly Promise<boolean>[]): Promise<void> {
    const settled = await Promise.all(sends);
    if (!settled.every(Boolean)) await this.#rejectStopped();
  }

  /** Flushes, then closes the transport. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      await this.#transport.close();
    }
  }

  /**
   * Stops sending: drops the buffer, waits for sends already on the wire to
   * settle (so the count is exact), closes the transport, and returns how many
   * accepted messages were not acknowledged.
   */
  async abort(): Promise<number> {
    this.#closed = true;
    this.#buffer = [];
    this.#bufferBytes = 0;
    while (this.#inFlight.size > 0) await this.#settled();
    await this.#transport.close();
    return this.#accepted - this.#acknowledged;
  }

  /** A send has failed or the engine is closed: every later call rejects (see #rejectStopped). */
  get #stopped(): boolean {
    return this.#failure !== undefined || this.#closed;
  }

  /** Rejects once a send has failed (after the sends still on the wire settled), or when closed. */
  async #rejectStopped(): Promise<void> {
    if (this.#failure !== undefined) {
      while (this.#inFlight.size > 0) await this.#settled();
      const unacked = this.#accepted - this.#acknowledged;
      const cause = this.#failure as { message?: string };
      throw new SendError(`${unacked} message(s) not acknowledged: ${cause?.message ?? String(cause)}`, unacked, {
        cause: this.#failure });
    }
    if (this.#closed) throw new StreamClosedError("the sink is closed");
  }

  #ack(receipt: SendReceipt): void {
    this.#acknowledged++;
    this.#onAck?.(receipt);
  }

  async #room(): Promise<void> {
    // no send starts after a failure, even within one write() of many messages
    if (this.#stopped) await this.#rejectStopped();
    while (this.#inFlight.size >= this.#maxInFlight) {
      await this.#settled();
      if (this.#stopped) await this.#rejectStopped();
    }
  }

  #settled(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #launch(send: Promise<unknown>): void {
    const tracked: Promise<boolean> = send.then(
      () => this.#done(tracked, true),
      (err: unknown) => {
        this.#failure ??= err;
        return this.#done(tracked, false);
      },
    );
    this.#inFlight.add(tracked);
  }

  #done(send: Promise<boolean>, ok: boolean): boolean {
    this.#inFlight.delete(send);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
    return ok;
  }

  async #sendBuffer(): Promise<void> {
    const batch = this.#buffer;
    this.#buffer = [];
    this.#bufferBytes = 0;
    // A batch request holds one topic and no per-message routing (FIFO key, delay).
    const plain = batch.every((m) => m.topic === batch[0]!.topic && m.shardingKey === undefined
      && m.delayLevel === undefined && m.deliveryTimestamp === undefined);
    await this.#room();
    if (plain && this.#transport.sendBatch && batch.length > 1) {
      this.#launch(this.#transport.sendBatch(batch).then((receipts) => receipts.forEach((r) => this.#ack(r))));
    } else {
      for (const message of batch) {
        await this.#room();
        this.#launch(this.#transport.send(message).then((r) => this.#ack(r)));
      }
    }
  }
}
