/** What a run produced, per scenario, and the checks that make it valid or not. */
import type { Contender, ContenderResult, Scenario } from "../contenders/types.ts";
import { rate, type Spread, spread } from "./stats.ts";

export interface Attempt {
  readonly contender: Contender;
  readonly rep: number;
  readonly result?: ContenderResult;
  readonly error?: string;
  /** Writers: what the broker's count grew by during this attempt. */
  readonly stored?: number;
}

export interface BrokerCheck {
  readonly what: string;
  readonly expected: number;
  readonly stored: number;
}

/**
 * One invocation's share of a scenario whose rounds came from more than one
 * (--resume after a cut): the rounds it ran, on which topic (a new broker
 * means a new topic), and the broker's count over its own rounds.
 */
export interface ScenarioPiece {
  readonly startedAt: string;
  readonly commit?: string;
  readonly firstRep: number;
  readonly lastRep: number;
  readonly topic: string;
  readonly brokerCheck?: BrokerCheck;
}

export interface ScenarioOutcome {
  readonly scenario: Scenario;
  readonly topic: string;
  readonly timed: number;
  readonly warmup: number;
  readonly attempts: Attempt[];
  /** The broker's own count (topicStatus): for sinks, all they stored; for the source, the backlog. */
  brokerCheck?: BrokerCheck;
  readonly notes: string[];
  /**
   * Complete rounds (one repetition of every contender) so far: set only while
   * the scenario is unfinished, in a partial record saved between rounds.
   */
  roundsDone?: number;
  /** Set when the rounds came from more than one invocation; `topic` is then the last piece's. */
  pieces?: ScenarioPiece[];
}

/** The checks of several pieces as one: what each stored, summed against what each expected. */
export function combinedCheck(pieces: readonly ScenarioPiece[]): BrokerCheck | undefined {
  const checks = pieces.flatMap((p) => (p.brokerCheck ? [p.brokerCheck] : []));
  if (checks.length === 0) return undefined;
  return {
    what: `summed over ${pieces.length} invocations' topics${checks.length < pieces.length ? ` (${pieces.length - checks.length} without a count)` : ""}: ` +
      checks.map((c) => c.what).filter((w, i, all) => all.indexOf(w) === i).join("; "),
    expected: checks.reduce((sum, c) => sum + c.expected, 0),
    stored: checks.reduce((sum, c) => sum + c.stored, 0),
  };
}

export interface ContenderSummary {
  readonly contender: Contender;
  readonly rates: Spread | undefined;
  readonly reps: number;
  readonly failures: readonly string[];
  /** CPU ms of the worker process per 1000 messages moved (warm-up included), median. */
  readonly cpuPer1k?: number;
  readonly peakRssMiB?: number;
  readonly extra: string;
}

export function summarize(outcome: ScenarioOutcome): ContenderSummary[] {
  // keyed by name: a record read back from JSON (--render) has one contender object per attempt
  const byContender = new Map<string, { contender: Contender; attempts: Attempt[] }>();
  for (const a of outcome.attempts) {
    const entry = byContender.get(a.contender.name) ?? { contender: a.contender, attempts: [] };
    entry.attempts.push(a);
    byContender.set(a.contender.name, entry);
  }
  return [...byContender.values()].map(({ contender, attempts }) => {
    const ok = attempts.flatMap((a) => (a.result ? [a.result] : []));
    const cpu = ok.flatMap((r) => (typeof r.extra?.cpuMs === "number" ? [(r.extra.cpuMs * 1000) / r.total] : []));
    const rss = ok.flatMap((r) => (r.peakRssMiB !== undefined ? [r.peakRssMiB] : []));
    const dup = ok.flatMap((r) => (typeof r.extra?.duplicates === "number" ? [r.extra.duplicates] : []));
    return {
      contender,
      rates: ok.length > 0 ? spread(ok.map((r) => rate(r.messages, r.ms))) : undefined,
      reps: ok.length,
      failures: attempts.flatMap((a) => (a.error ? [`rep ${a.rep}: ${a.error}`] : [])),
      ...(cpu.length > 0 ? { cpuPer1k: spread(cpu).median } : {}),
      ...(rss.length > 0 ? { peakRssMiB: Math.max(...rss) } : {}),
      extra: dup.some((d) => d > 0) ? `redelivered ${dup.join("/")}` : "",
    };
  });
}

/** Reasons the scenario is invalid; empty when every contender moved exactly the same messages. */
export function invalidReasons(outcome: ScenarioOutcome): string[] {
  const expected = outcome.timed + outcome.warmup;
  const reasons: string[] = [];
  for (const a of outcome.attempts) {
    if (a.error) reasons.push(`${a.contender.name} rep ${a.rep} failed: ${a.error}`);
    else if (a.result && a.result.total !== expected) {
      reasons.push(`${a.contender.name} rep ${a.rep} moved ${a.result.total} messages, expected ${expected}`);
    } else if (a.result && a.stored !== undefined) {
      const acked = typeof a.result.extra?.acknowledged === "number" ? a.result.extra.acknowledged : a.result.total;
      if (a.stored !== acked) reasons.push(`${a.contender.name} rep ${a.rep}: ${acked} acknowledged but the broker stored ${a.stored}`);
    }
  }
  const check = outcome.brokerCheck;
  if (check && check.stored !== check.expected) {
    reasons.push(`broker count mismatch (${check.what}): stored ${check.stored}, expected ${check.expected}`);
  }
  return reasons;
}
