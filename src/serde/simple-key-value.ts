/**
 * The seed's map schemas: a record as `{ [keyField]: key, [valueField]: value }`,
 * both UTF-8 strings, as the RocketMQ Flink connector's
 * `SimpleKeyValueDeserializationSchema("id", "address")` does.
 */
import * as E from "fp-ts/lib/Either.js";
import { InputError } from "../errors.ts";
import { decodeUtf8, encodeUtf8Strict } from "./bytes.ts";
import { encodeError } from "./decode-error.ts";
import type { KeyValueDeserializationSchema, KeyValueSerializationSchema } from "./schema.ts";

// ---------------------------------------------------------------------------
// model

/** A record as a string map. The key field is absent when the message has no key. */
export type KeyValueMap = Readonly<Record<string, string>>;

/** The Flink connector's defaults. */
export const DEFAULT_KEY_FIELD = "key";
export const DEFAULT_VALUE_FIELD = "value";

// ---------------------------------------------------------------------------
// instances

/**
 * Reads key and value as strict UTF-8 into a two-field map. A record without a
 * key gives a map without the key field (the Flink connector puts `null`).
 *
 * @example
 * const schema = SimpleKeyValueDeserializationSchema("id", "address");
 * schema.deserialize(utf8("42"), utf8("Main St 1"), meta) // Right({ id: "42", address: "Main St 1" })
 */
export function SimpleKeyValueDeserializationSchema(
  keyField: string = DEFAULT_KEY_FIELD,
  valueField: string = DEFAULT_VALUE_FIELD,
): KeyValueDeserializationSchema<KeyValueMap> {
  checkFields(keyField, valueField);
  return {
    deserialize: (key, value) => {
      const v = decodeUtf8(value, valueField);
      if (E.isLeft(v)) return v;
      if (key === undefined) return E.right({ [valueField]: v.right });
      const k = decodeUtf8(key, keyField);
      return E.isLeft(k) ? k : E.right({ [keyField]: k.right, [valueField]: v.right });
    },
  };
}

/**
 * Writes `map[valueField]` as the body and `map[keyField]` (when present) as
 * the key, both UTF-8. Strings, numbers, booleans and bigints are accepted and
 * written with `String()`, as the connector's `toString()` does; a missing
 * value field is an `EncodeError` (the connector would send a null body).
 *
 * @example
 * SimpleKeyValueSerializationSchema("id", "address").serialize({ id: "42", address: "Main St 1" })
 */
export function SimpleKeyValueSerializationSchema(
  keyField: string = DEFAULT_KEY_FIELD,
  valueField: string = DEFAULT_VALUE_FIELD,
): KeyValueSerializationSchema<Readonly<Record<string, unknown>>> {
  checkFields(keyField, valueField);
  return {
    serialize: (map) => {
      if (typeof map !== "object" || map === null) return E.left(encodeError("record", map, "expected an object"));
      const rawValue = Object.hasOwn(map, valueField) ? map[valueField] : undefined;
      if (rawValue === undefined || rawValue === null) {
        return E.left(encodeError(valueField, map, `value field "${valueField}" is missing from the record`));
      }
      const value = scalarText(rawValue, valueField);
      if (E.isLeft(value)) return value;
      const rawKey = Object.hasOwn(map, keyField) ? map[keyField] : undefined;
      if (rawKey === undefined || rawKey === null) return E.right({ value: value.right });
      const key = scalarText(rawKey, keyField);
      return E.isLeft(key) ? key : E.right({ key: key.right, value: value.right });
    },
  };
}

function scalarText(raw: unknown, field: string) {
  const kind = typeof raw;
  if (kind === "string" || kind === "number" || kind === "boolean" || kind === "bigint") {
    return encodeUtf8Strict(String(raw), field);
  }
  return E.left(encodeError(field, raw, "expected a string, number, boolean or bigint"));
}

function checkFields(keyField: unknown, valueField: unknown): void {
  for (const [name, field] of [["keyField", keyField], ["valueField", valueField]] as const) {
    if (typeof field !== "string" || field.length === 0) {
      throw new InputError(`${name} must be a non-empty string, got ${JSON.stringify(field)}`, name, field);
    }
  }
  if (keyField === valueField) {
    throw new InputError(`keyField and valueField must differ, both are ${JSON.stringify(keyField)}`, "valueField", valueField);
  }
}
