/**
 * Rows of a table to and from RocketMQ messages.
 *
 * A source decodes a consumed message into rows: the body gives the
 * physical columns (in the delimited text format or JSON, see
 * delimited-body.ts and json-body.ts), the message gives the metadata
 * columns (see metadata.ts). A delimited body may hold several rows, one per
 * line, as in the Flink connector; a JSON body holds one.
 *
 * A sink encodes one row into one message: the row is first checked by the
 * table's io-ts row codec (types, ranges, NOT NULL, unknown keys), then the
 * body columns are written, and the tag and keys are set, by precedence:
 * a non-NULL `tag`/`keys` metadata column, else the `dynamicTagColumn` /
 * `keyColumns` options, else the `tag` option.
 *
 * Failures are serde `DecodeError` / `EncodeError` values whose `field` is
 * the column name (`value` for the body as a whole): nothing here throws per
 * record. Construction problems throw `DdlError`.
 */
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { DdlError } from "../errors.ts";
import { type DecodeError, decodeError, type EncodeError, encodeError } from "../serde/decode-error.ts";
import { type BodyCodec, delimitedBody } from "./delimited-body.ts";
import { jsonBody } from "./json-body.ts";
import { checkSinkColumns, type IncomingMessage, type OutgoingMessage, readMetadata, writeMetadata, type WrittenMetadata } from "./metadata.ts";
import type { RowFormatConfig, TableSinkConfig } from "./options.ts";
import { type CreateTable, metadataColumns, physicalColumns, type PhysicalColumn } from "./schema.ts";
import { checkValue, firstProblem, type Row, rowCodec, type SqlValue } from "./sql-values.ts";
import { formatText } from "./text-values.ts";

// ---------------------------------------------------------------------------
// model

export interface TableRowDecoder {
  /** The io-ts codec of the rows this decoder produces (every column). */
  readonly rowCodec: t.Type<Row, Row, unknown>;
  /** The rows of one message, or the first problem, naming its column. */
  decode(message: IncomingMessage): E.Either<DecodeError, Row[]>;
}

export interface TableRowEncoder {
  /** The io-ts codec of the rows this encoder accepts (VIRTUAL columns may be present and are ignored). */
  readonly rowCodec: t.Type<Row, Row, unknown>;
  /** One row as one message, or the first problem, naming its column. */
  encode(row: unknown): E.Either<EncodeError, OutgoingMessage>;
}

/** What the encoder needs from a sink configuration. */
export type RowEncoderConfig = Pick<TableSinkConfig, "format"> & Partial<Pick<TableSinkConfig, "topic" | "tag" | "dynamicTag" | "keyColumns" | "writeKeysToBody">>;

/** The connector's default format: `\u0001` between fields, `\n` between rows, UTF-8. */
export const DEFAULT_ROW_FORMAT: RowFormatConfig = {
  kind: "delimited", encoding: "UTF-8", fieldDelimiter: "\u0001", lineDelimiter: "\n", lengthCheck: "NONE",
};

// ---------------------------------------------------------------------------
// constructors

/**
 * The source side: messages to rows.
 *
 * @example
 * const decoder = tableRowDecoder(parseCreateTable(ddl), tableSourceConfig(table).format);
 * decoder.decode(message) // Right([{ user_id: 1n, item_id: 2n, behavior: "buy", topic: "user_behavior" }])
 */
export function tableRowDecoder(table: CreateTable, format: RowFormatConfig = DEFAULT_ROW_FORMAT): TableRowDecoder {
  const body = bodyCodec(physicalColumns(table), format);
  const metadata = metadataColumns(table);
  const order = table.columns.map((c) => c.name);
  return {
    rowCodec: rowCodec(table.columns),
    decode(message) {
      const rows = body.decode(message.body);
      if (E.isLeft(rows) || metadata.length === 0) return rows;
      const values: Record<string, SqlValue> = {};
      for (const column of metadata) {
        const read = readMetadata(column, message);
        const value = E.isRight(read) && read.right !== null ? checkValue(column.type, read.right) : read;
        if (E.isLeft(value)) return E.left(decodeError(column.name, E.isRight(read) ? read.right : null, value.left));
        if (value.right === null && !column.type.nullable) return E.left(decodeError(column.name, null, "is absent but the column is NOT NULL"));
        values[column.name] = value.right;
      }
      // Declaration order, so rows print the way the table reads.
      return E.right(rows.right.map((row) => Object.fromEntries(order.map((name) => [name, Object.hasOwn(row, name) ? row[name]! : values[name]!]))));
    },
  };
}

/**
 * The sink side: rows to messages. Checks the columns as a sink needs them
 * (read-only metadata must be VIRTUAL).
 *
 * @example
 * const encoder = tableRowEncoder(table, tableSinkConfig(table));
 * encoder.encode({ user_id: 1n, item_id: 2n, behavior: "buy" }) // Right({ topic, body })
 */
export function tableRowEncoder(table: CreateTable, config: RowEncoderConfig = { format: DEFAULT_ROW_FORMAT }): TableRowEncoder {
  checkSinkColumns(table.columns);
  const physical = physicalColumns(table);
  const byName = new Map(physical.map((c) => [c.name, c]));
  const keyColumns = (config.keyColumns ?? []).map((name) => column(byName, name, "keyColumns"));
  const tagColumn = config.dynamicTag === undefined ? undefined : column(byName, config.dynamicTag.column, "dynamicTagColumn");
  // As in Flink: key columns leave the body unless writeKeysToBody; the tag column stays unless told otherwise.
  const excluded = new Set<string>([
    ...(config.writeKeysToBody ? [] : keyColumns.map((c) => c.name)),
    ...(tagColumn !== undefined && config.dynamicTag?.writeIncluded === false ? [tagColumn.name] : []),
  ]);
  const body = bodyCodec(physical.filter((c) => !excluded.has(c.name)), config.format);
  const written = metadataColumns(table).filter((c) => !c.virtual);
  const virtual = metadataColumns(table).filter((c) => c.virtual).map((c) => c.name);
  const codec = rowCodec(table.columns.filter((c) => c.kind === "physical" || !c.virtual), virtual);
  return {
    rowCodec: codec,
    encode(input) {
      const checked = codec.decode(input);
      if (E.isLeft(checked)) {
        const [field, reason, value] = firstProblem(checked.left);
        return E.left(encodeError(field, value, reason));
      }
      const row = checked.right;
      const bytes = body.encode(row);
      if (E.isLeft(bytes)) return bytes;
      const meta: WrittenMetadata = {};
      const keys: string[] = [];
      for (const c of keyColumns) {
        const value = row[c.name] ?? null;
        if (value !== null) keys.push(formatText(c.type, value));
      }
      if (keys.length > 0) meta.keys = keys;
      const dynamicTag = tagColumn === undefined ? null : row[tagColumn.name] ?? null;
      const tag = dynamicTag === null ? config.tag : formatText(tagColumn!.type, dynamicTag);
      if (tag !== undefined && tag !== "") meta.tags = tag;
      for (const c of written) writeMetadata(c, row[c.name] ?? null, meta);
      return E.right({
        ...(config.topic === undefined ? {} : { topic: config.topic }),
        ...(meta.tags === undefined ? {} : { tags: meta.tags }),
        ...(meta.keys === undefined ? {} : { keys: meta.keys }),
        body: bytes.right,
      });
    },
  };
}

// ---------------------------------------------------------------------------
// helpers

function bodyCodec(columns: readonly PhysicalColumn[], format: RowFormatConfig): BodyCodec {
  if (columns.length === 0) throw new DdlError("the table has no physical column to carry in the message body");
  return format.kind === "json" ? jsonBody(columns, format) : delimitedBody(columns, format);
}

function column(byName: Map<string, PhysicalColumn>, name: string, option: string): PhysicalColumn {
  const found = byName.get(name);
  if (found === undefined) throw new DdlError(`${option} names '${name}', which is not a physical column`, name);
  return found;
}
