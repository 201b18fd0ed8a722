/**
 * One running-then-stopped scenario against the shared broker, run as a
 * child process by running.test.ts: a source, a sink (remoting or gRPC) or a
 * checkpointed pipeline runs until it has done real work, then stops in
 * one way (cancel, abort signal, clean end, an error mid-stream). It prints
 * one JSON line and never calls process.exit: the parent requires it to
 * exit by itself, which proves nothing of ours is left open.
 *
 * env: TEARDOWN_TARGET source | sink-remoting | sink-grpc | pipeline
 *      TEARDOWN_STOP   cancel | abort | end | error
 *      TEARDOWN_TOPIC  a topic holding 10 good messages and then, for `error`, one that is not UTF-8
 *                      (pulls of 10: the bad one comes in a pull of its own, after the good ones were read)
 *      ROCKETMQ_NAMESRV, ROCKETMQ_ENDPOINTS (inherited from the test runner)
 */
import { checkpoint } from "../../src/offsets/checkpoint.ts";
import { map } from "../../src/offsets/map.ts";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import { Utf8DeserializationSchema } from "../../src/serde/bytes.ts";
import { createMessageSink } from "../../src/writable/create-sink.ts";
import { reportHandlesIfAlive } from "./handles.ts";

const target = process.env.TEARDOWN_TARGET ?? "";
const stop = process.env.TEARDOWN_STOP ?? "";
const topic = process.env.TEARDOWN_TOPIC ?? "";
const namesrv = process.env.ROCKETMQ_NAMESRV ?? "";
const endpoints = process.env.ROCKETMQ_ENDPOINTS ?? "";
const group = `teardown_${target}_${stop}_${Date.now().toString(36)}`;
const controller = new AbortController();
const body = new TextEncoder().encode("x");

function source(withCheckpoint?: ReturnType<typeof checkpoint>): RocketMQSource<string> {
  return new RocketMQSource({
    schema: Utf8DeserializationSchema,
    options: { "nameserver.address": namesrv, "consumer.group": group, "consumer.topic": topic, longPollingMs: 2000, batchSize: 10 },
    signal: controller.signal,
    onLog: () => {},
    ...(withCheckpoint ? { checkpoint: withCheckpoint } : {}),
  }).setStartFromEarliest();
}

/** Reads until 10 records came (then stops as asked) or the stream ends or fails. */
async function runSource(): Promise<{ read: number; error?: unknown }> {
  const reader = source().getReader();
  let read = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return { read };
      read += r.value.records.length;
      if (read >= 10 && stop !== "error") {
        if (stop === "cancel") await reader.cancel("done");
        else controller.abort(new Error("stopped by the test"));
      }
    }
  } catch (error) {
    return { read, error };
  }
}

async function runSink(options: Record<string, unknown>): Promise<{ written: number; error?: unknown }> {
  const writer = createMessageSink(options).withAsync(true).writable().getWriter();
  let written = 0;
  try {
    for (let i = 0; i < 10; i++, written++) await writer.write({ topic, body });
    await writer.ready;
    if (stop === "abort") await writer.abort(new Error("stopped by the test"));
    else await writer.close();
    return { written };
  } catch (error) {
    return { written, error };
  }
}

async function runPipeline(): Promise<{ epochs: number; error?: unknown }> {
  const cp = checkpoint({ pipelineId: group, intervalMs: 300 });
  const sink = createMessageSink({ "nameserver.address": namesrv }).withBatchFlushOnCheckpoint(true);
  let epochs = 0;
  void (async () => {
    for await (const _ of cp.completions()) {
      if (++epochs === 1 && stop !== "error") controller.abort(new Error("stopped by the test"));
    }
  })().catch(() => undefined); // a failed pipeline fails its completions too: the pipeTo below reports it
  try {
    await source(cp).pipeThrough(cp.stream()).pipeThrough(map((r) => ({ topic: `${topic}`, body: new TextEncoder().encode(r.value) }))).pipeTo(cp.sink(sink));
    return { epochs };
  } catch (error) {
    return { epochs, error };
  }
}

const outcome: { error?: unknown } & Record<string, unknown> = target === "source" ? await runSource()
  : target === "sink-remoting" ? await runSink({ "nameserver.address": namesrv })
  : target === "sink-grpc" ? await runSink({ endpoints })
  : target === "pipeline" ? await runPipeline()
  : { error: new Error(`unknown TEARDOWN_TARGET ${target}`) };
const e = outcome.error as { name?: string; code?: string; message?: string } | undefined;
console.log(JSON.stringify({ ...outcome, error: e === undefined ? undefined : { name: e.name, code: e.code, message: e.message } }));
reportHandlesIfAlive();
