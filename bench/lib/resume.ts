/**
 * Resuming a run across invocations. A full-size run moves 1M messages per
 * repetition through contenders that manage 1-2k msg/s (the gRPC rows), so it
 * can outlast one sitting on a small machine. The unit kept is a whole
 * scenario: every contender of a scenario still runs in one invocation, its
 * repetitions interleaved, so the ratios within a scenario keep the
 * one-run meaning DESIGN §7 asks for. What is pieced together is only the
 * list of scenarios, and the report names every invocation that contributed.
 */
import type { Scenario } from "../contenders/types.ts";
import type { BenchOptions } from "./options.ts";
import { invalidReasons, type ScenarioOutcome } from "./outcome.ts";

/** One invocation of bench/run.ts that contributed scenarios to a record. */
export interface Invocation {
  readonly argv: readonly string[];
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly commit?: string;
  readonly scenarios: readonly Scenario[];
}

/** The counts two invocations must share for their scenarios to sit in one report. */
const SAME = ["messages", "syncMessages", "latencyMessages", "latencyWarmup", "warmup", "reps", "size", "queues", "quick"] as const;

export class ResumeMismatchError extends RangeError {
  constructor(field: string, before: unknown, now: unknown) {
    super(`--resume: the record was made with ${field} = ${String(before)}, this invocation has ${String(now)}; pass the same counts`);
    this.name = "ResumeMismatchError";
  }
}

export function checkSameCounts(before: BenchOptions, now: BenchOptions): void {
  for (const field of SAME) {
    if (before[field] !== now[field]) throw new ResumeMismatchError(field, before[field], now[field]);
  }
  if (before.skip.join(",") !== now.skip.join(",")) throw new ResumeMismatchError("--skip", before.skip.join(","), now.skip.join(","));
}

/**
 * Scenarios worth keeping: every contender the full run would have (`expected`, after --skip) is there,
 * every attempt produced a result (a failed one is run again), and the scenario is valid.
 */
export function finishedScenarios(outcomes: readonly ScenarioOutcome[], expected: (s: Scenario) => readonly string[]): ScenarioOutcome[] {
  return outcomes.filter((o) => {
    const ran = new Set(o.attempts.map((a) => a.contender.name));
    return o.attempts.length > 0 && expected(o.scenario).every((name) => ran.has(name))
      && o.attempts.every((a) => a.result) && invalidReasons(o).length === 0;
  });
}
