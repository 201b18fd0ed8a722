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
import { decodeError, toDecodeFailedError } from "../serde/decode-error.ts";
import { decodeBatch, type DecodeFailure, type DecodeFailurePolicy } from "../serde/decode-policy.ts";
import type { KeyValueDeserializationSchema } from "../serde/schema.ts";
import { recordOf, type SourceRecord } from "./source-record.ts";

const utf8 = new TextEncoder();

/** Dead-letter property holding the stored sysFlag of a message sent on still compressed. */
export const DLQ_ORIGIN_SYS_FLAG = "DLQ_ORIGIN_SYS_FLAG";

export interface DecodedPull<T> {
  /** Under `fail`, only the records before `failure`. */
  readonly records: Array<SourceRecord<T>>;
  readonly skipped: number;
  readonly deadLetters: Array<DecodeFailure<MessageExt>>;
  /** Policy `fail`: the first message that did not decode; the stream errors with it once `records` are delivered. */
  readonly failure?: DecodeFailedError;
  /** The queue offset of the failed message: where the queue stops (and a restart reads again). */
  readonly failedOffset?: number;
}

/**
 * Decodes `messages` of `queue` under `policy`. A message the transport could
 * not decode (its `decodeError`: unknown codec, corrupt compressed body, ...)
 * is a failure like one the schema refuses, handled per message.
 */
export function decodePulled<T>(
  messages: readonly MessageExt[],
  queue: MessageQueue,
  schema: KeyValueDeserializationSchema<T>,
  policy: DecodeFailurePolicy,
): DecodedPull<T> {
  const decoded = decodeBatch(messages, (m) => {
    if (m.decodeError !== undefined) return E.left(decodeError("body", m.body, m.decodeError.message));
    const record = recordOf<T>(m, queue);
    const keys = m.properties.KEYS;
    const result = schema.deserialize(keys === undefined ? undefined : utf8.encode(keys), m.body, record);
    if (E.isLeft(result)) return result;
    record.value = result.right;
    return E.right(record as SourceRecord<T>);
  }, policy);
  const { values: records, skipped, deadLetters, failed } = decoded;
  if (failed === undefined) return { records, skipped, deadLetters };
  const m = failed.record;
  const failure = toDecodeFailedError(failed.error, recordOf(m, queue), m.body, m.decodeError);
  return { records, skipped, deadLetters, failure, failedOffset: m.queueOffset };
}

/**
 * Sends records that failed to decode to `topic`, with their original body,
 * tags, keys and user properties, plus where they came from and why. A
 * message the transport could not decode goes as stored (still compressed):
 * `DLQ_ORIGIN_SYS_FLAG` then holds its stored sysFlag (decimal), whose bits
 * 0 and 8-10 say how to decompress the body.
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
        ...(m.decodeError === undefined ? {} : { [DLQ_ORIGIN_SYS_FLAG]: String(m.sysFlag) }),
      },
    }, { producerGroup });
  }
}
