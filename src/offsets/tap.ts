import type { Barrier, Flow } from "./flow.ts";

/**
 * Calls `fn` for every record and `onBarrier` for every barrier, then passes
 * the chunk on unchanged (the same object; empty batches are dropped). For
 * logging and metrics.
 *
 * @example
 * flow.pipeThrough(tap((r: Rec) => seen++, (b) => console.log("epoch", b.epoch)));
 */
export class TapStream<T> extends TransformStream<Flow<T>, Flow<T>> {
  constructor(
    fn: (record: T) => void,
    onBarrier?: (barrier: Barrier) => void,
    writableStrategy?: QueuingStrategy<Flow<T>>,
    readableStrategy?: QueuingStrategy<Flow<T>>,
  ) {
    super(
      {
        transform(chunk, controller) {
          if (chunk.kind === "barrier") onBarrier?.(chunk);
          else if (chunk.records.length === 0) return; // like every operator: no empty batches
          else for (const record of chunk.records) fn(record);
          controller.enqueue(chunk);
        },
      },
      writableStrategy,
      readableStrategy,
    );
  }
}

/** Shorthand for `new TapStream(fn, onBarrier)`. */
export function tap<T>(fn: (record: T) => void, onBarrier?: (barrier: Barrier) => void): TapStream<T> {
  return new TapStream(fn, onBarrier);
}
