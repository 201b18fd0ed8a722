import { InputError } from "../errors.ts";
import type { Batch, Flow } from "./flow.ts";
import { cancellable } from "./transformer.ts";

/**
 * Re-chunks records into batches of `size`: small batches are merged, large
 * ones split. A barrier first emits the partial batch in hand (a batch never
 * spans a barrier), then itself. With `maxWaitMs`, a partial batch is also
 * emitted once its first record has waited that long, so a trickle of
 * records is not held back indefinitely.
 *
 * Records keep their identity: only the arrays around them change.
 *
 * @example
 * flow.pipeThrough(batch(500, 50)).pipeTo(sink); // up to 500 records, at most 50 ms late
 */
export class BatchStream<T> extends TransformStream<Flow<T>, Flow<T>> {
  #size: number;
  #maxWaitMs: number | undefined;
  #pending: T[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #controller: TransformStreamDefaultController<Flow<T>>;

  constructor(
    size: number,
    maxWaitMs?: number,
    writableStrategy?: QueuingStrategy<Flow<T>>,
    readableStrategy?: QueuingStrategy<Flow<T>>,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new InputError(`batch size must be a positive integer, got ${size}`, "size", size);
    }
    if (maxWaitMs !== undefined && (!Number.isFinite(maxWaitMs) || maxWaitMs < 0)) {
      throw new InputError(`maxWaitMs must be a non-negative number, got ${maxWaitMs}`, "maxWaitMs", maxWaitMs);
    }
    let controller: TransformStreamDefaultController<Flow<T>> | undefined;
    super(
      cancellable<Flow<T>, Flow<T>>({
        // start runs inside super(), before `this` exists
        start: (c) => void (controller = c),
        transform: (chunk, controller) => this.#take(chunk, controller),
        flush: (controller) => this.#emitPending(controller),
        cancel: () => this.#disarm(),
      }),
      writableStrategy,
      readableStrategy,
    );
    this.#controller = controller!;
    this.#size = size;
    this.#maxWaitMs = maxWaitMs;
  }

  #take(chunk: Flow<T>, controller: TransformStreamDefaultController<Flow<T>>): void {
    if (chunk.kind === "barrier") {
      this.#emitPending(controller);
      return controller.enqueue(chunk);
    }
    const records = chunk.records;
    const size = this.#size;
    // fast path: an exact-size batch with nothing pending passes as is
    if (this.#pending.length === 0 && records.length === size) return controller.enqueue(chunk as Batch<T>);
    for (let i = 0; i < records.length; i++) {
      this.#pending.push(records[i]!);
      if (this.#pending.length === size) this.#emitPending(controller);
    }
    if (this.#pending.length > 0 && this.#timer === undefined && this.#maxWaitMs !== undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#emitPending(this.#controller);
      }, this.#maxWaitMs);
    }
  }

  #emitPending(controller: TransformStreamDefaultController<Flow<T>>): void {
    this.#disarm();
    if (this.#pending.length === 0) return;
    const records = this.#pending;
    this.#pending = [];
    controller.enqueue({ kind: "batch", records });
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Shorthand for `new BatchStream(size, maxWaitMs)`. */
export function batch<T>(size: number, maxWaitMs?: number): BatchStream<T> {
  return new BatchStream(size, maxWaitMs);
}
