/**
 * The Flink RocketMQ connector's default body format: UTF-8 text, rows
 * separated by `lineDelimiter` (default `\n`; empty lines are skipped), fields
 * separated by `fieldDelimiter` (default `\u0001`), no quoting and no
 * escaping. As in the connector:
 *
 * - a body with exactly one column is not split into fields: each line is the value;
 * - a body whose one column is BINARY/VARBINARY/BYTES is the raw body bytes;
 * - there is no NULL literal: NULL is written as an empty field; an empty
 *   field reads as `""` for character columns, as empty bytes for binary
 *   columns, and as NULL for other nullable columns.
 *
 * Unlike the connector, nothing is lost silently: a value containing a
 * delimiter, a row that would be an empty line, or a field count that does
 * not match (unless `lengthCheck` is `PAD`) is an error naming the column.
 * Delimiters are matched as whole strings (the connector splits on any of
 * their characters; the two agree for one-character delimiters).
 * Plain `split`/`join` is all this needs, so it does not go through serde's
 * quoting-aware `parseDelimitedRow`.
 */
import * as E from "fp-ts/lib/Either.js";
import { decodeUtf8, encodeUtf8 } from "../serde/bytes.ts";
import { type DecodeError, decodeError, type EncodeError, encodeError } from "../serde/decode-error.ts";
import type { DelimitedFormatConfig } from "./options.ts";
import type { PhysicalColumn } from "./schema.ts";
import type { Row, SqlValue } from "./sql-values.ts";
import { formatText, parseText } from "./text-values.ts";

export interface BodyCodec {
  /** The rows in one message body. */
  decode(body: Uint8Array): E.Either<DecodeError, Array<Record<string, SqlValue>>>;
  /** One row (already checked by the row codec) as a body. */
  encode(row: Row): E.Either<EncodeError, Uint8Array>;
}

const isText = (c: PhysicalColumn) => c.type.root === "VARCHAR" || c.type.root === "CHAR";
const isBinary = (c: PhysicalColumn) => c.type.root === "VARBINARY" || c.type.root === "BINARY";

/** The delimited body codec of `columns` (the body's columns, in order). */
export function delimitedBody(columns: readonly PhysicalColumn[], format: DelimitedFormatConfig): BodyCodec {
  const only = columns.length === 1 ? columns[0]! : undefined;
  if (only !== undefined && isBinary(only)) return rawBytesBody(only);
  const { fieldDelimiter, lineDelimiter, lengthCheck } = format;

  const field = (column: PhysicalColumn, text: string | undefined): E.Either<DecodeError, SqlValue> => {
    if (text === undefined || text === "") {
      if (text === "" && isText(column)) return E.right("");
      if (text === "" && isBinary(column)) return E.right(new Uint8Array(0));
      if (column.type.nullable) return E.right(null);
      return E.left(decodeError(column.name, text ?? null, text === undefined ? "is missing but the column is NOT NULL" : "is empty but the column is NOT NULL"));
    }
    const parsed = parseText(column.type, text);
    return E.isLeft(parsed) ? E.left(decodeError(column.name, text, parsed.left)) : parsed;
  };

  return {
    decode(body) {
      const text = decodeUtf8(body, "value");
      if (E.isLeft(text)) return text;
      const rows: Array<Record<string, SqlValue>> = [];
      for (const line of text.right.split(lineDelimiter)) {
        if (line === "") continue;
        const fields = only === undefined ? line.split(fieldDelimiter) : [line];
        // PAD (as Flink): missing fields read as NULL, extra fields are dropped.
        if (fields.length !== columns.length && lengthCheck !== "PAD") {
          return E.left(decodeError("value", line, `expected ${columns.length} fields separated by ${JSON.stringify(fieldDelimiter)}, found ${fields.length}`));
        }
        const row: Record<string, SqlValue> = {};
        for (const [i, column] of columns.entries()) {
          const value = field(column, fields[i]);
          if (E.isLeft(value)) return value;
          row[column.name] = value.right;
        }
        rows.push(row);
      }
      return E.right(rows);
    },

    encode(row) {
      const parts: string[] = [];
      for (const column of columns) {
        const value = row[column.name] ?? null;
        const text = value === null ? "" : formatText(column.type, value);
        if (only === undefined && text.includes(fieldDelimiter)) {
          return E.left(encodeError(column.name, value, `contains the field delimiter ${JSON.stringify(fieldDelimiter)}, which the format cannot quote`));
        }
        if (text.includes(lineDelimiter)) {
          return E.left(encodeError(column.name, value, `contains the line delimiter ${JSON.stringify(lineDelimiter)}, which would split the row`));
        }
        parts.push(text);
      }
      const line = parts.join(fieldDelimiter);
      if (line === "") {
        return E.left(encodeError(columns[0]?.name ?? "value", row[columns[0]?.name ?? ""] ?? null,
          "would be written as an empty line, which the delimited format skips on reading"));
      }
      // A field ending in the start of the delimiter would merge with it ("a|" + "||" reads as "a", "|...").
      for (let i = 0; i + 1 < parts.length; i++) {
        if (endsWithPrefixOf(parts[i]!, fieldDelimiter) || endsWithPrefixOf(parts[i]!, lineDelimiter)) {
          const column = columns[i]!;
          return E.left(encodeError(column.name, row[column.name] ?? null, "ends with the start of a delimiter, so it would not read back"));
        }
      }
      if (line.includes(lineDelimiter)) {
        return E.left(encodeError("value", line, `the fields join into a text containing the line delimiter ${JSON.stringify(lineDelimiter)}`));
      }
      return E.right(encodeUtf8(line));
    },
  };
}

/** A sole binary column: the body is its bytes, one row per message. */
function rawBytesBody(column: PhysicalColumn): BodyCodec {
  const length = (column.type as { length: number }).length;
  return {
    decode(body) {
      if (body.byteLength > length) return E.left(decodeError(column.name, body, `is longer than ${length} byte(s)`));
      return E.right([{ [column.name]: body }]);
    },
    encode(row) {
      const value = row[column.name] ?? null;
      if (value === null) return E.left(encodeError(column.name, value, "is NULL, and a raw bytes body cannot tell NULL from empty"));
      return E.right(value as Uint8Array);
    },
  };
}

function endsWithPrefixOf(text: string, delimiter: string): boolean {
  for (let k = Math.min(delimiter.length - 1, text.length); k > 0; k--) {
    if (text.endsWith(delimiter.slice(0, k))) return true;
  }
  return false;
}
