/**
 * Construction-time checks of user-supplied serde objects, so a typo
 * (`deserialise`, a class passed instead of an instance) fails when the
 * stream is built, with a message that says what is missing, and not on the
 * first record.
 */
import { InputError } from "../errors.ts";
import type { KeyValueDeserializationSchema, KeyValueSerializationSchema } from "./schema.ts";

/**
 * Throws `InputError` unless `x` has a `deserialize` function.
 *
 * @example assertDeserializationSchema(options.deserializer, "deserializer");
 */
export function assertDeserializationSchema(
  x: unknown,
  what = "deserializer",
): asserts x is KeyValueDeserializationSchema<unknown> {
  assertHasFunctions(x, what, ["deserialize"], "deserialize(key, value, meta)");
}

/** Throws `InputError` unless `x` has a `serialize` function. */
export function assertSerializationSchema(
  x: unknown,
  what = "serializer",
): asserts x is KeyValueSerializationSchema<unknown> {
  assertHasFunctions(x, what, ["serialize"], "serialize(value)");
}

/** Shared with the selectors' check: names every missing function at once. */
export function assertHasFunctions(x: unknown, what: string, names: readonly string[], shape: string): void {
  if ((typeof x !== "object" && typeof x !== "function") || x === null) {
    throw new InputError(`${what} must be an object with ${shape}, got ${x === null ? "null" : typeof x}`, what, x);
  }
  const holder = x as Record<string, unknown>;
  const missing = names.filter((name) => typeof holder[name] !== "function");
  if (missing.length > 0) {
    const got = missing.map((name) => `${name} is ${holder[name] === undefined ? "missing" : typeof holder[name]}`).join(", ");
    throw new InputError(`${what} must have ${shape}: ${got}`, missing.map((m) => `${what}.${m}`).join(", "), x);
  }
}
