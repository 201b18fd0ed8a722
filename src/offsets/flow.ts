/**
 * What flows between the stages of a checkpointed pipeline.
 *
 * The hot path moves records in batches (one promise per chunk costs far more
 * than a loop over an array, DESIGN §4), and barriers travel between batches.
 * A bare record never flows on its own: a stage that wants one record per
 * chunk uses `unbatch()`, which emits batches of one.
 */
import type { MessageQueue } from "./message-queue.ts";

/** A run of records, all emitted between the same two barriers. */
export interface Batch<T> {
  readonly kind: "batch";
  readonly records: readonly T[];
}

/**
 * The end of epoch `epoch`. Everything before it in the flow belongs to the
 * epoch; once the sink has made that durable, the offsets below may be stored.
 */
export interface Barrier {
  readonly kind: "barrier";
  /** Epoch number: 1, 2, 3... continuing from the last completed epoch after a restore. */
  readonly epoch: number;
  /**
   * Per queue key ({@link queueKey}) the NEXT offset to consume: the highest
   * queue offset emitted before this barrier plus one. Cumulative: it holds
   * every queue seen since the pipeline started, restored ones included.
   */
  readonly offsets: ReadonlyMap<string, number>;
  /** Records the checkpoint stream emitted in this epoch. */
  readonly records: number;
  /** Body bytes of those records (0 for records without a `body`). */
  readonly bytes: number;
  /** When the barrier was injected (ms since the Unix epoch). */
  readonly createdAt: number;
}

/** One chunk of a checkpointed flow. */
export type Flow<T> = Batch<T> | Barrier;

/**
 * The minimum a source record must carry for offsets to be tracked: its queue
 * and its queue offset. The source's full record type extends this.
 */
export interface HasOrigin {
  readonly queue: MessageQueue;
  readonly queueOffset: number;
  /** Optional: counted into the epoch's `bytes` metric. */
  readonly body?: { readonly byteLength: number };
}

/**
 * Wraps records as a batch chunk.
 *
 * @example
 * writer.write(batchOf([record1, record2]));
 */
export function batchOf<T>(records: readonly T[]): Batch<T> {
  return { kind: "batch", records };
}

/** True for barriers; narrows a chunk. */
export function isBarrier<T>(chunk: Flow<T>): chunk is Barrier {
  return chunk.kind === "barrier";
}
