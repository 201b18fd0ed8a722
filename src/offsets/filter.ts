import type { Flow } from "./flow.ts";

/**
 * Keeps the records for which `predicate` is true (the same objects: origin
 * and identity are kept). Batches left empty are dropped; barriers always pass.
 *
 * @example
 * flow.pipeThrough(filter((r: Rec) => r.tags === "paid"));
 */
export class FilterStream<T, S extends T = T> extends TransformStream<Flow<T>, Flow<S>> {
  constructor(
    predicate: ((record: T) => record is S) | ((record: T) => boolean),
    writableStrategy?: QueuingStrategy<Flow<T>>,
    readableStrategy?: QueuingStrategy<Flow<S>>,
  ) {
    super(
      {
        transform(chunk, controller) {
          if (chunk.kind === "barrier") return controller.enqueue(chunk);
          const input = chunk.records;
          const kept: S[] = [];
          for (let i = 0; i < input.length; i++) {
            const record = input[i]!;
            if (predicate(record)) kept.push(record as S);
          }
          // all kept: forward the very same batch object
          if (kept.length === input.length) {
            if (kept.length > 0) controller.enqueue(chunk as Flow<S>);
          } else if (kept.length > 0) {
            controller.enqueue({ kind: "batch", records: kept });
          }
        },
      },
      writableStrategy,
      readableStrategy,
    );
  }
}

/** Shorthand for `new FilterStream(predicate)`; narrows with a type guard. */
export function filter<T, S extends T>(predicate: (record: T) => record is S): FilterStream<T, S>;
export function filter<T>(predicate: (record: T) => boolean): FilterStream<T, T>;
export function filter<T>(predicate: (record: T) => boolean): FilterStream<T, T> {
  return new FilterStream<T, T>(predicate);
}
