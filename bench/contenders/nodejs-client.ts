/**
 * The official rocketmq-client-nodejs used directly (gRPC through the 5.x proxy), on Node.
 */
import type { Contender, RunContext } from "./types.ts";
import { ASYNC_IN_FLIGHT, POP_LANES, SEND_TIMEOUT_MS, SOURCE_BATCH, SOURCE_IDLE_MS } from "./settings.ts";

const common = (ctx: RunContext) => ["--endpoints", ctx.endpoints, "--topic", ctx.topic, "--messages",
  String(ctx.messages), "--warmup", String(ctx.warmup), "--size", String(ctx.size)];

export const nodejsClientContenders: readonly Contender[] = [
  {
    name: "rocketmq-client-nodejs send() loop",
    runtime: "node", client: "rocketmq-client-nodejs", scenario: "sink-sync",
    settings: `await producer.send() per message, requestTimeout ${SEND_TIMEOUT_MS} ms, maxAttempts 3`,
    run: (ctx) => ctx.spawn("node", "bench/workers/nodejs-client-produce.ts",
      [...common(ctx), "--lanes", "1", "--timeout-ms", String(SEND_TIMEOUT_MS)]),
  },
  {
    name: "rocketmq-client-nodejs send() x128",
    runtime: "node", client: "rocketmq-client-nodejs", scenario: "sink-async",
    settings: `${ASYNC_IN_FLIGHT} send loops on one producer (${ASYNC_IN_FLIGHT} in flight), maxAttempts 3`,
    run: (ctx) => ctx.spawn("node", "bench/workers/nodejs-client-produce.ts",
      [...common(ctx), "--lanes", String(ASYNC_IN_FLIGHT), "--timeout-ms", String(SEND_TIMEOUT_MS)]),
  },
  {
    name: "rocketmq-client-nodejs SimpleConsumer",
    runtime: "node", client: "rocketmq-client-nodejs", scenario: "source",
    settings: `${POP_LANES} receive(${SOURCE_BATCH}, 60 s) loops, ack every message of a batch in parallel, awaitDuration 2 s`,
    run: async (ctx) => {
      const group = await ctx.newGroup("bench_simple");
      return ctx.spawn("node", "bench/workers/nodejs-client-consume.ts", [...common(ctx), "--group", group,
        "--lanes", String(POP_LANES), "--batch", String(SOURCE_BATCH), "--idle-ms", String(SOURCE_IDLE_MS)]);
    },
  },
];
