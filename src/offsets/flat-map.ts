import type { Flow } from "./flow.ts";

/**
 * Replaces every record with the records `fn` returns (zero or more, from
 * any iterable). The outputs of one input batch form one output batch, so
 * they stay on the same side of every barrier as their input.
 *
 * @example
 * flow.pipeThrough(flatMap((r: Rec) => r.value.split("\n")));
 */
export class FlatMapStream<T, U> extends TransformStream<Flow<T>, Flow<U>> {
  constructor(
    fn: (record: T) => Iterable<U>,
    writableStrategy?: QueuingStrategy<Flow<T>>,
    readableStrategy?: QueuingStrategy<Flow<U>>,
  ) {
    super(
      {
        transform(chunk, controller) {
          if (chunk.kind === "barrier") return controller.enqueue(chunk);
          const output: U[] = [];
          for (const record of chunk.records) {
            for (const out of fn(record)) output.push(out);
          }
          if (output.length > 0) controller.enqueue({ kind: "batch", records: output });
        },
      },
      writableStrategy,
      readableStrategy,
    );
  }
}

/** Shorthand for `new FlatMapStream(fn)`. */
export function flatMap<T, U>(fn: (record: T) => Iterable<U>): FlatMapStream<T, U> {
  return new FlatMapStream(fn);
}
