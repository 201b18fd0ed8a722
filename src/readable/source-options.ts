/**
 * Source options: the seed's Properties keys as written, with the seed's
 * defaults, or the same things in camelCase. io-ts checks both; an unknown
 * key, a missing required one or a bad value names the key and the value.
 */
import * as t from "io-ts";
import { AddressList, decodeOptions, intFromInput, PositiveIntFromInput } from "../config/decode-options.ts";
import { DurationMs, MAX_TIMER_MS, NonNegativeDurationMs } from "../config/duration.ts";
import { pullTimeoutMs } from "../remoting/broker-pull.ts";
import { ConfigError } from "../errors.ts";
import { DEFAULT_MAX_OUTAGE_MS } from "../outage.ts";
import { DecodeFailurePolicyCodec, type DecodeFailurePolicy } from "../serde/decode-policy.ts";
import type { Subscription } from "../remoting/broker-pull.ts";
import { hideSecretKey } from "../config/hidden-secret.ts";

/** Seed Properties key -> typed option name. */
export const SourcePropertyKeys = {
  "nameserver.address": "nameServerAddress",
  "consumer.group": "consumerGroup",
  "consumer.topic": "topic",
  "consumer.tag": "tag",
  "consumer.sql": "sql",
  "consumer.offset.persist.interval": "offsetPersistIntervalMs",
  "consumer.pull.thread.pool.size": "pullPoolSize",
  "consumer.batch.size": "batchSize",
  "consumer.delay.when.message.not.found": "delayWhenMessageNotFoundMs",
  "nameserver.poll.interval": "pollNameServerIntervalMs",
  "brokerserver.heartbeat.interval": "heartbeatBrokerIntervalMs",
} as const;

/**
 * The most messages one pull may ask for: Java consumers refuse a
 * `pullBatchSize` outside [1, 1024]. The broker then returns at most its
 * `maxTransferCountOnMessageInMemory` (32 by default; 8 when it reads from
 * disk), so more than 32 only helps a broker configured to send more.
 */
export const MAX_PULL_BATCH_SIZE = 1024;

// one flat partial codec (required keys are checked after it), so errors name the key itself
const SourceOptionsCodec = t.partial({
    nameServerAddress: AddressList,
    consumerGroup: t.string,
    topic: t.string,
    tag: t.string,
    sql: t.string,
    offsetPersistIntervalMs: DurationMs,
    pullPoolSize: PositiveIntFromInput,
    batchSize: intFromInput(1, MAX_PULL_BATCH_SIZE),
    delayWhenMessageNotFoundMs: NonNegativeDurationMs,
    pollNameServerIntervalMs: DurationMs,
    heartbeatBrokerIntervalMs: DurationMs,
    rebalanceIntervalMs: DurationMs,
    longPollingMs: NonNegativeDurationMs,
    requestTimeoutMs: DurationMs,
    parallelism: PositiveIntFromInput,
    maxOutageMs: NonNegativeDurationMs,
    decodeFailurePolicy: DecodeFailurePolicyCodec,
    deadLetterTopic: t.string,
    accessKey: t.string,
    secretKey: t.string,
});

export type SourceOptionsInput = Partial<t.TypeOf<typeof SourceOptionsCodec>> | Readonly<Record<string, unknown>>;

export interface SourceOptions {
  readonly nameServerAddress: string;
  readonly consumerGroup: string;
  readonly topic: string;
  /** Tag expression (`*`, `a || b`); ignored when `sql` is set. */
  readonly tag: string;
  /** SQL92 filter over message properties (the broker needs enablePropertyFilter=true). */
  readonly sql?: string;
  readonly offsetPersistIntervalMs: number;
  /** Pulls in flight at once, over all queues of all members. */
  readonly pullPoolSize: number;
  /** Messages asked per pull, 1 to 1024 (the broker caps it at 32 from memory). */
  readonly batchSize: number;
  readonly delayWhenMessageNotFoundMs: number;
  readonly pollNameServerIntervalMs: number;
  readonly heartbeatBrokerIntervalMs: number;
  /** Periodic rebalance (Java: 20 s); members also rebalance when the broker says the group changed. */
  readonly rebalanceIntervalMs: number;
  /**
   * How long the broker may hold a pull waiting for messages (Java lite pull: 20 s).
   * The pull's own timeout is derived from it (see `pullTimeoutMs`).
   */
  readonly longPollingMs: number;
  readonly requestTimeoutMs: number;
  /** Group members created in this process (each its own client id). */
  readonly parallelism: number;
  /**
   * How long pulls keep retrying a broker that cannot be reached (connection
   * refused or lost, no answer) before the stream fails with an OutageError;
   * 0 fails at the first such pull. Default 180,000 (3 minutes).
   */
  readonly maxOutageMs: number;
  readonly decodeFailurePolicy: DecodeFailurePolicy;
  /** Where `dead-letter` sends records that fail to decode. */
  readonly deadLetterTopic?: string;
  readonly accessKey?: string;
  readonly secretKey?: string;
}

/**
 * Validates and completes source options.
 *
 * @example
 * parseSourceOptions({ "nameserver.address": "127.0.0.1:9876", "consumer.group": "G", "consumer.topic": "T" }).batchSize; // 32
 */
export function parseSourceOptions(input: SourceOptionsInput | Map<string, unknown>): SourceOptions {
  const o = decodeOptions("source options", SourceOptionsCodec, SourcePropertyKeys, input);
  const required = [["nameserver.address", "nameServerAddress", o.nameServerAddress], ["consumer.group", "consumerGroup", o.consumerGroup], ["consumer.topic", "topic", o.topic]] as const;
  for (const [key, name, value] of required) {
    if (value === undefined) throw new ConfigError(`source options: missing required option "${key}" (or ${name})`, key, undefined);
    if (value.trim() === "") throw new ConfigError(`source options: option "${key}" must not be empty`, key, value);
  }
  if ((o.accessKey === undefined) !== (o.secretKey === undefined)) {
    throw new ConfigError("source options: accessKey and secretKey go together", o.accessKey ? "secretKey" : "accessKey", undefined);
  }
  const policy = o.decodeFailurePolicy ?? "fail";
  if (policy === "dead-letter" && !o.deadLetterTopic) {
    throw new ConfigError("source options: decodeFailurePolicy \"dead-letter\" needs deadLetterTopic", "deadLetterTopic", o.deadLetterTopic);
  }
  const requestTimeoutMs = o.requestTimeoutMs ?? 3000;
  const longPollingMs = o.longPollingMs ?? 20_000;
  if (pullTimeoutMs(longPollingMs, requestTimeoutMs) > MAX_TIMER_MS) {
    const key = o.longPollingMs !== undefined ? "longPollingMs" : "requestTimeoutMs";
    throw new ConfigError(`source options: longPollingMs (${longPollingMs}) with requestTimeoutMs (${requestTimeoutMs}) gives a pull timeout of ${pullTimeoutMs(longPollingMs, requestTimeoutMs)} ms, above the ${MAX_TIMER_MS} ms a timer can wait`,
      key, key === "longPollingMs" ? longPollingMs : requestTimeoutMs);
  }
  return hideSecretKey({
    ...o,
    nameServerAddress: o.nameServerAddress!,
    consumerGroup: o.consumerGroup!,
    topic: o.topic!,
    tag: o.tag === undefined || o.tag.trim() === "" ? "*" : o.tag,
    offsetPersistIntervalMs: o.offsetPersistIntervalMs ?? 5000,
    pullPoolSize: o.pullPoolSize ?? 20,
    batchSize: o.batchSize ?? 32,
    delayWhenMessageNotFoundMs: o.delayWhenMessageNotFoundMs ?? 10,
    pollNameServerIntervalMs: o.pollNameServerIntervalMs ?? 30_000,
    heartbeatBrokerIntervalMs: o.heartbeatBrokerIntervalMs ?? 30_000,
    rebalanceIntervalMs: o.rebalanceIntervalMs ?? 20_000,
    longPollingMs,
    requestTimeoutMs,
    parallelism: o.parallelism ?? 1,
    maxOutageMs: o.maxOutageMs ?? DEFAULT_MAX_OUTAGE_MS,
    decodeFailurePolicy: policy,
  });
}

/** The pull subscription the options describe. */
export function subscriptionOf(options: Pick<SourceOptions, "tag" | "sql">): Subscription {
  return options.sql !== undefined && options.sql.trim() !== ""
    ? { expressionType: "SQL92", expression: options.sql }
    : { expressionType: "TAG", expression: options.tag };
}
