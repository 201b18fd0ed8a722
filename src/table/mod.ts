/**
 * Table DDL: `CREATE TABLE ... WITH ('connector' = 'rocketmq')` parsed into a
 * schema, its WITH options into typed source and sink configurations, and
 * its columns into row codecs between RocketMQ messages and row objects.
 * Explicit allow-list: values first, then types.
 *
 * `tableSource(ddl)` and `tableSink(ddl)` put them on the broker: a stream of
 * rows read from the table's topic, and a sink of rows written to it.
 *
 * @example
 * import { tableSink, tableSource } from "rocketmq-webstreams/table";
 * await ReadableStream.from(rows).pipeTo(tableSink(sinkDdl).writable());
 * for await (const row of tableSource(sourceDdl).rows()) console.log(row);
 *
 * @example
 * import { parseCreateTable, tableSourceConfig, tableRowDecoder } from "rocketmq-webstreams/table";
 * const table = parseCreateTable(ddl);
 * const config = tableSourceConfig(table);
 * const decoder = tableRowDecoder(table, config.format);
 */
export { parseCreateTable } from "./parser.ts";
export { metadataColumns, MAX_LENGTH, physicalColumns, typeToString } from "./schema.ts";
export { LengthChecks, SinkOptions, SourceOptions, tableConfig, tableSinkConfig, tableSourceConfig } from "./options.ts";
export { DEFAULT_ROW_FORMAT, tableRowDecoder, tableRowEncoder } from "./row-codec.ts";
export { rowCodec, valueCodec } from "./sql-values.ts";
export { MetadataKeys } from "./metadata.ts";
export { startStrategy, TableSource, tableSource, tableRowDeserializer, tableSourceOptions, userProperties } from "./table-source.ts";
export { tableSink } from "./table-sink.ts";

export type { Column, CreateTable, DataType, MetadataColumn, PhysicalColumn, TypeRoot } from "./schema.ts";
export type {
  DelimitedFormatConfig,
  JsonFormatConfig,
  LengthCheck,
  RowFormatConfig,
  StartMode,
  TableSinkConfig,
  TableSourceConfig,
} from "./options.ts";
export type { RowEncoderConfig, TableRowDecoder, TableRowEncoder } from "./row-codec.ts";
export type { Row, SqlMap, SqlValue } from "./sql-values.ts";
export type { IncomingMessage, OutgoingMessage } from "./metadata.ts";
export type { TableSourceInit } from "./table-source.ts";
export type { TableSinkInit } from "./table-sink.ts";
