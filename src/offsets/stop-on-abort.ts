/**
 * Stopping a sink as soon as its WritableStream is aborted.
 *
 * `writer.abort()` (and `pipeTo` aborting its destination) calls the
 * underlying sink's `abort()` only after the write in progress settles, and a
 * write can be a send held through a broker outage for up to `maxOutageMs`.
 * The controller's `signal` fires at once, so the sink stops its sends (and
 * that write rejects) without waiting for the bound.
 */

/**
 * Calls `stop` when `controller.signal` aborts. `stop` must be idempotent:
 * the stream's own `abort()` calls it again and reports its outcome, so a
 * failure of this early call is left to that one rather than reported twice.
 *
 * @example
 * new WritableStream({ start: (c) => stopOnAbortSignal(c, () => sink.stop()), abort: () => sink.stop() });
 */
export function stopOnAbortSignal(controller: WritableStreamDefaultController, stop: () => Promise<unknown>): void {
  controller.signal.addEventListener("abort", () => {
    stop().catch(() => undefined);
  }, { once: true });
}
