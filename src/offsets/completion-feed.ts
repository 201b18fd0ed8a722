/**
 * Fans epoch completions out to any number of async iterators. Each iterator
 * sees the completions after it was created, in order; it ends when the feed
 * ends and throws once the feed fails.
 */
export class CompletionFeed<E> {
  #subscribers = new Set<Subscriber<E>>();
  #ended = false;
  #failure: { reason: unknown } | undefined;

  publish(event: E): void {
    for (const s of this.#subscribers) s.push(event);
  }

  end(): void {
    this.#ended = true;
    for (const s of this.#subscribers) s.finish(undefined);
  }

  fail(reason: unknown): void {
    this.#failure = { reason };
    for (const s of this.#subscribers) s.finish(this.#failure);
  }

  subscribe(): AsyncIterableIterator<E> {
    const subscriber = new Subscriber<E>(() => this.#subscribers.delete(subscriber));
    if (this.#failure || this.#ended) subscriber.finish(this.#failure);
    else this.#subscribers.add(subscriber);
    return subscriber;
  }
}

class Subscriber<E> implements AsyncIterableIterator<E> {
  // grows only while its reader lags; one small object per epoch
  #queue: E[] = [];
  #finished = false;
  #failure: { reason: unknown } | undefined;
  #waiting: { resolve: (r: IteratorResult<E>) => void; reject: (reason: unknown) => void } | undefined;
  #detach: () => void;

  constructor(detach: () => void) {
    this.#detach = detach;
  }

  push(event: E): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting.resolve({ done: false, value: event });
    else this.#queue.push(event);
  }

  finish(failure: { reason: unknown } | undefined): void {
    this.#finished = true;
    this.#failure = failure;
    this.#detach();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) this.#settle(waiting);
  }

  next(): Promise<IteratorResult<E>> {
    if (this.#queue.length > 0) return Promise.resolve({ done: false, value: this.#queue.shift()! });
    return new Promise((resolve, reject) => {
      if (this.#finished) this.#settle({ resolve, reject });
      else this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<E>> {
    this.#finished = true;
    this.#failure = undefined;
    this.#queue = [];
    this.#detach();
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<E> {
    return this;
  }

  /** Delivers the end: the failure once, then plain ends. */
  #settle(w: { resolve: (r: IteratorResult<E>) => void; reject: (reason: unknown) => void }): void {
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure) w.reject(failure.reason);
    else w.resolve({ done: true, value: undefined });
  }
}
