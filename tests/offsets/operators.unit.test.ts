import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import type { Flow } from "../../src/offsets/flow.ts";
import { map } from "../../src/offsets/map.ts";
import { filter } from "../../src/offsets/filter.ts";
import { flatMap } from "../../src/offsets/flat-map.ts";
import { mapAsync } from "../../src/offsets/map-async.ts";
import { tap } from "../../src/offsets/tap.ts";
import { batch as rebatch } from "../../src/offsets/batch.ts";
import { unbatch } from "../../src/offsets/unbatch.ts";
import { liftTransform } from "../../src/offsets/lift-transform.ts";
import { barrier, batch, delay, rejection, run, segments } from "./helpers.ts";

const s = suite("offsets/operators");

interface Item {
  readonly n: number;
}

/** Random flows: batches of 0..5 items and barriers 1, 2, 3... in order. */
const flows = fc
  .array(fc.oneof(fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 5 }), fc.constant("barrier" as const)), {
    maxLength: 25,
  })
  .map((parts) => {
    let epoch = 0;
    return parts.map((p): Flow<Item> => (p === "barrier" ? barrier(++epoch) : batch(...p.map((n) => ({ n })))));
  });

type Operator = { name: string; make: () => ReadableWritablePair<Flow<unknown>, Flow<Item>>; expect: (segment: Item[]) => unknown[]; keepsIdentity: boolean };

const operators: Operator[] = [
  { name: "map", make: () => map((i: Item) => i.n * 2), expect: (seg) => seg.map((i) => i.n * 2), keepsIdentity: false },
  { name: "filter", make: () => filter((i: Item) => i.n % 3 !== 0), expect: (seg) => seg.filter((i) => i.n % 3 !== 0), keepsIdentity: true },
  { name: "flatMap", make: () => flatMap((i: Item) => Array(i.n % 3).fill(i.n)), expect: (seg) => seg.flatMap((i) => Array(i.n % 3).fill(i.n)), keepsIdentity: false },
  { name: "mapAsync", make: () => mapAsync(async (i: Item) => (await delay(i.n % 3), i.n + 1), { concurrency: 3 }), expect: (seg) => seg.map((i) => i.n + 1), keepsIdentity: false },
  { name: "tap", make: () => tap((_: Item) => {}), expect: (seg) => seg, keepsIdentity: true },
  { name: "batch", make: () => rebatch<Item>(3), expect: (seg) => seg, keepsIdentity: true },
  { name: "batch+maxWait", make: () => rebatch<Item>(4, 1), expect: (seg) => seg, keepsIdentity: true },
  { name: "unbatch", make: () => unbatch<Item>(), expect: (seg) => seg, keepsIdentity: true },
  {
    name: "liftTransform",
    make: () => liftTransform(new TransformStream<Item, number>({ transform: (i, c) => c.enqueue(i.n - 1) }), { mode: "one-to-one" }),
    expect: (seg) => seg.map((i) => i.n - 1),
    keepsIdentity: false,
  },
];

for (const op of operators) {
  s(`${op.name}: barriers pass in order, records stay in their epoch`, async () => {
    await fc.assert(
      fc.asyncProperty(flows, async (input) => {
        const output = await run(input, op.make());
        const before = segments(input);
        const after = segments(output);
        assert.equal(after.epochs, before.epochs);
        assert.equal(after.records.length, before.records.length);
        for (let i = 0; i < before.records.length; i++) {
          const expected = op.expect(before.records[i]!);
          if (op.keepsIdentity) {
            assert.is(after.records[i]!.length, expected.length);
            expected.forEach((item, j) => assert.ok(after.records[i]![j] === item, "same record object"));
          } else {
            assert.equal(after.records[i], expected);
          }
        }
        for (const chunk of output) if (chunk.kind === "batch") assert.ok(chunk.records.length > 0, "no empty batches");
      }),
      { numRuns: op.name === "mapAsync" ? 30 : 100 },
    );
  });
}

s("batch: sizes never exceed the limit and exact batches pass as the same object", async () => {
  const exact = batch({ n: 1 }, { n: 2 }, { n: 3 });
  const out = await run([batch({ n: 0 }), batch({ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }), barrier(1), exact], rebatch<Item>(3));
  assert.equal(out.map((c) => (c.kind === "batch" ? c.records.length : "B")), [3, 3, "B", 3]);
  assert.ok(out[3] === exact);
});

s("batch: maxWaitMs emits a partial batch while input is idle", async () => {
  const stream = rebatch<Item>(100, 10);
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // the transform runs once a read is pending (the readable side's high-water mark is 0)
  const first = reader.read();
  await writer.write(batch({ n: 1 }, { n: 2 }));
  const started = Date.now();
  assert.equal((await first).value, batch({ n: 1 }, { n: 2 }));
  assert.ok(Date.now() - started >= 5, "emitted by the timer, not at once");
  await writer.close();
  assert.ok((await reader.read()).done);
});

s("unbatch: emits batches of one", async () => {
  const out = await run([batch({ n: 1 }, { n: 2 }), barrier(1), batch({ n: 3 })], unbatch<Item>());
  assert.equal(out.map((c) => (c.kind === "batch" ? c.records.length : "B")), [1, 1, "B", 1]);
});

s("tap: sees every record and every barrier", async () => {
  const seen: number[] = [];
  const epochs: number[] = [];
  await run([batch({ n: 1 }), barrier(1), batch({ n: 2 }, { n: 3 }), barrier(2)], tap((i: Item) => seen.push(i.n), (b) => epochs.push(b.epoch)));
  assert.equal(seen, [1, 2, 3]);
  assert.equal(epochs, [1, 2]);
});

s("errors thrown by user functions error the stream", async () => {
  const boom = new TypeError("boom");
  const throwing = () => {
    throw boom;
  };
  for (const make of [() => map(throwing), () => filter(throwing), () => flatMap(throwing), () => tap(throwing), () => mapAsync(throwing), () => mapAsync(async () => Promise.reject(boom))]) {
    assert.is(await rejection(run([batch({ n: 1 })], make())), boom);
  }
});

s("arguments are checked", () => {
  assert.throws(() => rebatch(0), /positive integer/);
  assert.throws(() => rebatch(2, -1), /maxWaitMs/);
  assert.throws(() => mapAsync(async (x) => x, { concurrency: 0 }), /concurrency/);
});

s.run();
