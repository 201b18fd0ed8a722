import type { EpochAcknowledger, EpochCompleted } from "./coordinator.ts";
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
  #hookFailure: { reason: unknown } | undefined;

  constructor(target: CheckpointSink<T>, epochs: EpochAcknowledger, strategy?: QueuingStrategy<Flow<T>>) {
    super(
      {
        write: (chunk) => (chunk.kind === "batch" && !this.#hookFailure ? this.#writeBatch(chunk.records) : this.#guard(() => this.#write(chunk))),
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
    if (this.#hookFailure) throw this.#hookFailure.reason;
    if (chunk.kind === "batch") return this.#target.write(chunk.records);
    await this.#target.flush();
    this.#epochs.acknowledge(chunk.epoch);
    const completed = this.#target.epochCompleted?.bind(this.#target);
    if (completed) {
      const epoch = chunk.epoch;
      this.#hooks = this.#hooks
        .then(() => this.#epochs.whenComplete(epoch))
        .then(completed)
        .catch((reason: unknown) => {
          // reported by the next write or by close
          this.#hookFailure ??= { reason };
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
        this.#epochs.close();
        await this.#epochs.done();
        await this.#hooks;
        if (this.#hookFailure) throw this.#hookFailure.reason;
      });
    } catch (error) {
      await this.#target.abort?.(error);
      throw error;
    }
    await this.#target.close?.();
  }

  async #abort(reason: unknown): Promise<void> {
    this.#epochs.fail(reason);
    await this.#target.abort?.(reason);
  }
}

/** Shorthand for `new CheckpointSinkStream(target, epochs)`. */
export function checkpointSink<T>(target: CheckpointSink<T>, epochs: EpochAcknowledger): CheckpointSinkStream<T> {
  return new CheckpointSinkStream(target, epochs);
}
