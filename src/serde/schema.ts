/**
 * The serde typeclasses: how record bytes become values (`KeyValueDeserializationSchema`)
 * and values become record bytes (`KeyValueSerializationSchema`), as in the
 * RocketMQ Flink connector, but returning `Either` instead of throwing.
 *
 * Deserializers are covariant in what they produce (`map`, fp-ts `Functor`),
 * serializers contravariant in what they consume (`contramap`, fp-ts `Contravariant`).
 */
import * as E from "fp-ts/lib/Either.js";
import type { Contravariant1 } from "fp-ts/lib/Contravariant.js";
import type { Functor1 } from "fp-ts/lib/Functor.js";
import type { DecodeError, EncodeError } from "./decode-error.ts";
import type { RecordMetadata } from "./record-metadata.ts";

// ---------------------------------------------------------------------------
// model

/**
 * Turns one record into a `T`. `key` is the record's key bytes (the `KEYS`
 * property as UTF-8) or `undefined` when it has none.
 *
 * Implementations must not throw: failures are `Left(DecodeError)`, which the
 * source handles by its decode-failure policy.
 */
export interface KeyValueDeserializationSchema<T> {
  readonly deserialize: (key: Uint8Array | undefined, value: Uint8Array, meta: RecordMetadata) => E.Either<DecodeError, T>;
}

/** The bytes a serializer makes: the message body and, optionally, its key. */
export interface SerializedRecord {
  readonly key?: Uint8Array;
  readonly value: Uint8Array;
}

/** Turns a `T` into record bytes. Must not throw: failures are `Left(EncodeError)`. */
export interface KeyValueSerializationSchema<T> {
  readonly serialize: (t: T) => E.Either<EncodeError, SerializedRecord>;
}

export const DeserializerURI = "rocketmq-webstreams/KeyValueDeserializationSchema";
export type DeserializerURI = typeof DeserializerURI;
export const SerializerURI = "rocketmq-webstreams/KeyValueSerializationSchema";
export type SerializerURI = typeof SerializerURI;

declare module "fp-ts/HKT" {
  interface URItoKind<A> {
    readonly "rocketmq-webstreams/KeyValueDeserializationSchema": KeyValueDeserializationSchema<A>;
    readonly "rocketmq-webstreams/KeyValueSerializationSchema": KeyValueSerializationSchema<A>;
  }
}

// ---------------------------------------------------------------------------
// constructors

/**
 * A deserializer that only looks at the value bytes.
 *
 * @example
 * const length = fromValueDecoder((bytes) => E.right(bytes.byteLength));
 */
export function fromValueDecoder<T>(decode: (value: Uint8Array) => E.Either<DecodeError, T>): KeyValueDeserializationSchema<T> {
  return { deserialize: (_key, value) => decode(value) };
}

/** A serializer that only makes value bytes (no key). */
export function fromValueEncoder<T>(encode: (t: T) => E.Either<EncodeError, Uint8Array>): KeyValueSerializationSchema<T> {
  return {
    serialize: (t) => {
      const bytes = encode(t);
      return E.isLeft(bytes) ? bytes : E.right({ value: bytes.right });
    },
  };
}

// ---------------------------------------------------------------------------
// combinators

const mapDeserializer = <A, B>(fa: KeyValueDeserializationSchema<A>, f: (a: A) => B): KeyValueDeserializationSchema<B> => ({
  deserialize: (key, value, meta) => {
    const a = fa.deserialize(key, value, meta);
    return E.isLeft(a) ? a : E.right(f(a.right));
  },
});

const contramapSerializer = <A, B>(fa: KeyValueSerializationSchema<A>, f: (b: B) => A): KeyValueSerializationSchema<B> => ({
  serialize: (b) => fa.serialize(f(b)),
});

/**
 * Transforms what a deserializer produces.
 *
 * @example
 * const upper = pipe(Utf8DeserializationSchema, map((s) => s.toUpperCase()));
 */
export const map = <A, B>(f: (a: A) => B) => (fa: KeyValueDeserializationSchema<A>): KeyValueDeserializationSchema<B> =>
  mapDeserializer(fa, f);

/**
 * Validates or refines what a deserializer produces; a `Left` is a decode failure.
 *
 * @example
 * const port = pipe(Utf8DeserializationSchema, flatMapEither((s) =>
 *   /^\d+$/.test(s) ? E.right(Number(s)) : E.left(decodeError("value", s, "expected digits"))));
 */
export const flatMapEither = <A, B>(f: (a: A) => E.Either<DecodeError, B>) =>
  (fa: KeyValueDeserializationSchema<A>): KeyValueDeserializationSchema<B> => ({
    deserialize: (key, value, meta) => {
      const a = fa.deserialize(key, value, meta);
      return E.isLeft(a) ? a : f(a.right);
    },
  });

/**
 * Adapts a serializer to a different input type.
 *
 * @example
 * const byName = pipe(Utf8SerializationSchema, contramap((u: { name: string }) => u.name));
 */
export const contramap = <A, B>(f: (b: B) => A) => (fa: KeyValueSerializationSchema<A>): KeyValueSerializationSchema<B> =>
  contramapSerializer(fa, f);

// ---------------------------------------------------------------------------
// instances

/** fp-ts `Functor` for deserializers: `map` satisfies identity and composition. */
export const DeserializerFunctor: Functor1<DeserializerURI> = { URI: DeserializerURI, map: mapDeserializer };

/** fp-ts `Contravariant` for serializers: `contramap` satisfies identity and composition. */
export const SerializerContravariant: Contravariant1<SerializerURI> = { URI: SerializerURI, contramap: contramapSerializer };
