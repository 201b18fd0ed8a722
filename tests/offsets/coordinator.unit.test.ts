import { suite } from "uvu";
import * as assert from "uvu/assert";
import { EpochError, StoreError } from "../../src/errors.ts";
import { CheckpointCoordinator, type EpochCompleted } from "../../src/offsets/coordinator.ts";
import type { Barrier } from "../../src/offsets/flow.ts";
import { MemoryOffsetStore } from "../../src/offsets/memory-offset-store.ts";
import type { OffsetStore, Snapshot } from "../../src/offsets/offset-store.ts";
import { delay, rejection } from "./helpers.ts";

const s = suite("offsets/coordinator");

function barrierOf(epoch: number, offset: number): Barrier {
  return { kind: "barrier", epoch, offsets: new Map([["t@b@0", offset]]), records: epoch, bytes: 10 * epoch, createdAt: Date.now() };
}

async function take<T>(it: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

s("stores, then commits, then reports each epoch in order with its metrics", async () => {
  const events: string[] = [];
  const memory = new MemoryOffsetStore();
  const store: OffsetStore = {
    load: (id) => memory.load(id),
    async save(id, snapshot) {
      // a slower save for earlier epochs must not let later ones overtake
      await delay(20 - snapshot.epoch * 5);
      events.push(`save ${snapshot.epoch}`);
      await memory.save(id, snapshot);
    },
  };
  const coordinator = new CheckpointCoordinator({ pipelineId: "p", store });
  const committed: Array<[number, number | undefined]> = [];
  coordinator.addCommitter({
    async commit(offsets) {
      events.push(`commit ${offsets.get("t@b@0")}`);
      committed.push([(await memory.load("p"))!.epoch, offsets.get("t@b@0")]);
    },
  });
  const completions = coordinator.completions();
  for (let e = 1; e <= 3; e++) coordinator.register(barrierOf(e, e * 100));
  // acknowledged one by one: each epoch commits (see the coalescing test for acknowledgements that overtake)
  const done: EpochCompleted[] = [];
  for (let e = 1; e <= 3; e++) {
    coordinator.acknowledge(e);
    done.push(...await take(completions, 1));
  }
  assert.equal(done.map((c) => c.epoch), [1, 2, 3]);
  assert.equal(events, ["save 1", "commit 100", "save 2", "commit 200", "save 3", "commit 300"]);
  assert.equal(committed, [[1, 100], [2, 200], [3, 300]], "commit sees the stored snapshot of its epoch");
  assert.equal(done.map((c) => [c.records, c.bytes]), [[1, 10], [2, 20], [3, 30]]);
  for (const c of done) assert.ok(c.durationMs >= 0 && c.completedAt >= c.durationMs);
  assert.equal((await memory.load("p"))!.offsets, { "t@b@0": 300 });
  coordinator.close();
  await coordinator.done();
  assert.ok((await completions.next()).done, "iterators end on close");
});

s("an acknowledgement out of order fails the pipeline with EpochError", async () => {
  const coordinator = new CheckpointCoordinator({ pipelineId: "p", store: new MemoryOffsetStore() });
  const completions = coordinator.completions();
  coordinator.register(barrierOf(1, 1));
  coordinator.register(barrierOf(2, 2));
  assert.throws(() => coordinator.acknowledge(2), (e: unknown) => e instanceof EpochError && e.epoch === 2);
  assert.ok(coordinator.signal.aborted);
  assert.instance(coordinator.signal.reason, EpochError);
  assert.instance(await rejection(completions.next()), EpochError);
  assert.throws(() => coordinator.acknowledge(1), (e: unknown) => e instanceof EpochError, "never skipped, never resumed");
  assert.instance(await rejection(coordinator.done()), EpochError);
});

s("a failed save fails that epoch; later epochs never complete", async () => {
  const memory = new MemoryOffsetStore();
  const cause = new StoreError("disk gone", "/x", { retryable: true });
  const store: OffsetStore = {
    load: (id) => memory.load(id),
    save: (id, snapshot: Snapshot) => (snapshot.epoch === 2 ? Promise.reject(cause) : memory.save(id, snapshot)),
  };
  const coordinator = new CheckpointCoordinator({ pipelineId: "p", store });
  const seen: EpochCompleted[] = [];
  const reading = (async () => {
    for await (const c of coordinator.completions()) seen.push(c);
  })();
  const thirdFailed = rejection(coordinator.whenComplete(3));
  for (let e = 1; e <= 3; e++) coordinator.register(barrierOf(e, e));
  for (let e = 1; e <= 3; e++) coordinator.acknowledge(e);
  const error = await rejection(reading);
  assert.instance(error, EpochError);
  assert.is((error as EpochError).epoch, 2);
  assert.is((error as EpochError).cause, cause);
  assert.ok((error as EpochError).retryable);
  assert.equal(seen.map((c) => c.epoch), [1]);
  assert.is(await thirdFailed, error);
  assert.is((await memory.load("p"))!.epoch, 1, "the store keeps the last good epoch");
});

s("a failed broker commit leaves the stored epoch complete, is logged, and the next epoch commits again", async () => {
  const memory = new MemoryOffsetStore();
  const logs: Array<{ level: string; epoch: number; message: string; error?: unknown }> = [];
  const coordinator = new CheckpointCoordinator({ pipelineId: "p", store: memory, onLog: (e) => logs.push(e) });
  const cause = new TypeError("could not connect to 127.0.0.1:10911");
  const committed: number[] = [];
  let brokerUp = false;
  coordinator.addCommitter({
    commit: async (offsets) => {
      if (!brokerUp) throw cause;
      committed.push(offsets.get("t@b@0")!);
    },
  });
  const completions = coordinator.completions();
  for (let e = 1; e <= 3; e++) coordinator.register(barrierOf(e, e * 100));
  coordinator.acknowledge(1);
  const [first] = await take(completions, 1);
  assert.is(first!.epoch, 1, "the epoch completes although its commit failed");
  assert.is((await memory.load("p"))!.epoch, 1);
  coordinator.acknowledge(2);
  await take(completions, 1);
  assert.is(coordinator.stats.commitFailures, 2);
  assert.equal(logs.map((l) => [l.level, l.epoch]), [["warn", 1], ["warn", 2]]);
  assert.is(logs[0]!.error, cause);
  assert.match(logs[0]!.message, /epoch 1 is stored, but committing its offsets to the broker failed.*127\.0\.0\.1:10911/);
  brokerUp = true;
  coordinator.acknowledge(3);
  await take(completions, 1);
  assert.equal(committed, [300], "the next epoch commits the latest offsets");
  assert.equal(logs.at(-1)!.level, "info");
  assert.match(logs.at(-1)!.message, /committed again with epoch 3 \(failing since epoch 1\)/);
  assert.is(coordinator.failure, undefined);
  coordinator.close();
  await coordinator.done();
});

s("an epoch whose successor is already acknowledged leaves its commit to it", async () => {
  const memory = new MemoryOffsetStore();
  const coordinator = new CheckpointCoordinator({ pipelineId: "p", store: memory });
  const committed: number[] = [];
  coordinator.addCommitter({ commit: async (offsets) => void committed.push(offsets.get("t@b@0")!) });
  const completions = coordinator.completions();
  for (let e = 1; e <= 3; e++) coordinator.register(barrierOf(e, e * 100));
  for (let e = 1; e <= 3; e++) coordinator.acknowledge(e);
  const done = await take(completions, 3);
  assert.equal(done.map((c) => c.epoch), [1, 2, 3], "every epoch completes, in order");
  assert.equal(committed, [300]);
  assert.is(coordinator.stats.commitsCoalesced, 2);
  coordinator.close();
  await coordinator.done();
});

s("closing with an epoch injected but never acknowledged is a failure", async () => {
  const coordinator = new CheckpointCoordinator({ pipelineId: "p", store: new MemoryOffsetStore() });
  coordinator.register(barrierOf(1, 1));
  coordinator.close();
  assert.instance(await rejection(coordinator.done()), EpochError);
});

s("resume continues epoch numbers after a restored epoch", async () => {
  const coordinator = new CheckpointCoordinator({ pipelineId: "p", store: new MemoryOffsetStore() });
  coordinator.resume(41);
  assert.throws(() => coordinator.register(barrierOf(1, 1)), (e: unknown) => e instanceof EpochError);
  const fresh = new CheckpointCoordinator({ pipelineId: "p", store: new MemoryOffsetStore() });
  fresh.resume(41);
  fresh.register(barrierOf(42, 1));
  fresh.acknowledge(42);
  assert.is((await fresh.whenComplete(42)).epoch, 42);
  assert.is(fresh.lastCompleted, 42);
});

s.run();
