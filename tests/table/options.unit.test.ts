import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError, DdlError } from "../../src/errors.ts";
import { parseCreateTable } from "../../src/table/parser.ts";
import { tableConfig, tableSinkConfig, tableSourceConfig } from "../../src/table/options.ts";
import { unescapeJava } from "../../src/table/option-codecs.ts";
import { SEED_SINK, SEED_SOURCE, SEED_SOURCE_WITH_TAG } from "./seed-ddl.ts";

const s = suite("table/options");

const BASE_SOURCE = { connector: "rocketmq", topic: "t1", consumerGroup: "g1", nameServerAddress: "127.0.0.1:9876" };
const BASE_SINK = { connector: "rocketmq", topic: "t1", producerGroup: "p1", nameServerAddress: "127.0.0.1:9876" };

function ddl(options: Record<string, string>, columns = "a INT, b STRING"): string {
  const opts = Object.entries(options).map(([k, v]) => `'${k}' = '${v.replaceAll("'", "''")}'`).join(",\n  ");
  return `CREATE TABLE t (${columns}) WITH (\n  ${opts}\n)`;
}
const source = (options: Record<string, string>, columns?: string) => tableSourceConfig(parseCreateTable(ddl({ ...BASE_SOURCE, ...options }, columns)));
const sink = (options: Record<string, string>, columns?: string) => tableSinkConfig(parseCreateTable(ddl({ ...BASE_SINK, ...options }, columns)));

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw new Error(`expected ConfigError, got ${String(e)}`);
  }
  throw new Error("expected ConfigError");
}

s("seed source: required options and the Flink defaults", () => {
  assert.equal(tableSourceConfig(parseCreateTable(SEED_SOURCE)), {
    connector: "rocketmq",
    topic: "user_behavior",
    consumerGroup: "behavior_consumer_group",
    nameServerAddress: "127.0.0.1:9876",
    startMode: { mode: "latest" },
    partitionDiscoveryIntervalMs: 30000,
    pollTimeoutMs: 3000,
    useNewApi: true,
    columnErrorDebug: true,
    format: { kind: "delimited", encoding: "UTF-8", fieldDelimiter: "\u0001", lineDelimiter: "\n", lengthCheck: "NONE" },
  });
});

s("seed source with tag", () => {
  assert.is(tableConfig(parseCreateTable(SEED_SOURCE_WITH_TAG), "source").tag, "TagA");
});

s("seed sink: produceGroup spelling, Flink sink defaults", () => {
  assert.equal(tableConfig(parseCreateTable(SEED_SINK), "sink"), {
    connector: "rocketmq",
    topic: "user_behavior",
    producerGroup: "behavior_producer_group",
    nameServerAddress: "127.0.0.1:9876",
    retryTimes: 10,
    sleepTimeMs: 5000,
    keyColumns: [],
    writeKeysToBody: false,
    format: { kind: "delimited", encoding: "UTF-8", fieldDelimiter: "\u0001", lineDelimiter: "\n", lengthCheck: "NONE" },
  });
});

s("the seed sink DDL is not a source (unknown option lists the valid ones)", () => {
  const e = configError(() => tableSourceConfig(parseCreateTable(SEED_SINK)));
  assert.is(e.key, "produceGroup");
  assert.match(e.message, /unknown option 'produceGroup' \(valid options: .*consumerGroup.*nameServerAddress.*scanStartupMode/);
});

s("unknown option; Flink's newer names are not accepted", () => {
  const e = configError(() => source({ "rocketmq.source.group": "x" }));
  assert.is(e.key, "rocketmq.source.group");
  assert.is(e.value, "x");
});

s("missing required options are named", () => {
  const { consumerGroup: _g, ...noGroup } = BASE_SOURCE;
  const e = configError(() => tableSourceConfig(parseCreateTable(ddl(noGroup))));
  assert.is(e.key, "consumerGroup");
  assert.match(e.message, /missing required option 'consumerGroup'/);
  const { producerGroup: _p, ...noProducer } = BASE_SINK;
  assert.match(configError(() => tableSinkConfig(parseCreateTable(ddl(noProducer)))).message, /missing required option 'producerGroup' \(or 'produceGroup'\)/);
});

const badValues: Array<[string, string, RegExp]> = [
  ["connector", "kafka", /option 'connector' has value "kafka": expected one of 'rocketmq'/],
  ["nameServerAddress", "localhost", /expected host:port/],
  ["startMessageOffset", "ten", /option 'startMessageOffset' has value "ten": expected an integer/],
  ["partitionDiscoveryIntervalMs", "-5", /expected a whole number of milliseconds from 0 to 2147483647/],
  ["useNewApi", "yes", /expected true or false/],
  ["encoding", "GBK", /expected 'UTF-8' \(the only supported encoding\)/],
  ["fieldDelimiter", "", /expected a non-empty delimiter/],
  ["fieldDelimiter", "\\x01", /expected a non-empty delimiter/],
  ["lengthCheck", "CUT", /expected one of 'NONE', 'SKIP', 'PAD', 'EXCEPTION', 'SKIP_SILENT'/],
  ["scanStartupMode", "newest", /expected one of 'earliest', 'latest', 'timestamp', 'group-offsets'/],
  ["value.format", "avro", /expected one of 'json'/],
  ["key.format", "json", /key formats are not supported/],
  ["topic", "  ", /expected a non-empty string/],
];
for (const [key, value, message] of badValues) {
  s(`bad value: ${key} = ${JSON.stringify(value)}`, () => {
    const e = configError(() => source({ [key]: value }));
    assert.is(e.key, key);
    assert.is(e.value, value);
    assert.match(e.message, message);
  });
}

s("case-insensitive enum and boolean values", () => {
  const c = source({ lengthCheck: "pad", useNewApi: "FALSE", scanStartupMode: "EARLIEST" });
  assert.is(c.format.kind === "delimited" && c.format.lengthCheck, "PAD");
  assert.is(c.useNewApi, false);
  assert.equal(c.startMode, { mode: "earliest" });
});

s("start modes: offset, startTimeMs, startTime in a zone, scanStartupMode", () => {
  assert.equal(source({ startMessageOffset: "42" }).startMode, { mode: "offset", offset: 42 });
  assert.equal(source({ startTimeMs: "1700000000000" }).startMode, { mode: "timestamp", timestampMs: 1700000000000 });
  assert.equal(source({ startTime: "2024-01-02 03:04:05", timeZone: "UTC" }).startMode, { mode: "timestamp", timestampMs: Date.UTC(2024, 0, 2, 3, 4, 5) });
  assert.equal(source({ startTime: "2024-07-01 12:00:00", timeZone: "Asia/Shanghai" }).startMode, { mode: "timestamp", timestampMs: Date.UTC(2024, 6, 1, 4, 0, 0) });
  // Winter and summer time in one zone.
  assert.equal(source({ startTime: "2024-01-15 12:00:00", timeZone: "Europe/Berlin" }).startMode, { mode: "timestamp", timestampMs: Date.UTC(2024, 0, 15, 11) });
  assert.equal(source({ startTime: "2024-07-15 12:00:00", timeZone: "Europe/Berlin" }).startMode, { mode: "timestamp", timestampMs: Date.UTC(2024, 6, 15, 10) });
  assert.equal(source({ scanStartupMode: "timestamp", offsetFromTimestamp: "123" }).startMode, { mode: "timestamp", timestampMs: 123 });
  assert.equal(source({ scanStartupMode: "group-offsets" }).startMode, { mode: "group-offsets" });
  const now = Date.now();
  const mode = source({ scanStartupMode: "timestamp" }).startMode;
  assert.ok(mode.mode === "timestamp" && mode.timestampMs >= now && mode.timestampMs <= Date.now());
});

s("startTime without timeZone uses the process's zone", () => {
  assert.equal(source({ startTime: "2024-01-02 03:04:05" }).startMode, { mode: "timestamp", timestampMs: new Date(2024, 0, 2, 3, 4, 5).getTime() });
});

s("start option conflicts and bad times", () => {
  assert.match(configError(() => source({ scanStartupMode: "earliest", startMessageOffset: "1" })).message,
    /option 'startMessageOffset' cannot be combined with 'scanStartupMode'/);
  const bad = configError(() => source({ startTime: "2024-13-01 00:00:00", timeZone: "UTC" }));
  assert.is(bad.key, "startTime");
  assert.match(bad.message, /is not a valid date and time/);
  assert.match(configError(() => source({ startTime: "2024-01-01T00:00:00" })).message, /expected yyyy-MM-dd HH:mm:ss/);
  assert.match(configError(() => source({ startTime: "2024-01-01 00:00:00", timeZone: "Mars/Base" })).message, /unknown time zone "Mars\/Base"/);
  assert.match(configError(() => source({ startTime: "2024-01-02 00:00:00", endTime: "2024-01-01 00:00:00", timeZone: "UTC" })).message,
    /'endTime' .* is before the start time/);
  assert.is(source({ endTime: "2024-01-01 00:00:00", timeZone: "UTC" }).stopTimeMs, Date.UTC(2024, 0, 1));
});

s("blank tag and sql are unset, as in Flink", () => {
  const c = source({ tag: "", sql: " " });
  assert.is("tag" in c, false);
  assert.is("sql" in c, false);
  assert.is(source({ sql: "a > 1" }).sql, "a > 1");
});

s("delimiters: Java escapes undone (as the connector does), overlap refused", () => {
  const c = source({ fieldDelimiter: "\\u0001", lineDelimiter: "\\r\\n" });
  assert.equal(c.format, { kind: "delimited", encoding: "UTF-8", fieldDelimiter: "\u0001", lineDelimiter: "\r\n", lengthCheck: "NONE" });
  assert.is(sink({ fieldDelimiter: "\\t" }).format.kind === "delimited" && (sink({ fieldDelimiter: "\\t" }).format as { fieldDelimiter: string }).fieldDelimiter, "\t");
  assert.match(configError(() => source({ fieldDelimiter: "\\n" })).message, /overlap/);
  assert.equal(unescapeJava("a\\001b\\\\c\\uu0041"), { _tag: "Right", right: "a\u0001b\\cA" });
  assert.is(unescapeJava("x\\")._tag, "Left");
});

s("json format and its options", () => {
  assert.equal(source({ "value.format": "json", "json.fail-on-missing-field": "true" }).format,
    { kind: "json", encoding: "UTF-8", failOnMissingField: true, ignoreParseErrors: false });
  assert.equal(source({ format: "JSON" }).format.kind, "json");
  assert.match(configError(() => source({ "json.ignore-parse-errors": "true" })).message, /needs 'value.format' = 'json'/);
  assert.match(configError(() => source({ "value.format": "json", fieldDelimiter: "," })).message, /does not apply to the json format/);
  assert.match(configError(() => source({ "value.format": "json", format: "json" })).message, /not both/);
});

s("sink options: dynamic tag, key columns, both group spellings refused together", () => {
  const c = sink({ isDynamicTag: "true", dynamicTagColumn: "b", dynamicTagColumnWriteIncluded: "false", keyColumns: "a, b", writeKeysToBody: "true", retryTimes: "3" });
  assert.equal(c.dynamicTag, { column: "b", writeIncluded: false });
  assert.equal(c.keyColumns, ["a", "b"]);
  assert.is(c.writeKeysToBody, true);
  assert.is(c.retryTimes, 3);
  assert.match(configError(() => sink({ produceGroup: "x" })).message, /give 'producerGroup' or 'produceGroup', not both/);
  assert.match(configError(() => sink({ isDynamicTag: "true" })).message, /'dynamicTagColumn' is not set/);
  assert.throws(() => sink({ keyColumns: "zz" }), (e: unknown) => e instanceof DdlError && e.column === "zz");
  // Source-only options are unknown on a sink, as in Flink.
  assert.is(configError(() => sink({ consumerGroup: "g" })).key, "consumerGroup");
});

s("sink: read-only metadata must be VIRTUAL, writable metadata may be written", () => {
  assert.throws(() => sink({}, "a INT, `topic` STRING NOT NULL METADATA"),
    (e: unknown) => e instanceof DdlError && e.column === "topic" && /read-only, so on a sink it must be declared VIRTUAL/.test(e.message));
  assert.throws(() => sink({}, "a INT, o BIGINT METADATA FROM 'queueOffset'"), (e: unknown) => e instanceof DdlError && e.column === "o");
  assert.is(sink({}, "a INT, `topic` STRING NOT NULL METADATA VIRTUAL, tag STRING METADATA, `keys` STRING METADATA").topic, "t1");
  assert.throws(() => sink({}, "a INT, t1 STRING METADATA FROM 'tag', t2 STRING METADATA FROM 'tags'"),
    (e: unknown) => e instanceof DdlError && /written by two columns/.test(e.message));
  // A source does not care about VIRTUAL.
  assert.is(source({}, "a INT, `topic` STRING NOT NULL METADATA").topic, "t1");
});

s.run();
