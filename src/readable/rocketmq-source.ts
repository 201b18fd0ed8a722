/**
 * The seed's `RocketMQSourceFunction` as a WHATWG ReadableStream over the
 * remoting transport: the topic's queues, shared with the rest of the
 * consumer group, read from where the start strategy (or a checkpoint) says.
 */
import { clearInterval, clearTimeout, setInterval, setTimeout } from "node:timers";
import { InputError, RocketMQError } from "../errors.ts";
import { describeOutage, isUnreachable, OutageTracker } from "../outage.ts";
import type { Checkpointing } from "../offsets/checkpoint.ts";
import { type Batch, batchOf } from "../offsets/flow.ts";
import { type MessageQueue, queueKey } from "../offsets/message-queue.ts";
import type { PullResult } from "../remoting/broker-pull.ts";
import type { KeyValueDeserializationSchema } from "../serde/schema.ts";
import { decodePulled, sendDeadLetters } from "./decode-pulled.ts";
import { GroupMember } from "./group-member.ts";
import { commitWithRetry } from "./commit.ts";
import { newQueueState, type QueueState, type ReadyPull } from "./queue-state.ts";
import { parseSourceOptions, type SourceOptions, type SourceOptionsInput, subscriptionOf } from "./source-options.ts";
import type { SourceRecord } from "./source-record.ts";
import {
  type OffsetResetStrategy,
  resetOf,
  resolveStartOffset,
  StartFrom,
  type StartStrategy,
} from "./start-strategy.ts";

export interface SourceLogEntry {
  readonly level: "info" | "warn";
  readonly message: string;
  readonly queue?: MessageQueue;
  readonly error?: unknown;
}

export interface RocketMQSourceInit<T> {
  readonly schema: KeyValueDeserializationSchema<T>;
  /** Seed Properties keys or camelCase (see `parseSourceOptions`). */
  readonly options: SourceOptionsInput | Map<string, unknown>;
  /** Default: group offsets, LATEST where the group has none (the seed's default). */
  readonly start?: StartStrategy;
  /** Where an out-of-range offset goes; default: what the start strategy implies. */
  readonly offsetResetStrategy?: OffsetResetStrategy;
  /** Resume from its last completed epoch and commit group offsets only after epochs complete. */
  readonly checkpoint?: Checkpointing;
  /** Aborting ends the stream cleanly (chunks already queued are still delivered). */
  readonly signal?: AbortSignal;
  /** Offset resets, retried errors, rebalances, broker outages (start: warn, end: info). Default: warnings to `console.warn`. */
  readonly onLog?: (entry: SourceLogEntry) => void;
  /**
   * Batches (pull results) the stream may queue before the consumer reads;
   * default 2. Besides these, each assigned queue holds at most one pulled
   * batch waiting, so at most `(highWaterMark + queues) * batchSize` messages
   * are in memory however slow the consumer.
   */
  readonly highWaterMark?: number;
}

/** Counters, for monitoring and tests. */
export interface SourceStats {
  pulls: number;
  /** Messages decoded from pull results (including those still waiting to be emitted). */
  pulledMessages: number;
  emittedMessages: number;
  emittedBatches: number;
  skipped: number;
  deadLettered: number;
  offsetResets: number;
  /** Broker outages the pulls rode through or are riding through (see `maxOutageMs`). */
  outages: number;
}

const RETRY_DELAY_MS = 1000;
/**
 * After a clean end under checkpointing, how long the source keeps its clients
 * open for the pipeline's last epoch (the final barrier travels to the sink,
 * which flushes before acknowledging) so that epoch's group offsets reach the broker.
 */
const LAST_EPOCH_WAIT_MS = 60_000;

/**
 * A `ReadableStream` of record batches. One chunk is one pull result of one
 * queue; a pull is issued only when the stream wants more (`pull()`), so a
 * slow consumer stops the reading. `records()` gives one record per chunk.
 *
 * @example
 * const source = new RocketMQSource({
 *   schema: Utf8DeserializationSchema,
 *   options: { "nameserver.address": "127.0.0.1:9876", "consumer.group": "G", "consumer.topic": "T" },
 * }).setStartFromEarliest();
 * for await (const batch of source) for (const r of batch.records) console.log(r.queueOffset, r.value);
 */
export class RocketMQSource<T> extends ReadableStream<Batch<SourceRecord<T>>> {
  readonly options: SourceOptions;
  readonly stats: SourceStats = { pulls: 0, pulledMessages: 0, emittedMessages: 0, emittedBatches: 0, skipped: 0, deadLettered: 0, offsetResets: 0, outages: 0 };
  readonly #init: RocketMQSourceInit<T>;
  #strategy: StartStrategy;
  #members: GroupMember[] = [];
  readonly #queues = new Map<string, MessageQueue>();
  readonly #states = new Map<string, QueueState>();
  readonly #ready: Array<ReadyPull<T>> = [];
  readonly #everAssigned = new Set<string>();
  #restored: ReadonlyMap<string, number> | undefined;
  #sawForeignMember = false;
  #inFlight = 0;
  #cursor = 0;
  #wake: (() => void) | undefined;
  #controller!: ReadableStreamDefaultController<Batch<SourceRecord<T>>>;
  #started: Promise<void> | undefined;
  #closing = false;
  #endedCleanly = false;
  /** Brokers on which this source's group has committed once (see #commitEach). */
  readonly #seededBrokers = new Set<string>();
  #shutdown: Promise<void> | undefined;
  #persistTimer: ReturnType<typeof setInterval> | undefined;
  readonly #sleeps = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  #detachCommitter: (() => void) | undefined;
  readonly #highWaterMark: number;
  /** Policy `fail`: the error to end the stream with once the records before it are read. */
  #failAfterDelivery: unknown;
  readonly #outages: OutageTracker;

  constructor(init: RocketMQSourceInit<T>) {
    const options = parseSourceOptions(init.options);
    const highWaterMark = init.highWaterMark ?? 2;
    if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 0) {
      throw new RangeError(`highWaterMark must be a non-negative integer, got ${highWaterMark}`);
    }
    if (typeof init.schema?.deserialize !== "function") throw new TypeError("schema must be a KeyValueDeserializationSchema");
    let controller: ReadableStreamDefaultController<Batch<SourceRecord<T>>> | undefined;
    super({
      start: (c) => void (controller = c),
      pull: (c) => this.#pull(c),
      cancel: () => this.#close(),
    }, { highWaterMark });
    this.#controller = controller!;
    this.#highWaterMark = highWaterMark;
    this.options = options;
    this.#init = init;
    this.#outages = new OutageTracker({
      maxOutageMs: options.maxOutageMs,
      onEvent: (event) => {
        if (event.kind === "started") this.stats.outages++;
        this.#log({ level: event.kind === "started" ? "warn" : "info", message: describeOutage(event), error: event.cause });
      },
    });
    this.#strategy = init.start ?? StartFrom.groupOffsets();
    const signal = init.signal;
    if (signal) {
      const onAbort = () => this.#end();
      if (signal.aborted) queueMicrotask(onAbort);
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  }

  // ---------------------------------------------------------------------------
  // seed-style setters: call them right after construction (reading starts on the next tick)

  setStartFromEarliest(): this { return this.#setStart(StartFrom.earliest()); }
  setStartFromLatest(): this { return this.#setStart(StartFrom.latest()); }
  setStartFromTimeStamp(timestamp: number): this { return this.#setStart(StartFrom.timestamp(timestamp)); }
  setStartFromGroupOffsets(reset?: OffsetResetStrategy): this { return this.#setStart(StartFrom.groupOffsets(reset)); }
  setStartFromSpecificOffsets(offsets: ReadonlyMap<MessageQueue | string, number>, reset?: OffsetResetStrategy): this {
    return this.#setStart(StartFrom.specificOffsets(offsets, reset));
  }

  #setStart(strategy: StartStrategy): this {
    if (this.#started) throw new InputError("the start strategy must be set before reading starts", "start", strategy.kind);
    this.#strategy = strategy;
    return this;
  }

  /** One record per chunk, for convenience (costs a promise per record; batches are the fast path). */
  records(): ReadableStream<SourceRecord<T>> {
    return this.pipeThrough(new TransformStream<Batch<SourceRecord<T>>, SourceRecord<T>>({
      transform(batch, controller) {
        for (const record of batch.records) controller.enqueue(record);
      },
    }));
  }

  /** The client ids of this source's group members (one per `parallelism`). */
  get clientIds(): string[] {
    return this.#members.map((m) => m.clientId);
  }

  /** The queues each member of this source reads now, by client id. */
  assignment(): Map<string, MessageQueue[]> {
    const out = new Map<string, MessageQueue[]>(this.#members.map((m) => [m.clientId, []]));
    for (const s of this.#states.values()) out.get(s.member.clientId)?.push(s.mq);
    return out;
  }

  /** Rebalances every member now (tests and tools; members also do it on their own). */
  async rebalance(): Promise<void> {
    await this.#start();
    await Promise.all(this.#members.map((m) => m.rebalance()));
  }

  // ---------------------------------------------------------------------------
  // reading

  async #pull(controller: ReadableStreamDefaultController<Batch<SourceRecord<T>>>): Promise<void> {
    try {
      await this.#start();
    } catch (error) {
      // an errored stream never calls cancel(): close what starting opened here
      this.#fail(error);
      return;
    }
    for (;;) {
      if (this.#closing) return;
      if (this.#failAfterDelivery) {
        // error only once the consumer has read what came before the failure: erroring discards queued chunks
        if (controller.desiredSize === this.#highWaterMark) this.#fail(this.#failAfterDelivery);
        return;
      }
      const ready = this.#ready.shift();
      if (ready) {
        if (await this.#emit(ready, controller)) return;
        continue;
      }
      this.#launchPulls();
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Enqueues one ready batch; false when it had no records to emit. */
  async #emit(ready: ReadyPull<T>, controller: ReadableStreamDefaultController<Batch<SourceRecord<T>>>): Promise<boolean> {
    const { state, decoded } = ready;
    if (!state.live) return false;
    if (decoded.deadLetters.length > 0) {
      await sendDeadLetters(state.member.client, this.options.deadLetterTopic!, `${this.options.consumerGroup}-dlq`, decoded.deadLetters);
      this.stats.deadLettered += decoded.deadLetters.length;
    }
    if (!state.live || this.#closing) return false;
    state.emittedOffset = ready.next;
    this.stats.skipped += decoded.skipped;
    if (decoded.failure) {
      if (decoded.records.length === 0) {
        this.#fail(decoded.failure);
        return true;
      }
      this.#failAfterDelivery = decoded.failure;
    } else {
      state.busy = false;
    }
    if (decoded.records.length === 0) return false;
    this.stats.emittedMessages += decoded.records.length;
    this.stats.emittedBatches++;
    controller.enqueue(batchOf(decoded.records));
    return true;
  }

  #launchPulls(): void {
    const states = [...this.#states.values()];
    const n = states.length;
    // rotate the starting queue so a pool smaller than the assignment serves every queue
    for (let i = 0; i < n && this.#inFlight < this.options.pullPoolSize; i++) {
      const state = states[(this.#cursor + i) % n]!;
      if (state.busy || !state.live) continue;
      state.busy = true;
      this.#inFlight++;
      void this.#pullQueue(state);
    }
    this.#cursor = n === 0 ? 0 : (this.#cursor + 1) % n;
  }

  async #pullQueue(state: QueueState): Promise<void> {
    let held = false;
    try {
      const result = await state.member.client.pull(state.mq, {
        consumerGroup: this.options.consumerGroup,
        queueOffset: state.nextOffset,
        maxMsgNums: this.options.batchSize,
        suspendTimeoutMillis: this.options.longPollingMs,
        subscription: subscriptionOf(this.options),
      });
      this.stats.pulls++;
      this.#outages.succeeded(brokerOf(state.mq));
      if (!state.live || this.#closing) return;
      held = await this.#take(state, result);
    } catch (error) {
      if (!state.live || this.#closing) return;
      if (isUnreachable(error)) {
        // the tracker logs the outage once; the pulls of every queue on the broker back off together
        const broker = brokerOf(state.mq);
        const exceeded = this.#outages.failed(broker, error);
        if (exceeded) this.#fail(exceeded);
        else await this.#sleep(this.#outages.retryDelayMs(broker));
      } else if (error instanceof RocketMQError && error.retryable) {
        this.#log({ level: "warn", message: `pull of ${state.key} at ${state.nextOffset} failed, retrying: ${error.message}`, queue: state.mq, error });
        await this.#sleep(RETRY_DELAY_MS);
      } else {
        this.#fail(error);
      }
    } finally {
      this.#inFlight--;
      if (!held) state.busy = false;
      this.#wake?.();
    }
  }

  /** Handles one pull result; true when a batch now waits to be emitted (the queue stays busy). */
  async #take(state: QueueState, result: PullResult): Promise<boolean> {
    switch (result.status) {
      case "FOUND": {
        const decoded = decodePulled(result.messages, state.mq, this.#init.schema, this.options.decodeFailurePolicy);
        this.stats.pulledMessages += decoded.records.length;
        // under `fail` the queue stops at the message that did not decode
        state.nextOffset = decoded.failedOffset ?? result.nextBeginOffset;
        this.#ready.push({ state, decoded, next: state.nextOffset });
        return true;
      }
      case "NO_MATCHED_MSG":
        state.nextOffset = state.emittedOffset = result.nextBeginOffset;
        return false;
      case "NO_NEW_MSG":
        state.nextOffset = result.nextBeginOffset;
        // nothing before it is left to emit: what was filtered out counts as consumed
        state.emittedOffset = Math.max(state.emittedOffset, result.nextBeginOffset);
        // caught up: commit now rather than at the next interval, so a member taking this
        // queue over in a rebalance starts where this one stopped
        if (!this.#init.checkpoint && state.committedOffset !== state.emittedOffset) await this.#commitState(state);
        await this.#sleep(this.options.delayWhenMessageNotFoundMs);
        return false;
      case "OFFSET_ILLEGAL": {
        const reset = this.#init.offsetResetStrategy ?? resetOf(this.#strategy);
        const to = reset === "EARLIEST" ? result.minOffset : result.maxOffset;
        this.stats.offsetResets++;
        this.#log({
          level: "warn",
          message: `offset ${state.nextOffset} of ${state.key} is out of range [${result.minOffset}, ${result.maxOffset}): reset (${reset}) to ${to}`,
          queue: state.mq,
        });
        state.nextOffset = state.emittedOffset = to;
        return false;
      }
    }
  }

  // ---------------------------------------------------------------------------
  // membership

  #start(): Promise<void> {
    this.#started ??= this.#join();
    return this.#started;
  }

  async #join(): Promise<void> {
    const cp = this.#init.checkpoint;
    if (cp) {
      this.#restored = await cp.restore();
      this.#detachCommitter = cp.addCommitter({ commit: (offsets) => this.#commitEpoch(offsets) });
    }
    const o = this.options;
    for (let i = 0; i < o.parallelism; i++) {
      this.#members.push(new GroupMember({
        ...o,
        // not enumerable in parsed options (kept out of logs), so not carried by the spread
        ...(o.secretKey !== undefined ? { secretKey: o.secretKey } : {}),
        subscription: subscriptionOf(o),
        assign: (member, queues, ids) => this.#assign(member, queues, ids),
        onError: (_member, error) => this.#log({ level: "warn", message: `group membership: ${errorText(error)}`, error }),
      }));
    }
    // register every member before the first allocation, so they split the queues at once
    await Promise.all(this.#members.map((m) => m.client.heartbeat()));
    await Promise.all(this.#members.map((m) => m.start()));
    if (!cp && !this.#closing) {
      this.#persistTimer = setInterval(() => void this.#commitConsumed(), o.offsetPersistIntervalMs);
      this.#persistTimer.unref();
    }
  }

  async #assign(member: GroupMember, queues: MessageQueue[], clientIds: readonly string[]): Promise<void> {
    const own = new Set(this.clientIds);
    if (clientIds.some((id) => !own.has(id))) this.#sawForeignMember = true;
    const wanted = new Set<string>();
    const gained: Array<{ key: string; mq: MessageQueue }> = [];
    for (const q of queues) {
      const key = queueKey(q);
      wanted.add(key);
      if (!this.#queues.has(key)) this.#queues.set(key, { topic: q.topic, brokerName: q.brokerName, queueId: q.queueId });
      if (this.#states.get(key)?.member !== member) gained.push({ key, mq: this.#queues.get(key)! });
    }
    const lost = [...this.#states.values()].filter((s) => s.member === member && !wanted.has(s.key));
    for (const s of lost) s.live = false;
    for (const s of lost) this.#states.delete(s.key);
    if (lost.length > 0 && !this.#init.checkpoint) await this.#commitEach(lost, (s) => this.#commitState(s));
    const started = await Promise.all(gained.map(async ({ key, mq }) => ({ key, mq, offset: await this.#startOffset(member, key, mq) })));
    for (const { key, mq, offset } of started) {
      const previous = this.#states.get(key);
      if (previous) previous.live = false; // handed over by another member of this source
      this.#states.set(key, newQueueState(mq, key, member, previous ? previous.emittedOffset : offset));
      this.#everAssigned.add(key);
    }
    if (lost.length > 0 || started.length > 0) {
      this.#log({ level: "info", message: `${member.clientId}: +${started.length} -${lost.length} queues, reads ${queues.length} of the group's (${clientIds.length} members)` });
      this.#wake?.();
    }
  }

  async #startOffset(member: GroupMember, key: string, mq: MessageQueue): Promise<number> {
    const restored = this.#restored?.get(key);
    if (restored !== undefined && !this.#everAssigned.has(key)) return restored;
    const handedOver = this.#states.get(key);
    if (handedOver) return handedOver.emittedOffset;
    const fresh = !this.#sawForeignMember && !this.#everAssigned.has(key) && this.#restored === undefined;
    return resolveStartOffset(member.client, this.options.consumerGroup, mq, this.#strategy, fresh);
  }

  // ---------------------------------------------------------------------------
  // offsets

  /** Without checkpointing: commits what was emitted, for queues that moved on. */
  async #commitConsumed(): Promise<void> {
    await this.#commitEach([...this.#states.values()], (s) => this.#commitState(s));
  }

  async #commitState(state: QueueState): Promise<void> {
    const offset = state.emittedOffset;
    if (state.committedOffset === offset) return;
    try {
      await state.member.client.updateConsumerOffset(this.options.consumerGroup, state.mq, offset);
      state.committedOffset = offset;
    } catch (error) {
      this.#log({ level: "warn", message: `commit of ${state.key} at ${offset} failed: ${errorText(error)}`, queue: state.mq, error });
    }
  }

  /** With checkpointing: after an epoch is stored, commit the queues this source owns. */
  async #commitEpoch(offsets: ReadonlyMap<string, number>): Promise<void> {
    // a queue not in #states is not ours (any more): its owner commits it
    const owned = [...this.#states.values()].filter((s) => offsets.has(s.key));
    await this.#commitEach(owned, async (state) => {
      const offset = offsets.get(state.key)!;
      // a broker known to be unreachable gets one try: the next epoch retries, and the epoch does not wait
      const attempts = this.#outages.active(brokerOf(state.mq)) ? 1 : undefined;
      await commitWithRetry(state.member.client, this.options.consumerGroup, state.mq, offset, attempts);
      state.committedOffset = offset;
    });
  }

  /**
   * Commits several queues at once, except the first commit on each broker.
   * A 5.x broker creates a group's offset table for a topic on its first
   * commit without a lock: two first commits handled at the same time can
   * lose one queue's offset while both are answered SUCCESS (seen here under
   * load: one of two queues never committed). So the first one goes alone.
   * This lives here, not in the client, because each parallel member has a
   * client of its own and their first commits race just the same.
   */
  async #commitEach(states: readonly QueueState[], commit: (state: QueueState) => Promise<void>): Promise<void> {
    const first = new Map<string, QueueState>();
    for (const state of states) {
      const broker = state.mq.brokerName;
      if (!this.#seededBrokers.has(broker) && !first.has(broker)) first.set(broker, state);
    }
    await Promise.all([...first].map(async ([broker, state]) => {
      await commit(state);
      if (state.committedOffset !== undefined) this.#seededBrokers.add(broker);
    }));
    const leaders = new Set(first.values());
    await Promise.all(states.filter((state) => !leaders.has(state)).map(commit));
  }

  // ---------------------------------------------------------------------------
  // lifecycle

  /** Ends the stream cleanly: what is queued is still delivered, then `done`. */
  #end(): void {
    if (this.#closing) return;
    this.#endedCleanly = true;
    try {
      this.#controller.close();
    } catch {
      // already closed or errored by the consumer: nothing more to end
    }
    void this.#close();
  }

  #fail(error: unknown): void {
    if (this.#closing) return;
    this.#controller.error(error);
    void this.#close();
  }

  /** Stops pulls, commits what may be committed, unregisters and closes sockets. Idempotent. */
  #close(): Promise<void> {
    this.#shutdown ??= (async () => {
      this.#closing = true;
      if (this.#persistTimer) clearInterval(this.#persistTimer);
      for (const s of this.#sleeps) { clearTimeout(s.timer); s.resolve(); }
      this.#wake?.();
      await this.#started?.catch(() => undefined);
      await Promise.all(this.#members.map((m) => m.stop()));
      const cp = this.#init.checkpoint;
      if (!cp) await this.#commitConsumed();
      else if (this.#endedCleanly) await this.#awaitLastEpoch(cp);
      this.#detachCommitter?.();
      for (const s of this.#states.values()) s.live = false;
      await Promise.all(this.#members.map((m) => m.close()));
    })();
    return this.#shutdown;
  }

  /** Keeps the committer attached until the pipeline's final epoch completed (or failed). */
  async #awaitLastEpoch(cp: Checkpointing): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      cp.coordinator.finished.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), LAST_EPOCH_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.#log({ level: "warn", message: `the pipeline's last epoch did not complete within ${LAST_EPOCH_WAIT_MS} ms of the end; its offsets stay in the store only` });
    }
  }

  #sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.#closing) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => { this.#sleeps.delete(entry); resolve(); }, ms),
        resolve,
      };
      this.#sleeps.add(entry);
    });
  }

  #log(entry: SourceLogEntry): void {
    if (this.#init.onLog) this.#init.onLog(entry);
    else if (entry.level === "warn") console.warn(`[rocketmq source ${this.options.consumerGroup}] ${entry.message}`);
  }
}

/** How outages name a broker: by its name in the route, which survives a restart on another address. */
function brokerOf(mq: MessageQueue): string {
  return `broker ${mq.brokerName}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
