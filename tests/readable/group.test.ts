/**
 * Group membership against the real broker: readers in one consumer group
 * split 8 queues with Java's average allocation, read every message exactly
 * once, and hand queues over when a member joins or leaves.
 * SOURCE_BIG=1 uses 100,000 messages instead of 20,000.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { freshTopic, group, newClient, produceSpread, sleep, utf8Source } from "./helpers.ts";

const s = suite("readable/group (broker)");
const client = newClient();
const N = process.env.SOURCE_BIG === "1" ? 100_000 : 20_000;

/** Reads a source in the background until it ends or `stop()` is called. */
function drain(source: RocketMQSource<string>) {
  const records: SourceRecord<string>[] = [];
  const reader = source.getReader();
  const done = (async () => {
    for (;;) {
      const r = await reader.read();
      if (r.done) return;
      records.push(...r.value.records);
    }
  })();
  return { records, done, cancel: () => reader.cancel() };
}

async function settled(sources: RocketMQSource<string>[], sizes: number[], timeoutMs = 30_000): Promise<Map<string, string[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await Promise.all(sources.map((x) => x.rebalance()));
    const lists = sources.map((x) => [...x.assignment().values()].flat().map((q) => `${q.queueId}`));
    const all = lists.flat();
    const ok = lists.map((l) => l.length).sort().join() === [...sizes].sort().join() && new Set(all).size === all.length && all.length === 8;
    if (ok) return new Map(sources.map((x, i) => [x.clientIds[0]!, lists[i]!]));
    if (Date.now() > deadline) throw new Error(`assignment did not settle: ${JSON.stringify(lists)}`);
    await sleep(200);
  }
}

const key = (r: SourceRecord<unknown>) => `${r.queueId}:${r.queueOffset}`;

async function until(pred: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred() && Date.now() < deadline) await sleep(50);
}

s.after(() => client.close());

s(`two readers split 8 queues 4/4 and read ${N} messages exactly once; a third joins, one leaves: nothing missed`, async () => {
  const topic = await freshTopic(client, "src_group", 8);
  const g = group();
  const opts = { options: { "consumer.offset.persist.interval": 1000 } };
  const leaveA = new AbortController();
  const a = utf8Source(topic, g, { ...opts, signal: leaveA.signal }).setStartFromGroupOffsets("EARLIEST");
  const b = utf8Source(topic, g, opts).setStartFromGroupOffsets("EARLIEST");
  const readers: Array<ReturnType<typeof drain>> = [];
  try {
    await Promise.all([a.rebalance(), b.rebalance()]);
    const split = await settled([a, b], [4, 4]);
    // average allocation: the smaller client id takes queues 0-3
    const [first] = [...split.keys()].sort();
    assert.equal(split.get(first!), ["0", "1", "2", "3"]);
    const ra = drain(a), rb = drain(b);
    readers.push(ra, rb);
    await produceSpread(client, topic, N);
    await until(() => ra.records.length + rb.records.length >= N, 60_000);
    const phase1 = [...ra.records, ...rb.records];
    assert.is(phase1.length, N, "every message once");
    assert.is(new Set(phase1.map((r) => r.msgId)).size, N, "distinct msgIds");
    assert.is(new Set(phase1.map(key)).size, N, "distinct queue/offset");
    const aQueues = new Set(ra.records.map((r) => r.queueId));
    assert.ok(rb.records.every((r) => !aQueues.has(r.queueId)), "no queue read by both");

    // a third member joins: 3/3/2. Offsets are committed every second (and when a queue is
    // caught up): wait for that, so the overlap measured below is the handover's alone
    await sleep(1500);
    const c = utf8Source(topic, g, opts).setStartFromGroupOffsets("EARLIEST");
    await c.rebalance();
    const rc = drain(c);
    readers.push(rc);
    await settled([a, b, c], [3, 3, 2]);
    const M = 4000;
    await produceSpread(client, topic, M / 2);
    // then one leaves cleanly: an abort ends its stream after what it queued, and commits
    await sleep(300);
    leaveA.abort();
    await ra.done;
    await settled([b, c], [4, 4]);
    await produceSpread(client, topic, M / 2);
    const all = () => [...ra.records, ...rb.records, ...rc.records];
    await until(() => new Set(all().map(key)).size >= N + M, 60_000);
    const keys = all().map(key);
    const distinct = new Set(keys);
    assert.is(distinct.size, N + M, "nothing missed");
    const duplicates = keys.length - distinct.size;
    // a handed-over queue is re-read at most from the last commit (1 s interval) on
    assert.ok(duplicates <= 8 * 32 * 3, `duplicates ${duplicates}`);
    console.log(`    group: ${N} + ${M} messages, ${duplicates} duplicates after the membership changes`);
  } finally {
    await Promise.all(readers.map((r) => r.cancel().catch(() => undefined)));
    await Promise.all(readers.map((r) => r.done.catch(() => undefined)));
  }
});

s.run();
