import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Contender } from "../../bench/contenders/types.ts";
import { parseOptions } from "../../bench/lib/options.ts";
import { combinedCheck, invalidReasons, type ScenarioOutcome } from "../../bench/lib/outcome.ts";
import { carriedRounds, checkSameCounts, finishedScenarios, ResumeMismatchError } from "../../bench/lib/resume.ts";

const s = suite("bench/resume: which scenarios a resumed run keeps");

const contender = (name: string, scenario: Contender["scenario"]) =>
  ({ name, scenario, runtime: "node", client: "toolkit", settings: "" }) as unknown as Contender;
const result = (total: number) => ({ messages: total - 10, ms: 1000, total });

function outcome(scenario: Contender["scenario"], names: readonly string[], totals: readonly (number | "error")[]): ScenarioOutcome {
  return {
    scenario, topic: "t", timed: 90, warmup: 10, notes: [],
    attempts: names.map((name, i) => {
      const t = totals[i] ?? 100;
      return t === "error" ? { contender: contender(name, scenario), rep: 1, error: "timed out" }
        : { contender: contender(name, scenario), rep: 1, result: result(t) };
    }),
  };
}

s("keeps a valid scenario with every expected contender", () => {
  const kept = finishedScenarios([outcome("source", ["a", "b"], [100, 100])], () => ["a", "b"]);
  assert.equal(kept.map((o) => o.scenario), ["source"]);
});

s("runs again a scenario with a failed attempt, a short count, or a missing contender", () => {
  const failed = outcome("sink-sync", ["a", "b"], [100, "error"]);
  const short = outcome("sink-async", ["a", "b"], [100, 99]);
  const partial = outcome("sink-batch", ["a"], [100]);
  const kept = finishedScenarios([failed, short, partial], () => ["a", "b"]);
  assert.equal(kept, []);
});

s("refuses a record made with other counts, naming the field and both values", () => {
  const before = parseOptions(["--messages", "200000", "--reps", "3"]);
  checkSameCounts(before, parseOptions(["--messages", "200000", "--reps", "3", "--resume", "x.json"]));
  try {
    checkSameCounts(before, parseOptions(["--messages", "1000000", "--reps", "3"]));
    assert.unreachable("different --messages must be refused");
  } catch (err) {
    assert.instance(err, ResumeMismatchError);
    assert.match((err as Error).message, /messages = 200000, this invocation has 1000000/);
  }
  assert.throws(() => checkSameCounts(before, parseOptions(["--messages", "200000", "--reps", "3", "--skip", "(gRPC)"])),
    (err: Error) => err instanceof ResumeMismatchError && /--skip/.test(err.message));
});

/** An unfinished writer scenario: `rounds` rounds of contenders a and b, as a partial record saves it after a round. */
function unfinished(rounds: number, stored: number, totals: (rep: number, name: string) => number | "error" = () => 100): ScenarioOutcome {
  const attempts = [];
  for (let rep = 1; rep <= rounds; rep++) {
    for (const name of ["a", "b"]) {
      const t = totals(rep, name);
      attempts.push(t === "error" ? { contender: contender(name, "sink-async"), rep, error: "timed out" }
        : { contender: contender(name, "sink-async"), rep, result: result(t), stored: t });
    }
  }
  const check = { what: "stored vs acknowledged", expected: rounds * 200, stored };
  return {
    scenario: "sink-async", topic: "t1", timed: 90, warmup: 10, notes: ["a note from round 1"], attempts, roundsDone: rounds,
    pieces: [{ startedAt: "2026-12-02T05:00:00.000Z", firstRep: 1, lastRep: rounds, topic: "t1", brokerCheck: check }], brokerCheck: check,
  };
}

s("an unfinished scenario is never kept whole, however valid its rounds", () => {
  const partial = unfinished(1, 200);
  assert.equal(invalidReasons(partial), []);
  assert.equal(finishedScenarios([partial], () => ["a", "b"]), []);
});

s("carries the complete rounds of an unfinished scenario, with their notes and pieces", () => {
  const carried = carriedRounds(unfinished(2, 400), ["a", "b"], 3);
  assert.ok(carried);
  assert.is(carried.rounds, 2);
  assert.equal(carried.attempts.map((a) => `${a.rep}${a.contender.name}`), ["1a", "1b", "2a", "2b"]);
  assert.equal(carried.notes, ["a note from round 1"]);
  assert.equal(carried.pieces.map((p) => p.topic), ["t1"]);
});

s("carries nothing when a round failed, moved a short count, lacks a contender, or the broker disagreed", () => {
  const expected = ["a", "b"];
  assert.is(carriedRounds(unfinished(2, 400, (rep, name) => (rep === 2 && name === "b" ? "error" : 100)), expected, 3), undefined);
  assert.is(carriedRounds(unfinished(2, 399, (rep, name) => (rep === 1 && name === "a" ? 99 : 100)), expected, 3), undefined);
  assert.is(carriedRounds(unfinished(2, 400), ["a", "b", "c"], 3), undefined);
  assert.is(carriedRounds(unfinished(2, 399), expected, 3), undefined, "broker stored one message fewer than acknowledged");
  // nothing to carry: a finished scenario (no roundsDone), or as many rounds as the run has
  const { roundsDone: _, ...finished } = unfinished(2, 400);
  assert.is(carriedRounds(finished, expected, 3), undefined);
  assert.is(carriedRounds(unfinished(3, 600), expected, 3), undefined);
});

s("sums the pieces' broker checks, and says when a piece had none", () => {
  const piece = (topic: string, expected: number, stored: number) =>
    ({ startedAt: topic, firstRep: 1, lastRep: 1, topic, brokerCheck: { what: "w", expected, stored } });
  const both = combinedCheck([piece("t1", 200, 200), piece("t2", 400, 399)]);
  assert.equal([both?.expected, both?.stored], [600, 599]);
  const one = combinedCheck([piece("t1", 200, 200), { startedAt: "x", firstRep: 2, lastRep: 3, topic: "t2" }]);
  assert.match(one?.what ?? "", /1 without a count/);
  assert.is(combinedCheck([{ startedAt: "x", firstRep: 1, lastRep: 1, topic: "t" }]), undefined);
});

s.run();
