import { checkDurationMs } from "../config/duration.ts";
import { ConfigError, InputError } from "../errors.ts";
import { CheckpointSinkStream, type CheckpointSink } from "./checkpoint-sink.ts";
import { type CheckpointStart, CheckpointStream } from "./checkpoint-stream.ts";
import { CheckpointCoordinator, type CoordinatorLogEntry, type EpochCompleted, type OffsetCommitter } from "./coordinator.ts";
import type { HasOrigin } from "./flow.ts";
import { MemoryOffsetStore } from "./memory-offset-store.ts";
import { checkPipelineId, type OffsetStore, type Snapshot } from "./offset-store.ts";

/** The one option object a user gives to checkpoint a pipeline. */
export interface CheckpointOptions {
  /** Stable id of this pipeline: its state in the store is kept under it. */
  readonly pipelineId: string;
  /** Inject a barrier this often (ms). The seed's `enableCheckpointing(3000)` is 3000. */
  readonly intervalMs: number;
  /** Where completed epochs are kept (default: in memory, lost on exit). */
  readonly store?: OffsetStore;
  /** Broker offset commits that failed (epochs complete all the same). Default: warnings to `console.warn`. */
  readonly onLog?: (entry: CoordinatorLogEntry) => void;
}

/**
 * Wires one checkpointed pipeline: the checkpoint stream after the source,
 * the sink wrapper at the end, the coordinator between them, and the
 * restored state for the source.
 *
 * @example
 * const cp = checkpoint({ pipelineId: "orders", intervalMs: 3000, store: new FileOffsetStore("./state") });
 * const offsets = await cp.restore(); // the source resumes from these, if any
 * await source.pipeThrough(cp.stream()).pipeThrough(map(toLine)).pipeTo(cp.sink(new FileLinesSink("out.txt")));
 */
export class Checkpointing {
  readonly pipelineId: string;
  readonly store: OffsetStore;
  readonly coordinator: CheckpointCoordinator;
  #intervalMs: number;
  #restored: Promise<Snapshot | undefined> | undefined;
  #stream: CheckpointStream<HasOrigin> | undefined;
  #sinkMade = false;

  constructor(options: CheckpointOptions) {
    try {
      this.pipelineId = checkPipelineId(options.pipelineId);
    } catch (error) {
      throw new ConfigError("pipelineId must be a non-empty string of at most 200 characters", "pipelineId", options.pipelineId, { cause: error });
    }
    this.#intervalMs = checkDurationMs("intervalMs", options.intervalMs);
    this.store = options.store ?? new MemoryOffsetStore();
    this.coordinator = new CheckpointCoordinator({
      pipelineId: this.pipelineId,
      store: this.store,
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
  }

  /** The last completed snapshot of this pipeline (loaded once). */
  snapshot(): Promise<Snapshot | undefined> {
    this.#restored ??= this.store.load(this.pipelineId).then((snapshot) => {
      if (snapshot) this.coordinator.resume(snapshot.epoch);
      return snapshot;
    });
    return this.#restored;
  }

  /**
   * Per queue key, the next offset to consume from the last completed epoch;
   * `undefined` when this pipeline has no state (the source's start strategy
   * applies then). The source resumes from these and ignores its strategy.
   */
  async restore(): Promise<ReadonlyMap<string, number> | undefined> {
    const snapshot = await this.snapshot();
    return snapshot && new Map(Object.entries(snapshot.offsets));
  }

  /** The checkpoint stream to place right after the source. One per pipeline. */
  stream<T extends HasOrigin>(): CheckpointStream<T> {
    if (this.#stream) throw new InputError("stream() was already called for this pipeline", "stream");
    const start: Promise<CheckpointStart | undefined> = this.snapshot().then(
      (s) => s && { epoch: s.epoch, offsets: new Map(Object.entries(s.offsets)) },
    );
    const stream = new CheckpointStream<T>({
      intervalMs: this.#intervalMs,
      start,
      onBarrier: (barrier) => this.coordinator.register(barrier),
      signal: this.coordinator.signal,
    });
    this.#stream = stream as unknown as CheckpointStream<HasOrigin>;
    return stream;
  }

  /** Wraps the pipeline's sink so it acknowledges epochs. One per pipeline. */
  sink<T>(target: CheckpointSink<T>): CheckpointSinkStream<T> {
    if (this.#sinkMade) throw new InputError("sink() was already called for this pipeline", "sink");
    this.#sinkMade = true;
    return new CheckpointSinkStream(target, this.coordinator);
  }

  /** Lets the source commit group offsets after each stored epoch; returns the detach function. */
  addCommitter(committer: OffsetCommitter): () => void {
    return this.coordinator.addCommitter(committer);
  }

  /** Completed epochs from now on, with their metrics. */
  completions(): AsyncIterableIterator<EpochCompleted> {
    return this.coordinator.completions();
  }

  /** Injects a barrier now and resolves when its epoch completes. */
  async requestCheckpoint(): Promise<EpochCompleted> {
    if (!this.#stream) throw new InputError("requestCheckpoint() needs stream() first", "requestCheckpoint");
    const barrier = await this.#stream.requestCheckpoint();
    return this.coordinator.whenComplete(barrier.epoch);
  }
}

/**
 * Checkpointing for one pipeline, from one option object.
 *
 * @example
 * const cp = checkpoint({ pipelineId: "orders", intervalMs: 3000, store: new FileOffsetStore("./state") });
 */
export function checkpoint(options: CheckpointOptions): Checkpointing {
  return new Checkpointing(options);
}
