import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Contender } from "../../bench/contenders/types.ts";
import { parseOptions } from "../../bench/lib/options.ts";
import type { ScenarioOutcome } from "../../bench/lib/outcome.ts";
import { checkSameCounts, finishedScenarios, ResumeMismatchError } from "../../bench/lib/resume.ts";

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

s.run();
