import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import {
  BytesDeserializationSchema,
  BytesSerializationSchema,
  firstInvalidUtf8Byte,
  SimpleStringDeserializationSchema,
  SimpleStringSerializationSchema,
  Utf8DeserializationSchema,
  Utf8SerializationSchema,
} from "../../src/serde/bytes.ts";
import { left, meta, right, utf8 } from "./helpers.ts";

const s = suite("serde/bytes and strings");

s("raw bytes pass through both ways, the deserializer returns the same view", () => {
  const body = new Uint8Array([0, 1, 2, 255]);
  assert.is(right(BytesDeserializationSchema.deserialize(undefined, body, meta)), body);
  const out = right(BytesSerializationSchema.serialize(body));
  assert.is(out.value, body);
  assert.is(out.key, undefined);
});

s("raw bytes serializer refuses a non-Uint8Array, naming field and value", () => {
  const err = left(BytesSerializationSchema.serialize("abc" as unknown as Uint8Array));
  assert.is(err.message, 'value: expected a Uint8Array, got "abc"');
});

s("UTF-8 round trip on generated strings (1000 runs)", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 64 }), (text) => {
      const bytes = right(Utf8SerializationSchema.serialize(text)).value;
      assert.equal(bytes, utf8(text));
      assert.is(right(Utf8DeserializationSchema.deserialize(undefined, bytes, meta)), text);
    }),
    { numRuns: 1000 },
  );
});

s("UTF-8 keeps a leading byte order mark (bytes round trip exactly)", () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x61]);
  assert.is(right(Utf8DeserializationSchema.deserialize(undefined, bytes, meta)), "\uFEFFa");
});

s("invalid UTF-8 is a DecodeError naming the field, the byte offset and the bytes", () => {
  const bytes = new Uint8Array([0x68, 0x69, 0xff, 0x21]);
  const err = left(Utf8DeserializationSchema.deserialize(undefined, bytes, meta));
  assert.is(err._tag, "DecodeError");
  assert.is(err.field, "value");
  assert.is(err.value, "<4 bytes: 68 69 ff 21>");
  assert.is(err.message, "value: invalid UTF-8 at byte 2, got <4 bytes: 68 69 ff 21>");
});

s("invalid UTF-8 offsets: overlong, surrogate, truncated, beyond U+10FFFF", () => {
  assert.is(firstInvalidUtf8Byte(new Uint8Array([0x41, 0xc0, 0x80])), 1); // overlong NUL
  assert.is(firstInvalidUtf8Byte(new Uint8Array([0xed, 0xa0, 0x80])), 0); // U+D800
  assert.is(firstInvalidUtf8Byte(new Uint8Array([0x41, 0x42, 0xe2, 0x82])), 2); // truncated €
  assert.is(firstInvalidUtf8Byte(new Uint8Array([0xf4, 0x90, 0x80, 0x80])), 0); // U+110000
  assert.is(firstInvalidUtf8Byte(utf8("ok € 😀")), -1);
});

s("firstInvalidUtf8Byte agrees with TextDecoder's fatal mode on random bytes (1000 runs)", () => {
  const strict = new TextDecoder("utf-8", { fatal: true });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
      let valid = true;
      try { strict.decode(bytes); } catch { valid = false; }
      assert.is(firstInvalidUtf8Byte(bytes) === -1, valid);
    }),
    { numRuns: 1000 },
  );
});

s("the preview of a large body is bounded", () => {
  const bytes = new Uint8Array(5000).fill(0xff);
  const err = left(Utf8DeserializationSchema.deserialize(undefined, bytes, meta));
  assert.ok(err.value.startsWith("<5000 bytes: ff ff"));
  assert.ok(err.value.endsWith(" …>"));
  assert.ok(err.message.length < 200, err.message);
});

s("strict UTF-8 serializer refuses a lone surrogate; the seed's simple string writes U+FFFD", () => {
  const err = left(Utf8SerializationSchema.serialize("a\uD800b"));
  assert.is(err.message, 'value: lone UTF-16 surrogate at index 1 has no UTF-8 form, got "a\\ud800b"');
  const bytes = right(SimpleStringSerializationSchema.serialize("a\uD800b")).value;
  assert.equal([...bytes], [0x61, 0xef, 0xbf, 0xbd, 0x62]);
});

s("SimpleString is lenient like Java's new String(bytes, UTF_8) and round trips valid text", () => {
  assert.is(right(SimpleStringDeserializationSchema.deserialize(undefined, new Uint8Array([0x61, 0xff]), meta)), "a\uFFFD");
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 32 }), (text) => {
      const { value } = right(SimpleStringSerializationSchema.serialize(text));
      assert.is(right(SimpleStringDeserializationSchema.deserialize(undefined, value, meta)), text);
    }),
    { numRuns: 1000 },
  );
});

s("string serializers refuse non-strings", () => {
  assert.is(left(Utf8SerializationSchema.serialize(42 as unknown as string)).message, "value: expected a string, got 42");
  assert.is(left(SimpleStringSerializationSchema.serialize(null as unknown as string)).message, "value: expected a string, got null");
});

s.run();
