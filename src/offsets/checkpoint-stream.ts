/**
 * The checkpoint TransformStream: placed right after the source, it tracks
 * per-queue next offsets of everything it passes on and injects barriers.
 */
import { checkDurationMs } from "../config/duration.ts";
import { InputError } from "../errors.ts";
import type { Barrier, Batch, Flow, HasOrigin } from "./flow.ts";
import { type MessageQueue, queueKey } from "./message-queue.ts";
import { cancellable } from "./transformer.ts";

/** Where the stream starts: the last completed epoch and its offsets. */
export interface CheckpointStart {
  readonly epoch: number;
  readonly offsets: ReadonlyMap<string, number>;
}

export interface CheckpointStreamOptions {
  /** Inject a barrier this often (ms), if records flowed since the last one. */
  readonly intervalMs: number;
  /**
   * The restored state, or a promise of it (undefined: a fresh start at epoch 1).
   * The stream waits for it before passing on any record, so the source can
   * restore while the pipeline is being built.
   */
  readonly start?: CheckpointStart | undefined | Promise<CheckpointStart | undefined>;
  /** Called synchronously with each barrier as it is injected (the coordinator registers it). */
  readonly onBarrier?: (barrier: Barrier) => void;
  /** Aborting errors the stream with the signal's reason (the coordinator's EpochError). */
  readonly signal?: AbortSignal;
  readonly writableStrategy?: QueuingStrategy<Batch<unknown>>;
  readonly readableStrategy?: QueuingStrategy<Flow<unknown>>;
}

/**
 * Passes batches through unchanged (same objects) and injects a barrier every
 * `intervalMs` when records flowed, on {@link requestCheckpoint}, and once at
 * the end of input, so the last records are checkpointed too.
 *
 * Records must implement {@link HasOrigin}. A barrier's offsets are the max
 * `queueOffset + 1` per queue over all records passed before it.
 *
 * @example
 * const checkpoints = new CheckpointStream<MyRecord>({ intervalMs: 1000 });
 * source.pipeThrough(checkpoints).pipeThrough(map(f)).pipeTo(sink);
 */
export class CheckpointStream<T extends HasOrigin> extends TransformStream<Batch<T>, Flow<T>> {
  #controller: TransformStreamDefaultController<Flow<T>>;
  #intervalMs: number;
  #onBarrier: ((barrier: Barrier) => void) | undefined;
  #offsets = new Map<string, number>();
  #epoch = 0;
  #records = 0;
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #ended = false;
  #waiting: Array<{ resolve: (barrier: Barrier) => void; reject: (reason: unknown) => void }> = [];
  #lastQueue: MessageQueue | undefined;
  #lastKey = "";
  #signal: AbortSignal | undefined;
  #onAbort = (): void => this.#fail(this.#signal?.reason);

  constructor(options: CheckpointStreamOptions) {
    const intervalMs = checkDurationMs("intervalMs", options.intervalMs);
    let controller: TransformStreamDefaultController<Flow<T>> | undefined;
    super(
      cancellable<Batch<T>, Flow<T>>({
        start: (c) => {
          controller = c;
          // start runs inside super(), before `this` exists: only the
          // asynchronous continuation may touch it.
          return Promise.resolve(options.start).then((start) => this.#begin(start));
        },
        transform: (batch) => this.#guard(() => this.#pass(batch)),
        flush: () => this.#guard(() => this.#end()),
        cancel: (reason) => this.#stop(reason),
      }),
      options.writableStrategy as QueuingStrategy<Batch<T>> | undefined,
      options.readableStrategy as QueuingStrategy<Flow<T>> | undefined,
    );
    this.#controller = controller!;
    this.#intervalMs = intervalMs;
    this.#onBarrier = options.onBarrier;
    this.#signal = options.signal;
    if (this.#signal?.aborted) queueMicrotask(this.#onAbort);
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Epoch number of the last barrier injected (the restored epoch before the first). */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Injects a barrier now, even if no record flowed since the last one.
   * Resolves with the barrier once it is in the flow (after the restored
   * state has loaded); rejects if the stream ended or failed first.
   */
  requestCheckpoint(): Promise<Barrier> {
    if (this.#ended) return Promise.reject(new InputError("the checkpoint stream has ended", "requestCheckpoint"));
    if (this.#running) return Promise.resolve(this.#inject());
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #begin(start: CheckpointStart | undefined): void {
    if (this.#ended) return;
    if (start) {
      if (!Number.isSafeInteger(start.epoch) || start.epoch < 0) {
        throw new InputError(`restored epoch must be a non-negative integer, got ${start.epoch}`, "epoch", start.epoch);
      }
      this.#epoch = start.epoch;
      for (const [key, offset] of start.offsets) this.#offsets.set(key, offset);
    }
    this.#running = true;
    const waiting = this.#waiting.splice(0);
    for (const w of waiting) w.resolve(this.#inject());
    this.#arm();
  }

  /** A throw errors the stream without calling cancel: stop the timer here. */
  #guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.#stop(error);
      throw error;
    }
  }

  #pass(batch: Batch<T>): void {
    if (batch.kind !== "batch") {
      throw new InputError("the checkpoint stream takes batches from the source, not barriers", "chunk", batch.kind);
    }
    const records = batch.records;
    if (records.length === 0) return;
    // Batches usually hold runs of one queue with rising offsets: keep the
    // run's max in locals and touch the map once per run, not per record.
    let queue: MessageQueue | undefined;
    let runMax = -1;
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const offset = record.queueOffset;
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new InputError(`queueOffset must be a non-negative integer, got ${offset}`, "queueOffset", offset);
      }
      if (record.queue !== queue) {
        if (queue !== undefined) this.#advance(queue, runMax);
        queue = record.queue;
        runMax = offset;
      } else if (offset > runMax) {
        runMax = offset;
      }
      const body = record.body;
      if (body !== undefined) bytes += body.byteLength;
    }
    this.#advance(queue!, runMax);
    this.#records += records.length;
    this.#bytes += bytes;
    this.#controller.enqueue(batch);
  }

  /** Raises the queue's next offset to `maxOffset + 1`. */
  #advance(queue: MessageQueue, maxOffset: number): void {
    // Sources reuse one MessageQueue object per queue, so caching the last
    // key skips nearly every string build.
    let key = this.#lastKey;
    if (queue !== this.#lastQueue) {
      key = queueKey(queue);
      this.#lastQueue = queue;
      this.#lastKey = key;
    }
    const next = maxOffset + 1;
    const known = this.#offsets.get(key);
    if (known === undefined || next > known) this.#offsets.set(key, next);
  }

  #inject(): Barrier {
    const barrier: Barrier = {
      kind: "barrier",
      epoch: ++this.#epoch,
      offsets: new Map(this.#offsets),
      records: this.#records,
      bytes: this.#bytes,
      createdAt: Date.now(),
    };
    this.#records = 0;
    this.#bytes = 0;
    this.#onBarrier?.(barrier);
    this.#controller.enqueue(barrier);
    this.#arm();
    return barrier;
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), this.#intervalMs);
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#ended) return;
    if (this.#records === 0) return this.#arm();
    try {
      this.#inject();
    } catch (error) {
      // enqueue throws only when the stream already failed; onBarrier may throw too
      this.#fail(error);
    }
  }

  #end(): void {
    if (this.#running && this.#records > 0) this.#inject();
    this.#stop(new InputError("the checkpoint stream has ended", "requestCheckpoint"));
  }

  #fail(reason: unknown): void {
    if (this.#ended) return;
    this.#stop(reason);
    // a no-op when the stream already closed or errored
    this.#controller.error(reason);
  }

  #stop(reason: unknown): void {
    this.#ended = true;
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    for (const w of this.#waiting.splice(0)) w.reject(reason);
  }
}
