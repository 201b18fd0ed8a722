/**
 * The seed's example job, written with rocketmq-webstreams:
 *
 *   flink-source2 ──{id, address}──▶ keep id, province = last word of address
 *                 ──{id, province}──▶ JSON Message ──▶ flink-sink2
 *
 * Source with parallelism 2, checkpoints every 3000 ms, and a sink that sends
 * in batches and flushes at every checkpoint (the seed's
 * `withBatchFlushOnCheckpoint(true)`). Group offsets are committed after each
 * completed checkpoint, so a restart continues where the last one ended.
 *
 *   node examples/seed-pipeline.ts
 *   deno run -A examples/seed-pipeline.ts
 *   bun examples/seed-pipeline.ts
 *
 * Ctrl-C (SIGINT) or SIGTERM stops it cleanly: the source stops, a last
 * checkpoint flushes the sink (everything read is acknowledged by the broker),
 * then it exits 0.
 *
 * Environment (all optional):
 *   ROCKETMQ_NAMESRV        name server, default 127.0.0.1:9876
 *   SOURCE_TOPIC            default flink-source2
 *   SINK_TOPIC              default flink-sink2
 *   CONSUMER_GROUP          default seed-pipeline-group
 *   PIPELINE_ID             default seed-pipeline
 *   START                   group (default: committed offsets, earliest where none),
 *                           earliest, latest, or timestamp:<epoch ms>
 *   CHECKPOINT_INTERVAL_MS  default 3000
 *   PARALLELISM             default 2
 */
import {
  checkpoint,
  createMessageSink,
  map,
  OffsetResetStrategy,
  RocketMQSource,
  SimpleKeyValueDeserializationSchema,
  StartFrom,
  type KeyValueMap,
  type OutgoingMessage,
  type SourceRecord,
  type StartStrategy,
} from "../mod.ts";

export interface SeedConfig {
  readonly namesrv: string;
  readonly sourceTopic: string;
  readonly sinkTopic: string;
  readonly group: string;
  readonly pipelineId: string;
  readonly intervalMs: number;
  readonly parallelism: number;
  readonly start: StartStrategy;
}

/** What the first processor makes of a source row. */
export interface ProvinceRow {
  readonly id: string;
  readonly province: string;
}

/** Processor 1: keep `id`, take the last word of `address` as `province`. */
export function toProvince(record: SourceRecord<KeyValueMap>): ProvinceRow {
  const words = (record.value.address ?? "").trim().split(/\s+/);
  return { id: record.value.id ?? "", province: words[words.length - 1] ?? "" };
}

const encoder = new TextEncoder();

/** Processor 2: the row as a JSON message for the sink topic, keyed by id. */
export function toMessage(topic: string): (row: ProvinceRow) => OutgoingMessage {
  return (row) => ({
    topic,
    body: encoder.encode(JSON.stringify(row)),
    ...(row.id !== "" ? { keys: [row.id] } : {}),
  });
}

/** Reads the configuration from the environment, with the seed's names as defaults. */
export function configFromEnv(env: Record<string, string | undefined> = process.env): SeedConfig {
  return {
    namesrv: env.ROCKETMQ_NAMESRV || "127.0.0.1:9876",
    sourceTopic: env.SOURCE_TOPIC || "flink-source2",
    sinkTopic: env.SINK_TOPIC || "flink-sink2",
    group: env.CONSUMER_GROUP || "seed-pipeline-group",
    pipelineId: env.PIPELINE_ID || "seed-pipeline",
    intervalMs: Number(env.CHECKPOINT_INTERVAL_MS || 3000),
    parallelism: Number(env.PARALLELISM || 2),
    start: startFrom(env.START || "group"),
  };
}

function startFrom(spec: string): StartStrategy {
  if (spec === "group") return StartFrom.groupOffsets(OffsetResetStrategy.EARLIEST);
  if (spec === "earliest") return StartFrom.earliest();
  if (spec === "latest") return StartFrom.latest();
  if (spec.startsWith("timestamp:")) return StartFrom.timestamp(Number(spec.slice("timestamp:".length)));
  throw new Error(`START must be group, earliest, latest or timestamp:<ms>, got ${JSON.stringify(spec)}`);
}

/**
 * Builds and starts the pipeline. `done` resolves when the source was stopped
 * (by `signal`) and the last checkpoint completed; it rejects if the pipeline failed.
 */
export function runSeedPipeline(config: SeedConfig, signal?: AbortSignal) {
  const cp = checkpoint({ pipelineId: config.pipelineId, intervalMs: config.intervalMs });

  const source = new RocketMQSource({
    schema: SimpleKeyValueDeserializationSchema("id", "address"),
    options: {
      "nameserver.address": config.namesrv,
      "consumer.group": config.group,
      "consumer.topic": config.sourceTopic,
      parallelism: config.parallelism,
    },
    start: config.start,
    checkpoint: cp,
    ...(signal ? { signal } : {}),
  });

  const sink = createMessageSink({ "nameserver.address": config.namesrv }).withBatchFlushOnCheckpoint(true);

  const done = source
    .pipeThrough(cp.stream())
    .pipeThrough(map(toProvince))
    .pipeThrough(map(toMessage(config.sinkTopic)))
    .pipeTo(cp.sink(sink));

  return { source, sink, cp, done };
}

if (import.meta.main) {
  const config = configFromEnv();
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());

  const { source, sink, cp, done } = runSeedPipeline(config, stop.signal);
  console.error(`seed pipeline: ${config.sourceTopic} -> ${config.sinkTopic} (group ${config.group}, parallelism ${config.parallelism}, checkpoint every ${config.intervalMs} ms); Ctrl-C stops`);
  void (async () => {
    for await (const c of cp.completions()) {
      console.error(`checkpoint ${c.epoch}: ${c.records} records in ${c.durationMs} ms`);
    }
  })();
  try {
    await done;
    console.error(`stopped: ${source.stats.emittedMessages} records read, ${sink.stats.acknowledged} messages acknowledged`);
  } catch (error) {
    console.error("pipeline failed:", error);
    process.exitCode = 1;
  }
}
