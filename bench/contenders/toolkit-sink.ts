/**
 * The toolkit's sink (RocketMQSink) over both transports, remoting
 * (RemotingProducerTransport, straight to the broker) and gRPC
 * (GrpcProducerTransport, through the proxy), on each runtime; and per
 * transport the plain-loop baselines that price the stream layer on the
 * sink side: the bare SendEngine re-sending one prebuilt message, and (over
 * remoting) the sink's own write() in a loop.
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
type Transport = "remoting" | "grpc";
const TRANSPORTS = ["remoting", "grpc"] as const satisfies readonly Transport[];
const LABEL = { remoting: "remoting", grpc: "gRPC" } as const;
const TRANSPORT_SETTINGS = {
  remoting: "RemotingProducerTransport (round robin over the 8 queues), retryTimes 2",
  grpc: "GrpcProducerTransport (rocketmq-client-nodejs Producer), retryTimes 2",
} as const;

const args = (ctx: RunContext, scenario: SinkScenario, driver: "stream" | "loop" | "sink-loop", transport: Transport) => [
  "--transport", transport, ...(transport === "grpc" ? ["--endpoints", ctx.endpoints] : ["--namesrv", ctx.namesrv]),
  "--topic", ctx.topic, "--messages", String(ctx.messages), "--warmup", String(ctx.warmup),
  "--size", String(ctx.size), "--timeout-ms", String(SEND_TIMEOUT_MS), "--mode", MODES[scenario].mode,
  "--driver", driver, ...MODES[scenario].tuning,
];

function streamSink(runtime: (typeof RUNTIMES)[number], scenario: SinkScenario, transport: Transport): Contender {
  return {
    name: `toolkit sink (${LABEL[transport]}) ${MODES[scenario].mode} on ${runtime}`,
    runtime, client: "toolkit", scenario, transport,
    settings: `ReadableStream of 1 record per chunk -> pipeTo(sink.writable()); ${MODES[scenario].settings}; ${TRANSPORT_SETTINGS[transport]}`,
    run: (ctx) => ctx.spawn(runtime, WORKER, args(ctx, scenario, "stream", transport)),
  };
}

/** Batch mode with whole batches per chunk (`batchWritable()`): what the stream layer costs when chunks carry batches. */
function arraySink(transport: Transport): Contender {
  const scenario = "sink-batch";
  return {
    name: `toolkit sink (${LABEL[transport]}) batch, ${BATCH_MESSAGES} records per chunk, on node`,
    runtime: "node", client: "toolkit", scenario, transport,
    settings: `ReadableStream of ${BATCH_MESSAGES}-record arrays -> pipeTo(sink.batchWritable()); ${MODES[scenario].settings}; ${TRANSPORT_SETTINGS[transport]}`,
    run: (ctx) => ctx.spawn("node", WORKER, [...args(ctx, scenario, "stream", transport), "--chunk", String(BATCH_MESSAGES)]),
  };
}

function loopBaseline(scenario: SinkScenario, transport: Transport): Contender {
  return {
    name: `baseline: SendEngine ${MODES[scenario].mode} over ${LABEL[transport]} in a plain loop (no streams) on node`,
    runtime: "node", client: "toolkit", scenario, transport, baseline: true,
    settings: `engine.write([message]) in a for loop, then close(); ${MODES[scenario].settings.replace("RocketMQSink", "SendEngine")}; ${TRANSPORT_SETTINGS[transport]}`,
    run: (ctx) => ctx.spawn("node", WORKER, args(ctx, scenario, "loop", transport)),
  };
}

/**
 * `sink.write([record])` in a loop: the stream rows' own per-record work
 * without streams. Remoting only: over gRPC a send costs about 1 ms of the
 * client's CPU, which drowns the stream layer (bench/analysis.md).
 */
function sinkWriteBaseline(scenario: SinkScenario): Contender {
  const transport = "remoting";
  return {
    name: `baseline: RocketMQSink.write([record]) ${MODES[scenario].mode} over ${LABEL[transport]} in a plain loop (no streams) on node`,
    runtime: "node", client: "toolkit", scenario, transport, baseline: true, drivesSinkWrite: true,
    settings: `sink.write([record]) in a for loop, then close(); ${MODES[scenario].settings}; ${TRANSPORT_SETTINGS[transport]}`,
    run: (ctx) => ctx.spawn("node", WORKER, args(ctx, scenario, "sink-loop", transport)),
  };
}

export const toolkitSinkContenders: readonly Contender[] = (Object.keys(MODES) as SinkScenario[]).flatMap((scenario) =>
  TRANSPORTS.flatMap((transport) => [
    ...RUNTIMES.map((runtime) => streamSink(runtime, scenario, transport)),
    ...(scenario === "sink-batch" && transport === "remoting" ? [arraySink(transport)] : []),
    loopBaseline(scenario, transport),
    ...(transport === "remoting" ? [sinkWriteBaseline(scenario)] : []),
  ]));
