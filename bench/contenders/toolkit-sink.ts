/**
 * The toolkit's sink (RocketMQSink over GrpcProducerTransport) on each
 * runtime, and the plain-loop baseline: the same SendEngine and transport
 * without streams, which prices the stream layer on the sink side.
 */
import type { Contender, Runtime, RunContext, Scenario } from "./types.ts";
import { ASYNC_IN_FLIGHT, BATCH_IN_FLIGHT, BATCH_MESSAGES, SEND_TIMEOUT_MS } from "./settings.ts";

const WORKER = "bench/workers/toolkit-sink.ts";
const RUNTIMES = ["node", "deno", "bun"] as const satisfies readonly Runtime[];

const MODES = {
  "sink-sync": { mode: "sync", tuning: [], settings: "RocketMQSink sync (await each ack)" },
  "sink-async": { mode: "async", tuning: ["--inflight", String(ASYNC_IN_FLIGHT)],
    settings: `RocketMQSink withAsync(true), maxInFlight ${ASYNC_IN_FLIGHT}` },
  "sink-batch": { mode: "batch", tuning: ["--inflight", String(BATCH_IN_FLIGHT), "--batch", String(BATCH_MESSAGES)],
    settings: `RocketMQSink withBatchFlushOnCheckpoint(true), batchMaxMessages ${BATCH_MESSAGES}, maxInFlight ${BATCH_IN_FLIGHT}` },
} as const satisfies Partial<Record<Scenario, { mode: string; tuning: readonly string[]; settings: string }>>;

type SinkScenario = keyof typeof MODES;

const args = (ctx: RunContext, scenario: SinkScenario, driver: "stream" | "loop") => [
  "--endpoints", ctx.endpoints, "--topic", ctx.topic, "--messages", String(ctx.messages), "--warmup", String(ctx.warmup),
  "--size", String(ctx.size), "--timeout-ms", String(SEND_TIMEOUT_MS), "--mode", MODES[scenario].mode,
  "--driver", driver, ...MODES[scenario].tuning,
];

function streamSink(runtime: (typeof RUNTIMES)[number], scenario: SinkScenario): Contender {
  return {
    name: `toolkit sink (gRPC) ${MODES[scenario].mode} on ${runtime}`,
    runtime, client: "toolkit", scenario,
    settings: `ReadableStream of 1 record per chunk -> pipeTo(sink.writable()); ${MODES[scenario].settings}; gRPC transport retryTimes 2`,
    run: (ctx) => ctx.spawn(runtime, WORKER, args(ctx, scenario, "stream")),
  };
}

function loopBaseline(scenario: SinkScenario): Contender {
  return {
    name: `baseline: SendEngine ${MODES[scenario].mode} in a plain loop (no streams) on node`,
    runtime: "node", client: "toolkit", scenario,
    settings: `engine.write([message]) in a for loop, then close(); ${MODES[scenario].settings.replace("RocketMQSink", "SendEngine")}`,
    run: (ctx) => ctx.spawn("node", WORKER, args(ctx, scenario, "loop")),
  };
}

export const toolkitSinkContenders: readonly Contender[] = (Object.keys(MODES) as SinkScenario[]).flatMap((scenario) => [
  ...RUNTIMES.map((runtime) => streamSink(runtime, scenario)),
  loopBaseline(scenario),
]);
