import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { InputError } from "../../src/errors.ts";
import {
  CSV,
  DelimitedRowDeserializationSchema,
  DelimitedRowSerializationSchema,
  delimitedFormat,
  type DelimitedFormat,
  formatDelimitedRow,
  parseDelimitedRow,
} from "../../src/serde/delimited.ts";
import { left, meta, right, utf8 } from "./helpers.ts";

const s = suite("serde/delimited rows");

s("CSV: quoting, doubled quotes, empty fields, trailing delimiter", () => {
  assert.equal(right(parseDelimitedRow('a,"b,c",', CSV)), ["a", "b,c", ""]);
  assert.equal(right(parseDelimitedRow('"say ""hi""",x"y', CSV)), ['say "hi"', 'x"y']);
  assert.equal(right(parseDelimitedRow("", CSV)), [""]);
  assert.equal(right(parseDelimitedRow(",", CSV)), ["", ""]);
  assert.equal(right(parseDelimitedRow("line1\nline2,z", CSV)), ["line1\nline2", "z"]);
});

s("the Flink connector's default: \\u0001, no quoting, plain split", () => {
  const flink = delimitedFormat({ fieldDelimiter: "\u0001", quote: null });
  assert.equal(right(parseDelimitedRow('1\u0001"x\u0001', flink)), ["1", '"x', ""]);
});

s("multi-character delimiter", () => {
  const f = delimitedFormat({ fieldDelimiter: "||", quote: null });
  assert.equal(right(parseDelimitedRow("a||b|c||", f)), ["a", "b|c", ""]);
  assert.is(left(formatDelimitedRow(["|", "x"], f, "value")).message,
    'value[0]: contains "|", the delimiter\'s first character, and the format has no quote or escape, got "|"');
  assert.is(right(formatDelimitedRow(["|", "x"], delimitedFormat({ fieldDelimiter: "||" }))), '"|"||x');
});

s("null literal: unquoted match is null, quoted is the string", () => {
  const f = delimitedFormat({ nullLiteral: "NULL" });
  assert.equal(right(parseDelimitedRow('NULL,"NULL",NULLx', f)), [null, "NULL", "NULLx"]);
  assert.is(right(formatDelimitedRow([null, "NULL"], f)), 'NULL,"NULL"');
});

s("Hive-style TSV: \\ escape with \\N as null", () => {
  const tsv = delimitedFormat({ fieldDelimiter: "\t", quote: null, escape: "\\", nullLiteral: "\\N" });
  // The escape makes the next character literal (here a tab); it is not C's "\t".
  assert.equal(right(parseDelimitedRow("a\\\tb\t\\N\t\\\\N", tsv)), ["a\tb", null, "\\N"]);
  assert.is(right(formatDelimitedRow(["a\tb", null, "\\N"], tsv)), "a\\\tb\t\\N\t\\\\N");
});

s("malformed rows are DecodeErrors naming the field, the column and the text", () => {
  const open = left(parseDelimitedRow('a,"bc', CSV, "value"));
  assert.is(open.message, 'value: column 1: quoted field opened at character 2 is not closed, got "a,\\"bc"');
  const after = left(parseDelimitedRow('"a"b,c', CSV, "value"));
  assert.is(after.message, 'value: column 0: expected a delimiter or the end after the closing quote at character 2, got "\\"a\\"b,c"');
  const esc = delimitedFormat({ escape: "\\" });
  assert.is(left(parseDelimitedRow("a,b\\", esc, "value")).message, 'value: column 1: escape character at the end of the row, got "a,b\\\\"');
});

s("rows that cannot be written are EncodeErrors", () => {
  const plain = delimitedFormat({ quote: null });
  assert.is(left(formatDelimitedRow(["a,b"], plain, "value")).message, 'value[0]: contains the delimiter and the format has no quote or escape, got "a,b"');
  assert.is(left(formatDelimitedRow(["a", null], CSV, "value")).message, "value[1]: null needs a nullLiteral in the format, got null");
  assert.is(left(formatDelimitedRow([], CSV, "value")).message, "value: a row needs at least one field, got []");
});

s("bad formats are refused at construction", () => {
  const bad: Array<[Parameters<typeof delimitedFormat>[0], string]> = [
    [{ fieldDelimiter: "" }, "fieldDelimiter"],
    [{ quote: "''" }, "quote"],
    [{ fieldDelimiter: ",", quote: "," }, "quote"],
    [{ escape: '"' }, "escape"],
    [{ nullLiteral: "a,b" }, "nullLiteral"],
  ];
  for (const [options, field] of bad) {
    assert.throws(() => delimitedFormat(options), (e: unknown) => e instanceof InputError && e.field === field, field);
  }
});

// Fields drawn from the characters that matter to each format, so that
// delimiters, quotes, escapes and null literals collide often.
const formats: Array<[string, DelimitedFormat, string[]]> = [
  ["CSV", delimitedFormat({ nullLiteral: "" }), [",", '"', "a", "\n", ""]],
  ["CSV with escape", delimitedFormat({ escape: "\\", nullLiteral: "NULL" }), [",", '"', "\\", "N", "U", "L", "a"]],
  ["TSV escape-only", delimitedFormat({ fieldDelimiter: "\t", quote: null, escape: "\\", nullLiteral: "\\N" }), ["\t", "\\", "N", "a"]],
  ["|| quoted", delimitedFormat({ fieldDelimiter: "||", nullLiteral: "-" }), ["|", '"', "-", "x"]],
  ["|| escape-only", delimitedFormat({ fieldDelimiter: "||", quote: null, escape: "^", nullLiteral: "-" }), ["|", "^", "-", "x"]],
];

for (const [name, format, alphabet] of formats) {
  s(`${name}: format then parse gives the fields back (1000 runs)`, () => {
    const fieldArb = fc.option(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 6 }), { nil: null });
    fc.assert(
      fc.property(fc.array(fieldArb, { minLength: 1, maxLength: 6 }), (fields) => {
        const text = formatDelimitedRow(fields, format);
        // Escape-only formats cannot tell the empty string from an empty null literal; none of these has one.
        assert.equal(right(parseDelimitedRow(right(text), format)), fields);
      }),
      { numRuns: 1000 },
    );
  });
}

s("schemas: body round trip, column count check, invalid UTF-8", () => {
  const de = DelimitedRowDeserializationSchema(CSV, { columns: 3 });
  const ser = DelimitedRowSerializationSchema(CSV);
  const { value } = right(ser.serialize(["1", "a,b", "é"]));
  assert.equal(right(de.deserialize(undefined, value, meta)), ["1", "a,b", "é"]);
  assert.is(left(de.deserialize(undefined, utf8("1,2"), meta)).message, 'value: expected 3 fields, found 2, got "1,2"');
  assert.is(left(de.deserialize(undefined, new Uint8Array([0x31, 0x2c, 0x80]), meta)).message, "value: invalid UTF-8 at byte 2, got <3 bytes: 31 2c 80>");
  assert.throws(() => DelimitedRowDeserializationSchema(CSV, { columns: 0 }), (e: unknown) => e instanceof InputError && e.field === "columns");
});

s.run();
