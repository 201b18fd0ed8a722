/**
 * Builds a RocketMQSink from options, as the seed builds `RocketMQSink`:
 * a serialization schema plus a topic selector, or no schema at all, in
 * which case the records are ready-made messages. The transport follows the
 * options: `nameserver.address` / `nameServerAddress` (remoting) or
 * `endpoints` (gRPC proxy).
 */
import * as E from "fp-ts/lib/Either.js";
import type { Backoff } from "../backoff.ts";
import { InputError } from "../errors.ts";
import { assertTopicSelector, selectDestination } from "../selectors/topic-selector.ts";
import type { TopicSelector } from "../selectors/topic-selector.ts";
import { assertSerializationSchema } from "../serde/assert-schema.ts";
import { toEncodeFailedError } from "../serde/decode-error.ts";
import type { KeyValueSerializationSchema } from "../serde/schema.ts";
import { GrpcProducerTransport } from "./grpc-producer-transport.ts";
import type { OutgoingMessage } from "./outgoing-message.ts";
import type { ProducerTransport } from "./producer-transport.ts";
import { RemotingProducerTransport } from "./remoting-producer-transport.ts";
import { RocketMQSink, type RocketMQSinkInit, type ToMessage } from "./rocketmq-sink.ts";
import { parseSinkOptions, type SinkOptions, type SinkOptionsInput } from "./sink-options.ts";

export interface SchemaSinkInit<T> {
  readonly serializer: KeyValueSerializationSchema<T>;
  readonly topicSelector: TopicSelector<T>;
  readonly options: SinkOptionsInput | Map<string, unknown>;
  /** Extra message fields per record (user properties, delay, sharding key). */
  readonly decorate?: (record: T) => Partial<Pick<OutgoingMessage, "properties" | "delayLevel" | "deliveryTimestamp" | "shardingKey">>;
  /** Broker outages: when one starts (warn) and ends (info). Default: warnings to `console.warn`. */
  readonly onLog?: RocketMQSinkInit<T>["onLog"];
}

const keyDecoder = new TextDecoder("utf-8", { fatal: true });

const backoffOf = (o: SinkOptions): Backoff => ({ initialMs: o.retryBackoffMs, maxMs: o.retryBackoffMaxMs });

/** Picks the transport the options name. */
export function createProducerTransport(options: SinkOptions): ProducerTransport {
  const acl = options.accessKey !== undefined && options.secretKey !== undefined
    ? { accessKey: options.accessKey, secretKey: options.secretKey }
    : {};
  if (options.endpoints !== undefined) {
    return new GrpcProducerTransport({ endpoints: options.endpoints, retryTimes: options.retryTimes, sendTimeoutMs: options.sendTimeoutMs,
      retryBackoff: backoffOf(options), maxMessageBytes: options.maxMessageBytes, ...acl });
  }
  return new RemotingProducerTransport({
    nameServerAddress: options.nameServerAddress!,
    producerGroup: options.producerGroup,
    retryTimes: options.retryTimes,
    sendTimeoutMs: options.sendTimeoutMs,
    retryBackoff: backoffOf(options),
    maxMessageBytes: options.maxMessageBytes,
    ...(options.compression !== undefined ? { compression: options.compression } : {}),
    ...acl,
  });
}

function sinkInit<T>(options: SinkOptions, toMessage: ToMessage<T>, onLog: RocketMQSinkInit<T>["onLog"]) {
  return {
    ...(onLog ? { onLog } : {}),
    transport: createProducerTransport(options),
    toMessage,
    maxMessageBytes: options.maxMessageBytes,
    maxOutageMs: options.maxOutageMs,
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.batchMaxMessages !== undefined ? { batchMaxMessages: options.batchMaxMessages } : {}),
    ...(options.batchMaxBytes !== undefined ? { batchMaxBytes: options.batchMaxBytes } : {}),
  };
}

/**
 * A sink of records encoded by `serializer`, sent where `topicSelector` says.
 * The serialized key becomes the message key.
 *
 * @example
 * const sink = createSink({
 *   serializer: SimpleKeyValueSerializationSchema("id", "province"),
 *   topicSelector: DefaultTopicSelector("flink-sink2"),
 *   options: { "nameserver.address": "127.0.0.1:9876" },
 * }).withBatchFlushOnCheckpoint(true);
 */
export function createSink<T>(init: SchemaSinkInit<T>): RocketMQSink<T> {
  assertSerializationSchema(init.serializer, "serializer");
  assertTopicSelector(init.topicSelector, "topicSelector");
  const options = parseSinkOptions(init.options);
  const toMessage: ToMessage<T> = (record) => {
    const destination = selectDestination(init.topicSelector, record);
    if (E.isLeft(destination)) throw destination.left;
    const encoded = init.serializer.serialize(record);
    if (E.isLeft(encoded)) throw toEncodeFailedError(encoded.left);
    let keys: string[] | undefined;
    if (encoded.right.key !== undefined && encoded.right.key.byteLength > 0) {
      let key: string;
      try {
        key = keyDecoder.decode(encoded.right.key);
      } catch (err) {
        throw new InputError("the serialized key is not valid UTF-8: RocketMQ keys are strings", "key", encoded.right.key, { cause: err });
      }
      keys = key.split(" ").filter((k) => k.length > 0);
    }
    return {
      topic: destination.right.topic,
      body: encoded.right.value,
      ...(destination.right.tag !== undefined ? { tags: destination.right.tag } : {}),
      ...(keys && keys.length > 0 ? { keys } : {}),
      ...init.decorate?.(record),
    };
  };
  return new RocketMQSink(sinkInit(options, toMessage, init.onLog));
}

/**
 * A sink of ready-made messages, as in the seed's example where a processor
 * builds `Message` objects.
 *
 * @example
 * const sink = createMessageSink({ endpoints: "127.0.0.1:8081" }).withAsync(true);
 * await sink.write([{ topic: "t", body: new TextEncoder().encode("hi"), tags: "a" }]);
 */
export function createMessageSink(
  options: SinkOptionsInput | Map<string, unknown>,
  hooks: { readonly onLog?: RocketMQSinkInit<OutgoingMessage>["onLog"] } = {},
): RocketMQSink<OutgoingMessage> {
  return new RocketMQSink(sinkInit(parseSinkOptions(options), (m: OutgoingMessage) => m, hooks.onLog));
}
