/**
 * What the source emits: the decoded value with everything known about
 * where it came from. It is also the `RecordMetadata` the deserializer sees,
 * and it satisfies the checkpoint contract (`HasOrigin`).
 */
import type { MessageQueue } from "../offsets/message-queue.ts";
import type { MessageExt } from "../remoting/message/message-ext.ts";
import type { RecordMetadata } from "../serde/record-metadata.ts";

export interface SourceRecord<T> extends RecordMetadata {
  readonly value: T;
  /** The queue, one shared object per queue (checkpoint streams cache its key). */
  readonly queue: MessageQueue;
  readonly queueOffset: number;
  readonly keys: readonly string[];
  /** The raw message body (uncompressed). */
  readonly body: Uint8Array;
  readonly reconsumeTimes: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The record for `m` before its value is decoded (`value` is filled in by the source). */
export function recordOf<T>(m: MessageExt, queue: MessageQueue): Mutable<SourceRecord<T>> {
  return {
    value: undefined as T,
    queue,
    topic: m.topic,
    tags: m.tags,
    keys: m.keys,
    brokerName: queue.brokerName,
    queueId: queue.queueId,
    queueOffset: m.queueOffset,
    msgId: m.msgId,
    bornTimestamp: m.bornTimestamp,
    storeTimestamp: m.storeTimestamp,
    properties: m.properties,
    body: m.body,
    reconsumeTimes: m.reconsumeTimes,
  };
}
