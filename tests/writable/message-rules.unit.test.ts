/**
 * The message rules (src/writable/message-rules.ts), rule by rule with the
 * siblings of each refused value and the exact boundaries; that both
 * transports apply them before they touch the network; and that a stream
 * that meets a refused record stores every record before it, in every mode.
 */
import { inspect } from "node:util";
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { InputError, TagInvalidError, TopicInvalidError } from "../../src/errors.ts";
import { GrpcProducerTransport } from "../../src/writable/grpc-producer-transport.ts";
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  MAX_SHARDING_KEY_BYTES,
  MAX_USER_PROPERTIES,
  MAX_USER_PROPERTY_BYTES,
  RESERVED_PROPERTY_NAMES,
  utf8Length,
  validateOutgoingMessage,
} from "../../src/writable/message-rules.ts";
import type { OutgoingMessage, SendReceipt } from "../../src/writable/outgoing-message.ts";
import type { ProducerTransport } from "../../src/writable/producer-transport.ts";
import { RemotingProducerTransport } from "../../src/writable/remoting-producer-transport.ts";
import { RocketMQSink } from "../../src/writable/rocketmq-sink.ts";

const body = new Uint8Array([1]);
const base = { topic: "orders", body };
const props = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, "v"]));

function refusal(msg: unknown, max?: number): InputError {
  try {
    validateOutgoingMessage(msg, max);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  assert.unreachable(`expected ${inspect(msg).slice(0, 200)} to be refused`);
  throw new Error("unreachable");
}

const accepts = (msg: unknown, max?: number) => assert.is(validateOutgoingMessage(msg, max), msg);

const s = suite("writable/message rules");

s("the reserved names are Java 5.5.0's STRING_HASH_SET (54) plus __SHARDINGKEY, each refused naming it", () => {
  assert.is(RESERVED_PROPERTY_NAMES.size, 55);
  for (const name of ["TIMER_DELAY_LEVEL", "MSG_TYPE", "__CRC32#", "TTL", "POP_CK", "KEYS", "TAGS", "DELAY", "UNIQ_KEY", "__LITE_TOPIC", "_SYS_MSG_PRIORITY_", "ORIGIN_GROUP", "1ST_POP_TIME"]) {
    assert.ok(RESERVED_PROPERTY_NAMES.has(name), name);
  }
  for (const name of RESERVED_PROPERTY_NAMES) {
    const err = refusal({ ...base, properties: { ok: "1", [name]: "x" } });
    assert.is(err.field, `properties.${name}`);
    assert.match(err.message, /reserves for itself/);
  }
  // siblings that are not reserved: other case, a longer name
  accepts({ ...base, properties: { ttl: "1", TTL_X: "1", Tags: "a", "__CRC32": "x" } });
});

s("property names and values: empty, blank (Java's trim) and control characters refused; other unicode accepted", () => {
  for (const bad of ["", " ", "   ", "\u0000", " \u0001 "]) {
    assert.match(refusal({ ...base, properties: { [bad]: "v" } }).message, /names must not be empty or blank/);
    assert.match(refusal({ ...base, properties: { n: bad } }).message, /must not be empty or blank/);
  }
  for (const ctl of ["\u0001", "\u0002", "\n", "\t", "\u001f", "\u007f", "\u0080", "\u0085", "\u009f"]) {
    assert.match(refusal({ ...base, properties: { [`a${ctl}b`]: "v" } }).message, /control characters/, JSON.stringify(ctl));
    const err = refusal({ ...base, properties: { n: `a${ctl}b` } });
    assert.is(err.field, "properties.n");
    assert.match(err.message, /control characters/);
  }
  for (const bad of [1, null, true, {}]) assert.is(refusal({ ...base, properties: { n: bad } }).field, "properties.n");
  for (const bad of ["x", 1, ["a"], null]) assert.is(refusal({ ...base, properties: bad }).field, "properties");
  accepts({ ...base, properties: { "ünï cödé": " a b ", "\u00a0x": "\u00a0", emoji: "✓🚀", "a=b": "c:d;e" } });
});

s(`at most ${MAX_USER_PROPERTIES} properties: exactly that many is accepted, one more (or 10,000) refused`, () => {
  assert.is(MAX_USER_PROPERTIES, 128);
  accepts({ ...base, properties: props(128) });
  for (const n of [129, 10_000]) {
    const err = refusal({ ...base, properties: props(n) });
    assert.is(err.field, "properties");
    assert.match(err.message, new RegExp(`"${n} properties".*|at most 128`));
  }
});

s(`at most ${MAX_USER_PROPERTY_BYTES} bytes of names, values, tag and keys (UTF-8), counted as the proxy does`, () => {
  assert.is(MAX_USER_PROPERTY_BYTES, 16384);
  accepts({ ...base, properties: { a: "v".repeat(16383) } });
  assert.match(refusal({ ...base, properties: { a: "v".repeat(16384) } }).message, /16384 bytes of UTF-8.*got "16385 bytes"/);
  // two bytes per é
  accepts({ ...base, properties: { a: "é".repeat(8191) + "v" } });
  refusal({ ...base, properties: { a: "é".repeat(8192) } });
  // the tag and the keys count too
  accepts({ ...base, tags: "t", keys: ["k1", "k2"], properties: { a: "v".repeat(16383 - 5) } });
  refusal({ ...base, tags: "t", keys: ["k1", "k2"], properties: { a: "v".repeat(16383 - 4) } });
  refusal({ ...base, keys: ["k".repeat(16385)] });
});

s("utf8Length counts what TextEncoder writes, lone surrogates included", () => {
  const encoder = new TextEncoder();
  for (const text of ["", "a", "é", "✓", "🚀", "\ud800", "\udc00x", "a\ud83d", "\ud83d\ude80\ud83d"]) {
    assert.is(utf8Length(text), encoder.encode(text).byteLength, JSON.stringify(text));
  }
  fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => utf8Length(text) === encoder.encode(text).byteLength), { numRuns: 500 });
  fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
    (text) => utf8Length(text) === encoder.encode(text).byteLength), { numRuns: 500 });
});

s("body: a non-empty Uint8Array of at most maxMessageBytes (default 4 MiB)", () => {
  assert.is(DEFAULT_MAX_MESSAGE_BYTES, 4 * 1024 * 1024);
  const empty = refusal({ topic: "orders", body: new Uint8Array(0) });
  assert.is(empty.field, "body");
  assert.match(empty.message, /must not be empty/);
  refusal({ topic: "orders", body: new Uint8Array(new ArrayBuffer(8), 8, 0) });
  for (const bad of ["text", [1], undefined, new ArrayBuffer(1)]) assert.is(refusal({ topic: "orders", body: bad }).field, "body");
  accepts({ topic: "orders", body: new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES) });
  assert.match(refusal({ topic: "orders", body: new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 1) }).message, /4194305 bytes, above the limit of 4194304/);
  accepts({ topic: "orders", body: new Uint8Array(10) }, 10);
  refusal({ topic: "orders", body: new Uint8Array(11) }, 10);
  accepts({ topic: "orders", body: Buffer.from("x") });
});

s("topic and tag follow the selectors' rules (one place), with their own InputError subclasses and codes", () => {
  for (const bad of ["", "my topic", "x".repeat(128), "TBW102", "rmq_sys_x", "%RETRY%g", 7]) {
    assert.throws(() => validateOutgoingMessage({ topic: bad, body }),
      (e: unknown) => e instanceof TopicInvalidError && e instanceof InputError && e.code === "TOPIC_INVALID" && e.field === "topic");
  }
  for (const bad of ["", " ", "a|b", "a||b", "a\nb", "a\u0085b", 7]) {
    assert.throws(() => validateOutgoingMessage({ ...base, tags: bad }),
      (e: unknown) => e instanceof TagInvalidError && e instanceof InputError && e.code === "TAG_INVALID" && e.field === "tags");
  }
  accepts({ topic: "x".repeat(127), body, tags: "tag A" });
});

s("keys: non-empty strings without whitespace or control characters", () => {
  for (const bad of [[""], [" "], ["a b"], ["a\tb"], ["a\u0001b"], ["a\u0085"], [1], "k"]) {
    assert.is(refusal({ ...base, keys: bad }).field, "keys", JSON.stringify(bad));
  }
  accepts({ ...base, keys: ["k1", "ключ", "a-b_c:d"] });
});

s(`shardingKey: not blank, no control characters, at most ${MAX_SHARDING_KEY_BYTES} bytes, no delay`, () => {
  accepts({ ...base, shardingKey: "k".repeat(63) });
  assert.match(refusal({ ...base, shardingKey: "k".repeat(64) }).message, /64 bytes of UTF-8, at most 63/);
  refusal({ ...base, shardingKey: "é".repeat(32) });
  for (const bad of ["", "  ", "a\nb", "a\u0001", 5]) assert.is(refusal({ ...base, shardingKey: bad }).field, "shardingKey");
  refusal({ ...base, shardingKey: "k", delayLevel: 2 });
  refusal({ ...base, shardingKey: "k", deliveryTimestamp: Date.now() + 1000 });
});

s("delayLevel 1..18 and deliveryTimestamp in epoch ms", () => {
  for (const bad of [0, 19, 1.5, "2"]) assert.is(refusal({ ...base, delayLevel: bad }).field, "delayLevel");
  accepts({ ...base, delayLevel: 1 });
  accepts({ ...base, delayLevel: 18 });
  for (const bad of [0, -1, 1.5, "1", Number.MAX_VALUE]) assert.is(refusal({ ...base, deliveryTimestamp: bad }).field, "deliveryTimestamp");
  for (const bad of [null, "m", 1]) assert.is(refusal(bad).field, "message");
});

s("a long value is shown truncated in the message, kept whole in `value`", () => {
  const long = `${"x".repeat(5000)}\n`;
  const err = refusal({ ...base, properties: { n: long } });
  assert.ok(err.message.length < 300, `message is ${err.message.length} chars`);
  assert.is(err.value, long);
});

// ---------------------------------------------------------------------------
// both transports, before the network: nothing listens on port 1, so a transport that tried to send would
// fail with a ConnectionError or a TimeoutError, not with the rule's InputError

const unreachable = "127.0.0.1:1";
const badMessages: OutgoingMessage[] = [
  { topic: "orders", body: new Uint8Array(0) },
  { ...base, properties: { TTL: "5" } },
  { ...base, properties: { n: "" } },
  { ...base, properties: { "": "v" } },
  { ...base, properties: { n: "a\u0001b" } },
  { ...base, properties: props(129) },
  { ...base, properties: { a: "v".repeat(16384) } },
];

s("both transports refuse every bad message with the rule's InputError, single and batch, before connecting", async () => {
  const transports: ProducerTransport[] = [
    new RemotingProducerTransport({ nameServerAddress: unreachable, producerGroup: "g", retryTimes: 0, sendTimeoutMs: 1000 }),
    new GrpcProducerTransport({ endpoints: unreachable, retryTimes: 0, sendTimeoutMs: 1000 }),
  ];
  try {
    for (const t of transports) {
      for (const bad of badMessages) {
        const single = await t.send(bad).then(() => "sent", (e: unknown) => e);
        assert.instance(single, InputError, `${t.kind} send ${inspect(bad).slice(0, 80)}`);
        const batch = await t.sendBatch!([base, bad]).then(() => "sent", (e: unknown) => e);
        assert.instance(batch, InputError, `${t.kind} sendBatch`);
      }
      const delay = await t.send({ ...base, delayLevel: 2 }).then(() => "sent", (e: unknown) => e);
      if (t.kind === "grpc") assert.is((delay as InputError).field, "delayLevel", "gRPC has no delay levels: refused as input");
    }
  } finally {
    for (const t of transports) await t.close();
  }
});

// ---------------------------------------------------------------------------
// the stream: good, good, bad

class StoringTransport implements ProducerTransport {
  readonly kind = "remoting" as const;
  stored: OutgoingMessage[] = [];
  closed = 0;
  async send(message: OutgoingMessage): Promise<SendReceipt> {
    await new Promise((r) => setTimeout(r, 1));
    this.stored.push(message);
    return { msgId: `id-${this.stored.length}`, topic: message.topic };
  }
  async sendBatch(messages: readonly OutgoingMessage[]): Promise<SendReceipt[]> {
    const receipts: SendReceipt[] = [];
    for (const m of messages) receipts.push(await this.send(m));
    return receipts;
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

for (const mode of ["sync", "async", "batch"] as const) {
  s(`${mode}: good, good, bad in one stream stores both good records, then errors with the InputError`, async () => {
    const transport = new StoringTransport();
    const sink = new RocketMQSink<OutgoingMessage>({ transport, toMessage: (m) => m });
    if (mode === "async") sink.withAsync(true);
    if (mode === "batch") sink.withBatchFlushOnCheckpoint(true);
    const writer = sink.writable().getWriter();
    const good = (i: number): OutgoingMessage => ({ topic: "orders", body: new Uint8Array([i]) });
    const w1 = writer.write(good(1));
    const w2 = writer.write(good(2));
    const w3 = writer.write({ ...good(3), properties: { TIMER_DELAY_LEVEL: "3" } }).then(() => "written", (e: unknown) => e);
    await Promise.all([w1, w2]);
    const err = await w3;
    assert.instance(err, InputError);
    assert.is((err as InputError).field, "properties.TIMER_DELAY_LEVEL");
    assert.equal(transport.stored.map((m) => m.body[0]), [1, 2], "both good records stored, the bad one never sent");
    assert.is(await writer.closed.then(() => "closed", (e: unknown) => e), err);
    assert.is(transport.closed, 1);
  });
}

s.run();
