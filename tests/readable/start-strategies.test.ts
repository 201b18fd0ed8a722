/**
 * The five start strategies against the real broker, with the exact first
 * offset expected per queue, and the group-offset fallback rules.
 *
 * Layout of the topic (2 queues): queue 0 gets 5 messages, queue 1 gets 3;
 * then an instant is recorded; then queue 0 gets 4 more (offsets 5..8) and
 * queue 1 gets 2 more (offsets 3..4).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { OffsetResetStrategy, StartFrom } from "../../src/readable/start-strategy.ts";
import type { SourceLogEntry } from "../../src/readable/rocketmq-source.ts";
import { commitGroupOffset, firstOffsets, freshTopic, group, newClient, produce, queueOf, readRecords, sleep, utf8Source } from "./helpers.ts";

const s = suite("readable/start strategies (broker)");
const client = newClient();
let topic = "";
let instant = 0;

s.before(async () => {
  topic = await freshTopic(client, "src_start", 2);
  await produce(client, queueOf(topic, 0), 5, "before0");
  await produce(client, queueOf(topic, 1), 3, "before1");
  await sleep(1100);
  instant = Date.now();
  await sleep(1100);
  await produce(client, queueOf(topic, 0), 4, "after0");
  await produce(client, queueOf(topic, 1), 2, "after1");
});
s.after(() => client.close());

s("earliest: offset 0 of every queue, all 14 messages in queue order", async () => {
  const source = utf8Source(topic, group()).setStartFromEarliest();
  const reader = source.getReader();
  try {
    const got = await readRecords(reader, 14);
    assert.equal(firstOffsets(got), { 0: 0, 1: 0 });
    assert.is(got.length, 14);
    const q0 = got.filter((r) => r.queueId === 0).map((r) => r.value);
    assert.equal(q0, ["before0-0", "before0-1", "before0-2", "before0-3", "before0-4", "after0-0", "after0-1", "after0-2", "after0-3"]);
  } finally {
    await reader.cancel();
  }
});

s("timestamp: the first message stored after the instant (offset 5 and 3)", async () => {
  const source = utf8Source(topic, group()).setStartFromTimeStamp(instant);
  const reader = source.getReader();
  try {
    const got = await readRecords(reader, 6);
    assert.equal(firstOffsets(got), { 0: 5, 1: 3 });
    assert.is(got.length, 6);
    assert.ok(got.every((r) => r.value.startsWith("after") && r.storeTimestamp >= instant));
  } finally {
    await reader.cancel();
  }
});

s("latest: only messages produced after the start (offsets 9 and 5)", async () => {
  const local = await freshTopic(client, "src_latest", 2);
  await produce(client, queueOf(local, 0), 9, "old");
  await produce(client, queueOf(local, 1), 5, "old");
  const source = utf8Source(local, group()).setStartFromLatest();
  await source.rebalance(); // joined and positioned before the new messages exist
  const reader = source.getReader();
  try {
    await produce(client, queueOf(local, 0), 2, "new");
    await produce(client, queueOf(local, 1), 1, "new");
    const got = await readRecords(reader, 3);
    assert.equal(firstOffsets(got), { 0: 9, 1: 5 });
    assert.equal(got.map((r) => r.value).sort(), ["new-0", "new-0", "new-1"]);
  } finally {
    await reader.cancel();
  }
});

s("group offsets: committed offset where there is one, the reset strategy elsewhere", async () => {
  const g1 = group();
  await commitGroupOffset(client, g1, queueOf(topic, 0), 2);
  const early = utf8Source(topic, g1).setStartFromGroupOffsets(OffsetResetStrategy.EARLIEST).getReader();
  try {
    const got = await readRecords(early, 12);
    assert.equal(firstOffsets(got), { 0: 2, 1: 0 });
    assert.is(got.length, 12);
  } finally {
    await early.cancel();
  }
  const g2 = group();
  await commitGroupOffset(client, g2, queueOf(topic, 0), 7);
  const lateSource = utf8Source(topic, g2, { start: StartFrom.groupOffsets(OffsetResetStrategy.LATEST) });
  await lateSource.rebalance();
  const late = lateSource.getReader();
  try {
    await produce(client, queueOf(topic, 1), 1, "late1");
    const got = await readRecords(late, 3);
    // queue 0: committed 7 -> offsets 7, 8; queue 1: nothing committed -> LATEST (5), then the new message
    assert.equal(firstOffsets(got), { 0: 7, 1: 5 });
    assert.equal(got.map((r) => `${r.queueId}:${r.queueOffset}`).sort(), ["0:7", "0:8", "1:5"]);
  } finally {
    await late.cancel();
  }
});

s("specific offsets: named queues exactly, unnamed ones fall back to group offsets", async () => {
  const g = group();
  await commitGroupOffset(client, g, queueOf(topic, 1), 4);
  const offsets = new Map([[queueOf(topic, 0), 6]]);
  const reader = utf8Source(topic, g).setStartFromSpecificOffsets(offsets).getReader();
  try {
    const got = await readRecords(reader, 3 + 2);
    assert.equal(firstOffsets(got), { 0: 6, 1: 4 });
  } finally {
    await reader.cancel();
  }
  // no committed offset for queue 1 and reset EARLIEST: from its min offset
  const reader2 = utf8Source(topic, group(), { start: StartFrom.specificOffsets(new Map([[`${topic}@broker-a@0`, 8]]), OffsetResetStrategy.EARLIEST) }).getReader();
  try {
    const got = await readRecords(reader2, 1 + 6);
    assert.equal(firstOffsets(got), { 0: 8, 1: 0 });
  } finally {
    await reader2.cancel();
  }
});

s("an offset out of range follows the reset strategy and is logged", async () => {
  const logs: SourceLogEntry[] = [];
  const source = utf8Source(topic, group(), {
    start: StartFrom.specificOffsets(new Map([[queueOf(topic, 0), 1000]]), OffsetResetStrategy.EARLIEST),
    onLog: (e) => logs.push(e),
  });
  const reader = source.getReader();
  try {
    const got = await readRecords(reader, 9, 10_000);
    assert.is(firstOffsets(got.filter((r) => r.queueId === 0))[0], 0);
    assert.ok(source.stats.offsetResets >= 1);
    assert.ok(logs.some((e) => e.level === "warn" && /out of range/.test(e.message) && e.queue?.queueId === 0), JSON.stringify(logs.map((l) => l.message)));
  } finally {
    await reader.cancel();
  }
});

s.run();
