/**
 * The seed's `RocketMQSink`: records in, messages stored by the broker.
 *
 * It is a `CheckpointSink` (src/offsets): in a checkpointed pipeline use
 * `cp.sink(sink)`, and an epoch is acknowledged once the broker has
 * acknowledged everything before its barrier (`beginFlush()`: the writes
 * behind the barrier keep flowing meanwhile). Outside checkpoints, `writable()` gives
 * a plain `WritableStream` of records.
 *
 * Modes, as in the seed: sync (default), `withAsync(true)` (pipelined, bounded
 * in flight), `withBatchFlushOnCheckpoint(true)` (buffered, batch requests,
 * flushed at every barrier). Modes are fixed once the first record is written.
 */
import { InputError, RocketMQError, SendError, StreamClosedError } from "../errors.ts";
import { DEFAULT_MAX_OUTAGE_MS } from "../outage.ts";
import type { CheckpointSink } from "../offsets/checkpoint-sink.ts";
import { stopOnAbortSignal } from "../offsets/stop-on-abort.ts";
import type { OutgoingMessage, SendReceipt } from "./outgoing-message.ts";
import { validateOutgoingMessage } from "./message-rules.ts";
import type { ProducerTransport } from "./producer-transport.ts";
import { SendEngine, type SendMode, type SendStats } from "./send-engine.ts";

/** Turns one record into a message; throws an InputError (or returns one) for a record it can't encode. */
export type ToMessage<T> = (record: T) => OutgoingMessage;

export interface RocketMQSinkInit<T> {
  readonly transport: ProducerTransport;
  readonly toMessage: ToMessage<T>;
  readonly maxMessageBytes?: number;
  readonly maxInFlight?: number;
  readonly batchMaxMessages?: number;
  readonly batchMaxBytes?: number;
  /** Called with every broker acknowledgement (metrics, audit); must not throw. */
  readonly onAck?: (receipt: SendReceipt) => void;
  /**
   * How long sends ride through a broker that can't be reached before the
   * sink fails with an OutageError; 0 fails with the send's error at once.
   * Default 180,000 (3 minutes).
   */
  readonly maxOutageMs?: number;
  /** Broker outages: when one starts (warn) and ends (info). Default: warnings to `console.warn`. */
  readonly onLog?: (entry: { readonly level: "info" | "warn"; readonly message: string; readonly error?: unknown }) => void;
}

export class RocketMQSink<T> implements CheckpointSink<T> {
  readonly #init: RocketMQSinkInit<T>;
  #async = false;
  #batchOnCheckpoint = false;
  #engine: SendEngine | undefined;
  #written = 0;
  /** The one stop (see {@link stop}). */
  #stopping: Promise<number> | undefined;

  constructor(init: RocketMQSinkInit<T>) {
    if (typeof init?.toMessage !== "function") throw new TypeError("RocketMQSink needs a toMessage function");
    if (typeof init.transport?.send !== "function") throw new TypeError("RocketMQSink needs a producer transport");
    this.#init = init;
  }

  /** Pipelined sends with a bounded in-flight window; a failure errors the stream. */
  withAsync(enabled: boolean): this {
    this.#beforeStart("withAsync");
    this.#async = enabled;
    return this;
  }

  /** Buffer and send in batches; every checkpoint barrier flushes and awaits acknowledgement. */
  withBatchFlushOnCheckpoint(enabled: boolean): this {
    this.#beforeStart("withBatchFlushOnCheckpoint");
    this.#batchOnCheckpoint = enabled;
    return this;
  }

  get mode(): SendMode {
    return this.#batchOnCheckpoint ? "batch" : this.#async ? "async" : "sync";
  }

  /** Acknowledged and not-yet-acknowledged message counts. */
  get stats(): SendStats {
    return this.#engine?.stats ?? { acknowledged: 0, unacknowledged: 0, outages: 0, resent: 0 };
  }

  /**
   * Encodes every record first, so a record that can't be encoded fails this
   * write before any of its batch is sent.
   */
  write(records: readonly T[]): Promise<void> {
    let messages: OutgoingMessage[];
    try {
      messages = this.#encode(records);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#start().write(messages);
  }

  /** Every record as a message that passes the message rules, or the refusal of the first that does not. */
  #encode(records: readonly T[]): OutgoingMessage[] {
    const messages = new Array<OutgoingMessage>(records.length);
    for (let i = 0; i < records.length; i++) {
      try {
        messages[i] = validateOutgoingMessage(this.#init.toMessage(records[i]!), this.#init.maxMessageBytes);
      } catch (err) {
        if (err instanceof RocketMQError) throw err;
        throw new InputError(
          `record ${this.#written + i} could not be turned into a message: ${(err as Error)?.message ?? String(err)}`,
          "record", records[i], { cause: err });
      }
    }
    this.#written += records.length;
    return messages;
  }

  flush(): Promise<void> {
    return this.#engine ? this.#engine.flush() : Promise.resolve();
  }

  /**
   * CheckpointSink's pipelined flush: sends the buffered batch and resolves
   * once it is on its way, with the promise of its acknowledgement (and of
   * every earlier one), so a barrier does not stop the writes behind it.
   */
  beginFlush(): Promise<{ readonly durable: Promise<void> }> {
    return this.#engine ? this.#engine.beginFlush() : Promise.resolve({ durable: Promise.resolve() });
  }

  async close(): Promise<void> {
    if (this.#engine) await this.#engine.close();
    else await this.#init.transport.close();
  }

  /** CheckpointSink's abort: the pipeline failed; stop sending (see {@link stop} for the count). */
  async abort(_reason?: unknown): Promise<void> {
    await this.stop();
  }

  /**
   * Stops sending; resolves with how many accepted messages were never
   * acknowledged. Idempotent: a stream's abort signal and its abort() both
   * call it, and get the one result.
   */
  stop(): Promise<number> {
    this.#stopping ??= this.#engine ? this.#engine.abort() : this.#init.transport.close().then(() => 0);
    return this.#stopping;
  }

  /**
   * A plain WritableStream of records, for pipelines without checkpoints.
   * `close()` flushes and waits; `abort()` stops and rejects with a
   * SendError that counts the unacknowledged messages. A write that fails
   * errors the stream (the writer's promises reject with that error) and
   * releases the transport, since the stream will call nothing else. A record
   * refused by the message rules (an InputError, before anything of it is
   * sent) first lets every earlier record be stored, then errors the stream.
   *
   * @example
   * await records.pipeTo(sink.writable());
   */
  writable(strategy?: QueuingStrategy<T>): WritableStream<T> {
    return this.#writableOf<T>((record) => [record], strategy);
  }

  /**
   * The same as {@link writable}, with an array of records per chunk. Every
   * chunk costs the stream machinery about a microsecond on Node whatever it
   * carries, which is as much as a batched send of one record costs: with
   * batch mode or high rates, chunks of tens of records keep that cost off
   * the send path (bench/results/stream-overhead-batch.md). An empty array
   * is accepted and sends nothing.
   *
   * @example
   * await recordArrays.pipeTo(sink.batchWritable());
   */
  batchWritable(strategy?: QueuingStrategy<readonly T[]>): WritableStream<readonly T[]> {
    return this.#writableOf<readonly T[]>((records) => {
      if (!Array.isArray(records)) {
        throw new InputError(`batchWritable() takes an array of records per chunk, got ${typeof records}`, "chunk", records);
      }
      return records;
    }, strategy);
  }

  #writableOf<C>(records: (chunk: C) => readonly T[], strategy?: QueuingStrategy<C>): WritableStream<C> {
    return new WritableStream<C>({
      start: (controller) => stopOnAbortSignal(controller, () => this.stop()),
      write: (chunk) => {
        let messages: OutgoingMessage[];
        try {
          messages = this.#encode(records(chunk));
        } catch (err) {
          return this.#refused(err);
        }
        return this.#start().write(messages).catch((err: unknown) => this.#failed(err));
      },
      close: () => this.close(),
      abort: async (reason) => {
        const lost = await this.stop();
        if (lost > 0) throw new SendError(`sink aborted with ${lost} message(s) not acknowledged`, lost, { cause: reason });
      },
    }, strategy);
  }

  /**
   * A chunk was refused before anything of it was sent: the stream will call
   * nothing else, so store what the earlier writes accepted (flush and close),
   * then fail with the refusal; or with the flush's error if that failed too,
   * since then earlier records are in doubt.
   */
  async #refused(err: unknown): Promise<never> {
    await this.close();
    throw err;
  }

  /** A write failed: the stream will call nothing else, so release the transport, then fail with the cause. */
  async #failed(err: unknown): Promise<never> {
    await this.stop().catch(() => undefined);
    throw err;
  }

  #beforeStart(method: string): void {
    if (this.#engine) throw new StreamClosedError(`${method}() must be called before the first write`);
  }

  #start(): SendEngine {
    this.#engine ??= new SendEngine(this.#init.transport, {
      mode: this.mode,
      ...(this.#init.maxInFlight !== undefined ? { maxInFlight: this.#init.maxInFlight } : {}),
      ...(this.#init.batchMaxMessages !== undefined ? { batchMaxMessages: this.#init.batchMaxMessages } : {}),
      ...(this.#init.batchMaxBytes !== undefined ? { batchMaxBytes: this.#init.batchMaxBytes } : {}),
      ...(this.#init.onAck !== undefined ? { onAck: this.#init.onAck } : {}),
      maxOutageMs: this.#init.maxOutageMs ?? DEFAULT_MAX_OUTAGE_MS,
      onLog: this.#init.onLog ?? ((entry) => {
        if (entry.level === "warn") console.warn(`[rocketmq sink] ${entry.message}`);
      }),
    });
    return this.#engine;
  }
}
