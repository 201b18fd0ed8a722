/**
 * rocketmq-client-nodejs used directly: `Producer.send` awaited in a loop
 * (--lanes 1), or `--lanes K` loops sharing one producer, which keeps K sends
 * in flight (bounded concurrency). Node only: the client is a Node library.
 */
import { Producer } from "rocketmq-client-nodejs";
import { intArg, main, messageBody, need, now, reportProgress, workerArgs } from "./worker-io.ts";

const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

main(async () => {
  const args = workerArgs();
  const topic = need(args, "topic");
  const warmup = intArg(args, "warmup", 0);
  const messages = intArg(args, "messages", 1000);
  const lanes = intArg(args, "lanes", 1);
  const body = Buffer.from(messageBody(intArg(args, "size", 1024)));
  const producer = new Producer({
    endpoints: need(args, "endpoints"),
    namespace: "",
    topics: [topic],
    maxAttempts: 3,
    requestTimeout: intArg(args, "timeout-ms", 3000),
    logger: silentLogger as never,
  });
  await producer.startup();
  let acked = 0;
  const phase = async (count: number) => {
    let next = 0;
    const lane = async () => {
      while (next < count) {
        next++;
        await producer.send({ topic, body });
        acked++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(lanes, Math.max(count, 1)) }, lane));
  };
  await phase(warmup);
  const stop = reportProgress(() => acked);
  const t0 = now();
  await phase(messages);
  const ms = now() - t0;
  stop();
  await producer.shutdown();
  return { messages, ms, total: acked, extra: { lanes } };
});
