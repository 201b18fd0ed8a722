/**
 * `Transformer.cancel` is in the WHATWG spec and in Node 24, Deno 2 and Bun 1
 * (checked: it runs on readable cancel and on writable abort), but not yet in
 * TypeScript's DOM lib. Streams that hold timers or in-flight work use it to
 * let go of them.
 */
export interface CancellableTransformer<I, O> extends Transformer<I, O> {
  cancel?: (reason: unknown) => void | PromiseLike<void>;
}

/** Types a transformer literal that has a `cancel` hook. */
export function cancellable<I, O>(transformer: CancellableTransformer<I, O>): Transformer<I, O> {
  return transformer;
}
