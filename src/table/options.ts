/**
 * WITH options of a RocketMQ table, named and defaulted as the Flink RocketMQ
 * connector's table factories name them. The names are those of the
 * connector's `RocketMQOptions` before the FLIP-27 rewrite (apache/rocketmq-flink
 * 2be3561), which the seed's DDL (`consumerGroup`, `nameServerAddress`) uses;
 * the rewrite renamed them `rocketmq.source.*` and those are not accepted.
 *
 * Source (`RocketMQDynamicTableSourceFactory`):
 * | option | default | field |
 * |---|---|---|
 * | `connector` | required, `'rocketmq'` | `connector` |
 * | `topic`, `consumerGroup`, `nameServerAddress` | required | same |
 * | `tag`, `sql` | none | `tag`, `sql` (blank = unset) |
 * | `startMessageOffset` | -1 | `startMode` `offset` when >= 0 |
 * | `startTimeMs` | -1 | `startMode` `timestamp` when >= 0 |
 * | `startTime` (`yyyy-MM-dd HH:mm:ss` in `timeZone`) | none | `startMode` `timestamp` |
 * | `endTime` (same format) | none | `stopTimeMs` |
 * | `timeZone` | the process's zone | `timeZone` |
 * | `scanStartupMode` | `latest` (`earliest`, `latest`, `timestamp`, `group-offsets`) | `startMode` |
 * | `offsetFromTimestamp` | now | `startMode.timestampMs` with `timestamp` |
 * | `partitionDiscoveryIntervalMs` | 30000 | same |
 * | `consumer.timeout` | 3000 | `pollTimeoutMs` |
 * | `useNewApi` | true | same |
 * | `encoding` | `UTF-8` (the only one) | `format.encoding` |
 * | `fieldDelimiter` | `\u0001` | `format.fieldDelimiter` |
 * | `lineDelimiter` | `\n` | `format.lineDelimiter` |
 * | `columnErrorDebug` | true | same |
 * | `lengthCheck` | `NONE` (`SKIP`, `PAD`, `EXCEPTION`, `SKIP_SILENT`) | `format.lengthCheck` |
 * | `accessKey`, `secretKey` | none | same |
 * | `format`, `value.format` | delimited text | `format.kind` `json` when `'json'` |
 * | `json.fail-on-missing-field`, `json.ignore-parse-errors` | false | `format.*` |
 * | `key.format` | - | refused: key formats are not supported |
 *
 * Sink (`RocketMQDynamicTableSinkFactory`): `connector`, `topic`,
 * `producerGroup` (or `produceGroup`, the spelling in the connector's README
 * and the seed) and `nameServerAddress` required; `tag`; `retryTimes` 10;
 * `sleepTimeMs` 5000; `isDynamicTag` false; `dynamicTagColumn`;
 * `dynamicTagColumnWriteIncluded` true; `writeKeysToBody` false;
 * `keyColumns` (comma list); `encoding`; `fieldDelimiter`; `accessKey`;
 * `secretKey`. Beyond the Flink sink (so that one format serves both ways):
 * `lineDelimiter`, `format` / `value.format` and the `json.*` options.
 *
 * Differences from Flink, on purpose: delimiters are unescaped on the sink
 * too (Flink's sink uses `'\u0001'` as six literal characters); a start mode
 * given together with `scanStartupMode` is an error, as in Flink.
 */
import { ConfigError, DdlError } from "../errors.ts";
import * as E from "fp-ts/lib/Either.js";
import {
  AddressText, BooleanText, decodeWithOptions, DelimiterText, EncodingText, LongText, NonBlank,
  NonNegativeText, oneOf, type OptionSpec, refused, Text,
} from "./option-codecs.ts";
import { NonNegativeDurationMs } from "../config/duration.ts";
import { checkSinkColumns } from "./metadata.ts";
import { type CreateTable, physicalColumns } from "./schema.ts";
import { epochMillisOfWallTime } from "./temporal.ts";

// ---------------------------------------------------------------------------
// model

export const LengthChecks = ["NONE", "SKIP", "PAD", "EXCEPTION", "SKIP_SILENT"] as const;
/**
 * Rows whose field count differs from the columns: `PAD` fills missing
 * fields with NULL and drops extra ones (as Flink); every other value makes
 * the row a decode error, which the source's decode policy then fails or skips.
 */
export type LengthCheck = (typeof LengthChecks)[number];

export interface DelimitedFormatConfig {
  readonly kind: "delimited";
  readonly encoding: "UTF-8";
  readonly fieldDelimiter: string;
  readonly lineDelimiter: string;
  readonly lengthCheck: LengthCheck;
}

export interface JsonFormatConfig {
  readonly kind: "json";
  readonly encoding: "UTF-8";
  /** A missing field is an error even for a nullable column (default: it reads as NULL). */
  readonly failOnMissingField: boolean;
  /** For the source's decode policy: skip rows that cannot be parsed. */
  readonly ignoreParseErrors: boolean;
}

export type RowFormatConfig = DelimitedFormatConfig | JsonFormatConfig;

export type StartMode =
  | { readonly mode: "earliest" }
  | { readonly mode: "latest" }
  | { readonly mode: "group-offsets" }
  | { readonly mode: "timestamp"; readonly timestampMs: number }
  | { readonly mode: "offset"; readonly offset: number };

export interface TableSourceConfig {
  readonly connector: "rocketmq";
  readonly topic: string;
  readonly consumerGroup: string;
  readonly nameServerAddress: string;
  readonly tag?: string;
  readonly sql?: string;
  readonly startMode: StartMode;
  /** From `endTime`: a bounded source stops at messages stored after it. */
  readonly stopTimeMs?: number;
  readonly timeZone?: string;
  readonly partitionDiscoveryIntervalMs: number;
  readonly pollTimeoutMs: number;
  readonly useNewApi: boolean;
  readonly columnErrorDebug: boolean;
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly format: RowFormatConfig;
}

export interface TableSinkConfig {
  readonly connector: "rocketmq";
  readonly topic: string;
  readonly producerGroup: string;
  readonly nameServerAddress: string;
  readonly tag?: string;
  readonly retryTimes: number;
  readonly sleepTimeMs: number;
  /** `isDynamicTag` with `dynamicTagColumn`: the tag comes from this column. */
  readonly dynamicTag?: { readonly column: string; readonly writeIncluded: boolean };
  /** `keyColumns`: message keys come from these columns. */
  readonly keyColumns: readonly string[];
  readonly writeKeysToBody: boolean;
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly format: RowFormatConfig;
}

// ---------------------------------------------------------------------------
// option tables

const Connector = oneOf(["rocketmq"] as const);
const Format = oneOf(["json"] as const);
const Unsupported: OptionSpec = {
  codec: refused("no value: key formats are not supported (only the message body is decoded)"),
};

const FORMAT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  encoding: { codec: EncodingText, default: "UTF-8" },
  fieldDelimiter: { codec: DelimiterText, default: "\u0001" },
  lineDelimiter: { codec: DelimiterText, default: "\n" },
  format: { codec: Format },
  "value.format": { codec: Format },
  "json.fail-on-missing-field": { codec: BooleanText, default: false },
  "json.ignore-parse-errors": { codec: BooleanText, default: false },
};

const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  connector: { codec: Connector, required: true },
  topic: { codec: NonBlank, required: true },
  nameServerAddress: { codec: AddressText, required: true },
  tag: { codec: Text },
  accessKey: { codec: Text },
  secretKey: { codec: Text },
};

export const SourceOptions: Readonly<Record<string, OptionSpec>> = {
  ...COMMON_OPTIONS,
  ...FORMAT_OPTIONS,
  consumerGroup: { codec: NonBlank, required: true },
  sql: { codec: Text },
  startMessageOffset: { codec: LongText, default: -1 },
  startTimeMs: { codec: LongText, default: -1 },
  startTime: { codec: Text },
  endTime: { codec: Text },
  timeZone: { codec: NonBlank },
  partitionDiscoveryIntervalMs: { codec: NonNegativeDurationMs, default: 30000 },
  "consumer.timeout": { codec: NonNegativeDurationMs, default: 3000 },
  useNewApi: { codec: BooleanText, default: true },
  columnErrorDebug: { codec: BooleanText, default: true },
  lengthCheck: { codec: oneOf(LengthChecks), default: "NONE" },
  scanStartupMode: { codec: oneOf(["earliest", "latest", "timestamp", "group-offsets"] as const) },
  offsetFromTimestamp: { codec: LongText },
  "key.format": Unsupported,
};

export const SinkOptions: Readonly<Record<string, OptionSpec>> = {
  ...COMMON_OPTIONS,
  ...FORMAT_OPTIONS,
  producerGroup: { codec: NonBlank },
  produceGroup: { codec: NonBlank },
  retryTimes: { codec: NonNegativeText, default: 10 },
  sleepTimeMs: { codec: NonNegativeDurationMs, default: 5000 },
  isDynamicTag: { codec: BooleanText, default: false },
  dynamicTagColumn: { codec: NonBlank },
  dynamicTagColumnWriteIncluded: { codec: BooleanText, default: true },
  writeKeysToBody: { codec: BooleanText, default: false },
  keyColumns: { codec: Text },
};

// ---------------------------------------------------------------------------
// constructors

/**
 * The source configuration of a parsed table. Throws `ConfigError` naming the
 * option (unknown, missing, bad value, conflicting start options).
 *
 * @example tableSourceConfig(parseCreateTable(ddl)).startMode // { mode: "latest" }
 */
export function tableSourceConfig(table: CreateTable): TableSourceConfig {
  const what = `table ${table.name} (source)`;
  const o = decodeWithOptions(what, SourceOptions, table.options);
  const given = (key: string) => Object.hasOwn(table.options, key);
  if (given("scanStartupMode")) {
    const clash = ["startMessageOffset", "startTimeMs", "startTime"].find(given);
    if (clash !== undefined) {
      throw new ConfigError(`${what}: option '${clash}' cannot be combined with 'scanStartupMode'`, clash, table.options[clash]);
    }
  }
  const timeZone = o.timeZone as string | undefined;
  const wallTime = (key: string): number | undefined => {
    const text = o[key] as string | undefined;
    if (text === undefined || text.trim() === "") return undefined;
    const ms = epochMillisOfWallTime(text, timeZone);
    if (E.isLeft(ms)) throw new ConfigError(`${what}: option '${key}' has value ${JSON.stringify(text)}: ${ms.left}`, key, text);
    return ms.right;
  };
  const startTimeMs = (o.startTimeMs as number) >= 0 ? o.startTimeMs as number : wallTime("startTime");
  const startMode: StartMode = (o.startMessageOffset as number) >= 0
    ? { mode: "offset", offset: o.startMessageOffset as number }
    : startTimeMs !== undefined
    ? { mode: "timestamp", timestampMs: startTimeMs }
    : scanMode(o.scanStartupMode as string | undefined, o.offsetFromTimestamp as number | undefined);
  const stopTimeMs = wallTime("endTime");
  if (stopTimeMs !== undefined && startMode.mode === "timestamp" && stopTimeMs < startMode.timestampMs) {
    throw new ConfigError(`${what}: 'endTime' (${stopTimeMs} ms) is before the start time (${startMode.timestampMs} ms)`, "endTime", table.options.endTime);
  }
  return {
    connector: "rocketmq",
    topic: o.topic as string,
    consumerGroup: o.consumerGroup as string,
    nameServerAddress: o.nameServerAddress as string,
    ...nonBlank("tag", o.tag),
    ...nonBlank("sql", o.sql),
    startMode,
    ...(stopTimeMs === undefined ? {} : { stopTimeMs }),
    ...(timeZone === undefined ? {} : { timeZone }),
    partitionDiscoveryIntervalMs: o.partitionDiscoveryIntervalMs as number,
    pollTimeoutMs: o["consumer.timeout"] as number,
    useNewApi: o.useNewApi as boolean,
    columnErrorDebug: o.columnErrorDebug as boolean,
    ...nonBlank("accessKey", o.accessKey),
    ...nonBlank("secretKey", o.secretKey),
    format: rowFormat(what, table.options, o),
  };
}

/**
 * The sink configuration of a parsed table: options as above, plus the
 * column checks a sink needs (read-only metadata must be VIRTUAL; key and tag
 * columns must be physical columns).
 */
export function tableSinkConfig(table: CreateTable): TableSinkConfig {
  const what = `table ${table.name} (sink)`;
  const o = decodeWithOptions(what, SinkOptions, table.options);
  if (o.producerGroup !== undefined && o.produceGroup !== undefined) {
    throw new ConfigError(`${what}: give 'producerGroup' or 'produceGroup', not both`, "produceGroup", o.produceGroup);
  }
  const producerGroup = (o.producerGroup ?? o.produceGroup) as string | undefined;
  if (producerGroup === undefined) throw new ConfigError(`${what}: missing required option 'producerGroup' (or 'produceGroup')`, "producerGroup");
  checkSinkColumns(table.columns);
  const physical = new Set(physicalColumns(table).map((c) => c.name));
  const keyColumns = ((o.keyColumns as string | undefined) ?? "").split(",").map((k) => k.trim()).filter((k) => k !== "");
  for (const key of keyColumns) {
    if (!physical.has(key)) throw new DdlError(`${what}: keyColumns names '${key}', which is not a physical column`, key);
  }
  let dynamicTag: TableSinkConfig["dynamicTag"];
  if (o.isDynamicTag === true) {
    const column = o.dynamicTagColumn as string | undefined;
    if (column === undefined) throw new ConfigError(`${what}: 'isDynamicTag' is true but 'dynamicTagColumn' is not set`, "dynamicTagColumn");
    if (!physical.has(column)) throw new DdlError(`${what}: dynamicTagColumn names '${column}', which is not a physical column`, column);
    dynamicTag = { column, writeIncluded: o.dynamicTagColumnWriteIncluded as boolean };
  }
  return {
    connector: "rocketmq",
    topic: o.topic as string,
    producerGroup,
    nameServerAddress: o.nameServerAddress as string,
    ...nonBlank("tag", o.tag),
    retryTimes: o.retryTimes as number,
    sleepTimeMs: o.sleepTimeMs as number,
    ...(dynamicTag === undefined ? {} : { dynamicTag }),
    keyColumns,
    writeKeysToBody: o.writeKeysToBody as boolean,
    ...nonBlank("accessKey", o.accessKey),
    ...nonBlank("secretKey", o.secretKey),
    format: rowFormat(what, table.options, o),
  };
}

/** Both configurations' entry point: `tableConfig(table, "source")` or `"sink"`. */
export function tableConfig(table: CreateTable, role: "source"): TableSourceConfig;
export function tableConfig(table: CreateTable, role: "sink"): TableSinkConfig;
export function tableConfig(table: CreateTable, role: "source" | "sink"): TableSourceConfig | TableSinkConfig {
  return role === "source" ? tableSourceConfig(table) : tableSinkConfig(table);
}

// ---------------------------------------------------------------------------
// helpers

function scanMode(mode: string | undefined, fromTimestamp: number | undefined): StartMode {
  switch (mode) {
    case "earliest": return { mode: "earliest" };
    case "timestamp": return { mode: "timestamp", timestampMs: fromTimestamp ?? Date.now() };
    case "group-offsets": return { mode: "group-offsets" };
    default: return { mode: "latest" };
  }
}

function rowFormat(what: string, given: Readonly<Record<string, string>>, o: Record<string, unknown>): RowFormatConfig {
  if (o.format !== undefined && o["value.format"] !== undefined) {
    throw new ConfigError(`${what}: give 'format' or 'value.format', not both`, "value.format", o["value.format"]);
  }
  const json = (o.format ?? o["value.format"]) === "json";
  const jsonOnly = ["json.fail-on-missing-field", "json.ignore-parse-errors"].find((k) => Object.hasOwn(given, k));
  const textOnly = ["fieldDelimiter", "lineDelimiter", "lengthCheck"].find((k) => Object.hasOwn(given, k));
  if (!json && jsonOnly !== undefined) throw new ConfigError(`${what}: option '${jsonOnly}' needs 'value.format' = 'json'`, jsonOnly, given[jsonOnly]);
  if (json && textOnly !== undefined) throw new ConfigError(`${what}: option '${textOnly}' does not apply to the json format`, textOnly, given[textOnly]);
  if (json) {
    return {
      kind: "json", encoding: "UTF-8",
      failOnMissingField: o["json.fail-on-missing-field"] as boolean,
      ignoreParseErrors: o["json.ignore-parse-errors"] as boolean,
    };
  }
  const fieldDelimiter = o.fieldDelimiter as string;
  const lineDelimiter = o.lineDelimiter as string;
  if (fieldDelimiter.includes(lineDelimiter) || lineDelimiter.includes(fieldDelimiter)) {
    throw new ConfigError(`${what}: fieldDelimiter ${JSON.stringify(fieldDelimiter)} and lineDelimiter ${JSON.stringify(lineDelimiter)} overlap`, "fieldDelimiter", fieldDelimiter);
  }
  return { kind: "delimited", encoding: "UTF-8", fieldDelimiter, lineDelimiter, lengthCheck: (o.lengthCheck as LengthCheck | undefined) ?? "NONE" };
}

/** `{ [key]: value }` when value is a non-blank string (Flink treats blank as unset), else `{}`. */
function nonBlank<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return typeof value === "string" && value.trim() !== "" ? { [key]: value } as { [P in K]?: string } : {};
}
