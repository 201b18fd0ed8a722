import type { EpochAcknowledger, EpochCompleted } from "./coordinator.ts";
import { stopOnAbortSignal } from "./stop-on-abort.ts";
import type { Flow } from "./flow.ts";

/**
 * What a sink implements to take part in checkpoints: a RocketMQ producer,
 * a file, a database. `write` may buffer or send without waiting; `flush`
 * is the durability point.
 *
 * @example
 * const db: CheckpointSink<Row> = {
 *   write: (rows) => void pending.push(...rows),
 *   flush: async () => { await pool.query(insertAll(pending.splice(0))); }, // resolves after COMMIT
 * };
 */
export interface CheckpointSink<T> {
  /** Takes the records of one batch, in flow order. May buffer; rejecting fails the pipeline. */
  write(records: readonly T[]): void | Promise<void>;
  /**
   * Resolves only when every record passed to `write` so far is durable
   * (fsynced, committed, acknowledged by the broker). Called at every barrier
   * and before `close`; the epoch is acknowledged only after it resolves.
   */
  flush(): Promise<void>;
  /**
   * Optional, for sinks that can keep taking writes while earlier ones become
   * durable (a producer with requests in flight, a database with async
   * commits). Hands off everything written so far, resolves as soon as the
   * sink can take the next write, and gives the promise that those records,
   * and only those, are durable. With it, a barrier no longer drains the
   * pipeline: the epoch is acknowledged when `durable` resolves while the
   * next epoch's records already flow. Without it, `flush` is awaited.
   *
   * The result is wrapped in an object so that awaiting the hand-off does not
   * also await durability.
   */
  beginFlush?(): Promise<{ readonly durable: Promise<void> }>;
  /** Releases resources after the last flush. */
  close?(): void | Promise<void>;
  /** The pipeline failed or was aborted: release resources, no flush owed. */
  abort?(reason: unknown): void | Promise<void>;
  /**
   * Called in order once an epoch's snapshot is stored and committed: where a
   * two-phase sink commits what it prepared during the epoch.
   */
  epochCompleted?(completion: EpochCompleted): void | Promise<void>;
}

/**
 * The end of a checkpointed flow: writes batches to `target`, and on each
 * barrier calls `target.flush()`, awaits it, then acknowledges the epoch.
 * A target with `beginFlush` is not drained at barriers: the epoch is
 * acknowledged once its records are durable, while later writes go on. At
 * most one such epoch is outstanding when the next barrier arrives, so
 * acknowledgements stay in epoch order and unacknowledged work is bounded.
 * Closing awaits the completion of every acknowledged epoch, so `pipeTo`
 * resolves only when the final offsets are stored (and rejects with the
 * `EpochError` when one failed). Any error of `target` fails the epoch.
 *
 * @example
 * await flow.pipeTo(new CheckpointSinkStream(new FileLinesSink("out.txt"), coordinator));
 */
export class CheckpointSinkStream<T> extends WritableStream<Flow<T>> {
  #target: CheckpointSink<T>;
  #epochs: EpochAcknowledger;
  #hooks: Promise<void> = Promise.resolve();
  /** A failure seen off the write path (an epochCompleted hook, a pipelined flush): thrown by the next write or close. */
  #failure: { reason: unknown } | undefined;
  /** The last pipelined epoch's acknowledgement (beginFlush targets); never rejects. */
  #acknowledged: Promise<void> = Promise.resolve();
  #targetStopped: Promise<void> | undefined;

  constructor(target: CheckpointSink<T>, epochs: EpochAcknowledger, strategy?: QueuingStrategy<Flow<T>>) {
    super(
      {
        start: (controller) => stopOnAbortSignal(controller, () => this.#stopTarget(controller.signal.reason)),
        write: (chunk) => (chunk.kind === "batch" && !this.#failure
          ? this.#writeBatch(chunk.records)
          : this.#guard(() => this.#write(chunk))),
        close: () => this.#close(),
        abort: (reason) => this.#abort(reason),
      },
      strategy,
    );
    this.#target = target;
    this.#epochs = epochs;
  }

  /** The hot path: no extra async frame unless the target's write is async or fails. */
  #writeBatch(records: readonly T[]): void | Promise<void> {
    let written: void | Promise<void>;
    try {
      written = this.#target.write(records);
    } catch (error) {
      this.#epochs.fail(error);
      throw error;
    }
    if (written instanceof Promise) {
      return written.catch((error: unknown) => {
        this.#epochs.fail(error);
        throw error;
      });
    }
  }

  async #write(chunk: Flow<T>): Promise<void> {
    this.#throwIfFailed();
    if (chunk.kind === "batch") return this.#target.write(chunk.records);
    if (this.#target.beginFlush) {
      await this.#acknowledged;
      this.#throwIfFailed();
      const { durable } = await this.#target.beginFlush();
      const epoch = chunk.epoch;
      // Failures are kept and reported by the next write or by close; the
      // coordinator is failed at once, which also stops the source.
      this.#acknowledged = durable.then(
        () => this.#acknowledgeEpoch(epoch),
        (reason: unknown) => {
          this.#failure ??= { reason };
          this.#epochs.fail(reason, epoch);
        },
      ).catch((reason: unknown) => {
        this.#failure ??= { reason };
      });
      return;
    }
    await this.#target.flush();
    this.#acknowledgeEpoch(chunk.epoch);
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.reason;
  }

  /** Throws the coordinator's EpochError if the pipeline already failed. */
  #acknowledgeEpoch(epoch: number): void {
    this.#epochs.acknowledge(epoch);
    const completed = this.#target.epochCompleted?.bind(this.#target);
    if (completed) {
      this.#hooks = this.#hooks
        .then(() => this.#epochs.whenComplete(epoch))
        .then(completed)
        .catch((reason: unknown) => {
          // reported by the next write or by close
          this.#failure ??= { reason };
        });
    }
  }

  async #guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.#epochs.fail(error);
      throw error;
    }
  }

  async #close(): Promise<void> {
    try {
      await this.#guard(async () => {
        await this.#target.flush();
        await this.#acknowledged;
        this.#throwIfFailed();
        this.#epochs.close();
        await this.#epochs.done();
        await this.#hooks;
        this.#throwIfFailed();
      });
    } catch (error) {
      await this.#target.abort?.(error);
      throw error;
    }
    await this.#target.close?.();
  }

  async #abort(reason: unknown): Promise<void> {
    this.#epochs.fail(reason);
    await this.#stopTarget(reason);
  }

  /** The target's abort, once: the abort signal and the stream's abort() both ask for it. */
  #stopTarget(reason: unknown): Promise<void> {
    this.#targetStopped ??= Promise.resolve().then(() => this.#target.abort?.(reason));
    return this.#targetStopped;
  }
}

/** Shorthand for `new CheckpointSinkStream(target, epochs)`. */
export function checkpointSink<T>(target: CheckpointSink<T>, epochs: EpochAcknowledger): CheckpointSinkStream<T> {
  return new CheckpointSinkStream(target, epochs);
}
