import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { InputError } from "../../src/errors.ts";
import {
  SimpleKeyValueDeserializationSchema,
  SimpleKeyValueSerializationSchema,
} from "../../src/serde/simple-key-value.ts";
import { left, meta, right, utf8 } from "./helpers.ts";

const s = suite("serde/SimpleKeyValue");
const decode = (f = SimpleKeyValueDeserializationSchema("id", "address")) => f;

s("deserializes key and value into the seed's map (\"id\", \"address\")", () => {
  const map = right(decode().deserialize(utf8("42"), utf8("Main St 1"), meta));
  assert.equal(map, { id: "42", address: "Main St 1" });
});

s("a record without a key gives a map without the key field", () => {
  assert.equal(right(decode().deserialize(undefined, utf8("x"), meta)), { address: "x" });
});

s("defaults are the Flink connector's \"key\" and \"value\"", () => {
  assert.equal(right(SimpleKeyValueDeserializationSchema().deserialize(utf8("k"), utf8("v"), meta)), { key: "k", value: "v" });
  const out = right(SimpleKeyValueSerializationSchema().serialize({ key: "k", value: "v" }));
  assert.equal(out, { key: utf8("k"), value: utf8("v") });
});

s("invalid UTF-8 in the key or value names that field", () => {
  const bad = new Uint8Array([0xc3]);
  assert.is(left(decode().deserialize(utf8("1"), bad, meta)).message, "address: invalid UTF-8 at byte 0, got <1 bytes: c3>");
  assert.is(left(decode().deserialize(bad, utf8("ok"), meta)).message, "id: invalid UTF-8 at byte 0, got <1 bytes: c3>");
});

s("serialize then deserialize gives the map back (1000 runs)", () => {
  const ser = SimpleKeyValueSerializationSchema("id", "address");
  const text = fc.string({ unit: "binary", maxLength: 32 });
  fc.assert(
    fc.property(fc.record({ id: text, address: text }, { requiredKeys: ["address"], noNullPrototype: true }), (map) => {
      const { key, value } = right(ser.serialize(map));
      assert.equal(right(decode().deserialize(key, value, meta)), map);
    }),
    { numRuns: 1000 },
  );
});

s("numbers, booleans and bigints are written with String(), like the connector's toString()", () => {
  const out = right(SimpleKeyValueSerializationSchema("id", "n").serialize({ id: 7, n: 10n }));
  assert.equal(out, { key: utf8("7"), value: utf8("10") });
});

s("a missing value field is an EncodeError naming the field and the record", () => {
  const err = left(SimpleKeyValueSerializationSchema("id", "address").serialize({ id: "1" }));
  assert.is(err._tag, "EncodeError");
  assert.is(err.field, "address");
  assert.is(err.message, 'address: value field "address" is missing from the record, got {"id":"1"}');
});

s("an inherited property does not count as the field", () => {
  const err = left(SimpleKeyValueSerializationSchema("id", "toString").serialize({ id: "1" }));
  assert.is(err.field, "toString");
});

s("an object-valued field is refused with its value", () => {
  const err = left(SimpleKeyValueSerializationSchema("id", "address").serialize({ address: { street: "x" } }));
  assert.is(err.message, 'address: expected a string, number, boolean or bigint, got {"street":"x"}');
});

s("bad field names are refused at construction", () => {
  assert.throws(() => SimpleKeyValueDeserializationSchema("id", "id"), (e: unknown) => e instanceof InputError && /must differ/.test(e.message));
  assert.throws(() => SimpleKeyValueSerializationSchema("", "v"), (e: unknown) => e instanceof InputError && e.field === "keyField");
});

s.run();
