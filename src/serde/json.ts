/**
 * JSON bodies checked by a user's io-ts codec: the codec decides what a valid
 * record is, and a mismatch reports the path inside the document, e.g.
 * `value.user.id: expected number, got "x"`.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { decodeUtf8, encodeUtf8Strict } from "./bytes.ts";
import { type DecodeError, decodeError, encodeError } from "./decode-error.ts";
import type { KeyValueDeserializationSchema, KeyValueSerializationSchema } from "./schema.ts";

// ---------------------------------------------------------------------------
// constructors

/**
 * Turns io-ts validation errors into one `DecodeError`: the first error names
 * the field and value; up to two more are appended to the message.
 *
 * @example ioTsDecodeError("value", errors).message // 'value.user.id: expected number, got "x"'
 */
export function ioTsDecodeError(root: string, errors: t.Errors): DecodeError {
  const [first, ...rest] = errors;
  if (first === undefined) return decodeError(root, undefined, "rejected by the codec");
  const head = describe(root, first);
  const error = decodeError(head.field, first.value, head.reason);
  if (rest.length === 0) return error;
  const extra = rest.slice(0, 2).map((e) => {
    const d = describe(root, e);
    return decodeError(d.field, e.value, d.reason).message;
  });
  const more = rest.length > 2 ? `; and ${rest.length - 2} more` : "";
  return { ...error, message: `${error.message}; ${extra.join("; ")}${more}` };
}

function describe(root: string, error: t.ValidationError): { field: string; reason: string } {
  const ctx = error.context;
  let path = root;
  for (let i = 1; i < ctx.length; i++) {
    // Unions and intersections add a context entry per member, keyed by its
    // index: that is not a position in the document, so leave it out.
    const parent = (ctx[i - 1]!.type as { _tag?: string })._tag;
    if (parent === "UnionType" || parent === "IntersectionType") continue;
    const key = ctx[i]!.key;
    path += /^\d+$/.test(key) && isArrayLike(parent) ? `[${key}]` : `.${key}`;
  }
  const expected = error.message ?? `expected ${ctx[ctx.length - 1]?.type.name ?? "a valid value"}`;
  return { field: path, reason: expected };
}

function isArrayLike(tag: string | undefined): boolean {
  return tag === "ArrayType" || tag === "ReadonlyArrayType" || tag === "TupleType";
}

/** Parses JSON text; a syntax error names the field and the text. */
export function parseJson(text: string, field: string): E.Either<DecodeError, unknown> {
  try {
    return E.right(JSON.parse(text));
  } catch (cause) {
    const detail = cause instanceof SyntaxError ? cause.message : "not JSON";
    return E.left(decodeError(field, text, `invalid JSON (${detail})`));
  }
}

// ---------------------------------------------------------------------------
// instances

/**
 * Strict UTF-8, then `JSON.parse`, then `codec.decode`.
 *
 * @example
 * const User = t.type({ user: t.type({ id: t.number }) });
 * JsonDeserializationSchema(User).deserialize(undefined, utf8('{"user":{"id":"x"}}'), meta)
 * // Left: 'value.user.id: expected number, got "x"'
 */
export function JsonDeserializationSchema<A, O = A>(codec: t.Type<A, O, unknown>): KeyValueDeserializationSchema<A> {
  return {
    deserialize: (_key, value) => {
      const text = decodeUtf8(value, "value");
      if (E.isLeft(text)) return text;
      const json = parseJson(text.right, "value");
      if (E.isLeft(json)) return json;
      const decoded = codec.decode(json.right);
      return E.isLeft(decoded) ? E.left(ioTsDecodeError("value", decoded.left)) : decoded;
    },
  };
}

/**
 * `codec.encode`, then `JSON.stringify`, as the body (no key). The value is
 * checked with `codec.is` first, so a value that does not match the codec's
 * type is refused rather than written.
 *
 * @example JsonSerializationSchema(User).serialize({ user: { id: 1 } }) // Right({ value: utf8('{"user":{"id":1}}') })
 */
export function JsonSerializationSchema<A, O = A>(codec: t.Type<A, O, unknown>): KeyValueSerializationSchema<A> {
  return {
    serialize: (a) => {
      if (!codec.is(a)) return E.left(encodeError("value", a, `expected ${codec.name}`));
      let text: string | undefined;
      try {
        text = JSON.stringify(codec.encode(a));
      } catch (cause) {
        // Cycles and bigints: JSON.stringify's only ways to fail.
        return E.left(encodeError("value", a, `not JSON-serializable (${cause instanceof Error ? cause.message : String(cause)})`));
      }
      if (text === undefined) return E.left(encodeError("value", a, "JSON.stringify produced nothing"));
      const bytes = encodeUtf8Strict(text, "value");
      return E.isLeft(bytes) ? bytes : E.right({ value: bytes.right });
    },
  };
}
