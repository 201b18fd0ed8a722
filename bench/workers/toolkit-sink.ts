/**
 * The toolkit's sink, over the remoting transport (--transport remoting
 * --namesrv host:port) or the gRPC one (--transport grpc --endpoints host:port,
 * the default), on whichever runtime runs this file (Node, Deno, Bun).
 *
 * --driver stream (default): what a user writes, `records.pipeTo(sink.writable())`,
 *   one record per chunk, through `RocketMQSink` in --mode sync|async|batch; with
 *   --chunk N, arrays of N records per chunk into `sink.batchWritable()`.
 * --driver loop: the same `SendEngine` + transport called from a plain loop,
 *   no streams, re-sending one prebuilt message: the stream layer plus the
 *   sink's per-record work (toMessage, validation) over the bare engine.
 * --driver sink-loop: `sink.write([record])` from a plain loop, no streams:
 *   the same per-record work as the stream rows, so the difference is the
 *   stream layer alone.
 *
 * The warm-up goes through the same writable (`preventClose`), so the timed
 * phase starts on a warm connection; it ends when `close()` has flushed and
 * every message is acknowledged.
 */
import { RocketMQSink } from "../../src/writable/rocketmq-sink.ts";
import { SendEngine, type SendMode } from "../../src/writable/send-engine.ts";
import { RemotingProducerTransport } from "../../src/writable/remoting-producer-transport.ts";
import type { ProducerTransport } from "../../src/writable/producer-transport.ts";
import type { OutgoingMessage } from "../../src/writable/outgoing-message.ts";
import { intArg, main, messageBody, need, now, reportProgress, workerArgs } from "./worker-io.ts";

const MODES: readonly SendMode[] = ["sync", "async", "batch"];

/** `count` records in arrays of up to `size` per chunk (for `sink.batchWritable()`). */
function recordArrays(count: number, body: Uint8Array, size: number): ReadableStream<readonly Uint8Array[]> {
  let emitted = 0;
  return new ReadableStream<readonly Uint8Array[]>({
    pull(controller) {
      if (emitted === count) {
        controller.close();
        return;
      }
      const n = Math.min(size, count - emitted);
      emitted += n;
      controller.enqueue(new Array<Uint8Array>(n).fill(body));
    },
  }, { highWaterMark: 2 });
}

function records(count: number, body: Uint8Array): ReadableStream<Uint8Array> {
  let emitted = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (emitted === count) {
        controller.close();
        return;
      }
      emitted++;
      controller.enqueue(body);
    },
  }, { highWaterMark: 64 });
}

/** What both plain-loop drivers call: the bare SendEngine and the sink's own write(). */
interface LoopTarget<T> {
  write(items: readonly T[]): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly stats: { readonly acknowledged: number };
}

/** The plain-loop baseline: `item` written one at a time, warm-up untimed, timed until close() has every ack. */
async function timedLoop<T>(target: LoopTarget<T>, item: T, warmup: number, messages: number) {
  const one = [item];
  for (let i = 0; i < warmup; i++) await target.write(one);
  await target.flush();
  const stop = reportProgress(() => target.stats.acknowledged);
  const t0 = now();
  for (let i = 0; i < messages; i++) await target.write(one);
  await target.close();
  const ms = now() - t0;
  stop();
  return { messages, ms, total: target.stats.acknowledged };
}

main(async () => {
  const args = workerArgs();
  const topic = need(args, "topic");
  const mode = need(args, "mode") as SendMode;
  if (!MODES.includes(mode)) throw new RangeError(`--mode must be one of ${MODES.join(", ")}, got ${mode}`);
  const driver = args.get("driver") ?? "stream";
  const warmup = intArg(args, "warmup", 0);
  const messages = intArg(args, "messages", 1000);
  const maxInFlight = args.has("inflight") ? intArg(args, "inflight", 1) : undefined;
  const batchMaxMessages = args.has("batch") ? intArg(args, "batch", 64) : undefined;
  const body = messageBody(intArg(args, "size", 1024));
  const sendTimeoutMs = intArg(args, "timeout-ms", 3000);
  const kind = args.get("transport") ?? "grpc";
  let transport: ProducerTransport;
  if (kind === "grpc") {
    // loaded only here, so the remoting rows' RSS and start-up do not include the gRPC client library
    const { GrpcProducerTransport } = await import("../../src/writable/grpc-producer-transport.ts");
    const grpc = new GrpcProducerTransport({ endpoints: need(args, "endpoints"), topics: [topic], retryTimes: 2, sendTimeoutMs });
    await grpc.start();
    transport = grpc;
  } else if (kind === "remoting") {
    transport = new RemotingProducerTransport({ nameServerAddress: need(args, "namesrv"),
      producerGroup: `bench_toolkit_producer_${Date.now().toString(36)}`, retryTimes: 2, sendTimeoutMs });
  } else {
    throw new RangeError(`--transport must be grpc or remoting, got ${kind}`);
  }
  const tuning = {
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
    ...(batchMaxMessages !== undefined ? { batchMaxMessages } : {}),
  };

  const extra = { mode, driver, transport: kind, chunk: 1 };
  if (driver === "loop") {
    const engine = new SendEngine(transport, { mode, ...tuning });
    const message: OutgoingMessage = { topic, body };
    return { ...await timedLoop(engine, message, warmup, messages), extra };
  }
  if (driver !== "stream" && driver !== "sink-loop") {
    throw new RangeError(`--driver must be stream, loop or sink-loop, got ${driver}`);
  }

  const sink = new RocketMQSink<Uint8Array>({ transport, toMessage: (b) => ({ topic, body: b }), ...tuning });
  if (mode === "async") sink.withAsync(true);
  if (mode === "batch") sink.withBatchFlushOnCheckpoint(true);
  if (driver === "sink-loop") return { ...await timedLoop(sink, body, warmup, messages), extra };
  // --chunk 1: one record per chunk into writable(); --chunk N: arrays of N into batchWritable()
  const chunk = intArg(args, "chunk", 1);
  const single = chunk === 1 ? sink.writable() : undefined;
  const arrays = chunk === 1 ? undefined : sink.batchWritable();
  const pipe = (n: number, last: boolean) => single
    ? records(n, body).pipeTo(single, { preventClose: !last })
    : recordArrays(n, body, chunk).pipeTo(arrays!, { preventClose: !last });
  await pipe(warmup, false);
  await sink.flush();
  const stop = reportProgress(() => sink.stats.acknowledged);
  const t0 = now();
  await pipe(messages, true);
  const ms = now() - t0;
  stop();
  return { messages, ms, total: sink.stats.acknowledged, extra: { ...extra, chunk } };
});
