/**
 * tableSource / tableSink without a broker: how the DDL's options become
 * source options and start strategies, what the row deserializer makes of a
 * record, and the errors a table gives before anything connects.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as E from "fp-ts/lib/Either.js";
import { ConfigError, DdlError } from "../../src/errors.ts";
import { parseSourceOptions } from "../../src/readable/source-options.ts";
import { StartFrom } from "../../src/readable/start-strategy.ts";
import type { RecordMetadata } from "../../src/serde/record-metadata.ts";
import { tableSourceConfig } from "../../src/table/options.ts";
import { parseCreateTable } from "../../src/table/parser.ts";
import { tableRowDecoder } from "../../src/table/row-codec.ts";
import { tableSink } from "../../src/table/table-sink.ts";
import { startStrategy, tableRowDeserializer, tableSource, tableSourceOptions, userProperties } from "../../src/table/table-source.ts";
import { SEED_SOURCE, SEED_SOURCE_WITH_TAG } from "./seed-ddl.ts";

const s = suite("table/table-source");

const sourceDdl = (options = "", columns = "a INT, b STRING") =>
  `CREATE TABLE t (${columns}) WITH ('connector' = 'rocketmq', 'topic' = 'tp', 'consumerGroup' = 'cg', 'nameServerAddress' = '127.0.0.1:9876'${options})`;
const config = (ddl: string) => tableSourceConfig(parseCreateTable(ddl));

function thrown<T extends Error>(type: new (...args: never[]) => T, run: () => unknown): T {
  try {
    run();
  } catch (e) {
    if (e instanceof type) return e;
    throw new Error(`expected ${type.name}, got ${String(e)}`);
  }
  throw new Error(`expected ${type.name}, nothing thrown`);
}

// ---------------------------------------------------------------------------
// options

s("seed source: the source options it gives, accepted by parseSourceOptions", () => {
  const options = tableSourceOptions(config(SEED_SOURCE));
  assert.equal(options, {
    nameServerAddress: "127.0.0.1:9876",
    consumerGroup: "behavior_consumer_group",
    topic: "user_behavior",
    longPollingMs: 3000,
    rebalanceIntervalMs: 30000,
    decodeFailurePolicy: "fail",
  });
  const parsed = parseSourceOptions(options);
  assert.is(parsed.tag, "*", "no tag: everything");
  assert.is(parsed.sql, undefined);
});

s("tag, sql, ACL keys, consumer.timeout and partitionDiscoveryIntervalMs map onto source options", () => {
  assert.is(tableSourceOptions(config(SEED_SOURCE_WITH_TAG)).tag, "TagA");
  const o = tableSourceOptions(config(sourceDdl(`, 'sql' = 'a > 1', 'accessKey' = 'ak', 'secretKey' = 'sk',
    'consumer.timeout' = '500', 'partitionDiscoveryIntervalMs' = '0'`)));
  assert.is(o.sql, "a > 1");
  assert.is(o.accessKey, "ak");
  assert.is(o.secretKey, "sk");
  assert.is(o.longPollingMs, 500);
  assert.not.ok("rebalanceIntervalMs" in o, "0 (discovery off in Flink) keeps the source's own interval");
  assert.is(parseSourceOptions(o).sql, "a > 1");
});

s("decode policy: skip for json.ignore-parse-errors and lengthCheck SKIP / SKIP_SILENT, else fail; init wins", () => {
  const policy = (options: string) => tableSourceOptions(config(sourceDdl(options))).decodeFailurePolicy;
  assert.is(policy(""), "fail");
  assert.is(policy(", 'value.format' = 'json'"), "fail");
  assert.is(policy(", 'value.format' = 'json', 'json.ignore-parse-errors' = 'true'"), "skip");
  assert.is(policy(", 'lengthCheck' = 'SKIP'"), "skip");
  assert.is(policy(", 'lengthCheck' = 'SKIP_SILENT'"), "skip");
  assert.is(policy(", 'lengthCheck' = 'EXCEPTION'"), "fail");
  assert.is(policy(", 'lengthCheck' = 'PAD'"), "fail");
  assert.is(tableSourceOptions(config(sourceDdl(", 'lengthCheck' = 'SKIP'")), { decodeFailurePolicy: "fail" }).decodeFailurePolicy, "fail");
});

s("init overrides: name server, group, extra source options over the DDL's", () => {
  const o = tableSourceOptions(config(SEED_SOURCE), {
    nameServerAddress: "10.0.0.1:9876", consumerGroup: "other", options: { batchSize: 8, longPollingMs: 100 },
  });
  assert.is(o.nameServerAddress, "10.0.0.1:9876");
  assert.is(o.consumerGroup, "other");
  assert.is(o.batchSize, 8);
  assert.is(o.longPollingMs, 100);
});

s("start modes become start strategies", async () => {
  assert.equal(await startStrategy(config(sourceDdl())), StartFrom.latest(), "no start option: latest, the connector's default");
  assert.equal(await startStrategy(config(sourceDdl(", 'scanStartupMode' = 'earliest'"))), StartFrom.earliest());
  assert.equal(await startStrategy(config(sourceDdl(", 'scanStartupMode' = 'latest'"))), StartFrom.latest());
  assert.equal(await startStrategy(config(sourceDdl(", 'scanStartupMode' = 'group-offsets'"))), StartFrom.groupOffsets());
  assert.equal(await startStrategy(config(sourceDdl(", 'scanStartupMode' = 'timestamp', 'offsetFromTimestamp' = '1700000000000'"))),
    StartFrom.timestamp(1700000000000));
  assert.equal(await startStrategy(config(sourceDdl(", 'startTimeMs' = '1700000000123'"))), StartFrom.timestamp(1700000000123));
  assert.equal(await startStrategy(config(sourceDdl(", 'startTime' = '2024-01-02 03:04:05', 'timeZone' = 'Asia/Tokyo'"))),
    StartFrom.timestamp(Date.parse("2024-01-02T03:04:05+09:00")));
  // startMessageOffset needs the topic's queues from the name server: see table-broker.test.ts
});

// ---------------------------------------------------------------------------
// the row deserializer

const META: RecordMetadata = {
  topic: "tp", tags: "TagA", keys: ["k1", "k2"], brokerName: "broker-a", queueId: 3, queueOffset: 42,
  msgId: "C0A80001000051AF00000000000000FF", bornTimestamp: 1700000000123, storeTimestamp: 1700000000456,
  properties: { TAGS: "TagA", KEYS: "k1 k2", UNIQ_KEY: "C0A80001000051AF00000000000000FF", MIN_OFFSET: "0", MAX_OFFSET: "43", WAIT: "true", CLUSTER: "DefaultCluster", zone: "eu", n: "7" },
};
const body = (text: string) => new TextEncoder().encode(text);

s("the deserializer fills every metadata column from the record; properties are the user's only", () => {
  const table = parseCreateTable(sourceDdl("", `a INT, b STRING,
    topic STRING NOT NULL METADATA VIRTUAL, tag STRING METADATA VIRTUAL, k STRING METADATA FROM 'keys' VIRTUAL,
    q INT NOT NULL METADATA FROM 'queueId' VIRTUAL, o BIGINT NOT NULL METADATA FROM 'queueOffset' VIRTUAL,
    id STRING NOT NULL METADATA FROM 'msgId' VIRTUAL, born TIMESTAMP_LTZ(3) METADATA FROM 'bornTimestamp' VIRTUAL,
    stored BIGINT METADATA FROM 'storeTimestamp' VIRTUAL, p MAP<STRING, STRING> METADATA FROM 'properties' VIRTUAL,
    pj STRING METADATA FROM 'properties' VIRTUAL`));
  const deserializer = tableRowDeserializer(tableRowDecoder(table, tableSourceConfig(table).format));
  const rows = deserializer.deserialize(undefined, body("1\u0001x\n2\u0001y"), META);
  const meta = {
    topic: "tp", tag: "TagA", k: "k1 k2", q: 3, o: 42n, id: META.msgId, born: "2023-11-14T22:13:20.123Z", stored: 1700000000456n,
    p: { zone: "eu", n: "7" }, pj: '{"n":"7","zone":"eu"}',
  };
  assert.equal(rows, E.right([{ a: 1, b: "x", ...meta }, { a: 2, b: "y", ...meta }]), "two lines, two rows, the same metadata");
});

s("the deserializer: no rows for a message stored after endTime; a bad value is a DecodeError naming the column", () => {
  const table = parseCreateTable(sourceDdl(""));
  const decoder = tableRowDecoder(table);
  assert.equal(tableRowDeserializer(decoder, META.storeTimestamp - 1).deserialize(undefined, body("1\u0001x"), META), E.right([]));
  assert.equal(tableRowDeserializer(decoder, META.storeTimestamp).deserialize(undefined, body("1\u0001x"), META), E.right([{ a: 1, b: "x" }]));
  const bad = tableRowDeserializer(decoder).deserialize(undefined, body("99999999999\u0001x"), META);
  assert.ok(E.isLeft(bad));
  assert.is(bad.left.field, "a");
  assert.match(bad.left.message, /^a: .*INT/);
});

s("userProperties drops the broker's and client's own keys", () => {
  assert.equal(userProperties(META.properties), { zone: "eu", n: "7" });
  assert.equal(userProperties({}), {});
});

// ---------------------------------------------------------------------------
// errors before anything connects

s("tableSource: DDL and option errors throw at once, naming what is wrong", () => {
  const unknown = thrown(ConfigError, () => tableSource(sourceDdl(", 'produceGroup' = 'pg'")));
  assert.is(unknown.key, "produceGroup");
  assert.match(unknown.message, /consumerGroup/, "lists the valid options");
  const missing = thrown(ConfigError, () => tableSource(`CREATE TABLE t (a INT) WITH ('connector' = 'rocketmq', 'topic' = 'tp', 'nameServerAddress' = 'h:1')`));
  assert.is(missing.key, "consumerGroup");
  const extra = thrown(ConfigError, () => tableSource(SEED_SOURCE, { options: { batchSize: 0 } }));
  assert.match(extra.message, /batchSize/);
  const meta = thrown(DdlError, () => tableSource(sourceDdl("", "a INT, tag STRING NOT NULL METADATA VIRTUAL")));
  assert.is(meta.column, "tag");
});

s("tableSink: read-only metadata must be VIRTUAL; source-only options are refused", () => {
  const sinkDdl = (columns: string, options = "") =>
    `CREATE TABLE t (${columns}) WITH ('connector' = 'rocketmq', 'topic' = 'tp', 'produceGroup' = 'pg', 'nameServerAddress' = '127.0.0.1:9876'${options})`;
  const readOnly = thrown(DdlError, () => tableSink(sinkDdl("a INT, `topic` STRING NOT NULL METADATA")));
  assert.is(readOnly.column, "topic");
  assert.match(readOnly.message, /VIRTUAL/);
  const sourceOnly = thrown(ConfigError, () => tableSink(sinkDdl("a INT", ", 'consumerGroup' = 'cg'")));
  assert.is(sourceOnly.key, "consumerGroup");
});

s.run();
