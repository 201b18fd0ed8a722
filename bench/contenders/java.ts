/**
 * The Java peers: org.apache.rocketmq:rocketmq-client from Maven Central in
 * our harness (scripts/bench-java), over remoting straight to the broker.
 */
import type { Contender, ContenderResult, RunContext } from "./types.ts";
import { ASYNC_IN_FLIGHT, BATCH_IN_FLIGHT, BATCH_MESSAGES, LATENCY_RATE, SEND_TIMEOUT_MS, SOURCE_BATCH, SOURCE_IDLE_MS } from "./settings.ts";

const common = (ctx: RunContext) => ["--namesrv", ctx.namesrv, "--topic", ctx.topic, "--messages", String(ctx.messages),
  "--warmup", String(ctx.warmup), "--size", String(ctx.size), "--timeout-ms", String(SEND_TIMEOUT_MS)];

export const javaContenders: readonly Contender[] = [
  {
    name: "java DefaultMQProducer send() loop",
    runtime: "java", client: "java rocketmq-client", scenario: "sink-sync",
    settings: `sendMsgTimeout and mqClientApiTimeout ${SEND_TIMEOUT_MS} ms, retryTimesWhenSendFailed 2`,
    run: (ctx) => ctx.spawn("java", "produce-sync", common(ctx)),
  },
  {
    name: "java DefaultMQProducer async",
    runtime: "java", client: "java rocketmq-client", scenario: "sink-async",
    settings: `send(msg, callback), Semaphore of ${ASYNC_IN_FLIGHT} messages in flight`,
    run: (ctx) => ctx.spawn("java", "produce-async", [...common(ctx), "--inflight", String(ASYNC_IN_FLIGHT)]),
  },
  {
    name: "java DefaultMQProducer batch",
    runtime: "java", client: "java rocketmq-client", scenario: "sink-batch",
    settings: `send(Collection of ${BATCH_MESSAGES}, callback), Semaphore of ${BATCH_IN_FLIGHT} batches in flight`,
    run: (ctx) => ctx.spawn("java", "produce-batch",
      [...common(ctx), "--inflight", String(BATCH_IN_FLIGHT), "--batch", String(BATCH_MESSAGES)]),
  },
  {
    name: "java DefaultLitePullConsumer",
    runtime: "java", client: "java rocketmq-client", scenario: "source",
    settings: `assign(all queues) + seekToBegin, pullBatchSize ${SOURCE_BATCH}, default pull threads, autoCommit`,
    run: async (ctx): Promise<ContenderResult> => ctx.spawn("java", "drain", [...common(ctx),
      "--group", `bench_java_${Date.now().toString(36)}_${ctx.rep}`, "--pull-batch", String(SOURCE_BATCH),
      "--idle-ms", String(SOURCE_IDLE_MS)]),
  },
  {
    name: "java DefaultMQProducer -> DefaultLitePullConsumer latency",
    runtime: "java", client: "java rocketmq-client", scenario: "latency",
    settings: `async send paced at ${LATENCY_RATE} msg/s (parkNanos); lite pull consumer assign(all queues) + seekToEnd, pullBatchSize 32, ` +
      "poll(100) on its own thread; one JVM, System.nanoTime() stamps",
    run: (ctx) => ctx.spawn("java", "latency", [...common(ctx), "--group", `bench_java_lat_${Date.now().toString(36)}_${ctx.rep}`,
      "--rate", String(LATENCY_RATE), "--idle-ms", String(SOURCE_IDLE_MS)]),
  },
];
