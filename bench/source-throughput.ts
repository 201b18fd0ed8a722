/**
 * RocketMQSource into a counting sink, beside the remoting transport driven
 * by a plain pull loop (as bench/remoting-pull-loop.ts does it), on the same
 * backlog in the same process, alternating `--reps` times.
 *
 * usage: <node|deno run -A|bun> bench/source-throughput.ts --topic T [--count 200000]
 *        [--namesrv 127.0.0.1:9876] [--reps 2] [--hwm 2] [--batch 32]
 * The backlog must exist: `bench/remoting-pull-loop.ts --topic T --count N --produce` writes it.
 * Prints one line per run and "BENCH_RESULT {json}".
 */
import process from "node:process";
import { RocketMQSource } from "../src/readable/rocketmq-source.ts";
import { RemotingClient } from "../src/remoting/client.ts";
import type { MessageQueue } from "../src/remoting/route.ts";
import { BytesDeserializationSchema } from "../src/serde/bytes.ts";
import { flag, runtimeLabel } from "./lib/cli.ts";

const topic = flag("topic");
if (!topic) {
  console.error("usage: bench/source-throughput.ts --topic T [--count 200000] [--reps 2]");
  process.exit(2);
}
const count = Number(flag("count", "200000"));
const reps = Number(flag("reps", "2"));
const hwm = Number(flag("hwm", "2"));
const batch = Number(flag("batch", "32"));
const namesrv = flag("namesrv", process.env.ROCKETMQ_NAMESRV ?? "127.0.0.1:9876")!;


interface Run { readonly messages: number; readonly ms: number; readonly rate: number }

/** The baseline: one pull loop per queue from its min offset, no stream in between. */
async function pullLoop(): Promise<Run> {
  const client = new RemotingClient({ nameServerAddress: namesrv, requestTimeoutMs: 10_000 });
  try {
    const queues = await client.readableQueues(topic!);
    const shared = { read: 0, bytes: 0 };
    const loop = async (mq: MessageQueue) => {
      let offset = await client.getMinOffset(mq);
      while (shared.read < count) {
        const r = await client.pull(mq, { consumerGroup: "bench_source_loop", queueOffset: offset, maxMsgNums: batch });
        if (r.status === "NO_NEW_MSG") return;
        for (const m of r.messages) shared.bytes += m.body.byteLength;
        shared.read += r.messages.length;
        offset = r.nextBeginOffset;
      }
    };
    const started = performance.now();
    await Promise.all(queues.map(loop));
    const ms = performance.now() - started;
    return { messages: shared.read, ms, rate: shared.read / (ms / 1000) };
  } finally {
    await client.close();
  }
}

/** The source, from the earliest offsets with a fresh group, into a sink that counts records and bytes. */
async function source(rep: number): Promise<Run> {
  const stop = new AbortController();
  const src = new RocketMQSource({
    schema: BytesDeserializationSchema,
    options: {
      nameServerAddress: namesrv,
      consumerGroup: `bench_source_${Date.now().toString(36)}_${rep}`,
      topic: topic!,
      batchSize: batch,
      requestTimeoutMs: 10_000,
      offsetPersistIntervalMs: 5000,
    },
    highWaterMark: hwm,
    signal: stop.signal,
  }).setStartFromEarliest();
  let read = 0, bytes = 0;
  let started = 0;
  let ms = 0;
  await src.pipeTo(new WritableStream({
    write(chunk) {
      if (started === 0) started = performance.now();
      for (const r of chunk.records) bytes += r.body.byteLength;
      read += chunk.records.length;
      if (read >= count && ms === 0) {
        ms = performance.now() - started;
        stop.abort();
      }
    },
  }));
  return { messages: read, ms, rate: read / (ms / 1000) };
}

const rows: Array<{ kind: string; run: Run }> = [];
for (let i = 0; i < reps; i++) {
  const loop = await pullLoop();
  rows.push({ kind: "pull-loop", run: loop });
  console.log(`${runtimeLabel()} pull loop  rep ${i + 1}: ${loop.messages} msgs in ${loop.ms.toFixed(0)} ms = ${Math.round(loop.rate)} msgs/s`);
  const s = await source(i);
  rows.push({ kind: "source", run: s });
  console.log(`${runtimeLabel()} source     rep ${i + 1}: ${s.messages} msgs in ${s.ms.toFixed(0)} ms = ${Math.round(s.rate)} msgs/s`);
}
const best = (kind: string) => Math.max(...rows.filter((r) => r.kind === kind).map((r) => r.run.rate));
const ratio = best("source") / best("pull-loop");
console.log(`${runtimeLabel()}: best source ${Math.round(best("source"))} msgs/s vs pull loop ${Math.round(best("pull-loop"))} msgs/s: ratio ${ratio.toFixed(3)}`);
console.log(`BENCH_RESULT ${JSON.stringify({ runtime: runtimeLabel(), count, reps, hwm, batch, sourceMsgsPerSec: Math.round(best("source")), loopMsgsPerSec: Math.round(best("pull-loop")), ratio: Number(ratio.toFixed(3)), runs: rows.map((r) => ({ kind: r.kind, msgs: r.run.messages, ms: Math.round(r.run.ms) })) })}`);
