/**
 * The source's bookkeeping for one queue it currently reads: which member
 * owns it, where the next pull starts, and what may be committed.
 */
import type { MessageQueue } from "../offsets/message-queue.ts";
import type { GroupMember } from "./group-member.ts";
import type { SourceRecord } from "./source-record.ts";
import type { DecodedPull } from "./decode-pulled.ts";

export interface QueueState {
  readonly key: string;
  readonly mq: MessageQueue;
  readonly member: GroupMember;
  /** Where the next pull starts. */
  nextOffset: number;
  /** One past the last record emitted into the stream (0 records emitted: where reading began). */
  emittedOffset: number;
  /** What the broker last confirmed for this queue (undefined: nothing committed by this source). */
  committedOffset: number | undefined;
  /** A pull is in flight, or its result waits to be emitted: no second pull of this queue. */
  busy: boolean;
  /** False once the queue was given up: late pull results are dropped. */
  live: boolean;
}

/** A pulled, decoded batch waiting for the consumer to ask for it. */
export interface ReadyPull<T> {
  readonly state: QueueState;
  readonly decoded: DecodedPull<T>;
  /** The pull's nextBeginOffset: the emitted offset once the batch is enqueued. */
  readonly next: number;
}

export function newQueueState(mq: MessageQueue, key: string, member: GroupMember, offset: number): QueueState {
  return { key, mq, member, nextOffset: offset, emittedOffset: offset, committedOffset: undefined, busy: false, live: true };
}

export type { SourceRecord };
