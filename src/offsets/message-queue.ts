/**
 * The unit RocketMQ stores and consumes by: one queue of one topic on one
 * broker. Offsets, snapshots and commits are all keyed per queue.
 */
import { InputError } from "../errors.ts";

/** One queue of a topic on a broker, as the remoting protocol names it. */
export interface MessageQueue {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

/**
 * The stable string key of a queue: `topic@brokerName@queueId`.
 *
 * Topic names cannot contain `@` and queue ids are integers, so the key is
 * unambiguous even when a broker name contains `@`: the first `@` ends the
 * topic and the last one starts the queue id. Keys are what snapshots and
 * barriers store, so this format is part of the on-disk contract: never change it.
 *
 * @example
 * queueKey({ topic: "orders", brokerName: "broker-a", queueId: 3 }); // "orders@broker-a@3"
 */
export function queueKey(mq: MessageQueue): string {
  if (mq.topic.length === 0 || mq.topic.includes("@")) {
    throw new InputError(`topic ${JSON.stringify(mq.topic)} cannot be part of a queue key`, "topic", mq.topic);
  }
  if (!Number.isSafeInteger(mq.queueId) || mq.queueId < 0) {
    throw new InputError(`queueId must be a non-negative integer, got ${mq.queueId}`, "queueId", mq.queueId);
  }
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}

/**
 * The inverse of {@link queueKey}: the source uses it to turn a restored
 * snapshot's keys back into queues.
 *
 * @example
 * parseQueueKey("orders@broker-a@3"); // { topic: "orders", brokerName: "broker-a", queueId: 3 }
 */
export function parseQueueKey(key: string): MessageQueue {
  const first = key.indexOf("@");
  const last = key.lastIndexOf("@");
  const idText = key.slice(last + 1);
  const queueId = Number(idText);
  if (first <= 0 || last === first || !/^\d+$/.test(idText) || !Number.isSafeInteger(queueId)) {
    throw new InputError(`not a queue key: ${JSON.stringify(key)} (expected topic@brokerName@queueId)`, "key", key);
  }
  return { topic: key.slice(0, first), brokerName: key.slice(first + 1, last), queueId };
}
