/**
 * The source: a topic's queues as a ReadableStream. Allow-list: values, then types.
 */
export { RocketMQSource } from "./rocketmq-source.ts";
export { OffsetResetStrategy, StartFrom, resetOf, resolveStartOffset } from "./start-strategy.ts";
export { parseSourceOptions, SourcePropertyKeys, subscriptionOf } from "./source-options.ts";
export { allocateAveragely, sortQueues } from "./allocate.ts";

export type { RocketMQSourceInit, SourceLogEntry, SourceStats } from "./rocketmq-source.ts";
export type { StartStrategy } from "./start-strategy.ts";
export type { SourceOptions, SourceOptionsInput } from "./source-options.ts";
export type { SourceRecord } from "./source-record.ts";
