/**
 * The shape of a contender: one client, one scenario, one way of running it.
 * A contender runs in its own child process (see bench/lib/child.ts), so each
 * gets a fresh runtime and its own memory and CPU accounting.
 */

/** Every scenario the suite knows, in report order (DESIGN §7). */
export const SCENARIOS = ["source", "sink-sync", "sink-async", "sink-batch", "pipeline", "latency", "memory"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_TITLES = {
  "source": "Source: drain a backlog over 8 queues into a counting sink",
  "sink-sync": "Sink, sync: each message acknowledged before the next is sent",
  "sink-async": "Sink, async: pipelined sends, bounded in flight",
  "sink-batch": "Sink, batch: buffered batches, pipelined, flushed at the end",
  "pipeline": "Pipeline: source -> map -> sink, checkpoints every 1 s vs none",
  "latency": "Latency produce -> consume at 1k msg/s (p50/p99)",
  "memory": "Memory: peak RSS while a backlog drains into a slow sink",
} as const satisfies Record<Scenario, string>;

export type Runtime = "node" | "deno" | "bun" | "java";
export type Client = "toolkit" | "java rocketmq-client" | "rocketmq-client-nodejs";

/** What one repetition of a contender reports. */
export interface ContenderResult {
  /** Messages in the timed phase (warm-up excluded). */
  readonly messages: number;
  /** Wall time of the timed phase, ms. */
  readonly ms: number;
  /** All messages moved, warm-up included; must be equal across the contenders of a scenario. */
  readonly total: number;
  /** Peak resident set of the process (VmHWM, sampled every 250 ms), MiB. */
  readonly peakRssMiB?: number;
  readonly extra?: Readonly<Record<string, number | string>>;
}

export interface RunContext {
  readonly namesrv: string;
  readonly endpoints: string;
  /**
   * The scenario's topic (8 queues), created by the runner: the backlog the
   * source and memory scenarios read, the topic the sinks, the pipeline and
   * the latency scenario write.
   */
  readonly topic: string;
  /** pipeline: the backlog topic it reads (it writes `topic`). */
  readonly backlog?: string;
  /** Timed messages, and the untimed warm-up before them. */
  readonly messages: number;
  readonly warmup: number;
  /** Message body size in bytes. */
  readonly size: number;
  /** 1-based repetition number. */
  readonly rep: number;
  /** Creates a fresh consumer group on the broker and returns its name. */
  newGroup(prefix: string): Promise<string>;
  /** Runs a worker in a child process and returns its result (throws on failure or timeout). */
  spawn(runtime: Runtime, entry: string, args: readonly string[]): Promise<ContenderResult>;
}

export interface Contender {
  readonly name: string;
  readonly runtime: Runtime;
  readonly client: Client;
  readonly scenario: Scenario;
  /** The settings it runs with, as written in BENCHMARKS.md. */
  readonly settings: string;
  /** Toolkit contenders: the wire transport, so that a streamed row is priced against the baseline of its transport. */
  readonly transport?: "remoting" | "grpc";
  /** Marks the plain-loop rows that price the stream layer (not a contender of their own). */
  readonly baseline?: boolean;
  /**
   * A baseline that drives the sink's own `write()` from a loop, so it does
   * the stream rows' per-record work (toMessage, validation) and differs from
   * them by the streams alone; the stream-layer verdict prefers it when it ran.
   */
  readonly drivesSinkWrite?: boolean;
  run(ctx: RunContext): Promise<ContenderResult>;
}

/** A contender the suite will have once the code it measures lands; shown as "not available yet". */
export interface PendingContender {
  readonly name: string;
  readonly scenario: Scenario;
  /** What it waits for (a module path or an issue). */
  readonly waitsFor: string;
}
