import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as t from "io-ts";
import { JsonDeserializationSchema, JsonSerializationSchema } from "../../src/serde/json.ts";
import { left, meta, right, utf8 } from "./helpers.ts";

const s = suite("serde/JSON with io-ts");

const User = t.type({ user: t.type({ id: t.number, name: t.string }), tags: t.array(t.string) });
type User = t.TypeOf<typeof User>;
const de = JsonDeserializationSchema(User);
const ser = JsonSerializationSchema(User);

s("decodes a valid document", () => {
  const doc = { user: { id: 1, name: "ann" }, tags: ["a"] };
  assert.equal(right(de.deserialize(undefined, utf8(JSON.stringify(doc)), meta)), doc);
});

s("a codec mismatch carries the io-ts path, the expected type and the value", () => {
  const err = left(de.deserialize(undefined, utf8('{"user":{"id":"x","name":"ann"},"tags":[]}'), meta));
  assert.is(err.field, "value.user.id");
  assert.is(err.value, '"x"');
  assert.is(err.message, 'value.user.id: expected number, got "x"');
});

s("array positions are shown as [i]; several errors are listed, bounded", () => {
  const err = left(de.deserialize(undefined, utf8('{"user":{"id":1,"name":2},"tags":["a",3]}'), meta));
  assert.is(err.message, "value.user.name: expected string, got 2; value.tags[1]: expected string, got 3");
  const many = left(de.deserialize(undefined, utf8("{}"), meta));
  assert.is(many.message, "value.user: expected { id: number, name: string }, got undefined; value.tags: expected Array<string>, got undefined");
});

s("union members do not appear in the path", () => {
  const codec = t.type({ a: t.union([t.number, t.type({ b: t.string })]) });
  const err = left(JsonDeserializationSchema(codec).deserialize(undefined, utf8('{"a":{"b":1}}'), meta));
  assert.ok(err.message.startsWith("value.a: expected number, got {\"b\":1}; value.a.b: expected string, got 1"), err.message);
});

s("a JSON syntax error names the field and the text", () => {
  const err = left(de.deserialize(undefined, utf8('{"user": '), meta));
  assert.is(err.field, "value");
  assert.is(err.value, '"{\\"user\\": "');
  assert.match(err.message, /^value: invalid JSON \(.+\), got "\{\\"user\\": "$/);
});

s("invalid UTF-8 is reported before JSON is tried", () => {
  assert.is(left(de.deserialize(undefined, new Uint8Array([0x7b, 0xfe]), meta)).message, "value: invalid UTF-8 at byte 1, got <2 bytes: 7b fe>");
});

s("serialize then deserialize gives the value back (1000 runs)", () => {
  const user = fc.record({
    user: fc.record({ id: fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)), name: fc.string({ unit: "binary" }) }, { noNullPrototype: true }),
    tags: fc.array(fc.string({ unit: "binary", maxLength: 8 }), { maxLength: 4 }),
  }, { noNullPrototype: true });
  fc.assert(
    fc.property(user, (u: User) => {
      const { value, key } = right(ser.serialize(u));
      assert.is(key, undefined);
      assert.equal(right(de.deserialize(undefined, value, meta)), u);
    }),
    { numRuns: 1000 },
  );
});

s("the codec's encode is used (NumberFromString-like codecs write their output type)", () => {
  const Cents = new t.Type<number, string, unknown>(
    "Cents",
    (u): u is number => typeof u === "number",
    (u, c) => (typeof u === "string" && /^\d+$/.test(u) ? t.success(Number(u)) : t.failure(u, c)),
    (n) => String(n),
  );
  const codec = t.type({ price: Cents });
  const bytes = right(JsonSerializationSchema(codec).serialize({ price: 250 })).value;
  assert.is(new TextDecoder().decode(bytes), '{"price":"250"}');
  assert.equal(right(JsonDeserializationSchema(codec).deserialize(undefined, bytes, meta)), { price: 250 });
});

s("serializing a value that does not match the codec is an EncodeError", () => {
  const err = left(ser.serialize({ user: { id: "1" } } as unknown as User));
  assert.is(err.message, 'value: expected { user: { id: number, name: string }, tags: Array<string> }, got {"user":{"id":"1"}}');
});

s("a value JSON cannot write is an EncodeError, not a throw", () => {
  const err = left(JsonSerializationSchema(t.unknown).serialize({ n: 1n }));
  assert.is(err.field, "value");
  assert.match(err.message, /^value: not JSON-serializable \(.*\), got \{"n":/);
  assert.is(left(JsonSerializationSchema(t.unknown).serialize(undefined)).message, "value: JSON.stringify produced nothing, got undefined");
});

s.run();
