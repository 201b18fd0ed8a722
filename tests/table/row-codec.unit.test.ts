import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { parseCreateTable } from "../../src/table/parser.ts";
import { tableSinkConfig, tableSourceConfig } from "../../src/table/options.ts";
import { tableRowDecoder, tableRowEncoder } from "../../src/table/row-codec.ts";
import type { IncomingMessage } from "../../src/table/metadata.ts";
import type { Row } from "../../src/table/sql-values.ts";
import { DdlError } from "../../src/errors.ts";
import { SEED_SINK, SEED_SOURCE } from "./seed-ddl.ts";

const s = suite("table/row-codec");
const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function incoming(body: Uint8Array, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    body, topic: "user_behavior", queueId: 3, queueOffset: 41, msgId: "7F0000010001",
    bornTimestamp: 1700000000123, storeTimestamp: 1700000000456, properties: { a: "1" }, ...extra,
  };
}

function right<L, R>(e: E.Either<L, R>): R {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify((e.left as { message?: string }).message ?? e.left)}`);
  return e.right;
}
function left<L extends { message: string }, R>(e: E.Either<L, R>): L {
  if (E.isRight(e)) throw new Error(`expected Left, got Right ${String(e.right)}`);
  return e.left;
}

const ALL_TYPES = `b BOOLEAN, ti TINYINT, si SMALLINT, i INT, bi BIGINT, f FLOAT, d DOUBLE, dec DECIMAL(10, 2),
  s STRING, vc VARCHAR(5), ch CHAR(3), by BYTES, vb VARBINARY(4), dt DATE, tm TIME(3), ts TIMESTAMP(6), ltz TIMESTAMP_LTZ(3),
  m MAP<STRING, STRING>`;
const sinkDdl = (columns: string, options = "") =>
  `CREATE TABLE t (${columns}) WITH ('connector' = 'rocketmq', 'topic' = 'tp', 'producerGroup' = 'pg', 'nameServerAddress' = '127.0.0.1:9876'${options})`;
const sourceDdl = (columns: string, options = "") =>
  `CREATE TABLE t (${columns}) WITH ('connector' = 'rocketmq', 'topic' = 'tp', 'consumerGroup' = 'cg', 'nameServerAddress' = '127.0.0.1:9876'${options})`;

function codecs(columns: string, options = "") {
  const sinkTable = parseCreateTable(sinkDdl(columns, options));
  const sourceTable = parseCreateTable(sourceDdl(columns, options));
  const encoder = tableRowEncoder(sinkTable, tableSinkConfig(sinkTable));
  const decoder = tableRowDecoder(sourceTable, tableSourceConfig(sourceTable).format);
  return { encoder, decoder, roundTrip: (row: unknown): Row[] => right(decoder.decode(incoming(right(encoder.encode(row)).body))) };
}

const SAMPLE: Row = {
  b: true, ti: -128, si: 32767, i: -2147483648, bi: 9223372036854775807n, f: 3.140000104904175, d: -1.5e300,
  dec: "-12345678.90", s: "héllo 🌍", vc: "abcde", ch: "xyz", by: new Uint8Array([0, 1, 254, 255]), vb: new Uint8Array([9]),
  dt: "2024-02-29", tm: "23:59:59.999", ts: "0001-01-01 00:00:00.000001", ltz: "1969-12-31T23:59:59.999Z", m: { k: "v", "": "" },
};

// ---------------------------------------------------------------------------
// the seed tables

s("seed sink writes the default delimited text; seed source reads it back with topic", () => {
  const sinkTable = parseCreateTable(SEED_SINK);
  const sourceTable = parseCreateTable(SEED_SOURCE);
  const encoder = tableRowEncoder(sinkTable, tableSinkConfig(sinkTable));
  const message = right(encoder.encode({ user_id: 1n, item_id: 22, behavior: "buy" }));
  assert.equal(message, { topic: "user_behavior", body: utf8("1\u000122\u0001buy") });
  const decoder = tableRowDecoder(sourceTable, tableSourceConfig(sourceTable).format);
  assert.equal(right(decoder.decode(incoming(message.body))), [{ user_id: 1n, item_id: 22n, behavior: "buy", topic: "user_behavior" }]);
});

s("a delimited body holds one row per line; empty lines are skipped (as Flink)", () => {
  const decoder = tableRowDecoder(parseCreateTable(SEED_SOURCE));
  const rows = right(decoder.decode(incoming(utf8("1\u00012\u0001a\n\n3\u00014\u0001b\n"))));
  assert.equal(rows.map((r) => r.behavior), ["a", "b"]);
  assert.equal(right(decoder.decode(incoming(utf8("")))), []);
});

// ---------------------------------------------------------------------------
// every type, both formats

for (const format of ["delimited", "json"] as const) {
  const options = format === "json" ? ", 'value.format' = 'json'" : "";
  s(`${format}: every type round trips (sample values at the edges)`, () => {
    const { roundTrip } = codecs(ALL_TYPES, options);
    assert.equal(roundTrip(SAMPLE), [SAMPLE]);
  });

  s(`${format}: NULLs`, () => {
    const { roundTrip } = codecs(ALL_TYPES, options);
    const nulls = Object.fromEntries(Object.keys(SAMPLE).map((k) => [k, null]));
    const back = roundTrip(nulls)[0]!;
    for (const [k, v] of Object.entries(back)) {
      // The delimited format has no NULL for strings and bytes (as Flink): they read back empty.
      const expected = format === "delimited" && ["s", "vc", "ch"].includes(k) ? "" : format === "delimited" && ["by", "vb"].includes(k) ? new Uint8Array(0) : null;
      assert.equal(v, expected, k);
    }
  });

  s(`${format}: fast-check round trips of arbitrary rows`, () => {
    const row = fc.record({
      b: fc.boolean(),
      ti: fc.integer({ min: -128, max: 127 }),
      si: fc.integer({ min: -32768, max: 32767 }),
      i: fc.integer({ min: -2147483648, max: 2147483647 }),
      bi: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      f: fc.float(),
      d: fc.double(),
      dec: fc.bigInt({ min: -(10n ** 10n) + 1n, max: 10n ** 10n - 1n }).map((n) => {
        const sign = n < 0n ? "-" : "";
        const digits = (n < 0n ? -n : n).toString().padStart(3, "0");
        return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
      }),
      s: fc.string({ unit: "grapheme", maxLength: 20 }).filter((x) => !x.includes("\n") && !x.includes("\u0001") && x !== ""),
      vc: fc.string({ maxLength: 5 }).filter((x) => !/[\n\u0001]/.test(x) && x !== ""),
      ch: fc.constantFrom("a", "xyz", "é"),
      by: fc.uint8Array({ minLength: 1, maxLength: 40 }),
      vb: fc.uint8Array({ minLength: 1, maxLength: 4 }),
      dt: fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      tm: fc.integer({ min: 0, max: 86399999 }).map((ms) => new Date(ms).toISOString().slice(11, 23)),
      ts: fc.tuple(fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }), fc.integer({ min: 0, max: 999999 }))
        .map(([d, micros]) => `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}.${String(micros).padStart(6, "0")}`),
      ltz: fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }).map((d) => d.toISOString()),
      m: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    });
    const { roundTrip, encoder } = codecs(ALL_TYPES, options);
    fc.assert(fc.property(row, (r) => {
      const checked = right(encoder.rowCodec.decode(r));
      const back = roundTrip(r);
      assert.equal(back, [checked]);
      // Values the row codec normalised are the input values here (all canonical), except -0 kept as -0.
      assert.ok(Object.is(back[0]!.d, r.d));
    }), { numRuns: 300 });
  });
}

// ---------------------------------------------------------------------------
// errors name the column and the value

const decodeErrors: Array<[string, string, string, string, RegExp]> = [
  ["TINYINT out of range", "a TINYINT", "128", "a", /a: is out of range for TINYINT \(-128\.\.127\), got "128"/],
  ["INT not a number", "a INT", "12x", "a", /a: expected an integer \(INT\)/],
  ["BIGINT out of range", "a BIGINT", "9223372036854775808", "a", /out of range for BIGINT/],
  ["FLOAT overflow", "a FLOAT", "1e39", "a", /a: is out of range for FLOAT/],
  ["DOUBLE overflow", "a DOUBLE", "1e999", "a", /a: is out of range for DOUBLE/],
  ["DECIMAL too many integer digits", "a DECIMAL(5, 2)", "1234.5", "a", /a: is out of range for DECIMAL\(5, 2\)/],
  ["DECIMAL too many places", "a DECIMAL(5, 2)", "1.234", "a", /a: has more than 2 decimal place\(s\)/],
  ["DECIMAL garbage", "a DECIMAL(5, 2)", "1.2.3", "a", /a: expected a decimal number/],
  ["DATE not a calendar date", "a DATE", "2023-02-29", "a", /a: is not a calendar date, got "2023-02-29"/],
  ["TIMESTAMP garbage", "a TIMESTAMP(3)", "yesterday", "a", /a: expected a timestamp/],
  ["TIMESTAMP too precise", "a TIMESTAMP(3)", "2024-01-01 00:00:00.0001", "a", /more than 3 fractional second digit/],
  ["TIMESTAMP_LTZ without offset", "a TIMESTAMP_LTZ(3)", "2024-01-01 00:00:00", "a", /a: expected an instant/],
  ["TIME out of day", "a TIME", "24:00:00", "a", /a: is not a time of day/],
  ["BOOLEAN garbage", "a BOOLEAN", "yes", "a", /expected true or false/],
  ["BYTES not base64", "a BYTES, b INT", "!!!\u00011", "a", /a: expected base64/],
  ["VARCHAR too long", "a VARCHAR(2)", "abc", "a", /a: is longer than 2 character\(s\)/],
  ["NOT NULL empty", "a INT NOT NULL, b INT", "\u00011", "a", /a: is empty but the column is NOT NULL/],
  ["field count", "a INT, b INT", "1\u00012\u00013", "value", /expected 2 fields separated by "\\u0001", found 3/],
];
for (const [name, columns, body, field, message] of decodeErrors) {
  s(`decode error: ${name}`, () => {
    const decoder = tableRowDecoder(parseCreateTable(sourceDdl(columns)));
    const e = left(decoder.decode(incoming(utf8(body))));
    assert.is(e.field, field);
    assert.match(e.message, message);
  });
}

s("decode error: invalid UTF-8 body", () => {
  const e = left(tableRowDecoder(parseCreateTable(sourceDdl("a STRING, b INT"))).decode(incoming(new Uint8Array([0xff, 1]))));
  assert.is(e.field, "value");
  assert.match(e.message, /invalid UTF-8 at byte 0/);
});

s("lengthCheck PAD: missing fields are NULL, extra ones dropped; NOT NULL still refused", () => {
  const decoder = tableRowDecoder(parseCreateTable(sourceDdl("a INT, b INT, c STRING", ", 'lengthCheck' = 'PAD'")), tableSourceConfig(parseCreateTable(sourceDdl("a INT, b INT, c STRING", ", 'lengthCheck' = 'PAD'"))).format);
  assert.equal(right(decoder.decode(incoming(utf8("1")))), [{ a: 1, b: null, c: null }]);
  assert.equal(right(decoder.decode(incoming(utf8("1\u00012\u0001x\u0001extra")))), [{ a: 1, b: 2, c: "x" }]);
  const strict = parseCreateTable(sourceDdl("a INT, b INT NOT NULL", ", 'lengthCheck' = 'PAD'"));
  assert.match(left(tableRowDecoder(strict, tableSourceConfig(strict).format).decode(incoming(utf8("1")))).message, /b: is missing but the column is NOT NULL/);
});

const encodeErrors: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
  ["INT out of range", "a INT", { a: 2 ** 31 }, "a", /a: is out of range for INT/],
  ["TINYINT fraction", "a TINYINT", { a: 1.5 }, "a", /a: expected an integer number \(TINYINT\), got 1.5/],
  ["BIGINT unsafe number", "a BIGINT", { a: 2 ** 60 }, "a", /a: expected a bigint/],
  ["FLOAT overflow", "a FLOAT", { a: 1e300 }, "a", /a: is out of range for FLOAT/],
  ["DECIMAL precision", "a DECIMAL(4, 1)", { a: "1000.0" }, "a", /a: is out of range for DECIMAL\(4, 1\)/],
  ["DECIMAL bad text", "a DECIMAL(4, 1)", { a: "1,5" }, "a", /a: expected a decimal number/],
  ["NOT NULL", "a STRING NOT NULL, b INT", { a: null, b: 1 }, "a", /a: is NULL but the column is NOT NULL/],
  ["unknown column", "a INT", { a: 1, A: 2 }, "A", /A: is not a column of the table \(columns: a\)/],
  ["bad timestamp", "a TIMESTAMP(3)", { a: "2024-01-01 25:00:00" }, "a", /a: is not a time of day/],
  ["bad LTZ Date", "a TIMESTAMP_LTZ(3)", { a: new Date(NaN) }, "a", /a: is an invalid Date/],
  ["lone surrogate", "a STRING", { a: "x\uD800" }, "a", /lone surrogate/],
  ["field delimiter in a value", "a STRING, b INT", { a: "x\u0001y", b: 1 }, "a", /contains the field delimiter/],
  ["line delimiter in a value", "a STRING", { a: "x\ny" }, "a", /contains the line delimiter/],
  ["empty line", "a STRING", { a: "" }, "a", /would be written as an empty line/],
  ["not an object", "a INT", [1] as unknown as Record<string, unknown>, "row", /expected a row object/],
];
for (const [name, columns, row, field, message] of encodeErrors) {
  s(`encode error: ${name}`, () => {
    const table = parseCreateTable(sinkDdl(columns));
    const e = left(tableRowEncoder(table, tableSinkConfig(table)).encode(row));
    assert.is(e.field, field);
    assert.match(e.message, message);
  });
}

s("multi-character delimiter: a value ending in its start is refused, not misread", () => {
  const { encoder, decoder } = codecs("a STRING, b STRING", ", 'fieldDelimiter' = '||'");
  assert.match(left(encoder.encode({ a: "x|", b: "y" })).message, /ends with the start of a delimiter/);
  const ok = right(encoder.encode({ a: "x", b: "|y" }));
  assert.equal(right(decoder.decode(incoming(ok.body))), [{ a: "x", b: "|y" }]);
});

s("a single body column is not split on the field delimiter (as Flink)", () => {
  const { roundTrip } = codecs("a STRING");
  assert.equal(roundTrip({ a: "x\u0001y" }), [{ a: "x\u0001y" }]);
});

s("a sole binary column is the raw body", () => {
  const { encoder, decoder } = codecs("payload BYTES");
  const body = new Uint8Array([0, 10, 1, 255]);
  assert.equal(right(encoder.encode({ payload: body })).body, body);
  assert.equal(right(decoder.decode(incoming(body))), [{ payload: body }]);
});

s("reading Flink's alternative spellings: 1/0 booleans, epoch-ms timestamps, ms-of-day times", () => {
  const decoder = tableRowDecoder(parseCreateTable(sourceDdl("b BOOLEAN, ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3), tm TIME(3), dt DATE")));
  assert.equal(right(decoder.decode(incoming(utf8("1\u00011700000000123\u00011700000000123\u000161200001\u00012024-2-9")))), [
    { b: true, ts: "2023-11-14 22:13:20.123", ltz: "2023-11-14T22:13:20.123Z", tm: "17:00:00.001", dt: "2024-02-09" },
  ]);
});

s("the row codec normalises what the sink accepts", () => {
  const table = parseCreateTable(sinkDdl("bi BIGINT, dec DECIMAL(6, 3), ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(0), f FLOAT"));
  const { rowCodec } = tableRowEncoder(table, tableSinkConfig(table));
  assert.equal(right(rowCodec.decode({ bi: 5, dec: 1.5, ts: "2024-01-02T03:04:05", ltz: "2024-01-02T05:04:05.000+02:00", f: 0.1 })),
    { bi: 5n, dec: "1.500", ts: "2024-01-02 03:04:05.000", ltz: "2024-01-02T03:04:05Z", f: Math.fround(0.1) });
});

// ---------------------------------------------------------------------------
// JSON specifics

s("json: exact BIGINT and DECIMAL beyond double precision, NaN as a string, extra keys ignored", () => {
  const { encoder, decoder } = codecs("bi BIGINT, dec DECIMAL(38, 10), d DOUBLE", ", 'value.format' = 'json'");
  const message = right(encoder.encode({ bi: 9007199254740993n, dec: "1234567890123456789012345678.0123456789", d: NaN }));
  assert.is(text(message.body), '{"bi":9007199254740993,"dec":1234567890123456789012345678.0123456789,"d":"NaN"}');
  const back = right(decoder.decode(incoming(utf8('{"bi":9007199254740993,"dec":1234567890123456789012345678.0123456789,"d":"NaN","other":[1,{"x":2}]}'))));
  assert.equal(back, [{ bi: 9007199254740993n, dec: "1234567890123456789012345678.0123456789", d: NaN }]);
});

s("json: missing keys, nulls and type mismatches", () => {
  const { decoder } = codecs("a INT, b STRING NOT NULL", ", 'value.format' = 'json'");
  assert.equal(right(decoder.decode(incoming(utf8('{"b":"x"}')))), [{ a: null, b: "x" }]);
  assert.match(left(decoder.decode(incoming(utf8('{"a":1}')))).message, /b: is missing but the column is NOT NULL/);
  assert.match(left(decoder.decode(incoming(utf8('{"a":true,"b":"x"}')))).message, /a: expected a number, not a boolean/);
  assert.match(left(decoder.decode(incoming(utf8('{"a":1.5,"b":"x"}')))).message, /a: expected an integer \(INT\), got "1.5"/);
  assert.match(left(decoder.decode(incoming(utf8('{"a":"7","b":3}')))).message, /b: expected a string, not a number/);
  assert.match(left(decoder.decode(incoming(utf8("[1]")))).message, /value: expected a JSON object/);
  assert.match(left(decoder.decode(incoming(utf8("{")))).message, /value: is not JSON/);
  const strict = parseCreateTable(sourceDdl("a INT", ", 'value.format' = 'json', 'json.fail-on-missing-field' = 'true'"));
  assert.match(left(tableRowDecoder(strict, tableSourceConfig(strict).format).decode(incoming(utf8("{}")))).message, /a: is missing/);
});

// ---------------------------------------------------------------------------
// metadata

s("source metadata columns read the message", () => {
  const table = parseCreateTable(sourceDdl([
    "v STRING", "`topic` STRING NOT NULL METADATA VIRTUAL", "tg STRING METADATA FROM 'tag'", "`keys` STRING METADATA",
    "q INT METADATA FROM 'queueId'", "o BIGINT METADATA FROM 'queueOffset'", "id STRING METADATA FROM 'msgId'",
    "born TIMESTAMP_LTZ(3) METADATA FROM 'bornTimestamp'", "stored BIGINT METADATA FROM 'storeTimestamp'",
    "born0 TIMESTAMP_LTZ(0) METADATA FROM 'bornTimestamp'",
    "props MAP<STRING, STRING> METADATA FROM 'properties'", "propsJson STRING METADATA FROM 'properties'",
  ].join(", ")));
  const decoder = tableRowDecoder(table);
  const rows = right(decoder.decode(incoming(utf8("hello"), { tags: "TagA", keys: ["k1", "k2"] })));
  assert.equal(rows, [{
    v: "hello", topic: "user_behavior", tg: "TagA", keys: "k1 k2", q: 3, o: 41n, id: "7F0000010001",
    born: "2023-11-14T22:13:20.123Z", stored: 1700000000456n, born0: "2023-11-14T22:13:20Z",
    props: { a: "1" }, propsJson: '{"a":"1"}',
  }]);
  assert.ok(E.isRight(decoder.rowCodec.decode(rows[0])));
  const bare = right(decoder.decode(incoming(utf8("x"))))[0]!;
  assert.is(bare.tg, null);
  assert.is(bare.keys, null);
});

s("sink: tag and keys from metadata columns beat options; VIRTUAL columns are ignored", () => {
  const table = parseCreateTable(sinkDdl("id STRING, v INT, tg STRING METADATA FROM 'tag', `keys` STRING METADATA, `topic` STRING NOT NULL METADATA VIRTUAL", ", 'tag' = 'Default'"));
  const encoder = tableRowEncoder(table, tableSinkConfig(table));
  assert.equal(right(encoder.encode({ id: "a", v: 1, tg: "TagB", keys: "k1  k2", topic: "ignored" })),
    { topic: "tp", tags: "TagB", keys: ["k1", "k2"], body: utf8("a\u00011") });
  assert.equal(right(encoder.encode({ id: "a", v: 1, tg: null, keys: null })), { topic: "tp", tags: "Default", body: utf8("a\u00011") });
});

s("sink: keyColumns and a dynamic tag column (Flink's legacy options)", () => {
  const table = parseCreateTable(sinkDdl("id STRING, kind STRING, v INT",
    ", 'keyColumns' = 'id', 'isDynamicTag' = 'true', 'dynamicTagColumn' = 'kind', 'dynamicTagColumnWriteIncluded' = 'false'"));
  const encoder = tableRowEncoder(table, tableSinkConfig(table));
  assert.equal(right(encoder.encode({ id: "order-1", kind: "TagC", v: 7 })), { topic: "tp", tags: "TagC", keys: ["order-1"], body: utf8("7") });
  const withKeys = parseCreateTable(sinkDdl("id STRING, v INT", ", 'keyColumns' = 'id', 'writeKeysToBody' = 'true'"));
  assert.equal(right(tableRowEncoder(withKeys, tableSinkConfig(withKeys)).encode({ id: "k", v: 1 })).body, utf8("k\u00011"));
});

s("construction errors: read-only metadata on a sink, no body column", () => {
  const table = parseCreateTable(sourceDdl("v STRING, `topic` STRING NOT NULL METADATA"));
  assert.throws(() => tableRowEncoder(table), (e: unknown) => e instanceof DdlError && e.column === "topic");
  const noBody = parseCreateTable(sourceDdl("`topic` STRING METADATA VIRTUAL"));
  assert.throws(() => tableRowDecoder(noBody), (e: unknown) => e instanceof DdlError && /no physical column/.test(e.message));
});

s.run();
