/**
 * Checkpoint epochs for Web Streams: barriers, the checkpoint stream,
 * barrier-aware operators, the sink contract, the coordinator and offset
 * stores. See README.md in this folder for the contract.
 */
export { queueKey, parseQueueKey } from "./message-queue.ts";
export { batchOf, isBarrier } from "./flow.ts";
export { CheckpointStream } from "./checkpoint-stream.ts";
export { MapStream, map } from "./map.ts";
export { FilterStream, filter } from "./filter.ts";
export { FlatMapStream, flatMap } from "./flat-map.ts";
export { MapAsyncStream, mapAsync } from "./map-async.ts";
export { TapStream, tap } from "./tap.ts";
export { BatchStream, batch } from "./batch.ts";
export { UnbatchStream, unbatch } from "./unbatch.ts";
export { LiftedTransform, LiftModes, liftTransform } from "./lift-transform.ts";
export { CheckpointSinkStream, checkpointSink } from "./checkpoint-sink.ts";
export { FileLinesSink } from "./file-lines-sink.ts";
export { CheckpointCoordinator } from "./coordinator.ts";
export { MemoryOffsetStore } from "./memory-offset-store.ts";
export { checkSnapshot } from "./offset-store.ts";
export { FileOffsetStore } from "./file-offset-store.ts";
export { Checkpointing, checkpoint } from "./checkpoint.ts";

export type { MessageQueue } from "./message-queue.ts";
export type { Barrier, Batch, Flow, HasOrigin } from "./flow.ts";
export type { CheckpointStart, CheckpointStreamOptions } from "./checkpoint-stream.ts";
export type { MapAsyncOptions } from "./map-async.ts";
export type { LiftMode, LiftOptions } from "./lift-transform.ts";
export type { CheckpointSink } from "./checkpoint-sink.ts";
export type { CoordinatorLogEntry, CoordinatorOptions, CoordinatorStats, EpochAcknowledger, EpochCompleted, OffsetCommitter } from "./coordinator.ts";
export type { OffsetStore, Snapshot } from "./offset-store.ts";
export type { FileOffsetStoreOptions } from "./file-offset-store.ts";
export type { CheckpointOptions } from "./checkpoint.ts";
