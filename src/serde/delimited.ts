/**
 * Delimited text rows (CSV and its relatives): one record body is one row.
 * The low-level `parseDelimitedRow` / `formatDelimitedRow` are shared with the
 * table DDL's row codec; the schemas below wrap them with strict UTF-8.
 *
 * Rules, with a format's `quote`, `escape` and `nullLiteral`:
 * - fields are separated by `fieldDelimiter` (any non-empty string, e.g. `,`
 *   or the Flink connector's default `\u0001`); a trailing delimiter ends an
 *   empty last field; a row has at least one field;
 * - a field that starts with `quote` is quoted: it runs to the next lone
 *   `quote`, and a doubled quote inside it is one quote character; after the
 *   closing quote comes a delimiter or the end of the row;
 * - `escape` (off by default) makes the next character literal, in quoted and
 *   unquoted fields alike (`\t` is a `t`, not a tab: there are no C escapes);
 * - an unquoted, unescaped field equal to `nullLiteral` is `null`; quoting it
 *   makes it the string.
 * There is no line delimiter: newlines are ordinary characters.
 */
import * as E from "fp-ts/lib/Either.js";
import { InputError } from "../errors.ts";
import { decodeUtf8, encodeUtf8Strict } from "./bytes.ts";
import { type DecodeError, decodeError, type EncodeError, encodeError } from "./decode-error.ts";
import type { KeyValueDeserializationSchema, KeyValueSerializationSchema } from "./schema.ts";

// ---------------------------------------------------------------------------
// model

/** A resolved, checked format. Make one with `delimitedFormat`. */
export interface DelimitedFormat {
  readonly fieldDelimiter: string;
  /** One UTF-16 unit, or `null` for no quoting (plain split, as the Flink connector does). */
  readonly quote: string | null;
  /** One UTF-16 unit, or `null` for no escaping. */
  readonly escape: string | null;
  /** The text that stands for `null`, or `null` when no field is ever null. */
  readonly nullLiteral: string | null;
}

export type DelimitedOptions = Partial<DelimitedFormat>;

/** A row: strings, or `null` where the null literal stood. */
export type DelimitedRow = ReadonlyArray<string | null>;

// ---------------------------------------------------------------------------
// constructors

/**
 * Checks and completes options. Throws `InputError` (construction time, not per record).
 * Defaults: `,` delimiter, `"` quote, no escape, no null literal.
 *
 * @example const tsv = delimitedFormat({ fieldDelimiter: "\t", quote: null, nullLiteral: "\\N" });
 */
export function delimitedFormat(options: DelimitedOptions = {}): DelimitedFormat {
  const format: DelimitedFormat = {
    fieldDelimiter: options.fieldDelimiter ?? ",",
    quote: options.quote === undefined ? '"' : options.quote,
    escape: options.escape ?? null,
    nullLiteral: options.nullLiteral ?? null,
  };
  const { fieldDelimiter, quote, escape } = format;
  if (typeof fieldDelimiter !== "string" || fieldDelimiter.length === 0) {
    throw new InputError(`fieldDelimiter must be a non-empty string, got ${JSON.stringify(fieldDelimiter)}`, "fieldDelimiter", fieldDelimiter);
  }
  for (const [name, ch] of [["quote", quote], ["escape", escape]] as const) {
    if (ch !== null && (typeof ch !== "string" || ch.length !== 1)) {
      throw new InputError(`${name} must be one character or null, got ${JSON.stringify(ch)}`, name, ch);
    }
    if (ch !== null && fieldDelimiter.includes(ch)) {
      throw new InputError(`${name} ${JSON.stringify(ch)} must not appear in fieldDelimiter ${JSON.stringify(fieldDelimiter)}`, name, ch);
    }
  }
  if (quote !== null && quote === escape) {
    throw new InputError(`escape must differ from quote (a doubled quote already escapes it), got ${JSON.stringify(escape)}`, "escape", escape);
  }
  const nullLiteral: unknown = format.nullLiteral;
  if (nullLiteral !== null && (typeof nullLiteral !== "string" || nullLiteral.includes(fieldDelimiter) ||
    (quote !== null && nullLiteral.startsWith(quote)))) {
    throw new InputError(
      `nullLiteral must be null or a string that neither contains the delimiter nor starts with the quote, got ${JSON.stringify(nullLiteral)}`,
      "nullLiteral", nullLiteral);
  }
  return format;
}

export const CSV: DelimitedFormat = delimitedFormat();

// ---------------------------------------------------------------------------
// combinators: parse and format

/**
 * Splits one row into fields. `field` names the row in errors (`value` for a body).
 *
 * @example parseDelimitedRow('a,"b,c",', CSV) // Right(["a", "b,c", ""])
 */
export function parseDelimitedRow(text: string, format: DelimitedFormat, field = "row"): E.Either<DecodeError, DelimitedRow> {
  const { fieldDelimiter: delim, quote, escape, nullLiteral } = format;
  const fields: Array<string | null> = [];
  const n = text.length;
  let pos = 0;
  for (;;) {
    const column = fields.length;
    if (quote !== null && text[pos] === quote) {
      const start = pos;
      let buf = "";
      pos++;
      for (;;) {
        if (pos >= n) return E.left(decodeError(field, text, `column ${column}: quoted field opened at character ${start} is not closed`));
        const c = text[pos]!;
        if (c === escape) {
          if (pos + 1 >= n) return E.left(decodeError(field, text, `column ${column}: escape character at the end of the row`));
          buf += text[pos + 1];
          pos += 2;
        } else if (c === quote) {
          if (text[pos + 1] === quote) { buf += quote; pos += 2; }
          else { pos++; break; }
        } else { buf += c; pos++; }
      }
      fields.push(buf);
      if (pos >= n) return E.right(fields);
      if (!text.startsWith(delim, pos)) {
        return E.left(decodeError(field, text, `column ${column}: expected a delimiter or the end after the closing quote at character ${pos - 1}`));
      }
      pos += delim.length;
      continue;
    }
    let end = text.indexOf(delim, pos);
    if (end === -1) end = n;
    if (escape !== null && text.lastIndexOf(escape, end - 1) >= pos) {
      // Slow path: an escape character may hide a delimiter, so find the real end.
      end = pos;
      while (end < n && !text.startsWith(delim, end)) {
        if (text[end] === escape) {
          if (end + 1 >= n) return E.left(decodeError(field, text, `column ${column}: escape character at the end of the row`));
          end += 2;
        } else end++;
      }
    }
    // The null literal is matched on the raw text, so that Hive's `\N` works with `\` as escape.
    const raw = text.slice(pos, end);
    fields.push(raw === nullLiteral ? null : escape === null ? raw : unescape(raw, escape));
    pos = end;
    if (pos >= n) return E.right(fields);
    pos += delim.length;
  }
}

/**
 * Joins fields into one row that `parseDelimitedRow` reads back as the same
 * fields. Quotes (or escapes, without a quote) only what needs it. A `null`
 * needs a null literal, and a field containing the delimiter needs a quote or
 * an escape character: otherwise the row cannot be written, an `EncodeError`.
 *
 * @example formatDelimitedRow(["a", "b,c", null], delimitedFormat({ nullLiteral: "NULL" })) // Right('a,"b,c",NULL')
 */
export function formatDelimitedRow(fields: DelimitedRow, format: DelimitedFormat, field = "row"): E.Either<EncodeError, string> {
  if (fields.length === 0) return E.left(encodeError(field, fields, "a row needs at least one field"));
  const { fieldDelimiter: delim, quote, escape, nullLiteral } = format;
  const parts: string[] = [];
  for (let column = 0; column < fields.length; column++) {
    const value = fields[column];
    if (value === null) {
      if (nullLiteral === null) return E.left(encodeError(`${field}[${column}]`, value, "null needs a nullLiteral in the format"));
      parts.push(nullLiteral);
      continue;
    }
    if (typeof value !== "string") return E.left(encodeError(`${field}[${column}]`, value, "expected a string or null"));
    // The delimiter's first character, not the whole delimiter: with "||", a
    // field ending in "|" would otherwise merge with the next delimiter.
    const needsCare = value.includes(delim[0]!) || (escape !== null && value.includes(escape)) ||
      (quote !== null && value.startsWith(quote)) || value === nullLiteral;
    if (!needsCare) { parts.push(value); continue; }
    if (quote !== null) {
      let body = value.split(quote).join(quote + quote);
      if (escape !== null) body = escapeEach(body, escape, escape);
      parts.push(quote + body + quote);
    } else if (escape !== null && value !== "") {
      // Escaping the delimiter's first character everywhere (not just whole
      // delimiters) keeps overlapping cases like "|||" with "||" unambiguous.
      let text = escapeEach(escapeEach(value, escape, escape), delim[0]!, escape);
      // A value that would read back as null: escaping every character makes
      // the raw text longer, so it differs unless the literal is that very text.
      if (text === nullLiteral) text = [...value].map((c) => escape + c).join("");
      if (text === nullLiteral) return E.left(encodeError(`${field}[${column}]`, value, "cannot be told apart from the nullLiteral"));
      parts.push(text);
    } else {
      return E.left(encodeError(`${field}[${column}]`, value,
        value === nullLiteral
          ? "equals the nullLiteral and the format has no quote or escape"
          : `contains ${delim.length === 1 ? "the delimiter" : `${JSON.stringify(delim[0])}, the delimiter's first character,`} and the format has no quote or escape`));
    }
  }
  return E.right(parts.join(delim));
}

function unescape(raw: string, escape: string): string {
  if (!raw.includes(escape)) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) out += raw[i] === escape ? raw[++i] : raw[i];
  return out;
}

function escapeEach(text: string, ch: string, escape: string): string {
  return text.split(ch).join(escape + ch);
}

// ---------------------------------------------------------------------------
// instances

/**
 * The body as one delimited row (strict UTF-8). With `columns`, a row with a
 * different number of fields is a `DecodeError`.
 *
 * @example DelimitedRowDeserializationSchema(CSV, { columns: 3 })
 */
export function DelimitedRowDeserializationSchema(
  format: DelimitedFormat = CSV,
  options: { readonly columns?: number } = {},
): KeyValueDeserializationSchema<DelimitedRow> {
  const columns = options.columns;
  if (columns !== undefined && (!Number.isSafeInteger(columns) || columns < 1)) {
    throw new InputError(`columns must be a positive integer, got ${JSON.stringify(columns)}`, "columns", columns);
  }
  return {
    deserialize: (_key, value) => {
      const text = decodeUtf8(value, "value");
      if (E.isLeft(text)) return text;
      const row = parseDelimitedRow(text.right, format, "value");
      if (E.isLeft(row) || columns === undefined || row.right.length === columns) return row;
      return E.left(decodeError("value", text.right, `expected ${columns} fields, found ${row.right.length}`));
    },
  };
}

/** A row as one delimited line in the body (strict UTF-8), no key. */
export function DelimitedRowSerializationSchema(format: DelimitedFormat = CSV): KeyValueSerializationSchema<DelimitedRow> {
  return {
    serialize: (row) => {
      if (!Array.isArray(row)) return E.left(encodeError("value", row, "expected an array of fields"));
      const text = formatDelimitedRow(row, format, "value");
      if (E.isLeft(text)) return text;
      const bytes = encodeUtf8Strict(text.right, "value");
      return E.isLeft(bytes) ? bytes : E.right({ value: bytes.right });
    },
  };
}
