/** Writes BENCHMARKS.md (or the quick report): fairness rules first, then setup, results, ratios, targets. */
import type { Contender, PendingContender } from "../contenders/types.ts";
import { SCENARIO_TITLES } from "../contenders/types.ts";
import type { Machine } from "./machine.ts";
import type { BenchOptions } from "./options.ts";
import { type ContenderSummary, invalidReasons, type ScenarioOutcome, summarize } from "./outcome.ts";
import type { Invocation } from "./resume.ts";
import { JVM_FLAGS } from "./runtimes.ts";
import { spread } from "./stats.ts";
import { baselinesOf, extraValues } from "./targets.ts";

export interface ReportInput {
  readonly options: BenchOptions;
  readonly machine: Machine;
  readonly versions: Record<string, string>;
  readonly broker: { readonly version: string; readonly kind: string; readonly namesrv: string; readonly endpoints: string };
  readonly outcomes: readonly ScenarioOutcome[];
  readonly pending: readonly PendingContender[];
  readonly startedAt: Date;
  readonly wallSeconds: number;
  readonly chartFile: string;
  /** Verdicts on DESIGN §7 targets, computed by the runner from the medians. */
  readonly targets: readonly { readonly target: string; readonly verdict: string }[];
  readonly analysis: string;
  /** The flags the run was started with, as typed. */
  readonly argv: readonly string[];
  /** Present when the run was resumed (--resume): every invocation that contributed, and its scenarios. */
  readonly invocations?: readonly Invocation[];
}

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const HOW_TO = "How to run and what each scenario measures: [bench/README.md](bench/README.md).";
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}x` : "—");

function peers(rows: readonly ContenderSummary[]) {
  const pick = (c: Contender["client"]) => rows.find((r) => r.contender.client === c && !r.contender.baseline);
  return { java: pick("java rocketmq-client")?.rates?.median, nodejs: pick("rocketmq-client-nodejs")?.rates?.median };
}

/** Scenario-specific columns read from the workers' `extra` (median over repetitions, or every rep). */
const EXTRA_COLUMNS: Partial<Record<ScenarioOutcome["scenario"], ReadonlyArray<{ title: string; key: string; all?: boolean }>>> = {
  latency: [{ title: "p50 ms", key: "p50Ms" }, { title: "p99 ms", key: "p99Ms" }, { title: "max ms", key: "maxMs" },
    { title: "of which send -> broker ack, p50 ms", key: "ackP50Ms" }, { title: "send -> ack p99 ms", key: "ackP99Ms" }],
  memory: [{ title: "RSS peak, 1st half of timed phase, MiB (per rep)", key: "rssFirstHalfMiB", all: true },
    { title: "RSS peak, 2nd half, MiB (per rep)", key: "rssSecondHalfMiB", all: true },
    { title: "max messages pulled ahead of the sink", key: "maxAheadMessages", all: true },
    { title: "messages per pull response (per rep)", key: "messagesPerPull", all: true },
    { title: "V8 heap total peak, MiB (per rep)", key: "heapTotalPeakMiB", all: true }],
  pipeline: [{ title: "epochs completed (per rep)", key: "epochs", all: true }],
};

const SCENARIO_NOTES: Partial<Record<ScenarioOutcome["scenario"], string>> = {
  latency: "msg/s here is the paced send rate, not a throughput: read p50/p99 (nearest rank over the timed messages of a repetition; the columns give the median over repetitions).",
  memory: "msg/s here is the slow sink's pace, by design. Peak RSS (VmHWM) is the whole process; the worker also samples its RSS every 250 ms for the per-half peaks.",
  pipeline: "Both rows read the same backlog with fresh groups and write into the scenario's topic; the clock stops when the sink has every message acknowledged (with checkpoints: also the last epoch stored and committed).",
};

function scenarioSection(o: ScenarioOutcome): string[] {
  const rows = summarize(o);
  const { java, nodejs } = peers(rows);
  const invalid = invalidReasons(o);
  const extras = EXTRA_COLUMNS[o.scenario] ?? [];
  const lines = [
    `### ${SCENARIO_TITLES[o.scenario]}`, "",
    o.pieces && o.pieces.length > 1
      ? `Run over ${o.pieces.length} invocations (\`--resume\` after a cut; a round is one repetition of every contender, back to back): ` +
        o.pieces.map((p) => `rounds ${p.firstRep}-${p.lastRep} on ${p.startedAt} (commit ${p.commit ?? "unknown"}) into topic \`${p.topic}\``).join("; ") +
        `. 8 queues each; ${n(o.timed)} timed messages per repetition after ${n(o.warmup)} untimed warm-up messages.`
      : `Topic \`${o.topic}\` (8 queues); ${n(o.timed)} timed messages per repetition after ${n(o.warmup)} untimed warm-up messages.`,
    o.roundsDone !== undefined ? `**Unfinished**: ${o.roundsDone} complete round(s) so far; this is a partial record.` : "",
    o.brokerCheck ? `Broker check (${o.brokerCheck.what}): stored ${n(o.brokerCheck.stored)}, expected ${n(o.brokerCheck.expected)}.` : "",
    invalid.length === 0
      ? "**Valid**: every contender moved the same number of messages in every repetition."
      : `**INVALID RUN**: ${invalid.join("; ")}.`,
    ...o.notes.map((t) => `Note: ${t}`),
    ...(SCENARIO_NOTES[o.scenario] ? [SCENARIO_NOTES[o.scenario]!] : []), "",
    `| contender | runtime | median msg/s | min | max | reps | vs Java | vs rocketmq-client-nodejs | process CPU ms / 1k msgs (incl. start-up) | peak RSS MiB |${extras.map((e) => ` ${e.title} |`).join("")}`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|---:|${extras.map(() => "---:|").join("")}`,
  ];
  const fmt = (v: number) => (Number.isInteger(v) ? n(v) : v.toFixed(1));
  for (const r of rows) {
    const med = r.rates?.median;
    const cells = extras.map((e) => {
      const vs = extraValues(o, r.contender.name, e.key);
      return vs.length === 0 ? "—" : e.all ? vs.map(fmt).join(" / ") : fmt(spread(vs).median);
    });
    lines.push(`| ${r.contender.name}${r.extra ? ` (${r.extra})` : ""} | ${r.contender.runtime} | ${med ? n(med) : "failed"} | ${r.rates ? n(r.rates.min) : "—"} | ${r.rates ? n(r.rates.max) : "—"} | ${r.reps} | ${ratio(med, java)} | ${ratio(med, nodejs)} | ${r.cpuPer1k !== undefined ? n(r.cpuPer1k) : "—"} | ${r.peakRssMiB ?? "—"} |${cells.map((c) => ` ${c} |`).join("")}`);
  }
  const failures = rows.flatMap((r) => r.failures.map((f) => `- ${r.contender.name}, ${f}`));
  return [...lines, "", ...(failures.length ? ["Failures:", ...failures, ""] : [])].filter((l, i, a) => !(l === "" && a[i - 1] === ""));
}

/** One table: every toolkit row of the throughput scenarios against the peers of its scenario. */
function summaryTable(outcomes: readonly ScenarioOutcome[]): string[] {
  const lines = [
    "| scenario | toolkit contender | median msg/s | vs Java | vs rocketmq-client-nodejs | vs plain-loop baseline (same transport; the sink.write() loop where it ran) |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const o of outcomes) {
    if (o.scenario === "latency" || o.scenario === "memory") continue;
    const rows = summarize(o);
    const { java, nodejs } = peers(rows);
    const valid = invalidReasons(o).length === 0;
    for (const r of rows.filter((x) => x.contender.client === "toolkit" && !x.contender.baseline)) {
      const med = r.rates?.median;
      const base = r.contender.transport ? baselinesOf(rows, r.contender.transport).loopRow?.rates?.median : undefined;
      lines.push(`| ${o.scenario}${valid ? "" : " (INVALID)"} | ${r.contender.name} | ${med ? n(med) : "failed"} | ${ratio(med, java)} | ${ratio(med, nodejs)} | ${ratio(med, base)} |`);
    }
  }
  return lines;
}

export function renderReport(input: ReportInput): string {
  const { options: o, machine: m, versions: v, broker: b } = input;
  // one settings row per contender: a record read back from JSON has a contender object per attempt, so key by name
  const contenders = [...new Map(input.outcomes.flatMap((x) => x.attempts.map((a) => [a.contender.name, a.contender] as const))).values()];
  const kind = o.quick ? "QUICK run (harness check; numbers are not meant to be compared)"
    : o.fullSize ? "full run" : `reduced run: NOT the full 1M-message run DESIGN §7 asks for`;
  return [
    "# Benchmarks", "",
    ...(input.invocations && input.invocations.length > 1 ? [
      `Generated by bench/run.ts in ${input.invocations.length} invocations with the same counts (\`--resume\`, listed below), the first on ${input.startedAt.toISOString()}: ${kind}. ` +
      `Wall time ${Math.round(input.wallSeconds)} s in all. ${HOW_TO}`, "",
      input.outcomes.some((o) => (o.pieces?.length ?? 0) > 1)
        ? `**Resumed run**: each round of a scenario (one repetition of every contender, back to back) ran within one invocation, so the rows compared within a repetition share one broker; a scenario split over invocations says which rounds each ran:`
        : `**Resumed run**: each scenario ran whole within one invocation, so the rows of a scenario still share one broker and interleaved repetitions:`, "",
      ...input.invocations.map((i) => `- ${i.startedAt}, commit ${i.commit ?? "unknown"}, ${Math.round(i.wallSeconds)} s, \`npm run bench -- ${i.argv.join(" ")}\`: ${i.scenarios.join(", ") || "no scenario kept"}`), ""]
      : [`Generated by \`npm run bench${input.argv.length ? ` -- ${input.argv.join(" ")}` : ""}\` (bench/run.ts) on ${input.startedAt.toISOString()}: ${kind}. ` +
        `Wall time ${Math.round(input.wallSeconds)} s. ${HOW_TO}`, ""]),
    ...(o.skip.length ? [`**Left out of this run** (\`--skip ${o.skip.join(",")}\`): every contender whose name contains ${o.skip.map((x) => `"${x}"`).join(" or ")}. Their rows are missing below, not measured.`, ""] : []),
    "## Fairness rules", "",
    "- One broker, one run: every contender runs against the same RocketMQ, in the same invocation, with repetitions interleaved (rep 1 of every contender, then rep 2, ...), so slow drifts of a shared machine hit all of them alike.",
    "- Same topic layout for all: one fresh topic with 8 queues per scenario, created by the runner; same message (1 KiB of 'a'..'z', no tags, no keys) for every client.",
    "- Each contender runs in its own process (fresh runtime or JVM), so memory and CPU are its own.",
    v.nodeToolkitFrom
      ? "- Node runs JavaScript: before the run the toolkit is compiled with tsc (bench/lib/node-build.ts), as an installed package reaches Node, which does not strip types inside node_modules; rocketmq-client-nodejs ships JavaScript. Deno and Bun run the toolkit's TypeScript sources natively."
      : "- Node ran the toolkit's TypeScript sources through its built-in type stripping (this run predates the compiled-JavaScript rule; the stripper adds about 38 MiB of RSS to a Node process that imports the source, see bench/README.md). Deno and Bun run the TypeScript sources natively.",
    "- Warm-up excluded: each process first moves the warm-up messages untimed (same connection, same client), then the timed ones. Process start, client start-up and connection set-up are outside the clock.",
    "- Each contender uses its best reasonable settings, stated below; senders share the same in-flight bound (128 messages async, 8 batches of 64 in batch mode).",
    "- A scenario is valid only if every contender moved exactly the same number of messages in every repetition (checked), and the broker's own count (mqadmin topicStatus) agrees.",
    "- Java and the toolkit's remoting transport talk straight to the broker; rocketmq-client-nodejs and the toolkit's gRPC sink go through the 5.x proxy (in local mode, inside the broker's JVM). That is the protocol each client speaks, and it is part of what is measured.",
    "- The source, pipeline and memory scenarios read one shared backlog (8 queues), written once per run by the Java batch producer before any of them starts; each drain uses a fresh consumer group from the first offset.",
    "- The machine is shared: other engineers run test suites on it during runs, so absolute figures are noisy. Read ratios within one run, not figures across runs.", "",
    "## Setup", "",
    `- Machine: ${m.cpuModel}, ${m.nproc} CPUs (nproc), ${m.memoryGiB} GiB RAM, ${m.kernel}; 1-minute load average at start ${m.loadAtStart}.`,
    ...(v.commit ? [`- Code: commit ${v.commit}; src/ at start: ${v.srcChanges}. Others work in the same tree, and each worker loads src/ when it starts.`] : []),
    `- Runtimes: Node ${v.node}, ${v.deno}, Bun ${v.bun}, Java: ${v.java}.`,
    `- Clients: rocketmq-client-nodejs ${v["rocketmq-client-nodejs"]}; Java org.apache.rocketmq:rocketmq-client ${v["java rocketmq-client"]} (Maven Central).`,
    `- Broker: Apache RocketMQ ${b.version} (${b.kind}), name server ${b.namesrv}, gRPC proxy ${b.endpoints}; JDK 17, one broker, ASYNC_FLUSH, 64 MiB commit-log files (scripts/broker.ts).`,
    `- Message size ${o.size} bytes; ${n(o.messages)} timed messages per repetition (sink-sync: ${n(o.syncMessages)}; latency: ${n(o.latencyMessages)} at 1k msg/s after ${n(o.latencyWarmup)} warm-up); warm-up ${n(o.warmup)}; ${o.reps} repetition(s) per contender.`,
    `- JVM flags of the Java contenders: \`${JVM_FLAGS.join(" ")}\` (JIT warmed by the warm-up phase).`, "",
    "## Results", "",
    `![throughput per contender](${input.chartFile})`, "",
    "### Ratios: the toolkit against Java and rocketmq-client-nodejs", "",
    "Medians of this run; the peers are the Java and rocketmq-client-nodejs rows of the same scenario (a — where that peer has no row: rocketmq-client-nodejs has no batch send and is not in the pipeline).", "",
    ...summaryTable(input.outcomes), "",
    ...input.outcomes.flatMap(scenarioSection),
    "## Targets (DESIGN §7)", "",
    "| target | this run |", "|---|---|",
    ...input.targets.map((t) => `| ${t.target} | ${t.verdict} |`), "",
    ...(input.analysis ? ["## Where the time goes", "", input.analysis, ""] : []),
    ...(input.pending.length === 0 ? [] : [
      "## Not available yet", "",
      "These contenders have a registration point in bench/contenders/index.ts and run once the code they measure lands. Nothing here is measured or estimated.", "",
      "| contender | scenario | waits for |", "|---|---|---|",
      ...input.pending.map((p) => `| ${p.name} | ${p.scenario} | ${p.waitsFor} |`), ""]),
    "## Contender settings", "",
    "| contender | settings |", "|---|---|",
    ...contenders.map((c) => `| ${c.name} | ${c.settings} |`), "",
  ].join("\n");
}
