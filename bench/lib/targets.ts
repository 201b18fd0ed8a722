/**
 * DESIGN §7 targets, judged from one run's medians. Only what this run
 * measured gets a verdict; the rest says what is missing.
 */
import type { Scenario } from "../contenders/types.ts";
import { type ContenderSummary, invalidReasons, type ScenarioOutcome, summarize } from "./outcome.ts";

export interface Verdict {
  readonly target: string;
  readonly verdict: string;
}

const n = (x: number) => Math.round(x).toLocaleString("en-US");

function rows(outcomes: readonly ScenarioOutcome[], scenario: Scenario) {
  const o = outcomes.find((x) => x.scenario === scenario);
  if (!o) return undefined;
  const all = summarize(o);
  const find = (pred: (r: ContenderSummary) => boolean) => all.find((r) => pred(r) && r.rates)?.rates?.median;
  return {
    valid: invalidReasons(o).length === 0,
    toolkit: all.filter((r) => r.contender.client === "toolkit" && !r.contender.name.startsWith("baseline") && r.rates),
    java: find((r) => r.contender.client === "java rocketmq-client"),
    nodejs: find((r) => r.contender.client === "rocketmq-client-nodejs"),
    baseline: find((r) => r.contender.name.startsWith("baseline") && r.contender.runtime === "node"),
  };
}

function compare(goal: number, label: string, toolkit: readonly ContenderSummary[], peer: number | undefined, valid: boolean) {
  if (toolkit.length === 0) return "not measured: no toolkit contender for it yet";
  if (peer === undefined) return `not measured: ${label} did not run`;
  const parts = toolkit.map((r) => {
    const x = r.rates!.median / peer;
    return `${r.contender.runtime} ${x.toFixed(2)}x (${n(r.rates!.median)} vs ${n(peer)} msg/s) ${x >= goal ? "met" : "**missed**"}`;
  });
  return `${parts.join("; ")}${valid ? "" : " (run invalid, see above)"}`;
}

export function judgeTargets(outcomes: readonly ScenarioOutcome[]): Verdict[] {
  const source = rows(outcomes, "source");
  const sync = rows(outcomes, "sink-sync");
  const asyncRows = rows(outcomes, "sink-async");
  const verdicts: Verdict[] = [];
  verdicts.push({
    target: "source >= Java DefaultLitePullConsumer and >= 1.5x rocketmq-client-nodejs",
    verdict: !source ? "not run"
      : source.toolkit.length === 0
      ? `not measured: the toolkit source is not available yet (peers measured: Java ${source.java ? n(source.java) : "—"} msg/s, rocketmq-client-nodejs ${source.nodejs ? n(source.nodejs) : "—"} msg/s)`
      : `${compare(1, "Java", source.toolkit, source.java, source.valid)} / ${compare(1.5, "rocketmq-client-nodejs", source.toolkit, source.nodejs, source.valid)}`,
  });
  verdicts.push({
    target: "sink async >= Java DefaultMQProducer async",
    verdict: asyncRows ? compare(1, "Java async", asyncRows.toolkit, asyncRows.java, asyncRows.valid) : "not run",
  });
  verdicts.push({
    target: "sink sync >= rocketmq-client-nodejs send() in a loop",
    verdict: sync ? compare(1, "rocketmq-client-nodejs", sync.toolkit, sync.nodejs, sync.valid) : "not run",
  });
  const overhead = (["sink-sync", "sink-async", "sink-batch"] as const).flatMap((s) => {
    const r = rows(outcomes, s);
    const stream = r?.toolkit.find((t) => t.contender.runtime === "node")?.rates?.median;
    if (!r?.baseline || !stream) return [];
    const cost = 1 - stream / r.baseline;
    return [`${s}: ${(cost * 100).toFixed(1)}% (${n(stream)} streamed vs ${n(r.baseline)} plain loop) ${cost <= 0.05 ? "met" : "**missed**"}`];
  });
  verdicts.push({
    target: "stream-layer overhead <= 5% vs the same transport in a plain loop",
    verdict: overhead.length ? `gRPC sink on node: ${overhead.join("; ")}. Source side not measured yet (needs src/readable).`
      : "not measured",
  });
  for (const target of ["checkpoint every 1 s costs <= 5% throughput", "RSS flat <= 200 MB under a 1M backlog with a slow sink",
    "p99 produce -> consume <= 10 ms at 1k msg/s", "kill -9 at random points: no loss"]) {
    verdicts.push({ target, verdict: "not measured: needs the toolkit source (src/readable); see \"Not available yet\"" });
  }
  return verdicts;
}
