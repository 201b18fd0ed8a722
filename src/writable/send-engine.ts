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
 *
 * Outages (`maxOutageMs` > 0): a send that failed because the broker could
 * not be reached (connection refused or lost, no answer within the send's
 * budget), or that it refused with a retryable answer (busy, as a broker
 * that just restarted is under the backlog), is not a failure yet. The engine holds it, stops starting new
 * sends, and probes the broker (the transport's `probe`, a read that stores
 * nothing) with backoff; once the broker answers, every held send goes out
 * again, once. So a message is stored at most twice per outage: the attempt
 * the broker may still have taken before it stopped answering, and the
 * resend. Held sends count as in flight, so `write()` waits meanwhile and
 * `flush()` resolves once they are acknowledged. An outage longer than
 * `maxOutageMs` fails the engine with one `OutageError`.
 */
import { OutageError, RocketMQError, SendError, StreamClosedError } from "../errors.ts";
import { describeOutage, isUnreachable, OutageTracker } from "../outage.ts";
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
  /** How long to ride through an unreachable broker (see the module comment); default 0: fail at once. */
  readonly maxOutageMs?: number;
  /** Outage starts (warn) and ends (info). */
  readonly onLog?: (entry: { readonly level: "info" | "warn"; readonly message: string; readonly error?: unknown }) => void;
}

export interface SendStats {
  /** Messages the broker acknowledged. */
  readonly acknowledged: number;
  /** Messages handed to the engine and not (yet) acknowledged: buffered, in flight, or failed. */
  readonly unacknowledged: number;
  /** Broker outages ridden through (or being ridden through). */
  readonly outages: number;
  /** Sends (single or batch requests) sent again after an outage. */
  readonly resent: number;
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
  readonly #outages: OutageTracker | undefined;
  /** While an outage lasts: resolves once the broker answers again, rejects with the OutageError. */
  #recovery: Promise<void> | undefined;
  #outageTarget = "";
  /** After an outage: the one resend that goes before the others (see #rideThrough). */
  #canary: Promise<void> | undefined;
  #needsCanary = false;
  #resent = 0;
  /** Ends the probe loop's wait when the engine is aborted. */
  readonly #stopProbing = new AbortController();

  constructor(transport: ProducerTransport, options: SendEngineOptions) {
    this.#transport = transport;
    this.#mode = options.mode;
    this.#maxInFlight = options.maxInFlight ?? (options.mode === "batch" ? 8 : 256);
    this.#batchMaxMessages = options.batchMaxMessages ?? 64;
    this.#batchMaxBytes = options.batchMaxBytes ?? 1024 * 1024;
    this.#onAck = options.onAck;
    const maxOutageMs = options.maxOutageMs ?? 0;
    if (maxOutageMs > 0) {
      const onLog = options.onLog ?? (() => undefined);
      this.#outages = new OutageTracker({
        maxOutageMs,
        onEvent: (event) => onLog({ level: event.kind === "started" ? "warn" : "info", message: describeOutage(event), error: event.cause }),
      });
    } else if (maxOutageMs !== 0) {
      throw new RangeError(`maxOutageMs must be a non-negative integer, got ${maxOutageMs}`);
    }
    for (const [name, v] of [["maxInFlight", this.#maxInFlight], ["batchMaxMessages", this.#batchMaxMessages],
      ["batchMaxBytes", this.#batchMaxBytes]] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
    }
  }

  get stats(): SendStats {
    return {
      acknowledged: this.#acknowledged,
      unacknowledged: this.#accepted - this.#acknowledged,
      outages: this.#outages?.counts.started ?? 0,
      resent: this.#resent,
    };
  }

  /** Hands messages to the engine; see the class comment for when it resolves. */
  async write(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.#stopped) await this.#rejectStopped();
    if (this.#mode === "sync") {
      for (const message of messages) {
        this.#accepted++;
        const send = () => this.#transport.send(message);
        const receipt = await send()
          .catch((err: unknown) => this.#rideThrough(send, message.topic, err))
          .catch((err: unknown) => {
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
        this.#launch(() => this.#transport.send(message).then((r) => this.#ack(r)), message.topic);
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
    this.#stopProbing.abort();
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
      // the one error that says which broker, since when and why; the counts are in stats
      if (this.#failure instanceof OutageError) throw this.#failure;
      const unacked = this.#accepted - this.#acknowledged;
      const cause = this.#failure as { message?: string };
      throw new SendError(`${unacked} message(s) not acknowledged: ${cause?.message ?? String(cause)}`, unacked, {
        cause: this.#failure });
    }
    if (this.#closed) throw new StreamClosedError("the sink is closed");
  }

  #ack(receipt: SendReceipt): void {
    this.#acknowledged++;
    // an acknowledgement ends an outage a probe could not (see #probeUntilAnswered); a no-op otherwise
    if (this.#outageTarget) this.#outages?.succeeded(this.#outageTarget);
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

  #launch(send: () => Promise<unknown>, topic: string): void {
    // during an outage a new send waits for the broker rather than adding to what it may store twice
    // (a send launched now never becomes the canary: only held sends are resent)
    const first = this.#recovery || this.#canary ? this.#waitClear().then(send) : send();
    const tracked: Promise<boolean> = first.then(
      () => this.#done(tracked, true),
      (err: unknown) => this.#rideThrough(send, topic, err).then(
        () => this.#done(tracked, true),
        (final: unknown) => {
          this.#failure ??= final;
          return this.#done(tracked, false);
        },
      ),
    );
    this.#inFlight.add(tracked);
  }

  /** After `send` failed with `error`: sends it again once the broker answers, within the outage bound. */
  async #rideThrough<R>(send: () => Promise<R>, topic: string, error: unknown): Promise<R> {
    // The first resend after an outage goes alone, as a canary: a broker that answers the probe may
    // still be working through what queued in its socket. If the canary times out again, it stays the
    // canary through the next outage, so only that one message can be stored a third time.
    let canary: (() => void) | undefined;
    try {
      for (;;) {
        if (this.#outages === undefined || this.#closed || this.#failure !== undefined || !worthHolding(error)) throw error;
        if (!this.#recovery) this.#startRecovery(topic, error);
        if (canary) {
          await this.#recovery;
        } else {
          canary = await this.#clearToSend();
        }
        this.#resent++;
        try {
          const result = await send();
          if (canary) this.#needsCanary = false;
          return result;
        } catch (again) {
          error = again;
        }
      }
    } finally {
      canary?.();
    }
  }

  /**
   * Resolves when sends may go: no outage in progress and no canary on the
   * wire; rejects with the OutageError. Resolves with the release function
   * when the caller is to be the canary (decided in the same step as the
   * check, so two waiters woken together cannot both go first).
   */
  async #clearToSend(): Promise<(() => void) | undefined> {
    for (;;) {
      if (this.#recovery) await this.#recovery;
      else if (this.#canary) await this.#canary;
      else return this.#needsCanary ? this.#becomeCanary() : undefined;
    }
  }

  async #waitClear(): Promise<void> {
    while (this.#recovery || this.#canary) await (this.#recovery ?? this.#canary);
  }

  #becomeCanary(): () => void {
    this.#needsCanary = false;
    let release!: () => void;
    this.#canary = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.#canary = undefined;
      release();
    };
  }

  #startRecovery(topic: string, error: unknown): void {
    const address = (error as { address?: unknown }).address;
    this.#outageTarget = typeof address === "string" ? `broker ${address}` : `the broker of topic ${topic}`;
    const exceeded = this.#outages!.failed(this.#outageTarget, error);
    const recovery = exceeded ? Promise.reject(exceeded) : this.#probeUntilAnswered(topic);
    this.#recovery = recovery;
    // a failed recovery stays: every later send gets the same OutageError
    recovery.then(() => {
      if (this.#recovery === recovery) this.#recovery = undefined;
      this.#needsCanary = true;
    }, () => undefined);
  }

  async #probeUntilAnswered(topic: string): Promise<void> {
    const outages = this.#outages!;
    const target = this.#outageTarget;
    for (;;) {
      await abortableSleep(outages.retryDelayMs(target), this.#stopProbing.signal);
      if (this.#closed) throw new StreamClosedError("the sink was aborted during a broker outage");
      // Without a probe (gRPC), the held sends themselves find out (each may then be stored once more), and the
      // outage ends only with an acknowledgement (#ack): ending it here would restart its clock at every retry, so
      // maxOutageMs would never be reached against a proxy that never answers.
      if (!this.#transport.probe) return;
      try {
        await this.#transport.probe(topic);
        outages.succeeded(target);
        return;
      } catch (error) {
        const exceeded = outages.failed(target, error);
        if (exceeded) throw exceeded;
      }
    }
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
      const sendBatch = this.#transport.sendBatch.bind(this.#transport);
      this.#launch(() => sendBatch(batch).then((receipts) => receipts.forEach((r) => this.#ack(r))), batch[0]!.topic);
    } else {
      for (const message of batch) {
        await this.#room();
        this.#launch(() => this.#transport.send(message).then((r) => this.#ack(r)), message.topic);
      }
    }
  }
}

/** Unreachable, or an answer that says a later try may succeed (a busy broker stored nothing). */
function worthHolding(error: unknown): boolean {
  return isUnreachable(error) || (error instanceof RocketMQError && error.retryable);
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
