import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EpochError } from "../../src/errors.ts";
import { checkpoint } from "../../src/offsets/checkpoint.ts";
import type { CheckpointSink } from "../../src/offsets/checkpoint-sink.ts";
import type { EpochCompleted } from "../../src/offsets/coordinator.ts";
import { FileLinesSink } from "../../src/offsets/file-lines-sink.ts";
import { FileOffsetStore } from "../../src/offsets/file-offset-store.ts";
import type { Batch } from "../../src/offsets/flow.ts";
import { map } from "../../src/offsets/map.ts";
import { mapAsync } from "../../src/offsets/map-async.ts";
import { queueKey } from "../../src/offsets/message-queue.ts";
import { MemoryOffsetStore } from "../../src/offsets/memory-offset-store.ts";
import type { OffsetStore } from "../../src/offsets/offset-store.ts";
import { batch, delay, type Rec, rec, rejection } from "./helpers.ts";

const s = suite("offsets/pipeline");
let dir = "";
s.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "offsets-pipeline-"));
});
s.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A source of `count` records, round robin over 3 queues from `from` on, in batches of 1 to 5. */
function source(count: number, from: ReadonlyMap<string, number> = new Map(), pauseMs = 1): ReadableStream<Batch<Rec>> {
  const next = [0, 1, 2].map((q) => from.get(`t@broker-a@${q}`) ?? 0);
  let made = 0;
  return new ReadableStream({
    async pull(controller) {
      if (made >= count) return controller.close();
      await delay(pauseMs);
      const n = Math.min(count - made, 1 + (made % 5));
      const records = Array.from({ length: n }, (_, i) => rec("t", (made + i) % 3, next[(made + i) % 3]!++));
      made += n;
      controller.enqueue(batch(...records));
    },
  });
}

/** A sink whose flush is slow, and that knows which records are durable. */
class SlowSink implements CheckpointSink<Rec> {
  pending: Rec[] = [];
  durable = new Set<string>();
  flushes = 0;
  async write(records: readonly Rec[]) {
    this.pending.push(...records);
  }
  async flush() {
    const taken = this.pending.splice(0);
    await delay(15);
    for (const r of taken) this.durable.add(`${queueKey(r.queue)}#${r.queueOffset}`);
    this.flushes++;
  }
}

/**
 * A sink with a pipelined flush: `beginFlush` takes what was written so far
 * and makes it durable after 15 ms, while later writes are accepted. It
 * counts the writes that arrived while an earlier flush was still pending.
 */
class PipelinedSink extends SlowSink {
  inFlightFlushes = 0;
  writesDuringFlush = 0;
  override async write(records: readonly Rec[]) {
    if (this.inFlightFlushes > 0) this.writesDuringFlush++;
    await super.write(records);
  }
  async beginFlush() {
    this.inFlightFlushes++;
    return { durable: this.flush().finally(() => void this.inFlightFlushes--) };
  }
}

/** A store that checks, at the moment a snapshot is saved, that the sink made every covered record durable. */
function checkingStore(sink: SlowSink, violations: string[], sourceStart = new Map<string, number>()): OffsetStore {
  const memory = new MemoryOffsetStore();
  return {
    load: (id) => memory.load(id),
    async save(id, snapshot) {
      for (const [key, next] of Object.entries(snapshot.offsets)) {
        for (let offset = sourceStart.get(key) ?? 0; offset < next; offset++) {
          if (!sink.durable.has(`${key}#${offset}`)) violations.push(`epoch ${snapshot.epoch}: ${key}#${offset} not durable`);
        }
      }
      await memory.save(id, snapshot);
    },
  };
}

s("the sink flushes before an epoch completes, even when flush is slow", async () => {
  const sink = new SlowSink();
  const violations: string[] = [];
  const cp = checkpoint({ pipelineId: "slow-flush", intervalMs: 5, store: checkingStore(sink, violations) });
  const completed: EpochCompleted[] = [];
  const reading = (async () => {
    for await (const c of cp.completions()) completed.push(c);
  })();
  await source(300).pipeThrough(cp.stream<Rec>()).pipeThrough(mapAsync(async (r: Rec) => (await delay(r.queueOffset % 2), r))).pipeTo(cp.sink(sink));
  await reading;
  assert.equal(violations, []);
  assert.ok(completed.length >= 3, `several epochs (${completed.length})`);
  assert.equal(completed.map((c) => c.epoch), completed.map((_, i) => i + 1), "in order, none skipped");
  assert.is(completed.reduce((n, c) => n + c.records, 0), 300);
  assert.is(sink.durable.size, 300);
  const last = (await cp.store.load("slow-flush"))!;
  assert.equal(last.offsets, { "t@broker-a@0": 100, "t@broker-a@1": 100, "t@broker-a@2": 100 });
  assert.is(last.epoch, completed.at(-1)!.epoch);
});

s("a pipelined flush (beginFlush) keeps writing behind a barrier, yet completes an epoch only once it is durable", async () => {
  const sink = new PipelinedSink();
  const violations: string[] = [];
  const cp = checkpoint({ pipelineId: "pipelined-flush", intervalMs: 5, store: checkingStore(sink, violations) });
  const completed: number[] = [];
  const reading = (async () => {
    for await (const c of cp.completions()) completed.push(c.epoch);
  })();
  await source(600).pipeThrough(cp.stream<Rec>()).pipeTo(cp.sink(sink));
  await reading;
  assert.equal(violations, [], "every record before a completed epoch's barrier was durable when it was saved");
  assert.ok(sink.writesDuringFlush > 0, "writes went on while a flush was pending");
  assert.ok(completed.length >= 3, `several epochs (${completed.length})`);
  assert.equal(completed, completed.map((_, i) => i + 1), "in order, none skipped");
  assert.is(sink.durable.size, 600);
  assert.equal((await cp.store.load("pipelined-flush"))!.offsets, { "t@broker-a@0": 200, "t@broker-a@1": 200, "t@broker-a@2": 200 });
});

s("a pipelined flush that rejects fails the pipeline with EpochError; no later epoch completes", async () => {
  const boom = new TypeError("broker gone");
  let flushes = 0;
  const sink: CheckpointSink<Rec> = {
    write() {},
    flush: async () => {},
    beginFlush: async () => ({ durable: ++flushes === 2 ? delay(5).then(() => Promise.reject(boom)) : delay(5) }),
  };
  const cp = checkpoint({ pipelineId: "bad-pipelined-sink", intervalMs: 5 });
  const completed: number[] = [];
  const reading = (async () => {
    for await (const c of cp.completions()) completed.push(c.epoch);
  })();
  const readingFailed = rejection(reading);
  const piping = await rejection(source(400).pipeThrough(cp.stream<Rec>()).pipeTo(cp.sink(sink)));
  assert.ok(piping === boom || (piping instanceof EpochError && piping.cause === boom), String(piping));
  const error = await readingFailed;
  assert.instance(error, EpochError);
  assert.is((error as EpochError).epoch, 2);
  assert.equal(completed, [1]);
  assert.is((await cp.store.load("bad-pipelined-sink"))!.epoch, 1);
});

s("a failing sink flush fails the pipeline with EpochError and no later epoch completes", async () => {
  const boom = new TypeError("disk full");
  let flushes = 0;
  const sink: CheckpointSink<Rec> = { write() {}, flush: async () => { if (++flushes === 2) throw boom; } };
  const cp = checkpoint({ pipelineId: "bad-sink", intervalMs: 5 });
  const completed: number[] = [];
  const reading = (async () => {
    for await (const c of cp.completions()) completed.push(c.epoch);
  })();
  // handled at once: it rejects before the pipe does
  const readingFailed = rejection(reading);
  const piped = source(200).pipeThrough(cp.stream<Rec>()).pipeTo(cp.sink(sink));
  // which error the pipe reports first differs by runtime: the sink's own, or the EpochError it caused
  const piping = await rejection(piped);
  assert.ok(piping === boom || (piping instanceof EpochError && piping.cause === boom), String(piping));
  const error = await readingFailed;
  assert.instance(error, EpochError);
  assert.is((error as EpochError).epoch, 2);
  assert.equal(completed, [1]);
  assert.is((await cp.store.load("bad-sink"))!.epoch, 1);
});

s("a failing store stops the source and rejects the pipeline with EpochError", async () => {
  const store: OffsetStore = { load: async () => undefined, save: async () => Promise.reject(new TypeError("read-only")) };
  const cp = checkpoint({ pipelineId: "bad-store", intervalMs: 5, store });
  let cancelled: unknown;
  let offset = 0;
  const endless = new ReadableStream<Batch<Rec>>({
    pull: (c) => c.enqueue(batch(rec("t", 0, offset++))),
    cancel: (reason) => void (cancelled = reason),
  });
  const slowSink: CheckpointSink<Rec> = { write: () => delay(1), flush: async () => {} };
  const piped = endless.pipeThrough(cp.stream<Rec>()).pipeTo(cp.sink(slowSink));
  const error = await rejection(piped);
  assert.instance(error, EpochError);
  assert.instance(cancelled, EpochError, "the source was cancelled with the EpochError");
});

s("restart: the next run restores the last completed offsets and continues epochs", async () => {
  const store = new FileOffsetStore(join(dir, "state"), { create: true });
  const out = join(dir, "lines.txt");
  const format = (r: Rec) => `${queueKey(r.queue)} ${r.queueOffset}`;
  const first = checkpoint({ pipelineId: "restart", intervalMs: 5, store });
  assert.is(await first.restore(), undefined, "no state: the start strategy applies");
  await source(90).pipeThrough(first.stream<Rec>()).pipeThrough(map((r: Rec) => r)).pipeTo(first.sink(new FileLinesSink(out, format)));
  const firstEpoch = (await store.load("restart"))!.epoch;

  const second = checkpoint({ pipelineId: "restart", intervalMs: 5, store });
  const restored = await second.restore();
  assert.equal(restored, new Map([["t@broker-a@0", 30], ["t@broker-a@1", 30], ["t@broker-a@2", 30]]));
  const epochs: number[] = [];
  const reading = (async () => {
    for await (const c of second.completions()) epochs.push(c.epoch);
  })();
  await source(30, restored).pipeThrough(second.stream<Rec>()).pipeTo(second.sink(new FileLinesSink(out, format)));
  await reading;
  assert.is(epochs[0], firstEpoch + 1);
  const lines = (await readFile(out, "utf8")).trim().split("\n");
  assert.is(lines.length, 120);
  assert.is(new Set(lines).size, 120, "no duplicates after a clean stop");
  assert.equal((await store.load("restart"))!.offsets, { "t@broker-a@0": 40, "t@broker-a@1": 40, "t@broker-a@2": 40 });
  assert.is(await checkpoint({ pipelineId: "other", intervalMs: 5, store }).restore(), undefined);
});

s("requestCheckpoint completes an epoch on demand; epochCompleted hooks run in order", async () => {
  const hooks: number[] = [];
  const sink: CheckpointSink<Rec> = { write() {}, flush: async () => {}, epochCompleted: (c) => void hooks.push(c.epoch) };
  const cp = checkpoint({ pipelineId: "on-demand", intervalMs: 60_000 });
  const stream = cp.stream<Rec>();
  const writer = stream.writable.getWriter();
  const piped = stream.readable.pipeTo(cp.sink(sink));
  await writer.write(batch(rec("t", 0, 0), rec("t", 0, 1)));
  const done = await cp.requestCheckpoint();
  assert.is(done.epoch, 1);
  assert.is(done.records, 2);
  assert.equal(done.offsets, new Map([["t@broker-a@0", 2]]));
  await writer.write(batch(rec("t", 1, 5)));
  assert.is((await cp.requestCheckpoint()).epoch, 2);
  await writer.close();
  await piped;
  assert.equal(hooks, [1, 2]);
});

s("options are checked", () => {
  assert.throws(() => checkpoint({ pipelineId: "", intervalMs: 5 }), /pipelineId/);
  assert.throws(() => checkpoint({ pipelineId: "x", intervalMs: 0 }), /intervalMs/);
});

s.run();
