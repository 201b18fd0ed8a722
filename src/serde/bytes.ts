/**
 * The byte-level instances: raw bytes, strict UTF-8, and the seed's lenient
 * simple string schemas.
 */
import * as E from "fp-ts/lib/Either.js";
import { type DecodeError, decodeError, type EncodeError, encodeError } from "./decode-error.ts";
import type { KeyValueDeserializationSchema, KeyValueSerializationSchema } from "./schema.ts";

// ---------------------------------------------------------------------------
// constructors (the codecs the instances share)

// One decoder per mode, reused: TextDecoder construction is not free and these
// are called per record. Without `stream: true` each call is independent.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * Decodes UTF-8, refusing invalid sequences: a `Left` that names `field`, the
 * offset of the first bad byte and the bytes themselves.
 *
 * @example decodeUtf8(new Uint8Array([0x68, 0x69]), "value") // Right("hi")
 */
export function decodeUtf8(bytes: Uint8Array, field: string): E.Either<DecodeError, string> {
  try {
    return E.right(strictDecoder.decode(bytes));
  } catch {
    // TextDecoder only says "invalid"; find where, so the message can point at it.
    return E.left(decodeError(field, bytes, `invalid UTF-8 at byte ${firstInvalidUtf8Byte(bytes)}`));
  }
}

/** Encodes a string as UTF-8. Lone surrogates become U+FFFD, as in every WHATWG encoder. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Encodes a string as UTF-8, refusing lone surrogates: a WHATWG encoder would
 * silently turn them into U+FFFD, and the consumer would read back another string.
 */
export function encodeUtf8Strict(text: string, field: string): E.Either<EncodeError, Uint8Array> {
  const at = text.search(LONE_SURROGATE);
  return at === -1
    ? E.right(encoder.encode(text))
    : E.left(encodeError(field, text, `lone UTF-16 surrogate at index ${at} has no UTF-8 form`));
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number, min: number, max = 0xbf;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b === 0xe0) { need = 2; min = 0xa0; }
    else if (b >= 0xe1 && b <= 0xef) { need = 2; min = 0x80; if (b === 0xed) max = 0x9f; }
    else if (b === 0xf0) { need = 3; min = 0x90; }
    else if (b >= 0xf1 && b <= 0xf4) { need = 3; min = 0x80; if (b === 0xf4) max = 0x8f; }
    else return i;
    // The first continuation byte has the narrowed range (overlongs, surrogates, > U+10FFFF).
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const lo = k === 1 ? min : 0x80, hi = k === 1 ? max : 0xbf;
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return -1;
}

// ---------------------------------------------------------------------------
// instances

/**
 * The value bytes as they are (a view into the pulled buffer, not a copy).
 *
 * @example const s: KeyValueDeserializationSchema<Uint8Array> = BytesDeserializationSchema;
 */
export const BytesDeserializationSchema: KeyValueDeserializationSchema<Uint8Array> = {
  deserialize: (_key, value) => E.right(value),
};

/** Sends the given bytes as the body, with no key. */
export const BytesSerializationSchema: KeyValueSerializationSchema<Uint8Array> = {
  serialize: (value) => (value instanceof Uint8Array ? E.right({ value }) : E.left(notBytes(value))),
};

/**
 * The value as strict UTF-8: invalid bytes are a `DecodeError`, never U+FFFD.
 *
 * @example Utf8DeserializationSchema.deserialize(undefined, new Uint8Array([0xff]), meta) // Left: "value: invalid UTF-8 at byte 0, got <1 bytes: ff>"
 */
export const Utf8DeserializationSchema: KeyValueDeserializationSchema<string> = {
  deserialize: (_key, value) => decodeUtf8(value, "value"),
};

/** A string as a UTF-8 body, with no key; a lone surrogate is an `EncodeError`. */
export const Utf8SerializationSchema: KeyValueSerializationSchema<string> = {
  serialize: (text) => {
    if (typeof text !== "string") return E.left(notString(text));
    const value = encodeUtf8Strict(text, "value");
    return E.isLeft(value) ? value : E.right({ value: value.right });
  },
};

/**
 * The seed's `SimpleStringDeserializationSchema`: the value as a string,
 * decoded leniently like Java's `new String(bytes, UTF_8)` (invalid bytes
 * become U+FFFD). Use `Utf8DeserializationSchema` to refuse them instead.
 */
export const SimpleStringDeserializationSchema: KeyValueDeserializationSchema<string> = {
  deserialize: (_key, value) => E.right(lenientDecoder.decode(value)),
};

/**
 * The seed's `SimpleStringSerializationSchema`: the string as a UTF-8 body, no
 * key. Like Java's `getBytes(UTF_8)` it never fails on a lone surrogate: it
 * writes U+FFFD where Java writes `?`.
 */
export const SimpleStringSerializationSchema: KeyValueSerializationSchema<string> = {
  serialize: (text) => (typeof text === "string" ? E.right({ value: encoder.encode(text) }) : E.left(notString(text))),
};

function notBytes(value: unknown): EncodeError {
  return encodeError("value", value, "expected a Uint8Array");
}

function notString(value: unknown): EncodeError {
  return encodeError("value", value, "expected a string");
}
