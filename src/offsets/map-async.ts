import { InputError } from "../errors.ts";
import type { Barrier, Flow } from "./flow.ts";
import { cancellable } from "./transformer.ts";

export interface MapAsyncOptions {
  /** How many calls of `fn` may run at once (default 4). */
  readonly concurrency?: number;
}

/** One slot of the output queue: a batch being computed, or a barrier waiting its turn. */
type Pending<U> =
  | { readonly kind: "batch"; readonly results: U[]; remaining: number }
  | { readonly kind: "barrier"; readonly barrier: Barrier };

/**
 * Applies an async `fn` to every record with at most `concurrency` calls in
 * flight, across batch boundaries. Output keeps input order: one output batch
 * per input batch, emitted when all its records are done. A barrier is held
 * until every record before it is out, then passes. The first rejection (or
 * throw) errors the stream and aborts the `signal` given to calls in flight.
 *
 * Memory stays bounded: a new batch is accepted only once its records hold
 * call slots, so at most `concurrency` calls plus the batches they belong to
 * are pending.
 *
 * @example
 * flow.pipeThrough(mapAsync(async (r: Rec) => enrich(r), { concurrency: 16 }));
 */
export class MapAsyncStream<T, U> extends TransformStream<Flow<T>, Flow<U>> {
  #fn: (record: T, signal: AbortSignal) => Promise<U> | U;
  #concurrency: number;
  #controller: TransformStreamDefaultController<Flow<U>>;
  #queue: Pending<U>[] = [];
  #inFlight = 0;
  #slotFreed: (() => void) | undefined;
  #drained: (() => void) | undefined;
  #failure: { reason: unknown } | undefined;
  #abort = new AbortController();

  constructor(
    fn: (record: T, signal: AbortSignal) => Promise<U> | U,
    options: MapAsyncOptions = {},
    writableStrategy?: QueuingStrategy<Flow<T>>,
    readableStrategy?: QueuingStrategy<Flow<U>>,
  ) {
    const concurrency = options.concurrency ?? 4;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new InputError(`concurrency must be a positive integer, got ${concurrency}`, "concurrency", concurrency);
    }
    let controller: TransformStreamDefaultController<Flow<U>> | undefined;
    super(
      cancellable<Flow<T>, Flow<U>>({
        // start runs inside super(), before `this` exists
        start: (c) => void (controller = c),
        transform: (chunk) => this.#take(chunk),
        flush: () => this.#whenDrained(),
        cancel: (reason) => this.#stop(reason),
      }),
      writableStrategy,
      readableStrategy,
    );
    this.#controller = controller!;
    this.#fn = fn;
    this.#concurrency = concurrency;
  }

  async #take(chunk: Flow<T>): Promise<void> {
    if (chunk.kind === "barrier") {
      this.#queue.push({ kind: "barrier", barrier: chunk });
      return this.#emitReady();
    }
    const records = chunk.records;
    if (records.length === 0) return;
    const slot: Pending<U> = { kind: "batch", results: new Array<U>(records.length), remaining: records.length };
    this.#queue.push(slot);
    for (let i = 0; i < records.length; i++) {
      while (this.#inFlight >= this.#concurrency) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
      }
      if (this.#failure) throw this.#failure.reason;
      this.#start(records[i]!, slot, i);
    }
  }

  #start(record: T, slot: Pending<U> & { kind: "batch" }, index: number): void {
    this.#inFlight++;
    let result: Promise<U> | U;
    try {
      result = this.#fn(record, this.#abort.signal);
    } catch (error) {
      return this.#fail(error);
    }
    Promise.resolve(result).then(
      (value) => {
        if (this.#failure) return;
        slot.results[index] = value;
        slot.remaining--;
        this.#inFlight--;
        const wake = this.#slotFreed;
        this.#slotFreed = undefined;
        wake?.();
        this.#emitReady();
      },
      (error: unknown) => this.#fail(error),
    );
  }

  /** Emits finished batches and barriers from the head of the queue, in order. */
  #emitReady(): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const head = queue[0]!;
      if (head.kind === "batch") {
        if (head.remaining > 0) break;
        this.#controller.enqueue({ kind: "batch", records: head.results });
      } else {
        this.#controller.enqueue(head.barrier);
      }
      queue.shift();
    }
    if (queue.length === 0) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained?.();
    }
  }

  #whenDrained(): Promise<void> | void {
    if (this.#failure) throw this.#failure.reason;
    if (this.#queue.length === 0) return;
    return new Promise((resolve) => (this.#drained = resolve));
  }

  /** A call failed: error the stream, so the pipeline stops with `reason`. */
  #fail(reason: unknown): void {
    if (this.#failure) return;
    this.#controller.error(reason);
    this.#stop(reason);
  }

  /** Stop starting and emitting; abort the calls in flight. */
  #stop(reason: unknown): void {
    if (this.#failure) return;
    this.#failure = { reason };
    this.#queue = [];
    this.#abort.abort(reason);
    // unblock a transform waiting for a slot: it rethrows the failure
    const wake = this.#slotFreed;
    this.#slotFreed = undefined;
    wake?.();
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
  }
}

/** Shorthand for `new MapAsyncStream(fn, options)`. */
export function mapAsync<T, U>(
  fn: (record: T, signal: AbortSignal) => Promise<U> | U,
  options?: MapAsyncOptions,
): MapAsyncStream<T, U> {
  return new MapAsyncStream(fn, options);
}
