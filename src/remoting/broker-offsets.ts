/**
 * Queue offsets on a broker: min and max, by timestamp, and consumer group
 * offsets (the next offset to consume per group and queue).
 */
import { brokerErrorOf, createRequest, expectSuccess } from "./command.ts";
import type { RemotingInvoker } from "./connection-pool.ts";
import { longField } from "./broker-pull.ts";
import { RequestCode, ResponseCode } from "./request-codes.ts";
import type { MessageQueue } from "./route.ts";

/** LOWER: the first message stored at or after the instant; UPPER: the last one at or before it. */
export type BoundaryType = "LOWER" | "UPPER";

/**
 * The group's committed offset for `mq`, or undefined when the broker has none.
 *
 * @example
 * const next = await queryConsumerOffset(pool, addr, "G", mq) ?? 0;
 */
export async function queryConsumerOffset(
  invoker: RemotingInvoker,
  address: string,
  consumerGroup: string,
  mq: MessageQueue,
): Promise<number | undefined> {
  const response = await invoker.request(address, createRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
    consumerGroup,
    topic: mq.topic,
    queueId: mq.queueId,
    // without this a queue that still starts at 0 answers 0 instead of "not found"
    setZeroIfNotFound: false,
  }));
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  return longField(expectSuccess(response, `query offset of ${consumerGroup}`, address).extFields, "offset");
}

/**
 * Stores the group's next offset for `mq`. `oneway` (what Java does) returns
 * once the request is written and gives no confirmation. 5.x brokers answer
 * SUBSCRIPTION_GROUP_NOT_EXIST (26) for a group they have not seen yet: a
 * heartbeat or a pull with that group creates it (autoCreateSubscriptionGroup).
 *
 * @example
 * await updateConsumerOffset(pool, addr, "G", mq, 42);
 */
export async function updateConsumerOffset(
  invoker: RemotingInvoker,
  address: string,
  consumerGroup: string,
  mq: MessageQueue,
  offset: number,
  options: { readonly oneway?: boolean } = {},
): Promise<void> {
  const cmd = createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup,
    topic: mq.topic,
    queueId: mq.queueId,
    commitOffset: offset,
  });
  if (options.oneway) return invoker.oneway(address, cmd);
  expectSuccess(await invoker.request(address, cmd), `update offset of ${consumerGroup}`, address);
}

/**
 * The queue offset of the message stored nearest to `timestamp` (epoch ms).
 *
 * @example
 * const from = await searchOffsetByTimestamp(pool, addr, mq, Date.parse("2025-01-01T00:00:00Z"));
 */
export async function searchOffsetByTimestamp(
  invoker: RemotingInvoker,
  address: string,
  mq: MessageQueue,
  timestamp: number,
  boundaryType: BoundaryType = "LOWER",
): Promise<number> {
  const response = await invoker.request(address, createRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, {
    topic: mq.topic,
    queueId: mq.queueId,
    timestamp,
    boundaryType,
  }));
  return longField(expectSuccess(response, "search offset by timestamp", address).extFields, "offset");
}

/** The smallest offset still stored. */
export function getMinOffset(invoker: RemotingInvoker, address: string, mq: MessageQueue): Promise<number> {
  return offsetOf(invoker, address, mq, RequestCode.GET_MIN_OFFSET, "min offset");
}

/** The offset the next message will get (one past the last stored). */
export function getMaxOffset(invoker: RemotingInvoker, address: string, mq: MessageQueue): Promise<number> {
  return offsetOf(invoker, address, mq, RequestCode.GET_MAX_OFFSET, "max offset");
}

async function offsetOf(invoker: RemotingInvoker, address: string, mq: MessageQueue, code: number, what: string): Promise<number> {
  const response = await invoker.request(address, createRequest(code, { topic: mq.topic, queueId: mq.queueId }));
  if (response.code !== ResponseCode.SUCCESS) throw brokerErrorOf(response, `${what} of ${mq.topic}:${mq.queueId}`, address);
  return longField(response.extFields, "offset");
}
