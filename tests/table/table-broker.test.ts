/**
 * Tables on the real broker: rows written by `tableSink(ddl)` are read back
 * by `tableSource(ddl)` with every column equal, for the seed's three DDL
 * examples (default delimited format), for JSON with every column type and
 * every metadata column, for user properties under a SQL92 filter, and for
 * values the source cannot decode (the error names the column).
 *
 * The seed DDL is used as written, with its topic and group names swapped
 * for fresh ones (one topic per test) and the test cluster's name server.
 * TABLE_TEST_LOG=1 prints the sources' logs.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DecodeFailedError, EncodeFailedError } from "../../src/errors.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import type { Row } from "../../src/table/sql-values.ts";
import { tableSink } from "../../src/table/table-sink.ts";
import { tableSource, type TableSource, type TableSourceInit } from "../../src/table/table-source.ts";
import type { SendReceipt } from "../../src/writable/outgoing-message.ts";
import { cluster, randomName } from "../fixture/broker.ts";
import { freshTopic } from "../remoting/client-helpers.ts";
import { SEED_SINK, SEED_SOURCE, SEED_SOURCE_WITH_TAG } from "./seed-ddl.ts";

const s = suite("table source and sink (broker)");
// topics are made by our client (randomName + UPDATE_AND_CREATE_TOPIC, then the route awaited):
// mqadmin's JVM takes ~9 s a call on the shared 2-core machine
const admin = new RemotingClient({ nameServerAddress: cluster().namesrv, requestTimeoutMs: 10_000 });
s.after(() => admin.close());
const utf8 = new TextEncoder();

/** The seed DDL with fresh topic and group names. */
function seed(ddl: string, topic: string, group = "unused_group"): string {
  const out = ddl.replace("'user_behavior'", `'${topic}'`).replace("'behavior_consumer_group'", `'${group}'`);
  assert.ok(out.includes(`'${topic}'`), "the seed DDL names a topic");
  return out;
}

const init = (extra: TableSourceInit = {}): TableSourceInit => ({
  nameServerAddress: cluster().namesrv,
  onLog: process.env.TABLE_TEST_LOG ? (e) => console.log(`    [source] ${e.level} ${e.message}`) : () => undefined,
  // short broker holds, so that cancel at the end of a test is quick
  options: { longPollingMs: 1000 },
  ...extra,
});

/** Writes rows through a table sink and closes it (every row acknowledged). */
async function writeRows(ddl: string, rows: readonly Row[], onAck?: (r: SendReceipt) => void): Promise<void> {
  const sink = tableSink(ddl, { nameServerAddress: cluster().namesrv, ...(onAck ? { onAck } : {}) });
  const writer = sink.writable().getWriter();
  for (const row of rows) await writer.write(row);
  await writer.close();
}

/** Reads `count` rows, or gives up after `timeoutMs` (a hang guard: the test then fails on the count). */
async function readRows<R extends Row>(source: TableSource<R>, count: number, timeoutMs = 20_000): Promise<R[]> {
  const reader = source.rows().getReader();
  const out: R[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    while (out.length < count) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const r = await Promise.race([
        reader.read(),
        new Promise<"timeout">((res) => (timer = setTimeout(() => res("timeout"), Math.max(0, deadline - Date.now())))),
      ]);
      clearTimeout(timer);
      if (r === "timeout" || r.done) break;
      out.push(r.value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return out;
}

/** The error the first read fails with (or a failure if rows arrive instead). */
async function readError(source: TableSource, timeoutMs = 20_000): Promise<unknown> {
  const reader = source.rows().getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const r = await Promise.race([
      reader.read().then((v) => ({ value: v }), (error: unknown) => ({ error })),
      new Promise<"timeout">((res) => (timer = setTimeout(() => res("timeout"), timeoutMs))),
    ]);
    if (r === "timeout") throw new Error("no error and no row before the hang guard");
    if ("value" in r) throw new Error(`expected a decode error, read ${JSON.stringify(r.value, (_k, v) => typeof v === "bigint" ? `${v}n` : v)}`);
    return r.error;
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
}

const byId = (key: string) => (a: Row, b: Row) => Number(a[key]) - Number(b[key]);

// ---------------------------------------------------------------------------
// the seed's tables

s("seed sink -> seed source (default delimited format, latest start): every column equal, topic metadata", async () => {
  const topic = await freshTopic(admin, "tbl_seed", 2);
  const source = tableSource(seed(SEED_SOURCE, topic, randomName("tbl_g")), init());
  assert.equal(source.config.startMode, { mode: "latest" }, "the seed source has no start option");
  assert.equal(source.config.format.kind, "delimited");
  await source.assigned(); // latest: position first, then write
  const rows: Row[] = [
    { user_id: 1n, item_id: 1001n, behavior: "pv" },
    { user_id: 2n, item_id: 1002n, behavior: "buy" },
    { user_id: 3n, item_id: null, behavior: "cart, ünïcödé ✓" },
    { user_id: 9223372036854775807n, item_id: -9223372036854775808n, behavior: "" },
    { user_id: 5n, item_id: 0n, behavior: "fav" },
  ];
  await writeRows(seed(SEED_SINK, topic), rows);
  const got = await readRows(source, rows.length);
  assert.is(got.length, rows.length, `read ${got.length} of ${rows.length}`);
  assert.equal(got.sort(byId("user_id")), rows.map((r) => ({ ...r, topic })).sort(byId("user_id")));
  assert.equal(Object.keys(got[0]!), ["user_id", "item_id", "behavior", "topic"], "declaration order");
});

s("seed source with 'tag' = 'TagA' reads only the rows the sink tagged TagA", async () => {
  const topic = await freshTopic(admin, "tbl_tag", 1); // one queue: the store order is the write order
  const source = tableSource(seed(SEED_SOURCE_WITH_TAG, topic, randomName("tbl_g")), init());
  assert.is(source.config.tag, "TagA");
  await source.assigned();
  const tagA = seed(SEED_SINK, topic).replace(/\n\);$/, ",\n  'tag' = 'TagA'\n);");
  const tagB = seed(SEED_SINK, topic).replace(/\n\);$/, ",\n  'tag' = 'TagB'\n);");
  const row = (i: number, behavior: string): Row => ({ user_id: BigInt(i), item_id: BigInt(100 + i), behavior });
  for (let i = 0; i < 3; i++) {
    await writeRows(tagB, [row(2 * i, "tagged B")]);
    await writeRows(tagA, [row(2 * i + 1, "tagged A")]);
  }
  const got = await readRows(source, 3);
  // B rows sit between the A rows in the one queue: without the filter the first reads would be B rows
  assert.equal(got, [1, 3, 5].map((i) => ({ ...row(i, "tagged A"), topic })));
});

// ---------------------------------------------------------------------------
// JSON, every type, every metadata column

const JSON_COLUMNS = `
  \`id\` INT NOT NULL, \`ok\` BOOLEAN, \`small\` TINYINT, \`qty\` SMALLINT, \`big\` BIGINT, \`ratio\` DOUBLE, \`f\` FLOAT,
  \`price\` DECIMAL(10, 2), \`name\` VARCHAR(20), \`code\` CHAR(3), \`raw\` BYTES, \`day\` DATE, \`at\` TIME(3),
  \`ts\` TIMESTAMP(3), \`lts\` TIMESTAMP_LTZ(3), \`attrs\` MAP<STRING, STRING>`;

s("JSON: every column type round-trips; tag and keys written as metadata are read as metadata; every readable metadata column", async () => {
  const topic = await freshTopic(admin, "tbl_json", 2);
  const sinkDdl = `CREATE TABLE orders_sink (${JSON_COLUMNS},
  \`tag\` STRING METADATA,
  \`msg_keys\` STRING METADATA FROM 'keys',
  \`topic\` STRING NOT NULL METADATA VIRTUAL
) WITH ('connector' = 'rocketmq', 'topic' = '${topic}', 'producerGroup' = 'tbl_pg', 'nameServerAddress' = '127.0.0.1:9876',
  'value.format' = 'json')`;
  const sourceDdl = `CREATE TABLE orders_source (${JSON_COLUMNS},
  \`topic\` STRING NOT NULL METADATA VIRTUAL,
  \`tag\` STRING METADATA VIRTUAL,
  \`msg_keys\` STRING METADATA FROM 'keys' VIRTUAL,
  \`queue_id\` INT NOT NULL METADATA FROM 'queueId' VIRTUAL,
  \`queue_offset\` BIGINT NOT NULL METADATA FROM 'queueOffset' VIRTUAL,
  \`msg_id\` STRING NOT NULL METADATA FROM 'msgId' VIRTUAL,
  \`born\` TIMESTAMP_LTZ(3) NOT NULL METADATA FROM 'bornTimestamp' VIRTUAL,
  \`stored\` BIGINT NOT NULL METADATA FROM 'storeTimestamp' VIRTUAL,
  \`props\` MAP<STRING, STRING> METADATA FROM 'properties' VIRTUAL
) WITH ('connector' = 'rocketmq', 'topic' = '${topic}', 'consumerGroup' = '${randomName("tbl_g")}', 'nameServerAddress' = '127.0.0.1:9876',
  'value.format' = 'json', 'scanStartupMode' = 'earliest')`;
  const physical: Row[] = [
    {
      id: 1, ok: true, small: -128, qty: 32767, big: 9007199254740993n, ratio: -1.5e300, f: 3.140000104904175,
      price: "-12345678.90", name: "héllo 🌍", code: "xyz", raw: new Uint8Array([0, 1, 254, 255]), day: "2024-02-29",
      at: "23:59:59.999", ts: "2024-01-02 03:04:05.678", lts: "1969-12-31T23:59:59.999Z", attrs: { k: "v", empty: "", none: null },
    },
    {
      id: 2, ok: null, small: null, qty: null, big: null, ratio: null, f: null, price: null, name: null, code: null,
      raw: null, day: null, at: null, ts: null, lts: null, attrs: null,
    },
    {
      id: 3, ok: false, small: 127, qty: -32768, big: -1n, ratio: 0.1, f: 0, price: "0.05", name: "", code: "a  ",
      raw: new Uint8Array(0), day: "0001-01-01", at: "00:00:00.000", ts: "9999-12-31 23:59:59.999", lts: "2024-06-30T12:00:00.000Z", attrs: {},
    },
  ];
  const meta = [
    { tag: "TagA", msg_keys: "k1 k2" },
    { tag: null, msg_keys: null },
    { tag: "TagC", msg_keys: "only" },
  ];
  const receipts: SendReceipt[] = [];
  const before = Date.now();
  // the sink accepts VIRTUAL columns in a row and ignores them
  await writeRows(sinkDdl, physical.map((r, i) => ({ ...r, ...meta[i], topic: "ignored" })), (r) => receipts.push(r));
  const after = Date.now();
  assert.is(receipts.length, 3);

  const got = (await readRows(tableSource(sourceDdl, init()), 3)).sort(byId("id"));
  assert.is(got.length, 3, `read ${got.length} of 3`);
  for (const [i, row] of got.entries()) {
    const { topic: t, tag, msg_keys, queue_id, queue_offset, msg_id, born, stored, props, ...body } = row;
    assert.equal(body, physical[i], `row ${i + 1}: body columns`);
    assert.is(t, topic);
    assert.equal({ tag, msg_keys }, meta[i], `row ${i + 1}: tag and keys`);
    const receipt = receipts.find((r) => r.msgId === msg_id);
    assert.ok(receipt, `row ${i + 1}: msgId ${String(msg_id)} is one the broker acknowledged`);
    assert.is(queue_id, receipt!.queueId);
    assert.is(queue_offset, BigInt(receipt!.queueOffset!));
    const bornMs = Date.parse(born as string);
    assert.ok(bornMs >= before && bornMs <= after, `row ${i + 1}: born ${String(born)} while the test wrote`);
    assert.ok(typeof stored === "bigint" && stored >= BigInt(bornMs), `row ${i + 1}: stored ${String(stored)} not before born`);
    assert.equal(props, {}, "the table sink sets no user properties");
  }
});

s("user properties as metadata, under the DDL's SQL92 filter ('sql')", async () => {
  const topic = await freshTopic(admin, "tbl_props", 1);
  const [mq] = await admin.writableQueues(topic);
  for (let n = 0; n < 4; n++) {
    await admin.send(mq!, {
      body: utf8.encode(`${n}\u0001name ${n}`), tags: "T", keys: [`key${n}`],
      properties: { n: String(n), region: "eu-west" },
    }, { producerGroup: "tbl_props_pg" });
  }
  const ddl = `CREATE TABLE props_source (
  n INT NOT NULL, name STRING,
  props MAP<STRING, STRING> METADATA FROM 'properties' VIRTUAL,
  props_json STRING METADATA FROM 'properties' VIRTUAL,
  msg_keys STRING METADATA FROM 'keys' VIRTUAL
) WITH ('connector' = 'rocketmq', 'topic' = '${topic}', 'consumerGroup' = '${randomName("tbl_g")}',
  'nameServerAddress' = '127.0.0.1:9876', 'sql' = 'n >= 2', 'scanStartupMode' = 'earliest')`;
  const source = tableSource(ddl, init());
  assert.is(source.config.sql, "n >= 2");
  const got = await readRows(source, 2);
  assert.equal(got, [2, 3].map((n) => ({
    n, name: `name ${n}`,
    props: { n: String(n), region: "eu-west" },
    props_json: JSON.stringify({ n: String(n), region: "eu-west" }),
    msg_keys: `key${n}`,
  })));
});

// ---------------------------------------------------------------------------
// values the source cannot decode

s("a bad value fails the source with a DecodeFailedError naming the column; startMessageOffset; json.ignore-parse-errors skips", async () => {
  const topic = await freshTopic(admin, "tbl_bad", 1);
  // offset 0: a delimited row whose user_id is not a BIGINT (written by a sink that declares it STRING)
  const stringSink = seed(SEED_SINK, topic).replace("`user_id` BIGINT", "`user_id` STRING");
  await writeRows(stringSink, [{ user_id: "12x", item_id: 7n, behavior: "pv" }]);
  // offsets 1 and 2: JSON rows, the first with a value out of range for the source's TINYINT
  const jsonSink = (type: string) => `CREATE TABLE j (id INT, small ${type}) WITH ('connector' = 'rocketmq', 'topic' = '${topic}',
    'producerGroup' = 'tbl_pg', 'nameServerAddress' = '127.0.0.1:9876', 'value.format' = 'json')`;
  await writeRows(jsonSink("INT"), [{ id: 1, small: 300 }, { id: 2, small: -3 }]);

  // the sink refuses such a row itself, naming the column
  const refused = await writeRows(jsonSink("TINYINT"), [{ id: 9, small: 300 }]).then(() => undefined, (e: unknown) => e);
  assert.instance(refused, EncodeFailedError);
  assert.is((refused as EncodeFailedError).field, "small");

  const delimited = tableSource(seed(SEED_SOURCE, topic, randomName("tbl_g")).replace(/\n\);$/, ",\n  'scanStartupMode' = 'earliest'\n);"), init());
  const e1 = await readError(delimited);
  assert.instance(e1, DecodeFailedError);
  assert.is((e1 as DecodeFailedError).field, "user_id");
  assert.match((e1 as DecodeFailedError).message, /user_id/);
  assert.is((e1 as DecodeFailedError).location?.topic, topic);
  assert.is((e1 as DecodeFailedError).location?.queueOffset, 0);

  const jsonSource = (options: string) => `CREATE TABLE j (id INT, small TINYINT) WITH ('connector' = 'rocketmq', 'topic' = '${topic}',
    'consumerGroup' = '${randomName("tbl_g")}', 'nameServerAddress' = '127.0.0.1:9876', 'value.format' = 'json'${options})`;
  const fromOne = tableSource(jsonSource(", 'startMessageOffset' = '1'"), init());
  assert.equal(fromOne.config.startMode, { mode: "offset", offset: 1 });
  const e2 = await readError(fromOne);
  assert.instance(e2, DecodeFailedError);
  assert.is((e2 as DecodeFailedError).field, "small");
  assert.match((e2 as DecodeFailedError).message, /small: .*TINYINT/);
  assert.is((e2 as DecodeFailedError).location?.queueOffset, 1, "started at offset 1, not at the delimited row");

  // ignore-parse-errors: the delimited body (not JSON) and the out-of-range row are skipped
  const tolerant = tableSource(jsonSource(", 'scanStartupMode' = 'earliest', 'json.ignore-parse-errors' = 'true'"), init());
  const got = await readRows(tolerant, 1);
  assert.equal(got, [{ id: 2, small: -3 }]);
  const inner = await tolerant.source();
  assert.is(inner.stats.skipped, 2, "both bad messages counted as skipped");
});

s.run();
