/**
 * rocketmq-client-nodejs used directly on the source side: `SimpleConsumer`
 * (pop over the gRPC proxy) draining a backlog. `--lanes K` receive loops run
 * side by side; each acknowledges its whole batch (`ack` per message, in
 * parallel) before the next receive. Redeliveries are counted once (by message
 * id) and reported as duplicates. Stops after `--idle-ms` without a message.
 */
import { SimpleConsumer } from "rocketmq-client-nodejs";
import { intArg, main, need, now, reportProgress, workerArgs } from "./worker-io.ts";

const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

main(async () => {
  const args = workerArgs();
  const topic = need(args, "topic");
  const warmup = intArg(args, "warmup", 0);
  const expected = warmup + intArg(args, "messages", 1000);
  const lanes = intArg(args, "lanes", 4);
  const batch = intArg(args, "batch", 32);
  const idleMs = intArg(args, "idle-ms", 15000);
  const consumer = new SimpleConsumer({
    endpoints: need(args, "endpoints"),
    namespace: "",
    consumerGroup: need(args, "group"),
    subscriptions: new Map([[topic, "*"]]),
    awaitDuration: 2000,
    requestTimeout: 5000,
    logger: silentLogger as never,
  });
  await consumer.startup();
  const seen = new Set<string>();
  let duplicates = 0;
  let bytes = 0;
  let t0 = 0;
  let timedFrom = 0;
  let lastMessageAt = now();
  const stop = reportProgress(() => seen.size);
  const lane = async () => {
    while (seen.size < expected && now() - lastMessageAt < idleMs) {
      const views = await consumer.receive(batch, 60_000);
      if (views.length === 0) continue;
      lastMessageAt = now();
      for (const v of views) {
        if (seen.has(v.messageId)) duplicates++;
        else {
          seen.add(v.messageId);
          bytes += v.body.byteLength;
        }
      }
      if (t0 === 0 && seen.size >= warmup) {
        t0 = lastMessageAt;
        timedFrom = seen.size;
      }
      await Promise.all(views.map((v) => consumer.ack(v)));
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const ms = t0 === 0 ? 0 : lastMessageAt - t0;
  stop();
  await consumer.shutdown();
  return { messages: seen.size - timedFrom, ms, total: seen.size, extra: { lanes, batch, duplicates, bytes } };
});
