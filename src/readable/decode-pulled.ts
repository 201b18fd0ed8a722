/**
 * Turns one pull result into source records under the decode-failure policy,
 * and sends `dead-letter` failures on. One synchronous pass per batch.
 */
import * as E from "fp-ts/lib/Either.js";
import type { DecodeFailedError } from "../errors.ts";
import type { MessageQueue } from "../offsets/message-queue.ts";
import type { RemotingClient } from "../remoting/client.ts";
import type { MessageExt } from "../remoting/message/message-ext.ts";
import { userProperties } from "../remoting/message/properties.ts";
import { toDecodeFailedError } from "../serde/decode-error.ts";
import { decodeBatch, type DecodeFailure, type DecodeFailurePolicy } from "../serde/decode-policy.ts";
import type { KeyValueDeserializationSchema } from "../serde/schema.ts";
import { recordOf, type SourceRecord } from "./source-record.ts";

const utf8 = new TextEncoder();

export interface DecodedPull<T> {
  readonly records: Array<SourceRecord<T>>;
  readonly skipped: number;
  readonly deadLetters: Array<DecodeFailure<MessageExt>>;
}

/** Decodes `messages` of `queue`; `Left` is the error that must stop the stream (policy `fail`). */
export function decodePulled<T>(
  messages: readonly MessageExt[],
  queue: MessageQueue,
  schema: KeyValueDeserializationSchema<T>,
  policy: DecodeFailurePolicy,
): E.Either<DecodeFailedError, DecodedPull<T>> {
  const decoded = decodeBatch(messages, (m) => {
    const record = recordOf<T>(m, queue);
    const keys = m.properties.KEYS;
    const result = schema.deserialize(keys === undefined ? undefined : utf8.encode(keys), m.body, record);
    if (E.isLeft(result)) return result;
    record.value = result.right;
    return E.right(record as SourceRecord<T>);
  }, policy);
  if (E.isLeft(decoded)) {
    const { error, record: m } = decoded.left;
    return E.left(toDecodeFailedError(error, recordOf(m, queue), m.body));
  }
  return E.right({ records: decoded.right.values, skipped: decoded.right.skipped, deadLetters: decoded.right.deadLetters });
}

/**
 * Sends records that failed to decode to `topic`, with their original body,
 * tags, keys and user properties, plus where they came from and why.
 */
export async function sendDeadLetters(
  client: RemotingClient,
  topic: string,
  producerGroup: string,
  failures: ReadonlyArray<DecodeFailure<MessageExt>>,
): Promise<void> {
  const queues = await client.writableQueues(topic);
  let i = 0;
  for (const { error, record: m } of failures) {
    const mq = queues[i++ % queues.length]!;
    await client.send(mq, {
      body: m.body,
      tags: m.tags,
      keys: m.keys.length > 0 ? m.keys : undefined,
      properties: {
        ...userProperties(m.properties),
        DLQ_ORIGIN_TOPIC: m.topic,
        DLQ_ORIGIN_QUEUE_ID: String(m.queueId),
        DLQ_ORIGIN_QUEUE_OFFSET: String(m.queueOffset),
        DLQ_ORIGIN_MSG_ID: m.msgId,
        DLQ_DECODE_ERROR: error.message.slice(0, 512),
      },
    }, { producerGroup });
  }
}
