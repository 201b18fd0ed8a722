import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Contender } from "../../bench/contenders/types.ts";
import { parseOptions } from "../../bench/lib/options.ts";
import type { ScenarioOutcome } from "../../bench/lib/outcome.ts";
import { renderReport } from "../../bench/lib/report.ts";

const s = suite("bench/report: rendering a record read back from JSON");

/** As a record loads from JSON: a separate contender object in every attempt. */
const contender = () => ({ name: "toolkit sink (remoting) async on node", scenario: "sink-async", runtime: "node", client: "toolkit",
  transport: "remoting", settings: "withAsync(true), maxInFlight 128" }) as unknown as Contender;
const outcome = (pieces?: ScenarioOutcome["pieces"], roundsDone?: number): ScenarioOutcome => ({
  scenario: "sink-async", topic: "t2", timed: 100, warmup: 10, notes: [],
  attempts: [1, 2, 3].map((rep) => ({ contender: contender(), rep, result: { messages: 100, ms: 100, total: 110 }, stored: 110 })),
  ...(pieces ? { pieces } : {}), ...(roundsDone !== undefined ? { roundsDone } : {}),
});
const render = (o: ScenarioOutcome) => renderReport({
  options: parseOptions(["--reps", "3"]), machine: { cpuModel: "cpu", nproc: 2, memoryGiB: 24, kernel: "k", loadAtStart: 0 },
  versions: {}, broker: { version: "5.5.0", kind: "local", namesrv: "n", endpoints: "e" }, outcomes: [o], pending: [],
  startedAt: new Date(0), wallSeconds: 1, chartFile: "c.svg", targets: [], analysis: "", argv: [],
});

s("one settings row per contender, however many repetitions it ran", () => {
  const rows = render(outcome()).split("\n").filter((l) => l.startsWith("| toolkit sink (remoting) async on node | withAsync"));
  assert.is(rows.length, 1);
});

s("a scenario pieced over invocations names each piece's rounds and topic; an unfinished one says so", () => {
  const pieced = render(outcome([
    { startedAt: "2026-12-02T05:00:00.000Z", commit: "abc1234", firstRep: 1, lastRep: 2, topic: "t1" },
    { startedAt: "2026-12-03T05:00:00.000Z", commit: "abc1234", firstRep: 3, lastRep: 3, topic: "t2" },
  ]));
  assert.match(pieced, /rounds 1-2 on 2026-12-02T05:00:00.000Z \(commit abc1234\) into topic `t1`; rounds 3-3 on 2026-12-03T05:00:00.000Z/);
  assert.not.match(pieced, /Unfinished/);
  assert.match(render(outcome(undefined, 2)), /\*\*Unfinished\*\*: 2 complete round\(s\) so far/);
});

s.run();
