import { BarrierViolationError, InputError } from "../errors.ts";
import type { Barrier, Flow } from "./flow.ts";
import { cancellable } from "./transformer.ts";

/**
 * How far a lifted transform can be trusted around barriers.
 * - `one-to-one`: exactly one output per input record. Checked at every
 *   barrier: a record held across it, or an extra output, errors the stream
 *   with {@link BarrierViolationError}.
 * - `trusted`: any number of outputs per input; the caller vouches that the
 *   transform emits every output during the `transform()` call of its input
 *   (never later, never from `flush()`). Nothing can be checked.
 */
export const LiftModes = { oneToOne: "one-to-one", trusted: "trusted" } as const;
export type LiftMode = (typeof LiftModes)[keyof typeof LiftModes];

export interface LiftOptions {
  readonly mode: LiftMode;
}

/**
 * Runs a plain per-record `TransformStream<T, U>` inside a checkpointed flow.
 *
 * Records of each batch are written into `inner`; its outputs are collected
 * into batches. On a barrier, the lifted stream waits until `inner` has
 * finished `transform()` for every record before the barrier, takes all the
 * output produced so far, and only then passes the barrier on.
 *
 * What makes a transform unsafe: holding a record across a barrier (buffering,
 * windowing, emitting later from a timer or from `flush()`). The barrier would
 * then claim the record's offset while its output exists only in memory, and
 * a crash would lose it. Such transforms need their own barrier handling.
 *
 * @example
 * const upper = new TransformStream<string, string>({ transform: (s, c) => c.enqueue(s.toUpperCase()) });
 * flow.pipeThrough(liftTransform(upper, { mode: "one-to-one" }));
 */
export class LiftedTransform<T, U> extends TransformStream<Flow<T>, Flow<U>> {
  #mode: LiftMode;
  #writer: WritableStreamDefaultWriter<T>;
  #reader: ReadableStreamDefaultReader<U>;
  #output: U[] = [];
  #recordsIn = 0;
  #recordsOut = 0;
  #pumped: Promise<void>;

  constructor(inner: TransformStream<T, U>, options: LiftOptions) {
    const mode = options.mode;
    if (mode !== LiftModes.oneToOne && mode !== LiftModes.trusted) {
      throw new InputError(`unknown lift mode ${JSON.stringify(mode)}`, "mode", mode);
    }
    let controller: TransformStreamDefaultController<Flow<U>> | undefined;
    super(cancellable<Flow<T>, Flow<U>>({
      // start runs inside super(), before `this` exists
      start: (c) => void (controller = c),
      transform: (chunk, c) =>
        this.#take(chunk, c).catch(async (error: unknown) => {
          // the lifted stream is failing: let the inner one go too
          await this.#cancel(error);
          throw error;
        }),
      flush: (c) => this.#end(c),
      cancel: (reason) => this.#cancel(reason),
    }));
    this.#mode = mode;
    this.#writer = inner.writable.getWriter();
    this.#reader = inner.readable.getReader();
    const outer = controller!;
    // an inner failure errors the lifted stream even while no chunk is pending
    this.#pumped = this.#pump().catch((error: unknown) => outer.error(error));
  }

  async #pump(): Promise<void> {
    for (;;) {
      const { done, value } = await this.#reader.read();
      if (done) return;
      this.#output.push(value);
      this.#recordsOut++;
    }
  }

  async #take(chunk: Flow<T>, controller: TransformStreamDefaultController<Flow<U>>): Promise<void> {
    if (chunk.kind === "barrier") return this.#atBarrier(chunk, controller);
    const records = chunk.records;
    if (records.length === 0) return;
    let last: Promise<void> | undefined;
    for (const record of records) {
      // Only the last write is awaited: writes settle in order, so it settles
      // after the others, and rejects with the same error if the inner stream
      // fails (which also reaches the pump). The others' rejections are that
      // same error, reported once through `last`.
      last?.catch(() => {});
      last = this.#writer.write(record);
      this.#recordsIn++;
    }
    await last;
    this.#emitOutput(controller);
  }

  async #atBarrier(barrier: Barrier, controller: TransformStreamDefaultController<Flow<U>>): Promise<void> {
    // every write before this barrier already settled in #take; give the pump
    // one macrotask to read what those transform() calls enqueued
    if (this.#mode === LiftModes.trusted || this.#recordsOut !== this.#recordsIn) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    this.#emitOutput(controller);
    if (this.#mode === LiftModes.oneToOne && this.#recordsOut !== this.#recordsIn) {
      const held = this.#recordsIn > this.#recordsOut;
      throw new BarrierViolationError(
        held
          ? `lifted transform holds ${this.#recordsIn - this.#recordsOut} record(s) across barrier ${barrier.epoch}: a crash would lose them`
          : `lifted "one-to-one" transform emitted ${this.#recordsOut - this.#recordsIn} more record(s) than it received before barrier ${barrier.epoch}`,
        barrier.epoch,
        this.#recordsIn,
        this.#recordsOut,
      );
    }
    controller.enqueue(barrier);
  }

  #emitOutput(controller: TransformStreamDefaultController<Flow<U>>): void {
    if (this.#output.length === 0) return;
    const records = this.#output;
    this.#output = [];
    controller.enqueue({ kind: "batch", records });
  }

  async #end(controller: TransformStreamDefaultController<Flow<U>>): Promise<void> {
    await this.#writer.close();
    await this.#pumped;
    this.#emitOutput(controller);
  }

  async #cancel(reason: unknown): Promise<void> {
    await Promise.allSettled([this.#writer.abort(reason), this.#reader.cancel(reason)]);
  }
}

/** Shorthand for `new LiftedTransform(inner, options)`. */
export function liftTransform<T, U>(inner: TransformStream<T, U>, options: LiftOptions): LiftedTransform<T, U> {
  return new LiftedTransform(inner, options);
}
