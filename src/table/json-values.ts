/**
 * One field of the JSON format (`'value.format' = 'json'`): the body is one
 * JSON object whose keys are the body columns. Numbers keep their source
 * text (JSON.parse's `context.source`), so BIGINT and DECIMAL are exact both
 * ways (writing uses `JSON.rawJSON`). Strings are accepted where a number,
 * a boolean or a date is expected, as Flink's JSON format accepts them.
 * FLOAT/DOUBLE NaN and infinities are written as the strings `"NaN"`,
 * `"Infinity"`, `"-Infinity"` (JSON has no literal for them); BYTES as
 * base64 strings; temporal types as their canonical strings.
 */
import * as E from "fp-ts/lib/Either.js";
import { formatFloat } from "./numeric.ts";
import type { DataType } from "./schema.ts";
import { checkValue, type SqlValue } from "./sql-values.ts";
import { formatText, parseText } from "./text-values.ts";

type Value = Exclude<SqlValue, null>;

/** A JSON number as written in the body. */
export class JsonNumber {
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
}

type JsonWithSource = { rawJSON(text: string): unknown };
type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/** Parses a body text: Right(object) or Left(reason). Numbers become `JsonNumber`. */
export function parseJsonObject(text: string): E.Either<string, Record<string, unknown>> {
  let parsed: unknown;
  try {
    const reviver: Reviver = (_key, value, context) =>
      typeof value === "number" ? new JsonNumber(context?.source ?? String(value)) : value;
    parsed = JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
  } catch (e) {
    return E.left(`is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return E.left("expected a JSON object");
  return E.right(parsed as Record<string, unknown>);
}

/** A non-null JSON field to a value: Right(value) or Left(reason). */
export function fromJson(type: DataType, json: unknown): E.Either<string, Value> {
  if (json instanceof JsonNumber) {
    const numeric = ["TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL"].includes(type.root) ||
      (type.root === "TIMESTAMP" || type.root === "TIMESTAMP_LTZ" || type.root === "TIME");
    return numeric ? parseText(type, json.source) : E.left(`expected ${expectedJson(type)}, not a number`);
  }
  if (typeof json === "string") {
    if (type.root === "MAP") return E.left("expected a JSON object of strings, not a string");
    return parseText(type, json);
  }
  if (typeof json === "boolean") return type.root === "BOOLEAN" ? E.right(json) : E.left(`expected ${expectedJson(type)}, not a boolean`);
  if (type.root === "MAP") return checkValue(type, json);
  return E.left(`expected ${expectedJson(type)}`);
}

/** A checked value to what `JSON.stringify` writes for it. */
export function toJson(type: DataType, value: Value): unknown {
  const raw = (JSON as unknown as JsonWithSource).rawJSON;
  switch (type.root) {
    case "BOOLEAN": case "TINYINT": case "SMALLINT": case "INT": return value;
    case "BIGINT": case "DECIMAL": return raw(String(value));
    case "FLOAT": case "DOUBLE": {
      const text = formatFloat(value as number, type.root);
      return Number.isFinite(value as number) ? raw(text) : text;
    }
    case "MAP": return value;
    default: return formatText(type, value);
  }
}

function expectedJson(type: DataType): string {
  switch (type.root) {
    case "BOOLEAN": return "true or false";
    case "CHAR": case "VARCHAR": return "a string";
    case "BINARY": case "VARBINARY": return "a base64 string";
    case "DATE": case "TIME": case "TIMESTAMP": case "TIMESTAMP_LTZ": return "a date/time string";
    case "MAP": return "a JSON object of strings";
    default: return "a number";
  }
}
