import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { deflateSync } from "node:zlib";
import { ProtocolError } from "../../src/errors.ts";
import { decodeMessages } from "../../src/remoting/message/decode-messages.ts";
import { compressBody } from "../../src/remoting/message/compression.ts";
import { encodeStoredMessage, encodeStoredMessages } from "../../src/remoting/message/encode-stored-message.ts";
import { MessageConst, MessageSysFlag } from "../../src/remoting/message/message-const.ts";
import { expectedMessages, storedMessage } from "./message-arbitraries.ts";

const s = suite("remoting/message decodeMessages");
const utf8 = new TextEncoder();

/** Plain objects, so that body views and copies compare by content. */
const plain = (ms: readonly object[]) => ms.map((m) => ({ ...m, body: Array.from((m as { body: Uint8Array }).body) }));

s("round trip: random messages, back to back, decode to what was encoded", () => {
  fc.assert(
    fc.property(fc.array(storedMessage, { minLength: 1, maxLength: 5 }), (list) => {
      const decoded = decodeMessages(encodeStoredMessages(list));
      assert.equal(plain(decoded), plain(list.flatMap(expectedMessages)));
    }),
    { numRuns: 400 },
  );
});

// The layout written out by hand from the broker's field order, independent of encodeStoredMessage.
const HAND_BUILT = [
  "000000A3", // total size 163
  "DAA320A7", // magic V1
  "00000064", // body CRC 100
  "00000003", // queue id 3
  "00000007", // flag 7
  "0000000000000011", // queue offset 17
  "0000000100000002", // commit log offset 2^32 + 2
  "00000000", // sysFlag
  "0000018A2B3C4D5E", // born timestamp
  "C0A80105", "0000D431", // born host 192.168.1.5:54321
  "0000018A2B3C4D60", // store timestamp
  "7F000001", "00002A9F", // store host 127.0.0.1:10911
  "00000002", // reconsume times 2
  "0000000000000000", // prepared transaction offset
  "00000005", "68656C6C6F", // body "hello"
  "09", "546F70696354657374", // topic "TopicTest"
  "003A", // properties length 58
  "54414753" + "01" + "5461674120" + "02", // TAGS \1 "TagA " \2  (11)
  "4B455953" + "01" + "6B31206B32" + "02", // KEYS \1 "k1 k2" \2  (11)
  "554E49515F4B4559" + "01" + "3041303030303031303032413030303030303031303030303030" + "02", // UNIQ_KEY \1 "0A000001002A00000001000000" \2 (36)
].join("");

s("a hand-built V1 message decodes field by field", () => {
  const bytes = Uint8Array.from(HAND_BUILT.match(/../g)!.map((h) => parseInt(h, 16)));
  assert.is(bytes.length, 163);
  const [m, ...rest] = decodeMessages(bytes);
  assert.is(rest.length, 0);
  assert.ok(m);
  assert.is(m.topic, "TopicTest");
  assert.is(m.queueId, 3);
  assert.is(m.flag, 7);
  assert.is(m.bodyCRC, 100);
  assert.is(m.queueOffset, 17);
  assert.is(m.commitLogOffset, 2 ** 32 + 2);
  assert.is(m.bornTimestamp, 0x18a2b3c4d5e);
  assert.is(m.storeTimestamp, 0x18a2b3c4d60);
  assert.is(m.bornHost, "192.168.1.5:54321");
  assert.is(m.storeHost, "127.0.0.1:10911");
  assert.is(m.reconsumeTimes, 2);
  assert.is(new TextDecoder().decode(m.body), "hello");
  assert.is(m.tags, "TagA ");
  assert.equal(m.keys, ["k1", "k2"]);
  assert.is(m.offsetMsgId, "7F00000100002A9F0000000100000002");
  assert.is(m.msgId, "0A000001002A00000001000000");
  assert.is(m.transactionId, undefined);
  assert.equal(Object.keys(m.properties), ["TAGS", "KEYS", "UNIQ_KEY"]);
});

s("bodies that were not compressed are views into the pull body, not copies", () => {
  const bytes = encodeStoredMessage({ topic: "t", body: utf8.encode("payload") });
  const [m] = decodeMessages(bytes);
  assert.is(m!.body.buffer, bytes.buffer);
});

s("V2 magic carries topics longer than 127 bytes; V1 is used below", () => {
  const long = "T".repeat(200);
  const v2 = encodeStoredMessage({ topic: long });
  assert.is(new DataView(v2.buffer).getUint32(4), 0xdaa320ab);
  assert.is(decodeMessages(v2)[0]!.topic, long);
  const v1 = encodeStoredMessage({ topic: "short" });
  assert.is(new DataView(v1.buffer).getUint32(4), 0xdaa320a7);
  assert.is(decodeMessages(encodeStoredMessage({ topic: "short", magic: "V2" }))[0]!.topic, "short");
});

s("IPv6 hosts: flags set, RFC 5952 text, 56-digit offset id; IPv4-mapped shows as IPv4 like Java", () => {
  const [m] = decodeMessages(encodeStoredMessage({
    topic: "t", bornHost: "[2001:db8:0:0:1:0:0:1]:1", storeHost: "[fe80::a]:10911", commitLogOffset: 255,
  }));
  assert.is(m!.sysFlag & (MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOST_V6), 0x30);
  assert.is(m!.bornHost, "[2001:db8::1:0:0:1]:1");
  assert.is(m!.storeHost, "[fe80::a]:10911");
  assert.is(m!.offsetMsgId, "FE80000000000000000000000000000A00002A9F00000000000000FF");
  const [mapped] = decodeMessages(encodeStoredMessage({ topic: "t", storeHost: "[::ffff:10.1.2.3]:9", commitLogOffset: 1 }));
  assert.is(mapped!.storeHost, "10.1.2.3:9");
  assert.is(mapped!.offsetMsgId, "0A010203000000090000000000000001");
});

s("zlib bodies inflate (type 3 and legacy 0) and the compressed bit is cleared", () => {
  const body = utf8.encode("x".repeat(10_000) + "é");
  for (const compressionType of [3, 0]) {
    const bytes = encodeStoredMessage({ topic: "t", body, compress: true, compressionType });
    assert.ok(bytes.length < 1000, "stored body is compressed");
    const [m] = decodeMessages(bytes);
    assert.equal(Array.from(m!.body), Array.from(body));
    assert.is(m!.sysFlag & MessageSysFlag.COMPRESSED, 0);
    assert.is(m!.body.constructor, Uint8Array);
  }
});

s("LZ4 and ZSTD bodies decompress and the compressed bit is cleared", () => {
  const body = utf8.encode("abc".repeat(5000) + "é");
  for (const type of [1, 2]) {
    const bytes = encodeStoredMessage({ topic: "t", body, compress: true, compressionType: type });
    assert.ok(bytes.length < 1000, "stored body is compressed");
    const [m] = decodeMessages(bytes);
    assert.is(m!.decodeError, undefined);
    assert.equal(Array.from(m!.body), Array.from(body));
    assert.is(m!.sysFlag & MessageSysFlag.COMPRESSED, 0);
    assert.is(m!.sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK, type << 8);
  }
});

s("a body no codec can decode comes back as stored with decodeError, and the next message still decodes", () => {
  const bad = [
    { why: /unknown codec 5/, fields: { compressionType: 5 } },
    { why: /unknown codec 7/, fields: { compressionType: 7 } },
    { why: /zlib/, fields: { compressionType: 3 } },
    { why: /zlib/, fields: { compressionType: 0 } },
    { why: /LZ4/, fields: { compressionType: 1 } },
    { why: /ZSTD/, fields: { compressionType: 2 } },
  ];
  for (const { why, fields } of bad) {
    // the codec bits set by hand over bytes no codec wrote
    const raw = utf8.encode("not compressed by anything");
    const sysFlag = MessageSysFlag.COMPRESSED | (fields.compressionType << 8);
    const bytes = encodeStoredMessages([
      { topic: "t", queueOffset: 1, body: utf8.encode("before") },
      { topic: "t", queueOffset: 2, sysFlag, body: raw, properties: { TAGS: "x", KEYS: "k" } },
      { topic: "t", queueOffset: 3, body: utf8.encode("after") },
    ]);
    const ms = decodeMessages(bytes);
    assert.equal(ms.map((m) => m.queueOffset), [1, 2, 3]);
    assert.equal(ms.map((m) => m.decodeError === undefined), [true, false, true]);
    const m = ms[1]!;
    assert.instance(m.decodeError, ProtocolError);
    assert.match(m.decodeError!.message, why);
    assert.equal(Array.from(m.body), Array.from(raw), "the stored bytes, as stored");
    assert.is(m.sysFlag, sysFlag, "stored sysFlag, compressed bit kept");
    assert.is(m.tags, "x");
    assert.equal(m.keys, ["k"]);
    assert.is(new TextDecoder().decode(ms[2]!.body), "after");
  }
});

s("truncated and bit-flipped zlib, LZ4 and ZSTD bodies: decodeError with the codec's error as cause", () => {
  const original = utf8.encode("corrupt me ".repeat(300));
  for (const type of [3, 1, 2]) {
    const { body, sysFlagBits } = compressBody(original, type, 5);
    const truncated = body.subarray(0, body.length - 3);
    const flippedMagic = body.slice();
    flippedMagic[1]! ^= 0xff;
    for (const [name, broken] of [["truncated", truncated], ["bad header", flippedMagic]] as const) {
      const [m] = decodeMessages(encodeStoredMessage({ topic: "t", sysFlag: sysFlagBits, body: broken }));
      assert.instance(m!.decodeError, ProtocolError, `codec ${type} ${name}`);
      assert.ok(m!.decodeError!.cause !== undefined, `codec ${type} ${name}: cause kept`);
      assert.equal(Array.from(m!.body), Array.from(broken));
    }
  }
});

s("a body that decompresses beyond maxInflatedBytes is refused, for every codec", () => {
  for (const type of [3, 0, 1, 2]) {
    const bytes = encodeStoredMessage({ topic: "t", body: new Uint8Array(100_000), compress: true, compressionType: type });
    assert.is(decodeMessages(bytes, { maxInflatedBytes: 100_000 })[0]!.body.length, 100_000);
    const [m] = decodeMessages(bytes, { maxInflatedBytes: 99_999 });
    assert.instance(m!.decodeError, ProtocolError, `codec ${type}`);
    assert.ok(m!.body.length < 1000, "the stored (compressed) body");
  }
});

s("inner batch: one stored entry unwraps into messages at base, base+1, ... (also when compressed)", () => {
  for (const compress of [false, true]) {
    const bytes = encodeStoredMessages([
      { topic: "b", queueOffset: 100, commitLogOffset: 5000, innerBatch: [
        { body: utf8.encode("one"), properties: { TAGS: "x", UNIQ_KEY: "ID1" } },
        { body: utf8.encode("two"), flag: 9, properties: { KEYS: "a b" } },
      ], compress },
      { topic: "b", queueOffset: 102, commitLogOffset: 6000, body: utf8.encode("three") },
    ]);
    const ms = decodeMessages(bytes);
    assert.equal(ms.map((m) => m.queueOffset), [100, 101, 102]);
    assert.equal(ms.map((m) => new TextDecoder().decode(m.body)), ["one", "two", "three"]);
    assert.equal(ms.map((m) => m.msgId), ["ID1", ms[1]!.offsetMsgId, ms[2]!.offsetMsgId]);
    assert.is(ms[0]!.offsetMsgId, ms[1]!.offsetMsgId);
    assert.is(ms[0]!.tags, "x");
    assert.equal(ms[1]!.keys, ["a", "b"]);
    assert.is(ms[1]!.flag, 9);
  }
});

s("only INNER_BATCH together with NEED_UNWRAP unwraps", () => {
  const body = utf8.encode("not a batch");
  const [m] = decodeMessages(encodeStoredMessage({ topic: "t", sysFlag: MessageSysFlag.INNER_BATCH, body }));
  assert.equal(Array.from(m!.body), Array.from(body));
});

s("properties: unicode, duplicates (last wins), empty entries skipped, __proto__ kept as data", () => {
  const props = "ключ\u0001значение 🚀\u0002__proto__\u0001p\u0002\u0001novalue\u0002empty\u0001\u0002k\u0001a\u0002k\u0001b\u0002";
  const bytes = encodeStoredMessage({ topic: "t" });
  // replace the empty properties with raw text, fixing the total size
  const raw = utf8.encode(props);
  const out = new Uint8Array(bytes.length + raw.length);
  out.set(bytes);
  out.set(raw, bytes.length);
  const view = new DataView(out.buffer);
  view.setInt32(0, out.length);
  view.setUint16(bytes.length - 2, raw.length);
  const [m] = decodeMessages(out);
  assert.equal(m!.properties, Object.defineProperty({ "ключ": "значение 🚀", k: "b" } as Record<string, string>, "__proto__", {
    value: "p", enumerable: true, writable: true, configurable: true,
  }));
  assert.is(Object.getPrototypeOf(m!.properties), Object.prototype);
});

s("msgId is UNIQ_KEY when present; transactionId only for TRAN_MSG=true (any case)", () => {
  const ms = decodeMessages(encodeStoredMessages([
    { topic: "t", properties: { [MessageConst.UNIQ_KEY]: "U1", [MessageConst.TRAN_MSG]: "TRUE" } },
    { topic: "t", properties: { [MessageConst.UNIQ_KEY]: "U2", [MessageConst.TRAN_MSG]: "false" } },
    { topic: "t", commitLogOffset: 77 },
  ]));
  assert.equal(ms.map((m) => [m.msgId, m.transactionId]), [["U1", "U1"], ["U2", undefined], ["7F00000100002A9F000000000000004D", undefined]]);
});

s("an empty pull body decodes to no messages", () => {
  assert.equal(decodeMessages(new Uint8Array(0)), []);
});

s("many messages keep topic and host strings right when they change between messages", () => {
  const list = Array.from({ length: 50 }, (_, i) => ({
    topic: i % 3 === 0 ? "alpha" : i % 3 === 1 ? "alphb" : "beta",
    bornHost: `10.0.0.${i % 4}:${1000 + (i % 2)}`,
    storeHost: i % 5 === 0 ? "127.0.0.1:10911" : "127.0.0.2:10911",
    commitLogOffset: i,
  }));
  const ms = decodeMessages(encodeStoredMessages(list));
  assert.equal(ms.map((m) => [m.topic, m.bornHost, m.storeHost]), list.map((f) => [f.topic, f.bornHost, f.storeHost]));
  assert.equal(ms.map((m) => m.offsetMsgId.slice(0, 8)), list.map((f) => (f.storeHost.endsWith("1:10911") ? "7F000001" : "7F000002")));
});

s.run();
