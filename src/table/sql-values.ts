/**
 * SQL types as io-ts codecs over JavaScript values. This is the row model:
 *
 * | SQL type                       | JavaScript value                               |
 * |--------------------------------|------------------------------------------------|
 * | BOOLEAN                        | `boolean`                                      |
 * | TINYINT, SMALLINT, INT         | `number` (an integer in range)                 |
 * | BIGINT                         | `bigint` (a safe-integer `number` is accepted) |
 * | FLOAT, DOUBLE                  | `number` (FLOAT rounded to single precision)   |
 * | DECIMAL(p, s)                  | `string`, canonical (`"12.30"`); numbers accepted |
 * | CHAR(n), VARCHAR(n), STRING    | `string`, at most n code points, well-formed   |
 * | BINARY(n), VARBINARY(n), BYTES | `Uint8Array`, at most n bytes                  |
 * | DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ | canonical `string` (see temporal.ts)     |
 * | MAP<STRING, STRING>            | `Record<string, string \| null>`               |
 * | any nullable type              | also `null` (and a missing key reads as null)  |
 *
 * `decode` checks and normalises (so values read back equal what `decode`
 * returned); `encode` is the identity. Failures carry a message that says
 * what the type needs, for errors that name the column.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { checkFloat, checkIntegerRange, normalizeDecimal } from "./numeric.ts";
import { type Column, type DataType, typeToString } from "./schema.ts";
import { parseDate, parseTime, parseTimestamp, parseTimestampLtz } from "./temporal.ts";

// ---------------------------------------------------------------------------
// model

export type SqlMap = Readonly<Record<string, string | null>>;
export type SqlValue = boolean | number | bigint | string | Uint8Array | SqlMap | null;
/** A table row: column name to value. */
export type Row = Readonly<Record<string, SqlValue>>;

// ---------------------------------------------------------------------------
// one value

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Counts code points, stopping once past `limit` (long strings stay cheap). */
function exceedsCodePoints(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let count = 0;
  for (const _ of text) if (++count > limit) return true;
  return false;
}

/** Checks and normalises a non-null value of `type`: Right(value) or Left(what is wrong). */
export function checkValue(type: DataType, u: unknown): E.Either<string, Exclude<SqlValue, null>> {
  switch (type.root) {
    case "BOOLEAN":
      return typeof u === "boolean" ? E.right(u) : E.left("expected a boolean");
    case "TINYINT": case "SMALLINT": case "INT":
      if (typeof u !== "number" || !Number.isInteger(u)) return E.left(`expected an integer number (${type.root})`);
      return E.map(() => u)(checkIntegerRange(BigInt(u), type.root));
    case "BIGINT":
      if (typeof u === "number" && Number.isSafeInteger(u)) return E.right(BigInt(u));
      if (typeof u !== "bigint") return E.left("expected a bigint (BIGINT)");
      return checkIntegerRange(u, "BIGINT");
    case "FLOAT": case "DOUBLE":
      return typeof u === "number" ? checkFloat(u, type.root) : E.left(`expected a number (${type.root})`);
    case "DECIMAL":
      if (typeof u === "number" && !Number.isFinite(u)) return E.left(`expected a finite number (DECIMAL(${type.precision}, ${type.scale}))`);
      if (typeof u !== "string" && typeof u !== "number" && typeof u !== "bigint") {
        return E.left(`expected a decimal string (DECIMAL(${type.precision}, ${type.scale}))`);
      }
      return normalizeDecimal(String(u), type.precision, type.scale);
    case "CHAR": case "VARCHAR":
      if (typeof u !== "string") return E.left("expected a string");
      if (LONE_SURROGATE.test(u)) return E.left("contains a lone surrogate (not encodable as UTF-8)");
      return exceedsCodePoints(u, type.length) ? E.left(`is longer than ${type.length} character(s)`) : E.right(u);
    case "BINARY": case "VARBINARY":
      if (!(u instanceof Uint8Array)) return E.left("expected a Uint8Array");
      return u.byteLength > type.length ? E.left(`is longer than ${type.length} byte(s)`) : E.right(u);
    case "DATE":
      return typeof u === "string" ? parseDate(u) : E.left("expected a date string yyyy-MM-dd");
    case "TIME":
      return typeof u === "string" ? parseTime(u, type.precision) : E.left("expected a time string HH:mm:ss");
    case "TIMESTAMP":
      return typeof u === "string" ? parseTimestamp(u, type.precision) : E.left("expected a timestamp string yyyy-MM-dd HH:mm:ss");
    case "TIMESTAMP_LTZ":
      if (u instanceof Date) {
        return Number.isNaN(u.getTime()) ? E.left("is an invalid Date") : parseTimestampLtz(u.toISOString(), type.precision);
      }
      return typeof u === "string" ? parseTimestampLtz(u, type.precision) : E.left("expected an instant string (ISO 8601 with Z or an offset) or a Date");
    case "MAP":
      return checkMap(type, u);
  }
}

function checkMap(type: Extract<DataType, { root: "MAP" }>, u: unknown): E.Either<string, SqlMap> {
  if (typeof u !== "object" || u === null || Array.isArray(u) || u instanceof Uint8Array) return E.left("expected an object of strings");
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(u)) {
    if (value === null && type.value.nullable) { out[key] = null; continue; }
    const checked = checkValue(type.value, value);
    if (E.isLeft(checked)) return E.left(`entry ${JSON.stringify(key)} ${checked.left}`);
    out[key] = checked.right as string;
  }
  return E.right(out);
}

/**
 * The io-ts codec of one column type. `null` (and `undefined`) is accepted
 * exactly when the type is nullable, and decodes to `null`.
 *
 * @example valueCodec({ root: "TINYINT", nullable: false }).is(300) // false
 */
export function valueCodec(type: DataType): t.Type<SqlValue, SqlValue, unknown> {
  const name = typeToString(type);
  return new t.Type<SqlValue, SqlValue, unknown>(
    name,
    (u): u is SqlValue => (u === null ? type.nullable : E.isRight(checkValue(type, u))),
    (u, c) => {
      if (u === null || u === undefined) {
        return type.nullable ? t.success(null) : t.failure(u, c, "is NULL but the column is NOT NULL");
      }
      const checked = checkValue(type, u);
      return E.isRight(checked) ? t.success(checked.right) : t.failure(u, c, checked.left);
    },
    t.identity,
  );
}

// ---------------------------------------------------------------------------
// a row

/**
 * The io-ts codec of a row with these columns: an object whose keys are
 * column names. A key that is not a column is refused (a misspelt column
 * name must not silently become NULL); `ignored` names keys that may be
 * present and are dropped (a sink's VIRTUAL columns).
 *
 * @example rowCodec(table.columns).decode({ user_id: 1n, behavior: "buy" })
 */
export function rowCodec(columns: readonly Column[], ignored: readonly string[] = []): t.Type<Row, Row, unknown> {
  const codecs = columns.map((c) => [c.name, valueCodec(c.type)] as const);
  const known = new Set([...columns.map((c) => c.name), ...ignored]);
  const name = `Row<${columns.map((c) => `${c.name} ${typeToString(c.type)}`).join(", ")}>`;
  const row = new t.Type<Row, Row, unknown>(
    name,
    (u): u is Row => E.isRight(row.validate(u, [])),
    (u, c) => {
      if (typeof u !== "object" || u === null || Array.isArray(u)) return t.failure(u, c, "expected a row object");
      const input = u as Record<string, unknown>;
      for (const key of Object.keys(input)) {
        if (!known.has(key)) {
          return t.failure(input[key], t.appendContext(c, key, t.unknown, input[key]),
            `is not a column of the table (columns: ${[...known].join(", ")})`);
        }
      }
      const out: Record<string, SqlValue> = {};
      const errors: t.Errors = [];
      for (const [column, codec] of codecs) {
        const result = codec.validate(input[column], t.appendContext(c, column, codec, input[column]));
        if (E.isLeft(result)) errors.push(...result.left);
        else out[column] = result.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    t.identity,
  );
  return row;
}

/** The first io-ts error as `[column, reason]`, for an error that names the column. */
export function firstProblem(errors: t.Errors): readonly [string, string, unknown] {
  const first = errors[0];
  if (first === undefined) return ["row", "is invalid", undefined];
  const column = first.context.map((c) => c.key).filter((k) => k !== "").join(".") || "row";
  return [column, first.message ?? `expected ${first.context.at(-1)?.type.name ?? "a valid value"}`, first.value];
}
