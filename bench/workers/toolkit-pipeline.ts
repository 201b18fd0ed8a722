/**
 * End to end: RocketMQSource (the backlog topic, from the earliest offsets,
 * fresh group) -> map -> RocketMQSink (remoting, batch mode) into another
 * topic, on whichever runtime runs this file.
 *
 * --checkpoint-ms 0 (default): no checkpoints. Batches go straight from the
 *   map into a WritableStream that calls `sink.write(batch.records)`; the
 *   source commits group offsets on its own timer.
 * --checkpoint-ms N: `checkpoint({ intervalMs: N })` (in-memory store): the
 *   checkpoint stream right after the source, `cp.sink(sink)` at the end, so
 *   every barrier waits for `sink.flush()` (every message of the epoch
 *   acknowledged) and then commits the epoch's offsets to the broker.
 *
 * Both variants run the same map and the same sink settings, so the
 * difference between them is the price of checkpointing. The clock starts
 * when the warm-up share of the backlog has reached the sink and stops when
 * the sink's close() has every message acknowledged. `total` is the number of
 * messages the broker acknowledged into the output topic.
 */
import process from "node:process";
import { checkpoint } from "../../src/offsets/checkpoint.ts";
import type { Batch } from "../../src/offsets/flow.ts";
import { map } from "../../src/offsets/map.ts";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";
import { RemotingProducerTransport } from "../../src/writable/remoting-producer-transport.ts";
import { RocketMQSink } from "../../src/writable/rocketmq-sink.ts";
import { DrainClock, intArg, main, need, now, reportProgress, workerArgs } from "./worker-io.ts";

main(async () => {
  const args = workerArgs();
  const namesrv = need(args, "namesrv");
  const from = need(args, "from");
  const to = need(args, "topic");
  const warmup = intArg(args, "warmup", 0);
  const expected = warmup + intArg(args, "messages", 1000);
  const checkpointMs = intArg(args, "checkpoint-ms", 0);
  const batch = intArg(args, "batch", 64);
  const maxInFlight = intArg(args, "inflight", 8);
  const idleMs = intArg(args, "idle-ms", 15_000);
  const group = need(args, "group");

  const abort = new AbortController();
  const cp = checkpointMs > 0 ? checkpoint({ pipelineId: group, intervalMs: checkpointMs }) : undefined;
  let epochs = 0;
  if (cp) void (async () => { for await (const _ of cp.completions()) epochs++; })().catch(() => undefined);
  const source = new RocketMQSource({
    schema: BytesDeserializationSchema,
    options: { nameServerAddress: namesrv, consumerGroup: group, topic: from, batchSize: 32, requestTimeoutMs: 10_000 },
    signal: abort.signal,
    ...(cp ? { checkpoint: cp } : {}),
    onLog: (e) => { if (e.level === "warn") process.stderr.write(`source: ${e.message}\n`); },
  }).setStartFromEarliest();
  const transport = new RemotingProducerTransport({ nameServerAddress: namesrv,
    producerGroup: `bench_pipeline_producer_${Date.now().toString(36)}`, retryTimes: 2, sendTimeoutMs: intArg(args, "timeout-ms", 10_000) });
  const sink = new RocketMQSink<Uint8Array>({ transport, toMessage: (body) => ({ topic: to, body }),
    batchMaxMessages: batch, maxInFlight }).withBatchFlushOnCheckpoint(true);

  const clock = new DrainClock(warmup, expected);
  const stop = reportProgress(() => sink.stats.acknowledged);
  const idle = setInterval(() => { if (now() - clock.last > idleMs) abort.abort(); }, 1000);
  // the map every record goes through (what a user's transformation would be): keep the body
  const toBody = map((r: SourceRecord<Uint8Array>) => {
    clock.add(1, r.body.byteLength);
    if (clock.done) abort.abort();
    return r.body;
  });
  if (cp) {
    await source.pipeThrough(cp.stream<SourceRecord<Uint8Array>>()).pipeThrough(toBody).pipeTo(cp.sink(sink));
  } else {
    await (source as ReadableStream<Batch<SourceRecord<Uint8Array>>>).pipeThrough(toBody).pipeTo(new WritableStream({
      write: (chunk) => (chunk.kind === "batch" ? sink.write(chunk.records) : undefined),
      close: () => sink.close(),
    }));
  }
  const end = now();
  clearInterval(idle);
  stop();
  return {
    messages: clock.count - clock.timedFrom,
    ms: clock.t0 === 0 ? 0 : end - clock.t0,
    total: sink.stats.acknowledged,
    extra: { checkpointMs, epochs, consumed: clock.count, batch, maxInFlight },
  };
});
