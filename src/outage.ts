/**
 * Riding through broker and name-server outages: one rule for how long the
 * toolkit keeps retrying an unreachable broker before it gives up, used by
 * the source (pulls), the sink (sends) and nothing else.
 *
 * An outage of a target starts with the first call that could not reach it
 * (connection refused or lost, no answer in time) after a success, and ends
 * with the next success. While it lasts, callers retry with
 * {@link OUTAGE_RETRY_BACKOFF}; once it has lasted `maxOutageMs`, the
 * tracker hands out one {@link OutageError} naming the target, the start and
 * the last cause, and the component fails with it.
 */
import { type Backoff, backoffMs } from "./backoff.ts";
import { ConnectionError, OutageError, TimeoutError } from "./errors.ts";

/**
 * Default `maxOutageMs`: 3 minutes. A broker JVM restarted by a supervisor
 * (systemd, Kubernetes) is back in well under a minute with a small store and
 * in one to two minutes when it recovers a large commit log; a name server in
 * seconds. Three minutes rides through those with room to spare, and is still
 * short enough that a cluster which is really gone reaches the operator (and
 * the process supervisor) while the backlog is small.
 */
export const DEFAULT_MAX_OUTAGE_MS = 180_000;

/** Retry pace while a target is unreachable: soon after the first failure, then every 5 s at most. */
export const OUTAGE_RETRY_BACKOFF: Backoff = { initialMs: 250, maxMs: 5_000 };

/**
 * Whether an error says the target could not be reached (so the call may
 * succeed once it is back), as opposed to an answer refusing the call.
 */
export function isUnreachable(error: unknown): boolean {
  return (error instanceof ConnectionError || error instanceof TimeoutError) && error.retryable;
}

export interface OutageEvent {
  readonly kind: "started" | "ended";
  readonly target: string;
  readonly since: number;
  /** `ended`: how long it lasted. */
  readonly durationMs?: number;
  /** `started`: the error that started it. */
  readonly cause?: unknown;
}

/** Counters, for stats objects. */
export interface OutageCounts {
  /** Outages that started (ended or not). */
  started: number;
  /** Outages that ended with a successful call. */
  ended: number;
  /** The longest outage that ended, in ms. */
  longestMs: number;
}

interface Ongoing {
  readonly since: number;
  failures: number;
  lastCause: unknown;
}

/**
 * Outages of the targets one component talks to (brokers by name), against
 * one bound. Not a timer: it judges at each failure, so a caller that stops
 * calling never fails (a paused stream is not an outage).
 *
 * @example
 * const outages = new OutageTracker({ maxOutageMs: 60_000, onEvent: (e) => console.warn(e.kind, e.target) });
 * try { await pull(); outages.succeeded("broker-a"); }
 * catch (e) { const fatal = outages.failed("broker-a", e); if (fatal) throw fatal; await sleep(outages.retryDelayMs("broker-a")); }
 */
export class OutageTracker {
  readonly maxOutageMs: number;
  readonly counts: OutageCounts = { started: 0, ended: 0, longestMs: 0 };
  readonly #onEvent: (event: OutageEvent) => void;
  readonly #now: () => number;
  readonly #ongoing = new Map<string, Ongoing>();

  constructor(options: { readonly maxOutageMs: number; readonly onEvent: (event: OutageEvent) => void; readonly now?: () => number }) {
    if (!Number.isSafeInteger(options.maxOutageMs) || options.maxOutageMs < 0) {
      throw new RangeError(`maxOutageMs must be a non-negative integer, got ${options.maxOutageMs}`);
    }
    this.maxOutageMs = options.maxOutageMs;
    this.#onEvent = options.onEvent;
    this.#now = options.now ?? Date.now;
  }

  /** Whether `target` is in an outage now. */
  active(target: string): boolean {
    return this.#ongoing.has(target);
  }

  /**
   * A call to `target` could not reach it. Starts (or extends) its outage and
   * returns the {@link OutageError} to fail with once the outage has lasted
   * `maxOutageMs`; `undefined` means retry (after {@link retryDelayMs}).
   */
  failed(target: string, error: unknown): OutageError | undefined {
    const now = this.#now();
    let ongoing = this.#ongoing.get(target);
    if (!ongoing) {
      ongoing = { since: now, failures: 0, lastCause: error };
      this.#ongoing.set(target, ongoing);
      this.counts.started++;
      this.#onEvent({ kind: "started", target, since: now, cause: error });
    }
    ongoing.failures++;
    ongoing.lastCause = error;
    if (now - ongoing.since >= this.maxOutageMs) return new OutageError(target, ongoing.since, this.maxOutageMs, error, now);
    return undefined;
  }

  /** A call to `target` succeeded: its outage, if any, is over. */
  succeeded(target: string): void {
    const ongoing = this.#ongoing.get(target);
    if (!ongoing) return;
    this.#ongoing.delete(target);
    const durationMs = this.#now() - ongoing.since;
    this.counts.ended++;
    this.counts.longestMs = Math.max(this.counts.longestMs, durationMs);
    this.#onEvent({ kind: "ended", target, since: ongoing.since, durationMs });
  }

  /** The wait before the next call to `target`, by how many calls failed in a row. */
  retryDelayMs(target: string): number {
    const failures = this.#ongoing.get(target)?.failures ?? 1;
    return backoffMs(OUTAGE_RETRY_BACKOFF, failures - 1);
  }
}

/** The words a component logs for an outage event. */
export function describeOutage(event: OutageEvent): string {
  if (event.kind === "ended") return `${event.target} reachable again after ${event.durationMs} ms`;
  const cause = event.cause instanceof Error ? event.cause.message : String(event.cause);
  const state = isUnreachable(event.cause) ? "unreachable" : "not accepting requests";
  return `${event.target} ${state} since ${new Date(event.since).toISOString()}, retrying: ${cause}`;
}
