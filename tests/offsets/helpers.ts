/** Small tools for the offsets tests: build flows, run them through a stream, read them back. */
import type { Barrier, Batch, Flow, HasOrigin } from "../../src/offsets/flow.ts";
import type { MessageQueue } from "../../src/offsets/message-queue.ts";

export interface Rec extends HasOrigin {
  readonly value: string;
}

const queues = new Map<string, MessageQueue>();

/** The shared MessageQueue object of (topic, queueId), as a source would reuse it. */
export function mq(topic: string, queueId: number, brokerName = "broker-a"): MessageQueue {
  const key = `${topic}/${brokerName}/${queueId}`;
  let queue = queues.get(key);
  if (!queue) queues.set(key, (queue = { topic, brokerName, queueId }));
  return queue;
}

/** A source record with its origin and a body of `value`'s length. */
export function rec(topic: string, queueId: number, queueOffset: number, value = `${topic}:${queueId}:${queueOffset}`): Rec {
  return { queue: mq(topic, queueId), queueOffset, value, body: new TextEncoder().encode(value) };
}

export function batch<T>(...records: T[]): Batch<T> {
  return { kind: "batch", records };
}

/** A test barrier (no offsets: operators must not look at them). */
export function barrier(epoch: number): Barrier {
  return { kind: "barrier", epoch, offsets: new Map(), records: 0, bytes: 0, createdAt: 0 };
}

/** A stream that emits `chunks` and closes. */
export function fromChunks<T>(chunks: Iterable<T>): ReadableStream<T> {
  const it = chunks[Symbol.iterator]();
  return new ReadableStream<T>({
    pull(controller) {
      const next = it.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

/** Every chunk `stream` emits until it closes (rejects if it errors). */
export async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

/** Pipes `chunks` through `transform` and collects the output. */
export function run<I, O>(chunks: Iterable<I>, transform: ReadableWritablePair<O, I>): Promise<O[]> {
  return collect(fromChunks(chunks).pipeThrough(transform));
}

/** The records between barriers: one array per segment, barriers' epochs in between. */
export function segments<T>(flow: readonly Flow<T>[]): { records: T[][]; epochs: number[] } {
  const records: T[][] = [[]];
  const epochs: number[] = [];
  for (const chunk of flow) {
    if (chunk.kind === "barrier") {
      epochs.push(chunk.epoch);
      records.push([]);
    } else {
      records[records.length - 1]!.push(...chunk.records);
    }
  }
  return { records, epochs };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the rejection reason of `promise`, or fails if it fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}
