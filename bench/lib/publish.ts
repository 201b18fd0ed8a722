/**
 * Writes a run's report and chart, and the run record (JSON) they are made
 * from, so that `node bench/run.ts --render <record.json>` can write them
 * again from the same measurements, e.g. after bench/analysis.md changed.
 * Nothing is measured or recomputed from anything but the record.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Contender, PendingContender } from "../contenders/types.ts";
import { barChart, type BarGroup } from "./chart.ts";
import type { Machine } from "./machine.ts";
import type { BenchOptions } from "./options.ts";
import { type ScenarioOutcome, summarize } from "./outcome.ts";
import { root } from "./paths.ts";
import { renderReport, type ReportInput } from "./report.ts";
import { spread } from "./stats.ts";
import { extraValues, judgeTargets } from "./targets.ts";

/** What a run saves (bench/results/*.json): the report's input before rendering, with a JSON date. */
export type RunRecord = Omit<ReportInput, "startedAt" | "chartFile" | "targets" | "analysis"> & {
  readonly startedAt: string;
};

/** Where the record of a report goes: bench/results/<report name>.json. */
export const recordPath = (out: string): string =>
  join(root, "bench", "results", `${out.split("/").pop()!.replace(/\.md$/, "").toLowerCase()}.json`);

/**
 * The hand-written analysis a report embeds: bench/analysis.md for
 * BENCHMARKS.md, bench/results/<name>.analysis.md for any other report. One
 * file per report, so a report never carries prose written about another run.
 */
export const analysisPath = (out: string): string => {
  const name = out.split("/").pop()!.replace(/\.md$/, "");
  return name === "BENCHMARKS" ? join(root, "bench", "analysis.md") : join(root, "bench", "results", `${name.toLowerCase()}.analysis.md`);
};

const kindOf = (c: Contender) => c.baseline ? "baseline" as const
  : c.client === "toolkit" ? "toolkit" as const : c.client === "java rocketmq-client" ? "java" as const : "nodejs" as const;

export function publish(record: RunRecord, save: boolean): { report: string; chart: string; record?: string } {
  const { options, outcomes, machine } = record;
  const groups: BarGroup[] = outcomes.flatMap((o): BarGroup[] => {
    if (o.scenario === "memory") return []; // its msg/s is the slow sink's pace; the report has its RSS
    if (o.scenario === "latency") {
      return [{ title: "latency at 1k msg/s", unit: "p99 ms, median of reps, min-max; shorter is better",
        bars: summarize(o).flatMap((s) => {
          const p99 = extraValues(o, s.contender.name, "p99Ms");
          return p99.length ? [{ label: s.contender.name, kind: kindOf(s.contender), ...spread(p99) }] : [];
        }) }];
    }
    return [{ title: o.scenario, bars: summarize(o).flatMap((s) => s.rates ? [{ label: s.contender.name, kind: kindOf(s.contender), ...s.rates }] : []) }];
  });
  mkdirSync(dirname(options.chart), { recursive: true });
  mkdirSync(dirname(options.out), { recursive: true });
  const kind = options.quick ? "QUICK run" : options.fullSize ? "full run" : "reduced run";
  writeFileSync(options.chart, barChart("rocketmq-webstreams: throughput (and latency) per contender, same broker, one run", groups,
    `${machine.cpuModel}, ${machine.nproc} CPUs (shared); ${options.size} B messages, ${options.messages.toLocaleString("en-US")} per rep; ` +
    `${options.reps} rep(s); ${record.startedAt.slice(0, 10)}; ${kind}`));
  const analysisFile = analysisPath(options.out);
  writeFileSync(options.out, renderReport({
    options, machine, versions: record.versions, outcomes, pending: record.pending, startedAt: new Date(record.startedAt),
    broker: record.broker, wallSeconds: record.wallSeconds, chartFile: relative(dirname(options.out), options.chart),
    targets: judgeTargets(outcomes), argv: record.argv, ...(record.invocations ? { invocations: record.invocations } : {}),
    analysis: !options.quick && existsSync(analysisFile) ? readFileSync(analysisFile, "utf8").trim() : "",
  }));
  if (!save) return { report: options.out, chart: options.chart };
  const file = recordPath(options.out);
  mkdirSync(dirname(file), { recursive: true });
  // contenders are written without their run function; a re-render only reads their description
  writeFileSync(file, `${JSON.stringify(record, (key, value) => (key === "run" ? undefined : value), 1)}\n`);
  return { report: options.out, chart: options.chart, record: file };
}

/** Reads a record written by `publish`. */
export function loadRecord(file: string): RunRecord {
  return JSON.parse(readFileSync(file, "utf8")) as RunRecord;
}
