/**
 * RemotingClient against the real broker: routes, send then pull back,
 * batches, oneway, long polling, tag and SQL92 filters, transactions,
 * membership, and the typed error for an unknown topic.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RouteError } from "../../src/errors.ts";
import type { OutgoingMessage, SendResult } from "../../src/remoting/broker-send.ts";
import { parseOffsetMsgId } from "../../src/remoting/message/mod.ts";
import { brokerAddress, randomName } from "../fixture/broker.ts";
import { freshTopic, newClient, pullAll, sleep, text, utf8 } from "./client-helpers.ts";

const s = suite("remoting/client (broker)");

s("route lookup: broker-a's master, queue counts, permissions, sorted queues", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_route", 4);
    const route = await client.getRouteInfo(topic);
    assert.equal(route.queueDatas.map((q) => [q.brokerName, q.readQueueNums, q.writeQueueNums, q.perm]), [["broker-a", 4, 4, 6]]);
    assert.is(route.brokerDatas[0]!.brokerAddrs["0"], brokerAddress());
    assert.equal((await client.readableQueues(topic)).map((q) => q.queueId), [0, 1, 2, 3]);
    assert.equal(await client.writableQueues(topic), await client.readableQueues(topic));
  } finally {
    await client.close();
  }
});

s("send then pull back the same bytes, tags, keys, properties and ids", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_roundtrip", 2);
    const mq = { topic, brokerName: "broker-a", queueId: 1 };
    const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff);
    const sent: OutgoingMessage[] = [
      { body: allBytes, tags: "TagA", keys: ["order-1", "user-9"], properties: { tenant: "acme", "ключ": "значение ✓" } },
      { body: utf8.encode("héllo"), tags: "TagB", keys: "only-key" },
      { body: big, properties: { size: "big" } },
    ];
    const results: SendResult[] = [];
    for (const m of sent) results.push(await client.send(mq, m, { producerGroup: "rt_producer" }));
    assert.equal(results.map((r) => [r.status, r.queueId, r.queueOffset]), [["SEND_OK", 1, 0], ["SEND_OK", 1, 1], ["SEND_OK", 1, 2]]);
    const got = await pullAll(client, mq, 3);
    assert.is(got.length, 3);
    got.forEach((m, i) => {
      const want = sent[i]!;
      assert.equal(m.body, want.body, `body ${i}`);
      assert.is(m.tags, want.tags);
      assert.equal(m.keys, want.keys === undefined ? [] : typeof want.keys === "string" ? [want.keys] : want.keys);
      for (const [k, v] of Object.entries(want.properties ?? {})) assert.is(m.properties[k], v);
      assert.is(m.msgId, results[i]!.msgId);
      assert.is(m.offsetMsgId, results[i]!.offsetMsgId);
      assert.is(m.queueOffset, results[i]!.queueOffset);
      assert.is(m.commitLogOffset, parseOffsetMsgId(results[i]!.offsetMsgId).commitLogOffset);
      assert.is(m.topic, topic);
    });
  } finally {
    await client.close();
  }
});

s("batch and oneway sends land in order with consecutive offsets", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_batch");
    const mq = { topic, brokerName: "broker-a", queueId: 0 };
    const batch = await client.sendBatch(mq, ["b0", "b1", "b2"].map((b) => ({ body: utf8.encode(b), tags: "batch" })), { producerGroup: "rt_producer" });
    assert.equal([batch.status, batch.queueOffset, batch.offsetMsgIds.length, batch.msgIds.length], ["SEND_OK", 0, 3, 3]);
    const onewayId = await client.sendOneway(mq, { body: utf8.encode("ow"), keys: "ow-key" }, { producerGroup: "rt_producer" });
    const got = await pullAll(client, mq, 4);
    assert.equal(got.map((m) => [m.queueOffset, text.decode(m.body)]), [[0, "b0"], [1, "b1"], [2, "b2"], [3, "ow"]]);
    assert.equal(got.map((m) => m.msgId), [...batch.msgIds, onewayId]);
    assert.equal(got.slice(0, 3).map((m) => m.offsetMsgId), batch.offsetMsgIds);
  } finally {
    await client.close();
  }
});

s("offsets: min, max, by timestamp around an instant, commit and query a group offset", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_offsets");
    const mq = { topic, brokerName: "broker-a", queueId: 0 };
    assert.equal([await client.getMinOffset(mq), await client.getMaxOffset(mq)], [0, 0]);
    for (let i = 0; i < 3; i++) await client.send(mq, { body: utf8.encode(`before${i}`) }, { producerGroup: "rt_producer" });
    await sleep(30);
    const instant = Date.now();
    await sleep(30);
    for (let i = 0; i < 2; i++) await client.send(mq, { body: utf8.encode(`after${i}`) }, { producerGroup: "rt_producer" });
    const all = await pullAll(client, mq, 5);
    assert.ok(all[2]!.storeTimestamp < instant && all[3]!.storeTimestamp > instant, "the instant falls between the two groups");
    assert.equal([await client.getMinOffset(mq), await client.getMaxOffset(mq)], [0, 5]);
    assert.is(await client.searchOffsetByTimestamp(mq, instant), 3, "first message stored after the instant");
    assert.is(await client.searchOffsetByTimestamp(mq, instant, "UPPER"), 2, "last message stored before the instant");
    assert.is(await client.searchOffsetByTimestamp(mq, all[0]!.storeTimestamp - 60_000), 0);

    const group = randomName("rt_group");
    assert.is(await client.queryConsumerOffset(group, mq), undefined, "no offset before the first commit");
    // 5.x brokers refuse commits for a group they do not know (26); a pull creates it, as a heartbeat would
    await client.pull(mq, { consumerGroup: group, queueOffset: 0 });
    assert.is(await client.queryConsumerOffset(group, mq), undefined, "a pull without commitOffset commits nothing");
    await client.updateConsumerOffset(group, mq, 4);
    assert.is(await client.queryConsumerOffset(group, mq), 4);
    await client.updateConsumerOffset(group, mq, 5, { oneway: true });
    let seen: number | undefined;
    for (let i = 0; i < 50 && seen !== 5; i++, await sleep(20)) seen = await client.queryConsumerOffset(group, mq);
    assert.is(seen, 5, "oneway commit arrives");
    // a pull can commit on the way
    await client.pull(mq, { consumerGroup: group, queueOffset: 2, commitOffset: 2 });
    assert.is(await client.queryConsumerOffset(group, mq), 2);
  } finally {
    await client.close();
  }
});

s("pull statuses: no new message at the end, offset illegal past it; long polling wakes up on a send", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_status");
    const mq = { topic, brokerName: "broker-a", queueId: 0 };
    await client.send(mq, { body: utf8.encode("one") }, { producerGroup: "rt_producer" });
    await pullAll(client, mq, 1);
    const atEnd = await client.pull(mq, { consumerGroup: "rt_reader", queueOffset: 1 });
    assert.equal([atEnd.status, atEnd.nextBeginOffset, atEnd.minOffset, atEnd.maxOffset], ["NO_NEW_MSG", 1, 0, 1]);
    const past = await client.pull(mq, { consumerGroup: "rt_reader", queueOffset: 50 });
    assert.equal([past.status, past.nextBeginOffset], ["OFFSET_ILLEGAL", 1]);

    const started = Date.now();
    const waiting = client.pull(mq, { consumerGroup: "rt_reader", queueOffset: 1, suspendTimeoutMillis: 8000 });
    await sleep(300);
    await client.send(mq, { body: utf8.encode("two") }, { producerGroup: "rt_producer" });
    const woke = await waiting;
    assert.is(woke.status, "FOUND");
    assert.equal(woke.messages.map((m) => text.decode(m.body)), ["two"]);
    assert.ok(Date.now() - started < 6000, `long poll answered after ${Date.now() - started} ms`);
  } finally {
    await client.close();
  }
});

s("tag filter returns only matching tags; SQL92 filters on properties", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_filter");
    const mq = { topic, brokerName: "broker-a", queueId: 0 };
    const tags = ["a", "b", "a", "c", undefined, "b"];
    for (const [i, tag] of tags.entries()) {
      await client.send(mq, { body: utf8.encode(`m${i}`), ...(tag ? { tags: tag } : {}), properties: { n: String(i) } }, { producerGroup: "rt_producer" });
    }
    await pullAll(client, mq, tags.length);
    const byTag = await pullAll(client, mq, 3, { subscription: { expressionType: "TAG", expression: "a || c" } });
    assert.equal(byTag.map((m) => [m.tags, text.decode(m.body)]), [["a", "m0"], ["a", "m2"], ["c", "m3"]]);
    const bySql = await pullAll(client, mq, 2, { subscription: { expressionType: "SQL92", expression: "n >= 4" } });
    assert.equal(bySql.map((m) => text.decode(m.body)), ["m4", "m5"]);
  } finally {
    await client.close();
  }
});

s("transactional send stays invisible until END_TRANSACTION commits it", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_tx");
    const mq = { topic, brokerName: "broker-a", queueId: 0 };
    const half = await client.send(mq, { body: utf8.encode("half"), tags: "tx" }, { producerGroup: "rt_tx_producer", transactional: true });
    await sleep(300);
    assert.is((await client.pull(mq, { consumerGroup: "rt_reader", queueOffset: 0 })).status, "NO_NEW_MSG");
    await client.endTransaction("broker-a", {
      producerGroup: "rt_tx_producer", topic, tranStateTableOffset: half.queueOffset,
      commitLogOffset: parseOffsetMsgId(half.offsetMsgId).commitLogOffset, msgId: half.msgId,
      ...(half.transactionId ? { transactionId: half.transactionId } : {}), state: "COMMIT",
    });
    const [committed] = await pullAll(client, mq, 1);
    assert.ok(committed, "the committed message is readable");
    assert.equal([text.decode(committed.body), committed.tags, committed.msgId], ["half", "tx", half.msgId]);
  } finally {
    await client.close();
  }
});

s("heartbeat registers the consumer with the broker; close() unregisters it", async () => {
  const client = newClient();
  const observer = newClient();
  try {
    const topic = await freshTopic(client, "rt_members");
    const group = randomName("rt_members_group");
    client.registerConsumer({ groupName: group, subscriptions: [{ topic, expressionType: "TAG", expression: "*" }] });
    client.registerProducer(randomName("rt_members_producer"));
    await client.heartbeat();
    assert.equal(await observer.getConsumerIds(group, topic), [client.clientId]);
    assert.match(client.clientId, /^[0-9a-f.:]+@\d+#[0-9a-f]{12}$/);
    await client.close();
    assert.equal(await observer.getConsumerIds(group, topic), []);
  } finally {
    await client.close();
    await observer.close();
  }
});

s("unknown topic: RouteError naming the topic", async () => {
  const client = newClient();
  try {
    const topic = randomName("rt_missing");
    const err = await client.readableQueues(topic).catch((e: unknown) => e);
    assert.ok(err instanceof RouteError, String(err));
    assert.is(err.topic, topic);
    assert.is(err.code, "ROUTE_NOT_FOUND");
  } finally {
    await client.close();
  }
});

s.run();
