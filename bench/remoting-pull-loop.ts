/**
 * The remoting transport driven by a plain loop: one pull loop per readable
 * queue of a topic (32 messages a pull, no long polling, no offset commits),
 * until `count` messages are read. The source benchmark compares its stream
 * against this figure (DESIGN §7: stream-layer overhead at most 5%).
 *
 * usage: <node|deno run -A|bun> bench/remoting-pull-loop.ts --topic T [--count 100000]
 *        [--namesrv 127.0.0.1:9876] [--produce] [--body 1024] [--queues 8]
 *   --produce  first creates the topic (if needed) and tops its backlog up to
 *              `count` messages of `body` bytes, in batches (not timed).
 * Prints a summary line and "BENCH_RESULT {json}".
 */
import process from "node:process";
import { RemotingClient } from "../src/remoting/client.ts";
import type { MessageQueue } from "../src/remoting/route.ts";
import { flag, runtimeLabel } from "./lib/cli.ts";

const topic = flag("topic");
if (!topic) {
  console.error("usage: bench/remoting-pull-loop.ts --topic T [--count 100000] [--namesrv host:port] [--produce]");
  process.exit(2);
}
const count = Number(flag("count", "100000"));
const bodyBytes = Number(flag("body", "1024"));
const queueCount = Number(flag("queues", "8"));
const client = new RemotingClient({ nameServerAddress: flag("namesrv", process.env.ROCKETMQ_NAMESRV ?? "127.0.0.1:9876")!, requestTimeoutMs: 10_000 });


async function backlog(queues: MessageQueue[]): Promise<number> {
  let total = 0;
  for (const mq of queues) total += (await client.getMaxOffset(mq)) - (await client.getMinOffset(mq));
  return total;
}

/** Tops the backlog up to `count` with batches of 1 KiB messages, spread over the queues. */
async function produce(): Promise<void> {
  try {
    await client.getRouteInfo(topic!);
  } catch {
    await client.createTopic(topic!, { queues: queueCount });
    for (let i = 0; i < 100; i++) {
      try { await client.getRouteInfo(topic!, { refresh: true }); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
  }
  const queues = await client.writableQueues(topic!);
  let missing = count - (await backlog(await client.readableQueues(topic!)));
  const body = new Uint8Array(bodyBytes).map((_, i) => 32 + (i % 90));
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  while (missing > 0) {
    const n = Math.min(64, missing);
    missing -= n;
    const mq = queues[next++ % queues.length]!;
    const p: Promise<void> = client.sendBatch(mq, Array.from({ length: n }, () => ({ body, tags: "bench" })), { producerGroup: "bench_remoting_producer" })
      .then(() => { inFlight.delete(p); });
    inFlight.add(p);
    if (inFlight.size >= 16) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

async function pullLoop(mq: MessageQueue, shared: { read: number; bytes: number }): Promise<void> {
  let offset = await client.getMinOffset(mq);
  while (shared.read < count) {
    const r = await client.pull(mq, { consumerGroup: "bench_remoting_pull_loop", queueOffset: offset, maxMsgNums: 32 });
    if (r.status === "NO_NEW_MSG") return; // this queue is drained
    for (const m of r.messages) shared.bytes += m.body.byteLength;
    shared.read += r.messages.length;
    offset = r.nextBeginOffset;
  }
}

try {
  if (process.argv.includes("--produce")) await produce();
  const queues = await client.readableQueues(topic);
  const available = await backlog(queues);
  if (available < count) console.error(`note: backlog is ${available} messages, fewer than --count ${count}`);
  const shared = { read: 0, bytes: 0 };
  const started = performance.now();
  await Promise.all(queues.map((mq) => pullLoop(mq, shared)));
  const ms = performance.now() - started;
  const rate = shared.read / (ms / 1000);
  console.log(`${runtimeLabel()}: pulled ${shared.read} messages from ${queues.length} queues of ${topic} in ${ms.toFixed(0)} ms: ${Math.round(rate)} msgs/s, ${(shared.bytes / 1048576 / (ms / 1000)).toFixed(1)} MiB/s of bodies`);
  console.log(`BENCH_RESULT ${JSON.stringify({ runtime: runtimeLabel(), messages: shared.read, ms: Math.round(ms), msgsPerSec: Math.round(rate), queues: queues.length })}`);
} finally {
  await client.close();
}
