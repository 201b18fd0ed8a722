import type { Flow } from "./flow.ts";

/**
 * Applies `fn` to every record; barriers pass through unchanged and in order.
 * One output batch per input batch. A throw from `fn` errors the stream.
 *
 * @example
 * flow.pipeThrough(map((r: Rec) => ({ ...r, value: r.value.toUpperCase() })));
 */
export class MapStream<T, U> extends TransformStream<Flow<T>, Flow<U>> {
  constructor(
    fn: (record: T) => U,
    writableStrategy?: QueuingStrategy<Flow<T>>,
    readableStrategy?: QueuingStrategy<Flow<U>>,
  ) {
    super(
      {
        transform(chunk, controller) {
          if (chunk.kind === "barrier") return controller.enqueue(chunk);
          const input = chunk.records;
          const output = new Array<U>(input.length);
          for (let i = 0; i < input.length; i++) output[i] = fn(input[i]!);
          if (output.length > 0) controller.enqueue({ kind: "batch", records: output });
        },
      },
      writableStrategy,
      readableStrategy,
    );
  }
}

/** Shorthand for `new MapStream(fn)`. */
export function map<T, U>(fn: (record: T) => U): MapStream<T, U> {
  return new MapStream(fn);
}
