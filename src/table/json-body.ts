/**
 * The JSON body format (`'value.format' = 'json'`): one JSON object per
 * message, one key per body column. Keys that are not columns are ignored
 * (as Flink's JSON format does); a missing key reads as NULL unless the
 * column is NOT NULL or `json.fail-on-missing-field` is true.
 */
import * as E from "fp-ts/lib/Either.js";
import { decodeUtf8, encodeUtf8 } from "../serde/bytes.ts";
import { decodeError, encodeError } from "../serde/decode-error.ts";
import type { BodyCodec } from "./delimited-body.ts";
import { fromJson, JsonNumber, parseJsonObject, toJson } from "./json-values.ts";
import type { JsonFormatConfig } from "./options.ts";
import type { PhysicalColumn } from "./schema.ts";
import type { SqlValue } from "./sql-values.ts";

/** The JSON body codec of `columns` (the body's columns). */
export function jsonBody(columns: readonly PhysicalColumn[], format: Pick<JsonFormatConfig, "failOnMissingField">): BodyCodec {
  return {
    decode(body) {
      const text = decodeUtf8(body, "value");
      if (E.isLeft(text)) return text;
      const object = parseJsonObject(text.right);
      if (E.isLeft(object)) return E.left(decodeError("value", text.right, object.left));
      const row: Record<string, SqlValue> = {};
      for (const column of columns) {
        const json = Object.hasOwn(object.right, column.name) ? object.right[column.name] : undefined;
        if (json === undefined || json === null) {
          if (json === undefined && format.failOnMissingField) return E.left(decodeError(column.name, json, "is missing"));
          if (!column.type.nullable) return E.left(decodeError(column.name, json ?? null, `is ${json === undefined ? "missing" : "null"} but the column is NOT NULL`));
          row[column.name] = null;
          continue;
        }
        const value = fromJson(column.type, json);
        if (E.isLeft(value)) return E.left(decodeError(column.name, json instanceof JsonNumber ? json.source : json, value.left));
        row[column.name] = value.right;
      }
      return E.right([row]);
    },
    encode(row) {
      const object: Record<string, unknown> = {};
      for (const column of columns) {
        const value = row[column.name] ?? null;
        object[column.name] = value === null ? null : toJson(column.type, value);
      }
      try {
        return E.right(encodeUtf8(JSON.stringify(object)));
      } catch (e) {
        return E.left(encodeError("value", row, `cannot be written as JSON (${e instanceof Error ? e.message : String(e)})`));
      }
    },
  };
}
