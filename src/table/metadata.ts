/**
 * Metadata columns: parts of a RocketMQ message other than its body.
 *
 * | key              | SQL types accepted                     | R/W | notes                              |
 * |------------------|----------------------------------------|-----|------------------------------------|
 * | `topic`          | STRING [NOT NULL]                      | R   | the Flink connector's one key      |
 * | `tag` (`tags`)   | STRING (nullable)                      | R/W | `tags` is the Flink sink's spelling |
 * | `keys`           | STRING (nullable)                      | R/W | message keys joined by one space   |
 * | `queueId`        | INT [NOT NULL]                         | R   |                                    |
 * | `queueOffset`    | BIGINT [NOT NULL]                      | R   |                                    |
 * | `msgId`          | STRING [NOT NULL]                      | R   |                                    |
 * | `bornTimestamp`  | TIMESTAMP_LTZ(p) or BIGINT (epoch ms)  | R   |                                    |
 * | `storeTimestamp` | TIMESTAMP_LTZ(p) or BIGINT (epoch ms)  | R   |                                    |
 * | `properties`     | MAP<STRING, STRING> or STRING (JSON)   | R   | user properties (JSON keys sorted) |
 *
 * As the Flink connector says, read-only columns must be declared VIRTUAL on
 * a sink: `checkSinkColumns` refuses them otherwise. `tag` and `keys` may be
 * NULL on a message, so they cannot be declared NOT NULL.
 */
import * as E from "fp-ts/lib/Either.js";
import { DdlError } from "../errors.ts";
import { type Column, type DataType, MAX_LENGTH, type MetadataColumn, typeToString } from "./schema.ts";
import type { SqlValue } from "./sql-values.ts";
import { ltzFromEpochMillis } from "./temporal.ts";

// ---------------------------------------------------------------------------
// model

/** A consumed message, as much of it as a table row can show. */
export interface IncomingMessage {
  readonly body: Uint8Array;
  readonly topic: string;
  readonly tags?: string;
  readonly keys?: readonly string[];
  readonly queueId: number;
  readonly queueOffset: number;
  readonly msgId: string;
  readonly bornTimestamp: number;
  readonly storeTimestamp: number;
  readonly properties: Readonly<Record<string, string>>;
}

/** A message to produce. `topic` is the sink's topic unless set. */
export interface OutgoingMessage {
  readonly topic?: string;
  readonly tags?: string;
  readonly keys?: readonly string[];
  readonly body: Uint8Array;
}

interface MetadataSpec {
  /** The canonical key (aliases resolve to it). */
  readonly key: string;
  readonly writable: boolean;
  /** Absent on some messages: the column must stay nullable. */
  readonly optional: boolean;
  readonly accepts: (type: DataType) => boolean;
  readonly typesText: string;
}

const isString = (t: DataType) => t.root === "VARCHAR" && t.length === MAX_LENGTH;
const isTimestamp = (t: DataType) => t.root === "TIMESTAMP_LTZ" || t.root === "BIGINT";

export const MetadataKeys: Readonly<Record<string, MetadataSpec>> = {
  topic: { key: "topic", writable: false, optional: false, accepts: isString, typesText: "STRING" },
  tag: { key: "tag", writable: true, optional: true, accepts: isString, typesText: "STRING" },
  tags: { key: "tag", writable: true, optional: true, accepts: isString, typesText: "STRING" },
  keys: { key: "keys", writable: true, optional: true, accepts: isString, typesText: "STRING" },
  queueId: { key: "queueId", writable: false, optional: false, accepts: (t) => t.root === "INT", typesText: "INT" },
  queueOffset: { key: "queueOffset", writable: false, optional: false, accepts: (t) => t.root === "BIGINT", typesText: "BIGINT" },
  msgId: { key: "msgId", writable: false, optional: false, accepts: isString, typesText: "STRING" },
  bornTimestamp: { key: "bornTimestamp", writable: false, optional: false, accepts: isTimestamp, typesText: "TIMESTAMP_LTZ(p) or BIGINT" },
  storeTimestamp: { key: "storeTimestamp", writable: false, optional: false, accepts: isTimestamp, typesText: "TIMESTAMP_LTZ(p) or BIGINT" },
  properties: {
    key: "properties", writable: false, optional: false,
    accepts: (t) => isString(t) || t.root === "MAP", typesText: "MAP<STRING, STRING> or STRING",
  },
};

// ---------------------------------------------------------------------------
// checks

/** DDL-time check of one metadata column: a known key, an accepted type, nullability. */
export function checkMetadataColumn(column: MetadataColumn): void {
  const spec = Object.hasOwn(MetadataKeys, column.key) ? MetadataKeys[column.key] : undefined;
  if (spec === undefined) {
    throw new DdlError(`column '${column.name}': unknown metadata key '${column.key}' (valid: ${Object.keys(MetadataKeys).join(", ")})`, column.name);
  }
  if (!spec.accepts(column.type)) {
    throw new DdlError(`column '${column.name}': metadata '${column.key}' must be ${spec.typesText}, not ${typeToString(column.type)}`, column.name);
  }
  if (spec.optional && !column.type.nullable) {
    throw new DdlError(`column '${column.name}': metadata '${column.key}' can be absent from a message, so it cannot be NOT NULL`, column.name);
  }
}

/**
 * A sink writes every column that is not VIRTUAL: a read-only metadata
 * column must therefore be VIRTUAL, and one metadata key is written once.
 */
export function checkSinkColumns(columns: readonly Column[]): void {
  const written = new Set<string>();
  for (const column of columns) {
    if (column.kind !== "metadata" || column.virtual) continue;
    const spec = MetadataKeys[column.key]!;
    if (!spec.writable) {
      throw new DdlError(
        `column '${column.name}': metadata '${column.key}' is read-only, so on a sink it must be declared VIRTUAL`, column.name);
    }
    if (written.has(spec.key)) throw new DdlError(`column '${column.name}': metadata '${spec.key}' is written by two columns`, column.name);
    written.add(spec.key);
  }
}

// ---------------------------------------------------------------------------
// read and write

/** The column's value from a consumed message: Right(value) or Left(what is wrong). */
export function readMetadata(column: MetadataColumn, message: IncomingMessage): E.Either<string, SqlValue> {
  const { type } = column;
  switch (MetadataKeys[column.key]!.key) {
    case "topic": return E.right(message.topic);
    case "tag": return E.right(message.tags === undefined || message.tags === "" ? null : message.tags);
    case "keys": return E.right(message.keys === undefined || message.keys.length === 0 ? null : message.keys.join(" "));
    case "queueId": return E.right(message.queueId);
    case "queueOffset": return E.right(BigInt(message.queueOffset));
    case "msgId": return E.right(message.msgId);
    case "bornTimestamp": return timestamp(type, message.bornTimestamp);
    case "storeTimestamp": return timestamp(type, message.storeTimestamp);
    case "properties":
      // the STRING form sorts its keys: the same properties always read as the same text
      return E.right(type.root === "MAP"
        ? { ...message.properties }
        : JSON.stringify(Object.fromEntries(Object.entries(message.properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))));
    default: return E.left(`unknown metadata key '${column.key}'`);
  }
}

function timestamp(type: DataType, ms: number): E.Either<string, SqlValue> {
  if (type.root === "BIGINT") return E.right(BigInt(ms));
  // The broker keeps milliseconds: TIMESTAMP_LTZ(0..2) drops the digits it cannot hold.
  const precision = type.root === "TIMESTAMP_LTZ" ? type.precision : 3;
  return ltzFromEpochMillis(ms - (precision >= 3 ? 0 : ms % 10 ** (3 - precision)), precision);
}

/** Which message fields a row's writable metadata columns set. */
export interface WrittenMetadata {
  tags?: string;
  keys?: string[];
}

/** Sets `tags` / `keys` from a writable, non-virtual metadata column's value (NULL sets nothing). */
export function writeMetadata(column: MetadataColumn, value: SqlValue, into: WrittenMetadata): void {
  if (column.virtual || value === null || typeof value !== "string") return;
  const key = MetadataKeys[column.key]!.key;
  if (key === "tag" && value !== "") into.tags = value;
  if (key === "keys") {
    const keys = value.split(" ").filter((k) => k !== "");
    if (keys.length > 0) into.keys = keys;
  }
}
