import type { Flow } from "./flow.ts";

/**
 * Splits every batch into batches of one record, for stages that want one
 * record per chunk (per-record backpressure or latency). Barriers pass in
 * order; records keep their identity. Costs a chunk per record: use it only
 * where that is the point.
 *
 * @example
 * flow.pipeThrough(unbatch()).pipeTo(slowPerRecordSink);
 */
export class UnbatchStream<T> extends TransformStream<Flow<T>, Flow<T>> {
  constructor(writableStrategy?: QueuingStrategy<Flow<T>>, readableStrategy?: QueuingStrategy<Flow<T>>) {
    super(
      {
        transform(chunk, controller) {
          if (chunk.kind === "barrier" || chunk.records.length === 1) return controller.enqueue(chunk);
          for (const record of chunk.records) controller.enqueue({ kind: "batch", records: [record] });
        },
      },
      writableStrategy,
      readableStrategy,
    );
  }
}

/** Shorthand for `new UnbatchStream()`. */
export function unbatch<T>(): UnbatchStream<T> {
  return new UnbatchStream();
}
