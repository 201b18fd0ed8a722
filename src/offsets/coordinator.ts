import { EpochError } from "../errors.ts";
import { CompletionFeed } from "./completion-feed.ts";
import type { Barrier } from "./flow.ts";
import type { OffsetStore, Snapshot } from "./offset-store.ts";

/**
 * Commits a completed epoch's offsets as the consumer group's offsets on the
 * broker (the RocketMQ source provides one), so that monitoring and
 * `GROUP_OFFSETS` starts see progress. It gets every queue of the pipeline
 * and commits those it owns. Retrying transient failures is its own job. A
 * rejection does not undo the epoch (its snapshot is already durable, and
 * the store is the truth the pipeline resumes from): it is logged, and the
 * next epoch's commit, which covers the same queues, retries it.
 */
export interface OffsetCommitter {
  commit(offsets: ReadonlyMap<string, number>): Promise<void>;
}

/** Reported once per epoch, in epoch order. */
export interface EpochCompleted {
  readonly epoch: number;
  /** From barrier injection to completion (store and commit included). */
  readonly durationMs: number;
  readonly records: number;
  readonly bytes: number;
  readonly offsets: ReadonlyMap<string, number>;
  readonly completedAt: number;
}

/** The side of the coordinator a sink talks to (see `checkpointSink`). */
export interface EpochAcknowledger {
  /** Every record of `epoch` is durable in the sink. Throws the `EpochError` if the pipeline failed. */
  acknowledge(epoch: number): void;
  /** Resolves once `epoch` is stored and committed. A transactional sink commits then. */
  whenComplete(epoch: number): Promise<EpochCompleted>;
  /** The sink could not make an epoch durable: fail the pipeline. */
  fail(reason: unknown, epoch?: number): void;
  /** All acknowledged epochs completed; rejects with the `EpochError` if one failed. */
  done(): Promise<void>;
  /** No more epochs will come; completion iterators end. */
  close(): void;
}

export interface CoordinatorLogEntry {
  readonly level: "info" | "warn";
  readonly message: string;
  readonly epoch: number;
  readonly error?: unknown;
}

export interface CoordinatorOptions {
  readonly pipelineId: string;
  readonly store: OffsetStore;
  /** Broker commits that failed (and the next that succeeded). Default: warnings to `console.warn`. */
  readonly onLog?: (entry: CoordinatorLogEntry) => void;
}

/** Counters, for monitoring and tests. */
export interface CoordinatorStats {
  /** Epochs whose broker commit failed (they completed all the same). */
  commitFailures: number;
  /** Epochs whose broker commit was left to a later epoch that was already acknowledged. */
  commitsCoalesced: number;
}

/**
 * Completes epochs: for each acknowledged barrier, strictly in epoch order,
 * save the snapshot to the store (durably), then commit offsets through
 * every committer, then report {@link EpochCompleted}. A store failure, or
 * an acknowledgement out of order, fails the pipeline with an `EpochError`
 * (also the reason of {@link signal}); no later epoch ever completes then.
 * A failed broker commit does not: the epoch completes, the failure is
 * logged, and the next epoch commits offsets at least as far. When a later
 * epoch is already acknowledged, an epoch skips its commit (the later one
 * covers it), so a broker outage delays completions by one commit, not one
 * per epoch.
 *
 * @example
 * for await (const done of coordinator.completions()) console.log(done.epoch, done.durationMs);
 */
export class CheckpointCoordinator implements EpochAcknowledger {
  #pipelineId: string;
  #store: OffsetStore;
  #onLog: (entry: CoordinatorLogEntry) => void;
  /** The epoch whose broker commit failed and no later commit has made good yet. */
  #uncommitted: number | undefined;
  readonly stats: CoordinatorStats = { commitFailures: 0, commitsCoalesced: 0 };
  #committers = new Set<OffsetCommitter>();
  #registered = new Map<number, Barrier>();
  #lastRegistered = 0;
  #lastAcknowledged = 0;
  #lastCompleted = 0;
  #chain: Promise<void> = Promise.resolve();
  #waiters = new Map<number, Array<{ resolve: (c: EpochCompleted) => void; reject: (e: unknown) => void }>>();
  #recent: EpochCompleted[] = [];
  #feed = new CompletionFeed<EpochCompleted>();
  #failure: EpochError | undefined;
  #closed = false;
  #abort = new AbortController();
  #settle!: () => void;
  /** Resolves once the pipeline is over: closed with every epoch completed, or failed. */
  readonly finished: Promise<void> = new Promise((resolve) => (this.#settle = resolve));

  constructor(options: CoordinatorOptions) {
    this.#pipelineId = options.pipelineId;
    this.#store = options.store;
    this.#onLog = options.onLog ?? ((entry) => {
      if (entry.level === "warn") console.warn(`[rocketmq checkpoint ${this.#pipelineId}] ${entry.message}`);
    });
  }

  /** Aborted with the `EpochError` when the pipeline fails. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get failure(): EpochError | undefined {
    return this.#failure;
  }

  get lastCompleted(): number {
    return this.#lastCompleted;
  }

  /** Continues numbering after a restored epoch. Only before the first barrier. */
  resume(lastCompletedEpoch: number): void {
    if (this.#lastRegistered !== this.#lastCompleted || this.#registered.size > 0 || this.#lastAcknowledged !== this.#lastCompleted) {
      throw this.#fail(new EpochError("cannot resume a coordinator that already saw barriers", lastCompletedEpoch));
    }
    this.#lastRegistered = this.#lastAcknowledged = this.#lastCompleted = lastCompletedEpoch;
  }

  /** Adds a committer; returns a function that removes it. */
  addCommitter(committer: OffsetCommitter): () => void {
    this.#committers.add(committer);
    return () => void this.#committers.delete(committer);
  }

  /** The checkpoint stream reports each barrier it injects, in order. */
  register(barrier: Barrier): void {
    if (this.#failure) throw this.#failure;
    if (barrier.epoch !== this.#lastRegistered + 1) {
      throw this.#fail(new EpochError(`barrier ${barrier.epoch} injected after ${this.#lastRegistered}`, barrier.epoch));
    }
    this.#lastRegistered = barrier.epoch;
    this.#registered.set(barrier.epoch, barrier);
  }

  acknowledge(epoch: number): void {
    if (this.#failure) throw this.#failure;
    const barrier = this.#registered.get(epoch);
    if (epoch !== this.#lastAcknowledged + 1 || barrier === undefined) {
      throw this.#fail(
        new EpochError(`epoch ${epoch} acknowledged, expected ${this.#lastAcknowledged + 1} (epochs complete in order)`, epoch),
      );
    }
    this.#registered.delete(epoch);
    this.#lastAcknowledged = epoch;
    this.#chain = this.#chain.then(() => this.#complete(barrier));
  }

  whenComplete(epoch: number): Promise<EpochCompleted> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (epoch <= this.#lastCompleted) {
      const done = this.#recent.find((c) => c.epoch === epoch);
      if (done) return Promise.resolve(done);
      return Promise.reject(new EpochError(`epoch ${epoch} completed too long ago to report`, epoch));
    }
    return new Promise((resolve, reject) => {
      const list = this.#waiters.get(epoch) ?? [];
      list.push({ resolve, reject });
      this.#waiters.set(epoch, list);
    });
  }

  /** Completions from now on, in order; ends on `close()`, throws the `EpochError` on failure. */
  completions(): AsyncIterableIterator<EpochCompleted> {
    return this.#feed.subscribe();
  }

  fail(reason: unknown, epoch?: number): void {
    const at = epoch ?? this.#lastAcknowledged + 1;
    this.#fail(reason instanceof EpochError ? reason : new EpochError(`epoch ${at} failed`, at, { cause: reason }));
  }

  async done(): Promise<void> {
    await this.#chain;
    if (this.#failure) throw this.#failure;
  }

  close(): void {
    if (this.#closed || this.#failure) return;
    this.#closed = true;
    const open = this.#lastRegistered > this.#lastAcknowledged ? this.#lastAcknowledged + 1 : undefined;
    if (open !== undefined) {
      this.#fail(new EpochError(`pipeline closed before epoch ${open} was acknowledged`, open));
      return;
    }
    this.#chain = this.#chain.then(() => {
      if (!this.#failure) this.#feed.end();
      this.#settle();
    });
  }

  async #complete(barrier: Barrier): Promise<void> {
    if (this.#failure) return;
    const epoch = barrier.epoch;
    try {
      const snapshot: Snapshot = {
        pipelineId: this.#pipelineId,
        epoch,
        offsets: Object.fromEntries(barrier.offsets),
        completedAt: Date.now(),
      };
      await this.#store.save(this.#pipelineId, snapshot);
    } catch (error) {
      const retryable = (error as { retryable?: unknown } | null)?.retryable === true;
      this.#fail(new EpochError(`epoch ${epoch} could not be stored`, epoch, { cause: error, retryable }));
      return;
    }
    await this.#commit(epoch, barrier.offsets);
    if (this.#failure) return;
    const completedAt = Date.now();
    const done: EpochCompleted = {
      epoch,
      durationMs: completedAt - barrier.createdAt,
      records: barrier.records,
      bytes: barrier.bytes,
      offsets: barrier.offsets,
      completedAt,
    };
    this.#lastCompleted = epoch;
    this.#recent.push(done);
    if (this.#recent.length > 16) this.#recent.shift();
    for (const w of this.#waiters.get(epoch) ?? []) w.resolve(done);
    this.#waiters.delete(epoch);
    this.#feed.publish(done);
  }

  /** Commits through every committer; a failure is logged, never fatal (see the class comment). */
  async #commit(epoch: number, offsets: ReadonlyMap<string, number>): Promise<void> {
    if (this.#committers.size === 0) return;
    if (this.#lastAcknowledged > epoch) {
      this.stats.commitsCoalesced++;
      return;
    }
    const results = await Promise.allSettled([...this.#committers].map((c) => c.commit(offsets)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      this.stats.commitFailures++;
      this.#uncommitted ??= epoch;
      const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
      this.#onLog({ level: "warn", epoch, error: failed.reason,
        message: `epoch ${epoch} is stored, but committing its offsets to the broker failed (the next epoch retries): ${reason}` });
    } else if (this.#uncommitted !== undefined) {
      this.#onLog({ level: "info", epoch, message: `broker offsets committed again with epoch ${epoch} (failing since epoch ${this.#uncommitted})` });
      this.#uncommitted = undefined;
    }
  }

  #fail(error: EpochError): EpochError {
    if (this.#failure) return this.#failure;
    this.#failure = error;
    this.#settle();
    this.#registered.clear();
    for (const list of this.#waiters.values()) for (const w of list) w.reject(error);
    this.#waiters.clear();
    this.#feed.fail(error);
    this.#abort.abort(error);
    return error;
  }
}
