/**
 * End to end, and what checkpoints cost: the same pipeline (source -> map ->
 * sink over remoting, batch mode) with no checkpoints and with a checkpoint
 * every second, repetitions interleaved in the same run (issue 7's figure,
 * DESIGN §7: at most 5%). Also the toolkit's three memory and latency rows.
 */
import { randomName } from "../lib/broker-admin.ts";
import type { Contender } from "./types.ts";
import { BATCH_IN_FLIGHT, BATCH_MESSAGES, CHECKPOINT_INTERVAL_MS, LATENCY_RATE, SEND_TIMEOUT_MS, SLOW_SINK_RATE,
  SOURCE_IDLE_MS } from "./settings.ts";

const pipeline = (checkpointMs: number): Contender => ({
  name: checkpointMs > 0 ? `toolkit pipeline, checkpoint every ${checkpointMs / 1000} s, on node` : "toolkit pipeline, no checkpoints, on node",
  runtime: "node", client: "toolkit", scenario: "pipeline", transport: "remoting",
  settings: `RocketMQSource (earliest, fresh group, batchSize 32)${checkpointMs > 0 ? ` -> cp.stream() (checkpoint({ intervalMs: ${checkpointMs} }), in-memory store, offsets committed after each epoch)` : ""} -> ` +
    `map(record => record.body) -> ${checkpointMs > 0 ? "cp.sink(RocketMQSink)" : "WritableStream calling RocketMQSink.write(batch.records)"}: ` +
    `remoting, withBatchFlushOnCheckpoint(true), batchMaxMessages ${BATCH_MESSAGES}, maxInFlight ${BATCH_IN_FLIGHT}`,
  run: (ctx) => {
    if (!ctx.backlog) throw new TypeError("the pipeline needs the backlog topic");
    return ctx.spawn("node", "bench/workers/toolkit-pipeline.ts", ["--namesrv", ctx.namesrv, "--from", ctx.backlog,
      "--topic", ctx.topic, "--messages", String(ctx.messages), "--warmup", String(ctx.warmup), "--group", randomName("bench_tk_pipe"),
      "--checkpoint-ms", String(checkpointMs), "--batch", String(BATCH_MESSAGES), "--inflight", String(BATCH_IN_FLIGHT),
      "--timeout-ms", String(SEND_TIMEOUT_MS), "--idle-ms", String(SOURCE_IDLE_MS)]);
  },
});

export const toolkitPipelineContenders: readonly Contender[] = [
  pipeline(0),
  pipeline(CHECKPOINT_INTERVAL_MS),
  {
    name: "toolkit sink -> source latency on node",
    runtime: "node", client: "toolkit", scenario: "latency", transport: "remoting",
    settings: `paced ReadableStream at ${LATENCY_RATE} msg/s -> RocketMQSink (remoting, withAsync(true)); RocketMQSource from latest, ` +
      "fresh group, long polling 20 s (default), delayWhenMessageNotFound 10 ms (default); one process, performance.now() stamps",
    run: (ctx) => ctx.spawn("node", "bench/workers/toolkit-latency.ts", ["--namesrv", ctx.namesrv, "--topic", ctx.topic,
      "--messages", String(ctx.messages), "--warmup", String(ctx.warmup), "--size", String(ctx.size), "--group", randomName("bench_tk_lat"),
      "--rate", String(LATENCY_RATE), "--timeout-ms", String(SEND_TIMEOUT_MS), "--idle-ms", String(SOURCE_IDLE_MS)]),
  },
  {
    name: "toolkit source into a slow sink on node",
    runtime: "node", client: "toolkit", scenario: "memory", transport: "remoting",
    settings: `RocketMQSource defaults (batchSize 32, highWaterMark 2, pullPoolSize 20) from earliest -> a WritableStream that takes at most ${SLOW_SINK_RATE} msg/s`,
    run: (ctx) => ctx.spawn("node", "bench/workers/toolkit-memory.ts", ["--namesrv", ctx.namesrv, "--topic", ctx.topic,
      "--messages", String(ctx.messages), "--warmup", String(ctx.warmup), "--group", randomName("bench_tk_mem"),
      "--sink-rate", String(SLOW_SINK_RATE), "--idle-ms", String(SOURCE_IDLE_MS)]),
  },
];
