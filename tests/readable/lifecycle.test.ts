/**
 * The source's lifecycle and interop against the real broker: messages from
 * mqadmin, offsets committed on close and periodically (seen by mqadmin
 * consumerProgress), unregistering on cancel, AbortSignal, and checkpointed
 * pipelines (restore wins over the start strategy; commits after epochs).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkpoint } from "../../src/offsets/checkpoint.ts";
import { MemoryOffsetStore } from "../../src/offsets/memory-offset-store.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { cluster, mqadmin } from "../fixture/broker.ts";
import { firstOffsets, freshTopic, group, newClient, produce, queueOf, readRecords, sleep, utf8Source } from "./helpers.ts";

const s = suite("readable/lifecycle (broker)");
const client = newClient();
s.after(() => client.close());

s("messages produced by mqadmin sendMessage are read correctly (compressed body included)", async () => {
  const topic = await freshTopic(client, "src_java", 1);
  const small = "from mqadmin: héllo ✓";
  const large = Array.from({ length: 900 }, (_, i) => `row${i}`).join(","); // > 4 KiB: Java compresses it
  for (const [body, tag, key] of [[small, "javaTag", "javaKey"], [large, "bigTag", "bigKey"]] as const) {
    const out = mqadmin(["sendMessage", "-n", cluster().namesrv, "-t", topic, "-p", body, "-k", key, "-c", tag, "-b", "broker-a", "-i", "0"]);
    assert.match(out, /SEND_OK/, out);
  }
  const reader = utf8Source(topic, group()).setStartFromEarliest().getReader();
  try {
    const got = await readRecords(reader, 2);
    assert.equal(got.map((r) => [r.value, r.tags, r.keys, r.queueOffset]), [[small, "javaTag", ["javaKey"], 0], [large, "bigTag", ["bigKey"], 1]]);
    assert.is(got[0]!.msgId, got[0]!.properties.UNIQ_KEY);
    assert.ok(got[0]!.storeTimestamp >= got[0]!.bornTimestamp - 5000);
  } finally {
    await reader.cancel();
  }
});

s("cancel() commits what was emitted (mqadmin consumerProgress shows it) and unregisters the member", async () => {
  const topic = await freshTopic(client, "src_close", 2);
  await produce(client, queueOf(topic, 0), 6);
  await produce(client, queueOf(topic, 1), 4);
  const g = group();
  const source = utf8Source(topic, g).setStartFromEarliest();
  const reader = source.getReader();
  const got = await readRecords(reader, 10);
  assert.is(got.length, 10);
  assert.equal((await client.getConsumerIds(g, topic)), source.clientIds);
  await reader.cancel();
  assert.is(await client.queryConsumerOffset(g, queueOf(topic, 0)), 6);
  assert.is(await client.queryConsumerOffset(g, queueOf(topic, 1)), 4);
  assert.equal(await client.getConsumerIds(g, topic), [], "unregistered");
  const out = mqadmin(["consumerProgress", "-n", cluster().namesrv, "-g", g]);
  const rows = out.split("\n").filter((line) => line.startsWith(topic)).map((l) => l.trim().split(/\s+/).slice(0, 5));
  assert.equal(rows.sort(), [[topic, "broker-a", "0", "6", "6"], [topic, "broker-a", "1", "4", "4"]], out);
});

s("offsets are committed every consumer.offset.persist.interval while reading", async () => {
  const topic = await freshTopic(client, "src_persist", 1);
  await produce(client, queueOf(topic, 0), 7);
  const g = group();
  const reader = utf8Source(topic, g, { options: { "consumer.offset.persist.interval": "300" } }).setStartFromEarliest().getReader();
  try {
    assert.is((await readRecords(reader, 7)).length, 7);
    let committed: number | undefined;
    for (let i = 0; i < 40 && committed !== 7; i++) {
      await sleep(100);
      committed = await client.queryConsumerOffset(g, queueOf(topic, 0));
    }
    assert.is(committed, 7);
  } finally {
    await reader.cancel();
  }
});

s("an AbortSignal ends the stream cleanly: queued batches are delivered, then done", async () => {
  const topic = await freshTopic(client, "src_abort", 1);
  await produce(client, queueOf(topic, 0), 3);
  const stop = new AbortController();
  const source = utf8Source(topic, group(), { signal: stop.signal }).setStartFromEarliest();
  const seen: string[] = [];
  const done = source.pipeTo(new WritableStream({ write: (b) => void seen.push(...b.records.map((r) => r.value)) }));
  for (let i = 0; i < 100 && seen.length < 3; i++) await sleep(50);
  stop.abort();
  await done; // resolves: the stream closed rather than errored
  assert.equal(seen, ["m-0", "m-1", "m-2"]);
});

s("checkpoint: restored offsets win over the start strategy, and group offsets are committed after each epoch", async () => {
  const topic = await freshTopic(client, "src_cp", 2);
  await produce(client, queueOf(topic, 0), 8);
  await produce(client, queueOf(topic, 1), 5);
  const g = group();
  const store = new MemoryOffsetStore();
  await store.save("src-cp", { pipelineId: "src-cp", epoch: 4, offsets: { [`${topic}@broker-a@0`]: 3 }, completedAt: Date.now() });
  const cp = checkpoint({ pipelineId: "src-cp", intervalMs: 60_000, store });
  const stop = new AbortController();
  const source = utf8Source(topic, g, { checkpoint: cp, signal: stop.signal, options: { "consumer.offset.persist.interval": 100 } }).setStartFromLatest();
  const got: SourceRecord<string>[] = [];
  const done = source.pipeThrough(cp.stream<SourceRecord<string>>()).pipeTo(cp.sink({
    write: (records) => void got.push(...records),
    flush: async () => undefined,
  }));
  try {
    for (let i = 0; i < 200 && got.length < 10; i++) await sleep(50);
    // queue 0 resumes at the restored 3; queue 1 is not in the snapshot: the strategy (latest) applies
    assert.equal(firstOffsets(got), { 0: 3 });
    assert.is(got.length, 5);
    await sleep(400);
    assert.is(await client.queryConsumerOffset(g, queueOf(topic, 0)), undefined, "no periodic commit under checkpointing");
    const completed = await cp.requestCheckpoint();
    assert.is(completed.epoch, 5);
    assert.is(await client.queryConsumerOffset(g, queueOf(topic, 0)), 8);
  } finally {
    stop.abort();
    await done;
  }
});

s("checkpoint: a clean stop completes a last epoch and commits its offsets to the broker", async () => {
  const topic = await freshTopic(client, "src_cp_end", 2);
  await produce(client, queueOf(topic, 0), 10);
  await produce(client, queueOf(topic, 1), 7);
  const g = group();
  const store = new MemoryOffsetStore();
  // no periodic epoch during the test: only the final one, at the end of the stream
  const cp = checkpoint({ pipelineId: "src-cp-end", intervalMs: 600_000, store });
  const stop = new AbortController();
  const source = utf8Source(topic, g, { checkpoint: cp, signal: stop.signal }).setStartFromEarliest();
  let read = 0;
  const done = source.pipeThrough(cp.stream<SourceRecord<string>>()).pipeTo(cp.sink({
    write: (records) => void (read += records.length),
    flush: async () => undefined,
  }));
  for (let i = 0; i < 300 && read < 17; i++) await sleep(50);
  assert.is(read, 17);
  stop.abort();
  await done;
  const snapshot = await store.load("src-cp-end");
  assert.equal(snapshot?.offsets, { [`${topic}@broker-a@0`]: 10, [`${topic}@broker-a@1`]: 7 });
  // the source closes its clients only after the committer ran: poll the broker (hang guard only)
  const committed = async () => [await client.queryConsumerOffset(g, queueOf(topic, 0)), await client.queryConsumerOffset(g, queueOf(topic, 1))];
  for (let i = 0; i < 100 && (await committed()).includes(undefined); i++) await sleep(100);
  assert.equal(await committed(), [10, 7]);
});

s.run();
