import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { formatFloat, normalizeDecimal, parseFloatText } from "../../src/table/numeric.ts";
import { epochMillisOfLtz, ltzFromEpochMillis, parseDate, parseTime, parseTimestamp, parseTimestampLtz } from "../../src/table/temporal.ts";
import { valueCodec } from "../../src/table/sql-values.ts";
import { fromBase64, toBase64 } from "../../src/table/text-values.ts";

const s = suite("table/values");

const decimals: Array<[string, number, number, string]> = [
  ["0", 5, 2, "R:0.00"], ["-0.00", 5, 2, "R:0.00"], ["007.50", 5, 2, "R:7.50"], [".5", 3, 1, "R:0.5"], ["5.", 3, 0, "R:5"],
  ["1.5e1", 5, 2, "R:15.00"], ["1500e-3", 5, 2, "R:1.50"], ["-999.99", 5, 2, "R:-999.99"], ["1000", 5, 2, "L:is out of range"],
  ["0.001", 5, 2, "L:has more than 2"], ["0.0010", 5, 3, "R:0.001"], ["1.230000", 5, 2, "R:1.23"], ["1e-400", 5, 2, "L:has more than 2"],
  ["1e400", 38, 0, "L:is out of range"], ["0e999999", 5, 2, "R:0.00"], ["12345678901234567890123456789012345678", 38, 0, "R:12345678901234567890123456789012345678"],
  ["+", 5, 2, "L:expected a decimal"], ["1,5", 5, 2, "L:expected a decimal"], ["NaN", 5, 2, "L:expected a decimal"], ["0.5", 1, 1, "R:0.5"],
];
for (const [text, p, scale, expected] of decimals) {
  s(`DECIMAL(${p}, ${scale}) ${text}`, () => {
    const r = normalizeDecimal(text, p, scale);
    if (expected.startsWith("R:")) assert.equal(r, E.right(expected.slice(2)));
    else assert.ok(E.isLeft(r) && r.left.startsWith(expected.slice(2)), JSON.stringify(r));
  });
}

s("DECIMAL agrees with BigInt arithmetic (fast-check)", () => {
  fc.assert(fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: -5, max: 5 }), (n, scale, exp) => {
    // n * 10^exp written with an exponent, read at `scale`.
    const r = normalizeDecimal(`${n}e${exp}`, 38, scale);
    const shifted = exp >= 0 ? n * 10n ** BigInt(exp) * 10n ** BigInt(scale) : undefined;
    if (shifted !== undefined) {
      const abs = (shifted < 0n ? -shifted : shifted).toString().padStart(scale + 1, "0");
      const expected = `${shifted < 0n ? "-" : ""}${scale === 0 ? abs : `${abs.slice(0, -scale)}.${abs.slice(-scale)}`}`;
      assert.equal(r, E.right(expected));
    } else {
      assert.ok(E.isRight(r) === (n % 10n ** BigInt(Math.max(0, -exp - scale)) === 0n));
    }
  }), { numRuns: 500 });
});

s("floats: shortest text round trips (fast-check), Java spellings, overflow", () => {
  fc.assert(fc.property(fc.float(), (x) => {
    const back = parseFloatText(formatFloat(x, "FLOAT"), "FLOAT");
    assert.ok(E.isRight(back) && Object.is(back.right, x));
  }), { numRuns: 1000 });
  fc.assert(fc.property(fc.double(), (x) => {
    const back = parseFloatText(formatFloat(x, "DOUBLE"), "DOUBLE");
    assert.ok(E.isRight(back) && Object.is(back.right, x));
  }), { numRuns: 1000 });
  assert.is(formatFloat(Math.fround(3.14), "FLOAT"), "3.14");
  assert.is(formatFloat(-Infinity, "DOUBLE"), "-Infinity");
  assert.equal(parseFloatText("3.4028236e38", "FLOAT"), E.left("is out of range for FLOAT"));
  assert.ok(E.isLeft(parseFloatText("0x10", "DOUBLE")));
  assert.ok(E.isLeft(parseFloatText(" 1", "DOUBLE")));
});

s("dates and times: calendar rules, precision, normalisation", () => {
  assert.equal(parseDate("2000-02-29"), E.right("2000-02-29"));
  assert.ok(E.isLeft(parseDate("1900-02-29")));
  assert.ok(E.isLeft(parseDate("2024-04-31")));
  assert.ok(E.isLeft(parseDate("12024-01-01")));
  assert.equal(parseTime("23:59:59.123456789", 9), E.right("23:59:59.123456789"));
  assert.equal(parseTime("1:02:03.100", 1), E.right("01:02:03.1"));
  assert.ok(E.isLeft(parseTime("01:02:03.12", 1)));
  assert.equal(parseTimestamp("0000-01-01 00:00:00", 0), E.right("0000-01-01 00:00:00"));
  assert.ok(E.isLeft(parseTimestamp("2024-01-01", 0)));
});

s("TIMESTAMP_LTZ: offsets, years below 100, range", () => {
  assert.equal(parseTimestampLtz("2024-01-01T00:30:00.5-01:30", 3), E.right("2024-01-01T02:00:00.500Z"));
  assert.equal(parseTimestampLtz("0050-06-01 12:00:00+0000", 0), E.right("0050-06-01T12:00:00Z"));
  assert.equal(parseTimestampLtz("0000-01-01T00:30:00+01:00", 0), E.left("is outside the years 0000-9999 in UTC"));
  assert.ok(E.isLeft(parseTimestampLtz("2024-01-01T00:00:00+19:00", 0)));
  assert.equal(ltzFromEpochMillis(-1, 3), E.right("1969-12-31T23:59:59.999Z"));
  assert.ok(E.isLeft(ltzFromEpochMillis(1, 0)));
  fc.assert(fc.property(fc.integer({ min: -62167219200000, max: 253402300799999 }), (ms) => {
    const ltz = ltzFromEpochMillis(ms, 3);
    assert.ok(E.isRight(ltz) && epochMillisOfLtz(ltz.right) === ms && ltz.right === new Date(ms).toISOString().replace(/^\+?0*(\d{4})/, "$1"));
  }), { numRuns: 500 });
});

s("base64 round trip and strictness", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
    assert.equal(fromBase64(toBase64(bytes)), bytes);
  }));
  assert.is(fromBase64("AAE"), undefined);
  assert.is(fromBase64("AA E="), undefined);
});

s("value codecs: is() and NULL handling", () => {
  const tiny = valueCodec({ root: "TINYINT", nullable: false });
  assert.is(tiny.is(127), true);
  assert.is(tiny.is(128), false);
  assert.is(tiny.is(null), false);
  const nullableMap = valueCodec({ root: "MAP", key: { root: "VARCHAR", length: 2147483647, nullable: true }, value: { root: "VARCHAR", length: 2147483647, nullable: true }, nullable: true });
  assert.equal(nullableMap.decode(undefined), E.right(null));
  assert.equal(nullableMap.decode({ a: null, b: "x" }), E.right({ a: null, b: "x" }));
  assert.ok(E.isLeft(nullableMap.decode({ a: 1 })));
  assert.ok(E.isLeft(valueCodec({ root: "VARBINARY", length: 2, nullable: true }).decode(new Uint8Array(3))));
  assert.ok(E.isLeft(valueCodec({ root: "CHAR", length: 1, nullable: true }).decode("🌍🌍")));
  assert.ok(E.isRight(valueCodec({ root: "CHAR", length: 1, nullable: true }).decode("🌍")));
});

s.run();
