import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StoreCorruptError, StoreError } from "../../src/errors.ts";
import { FileOffsetStore } from "../../src/offsets/file-offset-store.ts";
import { MemoryOffsetStore } from "../../src/offsets/memory-offset-store.ts";
import type { Snapshot } from "../../src/offsets/offset-store.ts";
import { rejection } from "./helpers.ts";

const s = suite("offsets/stores");
let dir = "";

s.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "offsets-store-"));
});
s.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const snapshot = (pipelineId: string, epoch = 3): Snapshot => ({
  pipelineId,
  epoch,
  offsets: { "orders@broker-a@0": 17, "orders@broker-a@1": 9_007_199_254_740_991, "odd@name@broker@2": 0 },
  completedAt: 1_760_000_000_000,
});

s("memory store: round trip, copies, unknown id is undefined", async () => {
  const store = new MemoryOffsetStore();
  assert.is(await store.load("p"), undefined);
  const saved = snapshot("p");
  await store.save("p", saved);
  const loaded = await store.load("p");
  assert.equal(loaded, saved);
  (loaded!.offsets as Record<string, number>)["orders@broker-a@0"] = 0;
  assert.is((await store.load("p"))!.offsets["orders@broker-a@0"], 17);
  await rejection(store.save("q", saved));
});

s("file store: round trip, replace, no temp files left", async () => {
  const store = new FileOffsetStore(join(dir, "nested", "state"));
  assert.is(await store.load("orders/pipeline 1"), undefined);
  await store.save("orders/pipeline 1", snapshot("orders/pipeline 1", 1));
  await store.save("orders/pipeline 1", snapshot("orders/pipeline 1", 2));
  assert.equal(await store.load("orders/pipeline 1"), snapshot("orders/pipeline 1", 2));
  assert.equal(await readdir(join(dir, "nested", "state")), [`${encodeURIComponent("orders/pipeline 1")}.offsets.json`]);
});

s("file store: every flipped byte is refused as corrupt", async () => {
  const store = new FileOffsetStore(dir);
  await store.save("flip", snapshot("flip"));
  const path = store.pathOf("flip");
  const good = await readFile(path);
  let refused = 0;
  // the last byte is the trailing newline: JSON.parse ignores it, so skip it
  for (let i = 0; i < good.length - 1; i++) {
    for (const mask of [0x01, 0x20]) {
      const bad = Buffer.from(good);
      bad[i] = bad[i]! ^ mask;
      await writeFile(path, bad);
      const error = await rejection(store.load("flip"));
      assert.instance(error, StoreCorruptError, `byte ${i} mask ${mask}`);
      refused++;
    }
  }
  assert.is(refused, (good.length - 1) * 2);
  await writeFile(path, good);
  assert.equal(await store.load("flip"), snapshot("flip"));
});

s("file store: every truncation is refused as corrupt, including an empty file", async () => {
  const store = new FileOffsetStore(dir);
  await store.save("cut", snapshot("cut"));
  const path = store.pathOf("cut");
  const good = await readFile(path);
  for (let length = 0; length < good.length - 1; length++) {
    await writeFile(path, good.subarray(0, length));
    const error = await rejection(store.load("cut"));
    assert.instance(error, StoreCorruptError, `length ${length}`);
  }
});

s("file store: a snapshot of another pipeline is refused", async () => {
  const store = new FileOffsetStore(dir);
  await store.save("mine", snapshot("mine"));
  await writeFile(store.pathOf("theirs"), await readFile(store.pathOf("mine")));
  const error = await rejection(store.load("theirs"));
  assert.instance(error, StoreError);
  assert.match((error as Error).message, /belongs to pipeline "mine"/);
  await rejection(store.save("theirs", snapshot("mine")));
});

s("file store: a well-formed file with bad content is refused", async () => {
  const store = new FileOffsetStore(dir);
  await store.save("v", snapshot("v"));
  const file = JSON.parse(await readFile(store.pathOf("v"), "utf8"));
  await writeFile(store.pathOf("v"), JSON.stringify({ ...file, version: 2 }));
  assert.match((await rejection(store.load("v")) as Error).message, /unsupported version/);
  const { createHash } = await import("node:crypto");
  const body = JSON.stringify({ ...snapshot("v"), epoch: -1 });
  const sha256 = createHash("sha256").update(body).digest("hex");
  await writeFile(store.pathOf("v"), JSON.stringify({ ...file, sha256, snapshot: body }));
  assert.instance(await rejection(store.load("v")), StoreCorruptError);
});

s.run();
