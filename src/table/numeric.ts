/**
 * Numbers as the table's text and JSON formats write them, checked against
 * the SQL type's range. Integers are parsed through `BigInt` so that range
 * checks are exact; DECIMAL stays a string so that no digit is ever rounded.
 * All functions return `Either<reason, value>` and never throw.
 */
import * as E from "fp-ts/lib/Either.js";

// ---------------------------------------------------------------------------
// integers

export const IntegerRanges = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
} as const;
export type IntegerRoot = keyof typeof IntegerRanges;

/** Range check; the reason names the type and its bounds. */
export function checkIntegerRange(value: bigint, root: IntegerRoot): E.Either<string, bigint> {
  const [min, max] = IntegerRanges[root];
  return value < min || value > max ? E.left(`is out of range for ${root} (${min}..${max})`) : E.right(value);
}

/**
 * Decimal integer text (optional sign, digits only, as Java's `parseInt`).
 *
 * @example parseIntegerText("-128", "TINYINT") // Right(-128n)
 */
export function parseIntegerText(text: string, root: IntegerRoot): E.Either<string, bigint> {
  if (!/^[+-]?\d+$/.test(text)) return E.left(`expected an integer (${root})`);
  return checkIntegerRange(BigInt(text), root);
}

// ---------------------------------------------------------------------------
// floating point

const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  NaN: NaN, Infinity: Infinity, "+Infinity": Infinity, "-Infinity": -Infinity,
};

/**
 * Decimal or scientific text, or Java's `NaN` / `Infinity` / `-Infinity`.
 * FLOAT values are rounded to single precision (as Java's `(float)`); a finite
 * text that overflows the type is an error, never an infinity.
 */
export function parseFloatText(text: string, root: "FLOAT" | "DOUBLE"): E.Either<string, number> {
  const special = SPECIAL_FLOATS[text];
  if (special !== undefined) return E.right(special);
  if (!FLOAT_TEXT.test(text)) return E.left(`expected a number (${root})`);
  const value = Number(text);
  return Number.isFinite(value) ? checkFloat(value, root) : E.left(`is out of range for ${root}`);
}

/** Rounds to the type (FLOAT: single precision); a finite value that overflows is an error. */
export function checkFloat(value: number, root: "FLOAT" | "DOUBLE"): E.Either<string, number> {
  const rounded = root === "FLOAT" ? Math.fround(value) : value;
  return Number.isFinite(value) && !Number.isFinite(rounded) ? E.left(`is out of range for ${root}`) : E.right(rounded);
}

/**
 * Shortest text that reads back as the same value: single precision digits
 * for FLOAT (`3.14`, not `3.140000104904175`), `-0` kept, Java's spellings of
 * the special values.
 */
export function formatFloat(value: number, root: "FLOAT" | "DOUBLE"): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  if (Object.is(value, -0)) return "-0";
  if (root === "DOUBLE") return String(value);
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(value.toPrecision(digits));
    if (Math.fround(shortest) === value) return String(shortest);
  }
  return String(value);
}

// ---------------------------------------------------------------------------
// DECIMAL

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Canonical DECIMAL(p, s) text: no exponent, exactly `s` digits after the
 * point, no leading zeros, no `-` on zero. Digits beyond the scale must be
 * zeros (Flink would round them: here nothing changes a value silently), and
 * at most `p - s` digits may stand before the point.
 *
 * @example normalizeDecimal("1.5e1", 5, 2) // Right("15.00")
 */
export function normalizeDecimal(text: string, precision: number, scale: number): E.Either<string, string> {
  const m = DECIMAL_TEXT.exec(text);
  if (m === null || (m[2] === "" && (m[3] ?? "") === "")) return E.left(`expected a decimal number (DECIMAL(${precision}, ${scale}))`);
  const negative = m[1] === "-";
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  const written = m[2]! + (m[3] ?? "");
  const lead = written.length - written.replace(/^0+/, "").length;
  const digits = written.slice(lead);
  if (digits === "") return E.right(scale === 0 ? "0" : `0.${"0".repeat(scale)}`);
  // Where the decimal point falls in `digits` (negative: zeros come first).
  const point = m[2]!.length + exponent - lead;
  if (!Number.isSafeInteger(point) || point > precision - scale) {
    return E.left(`is out of range for DECIMAL(${precision}, ${scale}) (at most ${precision - scale} digit(s) before the point)`);
  }
  // digits[0] is not zero, so a point at -scale or further left leaves a digit beyond the scale.
  if (point < 0 && -point >= scale) return E.left(`has more than ${scale} decimal place(s)`);
  const padded = point < 0 ? "0".repeat(-point) + digits : digits;
  const at = Math.max(point, 0);
  const integer = padded.slice(0, at).padEnd(at, "0");
  const fractionDigits = padded.slice(at);
  if (/[1-9]/.test(fractionDigits.slice(scale))) return E.left(`has more than ${scale} decimal place(s)`);
  const fraction = fractionDigits.slice(0, scale).padEnd(scale, "0");
  const isZero = integer === "" && !/[1-9]/.test(fraction);
  return E.right(`${negative && !isZero ? "-" : ""}${integer === "" ? "0" : integer}${scale === 0 ? "" : `.${fraction}`}`);
}
