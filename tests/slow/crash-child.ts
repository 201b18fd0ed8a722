/**
 * The process tests/slow/crash.test.ts kills with SIGKILL: a checkpointed
 * pipeline RocketMQSource -> checkpoint stream -> map -> file sink that
 * writes one line "<queueId> <queueOffset>" per record, checkpoints every
 * 200 ms into a FileOffsetStore, and resumes from it when restarted.
 *
 * Two file sinks, chosen with `--sink`: `buffered` is the project's
 * FileLinesSink (lines kept in memory until a barrier or 64 KiB, then written
 * and fsynced), `direct` (below) writes every batch to the file at once and
 * fsyncs only at barriers, so a kill leaves lines of the open epoch in the
 * file: the duplicates the guarantee allows. Either sits behind a pace: it
 * takes at most `--rate` records per second, like a slow database. Without it
 * the source reads the whole topic in about a second, and 20 kills would all
 * land in process start-up. Backpressure carries the pace to the pulls.
 *
 * Runs on Node (`node tests/slow/crash-child.ts ...`), Deno
 * (`deno run -A --no-lock ...`) and Bun (`bun ...`).
 *
 * args:
 *   --namesrv host:port   --topic T   --group G   --pipeline ID   (required)
 *   --state DIR           FileOffsetStore directory (required)
 *   --out FILE            the (queueId, offset) lines (required)
 *   --epochs FILE         one JSON line per completed epoch, fsynced (required)
 *   --sink buffered|direct  the file sink (default buffered)
 *   --rate N              records per second the sink takes (default: no limit)
 *   --stop-at JSON        {queueKey: nextOffset}: end cleanly once a completed
 *                         epoch (or the restored snapshot) covers all of them.
 *                         Without it the child reads until it is killed.
 *
 * CRASH_FAULT (environment; only to show that the crash test can fail, never
 * set by it): "lose" drops one record in 4000 in the sink, "ahead" stores each
 * queue's offset one past the barrier's, "rewind" restores each queue 40
 * offsets before the stored one.
 *
 * stdout: one JSON line when reading starts ({"ready":...}) and one when it
 * ends cleanly ({"drained":...}). Exit 0 only after a clean end.
 */
import { type FileHandle, open } from "node:fs/promises";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { checkpoint } from "../../src/offsets/checkpoint.ts";
import type { CheckpointSink } from "../../src/offsets/checkpoint-sink.ts";
import type { OffsetStore, Snapshot } from "../../src/offsets/offset-store.ts";
import { FileLinesSink } from "../../src/offsets/file-lines-sink.ts";
import { FileOffsetStore } from "../../src/offsets/file-offset-store.ts";
import { map } from "../../src/offsets/map.ts";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";

const INTERVAL_MS = 200;

function arg(name: string, optional = false): string {
  const args = process.argv;
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? args[i + 1] : undefined;
  if (value === undefined) {
    if (optional) return "";
    console.error(`crash-child: missing --${name}`);
    process.exit(2);
  }
  return value;
}

const namesrv = arg("namesrv");
const topic = arg("topic");
const group = arg("group");
const pipelineId = arg("pipeline");
const stateDir = arg("state");
const outPath = arg("out");
const epochsPath = arg("epochs");
const rate = Number(arg("rate", true) || "Infinity");
const sinkKind = arg("sink", true) || "buffered";
if (sinkKind !== "buffered" && sinkKind !== "direct") {
  console.error(`crash-child: --sink must be buffered or direct, got ${sinkKind}`);
  process.exit(2);
}
const stopText = arg("stop-at", true);
const stopAt = stopText ? new Map(Object.entries(JSON.parse(stopText) as Record<string, number>)) : undefined;

const covers = (offsets: ReadonlyMap<string, number>): boolean =>
  stopAt !== undefined && [...stopAt].every(([key, next]) => (offsets.get(key) ?? 0) >= next);

/**
 * Appends each batch's lines to the file as it comes; fsyncs on flush. It
 * writes a batch in two parts cut inside the last line, so a kill between
 * them leaves a half line at the end of the file (the parent cuts it off).
 */
class DirectLinesSink implements CheckpointSink<string> {
  #file: Promise<FileHandle>;

  constructor(path: string) {
    this.#file = open(path, "a");
  }

  async write(lines: readonly string[]): Promise<void> {
    const file = await this.#file;
    const text = lines.join("\n") + "\n";
    const cut = text.length - 2; // inside the last line (a line is at least "0 0\n")
    await file.write(text.slice(0, cut));
    await sleep(3); // a slow device: widens the window in which a kill leaves half a line
    await file.write(text.slice(cut));
  }

  async flush(): Promise<void> {
    await (await this.#file).sync();
  }

  async close(): Promise<void> {
    await (await this.#file).close();
  }

  async abort(): Promise<void> {
    await (await this.#file).close();
  }
}

/** The file sink, taking at most `perSecond` records a second (its writes wait). */
class PacedSink<T> implements CheckpointSink<T> {
  #inner: CheckpointSink<T>;
  #perSecond: number;
  #startedAt = 0;
  #taken = 0;
  #seen = 0;

  constructor(inner: CheckpointSink<T>, perSecond: number) {
    this.#inner = inner;
    this.#perSecond = perSecond;
  }

  async write(records: readonly T[]): Promise<void> {
    if (Number.isFinite(this.#perSecond)) {
      if (this.#startedAt === 0) this.#startedAt = Date.now();
      this.#taken += records.length;
      const wait = this.#startedAt + (this.#taken / this.#perSecond) * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
    }
    await this.#inner.write(fault === "lose" ? records.filter(() => ++this.#seen % 4000 !== 0) : records);
  }

  flush(): Promise<void> {
    return this.#inner.flush();
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }

  async abort(reason: unknown): Promise<void> {
    await this.#inner.abort?.(reason);
  }
}

const fault = process.env.CRASH_FAULT ?? "";
const shift = (snapshot: Snapshot, by: number): Snapshot => ({
  ...snapshot,
  offsets: Object.fromEntries(Object.entries(snapshot.offsets).map(([key, offset]) => [key, Math.max(0, offset + by)])),
});
const fileStore = new FileOffsetStore(stateDir, { create: true });
const store: OffsetStore = {
  load: async (id) => {
    const snapshot = await fileStore.load(id);
    return snapshot && fault === "rewind" ? shift(snapshot, -40) : snapshot;
  },
  save: (id, snapshot) => fileStore.save(id, fault === "ahead" ? shift(snapshot, 1) : snapshot),
};
const cp = checkpoint({ pipelineId, intervalMs: INTERVAL_MS, store });
const restored = await cp.snapshot();
const stop = new AbortController();

// The completed epochs this run sees, each appended and fsynced before the next.
// The store's snapshot stays the truth (an epoch may be stored and the process
// killed before its line is written); this log is what the parent cross-checks.
const epochLog = await open(epochsPath, "a");
let completedHere = 0;
const logged = (async () => {
  for await (const done of cp.completions()) {
    completedHere++;
    const line = { pid: process.pid, epoch: done.epoch, records: done.records, offsets: Object.fromEntries(done.offsets) };
    await epochLog.appendFile(JSON.stringify(line) + "\n", "utf8");
    await epochLog.sync();
    if (covers(done.offsets)) stop.abort();
  }
})();

const source = new RocketMQSource({
  schema: BytesDeserializationSchema,
  options: {
    "nameserver.address": namesrv,
    "consumer.group": group,
    "consumer.topic": topic,
    longPollingMs: 1000,
  },
  checkpoint: cp,
  signal: stop.signal,
  onLog: (entry) => {
    if (entry.level === "warn") console.error(`crash-child ${process.pid}: ${entry.message}`);
  },
}).setStartFromEarliest();

const file = sinkKind === "direct" ? new DirectLinesSink(outPath) : new FileLinesSink<string>(outPath, (line) => line);
const sink = new PacedSink(file, rate);
console.log(JSON.stringify({ ready: { pid: process.pid, sink: sinkKind, restoredEpoch: restored?.epoch ?? 0 } }));
if (restored && covers(new Map(Object.entries(restored.offsets)))) stop.abort();

try {
  await source
    .pipeThrough(cp.stream<SourceRecord<Uint8Array>>())
    .pipeThrough(map((r: SourceRecord<Uint8Array>) => `${r.queueId} ${r.queueOffset}`))
    .pipeTo(cp.sink(sink));
  await logged;
  await epochLog.close();
  const last = await fileStore.load(pipelineId);
  console.log(JSON.stringify({ drained: { pid: process.pid, epochsCompleted: completedHere, lastEpoch: last?.epoch ?? 0, emitted: source.stats.emittedMessages } }));
  process.exit(0);
} catch (error) {
  console.error(`crash-child ${process.pid}: pipeline failed:`, error);
  process.exit(1);
}
