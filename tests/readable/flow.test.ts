/**
 * How the source moves data, against the real broker: backpressure reaches
 * the pull loop, tag and SQL92 filters, parallelism inside one process, the
 * per-record form, and decode failures under each policy.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as E from "fp-ts/lib/Either.js";
import { DecodeFailedError } from "../../src/errors.ts";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import { decodeError } from "../../src/serde/decode-error.ts";
import { fromValueDecoder } from "../../src/serde/schema.ts";
import { cluster } from "../fixture/broker.ts";
import { freshTopic, group, newClient, produce, produceSpread, queueOf, readRecords, sleep, utf8, utf8Source } from "./helpers.ts";

const s = suite("readable/flow (broker)");
const client = newClient();
s.after(() => client.close());

s("backpressure: a reader taking one batch per second leaves at most (highWaterMark + queues) batches pulled ahead", async () => {
  const topic = await freshTopic(client, "src_bp", 4);
  await produceSpread(client, topic, 4000);
  const highWaterMark = 1, batchSize = 32, queues = 4;
  const source = utf8Source(topic, group(), { highWaterMark, options: { "consumer.batch.size": batchSize } }).setStartFromEarliest();
  const reader = source.getReader();
  let received = 0;
  let maxAhead = 0;
  try {
    for (let i = 0; i < 4; i++) {
      const r = await reader.read();
      assert.ok(!r.done);
      received += r.value.records.length;
      await sleep(1000); // the slow sink: the source may prefetch all it wants meanwhile
      maxAhead = Math.max(maxAhead, source.stats.pulledMessages - received);
    }
    assert.ok(maxAhead <= (highWaterMark + queues) * batchSize, `pulled ahead ${maxAhead}`);
    assert.ok(source.stats.pulledMessages < 4000 / 4, `pulled ${source.stats.pulledMessages} of the 4000 backlog`);
    console.log(`    backpressure: ${received} read, ${source.stats.pulledMessages} pulled, at most ${maxAhead} ahead (bound ${(highWaterMark + queues) * batchSize})`);
  } finally {
    await reader.cancel();
  }
});

s("tag filter: consumer.tag \"TagA || TagC\" reads only those tags", async () => {
  const topic = await freshTopic(client, "src_tag", 1);
  const mq = queueOf(topic, 0);
  for (const tag of ["TagA", "TagB", "TagC", "TagB", "TagA"]) await produce(client, mq, 2, tag, tag);
  const reader = utf8Source(topic, group(), { options: { "consumer.tag": "TagA || TagC" } }).setStartFromEarliest().getReader();
  try {
    const got = await readRecords(reader, 6, 8000);
    assert.equal(got.map((r) => `${r.tags}@${r.queueOffset}`), ["TagA@0", "TagA@1", "TagC@4", "TagC@5", "TagA@8", "TagA@9"]);
    const more = await readRecords(reader, 1, 1500);
    assert.is(more.length, 0, "nothing else");
  } finally {
    await reader.cancel();
  }
});

s("SQL92 filter: consumer.sql selects by property", async () => {
  const topic = await freshTopic(client, "src_sql", 1);
  const mq = queueOf(topic, 0);
  await client.sendBatch(mq, Array.from({ length: 10 }, (_, i) => ({ body: utf8.encode(`n${i}`), properties: { n: String(i) } })), { producerGroup: "source_test_producer" });
  const reader = utf8Source(topic, group(), { options: { "consumer.sql": "n >= 7" } }).setStartFromEarliest().getReader();
  try {
    const got = await readRecords(reader, 3, 8000);
    assert.equal(got.map((r) => r.value), ["n7", "n8", "n9"]);
  } finally {
    await reader.cancel();
  }
});

s("parallelism 2: two members (two client ids) split 8 queues 4/4 and the merged stream has every message once", async () => {
  const topic = await freshTopic(client, "src_par", 8);
  await produceSpread(client, topic, 3000);
  const source = utf8Source(topic, group(), { options: { parallelism: 2 } }).setStartFromEarliest();
  const reader = source.getReader();
  try {
    const got = await readRecords(reader, 3000, 30_000);
    assert.is(got.length, 3000);
    assert.is(new Set(got.map((r) => `${r.queueId}:${r.queueOffset}`)).size, 3000);
    const assignment = [...source.assignment().values()].map((qs) => qs.map((q) => q.queueId));
    assert.is(source.clientIds.length, 2);
    assert.equal(assignment.map((a) => a.length), [4, 4]);
    assert.is(new Set(assignment.flat()).size, 8);
  } finally {
    await reader.cancel();
  }
});

s("records(): one record per chunk, in queue order", async () => {
  const topic = await freshTopic(client, "src_rec", 1);
  await produce(client, queueOf(topic, 0), 5, "r");
  const reader = utf8Source(topic, group()).setStartFromEarliest().records().getReader();
  try {
    const got: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await reader.read();
      if (r.done) break;
      got.push(`${r.value.queueOffset}:${r.value.value}`);
    }
    assert.equal(got, ["0:r-0", "1:r-1", "2:r-2", "3:r-3", "4:r-4"]);
  } finally {
    await reader.cancel();
  }
});

const digits = fromValueDecoder((v) => {
  const text = new TextDecoder().decode(v);
  return /^\d+$/.test(text) ? E.right(Number(text)) : E.left(decodeError("value", text, "expected digits"));
});

s("decode failure, policy fail: the records before it arrive, then the stream errors with the raw bytes and the offset", async () => {
  const topic = await freshTopic(client, "src_bad", 1);
  const mq = queueOf(topic, 0);
  await client.sendBatch(mq, ["1", "2", "oops", "4"].map((t) => ({ body: utf8.encode(t) })), { producerGroup: "source_test_producer" });
  const source = new RocketMQSource({
    schema: digits,
    options: { nameServerAddress: cluster().namesrv, consumerGroup: group(), topic, longPollingMs: 1000 },
    onLog: () => undefined,
  }).setStartFromEarliest();
  const reader = source.getReader();
  const before: number[] = [];
  let error: unknown;
  for (let i = 0; i < 10 && error === undefined; i++) {
    await reader.read().then((r) => void (r.done || before.push(...r.value.records.map((x) => x.value))), (e: unknown) => void (error = e));
  }
  assert.equal(before, [1, 2]);
  assert.instance(error, DecodeFailedError);
  const e = error as DecodeFailedError;
  assert.is(e.location?.queueOffset, 2);
  assert.equal(e.raw, utf8.encode("oops"));
  assert.is(e.field, "value");
  reader.releaseLock();
});

s("decode failure, policy skip: counted and dropped; dead-letter: sent to the dead-letter topic", async () => {
  const topic = await freshTopic(client, "src_skip", 1);
  const dlt = await freshTopic(client, "src_dlt", 1);
  await client.sendBatch(queueOf(topic, 0), ["1", "x", "3", "y"].map((t) => ({ body: utf8.encode(t) })), { producerGroup: "source_test_producer" });
  for (const policy of ["skip", "dead-letter"] as const) {
    const source = new RocketMQSource({
      schema: digits,
      options: { nameServerAddress: cluster().namesrv, consumerGroup: group(), topic, longPollingMs: 1000, decodeFailurePolicy: policy, deadLetterTopic: dlt },
      onLog: () => undefined,
    }).setStartFromEarliest();
    const reader = source.getReader();
    try {
      const got = await readRecords(reader, 2, 8000);
      assert.equal(got.map((r) => r.value), [1, 3]);
      if (policy === "skip") assert.is(source.stats.skipped, 2);
      else assert.is(source.stats.deadLettered, 2);
    } finally {
      await reader.cancel();
    }
  }
  const dead = await client.pull(queueOf(dlt, 0), { consumerGroup: "src_dlt_check", queueOffset: 0 });
  assert.equal(dead.messages.map((m) => [new TextDecoder().decode(m.body), m.properties.DLQ_ORIGIN_QUEUE_OFFSET]), [["x", "1"], ["y", "3"]]);
});

s.run();
