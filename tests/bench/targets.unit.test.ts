import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Contender } from "../../bench/contenders/types.ts";
import { type ScenarioOutcome, summarize } from "../../bench/lib/outcome.ts";
import { baselinesOf, costPerRound, judgeTargets } from "../../bench/lib/targets.ts";

const s = suite("bench/targets: stream-layer cost, round by round");

const stream = { name: "toolkit sink (remoting) batch on node", scenario: "sink-batch", runtime: "node", client: "toolkit", transport: "remoting" };
const loop = { ...stream, name: "baseline: SendEngine batch over remoting in a plain loop", baseline: true };
/** Rates in msg/s per round: 1000 messages in 1000/rate seconds. */
function outcome(streamRates: readonly number[], loopRates: readonly number[]): ScenarioOutcome {
  const attempt = (c: object, rep: number, perSec: number) =>
    ({ contender: c as Contender, rep, result: { messages: 1000, ms: (1000 / perSec) * 1000, total: 1000 } });
  return {
    scenario: "sink-batch", topic: "t", timed: 1000, warmup: 0, notes: [],
    attempts: streamRates.flatMap((r, i) => [attempt(stream, i + 1, r), attempt(loop, i + 1, loopRates[i]!)]),
  };
}

s("pairs each round's stream rate with the same round's loop rate", () => {
  const costs = costPerRound(outcome([90, 100, 80], [100, 100, 100]), stream.name, loop.name);
  assert.equal(costs.map((c) => Math.round(c * 1000) / 1000), [0.1, 0, 0.2]);
});

s("a round missing either row is left out", () => {
  const o = outcome([90, 100], [100, 100]);
  o.attempts.splice(3, 1); // round 2's loop
  assert.equal(costPerRound(o, stream.name, loop.name).map((c) => Math.round(c * 100)), [10]);
});

s("the verdict keeps the median rule and shows the rounds beside it", () => {
  const overhead = judgeTargets([outcome([90, 100, 80], [100, 100, 100])]).find((v) => v.target.startsWith("stream-layer"))!;
  assert.match(overhead.verdict, /sink-batch over remoting: 10\.0% \(90 streamed vs 100 plain loop\) \*\*missed\*\* \(round by round: 10\.0% \/ 0\.0% \/ 20\.0%\)/);
});

s("with a sink.write() loop beside the engine loop, the verdict judges against it and gives the engine figure too", () => {
  const o = outcome([96, 96, 96], [120, 120, 120]);
  const sinkLoop = { ...stream, name: "baseline: RocketMQSink.write([record]) batch over remoting", baseline: true, drivesSinkWrite: true };
  for (const rep of [1, 2, 3]) {
    o.attempts.push({ contender: sinkLoop as Contender, rep, result: { messages: 1000, ms: 10_000, total: 1000 } });
  }
  const overhead = judgeTargets([o]).find((v) => v.target.startsWith("stream-layer"))!;
  assert.match(overhead.verdict, /sink-batch over remoting: 4\.0% \(96 streamed vs 100 sink\.write\(\) loop\) met/);
  assert.match(overhead.verdict, /against the bare SendEngine loop \(120\), which skips the per-record work, 20\.0%/);
  const { loopRow, engineRow } = baselinesOf(summarize(o), "remoting");
  assert.is(loopRow?.contender.name, sinkLoop.name);
  assert.is(engineRow?.contender.name, loop.name);
});

s.run();
