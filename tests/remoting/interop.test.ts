/**
 * Interop with mqadmin, the Java CLI no one here wrote: what it sends we read
 * back exactly (a zlib-compressed body included), what we send it reads back
 * exactly, and a group offset we commit shows in its consumerProgress.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { createRequest } from "../../src/remoting/command.ts";
import { RequestCode } from "../../src/remoting/request-codes.ts";
import { cluster, mqadmin, randomName } from "../fixture/broker.ts";
import { freshTopic, newClient, pullAll, text, utf8 } from "./client-helpers.ts";

const s = suite("remoting/interop with mqadmin (broker)");

/** mqadmin's "Label:   value" lines as a map. */
function labelled(out: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of out.split("\n")) {
    const m = /^([A-Za-z ]+?):\s+(.*)$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[2]!);
  }
  return fields;
}

s("messages sent by mqadmin sendMessage are read back exactly, compressed body included", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_from_java");
    const small = "from mqadmin: héllo ✓";
    const large = Array.from({ length: 900 }, (_, i) => `row${i}`).join(","); // > 4 KiB: Java compresses it
    for (const [body, tag, key] of [[small, "javaTag", "javaKey"], [large, "bigTag", "bigKey"]] as const) {
      const out = mqadmin(["sendMessage", "-n", cluster().namesrv, "-t", topic, "-p", body, "-k", key, "-c", tag, "-b", "broker-a", "-i", "0"]);
      assert.match(out, /SEND_OK/, out);
    }
    const mq = { topic, brokerName: "broker-a", queueId: 0 };
    const got = await pullAll(client, mq, 2);
    // the raw pull body is smaller than the large text alone: Java stored it zlib-compressed
    const raw = await client.pool.request(await client.brokerAddress(mq), createRequest(RequestCode.PULL_MESSAGE, {
      consumerGroup: "rt_raw", topic, queueId: 0, queueOffset: 1, maxMsgNums: 1, sysFlag: 4, commitOffset: 0,
      suspendTimeoutMillis: 0, subscription: "*", subVersion: 0, expressionType: "TAG",
    }));
    assert.ok(raw.body !== undefined && raw.body.byteLength < large.length / 2, `raw body of ${raw.body?.byteLength} bytes`);
    assert.equal(got.map((m) => [text.decode(m.body), m.tags, m.keys]), [[small, "javaTag", ["javaKey"]], [large, "bigTag", ["bigKey"]]]);
    assert.is(got[0]!.msgId, got[0]!.properties.UNIQ_KEY, `Java's UNIQ_KEY is the message id: ${JSON.stringify(got[0]!.properties)}`);
  } finally {
    await client.close();
  }
});

s("a message sent by this client is read back exactly by mqadmin queryMsgByOffset", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_to_java");
    const mq = { topic, brokerName: "broker-a", queueId: 0 };
    const body = "sent by rocketmq-webstreams: ünïcode ✓";
    const sent = await client.send(mq, { body: utf8.encode(body), tags: "tsTag", keys: ["k1", "k2"], properties: { origin: "ts" } }, { producerGroup: "rt_producer" });
    await pullAll(client, mq, 1); // wait until the consume queue has it
    const out = mqadmin(["queryMsgByOffset", "-n", cluster().namesrv, "-t", topic, "-b", "broker-a", "-i", "0", "-o", String(sent.queueOffset)]);
    const view = labelled(out);
    assert.is(view.get("OffsetID"), sent.offsetMsgId, out);
    assert.is(view.get("Topic"), topic);
    assert.is(view.get("Tags"), "[tsTag]");
    assert.is(view.get("Keys"), "[k1 k2]", "Java prints the KEYS property as stored");
    assert.match(view.get("Properties") ?? "", /origin=ts/);
    assert.match(view.get("Properties") ?? "", new RegExp(`UNIQ_KEY=${sent.msgId}`));
    assert.is(readFileSync(view.get("Message Body Path")!, "utf8"), body);
  } finally {
    await client.close();
  }
});

s("a group offset committed by this client shows in mqadmin consumerProgress", async () => {
  const client = newClient();
  try {
    const topic = await freshTopic(client, "rt_progress");
    const mq = { topic, brokerName: "broker-a", queueId: 0 };
    for (let i = 0; i < 5; i++) await client.send(mq, { body: utf8.encode(`p${i}`) }, { producerGroup: "rt_producer" });
    const group = randomName("rt_progress_group");
    // as a reader would: the heartbeat makes the broker create the group and its %RETRY% topic,
    // which consumerProgress looks up to find the group's brokers
    client.registerConsumer({ groupName: group, subscriptions: [{ topic, expressionType: "TAG", expression: "*" }] });
    await client.heartbeat();
    await client.updateConsumerOffset(group, mq, 3);
    const out = mqadmin(["consumerProgress", "-n", cluster().namesrv, "-g", group]);
    // columns: topic, broker, queue id, broker offset, consumer offset, ...
    const row = out.split("\n").find((line) => line.startsWith(topic));
    assert.ok(row, out);
    const cells = row.trim().split(/\s+/);
    assert.equal(cells.slice(0, 5), [topic, "broker-a", "0", "5", "3"], row);
  } finally {
    await client.close();
  }
});

s.run();
