/**
 * A checkpointed pipeline (RocketMQSource -> checkpoint -> map -> RocketMQSink
 * to another topic, FileOffsetStore) draining a topic on the rig's broker
 * while a schedule of outages runs against that broker, with no restart by
 * the test: the pipeline must ride through every outage. Then the output
 * topic is read back and every copy counted.
 *
 * Each input body is a decimal id; the pipeline writes `id queueId offset`,
 * so loss and duplicates are computed exactly, and a duplicate can be checked
 * against the epoch that was complete when its outage began.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { checkpoint } from "../../src/offsets/checkpoint.ts";
import type { CheckpointSink } from "../../src/offsets/checkpoint-sink.ts";
import { FileOffsetStore } from "../../src/offsets/file-offset-store.ts";
import { map } from "../../src/offsets/map.ts";
import { queueKey } from "../../src/offsets/message-queue.ts";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";
import { createMessageSink } from "../../src/writable/create-sink.ts";
import type { OutgoingMessage } from "../../src/writable/outgoing-message.ts";
import { RemotingProducerTransport } from "../../src/writable/remoting-producer-transport.ts";
import { SendEngine } from "../../src/writable/send-engine.ts";
import { randomName } from "../fixture/broker.ts";
import { readTopicWithSource } from "../writable/source-readback.ts";
import { createTopic, NAMESRV, rigLog } from "./outage-rig.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface Outage {
  /** Fires once the sink has acknowledged this share of the messages (0..1). */
  readonly atShare: number;
  readonly label: string;
  /** Breaks the cluster and mends it; resolves once it is mended. */
  readonly run: () => Promise<void>;
  /**
   * The schedule goes on while it is being mended (a name server outage does
   * not stop the flow, so waiting for its slow restart would let the drain
   * end before the later outages); the next background outage waits for it.
   */
  readonly background?: boolean;
}

export interface PipelineFigures {
  readonly total: number;
  readonly stored: number;
  readonly distinct: number;
  readonly missing: number;
  readonly maxCopies: number;
  readonly duplicates: number;
  /** Duplicates whose input offset lies before the last epoch completed when some outage began (must be 0). */
  readonly duplicatesBeforeEpoch: number;
  readonly outages: number;
  readonly epochs: number;
  readonly commitFailures: number;
  readonly sourceOutages: number;
  readonly sinkOutages: number;
  readonly resent: number;
  readonly drainMs: number;
  readonly logs: string[];
}

/**
 * `sink`, taking at most `perSecond` records a second: each write waits for
 * its slot. Slots are not saved up while the flow stands still (an outage),
 * so there is no burst afterwards.
 */
function paced<T>(sink: CheckpointSink<T>, perSecond: number): CheckpointSink<T> {
  let nextFreeAt = 0;
  return {
    async write(records) {
      const now = Date.now();
      nextFreeAt = Math.max(now, nextFreeAt) + (records.length / perSecond) * 1000;
      const wait = nextFreeAt - now - (records.length / perSecond) * 1000;
      if (wait > 0) await sleep(wait);
      await sink.write(records);
    },
    flush: () => sink.flush(),
    ...(sink.beginFlush ? { beginFlush: () => sink.beginFlush!() } : {}),
    close: async () => void (await sink.close?.()),
    abort: async (reason) => void (await sink.abort?.(reason)),
  };
}

/** Produces `total` messages with bodies "0".."total-1", spread over the topic's queues, in batch requests. */
export async function produceIds(topic: string, total: number): Promise<void> {
  const transport = new RemotingProducerTransport({ nameServerAddress: NAMESRV, producerGroup: randomName("outage_seed") });
  const engine = new SendEngine(transport, { mode: "batch", batchMaxMessages: 200, maxInFlight: 8, maxOutageMs: 0 });
  try {
    for (let from = 0; from < total; from += 1000) {
      const chunk: OutgoingMessage[] = [];
      for (let i = from; i < Math.min(total, from + 1000); i++) chunk.push({ topic, body: encoder.encode(String(i)) });
      await engine.write(chunk);
    }
    await engine.close();
  } catch (error) {
    await engine.abort();
    throw error;
  }
}

/** Per queue key, the end offset: where the pipeline is done. Waits for the consume queues to hold `total`. */
async function endOffsets(topic: string, total: number): Promise<Map<string, number>> {
  const client = new RemotingClient({ nameServerAddress: NAMESRV, requestTimeoutMs: 10_000 });
  try {
    for (let i = 0; ; i++) {
      const ends = new Map<string, number>();
      for (const mq of await client.readableQueues(topic)) ends.set(queueKey(mq), await client.getMaxOffset(mq));
      if ([...ends.values()].reduce((a, b) => a + b, 0) === total) return ends;
      if (i > 300) throw new Error(`the consume queues of ${topic} hold ${JSON.stringify([...ends])}, not ${total}`);
      await sleep(100);
    }
  } finally {
    await client.close();
  }
}

export async function runOutagePipeline(options: {
  readonly total: number;
  readonly queues: number;
  readonly outages: readonly Outage[];
  readonly maxOutageMs?: number;
  /** The sink's mode: `async` (default) or `batch` (batch requests, flushed at every barrier). */
  readonly sinkMode?: "async" | "batch";
  /** At most this many messages a second reach the sink, so the drain lasts through the schedule. */
  readonly ratePerSecond?: number;
  /** Give up (and fail) after this long: a safety net against a hang, not a measurement. */
  readonly guardMs: number;
}): Promise<PipelineFigures> {
  const { total, queues } = options;
  const input = randomName("outage_in");
  const output = randomName("outage_out");
  await createTopic(input, queues);
  await createTopic(output, queues);
  const t0 = Date.now();
  await produceIds(input, total);
  const ends = await endOffsets(input, total);
  rigLog(`produced ${total} messages to ${input} in ${Date.now() - t0} ms`);

  const dir = await mkdtemp(join(tmpdir(), "rmq-outage-"));
  const logs: string[] = [];
  /** The offsets of the last completed epoch as each outage began (scheduled, or a busy spell the sink rode through). */
  const completedAtOutage: Array<ReadonlyMap<string, number>> = [];
  let lastCompleted: ReadonlyMap<string, number> = new Map();
  const log = (who: string) => (entry: { level: string; message: string }) => {
    const line = `${who} ${entry.level}: ${entry.message}`;
    logs.push(line);
    if (entry.level === "warn" && / (unreachable|not accepting requests) since /.test(entry.message)) completedAtOutage.push(lastCompleted);
    if (!/rebalance|queues, reads/.test(entry.message)) rigLog(line);
  };
  try {
    const maxOutageMs = options.maxOutageMs ?? 180_000;
    const cp = checkpoint({ pipelineId: "outage", intervalMs: 1000, store: new FileOffsetStore(join(dir, "state"), { create: true }), onLog: log("checkpoint") });
    const stop = new AbortController();
    let epochs = 0;
    const covers = (offsets: ReadonlyMap<string, number>) => [...ends].every(([k, end]) => (offsets.get(k) ?? 0) >= end);
    const watching = (async () => {
      for await (const done of cp.completions()) {
        epochs++;
        lastCompleted = done.offsets;
        if (covers(done.offsets)) stop.abort();
      }
    })();
    // a failed pipeline ends the completions with its error: reported through `pipeline` below
    watching.catch(() => undefined);
    const source = new RocketMQSource({
      schema: BytesDeserializationSchema,
      options: { "nameserver.address": NAMESRV, "consumer.group": randomName("outage_g"), "consumer.topic": input,
        longPollingMs: 1000, maxOutageMs },
      checkpoint: cp,
      signal: stop.signal,
      onLog: log("source"),
    }).setStartFromEarliest();
    const sink = createMessageSink({ "nameserver.address": NAMESRV, maxOutageMs, maxInFlight: 256 }, { onLog: log("sink") });
    if (options.sinkMode === "batch") sink.withBatchFlushOnCheckpoint(true);
    else sink.withAsync(true);
    const toOutput = (r: SourceRecord<Uint8Array>): OutgoingMessage => ({
      topic: output,
      body: encoder.encode(`${decoder.decode(r.value)} ${r.queueId} ${r.queueOffset}`),
    });
    const started = Date.now();
    const target: CheckpointSink<OutgoingMessage> = options.ratePerSecond ? paced(sink, options.ratePerSecond) : sink;
    const pipeline = source.pipeThrough(cp.stream()).pipeThrough(map(toOutput)).pipeTo(cp.sink(target));
    const failed = pipeline.then(() => undefined, (error: unknown) => error);

    let ridden = 0;
    let mending: Promise<void> = Promise.resolve();
    const schedule = (async () => {
      for (const [i, outage] of options.outages.entries()) {
        while (sink.stats.acknowledged < outage.atShare * total) {
          if (stop.signal.aborted) return;
          await sleep(50);
        }
        if (outage.background) await mending;
        if (stop.signal.aborted) return;
        completedAtOutage.push(lastCompleted);
        const t = Date.now();
        rigLog(`outage ${i + 1}: ${outage.label} at ${sink.stats.acknowledged} acknowledged, epoch ${cp.coordinator.lastCompleted}`);
        ridden++;
        const run = outage.run().then(() => rigLog(`outage ${i + 1}: mended after ${Date.now() - t} ms`));
        if (outage.background) mending = run;
        else await run;
      }
    })().finally(() => mending);

    let guard: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<string>((resolve) => (guard = setTimeout(() => resolve("timeout"), options.guardMs)));
    const first = await Promise.race([failed.then((e) => (e === undefined ? "done" : e)), schedule.then(() => "scheduled" as const), timedOut]);
    if (first === "scheduled") {
      const end = await Promise.race([failed.then((e) => (e === undefined ? "done" : e)), timedOut]);
      if (end !== "done") throw end === "timeout" ? new Error(`the pipeline did not finish within ${options.guardMs} ms`) : end;
    } else if (first !== "done") {
      throw first === "timeout" ? new Error(`the pipeline did not finish within ${options.guardMs} ms`) : first;
    } else {
      await schedule;
    }
    clearTimeout(guard);
    const drainMs = Date.now() - started;
    await watching.catch(() => undefined);
    rigLog(`pipeline done in ${drainMs} ms: ${epochs} epochs, sink ${JSON.stringify(sink.stats)}, source outages ${source.stats.outages}`);

    // a name server restarted late learns the output topic's route at the broker's next registration
    const routes = new RemotingClient({ nameServerAddress: NAMESRV, requestTimeoutMs: 10_000 });
    try {
      for (let i = 0; !(await routes.getRouteInfo(output, { refresh: true }).then(() => true, () => false)); i++) {
        if (i > 120) throw new Error(`no route for ${output} after a minute`);
        await sleep(500);
      }
    } finally {
      await routes.close();
    }
    const records = await readTopicWithSource(NAMESRV, output, 300_000);
    const copies = new Map<string, number>();
    for (const r of records) {
      const body = decoder.decode(r.value);
      copies.set(body, (copies.get(body) ?? 0) + 1);
    }
    const ids = new Set<number>();
    let duplicates = 0;
    let duplicatesBeforeEpoch = 0;
    const early: string[] = [];
    let maxCopies = 0;
    for (const [body, n] of copies) {
      const [id, queueId, offset] = body.split(" ").map(Number) as [number, number, number];
      ids.add(id);
      maxCopies = Math.max(maxCopies, n);
      if (n > 1) {
        duplicates += n - 1;
        const key = queueKey({ topic: input, brokerName: records[0]!.brokerName, queueId });
        // at-least-once: only what came after the last completed epoch of some outage can be written again
        if (!completedAtOutage.some((done) => offset >= (done.get(key) ?? 0))) {
          duplicatesBeforeEpoch += n - 1;
          if (early.length < 5) early.push(body);
        }
      }
    }
    if (early.length > 0) rigLog(`duplicates before every outage's epoch, e.g. ${JSON.stringify(early)}; epochs at outages: ${JSON.stringify(completedAtOutage.map((m) => [...m]))}`);
    let missing = 0;
    for (let i = 0; i < total; i++) if (!ids.has(i)) missing++;
    return {
      total,
      stored: records.length,
      distinct: ids.size,
      missing,
      maxCopies,
      duplicates,
      duplicatesBeforeEpoch,
      outages: ridden,
      epochs,
      commitFailures: cp.coordinator.stats.commitFailures,
      sourceOutages: source.stats.outages,
      sinkOutages: sink.stats.outages,
      resent: sink.stats.resent,
      drainMs,
      logs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
