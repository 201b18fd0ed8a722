/**
 * The message rules against the real broker, per transport: every refused
 * input is refused with the rule's InputError (the broker would answer with a
 * BrokerError, or store it), the boundary values themselves (128 properties,
 * 16 KiB of properties, tag and keys, a 4 MiB body) are stored exactly as
 * written, and a stream of good, good, bad stores the two good records. The
 * topic is read back with the toolkit's source afterwards: it holds exactly
 * the accepted messages, nothing of the refused ones.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { InputError } from "../../src/errors.ts";
import { createMessageSink } from "../../src/writable/create-sink.ts";
import { DEFAULT_MAX_MESSAGE_BYTES, MAX_USER_PROPERTIES, MAX_USER_PROPERTY_BYTES } from "../../src/writable/message-rules.ts";
import type { OutgoingMessage } from "../../src/writable/outgoing-message.ts";
import { cluster, createTopic, randomName } from "../fixture/broker.ts";
import { readTopicWithSource, userProperties } from "./source-readback.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Exactly MAX_USER_PROPERTY_BYTES of UTF-8 over names, values, tag and keys, with multi-byte characters. */
function fullProperties(id: string): OutgoingMessage {
  const tags = "tägA"; // 5 bytes
  const keys = [`k-${id}`];
  const used = encoder.encode(tags).byteLength + encoder.encode(keys[0]!).byteLength + encoder.encode("id").byteLength + encoder.encode(id).byteLength
    + encoder.encode("big").byteLength;
  const rest = MAX_USER_PROPERTY_BYTES - used;
  const value = "ü".repeat(Math.floor(rest / 2)) + "x".repeat(rest % 2);
  const total = [tags, ...keys, "id", id, "big", value].reduce((n, t) => n + encoder.encode(t).byteLength, 0);
  assert.is(total, MAX_USER_PROPERTY_BYTES, "the message sits exactly at the limit");
  return { topic: "", body: encoder.encode(`full ${id}`), tags, keys, properties: { id, big: value } };
}

function manyProperties(id: string): OutgoingMessage {
  const properties: Record<string, string> = { id };
  for (let i = 1; i < MAX_USER_PROPERTIES; i++) properties[`p${i}`] = `v${i} ✓`;
  return { topic: "", body: encoder.encode(`many ${id}`), properties };
}

function bigBody(id: string): OutgoingMessage {
  const body = new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES);
  for (let i = 0; i < body.length; i += 4096) body[i] = (i / 4096) % 251;
  body.set(encoder.encode(`big ${id}`));
  return { topic: "", body, properties: { id } };
}

const refusedInputs: [string, Partial<OutgoingMessage>][] = [
  ["empty body", { body: new Uint8Array(0) }],
  ["body over 4 MiB", { body: new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 1) }],
  ["reserved TTL", { properties: { TTL: "60" } }],
  ["reserved TIMER_DELAY_LEVEL", { properties: { TIMER_DELAY_LEVEL: "3" } }],
  ["reserved MSG_TYPE", { properties: { MSG_TYPE: "NORMAL" } }],
  ["reserved __CRC32#", { properties: { "__CRC32#": "1" } }],
  ["empty property value", { properties: { a: "" } }],
  ["empty property name", { properties: { "": "v" } }],
  ["separator in a value", { properties: { a: "x\u0001y" } }],
  ["newline in a value", { properties: { a: "x\ny" } }],
  ["129 properties", { properties: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`p${i}`, "v"])) }],
  ["10,000 properties", { properties: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, "v"])) }],
  ["16 KiB + 1 of properties", { properties: { a: "v".repeat(MAX_USER_PROPERTY_BYTES) } }],
];

const s = suite("message rules on the real broker");

for (const kind of ["remoting", "grpc"] as const) {
  s(`${kind}: refused inputs never reach the broker; the boundaries are stored exactly as written`, async () => {
    const { namesrv, endpoints } = cluster();
    const topic = randomName(`rules_${kind}`);
    createTopic(topic, 2);
    const options = kind === "remoting" ? { nameServerAddress: namesrv } : { endpoints };
    const expected = new Map<string, OutgoingMessage>();

    const sink = createMessageSink({ ...options, sendTimeoutMs: 30_000 });
    try {
      for (const make of [fullProperties, manyProperties, bigBody]) {
        const m = { ...make(`${make.name}-${kind}`), topic };
        await sink.write([m]);
        expected.set(m.properties!.id!, m);
      }
      for (const [label, bad] of refusedInputs) {
        const err = await sink.write([{ topic, body: encoder.encode(label), ...bad }]).then(() => "stored", (e: unknown) => e);
        assert.instance(err, InputError, `${kind}: ${label} is refused by the rules, got ${String(err)}`);
      }
    } finally {
      await sink.close();
    }

    // good, good, bad in one stream, in each mode
    for (const mode of ["sync", "async", "batch"] as const) {
      const streamSink = createMessageSink(options);
      if (mode === "async") streamSink.withAsync(true);
      if (mode === "batch") streamSink.withBatchFlushOnCheckpoint(true);
      const writer = streamSink.writable().getWriter();
      const goods = [1, 2].map((i): OutgoingMessage => ({ topic, body: encoder.encode(`good ${mode} ${i}`), properties: { id: `good-${mode}-${i}` } }));
      const w = goods.map((g) => writer.write(g));
      const bad = await writer.write({ topic, body: encoder.encode("bad"), properties: { POP_CK: "x" } }).then(() => "written", (e: unknown) => e);
      await Promise.all(w);
      assert.instance(bad, InputError, `${kind} ${mode}: the bad record`);
      assert.is(await writer.closed.then(() => "closed", (e: unknown) => e), bad, `${kind} ${mode}: the stream errored with it`);
      for (const g of goods) expected.set(g.properties!.id!, g);
    }

    const stored = await readTopicWithSource(namesrv, topic);
    const byId = new Map(stored.map((r) => [r.properties.id ?? `no id: ${decoder.decode(r.value.subarray(0, 40))}`, r]));
    assert.equal([...byId.keys()].sort(), [...expected.keys()].sort(), `${kind}: exactly the accepted messages are stored`);
    assert.is(stored.length, expected.size, `${kind}: each once`);
    for (const [id, m] of expected) {
      const r = byId.get(id)!;
      assert.ok(Buffer.from(r.value).equals(Buffer.from(m.body)), `${kind} ${id}: body (${r.value.byteLength} bytes) as written`);
      assert.equal(userProperties(r.properties), userProperties(m.properties!), `${kind} ${id}: properties as written`);
      if (m.tags !== undefined) assert.is(r.tags, m.tags, `${kind} ${id}: tag`);
      if (m.keys !== undefined) assert.equal([...r.keys], [...m.keys], `${kind} ${id}: keys`);
    }
    assert.is(Object.keys(userProperties(byId.get(`manyProperties-${kind}`)!.properties)).length, MAX_USER_PROPERTIES);
  });
}

s.run();
