import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DdlError, DdlSyntaxError } from "../../src/errors.ts";
import { parseCreateTable } from "../../src/table/parser.ts";
import { tokenize } from "../../src/table/lexer.ts";
import type { CreateTable, DataType } from "../../src/table/schema.ts";
import { MAX_LENGTH, typeToString } from "../../src/table/schema.ts";
import { SEED_SINK, SEED_SOURCE, SEED_SOURCE_WITH_TAG } from "./seed-ddl.ts";

const s = suite("table/parser");

const WITH = " WITH ('connector' = 'rocketmq')";
const one = (columnSql: string): CreateTable => parseCreateTable(`CREATE TABLE t (${columnSql})${WITH}`);
const typeOf = (typeSql: string): DataType => one(`c ${typeSql}`).columns[0]!.type;

function syntaxError(ddl: string): DdlSyntaxError {
  try {
    parseCreateTable(ddl);
  } catch (e) {
    if (e instanceof DdlSyntaxError) return e;
    throw new Error(`expected DdlSyntaxError, got ${String(e)}`);
  }
  throw new Error(`expected DdlSyntaxError, but it parsed: ${ddl}`);
}

function ddlError(ddl: string): DdlError {
  try {
    parseCreateTable(ddl);
  } catch (e) {
    if (e instanceof DdlError) return e;
    throw new Error(`expected DdlError, got ${String(e)}`);
  }
  throw new Error(`expected DdlError, but it parsed: ${ddl}`);
}

// ---------------------------------------------------------------------------
// the seed's examples

s("seed source: physical columns, topic metadata column, options in order", () => {
  const table = parseCreateTable(SEED_SOURCE);
  assert.equal(table, {
    name: "rocketmq_source",
    ifNotExists: false,
    columns: [
      { kind: "physical", name: "user_id", type: { root: "BIGINT", nullable: true } },
      { kind: "physical", name: "item_id", type: { root: "BIGINT", nullable: true } },
      { kind: "physical", name: "behavior", type: { root: "VARCHAR", length: MAX_LENGTH, nullable: true } },
      { kind: "metadata", name: "topic", type: { root: "VARCHAR", length: MAX_LENGTH, nullable: false }, key: "topic", virtual: true },
    ],
    primaryKey: [],
    options: {
      connector: "rocketmq",
      topic: "user_behavior",
      consumerGroup: "behavior_consumer_group",
      nameServerAddress: "127.0.0.1:9876",
    },
  });
  assert.equal(Object.keys(table.options), ["connector", "topic", "consumerGroup", "nameServerAddress"]);
});

s("seed sink", () => {
  const table = parseCreateTable(SEED_SINK);
  assert.is(table.name, "rocketmq_sink");
  assert.equal(table.columns.map((c) => [c.kind, c.name, typeToString(c.type)]), [
    ["physical", "user_id", "BIGINT"],
    ["physical", "item_id", "BIGINT"],
    ["physical", "behavior", "STRING"],
  ]);
  assert.is(table.options.produceGroup, "behavior_producer_group");
});

s("seed source with tag option", () => {
  const table = parseCreateTable(SEED_SOURCE_WITH_TAG);
  assert.is(table.options.tag, "TagA");
  assert.equal(table.columns.at(-1), {
    kind: "metadata", name: "topic", type: { root: "VARCHAR", length: MAX_LENGTH, nullable: false }, key: "topic", virtual: true,
  });
});

// ---------------------------------------------------------------------------
// valid statements

const validTypes: Array<[string, string]> = [
  ["BOOLEAN", "BOOLEAN"],
  ["tinyint", "TINYINT"],
  ["SmallInt", "SMALLINT"],
  ["INT", "INT"],
  ["INTEGER", "INT"],
  ["BIGINT NOT NULL", "BIGINT NOT NULL"],
  ["BIGINT NULL", "BIGINT"],
  ["FLOAT", "FLOAT"],
  ["DOUBLE", "DOUBLE"],
  ["DOUBLE PRECISION", "DOUBLE"],
  ["DECIMAL", "DECIMAL(10, 0)"],
  ["DECIMAL(5)", "DECIMAL(5, 0)"],
  ["DECIMAL(38, 18)", "DECIMAL(38, 18)"],
  ["NUMERIC(4,2)", "DECIMAL(4, 2)"],
  ["DEC(3, 3)", "DECIMAL(3, 3)"],
  ["STRING", "STRING"],
  ["VARCHAR", "VARCHAR(1)"],
  ["VARCHAR(255)", "VARCHAR(255)"],
  ["CHAR(3) NOT NULL", "CHAR(3) NOT NULL"],
  ["BYTES", "BYTES"],
  ["VARBINARY(16)", "VARBINARY(16)"],
  ["BINARY(4)", "BINARY(4)"],
  ["DATE", "DATE"],
  ["TIME", "TIME(0)"],
  ["TIME(3)", "TIME(3)"],
  ["TIMESTAMP", "TIMESTAMP(6)"],
  ["TIMESTAMP(3)", "TIMESTAMP(3)"],
  ["TIMESTAMP(9) WITHOUT TIME ZONE", "TIMESTAMP(9)"],
  ["TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)"],
  ["TIMESTAMP_LTZ", "TIMESTAMP_LTZ(6)"],
  ["TIMESTAMP_LTZ(0) NOT NULL", "TIMESTAMP_LTZ(0) NOT NULL"],
  ["MAP<STRING, STRING>", "MAP<STRING, STRING>"],
];
for (const [sql, printed] of validTypes) {
  s(`type ${sql} -> ${printed}`, () => {
    assert.is(typeToString(typeOf(sql)), printed);
  });
}

s("keywords in any case, bare and backtick names, backtick escapes", () => {
  const table = parseCreateTable("create table IF not EXISTS `my``t` (Id int, `select` string, `a b` INT) with ('connector'='rocketmq')");
  assert.is(table.name, "my`t");
  assert.is(table.ifNotExists, true);
  assert.equal(table.columns.map((c) => c.name), ["Id", "select", "a b"]);
});

s("qualified table name keeps its dots", () => {
  assert.is(parseCreateTable(`CREATE TABLE cat.\`db\`.t (a INT)${WITH}`).name, "cat.db.t");
});

s("comments of both kinds, anywhere; statement without ';'", () => {
  const table = parseCreateTable(`-- leading comment
CREATE /* inline */ TABLE t ( -- after paren
  a INT, /* multi
  line */ b STRING
) WITH ('connector' = 'rocketmq') -- trailing`);
  assert.equal(table.columns.map((c) => c.name), ["a", "b"]);
});

s("string literals: doubled quote, -- inside a string is not a comment", () => {
  const table = parseCreateTable("CREATE TABLE t (a INT) WITH ('connector' = 'rocketmq', 'sql' = 'a = ''x'' -- no', 'fieldDelimiter' = '\\u0001');");
  assert.is(table.options.sql, "a = 'x' -- no");
  assert.is(table.options.fieldDelimiter, "\\u0001");
});

s("METADATA FROM 'key', VIRTUAL, COMMENT", () => {
  const table = one("t STRING METADATA FROM 'topic' VIRTUAL COMMENT 'the topic', tg STRING METADATA FROM 'tag', keys STRING METADATA");
  assert.equal(table.columns, [
    { kind: "metadata", name: "t", type: { root: "VARCHAR", length: MAX_LENGTH, nullable: true }, key: "topic", virtual: true, comment: "the topic" },
    { kind: "metadata", name: "tg", type: { root: "VARCHAR", length: MAX_LENGTH, nullable: true }, key: "tag", virtual: false },
    { kind: "metadata", name: "keys", type: { root: "VARCHAR", length: MAX_LENGTH, nullable: true }, key: "keys", virtual: false },
  ]);
});

s("every readable metadata key with an accepted type", () => {
  const table = one([
    "a STRING NOT NULL METADATA FROM 'topic' VIRTUAL", "b STRING METADATA FROM 'tags'", "c STRING METADATA FROM 'keys'",
    "d INT NOT NULL METADATA FROM 'queueId' VIRTUAL", "e BIGINT METADATA FROM 'queueOffset' VIRTUAL",
    "f STRING METADATA FROM 'msgId' VIRTUAL", "g TIMESTAMP_LTZ(3) METADATA FROM 'bornTimestamp' VIRTUAL",
    "h BIGINT METADATA FROM 'storeTimestamp' VIRTUAL", "i MAP<STRING, STRING> METADATA FROM 'properties' VIRTUAL",
    "j STRING METADATA FROM 'properties' VIRTUAL",
  ].join(", "));
  assert.is(table.columns.length, 10);
});

s("table-level PRIMARY KEY ... NOT ENFORCED is recorded and makes the columns NOT NULL", () => {
  const table = one("id BIGINT, name STRING, CONSTRAINT pk PRIMARY KEY (id, name) NOT ENFORCED");
  assert.equal(table.primaryKey, ["id", "name"]);
  assert.is(table.columns[0]!.type.nullable, false);
  assert.is(table.columns[1]!.type.nullable, false);
});

s("inline PRIMARY KEY NOT ENFORCED", () => {
  const table = one("id INT PRIMARY KEY NOT ENFORCED, x STRING");
  assert.equal(table.primaryKey, ["id"]);
  assert.is(table.columns[1]!.type.nullable, true);
});

s("a type name may be a column name (positional grammar)", () => {
  assert.is(typeToString(one("date DATE").columns[0]!.type), "DATE");
});

s("lexer positions are 1-based lines and columns", () => {
  const tokens = tokenize("a\n  `b`  'c'");
  assert.equal(tokens.map((t) => [t.kind, t.value, t.line, t.column]), [
    ["ident", "a", 1, 1], ["quoted", "b", 2, 3], ["string", "c", 2, 8], ["eof", "", 2, 11],
  ]);
});

// ---------------------------------------------------------------------------
// syntax errors: line, column, expected, found

const syntaxCases: Array<[string, string, number, number, string, string]> = [
  ["missing ')' before WITH", "CREATE TABLE t (\n  a INT,\n  b STRING\n  WITH ('connector' = 'rocketmq')", 4, 3, "',' or ')'", "'WITH'"],
  ["trailing comma in columns", "CREATE TABLE t (a INT, ) WITH ('k' = 'v')", 1, 24, "a column definition", "')'"],
  ["missing TABLE", "CREATE t (a INT) WITH ('k' = 'v')", 1, 8, "'TABLE'", "'t'"],
  ["TEMPORARY not supported", "CREATE TEMPORARY TABLE t (a INT) WITH ('k'='v')", 1, 8, "'TABLE'", "'TEMPORARY'"],
  ["not CREATE", "SELECT * FROM t", 1, 1, "'CREATE'", "'SELECT'"],
  ["empty input", "  -- nothing\n", 2, 1, "'CREATE'", "end of input"],
  ["IF without NOT EXISTS", "CREATE TABLE IF EXISTS t (a INT) WITH ('k'='v')", 1, 17, "'NOT'", "'EXISTS'"],
  ["missing table name", "CREATE TABLE (a INT) WITH ('k'='v')", 1, 14, "a table name", "'('"],
  ["missing column type", "CREATE TABLE t (a) WITH ('k'='v')", 1, 18, "a data type", "')'"],
  ["unknown type", "CREATE TABLE t (\n\ta JSONB\n) WITH ('k'='v')", 2, 4, "a data type", "'JSONB'"],
  ["ARRAY not supported", "CREATE TABLE t (a ARRAY<INT>) WITH ('k'='v')", 1, 19, "a data type", "'ARRAY'"],
  ["computed column", "CREATE TABLE t (a INT, b AS a + 1) WITH ('k'='v')", 1, 26, "a data type", "'AS'"],
  ["WATERMARK not supported", "CREATE TABLE t (a TIMESTAMP(3), WATERMARK FOR a AS a) WITH ('k'='v')", 1, 33, "a column definition", "'WATERMARK'"],
  ["DECIMAL missing ')'", "CREATE TABLE t (a DECIMAL(10, 2 x)) WITH ('k'='v')", 1, 33, "')'", "'x'"],
  ["DECIMAL missing scale", "CREATE TABLE t (a DECIMAL(10,)) WITH ('k'='v')", 1, 30, "a scale", "')'"],
  ["VARCHAR with a word length", "CREATE TABLE t (a VARCHAR(max)) WITH ('k'='v')", 1, 27, "a length", "'max'"],
  ["NOT without NULL is not a constraint", "CREATE TABLE t (a INT NOT) WITH ('k'='v')", 1, 23, "',' or ')'", "'NOT'"],
  ["METADATA FROM needs a string", "CREATE TABLE t (a STRING METADATA FROM topic) WITH ('k'='v')", 1, 40, "a metadata key string", "'topic'"],
  ["VIRTUAL without METADATA", "CREATE TABLE t (a STRING VIRTUAL) WITH ('k'='v')", 1, 26, "',' or ')'", "'VIRTUAL'"],
  ["PRIMARY KEY without NOT ENFORCED", "CREATE TABLE t (a INT, PRIMARY KEY (a)) WITH ('k'='v')", 1, 39, "'NOT'", "')'"],
  ["PRIMARY KEY ENFORCED", "CREATE TABLE t (a INT, PRIMARY KEY (a) ENFORCED) WITH ('k'='v')", 1, 40, "'NOT'", "'ENFORCED'"],
  ["CONSTRAINT without PRIMARY", "CREATE TABLE t (a INT, CONSTRAINT c UNIQUE (a)) WITH ('k'='v')", 1, 37, "'PRIMARY'", "'UNIQUE'"],
  ["missing WITH", "CREATE TABLE t (a INT);", 1, 23, "'WITH'", "';'"],
  ["empty WITH", "CREATE TABLE t (a INT) WITH ()", 1, 30, "an option key string", "')'"],
  ["option key not a string", "CREATE TABLE t (a INT) WITH (connector = 'rocketmq')", 1, 30, "an option key string", "'connector'"],
  ["option without '='", "CREATE TABLE t (a INT) WITH ('connector' 'rocketmq')", 1, 42, "'='", "string 'rocketmq'"],
  ["option value not a string", "CREATE TABLE t (a INT) WITH ('retryTimes' = 3)", 1, 45, "an option value string", "'3'"],
  ["missing ')' after options", "CREATE TABLE t (a INT) WITH ('a' = 'b'", 1, 39, "',' or ')'", "end of input"],
  ["trailing text after ';'", "CREATE TABLE t (a INT) WITH ('a'='b'); DROP TABLE t", 1, 40, "end of statement", "'DROP'"],
  ["two statements", "CREATE TABLE t (a INT) WITH ('a'='b')\nCREATE TABLE u (a INT) WITH ('a'='b')", 2, 1, "end of statement", "'CREATE'"],
  ["invalid character", "CREATE TABLE t (a INT, @b INT) WITH ('a'='b')", 1, 24, "a column definition", "'@'"],
  ["double-quoted identifier is not SQL here", "CREATE TABLE t (\"a\" INT) WITH ('a'='b')", 1, 17, "a column definition", "'\"'"],
  ["unterminated string", "CREATE TABLE t (a INT) WITH ('a' = 'b)", 1, 36, "a closing ' for the string that starts here", "end of input"],
  ["unterminated backtick", "CREATE TABLE t (\n  `a INT) WITH ('a'='b')", 2, 3, "a closing ` for the identifier that starts here", "end of input"],
  ["unterminated block comment", "CREATE TABLE t (a INT) /* WITH ('a'='b')", 1, 24, "'*/' closing the comment that starts here", "end of input"],
  ["empty backtick identifier", "CREATE TABLE t (`` INT) WITH ('a'='b')", 1, 17, "a non-empty identifier", "'``'"],
  ["MAP without '>'", "CREATE TABLE t (m MAP<STRING, STRING) WITH ('a'='b')", 1, 37, "'>'", "')'"],
  ["TIMESTAMP WITH TIME ZONE (not LOCAL)", "CREATE TABLE t (a TIMESTAMP WITH TIME ZONE) WITH ('a'='b')", 1, 34, "'LOCAL'", "'TIME'"],
  ["PARTITIONED BY not supported", "CREATE TABLE t (a INT) PARTITIONED BY (a) WITH ('a'='b')", 1, 24, "'WITH'", "'PARTITIONED'"],
  ["LIKE not supported", "CREATE TABLE t (LIKE other) WITH ('a'='b')", 1, 17, "a column definition", "'LIKE'"],
];
for (const [name, ddl, line, column, expected, found] of syntaxCases) {
  s(`syntax error: ${name}`, () => {
    const e = syntaxError(ddl);
    assert.is(e.code, "DDL_SYNTAX");
    assert.equal([e.line, e.column, e.expected, e.found], [line, column, expected, found]);
    assert.is(e.message, `line ${line}, column ${column}: expected ${expected} but found ${found}`);
  });
}

s("the brief's example message shape", () => {
  const e = syntaxError("CREATE TABLE t (\n  a INT,\n  b INT WITH ('a'='b')");
  assert.is(e.message, "line 3, column 9: expected ',' or ')' but found 'WITH'");
});

// ---------------------------------------------------------------------------
// semantic errors

const semanticCases: Array<[string, string, RegExp, string | undefined]> = [
  ["duplicate column", "a INT, a STRING", /column 'a' is declared twice/, "a"],
  ["DECIMAL precision 0", "a DECIMAL(0)", /DECIMAL precision must be between 1 and 38, got 0 \(line 1, column 19\)/, undefined],
  ["DECIMAL precision 39", "a DECIMAL(39, 2)", /precision must be between 1 and 38, got 39/, undefined],
  ["DECIMAL scale > precision", "a DECIMAL(5, 6)", /scale must be between 0 and the precision 5, got 6/, undefined],
  ["VARCHAR(0)", "a VARCHAR(0)", /VARCHAR length must be between 1 and 2147483647, got 0/, undefined],
  ["huge length", "a VARCHAR(99999999999)", /a length must be at most 2147483647/, undefined],
  ["TIMESTAMP(10)", "a TIMESTAMP(10)", /TIMESTAMP precision must be between 0 and 9, got 10/, undefined],
  ["MAP<STRING, INT>", "m MAP<STRING, INT>", /only MAP<STRING, STRING> is supported/, "m"],
  ["unknown metadata key", "a STRING METADATA FROM 'offset'", /unknown metadata key 'offset' \(valid: topic, tag, tags, keys, queueId/, "a"],
  ["metadata with the wrong type", "queueId STRING METADATA VIRTUAL", /metadata 'queueId' must be INT, not STRING/, "queueId"],
  ["topic metadata as VARCHAR(10)", "t VARCHAR(10) METADATA FROM 'topic'", /metadata 'topic' must be STRING, not VARCHAR\(10\)/, "t"],
  ["optional metadata NOT NULL", "tag STRING NOT NULL METADATA", /metadata 'tag' can be absent from a message, so it cannot be NOT NULL/, "tag"],
  ["primary key of an unknown column", "a INT, PRIMARY KEY (b) NOT ENFORCED", /primary key column 'b' is not a column/, "b"],
  ["primary key on metadata", "t STRING METADATA FROM 'topic', PRIMARY KEY (t) NOT ENFORCED", /must be a physical column, not METADATA/, "t"],
  ["two primary keys", "a INT PRIMARY KEY NOT ENFORCED, PRIMARY KEY (a) NOT ENFORCED", /at most one primary key; another starts at line 1, column 49/, undefined],
  ["primary key lists a column twice", "a INT, PRIMARY KEY (a, a) NOT ENFORCED", /'a' is listed twice/, "a"],
];
for (const [name, columns, message, column] of semanticCases) {
  s(`semantic error: ${name}`, () => {
    const e = ddlError(`CREATE TABLE t (${columns})${WITH}`);
    assert.is(e.code, "DDL_INVALID");
    assert.match(e.message, message);
    assert.is(e.column, column);
  });
}

s("semantic error: an option given twice", () => {
  const e = ddlError("CREATE TABLE t (a INT) WITH ('topic' = 'x',\n 'topic' = 'y')");
  assert.match(e.message, /option 'topic' is given twice \(line 2, column 2\)/);
});

s.run();
