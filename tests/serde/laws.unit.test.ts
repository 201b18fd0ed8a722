/**
 * Functor laws for deserializers and Contravariant laws for serializers,
 * checked extensionally: two schemas are equal when they give equal results
 * on every generated input (both the Right and the Left paths are exercised).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { pipe } from "fp-ts/lib/function.js";
import * as t from "io-ts";
import { BytesDeserializationSchema, SimpleStringDeserializationSchema, Utf8DeserializationSchema, Utf8SerializationSchema, BytesSerializationSchema } from "../../src/serde/bytes.ts";
import { JsonDeserializationSchema, JsonSerializationSchema } from "../../src/serde/json.ts";
import { contramap, DeserializerFunctor, type KeyValueDeserializationSchema, type KeyValueSerializationSchema, map, SerializerContravariant } from "../../src/serde/schema.ts";
import { SimpleKeyValueDeserializationSchema, SimpleKeyValueSerializationSchema } from "../../src/serde/simple-key-value.ts";
import { meta, utf8 } from "./helpers.ts";

const s = suite("serde/laws");
const RUNS = { numRuns: 1000 };
const identity = <A>(a: A): A => a;

const deserializers: Array<KeyValueDeserializationSchema<unknown>> = [
  Utf8DeserializationSchema,
  SimpleStringDeserializationSchema,
  BytesDeserializationSchema,
  JsonDeserializationSchema(t.type({ id: t.number })),
  SimpleKeyValueDeserializationSchema("id", "address"),
];

// Bytes that are often valid UTF-8 / JSON, sometimes not.
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 16 }),
  fc.string({ unit: "binary", maxLength: 16 }).map(utf8),
  fc.record({ id: fc.oneof(fc.integer(), fc.string()) }).map((o) => utf8(JSON.stringify(o))),
);
const input = fc.record({
  schema: fc.constantFrom(...deserializers),
  key: fc.option(bytesArb, { nil: undefined }),
  value: bytesArb,
});

s("Functor identity: map(fa, id) = fa (1000 runs)", () => {
  fc.assert(
    fc.property(input, ({ schema, key, value }) => {
      const mapped = DeserializerFunctor.map(schema, identity);
      assert.equal(mapped.deserialize(key, value, meta), schema.deserialize(key, value, meta));
    }),
    RUNS,
  );
});

s("Functor composition: map(map(fa, f), g) = map(fa, g . f) (1000 runs)", () => {
  fc.assert(
    fc.property(input, fc.func(fc.anything()), fc.func(fc.anything()), ({ schema, key, value }, f, g) => {
      const twice = DeserializerFunctor.map(DeserializerFunctor.map(schema, f), g);
      const once = DeserializerFunctor.map(schema, (a) => g(f(a)));
      assert.equal(twice.deserialize(key, value, meta), once.deserialize(key, value, meta));
    }),
    RUNS,
  );
});

s("pipeable map agrees with the instance", () => {
  fc.assert(
    fc.property(input, fc.func(fc.integer()), ({ schema, key, value }, f) => {
      assert.equal(pipe(schema, map(f)).deserialize(key, value, meta), DeserializerFunctor.map(schema, f).deserialize(key, value, meta));
    }),
    RUNS,
  );
});

// A serializer together with a generator of inputs it may receive (valid or not).
type SerCase = { schema: KeyValueSerializationSchema<unknown>; arb: fc.Arbitrary<unknown> };
const serializers: SerCase[] = [
  { schema: Utf8SerializationSchema as KeyValueSerializationSchema<unknown>, arb: fc.oneof(fc.string({ unit: "binary" }), fc.string(), fc.integer()) },
  { schema: BytesSerializationSchema as KeyValueSerializationSchema<unknown>, arb: fc.oneof(fc.uint8Array(), fc.string()) },
  { schema: JsonSerializationSchema(t.type({ id: t.number })) as KeyValueSerializationSchema<unknown>, arb: fc.record({ id: fc.oneof(fc.integer(), fc.string()) }) },
  {
    schema: SimpleKeyValueSerializationSchema("id", "address") as KeyValueSerializationSchema<unknown>,
    arb: fc.record({ id: fc.string(), address: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: ["id"] }),
  },
];

const serCase = fc.constantFrom(...serializers).chain((c) =>
  fc.record({ schema: fc.constant(c.schema), a: c.arb, toA: fc.func(c.arb), other: fc.anything() })
);

s("Contravariant identity: contramap(fa, id) = fa (1000 runs)", () => {
  fc.assert(
    fc.property(serCase, ({ schema, a }) => {
      assert.equal(SerializerContravariant.contramap(schema, identity).serialize(a), schema.serialize(a));
    }),
    RUNS,
  );
});

s("Contravariant composition: contramap(contramap(fa, f), g) = contramap(fa, f . g) (1000 runs)", () => {
  fc.assert(
    fc.property(serCase, fc.func(fc.anything()), ({ schema, toA: f, other: c }, g) => {
      const twice = SerializerContravariant.contramap(SerializerContravariant.contramap(schema, f), g);
      const once = SerializerContravariant.contramap(schema, (x: unknown) => f(g(x)));
      assert.equal(twice.serialize(c), once.serialize(c));
    }),
    RUNS,
  );
});

s("pipeable contramap agrees with the instance", () => {
  const byName = pipe(Utf8SerializationSchema, contramap((u: { name: string }) => u.name));
  fc.assert(
    fc.property(fc.string(), (name) => {
      assert.equal(byName.serialize({ name }), SerializerContravariant.contramap(Utf8SerializationSchema, (u: { name: string }) => u.name).serialize({ name }));
    }),
    RUNS,
  );
});

s.run();
