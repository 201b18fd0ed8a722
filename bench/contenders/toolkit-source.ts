/**
 * The toolkit's source on each runtime, and the plain-loop baseline: the
 * same remoting pull requests without streams, which prices the stream layer
 * on the source side (DESIGN §7: at most 5%).
 */
import { randomName } from "../lib/broker-admin.ts";
import type { Contender, Runtime, RunContext } from "./types.ts";
import { SOURCE_BATCH, SOURCE_HIGH_WATER_MARK, SOURCE_IDLE_MS } from "./settings.ts";

const WORKER = "bench/workers/toolkit-source.ts";
const RUNTIMES = ["node", "deno", "bun"] as const satisfies readonly Runtime[];

// a fresh group name per run; pull consumers need no group created beforehand (the broker auto-creates it)
const args = (ctx: RunContext, driver: "stream" | "loop") => [
  "--namesrv", ctx.namesrv, "--topic", ctx.topic, "--messages", String(ctx.messages), "--warmup", String(ctx.warmup),
  "--group", randomName(`bench_tk_src_${driver}`), "--batch", String(SOURCE_BATCH), "--hwm", String(SOURCE_HIGH_WATER_MARK),
  "--idle-ms", String(SOURCE_IDLE_MS), "--driver", driver,
];

export const toolkitSourceContenders: readonly Contender[] = [
  ...RUNTIMES.map((runtime): Contender => ({
    name: `toolkit source (remoting) on ${runtime}`,
    runtime, client: "toolkit", scenario: "source", transport: "remoting",
    settings: `RocketMQSource setStartFromEarliest(), fresh group, batchSize ${SOURCE_BATCH}, highWaterMark ${SOURCE_HIGH_WATER_MARK}, ` +
      "pullPoolSize 20 (default), long polling 20 s (default) -> pipeTo(counting WritableStream)",
    run: (ctx) => ctx.spawn(runtime, WORKER, args(ctx, "stream")),
  })),
  {
    name: "baseline: remoting pull loop (no streams) on node",
    runtime: "node", client: "toolkit", scenario: "source", transport: "remoting", baseline: true,
    settings: `RemotingClient.pull(maxMsgNums ${SOURCE_BATCH}) in one while loop per queue from its min offset; no group, no commits`,
    run: (ctx) => ctx.spawn("node", WORKER, args(ctx, "loop")),
  },
];
