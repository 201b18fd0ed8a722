/**
 * Broker operations against a scripted invoker: the request each one sends
 * (code, header, body) and how each response code maps to a result or a
 * typed error. The real broker suites check the same operations end to end.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BrokerError, ProtocolError } from "../../src/errors.ts";
import { encodeHeartbeat, getConsumerListByGroup, javaStringHash } from "../../src/remoting/broker-clients.ts";
import { queryConsumerOffset, updateConsumerOffset } from "../../src/remoting/broker-offsets.ts";
import { pullMessage } from "../../src/remoting/broker-pull.ts";
import { sendBatch, sendMessage } from "../../src/remoting/broker-send.ts";
import { createResponse, type RemotingCommand } from "../../src/remoting/command.ts";
import type { RemotingInvoker } from "../../src/remoting/connection-pool.ts";
import { decodeProperties, encodeStoredMessages, readBatchRecords } from "../../src/remoting/message/mod.ts";

const s = suite("remoting/broker operations");
const utf8 = new TextEncoder();
const mq = { topic: "T", brokerName: "broker-a", queueId: 2 };

function scripted(answer: (cmd: RemotingCommand) => RemotingCommand) {
  const sent: { cmd: RemotingCommand; timeoutMs?: number; oneway: boolean }[] = [];
  const invoker: RemotingInvoker = {
    requestTimeoutMs: 3000,
    async request(_a, cmd, timeoutMs) {
      sent.push({ cmd, timeoutMs, oneway: false });
      return answer(cmd);
    },
    async oneway(_a, cmd) {
      sent.push({ cmd, oneway: true });
    },
  };
  return { invoker, sent };
}
const pullHeader = { nextBeginOffset: "12", minOffset: "0", maxOffset: "20", suggestWhichBrokerId: "0" };

s("pull: header fields and sysFlag (subscription, suspend, commit), timeout covers the suspension", async () => {
  const { invoker, sent } = scripted((cmd) => createResponse(cmd, 19, undefined, pullHeader));
  await pullMessage(invoker, "b", mq, { consumerGroup: "G", queueOffset: 10, suspendTimeoutMillis: 20_000, commitOffset: 9, maxMsgNums: 16 });
  const { cmd, timeoutMs } = sent[0]!;
  assert.is(cmd.code, 11);
  assert.equal(cmd.extFields, {
    consumerGroup: "G", topic: "T", queueId: "2", queueOffset: "10", maxMsgNums: "16", sysFlag: String(4 | 2 | 1),
    commitOffset: "9", suspendTimeoutMillis: "20000", subscription: "*", subVersion: "0", expressionType: "TAG",
  });
  // the broker may answer a held pull up to its 5 s hold-check late: Java allows 30 s for a 20 s suspend
  assert.is(timeoutMs, 30_000);
  await pullMessage(invoker, "b", mq, { consumerGroup: "G", queueOffset: 0, subscription: { expressionType: "SQL92", expression: "a > 1" } });
  assert.is(sent[1]!.cmd.extFields.sysFlag, "4");
  assert.is(sent[1]!.cmd.extFields.expressionType, "SQL92");
  assert.is(sent[1]!.timeoutMs, 3000);
});

s("pull: response codes 0/19/20/21 map to statuses; others are BrokerErrors with retryability", async () => {
  const body = encodeStoredMessages([
    { topic: "T", queueId: 2, queueOffset: 10, body: utf8.encode("x"), properties: { TAGS: "a" } },
    { topic: "T", queueId: 2, queueOffset: 11, body: utf8.encode("y"), properties: { TAGS: "b" } },
  ]);
  const expected: [number, string][] = [[0, "FOUND"], [19, "NO_NEW_MSG"], [20, "NO_MATCHED_MSG"], [21, "OFFSET_ILLEGAL"]];
  for (const [code, status] of expected) {
    const { invoker } = scripted((cmd) => createResponse(cmd, code, undefined, pullHeader, code === 0 ? body : undefined));
    const r = await pullMessage(invoker, "b", mq, { consumerGroup: "G", queueOffset: 10 });
    assert.is(r.status, status);
    assert.equal([r.nextBeginOffset, r.minOffset, r.maxOffset], [12, 0, 20]);
    assert.is(r.messages.length, code === 0 ? 2 : 0);
  }
  // the broker filters tags by hash only; the client drops hash collisions as Java does
  const { invoker } = scripted((cmd) => createResponse(cmd, 0, undefined, pullHeader, body));
  const filtered = await pullMessage(invoker, "b", mq, { consumerGroup: "G", queueOffset: 10, subscription: { expressionType: "TAG", expression: "b || c" } });
  assert.equal(filtered.messages.map((m) => m.tags), ["b"]);

  for (const [code, retryable] of [[215, true], [2, true], [24, false], [17, false]] as const) {
    const failing = scripted((cmd) => createResponse(cmd, code, "nope", {}));
    const err = await pullMessage(failing.invoker, "b", mq, { consumerGroup: "G", queueOffset: 0 }).catch((e: unknown) => e);
    assert.ok(err instanceof BrokerError, String(err));
    assert.is(err.responseCode, code);
    assert.is(err.remark, "nope");
    assert.is(err.retryable, retryable, `code ${code}`);
  }
  const garbled = scripted((cmd) => createResponse(cmd, 0, undefined, { ...pullHeader, nextBeginOffset: "soon" }));
  const perr = await pullMessage(garbled.invoker, "b", mq, { consumerGroup: "G", queueOffset: 0 }).catch((e: unknown) => e);
  assert.ok(perr instanceof ProtocolError, String(perr));
});

s("query offset: QUERY_NOT_FOUND is undefined, and setZeroIfNotFound is off; update sends oneway on request", async () => {
  const { invoker, sent } = scripted((cmd) => createResponse(cmd, cmd.extFields.consumerGroup === "known" ? 0 : 22, undefined, { offset: "7" }));
  assert.is(await queryConsumerOffset(invoker, "b", "known", mq), 7);
  assert.is(await queryConsumerOffset(invoker, "b", "new", mq), undefined);
  assert.is(sent[0]!.cmd.extFields.setZeroIfNotFound, "false");
  await updateConsumerOffset(invoker, "b", "G", mq, 99, { oneway: true });
  assert.equal([sent[2]!.oneway, sent[2]!.cmd.code, sent[2]!.cmd.extFields.commitOffset], [true, 15, "99"]);
});

s("send: V2 header letters, properties with tags, keys and a fresh UNIQ_KEY, result fields", async () => {
  const { invoker, sent } = scripted((cmd) => createResponse(cmd, 0, undefined, {
    msgId: "7F00000100002A9F0000000000001234", queueId: "2", queueOffset: "41", MSG_REGION: "DefaultRegion", transactionId: "X",
  }));
  const r = await sendMessage(invoker, "b", mq, { body: utf8.encode("hi"), tags: "t", keys: ["k1", "k2"], properties: { own: "v" } }, { producerGroup: "P" });
  const { cmd } = sent[0]!;
  assert.is(cmd.code, 310);
  assert.equal(
    Object.fromEntries(Object.entries(cmd.extFields).filter(([k]) => !["g", "i"].includes(k))),
    { a: "P", b: "T", c: "TBW102", d: "4", e: "2", f: "0", h: "0", j: "0", k: "false", m: "false", n: "broker-a" },
  );
  const props = decodeProperties(cmd.extFields.i!);
  assert.equal({ ...props, UNIQ_KEY: "-" }, { own: "v", TAGS: "t", KEYS: "k1 k2", UNIQ_KEY: "-" });
  assert.match(props.UNIQ_KEY!, /^[0-9A-F]{32}$/);
  assert.equal(r, { status: "SEND_OK", queueId: 2, queueOffset: 41, regionId: "DefaultRegion", transactionId: "X", msgId: props.UNIQ_KEY!, offsetMsgId: "7F00000100002A9F0000000000001234" });
  assert.equal(cmd.body, utf8.encode("hi"));

  const flushed = scripted((c) => createResponse(c, 10, undefined, { msgId: "M", queueId: "2", queueOffset: "1" }));
  assert.is((await sendMessage(flushed.invoker, "b", mq, { body: utf8.encode("x") }, { producerGroup: "P" })).status, "FLUSH_DISK_TIMEOUT");
  const illegal = scripted((c) => createResponse(c, 13, "too big"));
  const err = await sendMessage(illegal.invoker, "b", mq, { body: utf8.encode("x") }, { producerGroup: "P" }).catch((e: unknown) => e);
  assert.ok(err instanceof BrokerError && err.responseCode === 13 && !err.retryable, String(err));

  const tx = scripted((c) => createResponse(c, 0, undefined, { msgId: "M", queueId: "2", queueOffset: "1" }));
  await sendMessage(tx.invoker, "b", mq, { body: utf8.encode("x") }, { producerGroup: "P", transactional: true });
  assert.is(tx.sent[0]!.cmd.extFields.f, "4");
  assert.equal([decodeProperties(tx.sent[0]!.cmd.extFields.i!).TRAN_MSG, decodeProperties(tx.sent[0]!.cmd.extFields.i!).PGROUP], ["true", "P"]);
});

s("batch: code 320, m=true, one record per message with its own UNIQ_KEY", async () => {
  const { invoker, sent } = scripted((cmd) => createResponse(cmd, 0, undefined, { msgId: "A,B", queueId: "2", queueOffset: "5" }));
  const r = await sendBatch(invoker, "b", mq, [{ body: utf8.encode("1"), tags: "x" }, { body: utf8.encode("2"), flag: 3 }], { producerGroup: "P" });
  const { cmd } = sent[0]!;
  assert.equal([cmd.code, cmd.extFields.m], [320, "true"]);
  const records = readBatchRecords(cmd.body!);
  assert.equal(records.map((x) => [new TextDecoder().decode(x.body), x.flag, x.properties.TAGS]), [["1", 0, "x"], ["2", 3, undefined]]);
  assert.equal(r.msgIds, records.map((x) => x.properties.UNIQ_KEY));
  assert.equal([r.offsetMsgIds, r.queueOffset], [["A", "B"], 5]);
});

s("heartbeat body: Java field names, tag sets and Java string hashes", () => {
  // values printed by Java 17: "TagA".hashCode(), and one that overflows int32 with non-ASCII text
  assert.is(javaStringHash("TagA"), 2598919);
  assert.is(javaStringHash("héllo wörld, a longer string"), 637748924);
  const json = JSON.parse(new TextDecoder().decode(encodeHeartbeat({
    clientId: "c1",
    producerGroups: ["P"],
    consumers: [{ groupName: "G", subscriptions: [{ topic: "T", expressionType: "TAG", expression: "TagA || TagB" }, { topic: "U", expressionType: "TAG", expression: "*" }] }],
  })));
  assert.is(json.clientID, "c1");
  assert.equal(json.producerDataSet, [{ groupName: "P" }]);
  const c = json.consumerDataSet[0];
  assert.equal([c.groupName, c.consumeType, c.messageModel], ["G", "CONSUME_ACTIVELY", "CLUSTERING"]);
  assert.equal(c.subscriptionDataSet[0].tagsSet, ["TagA", "TagB"]);
  assert.equal(c.subscriptionDataSet[0].codeSet, [javaStringHash("TagA"), javaStringHash("TagB")]);
  assert.equal([c.subscriptionDataSet[1].subString, c.subscriptionDataSet[1].tagsSet], ["*", []]);
});

s("consumer list: body parsed, 'no consumer' is empty, garbage is a ProtocolError", async () => {
  const list = scripted((cmd) => createResponse(cmd, 0, undefined, {}, utf8.encode('{"consumerIdList":["a","b"]}')));
  assert.equal(await getConsumerListByGroup(list.invoker, "b", "G"), ["a", "b"]);
  const none = scripted((cmd) => createResponse(cmd, 1, "no consumer for this group, G"));
  assert.equal(await getConsumerListByGroup(none.invoker, "b", "G"), []);
  const junk = scripted((cmd) => createResponse(cmd, 0, undefined, {}, utf8.encode("{")));
  assert.ok((await getConsumerListByGroup(junk.invoker, "b", "G").catch((e: unknown) => e)) instanceof ProtocolError);
});

s.run();
