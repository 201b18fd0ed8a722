import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import type { Flow } from "../../src/offsets/flow.ts";
import { mapAsync } from "../../src/offsets/map-async.ts";
import { barrier, batch, delay, rejection, run, segments } from "./helpers.ts";

const s = suite("offsets/mapAsync");

s("keeps order and epochs under random delays, never above the concurrency bound", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 6 }), fc.constant(null)), { maxLength: 20 }),
      fc.integer({ min: 1, max: 5 }),
      async (parts, concurrency) => {
        let epoch = 0;
        let next = 0;
        // each record carries its own delay and a unique sequence number
        const input = parts.map((p): Flow<{ seq: number; ms: number }> =>
          p === null ? barrier(++epoch) : batch(...p.map((ms) => ({ seq: next++, ms }))),
        );
        let inFlight = 0;
        let peak = 0;
        const output = await run(
          input,
          mapAsync(
            async (r: { seq: number; ms: number }) => {
              peak = Math.max(peak, ++inFlight);
              await delay(r.ms);
              inFlight--;
              return r.seq;
            },
            { concurrency },
          ),
        );
        const before = segments(input);
        const after = segments(output);
        assert.equal(after.epochs, before.epochs);
        assert.equal(after.records, before.records.map((seg) => seg.map((r) => r.seq)));
        assert.ok(peak <= concurrency, `peak ${peak} <= ${concurrency}`);
      },
    ),
    { numRuns: 40 },
  );
});

s("runs calls concurrently across batches", async () => {
  let inFlight = 0;
  let peak = 0;
  const input = Array.from({ length: 8 }, (_, i) => batch(i));
  const out = await run(input, mapAsync(async (n: number) => {
    peak = Math.max(peak, ++inFlight);
    await delay(5);
    inFlight--;
    return n;
  }, { concurrency: 4 }));
  assert.is(peak, 4);
  assert.equal(segments(out).records, [[0, 1, 2, 3, 4, 5, 6, 7]]);
});

s("holds a barrier until every record before it is out", async () => {
  const order: string[] = [];
  const stream = mapAsync(async (n: number) => {
    await delay(n);
    order.push(`done ${n}`);
    return n;
  }, { concurrency: 8 });
  const out = run([batch(30, 1), barrier(1), batch(2)], stream);
  const chunks = await out;
  assert.equal(chunks.map((c) => (c.kind === "barrier" ? "B" : c.records.join(","))), ["30,1", "B", "2"]);
  assert.ok(order.indexOf("done 30") >= 0);
});

s("a rejection errors the stream and aborts the calls in flight", async () => {
  const boom = new RangeError("boom");
  let aborted = 0;
  const error = await rejection(
    run([batch(1, 2, 3)], mapAsync(async (n: number, signal) => {
      if (n === 2) throw boom;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        signal.addEventListener("abort", () => (clearTimeout(timer), aborted++, resolve()));
      });
      return n;
    }, { concurrency: 3 })),
  );
  assert.is(error, boom);
  assert.is(aborted, 2);
});

s.run();
