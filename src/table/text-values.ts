/**
 * One field of the delimited text format, as text. Writing follows what
 * Flink's text reader (`StringSerializer`) accepts where it can:
 *
 * - BOOLEAN `true`/`false` (reads also `TRUE`, `1`, `0`);
 * - integers and DECIMAL in plain decimal; FLOAT/DOUBLE shortest round-trip
 *   text, `NaN`, `Infinity`, `-Infinity`;
 * - DATE `yyyy-MM-dd`, TIMESTAMP `yyyy-MM-dd HH:mm:ss.fff` (Java's
 *   `Timestamp.valueOf` form); reading also takes epoch milliseconds for
 *   TIMESTAMP and TIMESTAMP_LTZ and milliseconds of the day for TIME, as
 *   Flink writes them (taken as UTC);
 * - BYTES/VARBINARY/BINARY as base64 (Flink's sink writes Java's `byte[]`
 *   `toString`, which nothing can read back; base64 is the connector's
 *   encoding of binary fields elsewhere);
 * - MAP<STRING, STRING> as a JSON object.
 */
import * as E from "fp-ts/lib/Either.js";
import { formatFloat, parseFloatText, parseIntegerText } from "./numeric.ts";
import type { DataType } from "./schema.ts";
import { checkValue, type SqlValue } from "./sql-values.ts";
import { ltzFromEpochMillis, timeFromMillisOfDay, timestampFromEpochMillis } from "./temporal.ts";

type Value = Exclude<SqlValue, null>;

/** Parses a non-empty field. Right(value) or Left(reason). */
export function parseText(type: DataType, text: string): E.Either<string, Value> {
  switch (type.root) {
    case "BOOLEAN": {
      const lower = text.toLowerCase();
      if (lower === "true" || text === "1") return E.right(true);
      if (lower === "false" || text === "0") return E.right(false);
      return E.left("expected true or false");
    }
    case "TINYINT": case "SMALLINT": case "INT":
      return E.map((n: bigint) => Number(n))(parseIntegerText(text, type.root));
    case "BIGINT":
      return parseIntegerText(text, "BIGINT");
    case "FLOAT": case "DOUBLE":
      return parseFloatText(text, type.root);
    case "BINARY": case "VARBINARY": {
      const bytes = fromBase64(text);
      return bytes === undefined ? E.left("expected base64") : checkValue(type, bytes);
    }
    case "TIME":
      return /^\d+$/.test(text) ? timeFromMillisOfDay(Number(text), type.precision) : checkValue(type, text);
    case "TIMESTAMP":
      return /^-?\d+$/.test(text) ? timestampFromEpochMillis(Number(text), type.precision) : checkValue(type, text);
    case "TIMESTAMP_LTZ":
      return /^-?\d+$/.test(text) ? ltzFromEpochMillis(Number(text), type.precision) : checkValue(type, text);
    case "MAP": {
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch { return E.left("expected a JSON object of strings"); }
      return checkValue(type, parsed);
    }
    default:
      return checkValue(type, text);
  }
}

/** Writes a checked, non-null value (one that `checkValue` returned). */
export function formatText(type: DataType, value: Value): string {
  switch (type.root) {
    case "FLOAT": case "DOUBLE": return formatFloat(value as number, type.root);
    case "BINARY": case "VARBINARY": return toBase64(value as Uint8Array);
    case "MAP": return JSON.stringify(value);
    default: return String(value);
  }
}

// ---------------------------------------------------------------------------
// base64 (atob/btoa: the same on Node, Deno and Bun)

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Strict, padded base64; undefined when malformed. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
