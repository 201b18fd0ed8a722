import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BarrierViolationError, InputError } from "../../src/errors.ts";
import { liftTransform } from "../../src/offsets/lift-transform.ts";
import { barrier, batch, delay, rejection, run, segments } from "./helpers.ts";

const s = suite("offsets/liftTransform");

/** A user transform that buffers records in pairs: it holds one across a barrier when the count is odd. */
function pairs(): TransformStream<number, number> {
  let held: number | undefined;
  return new TransformStream({
    transform(n, c) {
      if (held === undefined) held = n;
      else {
        c.enqueue(held);
        c.enqueue(n);
        held = undefined;
      }
    },
    flush(c) {
      if (held !== undefined) c.enqueue(held);
    },
  });
}

s("one-to-one: an async per-record transform keeps records in their epoch", async () => {
  const slow = new TransformStream<number, string>({
    async transform(n, c) {
      await delay(n % 3);
      c.enqueue(`#${n}`);
    },
  });
  const out = await run([batch(1, 2, 3), barrier(1), batch(4), barrier(2), batch(5, 6)], liftTransform(slow, { mode: "one-to-one" }));
  assert.equal(segments(out), { records: [["#1", "#2", "#3"], ["#4"], ["#5", "#6"]], epochs: [1, 2] });
});

s("one-to-one: a record held across a barrier is detected", async () => {
  const error = await rejection(run([batch(1, 2, 3), barrier(1), batch(4)], liftTransform(pairs(), { mode: "one-to-one" })));
  assert.instance(error, BarrierViolationError);
  const violation = error as BarrierViolationError;
  assert.is(violation.code, "BARRIER_VIOLATION");
  assert.is(violation.epoch, 1);
  assert.is(violation.recordsIn, 3);
  assert.is(violation.recordsOut, 2);
  assert.match(violation.message, /holds 1 record/);
});

s("one-to-one: the same buffering transform passes when no record is in hand at barriers", async () => {
  const out = await run([batch(1, 2), barrier(1), batch(3, 4)], liftTransform(pairs(), { mode: "one-to-one" }));
  assert.equal(segments(out), { records: [[1, 2], [3, 4]], epochs: [1] });
});

s("one-to-one: a transform emitting timer-delayed output is detected, and cancelled", async () => {
  let cancelledLate = 0;
  const late = new TransformStream<number, number>({
    transform(n, c) {
      // enqueues after transform() returned: the record is in memory only.
      // The lifted stream cancels this one when it fails, so the late
      // enqueue finds it closed (a timer must expect that).
      setTimeout(() => {
        try {
          c.enqueue(n);
        } catch {
          cancelledLate++;
        }
      }, 20);
    },
  });
  const error = await rejection(run([batch(1), barrier(1), batch(2)], liftTransform(late, { mode: "one-to-one" })));
  assert.instance(error, BarrierViolationError);
  await delay(30); // let the user transform's own timers fire before the suite ends
  assert.is(cancelledLate, 1);
});

s("one-to-one: extra outputs are detected too", async () => {
  const twice = new TransformStream<number, number>({ transform: (n, c) => (c.enqueue(n), c.enqueue(n)) });
  const error = await rejection(run([batch(1), barrier(1)], liftTransform(twice, { mode: "one-to-one" })));
  assert.instance(error, BarrierViolationError);
  assert.match((error as Error).message, /more record/);
});

s("trusted: any number of outputs, still ordered around barriers", async () => {
  const explode = new TransformStream<number, number>({ transform: (n, c) => { for (let i = 0; i < n; i++) c.enqueue(n); } });
  const out = await run([batch(2, 0), barrier(1), batch(3)], liftTransform(explode, { mode: "trusted" }));
  assert.equal(segments(out), { records: [[2, 2], [3, 3, 3]], epochs: [1] });
});

s("an error in the user transform errors the lifted stream", async () => {
  const boom = new TypeError("boom");
  const failing = new TransformStream<number, number>({ transform: () => { throw boom; } });
  assert.is(await rejection(run([batch(1)], liftTransform(failing, { mode: "one-to-one" }))), boom);
});

s("unknown modes are refused", () => {
  assert.throws(() => liftTransform(new TransformStream(), { mode: "sometimes" as "trusted" }), (e: unknown) => e instanceof InputError);
});

s.run();
