import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { ConfigError, InputError } from "../../src/errors.ts";
import { CheckpointStream } from "../../src/offsets/checkpoint-stream.ts";
import type { Barrier, Flow } from "../../src/offsets/flow.ts";
import { queueKey } from "../../src/offsets/message-queue.ts";
import { batch, collect, delay, type Rec, rec, rejection } from "./helpers.ts";

const s = suite("offsets/CheckpointStream");

/** Writes batches, asking for a checkpoint after the marked ones; returns the output. */
async function drive(stream: CheckpointStream<Rec>, steps: Array<{ records: Rec[]; checkpoint: boolean }>) {
  const output = collect(stream.readable);
  const writer = stream.writable.getWriter();
  for (const step of steps) {
    await writer.write(batch(...step.records));
    if (step.checkpoint) await stream.requestCheckpoint();
  }
  await writer.close();
  return output;
}

const steps = fc.array(
  fc.record({
    records: fc.array(
      fc.record({ topic: fc.constantFrom("a", "b"), queueId: fc.integer({ min: 0, max: 3 }), offset: fc.integer({ min: 0, max: 1000 }) }),
      { maxLength: 6 },
    ),
    checkpoint: fc.boolean(),
  }),
  { maxLength: 15 },
);

s("a barrier carries max(queueOffset)+1 per queue of every record before it", async () => {
  await fc.assert(
    fc.asyncProperty(steps, async (plan) => {
      const input = plan.map((p) => ({ checkpoint: p.checkpoint, records: p.records.map((r) => rec(r.topic, r.queueId, r.offset)) }));
      const output: Flow<Rec>[] = await drive(new CheckpointStream<Rec>({ intervalMs: 60_000 }), input);
      const expected = new Map<string, number>();
      let records = 0;
      let bytes = 0;
      let epoch = 0;
      for (const chunk of output) {
        if (chunk.kind === "batch") {
          for (const r of chunk.records) {
            const key = queueKey(r.queue);
            expected.set(key, Math.max(expected.get(key) ?? 0, r.queueOffset + 1));
            records++;
            bytes += r.body!.byteLength;
          }
        } else {
          assert.is(chunk.epoch, ++epoch);
          assert.equal(chunk.offsets, expected);
          assert.is(chunk.records, records);
          assert.is(chunk.bytes, bytes);
          records = bytes = 0;
        }
      }
      // the final barrier at end of input covers the tail
      const tailRecords = input.flatMap((p) => p.records).length > 0;
      if (tailRecords) assert.is(output.at(-1)!.kind, "barrier");
      assert.is(records, 0, "no record after the last barrier");
    }),
    { numRuns: 100 },
  );
});

s("batches pass as the same objects", async () => {
  const b = batch(rec("a", 0, 5));
  const stream = new CheckpointStream<Rec>({ intervalMs: 60_000 });
  const out = collect(stream.readable);
  const writer = stream.writable.getWriter();
  await writer.write(b);
  await writer.close();
  assert.ok((await out)[0] === b);
});

s("injects barriers on the interval only while records flow", async () => {
  const stream = new CheckpointStream<Rec>({ intervalMs: 15 });
  const barriers: Barrier[] = [];
  const reading = (async () => {
    const reader = stream.readable.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) if (r.value.kind === "barrier") barriers.push(r.value);
  })();
  const writer = stream.writable.getWriter();
  await writer.write(batch(rec("a", 0, 0)));
  await delay(60);
  assert.is(barriers.length, 1, "one barrier for the one record, none while idle");
  await writer.write(batch(rec("a", 0, 1)));
  await delay(40);
  assert.is(barriers.length, 2);
  assert.equal(barriers[1]!.offsets, new Map([["a@broker-a@0", 2]]));
  await writer.close();
  await reading;
  assert.is(barriers.length, 2, "no extra barrier at the end when nothing new flowed");
});

s("starts from restored state: epochs continue and old queues stay in the offsets", async () => {
  const start = Promise.resolve({ epoch: 7, offsets: new Map([["old@broker-a@1", 40]]) });
  const stream = new CheckpointStream<Rec>({ intervalMs: 60_000, start });
  const out = await drive(stream, [{ records: [rec("a", 0, 3)], checkpoint: true }]);
  const b = out.find((c): c is Barrier => c.kind === "barrier")!;
  assert.is(b.epoch, 8);
  assert.equal(b.offsets, new Map([["old@broker-a@1", 40], ["a@broker-a@0", 4]]));
  assert.is(stream.epoch, 8);
});

s("an aborted signal errors the stream with its reason", async () => {
  const controller = new AbortController();
  const stream = new CheckpointStream<Rec>({ intervalMs: 60_000, signal: controller.signal });
  const out = collect(stream.readable);
  const reason = new InputError("stop", "x");
  controller.abort(reason);
  assert.is(await rejection(out), reason);
});

s("a bad queue offset errors the stream", async () => {
  const stream = new CheckpointStream<Rec>({ intervalMs: 60_000 });
  const out = collect(stream.readable);
  void stream.writable.getWriter().write(batch({ ...rec("a", 0, 0), queueOffset: -1 })).catch(() => {});
  assert.instance(await rejection(out), InputError);
});

s("intervalMs is checked", () => {
  assert.throws(() => new CheckpointStream({ intervalMs: 0 }), (e: unknown) => e instanceof ConfigError && e.key === "intervalMs");
});

s.run();
