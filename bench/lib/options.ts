/**
 * Command-line flags of bench/run.ts and the two presets.
 *
 *   --quick              small counts, 1 repetition, report to bench/results/quick.md
 *   --only a,b           scenarios or contender names containing any of these substrings
 *   --skip a,b           leave out contenders whose name contains any of these substrings (after --only)
 *   --messages N         timed messages per repetition (source, async, batch)
 *   --sync-messages N    timed messages per repetition in sink-sync
 *   --latency-messages N timed messages per repetition in latency (sent at 1k msg/s: N ms each)
 *   --warmup N           untimed messages before the timed ones
 *   --reps N             repetitions per contender (interleaved across contenders)
 *   --size BYTES         message body size
 *   --out FILE           report path (the chart goes beside it, or to bench/throughput.svg for BENCHMARKS.md)
 *   --resume RECORD      continue a run cut short: keep the valid, finished scenarios of RECORD (a .partial.json
 *                        or .json from the same counts) and the complete rounds of an unfinished one, and run
 *                        only the rest; see resume.ts
 */
import { join, resolve } from "node:path";
import { root } from "./paths.ts";

export interface BenchOptions {
  readonly quick: boolean;
  readonly only: readonly string[];
  readonly skip: readonly string[];
  readonly messages: number;
  readonly syncMessages: number;
  readonly latencyMessages: number;
  /** Warm-up of the latency scenario (fixed per preset; at 1k msg/s it is seconds of JIT and connection warm-up). */
  readonly latencyWarmup: number;
  readonly warmup: number;
  readonly reps: number;
  readonly size: number;
  readonly queues: number;
  readonly out: string;
  readonly chart: string;
  /** The record of an earlier invocation whose finished scenarios this one keeps (--resume). */
  readonly resume?: string;
  /** True when the counts are the full ones DESIGN §7 asks for. */
  readonly fullSize: boolean;
}

/**
 * The full run: 1M x 1 KiB. The sync scenario uses 100k because an
 * acknowledged-one-at-a-time loop over the gRPC proxy runs at a few hundred
 * messages per second on a small machine: 1M would take hours per contender.
 */
const FULL = { messages: 1_000_000, syncMessages: 100_000, latencyMessages: 60_000, latencyWarmup: 5000, warmup: 10_000, reps: 3,
  size: 1024 } as const;
/** Small enough that every contender runs once in under 3 minutes on 2 cores with the broker up. */
const QUICK = { messages: 1000, syncMessages: 200, latencyMessages: 1000, latencyWarmup: 500, warmup: 100, reps: 1, size: 1024 } as const;

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${flag} needs a positive integer, got ${value}`);
  return n;
}

/** The chart beside a report, or bench/throughput.svg (which README shows) for BENCHMARKS.md. */
export function chartFor(out: string): string {
  return resolve(out) === join(root, "BENCHMARKS.md") ? join(root, "bench", "throughput.svg") : out.replace(/\.md$/, "") + ".svg";
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const known = new Set(["--quick", "--only", "--skip", "--messages", "--sync-messages", "--latency-messages", "--warmup", "--reps", "--size", "--out", "--resume"]);
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!known.has(a)) throw new RangeError(`unknown flag ${a}; flags: ${[...known].join(" ")}`);
    if (a === "--quick") flags.set(a, true);
    else flags.set(a, argv[++i] ?? "");
  }
  const quick = flags.has("--quick");
  const preset = quick ? QUICK : FULL;
  const num = (flag: string, fallback: number) => (flags.has(flag) ? positive(flag, flags.get(flag) as string) : fallback);
  const warmup = flags.has("--warmup") ? Number(flags.get("--warmup")) : preset.warmup;
  if (!Number.isSafeInteger(warmup) || warmup < 0) throw new RangeError(`--warmup needs an integer >= 0`);
  const o = {
    quick,
    only: flags.has("--only") ? String(flags.get("--only")).split(",").map((s) => s.trim()).filter(Boolean) : [],
    skip: flags.has("--skip") ? String(flags.get("--skip")).split(",").map((s) => s.trim()).filter(Boolean) : [],
    messages: num("--messages", preset.messages),
    syncMessages: num("--sync-messages", flags.has("--messages") && !flags.has("--sync-messages")
      ? Math.min(num("--messages", preset.messages), preset.syncMessages) : preset.syncMessages),
    latencyMessages: num("--latency-messages", preset.latencyMessages),
    latencyWarmup: preset.latencyWarmup,
    warmup,
    reps: num("--reps", preset.reps),
    size: num("--size", preset.size),
    queues: 8,
  };
  const out = flags.has("--out") ? String(flags.get("--out"))
    : quick ? join(root, "bench", "results", "quick.md") : join(root, "BENCHMARKS.md");
  const chart = chartFor(out);
  const fullSize = !quick && o.skip.length === 0 && o.messages >= FULL.messages && o.syncMessages >= FULL.syncMessages
    && o.latencyMessages >= FULL.latencyMessages && o.reps >= 3;
  return { ...o, out, chart, fullSize, ...(flags.has("--resume") ? { resume: String(flags.get("--resume")) } : {}) };
}
