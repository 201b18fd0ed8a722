import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as E from "fp-ts/lib/Either.js";
import * as O from "fp-ts/lib/Option.js";
import { DecodeFailedError, EncodeFailedError, ErrorCodes, InputError } from "../../src/errors.ts";
import { assertDeserializationSchema, assertSerializationSchema } from "../../src/serde/assert-schema.ts";
import { Utf8DeserializationSchema } from "../../src/serde/bytes.ts";
import { decodeError, encodeError, toDecodeFailedError, toEncodeFailedError } from "../../src/serde/decode-error.ts";
import { applyDecodePolicy, decodeBatch, DecodeFailurePolicyCodec } from "../../src/serde/decode-policy.ts";
import { left, meta, right, utf8 } from "./helpers.ts";

const s = suite("serde/decode policy and checks");

interface Msg { body: Uint8Array; offset: number }
const msgs: Msg[] = [
  { body: utf8("a"), offset: 0 },
  { body: new Uint8Array([0xff]), offset: 1 },
  { body: utf8("c"), offset: 2 },
  { body: new Uint8Array([0xfe]), offset: 3 },
];
const decode = (m: Msg) => Utf8DeserializationSchema.deserialize(undefined, m.body, { ...meta, queueOffset: m.offset });

s("decodeBatch fail: stops at the first bad record and returns it with the values before it", () => {
  const batch = decodeBatch(msgs, decode, "fail");
  assert.equal(batch.values, ["a"]);
  assert.is(batch.failed!.record.offset, 1);
  assert.is(batch.failed!.error.message, "value: invalid UTF-8 at byte 0, got <1 bytes: ff>");
  assert.is(decodeBatch([msgs[0]!, msgs[2]!], decode, "fail").failed, undefined);
  assert.equal(decodeBatch([msgs[1]!, msgs[0]!], decode, "fail").values, []);
});

s("decodeBatch skip: drops and counts", () => {
  const batch = decodeBatch(msgs, decode, "skip");
  assert.equal(batch.values, ["a", "c"]);
  assert.is(batch.skipped, 2);
  assert.is(batch.deadLetters.length, 0);
  assert.is(batch.failed, undefined);
});

s("decodeBatch dead-letter: hands back the raw records with their errors, in order", () => {
  const batch = decodeBatch(msgs, decode, "dead-letter");
  assert.equal(batch.values, ["a", "c"]);
  assert.is(batch.skipped, 0);
  assert.equal(batch.deadLetters.map((d) => d.record.offset), [1, 3]);
  assert.is(batch.deadLetters[1]!.error.value, "<1 bytes: fe>");
});

s("applyDecodePolicy: emit, hooks per policy, Left under fail", () => {
  const seen: string[] = [];
  const hooks = { onSkip: () => seen.push("skip"), onDeadLetter: (f: { record: Msg }) => seen.push(`dlq ${f.record.offset}`) };
  assert.equal(applyDecodePolicy("fail", decode(msgs[0]!), msgs[0]!, hooks), E.right(O.some("a")));
  assert.equal(applyDecodePolicy("skip", decode(msgs[1]!), msgs[1]!, hooks), E.right(O.none));
  assert.equal(applyDecodePolicy("dead-letter", decode(msgs[3]!), msgs[3]!, hooks), E.right(O.none));
  assert.equal(seen, ["skip", "dlq 3"]);
  const failed = left(applyDecodePolicy("fail", decode(msgs[1]!), msgs[1]!, hooks));
  assert.is(failed.record, msgs[1]);
  assert.equal(seen, ["skip", "dlq 3"]);
});

s("policy codec accepts the three policies and names a bad one", () => {
  assert.is(right(DecodeFailurePolicyCodec.decode("dead-letter")), "dead-letter");
  assert.ok(E.isLeft(DecodeFailurePolicyCodec.decode("ignore")));
});

s("toDecodeFailedError carries code, field, value, location and raw bytes", () => {
  const raw = new Uint8Array([0xff]);
  const err = toDecodeFailedError(decodeError("value", raw, "invalid UTF-8 at byte 0"), meta, raw);
  assert.instance(err, DecodeFailedError);
  assert.is(err.code, ErrorCodes.DECODE_FAILED);
  assert.is(err.field, "value");
  assert.is(err.value, "<1 bytes: ff>");
  assert.is(err.raw, raw);
  assert.equal(err.location, { topic: "orders", brokerName: "broker-a", queueId: 3, queueOffset: 1234, msgId: "7F0000010001" });
  assert.is(err.message, "cannot decode record: value: invalid UTF-8 at byte 0, got <1 bytes: ff> (topic orders, broker broker-a, queue 3, offset 1234, msgId 7F0000010001)");
  const enc = toEncodeFailedError(encodeError("address", { id: "1" }, "missing"));
  assert.instance(enc, EncodeFailedError);
  assert.is(enc.code, ErrorCodes.ENCODE_FAILED);
  assert.is(enc.message, 'cannot encode record: address: missing, got {"id":"1"}');
});

s("assertDeserializationSchema / assertSerializationSchema name what is missing", () => {
  assertDeserializationSchema(Utf8DeserializationSchema);
  class Custom { serialize() { return E.right({ value: new Uint8Array() }); } }
  assertSerializationSchema(new Custom());
  const check = (fn: () => void, message: string) =>
    assert.throws(fn, (e: unknown) => e instanceof InputError && e.message === message, message);
  check(() => assertDeserializationSchema({ deserialise: () => 1 }), "deserializer must have deserialize(key, value, meta): deserialize is missing");
  check(() => assertDeserializationSchema({ deserialize: "x" }, "options.deserializer"), "options.deserializer must have deserialize(key, value, meta): deserialize is string");
  check(() => assertSerializationSchema(null), "serializer must be an object with serialize(value), got null");
  check(() => assertSerializationSchema(42), "serializer must be an object with serialize(value), got number");
});

s.run();
