/**
 * What every JavaScript worker shares: argument parsing, the message body,
 * progress lines and the result line. Written against `node:process` so the
 * same file runs on Node, Deno and Bun.
 *
 * Protocol with bench/lib/child.ts: stderr lines "progress <n>" while the
 * measured phase runs; the last stdout line is "BENCH_RESULT {json}".
 */
import process from "node:process";

export interface WorkerResult {
  /** Messages in the timed phase. */
  readonly messages: number;
  /** Wall time of the timed phase. */
  readonly ms: number;
  /** Every message moved, warm-up included: the runner checks this is equal across contenders. */
  readonly total: number;
  readonly extra?: Record<string, number | string>;
}

export function workerArgs(): Map<string, string> {
  const argv = process.argv.slice(2);
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const key = argv[i]!;
    if (!key.startsWith("--")) throw new TypeError(`expected --key, got ${key}`);
    out.set(key.slice(2), argv[i + 1]!);
  }
  return out;
}

export function need(args: Map<string, string>, key: string): string {
  const v = args.get(key);
  if (v === undefined) throw new TypeError(`missing --${key}`);
  return v;
}

export function intArg(args: Map<string, string>, key: string, fallback: number): number {
  const v = args.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`--${key} must be a non-negative integer, got ${v}`);
  return n;
}

/** The same bytes the Java harness sends: 'a'..'z' repeated. */
export function messageBody(size: number): Uint8Array {
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = 97 + (i % 26);
  return body;
}

/** Prints "progress <n>" every 5 s; returns the function that stops it. */
export function reportProgress(count: () => number): () => void {
  const timer = setInterval(() => process.stderr.write(`progress ${count()}\n`), 5000);
  return () => clearInterval(timer);
}

/** Prints the result line, with the process's CPU time (user + system, whole run) added to `extra`. */
export function emitResult(result: WorkerResult): void {
  const cpu = process.cpuUsage();
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ...result, extra: { ...result.extra, cpuMs } })}\n`);
}

/**
 * Runs a worker's main; on failure prints the error and exits 1. Exits 0 after
 * the result even if a client library leaves timers behind (its shutdown was awaited).
 */
export function main(fn: () => Promise<WorkerResult>): void {
  fn().then(
    (result) => {
      emitResult(result);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`worker failed: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}

export const now = (): number => performance.now();

/** Counts messages, starts the clock after the warm-up, notes the time of the last one. */
export class DrainClock {
  readonly warmup: number;
  readonly expected: number;
  count = 0;
  bytes = 0;
  t0 = 0;
  timedFrom = 0;
  last = now();
  constructor(warmup: number, expected: number) {
    this.warmup = warmup;
    this.expected = expected;
  }
  add(messages: number, bytes: number): void {
    const before = this.count;
    this.count += messages;
    this.bytes += bytes;
    this.last = now();
    if (this.t0 === 0 && before + messages >= this.warmup) {
      this.t0 = this.last;
      this.timedFrom = this.count;
    }
  }
  get done(): boolean {
    return this.count >= this.expected;
  }
  result(extra: Record<string, number | string>): WorkerResult {
    return { messages: this.count - this.timedFrom, ms: this.t0 === 0 ? 0 : this.last - this.t0, total: this.count,
      extra: { ...extra, bytes: this.bytes } };
  }
}


/** The q-quantile (0..1) of ascending `sorted`, nearest rank; NaN when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
