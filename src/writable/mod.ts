/**
 * The sink: producers as a WritableStream / CheckpointSink. Allow-list.
 */
export { createMessageSink, createProducerTransport, createSink } from "./create-sink.ts";
export { RocketMQSink } from "./rocketmq-sink.ts";
export { GrpcProducerTransport } from "./grpc-producer-transport.ts";
export { RemotingProducerTransport } from "./remoting-producer-transport.ts";
export { SendEngine, SendModes } from "./send-engine.ts";
export { parseSinkOptions, SinkPropertyKeys } from "./sink-options.ts";
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  MAX_SHARDING_KEY_BYTES,
  MAX_USER_PROPERTIES,
  MAX_USER_PROPERTY_BYTES,
  RESERVED_PROPERTY_NAMES,
  validateOutgoingMessage,
} from "./message-rules.ts";

export type { SchemaSinkInit } from "./create-sink.ts";
export type { RocketMQSinkInit, ToMessage } from "./rocketmq-sink.ts";
export type { GrpcProducerOptions } from "./grpc-producer-transport.ts";
export type { RemotingProducerOptions } from "./remoting-producer-transport.ts";
export type { SendEngineOptions, SendMode, SendStats } from "./send-engine.ts";
export type { SinkOptions, SinkOptionsInput } from "./sink-options.ts";
export type { OutgoingMessage, SendReceipt } from "./outgoing-message.ts";
export type { ProducerTransport } from "./producer-transport.ts";
