/**
 * One start-failure scenario, run as a child process by
 * teardown.unit.test.ts: it points a source, a sink or a checkpointed
 * pipeline at the address in TEARDOWN_ADDRESS (a misbehaving fake server
 * the parent runs), waits for the failure, prints one JSON line, and then
 * does nothing. It never calls process.exit: the parent requires it to exit
 * on its own, which proves no socket or timer of ours kept it alive, the
 * same way on Node, Deno and Bun.
 *
 * env: TEARDOWN_TARGET  source | sink-remoting | sink-grpc | pipeline
 *      TEARDOWN_ADDRESS host:port
 *      TEARDOWN_ABORT_MS abort the signal after this long (the abort scenario)
 *      TEARDOWN_CANCEL_MS cancel the source's reader after this long (source only)
 *      TEARDOWN_STORE_DIR the pipeline's FileOffsetStore directory (pipeline only)
 */
import { setTimeout } from "node:timers";
import { checkpoint } from "../../src/offsets/checkpoint.ts";
import { FileOffsetStore } from "../../src/offsets/file-offset-store.ts";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import { Utf8DeserializationSchema } from "../../src/serde/bytes.ts";
import { createMessageSink } from "../../src/writable/create-sink.ts";
import { reportHandlesIfAlive } from "./handles.ts";

const target = process.env.TEARDOWN_TARGET ?? "";
const address = process.env.TEARDOWN_ADDRESS ?? "";
const abortMs = process.env.TEARDOWN_ABORT_MS === undefined ? undefined : Number(process.env.TEARDOWN_ABORT_MS);
// the gRPC client takes nothing under 1 s
const REQUEST_TIMEOUT_MS = 1000;

const controller = new AbortController();
if (abortMs !== undefined) setTimeout(() => controller.abort(new Error("aborted by the test")), abortMs);

function report(outcome: unknown): void {
  const e = outcome as { name?: string; code?: string; message?: string } | undefined;
  console.log(JSON.stringify({ target, outcome: e === undefined ? "ended" : { name: e.name, code: e.code, message: e.message } }));
}

const sourceOptions = {
  "nameserver.address": address, "consumer.group": "teardown-group", "consumer.topic": "teardown-topic",
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
};

async function readSource(): Promise<unknown> {
  const source = new RocketMQSource({ schema: Utf8DeserializationSchema, options: sourceOptions, signal: controller.signal, onLog: () => {} });
  const reader = source.getReader();
  if (process.env.TEARDOWN_CANCEL_MS !== undefined) {
    setTimeout(() => void reader.cancel("cancelled by the test"), Number(process.env.TEARDOWN_CANCEL_MS));
  }
  try {
    const { done } = await reader.read();
    return done ? undefined : new Error("a record arrived from a fake server");
  } catch (error) {
    return error;
  }
}

// TEARDOWN_MAX_OUTAGE_MS: the sink's maxOutageMs (unset: the default, minutes, so only an abort ends the write)
const maxOutage = process.env.TEARDOWN_MAX_OUTAGE_MS === undefined ? {} : { maxOutageMs: Number(process.env.TEARDOWN_MAX_OUTAGE_MS) };

async function writeSink(options: Record<string, unknown>): Promise<unknown> {
  const sink = createMessageSink({ ...options, ...maxOutage, "producer.timeout": REQUEST_TIMEOUT_MS, "producer.retry.times": 0 }, { onLog: () => {} });
  const writer = sink.writable().getWriter();
  const body = new TextEncoder().encode("x");
  const write = writer.write({ topic: "teardown-topic", body });
  const abort = new Promise<unknown>((resolve) => controller.signal.addEventListener("abort", () => resolve(writer.abort(controller.signal.reason).then(() => undefined, (e: unknown) => e)), { once: true }));
  return Promise.race([write.then(() => new Error("a fake server acknowledged a send"), (e: unknown) => e), abort]);
}

async function runPipeline(): Promise<unknown> {
  // TEARDOWN_STORE_DIR: a FileOffsetStore directory (one that does not exist, in the store-missing mode)
  const dir = process.env.TEARDOWN_STORE_DIR;
  const cp = checkpoint({ pipelineId: "teardown", intervalMs: 200, ...(dir !== undefined ? { store: new FileOffsetStore(dir) } : {}) });
  const source = new RocketMQSource({ schema: Utf8DeserializationSchema, options: sourceOptions, checkpoint: cp, signal: controller.signal, onLog: () => {} });
  const sink = createMessageSink({ "nameserver.address": address, "producer.timeout": REQUEST_TIMEOUT_MS });
  try {
    await source
      .pipeThrough(cp.stream())
      .pipeThrough(new TransformStream({ transform: (flow, c) => c.enqueue(flow) }))
      .pipeTo(cp.sink(sink));
    return undefined;
  } catch (error) {
    return error;
  }
}

let outcome: unknown;
switch (target) {
  case "source": outcome = await readSource(); break;
  case "sink-remoting": outcome = await writeSink({ "nameserver.address": address }); break;
  case "sink-grpc": outcome = await writeSink({ endpoints: address }); break;
  case "pipeline": outcome = await runPipeline(); break;
  default: outcome = new Error(`unknown TEARDOWN_TARGET ${JSON.stringify(target)}`);
}
report(outcome);
reportHandlesIfAlive();
