/**
 * DESIGN §7 targets, judged from one run's medians. Only what this run
 * measured gets a verdict; the rest says what is missing.
 */
import type { Scenario } from "../contenders/types.ts";
import { type ContenderSummary, invalidReasons, type ScenarioOutcome, summarize } from "./outcome.ts";
import { rate, spread } from "./stats.ts";

export interface Verdict {
  readonly target: string;
  readonly verdict: string;
}

/** The memory target: peak RSS at most this, and the second half's peak no higher than this factor of the first's. */
export const RSS_LIMIT_MIB = 200;
export const RSS_FLAT_FACTOR = 1.1;
export const P99_LIMIT_MS = 10;

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const ok = (met: boolean) => (met ? "met" : "**missed**");

function rows(outcomes: readonly ScenarioOutcome[], scenario: Scenario) {
  const o = outcomes.find((x) => x.scenario === scenario);
  if (!o) return undefined;
  const all = summarize(o);
  const find = (pred: (r: ContenderSummary) => boolean) => all.find((r) => pred(r) && r.rates)?.rates?.median;
  return {
    outcome: o,
    all,
    valid: invalidReasons(o).length === 0,
    toolkit: all.filter((r) => r.contender.client === "toolkit" && !r.contender.baseline && r.rates),
    java: find((r) => r.contender.client === "java rocketmq-client"),
    nodejs: find((r) => r.contender.client === "rocketmq-client-nodejs"),
  };
}

/**
 * The plain-loop rows of a transport: the one the stream layer is judged
 * against (the sink.write() loop where it ran, as it does the stream rows'
 * per-record work; else the bare engine or pull loop), and the bare one.
 */
export function baselinesOf(all: readonly ContenderSummary[], transport: "remoting" | "grpc") {
  const loops = all.filter((x) => x.contender.baseline === true && x.contender.transport === transport && x.rates);
  const engineRow = loops.find((x) => !x.contender.drivesSinkWrite);
  return { loopRow: loops.find((x) => x.contender.drivesSinkWrite) ?? engineRow, engineRow };
}

const label = (r: ContenderSummary) =>
  `${r.contender.runtime}${r.contender.transport && r.contender.transport !== "remoting" ? ` (${r.contender.transport})` : r.contender.transport ? " (remoting)" : ""}`;

function compare(goal: number, peerName: string, toolkit: readonly ContenderSummary[], peer: number | undefined, valid: boolean) {
  if (toolkit.length === 0) return "not measured: no toolkit contender ran";
  if (peer === undefined) return `not measured: ${peerName} did not run`;
  const parts = toolkit.map((r) => {
    const x = r.rates!.median / peer;
    return `${label(r)} ${x.toFixed(2)}x ${ok(x >= goal)}`;
  });
  return `vs ${peerName} (${n(peer)} msg/s, goal ${goal}x): ${parts.join("; ")}${valid ? "" : " (run invalid, see above)"}`;
}

/**
 * The stream row's cost against the loop row, round by round (the two ran
 * minutes apart in the same round): the spread shows how much of a median's
 * difference is the machine's drift rather than the stream layer.
 */
export function costPerRound(outcome: ScenarioOutcome, stream: string, loop: string): number[] {
  const rateOf = (name: string, rep: number) => {
    const r = outcome.attempts.find((a) => a.contender.name === name && a.rep === rep)?.result;
    return r ? rate(r.messages, r.ms) : undefined;
  };
  const reps = [...new Set(outcome.attempts.map((a) => a.rep))].sort((a, b) => a - b);
  return reps.flatMap((rep) => {
    const s = rateOf(stream, rep);
    const l = rateOf(loop, rep);
    return s !== undefined && l !== undefined ? [1 - s / l] : [];
  });
}

/** A numeric `extra` field of every successful repetition of a row. */
export function extraValues(outcome: ScenarioOutcome, contenderName: string, key: string): number[] {
  return outcome.attempts.flatMap((a) => {
    const v = a.contender.name === contenderName ? a.result?.extra?.[key] : undefined;
    return typeof v === "number" && Number.isFinite(v) ? [v] : [];
  });
}

export function judgeTargets(outcomes: readonly ScenarioOutcome[]): Verdict[] {
  const verdicts: Verdict[] = [];
  const source = rows(outcomes, "source");
  verdicts.push({
    target: "source >= Java DefaultLitePullConsumer and >= 1.5x rocketmq-client-nodejs",
    verdict: !source ? "not run"
      : `${compare(1, "Java", source.toolkit, source.java, source.valid)}. ${compare(1.5, "rocketmq-client-nodejs", source.toolkit, source.nodejs, source.valid)}`,
  });
  const asyncRows = rows(outcomes, "sink-async");
  verdicts.push({
    target: "sink async >= Java DefaultMQProducer async",
    verdict: asyncRows ? compare(1, "Java async", asyncRows.toolkit, asyncRows.java, asyncRows.valid) : "not run",
  });
  const sync = rows(outcomes, "sink-sync");
  verdicts.push({
    target: "sink sync >= rocketmq-client-nodejs send() in a loop",
    verdict: sync ? compare(1, "rocketmq-client-nodejs send() loop", sync.toolkit, sync.nodejs, sync.valid) : "not run",
  });
  const overhead = (["source", "sink-sync", "sink-async", "sink-batch"] as const).flatMap((s) => {
    const r = rows(outcomes, s);
    if (!r) return [];
    return (["remoting", "grpc"] as const).flatMap((transport) => {
      const streamRow = r.toolkit.find((t) => t.contender.runtime === "node" && t.contender.transport === transport);
      const { loopRow, engineRow } = baselinesOf(r.all, transport);
      const stream = streamRow?.rates?.median;
      const base = loopRow?.rates?.median;
      if (!streamRow || !loopRow || !stream || !base) return [];
      const cost = 1 - stream / base;
      const rounds = costPerRound(r.outcome, streamRow.contender.name, loopRow.contender.name);
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      const what = loopRow.contender.drivesSinkWrite ? "sink.write() loop" : "plain loop";
      // with both baselines, the engine loop's figure adds what the sink's per-record work costs
      const engine = loopRow !== engineRow && engineRow?.rates
        ? `; against the bare SendEngine loop (${n(engineRow.rates.median)}), which skips the per-record work, ${pct(1 - stream / engineRow.rates.median)}`
        : "";
      return [`${s} over ${transport}: ${pct(cost)} (${n(stream)} streamed vs ${n(base)} ${what}) ${ok(cost <= 0.05)}` +
        `${rounds.length > 1 ? ` (round by round: ${rounds.map(pct).join(" / ")})` : ""}${engine}${r.valid ? "" : " (run invalid)"}`];
    });
  });
  verdicts.push({
    target: "stream-layer overhead <= 5% vs the same transport in a plain loop (node)",
    verdict: overhead.length ? overhead.join("; ") : "not measured",
  });
  const pipe = rows(outcomes, "pipeline");
  const none = pipe?.all.find((r) => r.contender.name.includes("no checkpoints"))?.rates?.median;
  const every = pipe?.all.find((r) => r.contender.name.includes("checkpoint every"))?.rates?.median;
  verdicts.push({
    target: "checkpoint every 1 s costs <= 5% throughput",
    verdict: !pipe ? "not run" : none && every
      ? `${((1 - every / none) * 100).toFixed(1)}% (${n(every)} msg/s with checkpoints vs ${n(none)} without, node) ${ok(1 - every / none <= 0.05)}${pipe.valid ? "" : " (run invalid)"}`
      : "not measured: a pipeline row failed",
  });
  const memory = outcomes.find((o) => o.scenario === "memory");
  verdicts.push({
    target: `RSS flat, <= ${RSS_LIMIT_MIB} MB, under a backlog with a slow sink`,
    verdict: !memory ? "not run" : summarize(memory).filter((r) => r.contender.client === "toolkit").map((r) => {
      const first = extraValues(memory, r.contender.name, "rssFirstHalfMiB");
      const second = extraValues(memory, r.contender.name, "rssSecondHalfMiB");
      const ahead = extraValues(memory, r.contender.name, "maxAheadMessages");
      if (r.peakRssMiB === undefined || first.length === 0) return `${r.contender.name}: not measured`;
      const flat = second.every((s, i) => s <= first[i]! * RSS_FLAT_FACTOR);
      return `${label(r)}: peak RSS ${r.peakRssMiB} MiB ${ok(r.peakRssMiB <= RSS_LIMIT_MIB)}; ` +
        `second-half peak ${second.join("/")} vs first-half ${first.join("/")} MiB per rep: ${flat ? "flat, met" : "grew, **missed**"} ` +
        `(rule: within ${Math.round((RSS_FLAT_FACTOR - 1) * 100)}%); at most ${Math.max(...ahead)} messages pulled ahead of the sink` +
        `${invalidReasons(memory).length ? " (run invalid)" : ""}`;
    }).join("; ") || "not measured",
  });
  const latency = outcomes.find((o) => o.scenario === "latency");
  verdicts.push({
    target: `p99 produce -> consume <= ${P99_LIMIT_MS} ms at 1k msg/s`,
    verdict: !latency ? "not run" : summarize(latency).map((r) => {
      const p99 = extraValues(latency, r.contender.name, "p99Ms");
      const p50 = extraValues(latency, r.contender.name, "p50Ms");
      if (p99.length === 0) return `${r.contender.name}: not measured`;
      const med = spread(p99).median;
      const verdict = r.contender.client === "toolkit" ? ` ${ok(med <= P99_LIMIT_MS)}` : " (peer)";
      return `${r.contender.client === "toolkit" ? "toolkit" : "Java"}: p99 ${med.toFixed(1)} ms, p50 ${spread(p50).median.toFixed(1)} ms (medians of ${p99.length} reps)${verdict}`;
    }).join("; ") + (invalidReasons(latency).length ? " (run invalid)" : ""),
  });
  verdicts.push({
    target: "kill -9 at random points: no loss",
    verdict: "not a throughput figure: checked by tests/slow/crash.test.ts, not by this suite",
  });
  return verdicts;
}
