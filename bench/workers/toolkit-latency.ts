/**
 * Produce -> consume latency at a fixed rate, toolkit on both ends, in one
 * process (one clock): a paced ReadableStream piped into `RocketMQSink`
 * (remoting, async) writes messages stamped with `performance.now()` at the
 * moment they are emitted; a `RocketMQSource` (fresh group, from the latest
 * offsets, long polling) reads them back and takes `performance.now()` when
 * the batch reaches its sink. Latency = receive stamp - emit stamp.
 *
 * Body layout (the Java harness uses the same): bytes 0-7 the send stamp
 * (float64, ms), 8-11 a random run id, 12-15 the sequence number, then
 * 'a'..'z' up to --size. Messages of other runs on the topic are ignored.
 * The first --warmup messages are sent and received but not in the percentiles.
 * To tell the two halves apart, the transport is wrapped to time each send
 * from its start to the broker's acknowledgement (ackP50Ms / ackP99Ms).
 * `total` counts distinct sequence numbers received: the runner checks it is
 * warm-up + messages.
 */
import process from "node:process";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";
import { RemotingProducerTransport } from "../../src/writable/remoting-producer-transport.ts";
import type { ProducerTransport } from "../../src/writable/producer-transport.ts";
import { RocketMQSink } from "../../src/writable/rocketmq-sink.ts";
import { intArg, main, messageBody, need, now, percentile, reportProgress, workerArgs } from "./worker-io.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

main(async () => {
  const args = workerArgs();
  const namesrv = need(args, "namesrv");
  const topic = need(args, "topic");
  const warmup = intArg(args, "warmup", 0);
  const messages = intArg(args, "messages", 1000);
  const total = warmup + messages;
  const perSecond = intArg(args, "rate", 1000);
  const idleMs = intArg(args, "idle-ms", 15_000);
  const template = messageBody(Math.max(16, intArg(args, "size", 1024)));
  const runId = (Math.random() * 0xffffffff) >>> 0;

  // consumer first, positioned at the end of every queue before anything is sent
  const abort = new AbortController();
  const source = new RocketMQSource({
    schema: BytesDeserializationSchema,
    options: { nameServerAddress: namesrv, consumerGroup: need(args, "group"), topic, batchSize: 32, requestTimeoutMs: 10_000 },
    signal: abort.signal,
    onLog: (e) => { if (e.level === "warn") process.stderr.write(`source: ${e.message}\n`); },
  }).setStartFromLatest();
  await source.rebalance();
  const latencies = new Float64Array(total);
  const seen = new Uint8Array(total);
  let received = 0;
  let last = now();
  const consumed = source.pipeTo(new WritableStream({
    write(chunk) {
      const at = now();
      for (const r of chunk.records) {
        const v = new DataView(r.body.buffer, r.body.byteOffset, r.body.byteLength);
        if (r.body.byteLength < 16 || v.getUint32(8) !== runId) continue;
        const seq = v.getUint32(12);
        if (seq >= total || seen[seq]) continue;
        seen[seq] = 1;
        latencies[seq] = at - v.getFloat64(0);
        received++;
      }
      last = at;
      if (received === total) abort.abort();
    },
  }));
  // let the first long-polling pulls reach the broker
  await sleep(500);

  const remoting = new RemotingProducerTransport({ nameServerAddress: namesrv,
    producerGroup: `bench_latency_producer_${Date.now().toString(36)}`, retryTimes: 2, sendTimeoutMs: intArg(args, "timeout-ms", 10_000) });
  const ackMs = new Float64Array(total);
  const transport: ProducerTransport = {
    kind: remoting.kind,
    send: async (message) => {
      const started = now();
      const receipt = await remoting.send(message);
      const b = message.body;
      ackMs[new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(12)] = now() - started;
      return receipt;
    },
    close: () => remoting.close(),
  };
  const sink = new RocketMQSink<Uint8Array>({ transport, toMessage: (body) => ({ topic, body }), maxInFlight: 128 }).withAsync(true);
  const stop = reportProgress(() => received);
  const intervalMs = 1000 / perSecond;
  let seq = 0;
  let t0 = 0;
  let timedFrom = 0;
  const paced = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (seq === total) return controller.close();
      if (t0 === 0) t0 = now();
      const due = t0 + seq * intervalMs;
      // timers are ms-grained: sleep the whole milliseconds, then emit everything that is due
      const wait = due - now();
      if (wait >= 1) await sleep(Math.floor(wait));
      const body = template.slice();
      const v = new DataView(body.buffer);
      v.setUint32(8, runId);
      v.setUint32(12, seq);
      v.setFloat64(0, now());
      if (seq === warmup) timedFrom = now();
      seq++;
      controller.enqueue(body);
    },
  }, { highWaterMark: 0 });
  await paced.pipeTo(sink.writable());
  const sendMs = now() - timedFrom;
  const idle = setInterval(() => { if (now() - last > idleMs) abort.abort(); }, 500);
  await consumed;
  clearInterval(idle);
  stop();
  const timed = Array.from(latencies.subarray(warmup)).filter((_, i) => seen[warmup + i] === 1).sort((a, b) => a - b);
  const acks = Array.from(ackMs.subarray(warmup)).sort((a, b) => a - b);
  return {
    messages,
    ms: sendMs,
    total: received,
    extra: {
      rate: perSecond,
      p50Ms: Number(percentile(timed, 0.5).toFixed(3)),
      p99Ms: Number(percentile(timed, 0.99).toFixed(3)),
      maxMs: Number(percentile(timed, 1).toFixed(3)),
      ackP50Ms: Number(percentile(acks, 0.5).toFixed(3)),
      ackP99Ms: Number(percentile(acks, 0.99).toFixed(3)),
      acknowledged: sink.stats.acknowledged,
    },
  };
});
