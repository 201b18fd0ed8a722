/**
 * Settings shared across contenders, so that like is compared with like:
 * the same in-flight bound for every async sender, the same batch shape for
 * every batch sender, the same pull batch for every source.
 */
export const ASYNC_IN_FLIGHT = 128;
export const BATCH_MESSAGES = 64;
/** Batches in flight; the toolkit's SendEngine default for batch mode. */
export const BATCH_IN_FLIGHT = 8;
export const SOURCE_BATCH = 32;
/** Concurrent receive loops of the pop consumer (one loop leaves the proxy idle between receives). */
export const POP_LANES = 4;
/** A source that sees no message for this long stops and reports what it got. */
export const SOURCE_IDLE_MS = 15_000;
/**
 * Per-send timeout for every sender. Above the seed's 3 s default: on a shared
 * 2-core machine a first send (route lookup, connection) has taken longer.
 */
export const SEND_TIMEOUT_MS = 10_000;
/** Source-side prefetch of the toolkit source: batches its ReadableStream queues (its default). */
export const SOURCE_HIGH_WATER_MARK = 2;
/** Checkpoint interval of the checkpointed pipeline (DESIGN §7: "checkpoint every 1 s"). */
export const CHECKPOINT_INTERVAL_MS = 1000;
/** The fixed produce rate of the latency scenario (DESIGN §7: 1k msg/s). */
export const LATENCY_RATE = 1000;
/** The slow sink of the memory scenario takes at most this many messages a second. */
export const SLOW_SINK_RATE = 5000;
