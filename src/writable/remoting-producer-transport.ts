/**
 * ProducerTransport over our own remoting client (`nameServerAddress`): the
 * protocol every 4.x and 5.x cluster speaks, with batch requests.
 *
 * Queue selection: round robin over the topic's writable queues, or a hash
 * of `shardingKey` for FIFO sends (same key, same queue, send order kept as
 * long as the writes are sequential). A retryable failure moves the next
 * attempt to a queue on another broker where the route has one, up to
 * `retryTimes` extra attempts, as Java's DefaultMQProducer does.
 *
 * `sendTimeoutMs` is the budget of one send with all its attempts, as Java's
 * `sendMsgTimeout`: each attempt may use what is left of it, and no attempt
 * starts once it is spent. An attempt that got no answer in time used the
 * whole rest, so it is never followed by another: a paused broker would store
 * every attempt queued in its socket when it resumes.
 *
 * When the next attempt has to go to the broker that just failed (a
 * one-broker cluster, or a FIFO send pinned to its queue), it waits first:
 * `retryBackoff.initialMs`, doubling up to `maxMs`. A busy broker answers
 * SYSTEM_BUSY within its send-queue wait (200 ms by default), so retries
 * without a pause would all land inside the same busy spell.
 */
import { type Backoff, backoffMs, SEND_RETRY_BACKOFF, sleep } from "../backoff.ts";
import { RocketMQError, TimeoutError } from "../errors.ts";
import { RemotingClient } from "../remoting/client.ts";
import type { OutgoingMessage as RemotingOutgoingMessage } from "../remoting/broker-send.ts";
import { type BodyCompression, compressForSend } from "../remoting/message/compression.ts";
import type { MessageQueue } from "../remoting/route.ts";
import { DEFAULT_MAX_MESSAGE_BYTES, validateOutgoingMessage } from "./message-rules.ts";
import type { OutgoingMessage, SendReceipt } from "./outgoing-message.ts";
import type { ProducerTransport } from "./producer-transport.ts";

export interface RemotingProducerOptions {
  readonly nameServerAddress: string;
  readonly producerGroup: string;
  readonly retryTimes?: number;
  readonly sendTimeoutMs?: number;
  readonly accessKey?: string;
  readonly secretKey?: string;
  /** Pause before retrying on the broker that failed; default 100 ms doubling up to 1,000 ms. */
  readonly retryBackoff?: Backoff;
  /** The largest body accepted (the broker's `maxMessageSize`); default 4 MiB. */
  readonly maxMessageBytes?: number;
  /** Use an existing client (shared with a source); it is not closed by this transport. */
  readonly client?: RemotingClient;
  /** Compress single sends as Java's producer does; default none. */
  readonly compression?: BodyCompression;
}

/** Java's String.hashCode, so FIFO keys land on the queue a Java producer with a hash selector would pick. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** A retry starts only with this much of the send's budget left (or half the budget, if that is less). */
const MIN_RETRY_BUDGET_MS = 1000;

function isRetryable(err: unknown): boolean {
  return err instanceof RocketMQError && err.retryable;
}

export class RemotingProducerTransport implements ProducerTransport {
  readonly kind = "remoting" as const;
  readonly #client: RemotingClient;
  readonly #ownsClient: boolean;
  readonly #group: string;
  readonly #retryTimes: number;
  readonly #timeoutMs: number;
  readonly #maxMessageBytes: number;
  /** The wait before a retry on the broker that just failed, as configured. */
  readonly retryBackoff: Backoff;
  readonly #compression: BodyCompression | undefined;
  #roundRobin = 0;

  constructor(options: RemotingProducerOptions) {
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new RemotingClient({
      nameServerAddress: options.nameServerAddress,
      requestTimeoutMs: options.sendTimeoutMs ?? 3000,
      ...(options.accessKey !== undefined ? { accessKey: options.accessKey } : {}),
      ...(options.secretKey !== undefined ? { secretKey: options.secretKey } : {}),
    });
    this.#group = options.producerGroup;
    this.#retryTimes = options.retryTimes ?? 3;
    this.#timeoutMs = options.sendTimeoutMs ?? 3000;
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.retryBackoff = options.retryBackoff ?? SEND_RETRY_BACKOFF;
    this.#compression = options.compression;
    this.#client.registerProducer(this.#group);
  }

  /** Refuses a message RocketMQ would not store as written (message-rules.ts) before anything is sent. */
  send(message: OutgoingMessage): Promise<SendReceipt> {
    let remoting: RemotingOutgoingMessage;
    try {
      validateOutgoingMessage(message, this.#maxMessageBytes);
      remoting = toRemoting(message, this.#compression);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#withRetries(message.topic, message.shardingKey, async (mq, timeoutMs) => {
      const r = await this.#client.send(mq, remoting, { producerGroup: this.#group, timeoutMs });
      return { msgId: r.msgId, topic: mq.topic, brokerName: mq.brokerName, queueId: r.queueId, queueOffset: r.queueOffset };
    });
  }

  /** One request per call; the caller keeps batches to one topic and within the broker's size limit. */
  sendBatch(messages: readonly OutgoingMessage[]): Promise<SendReceipt[]> {
    const topic = messages[0]?.topic;
    if (topic === undefined) return Promise.resolve([]);
    try {
      for (const m of messages) validateOutgoingMessage(m, this.#maxMessageBytes);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#withRetries(topic, undefined, async (mq, timeoutMs) => {
      const r = await this.#client.sendBatch(mq, messages.map((m) => toRemoting(m, undefined)), { producerGroup: this.#group, timeoutMs });
      return r.msgIds.map((msgId, i) => ({ msgId, topic, brokerName: mq.brokerName, queueId: r.queueId, queueOffset: r.queueOffset + i }));
    });
  }

  /** Asks each broker of `topic` for a queue's max offset: answered only by a broker that is up; stores nothing. */
  async probe(topic: string): Promise<void> {
    const brokers = new Map<string, MessageQueue>();
    for (const mq of await this.#client.writableQueues(topic)) if (!brokers.has(mq.brokerName)) brokers.set(mq.brokerName, mq);
    await Promise.all([...brokers.values()].map((mq) => this.#client.getMaxOffset(mq)));
  }

  async close(): Promise<void> {
    if (this.#ownsClient) await this.#client.close();
  }

  async #withRetries<R>(
    topic: string,
    shardingKey: string | undefined,
    attempt: (mq: MessageQueue, timeoutMs: number) => Promise<R>,
  ): Promise<R> {
    const deadline = Date.now() + this.#timeoutMs;
    let failedBroker: string | undefined;
    let sameBrokerRetries = 0;
    let lastError: unknown;
    for (let tries = 0; ; tries++) {
      const queues = await this.#client.writableQueues(topic);
      // FIFO sends stay on their queue: moving them would break the order.
      const mq = this.#pick(queues, shardingKey, shardingKey === undefined ? failedBroker : undefined);
      if (mq.brokerName === failedBroker) {
        const wait = backoffMs(this.retryBackoff, sameBrokerRetries++);
        // the pause and an attempt must both fit in what is left of the budget
        if (Date.now() + wait >= deadline) throw lastError;
        await sleep(wait);
      }
      const left = deadline - Date.now();
      // a retry left with a sliver of the budget would most likely time out, and a timed-out send
      // may still be stored: better to give the caller the broker's clear refusal
      if (tries > 0 && left < Math.min(MIN_RETRY_BUDGET_MS, this.#timeoutMs / 2)) throw lastError;
      try {
        return await attempt(mq, Math.max(1, left));
      } catch (err) {
        if (tries >= this.#retryTimes || !isRetryable(err)) throw err;
        // unanswered within the rest of the budget: the broker may still store it, so it is not sent again
        if (err instanceof TimeoutError || Date.now() >= deadline) throw err;
        failedBroker = mq.brokerName;
        lastError = err;
      }
    }
  }

  #pick(queues: readonly MessageQueue[], shardingKey: string | undefined, avoidBroker: string | undefined): MessageQueue {
    if (shardingKey !== undefined) return queues[Math.abs(javaStringHash(shardingKey) % queues.length)]!;
    for (let i = 0; i < queues.length; i++) {
      const mq = queues[this.#roundRobin++ % queues.length]!;
      if (mq.brokerName !== avoidBroker) return mq;
    }
    return queues[this.#roundRobin++ % queues.length]!;
  }
}

/** The remoting message for `message`; with `compression`, its body compressed when Java's producer would. */
function toRemoting(message: OutgoingMessage, compression: BodyCompression | undefined): RemotingOutgoingMessage {
  let properties = message.properties;
  if (message.delayLevel !== undefined || message.deliveryTimestamp !== undefined || message.shardingKey !== undefined) {
    const extra: Record<string, string> = { ...message.properties };
    if (message.delayLevel !== undefined) extra.DELAY = String(message.delayLevel);
    if (message.deliveryTimestamp !== undefined) extra.TIMER_DELIVER_MS = String(message.deliveryTimestamp);
    if (message.shardingKey !== undefined) extra.__SHARDINGKEY = message.shardingKey;
    properties = extra;
  }
  const { body, compressionType } = compression === undefined ? { body: message.body } : compressForSend(message.body, compression);
  return {
    body,
    ...(compressionType !== undefined ? { compressionType } : {}),
    ...(message.tags !== undefined ? { tags: message.tags } : {}),
    ...(message.keys !== undefined ? { keys: message.keys } : {}),
    ...(properties !== undefined ? { properties } : {}),
  };
}
