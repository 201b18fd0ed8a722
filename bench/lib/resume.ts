/**
 * Resuming a run across invocations. A full-size run moves 1M messages per
 * repetition through contenders that manage 1-2k msg/s (the gRPC rows), so it
 * can outlast one sitting on a small machine. The unit kept is a whole
 * round: one repetition of every contender of a scenario, run back to back in
 * one invocation, so the ratios within a round keep the one-run meaning
 * DESIGN §7 asks for. A finished scenario is kept whole; an unfinished one
 * keeps its complete rounds (the partial record is saved after each) and the
 * next invocation runs the rest on a topic of its own. The report names every
 * invocation that contributed and, for a pieced scenario, which rounds each ran.
 */
import type { Scenario } from "../contenders/types.ts";
import type { BenchOptions } from "./options.ts";
import { type Attempt, invalidReasons, type ScenarioOutcome, type ScenarioPiece } from "./outcome.ts";

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
    if (o.roundsDone !== undefined) return false;
    const ran = new Set(o.attempts.map((a) => a.contender.name));
    return o.attempts.length > 0 && expected(o.scenario).every((name) => ran.has(name))
      && o.attempts.every((a) => a.result) && invalidReasons(o).length === 0;
  });
}

/** The complete rounds an unfinished scenario carries into the invocation that finishes it. */
export interface CarriedRounds {
  readonly rounds: number;
  readonly attempts: readonly Attempt[];
  readonly notes: readonly string[];
  readonly pieces: readonly ScenarioPiece[];
}

/**
 * The rounds of an unfinished scenario (`roundsDone` set) worth keeping: the
 * first `roundsDone` rounds, if every expected contender has a result in each,
 * every one moved the full count, and the broker's count over them agreed.
 * Anything less and the scenario is run again from round 1.
 */
export function carriedRounds(outcome: ScenarioOutcome, expected: readonly string[], reps: number): CarriedRounds | undefined {
  const rounds = outcome.roundsDone;
  if (rounds === undefined || rounds < 1 || rounds >= reps || !outcome.pieces?.length) return undefined;
  const attempts = outcome.attempts.filter((a) => a.rep <= rounds);
  for (let rep = 1; rep <= rounds; rep++) {
    if (!expected.every((name) => attempts.some((a) => a.rep === rep && a.contender.name === name && a.result))) return undefined;
  }
  if (invalidReasons({ ...outcome, attempts }).length > 0) return undefined;
  return { rounds, attempts, notes: outcome.notes, pieces: outcome.pieces };
}
