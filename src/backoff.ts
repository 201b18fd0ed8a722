/**
 * Exponential backoff, shared by every retry in the toolkit: reconnects
 * (remoting/connection.ts) and sends that go back to the broker or proxy that
 * just failed (writable/). One rule, so one tuning knob shape for users.
 */

/** Wait `initialMs` before the first retry, doubling per retry, never more than `maxMs`. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** The default for a send retried on the same broker: a broker's busy spell lasts about its 200 ms send-queue wait. */
export const SEND_RETRY_BACKOFF: Backoff = { initialMs: 100, maxMs: 1000 };

/** The wait before retry number `retry` (0 for the first). */
export function backoffMs(backoff: Backoff, retry: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** retry);
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
