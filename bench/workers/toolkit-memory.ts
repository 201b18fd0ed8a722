/**
 * Memory under a backlog: `RocketMQSource` (from the earliest offsets, fresh
 * group, default settings) drains the whole backlog into a deliberately slow
 * sink that accepts at most --sink-rate messages per second (it sleeps after
 * each batch until its schedule allows the next). If backpressure reaches the
 * pull loop, memory stays flat however large the backlog: the source holds at
 * most `(highWaterMark + queues) * batchSize` messages ahead of the sink.
 *
 * Reported besides the throughput (which is the sink's pace, by design):
 * the process's RSS sampled every 250 ms (peak, and the peaks of the first
 * and second half of the timed phase: "flat" means the second is not above
 * the first), and the largest number of messages pulled but not yet written
 * to the sink, which shows whether the pull loop stopped when the sink did.
 * Also the messages per pull response and the V8 heap's peak size: a broker
 * that serves a backlog from disk answers at most 8 messages per pull (its
 * maxTransferCountOnMessageInDisk), in memory 32, and the pull rate that
 * follows changes how much garbage, and so how much heap, the process keeps.
 */
import process from "node:process";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";
import { DrainClock, intArg, main, need, now, reportProgress, workerArgs } from "./worker-io.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

main(async () => {
  const args = workerArgs();
  const namesrv = need(args, "namesrv");
  const topic = need(args, "topic");
  const warmup = intArg(args, "warmup", 0);
  const expected = warmup + intArg(args, "messages", 1000);
  const sinkRate = intArg(args, "sink-rate", 5000);
  const idleMs = intArg(args, "idle-ms", 15_000);
  const clock = new DrainClock(warmup, expected);
  const abort = new AbortController();
  const source = new RocketMQSource({
    schema: BytesDeserializationSchema,
    options: { nameServerAddress: namesrv, consumerGroup: need(args, "group"), topic, requestTimeoutMs: 10_000 },
    signal: abort.signal,
    onLog: (e) => { if (e.level === "warn") process.stderr.write(`source: ${e.message}\n`); },
  }).setStartFromEarliest();

  const samples: Array<{ at: number; rss: number; heapTotal: number }> = [];
  let maxAhead = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    samples.push({ at: now(), rss: usage.rss, heapTotal: usage.heapTotal });
    maxAhead = Math.max(maxAhead, source.stats.pulledMessages - clock.count);
  };
  const sampler = setInterval(sample, 250);
  const idle = setInterval(() => { if (now() - clock.last > idleMs) abort.abort(); }, 1000);
  const stop = reportProgress(() => clock.count);
  let started = 0;
  await source.pipeTo(new WritableStream({
    async write(chunk) {
      if (started === 0) started = now();
      let bytes = 0;
      for (const r of chunk.records) bytes += r.body.byteLength;
      maxAhead = Math.max(maxAhead, source.stats.pulledMessages - clock.count);
      clock.add(chunk.records.length, bytes);
      if (clock.done) return abort.abort();
      // the slow part: this sink takes sinkRate messages a second and no more
      const due = started + (clock.count * 1000) / sinkRate;
      const wait = due - now();
      if (wait >= 1) await sleep(wait);
    },
  }));
  sample();
  clearInterval(sampler);
  clearInterval(idle);
  stop();
  const timed = samples.filter((s) => s.at >= clock.t0 && s.at <= clock.last);
  const half = clock.t0 + (clock.last - clock.t0) / 2;
  const peak = (xs: typeof samples) => (xs.length ? mib(Math.max(...xs.map((s) => s.rss))) : 0);
  const drained = clock.result({});
  return {
    ...drained,
    extra: {
      ...drained.extra,
      sinkRate,
      maxAheadMessages: maxAhead,
      rssPeakMiB: peak(samples),
      rssFirstHalfMiB: peak(timed.filter((s) => s.at < half)),
      rssSecondHalfMiB: peak(timed.filter((s) => s.at >= half)),
      rssSamples: timed.length,
      heapTotalPeakMiB: samples.length ? mib(Math.max(...samples.map((s) => s.heapTotal))) : 0,
      messagesPerPull: source.stats.pulls ? Math.round((source.stats.pulledMessages / source.stats.pulls) * 10) / 10 : 0,
    },
  };
});
