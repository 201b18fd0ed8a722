/**
 * The toolkit's source draining a backlog, on whichever runtime runs this
 * file (Node, Deno, Bun).
 *
 * --driver stream (default): `RocketMQSource` from the earliest offsets with a
 *   fresh consumer group, piped into a WritableStream that counts records.
 * --driver loop: the baseline. The same `RemotingClient.pull` the source uses,
 *   one plain `while` loop per queue from its minimum offset, no streams, no
 *   group membership, no offset commits: what the stream layer is priced against.
 *
 * Like the Java drain: the clock starts once the warm-up share of the backlog
 * has been counted and stops at the last message; `total` is everything read.
 * A drain that sees nothing for --idle-ms stops and reports what it got (the
 * runner then marks the scenario invalid).
 */
import process from "node:process";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import type { MessageQueue } from "../../src/remoting/route.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";
import { DrainClock, intArg, main, need, now, reportProgress, workerArgs } from "./worker-io.ts";

main(async () => {
  const args = workerArgs();
  const namesrv = need(args, "namesrv");
  const topic = need(args, "topic");
  const warmup = intArg(args, "warmup", 0);
  const expected = warmup + intArg(args, "messages", 1000);
  const batch = intArg(args, "batch", 32);
  const idleMs = intArg(args, "idle-ms", 15_000);
  const driver = args.get("driver") ?? "stream";
  const clock = new DrainClock(warmup, expected);
  const stop = reportProgress(() => clock.count);

  if (driver === "loop") {
    const client = new RemotingClient({ nameServerAddress: namesrv, requestTimeoutMs: 10_000 });
    try {
      const queues = await client.readableQueues(topic);
      const group = need(args, "group");
      const loop = async (mq: MessageQueue) => {
        let offset = await client.getMinOffset(mq);
        while (!clock.done && now() - clock.last < idleMs) {
          const r = await client.pull(mq, { consumerGroup: group, queueOffset: offset, maxMsgNums: batch });
          if (r.status !== "FOUND") {
            if (r.status === "NO_NEW_MSG" && offset >= (await client.getMaxOffset(mq))) return; // this queue is drained
            offset = r.nextBeginOffset;
            continue;
          }
          let bytes = 0;
          for (const m of r.messages) bytes += m.body.byteLength;
          clock.add(r.messages.length, bytes);
          offset = r.nextBeginOffset;
        }
      };
      await Promise.all(queues.map(loop));
      stop();
      return clock.result({ driver, queues: queues.length, batch });
    } finally {
      await client.close();
    }
  }
  if (driver !== "stream") throw new RangeError(`--driver must be stream or loop, got ${driver}`);

  const abort = new AbortController();
  const hwm = intArg(args, "hwm", 2);
  const source = new RocketMQSource({
    schema: BytesDeserializationSchema,
    options: { nameServerAddress: namesrv, consumerGroup: need(args, "group"), topic, batchSize: batch, requestTimeoutMs: 10_000 },
    highWaterMark: hwm,
    signal: abort.signal,
    onLog: (e) => { if (e.level === "warn") process.stderr.write(`source: ${e.message}\n`); },
  }).setStartFromEarliest();
  const idle = setInterval(() => { if (now() - clock.last > idleMs) abort.abort(); }, 1000);
  await source.pipeTo(new WritableStream({
    write(chunk) {
      let bytes = 0;
      for (const r of chunk.records) bytes += r.body.byteLength;
      clock.add(chunk.records.length, bytes);
      if (clock.done) abort.abort();
    },
  }));
  clearInterval(idle);
  stop();
  return clock.result({ driver, batch, hwm, pulls: source.stats.pulls });
});
