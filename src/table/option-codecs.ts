/**
 * io-ts codecs from WITH option strings (every DDL option value is a string
 * literal) to typed values, read the way Flink's `Configuration` reads them.
 * Each codec's name is what the error says was expected.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { ConfigError } from "../errors.ts";

/** Any string, including empty (Flink treats blank tag/sql as unset: callers decide). */
export const Text = new t.Type<string, string, unknown>("a string", (u): u is string => typeof u === "string",
  (u, c) => (typeof u === "string" ? t.success(u) : t.failure(u, c)), t.identity);

/** A string with a non-blank character. */
export const NonBlank = new t.Type<string, string, unknown>("a non-empty string",
  (u): u is string => typeof u === "string" && u.trim() !== "",
  (u, c) => (typeof u === "string" && u.trim() !== "" ? t.success(u) : t.failure(u, c)), t.identity);

/** Java `Long.parseLong` text, limited to the safe-integer range (offsets and milliseconds). */
export const LongText = new t.Type<number, number, unknown>("an integer",
  (u): u is number => Number.isSafeInteger(u),
  (u, c) => {
    const n = typeof u === "string" && /^[+-]?\d+$/.test(u) ? Number(u) : NaN;
    return Number.isSafeInteger(n) ? t.success(n) : t.failure(u, c);
  }, t.identity);

/** A non-negative integer (counts, intervals). */
export const NonNegativeText = new t.Type<number, number, unknown>("a non-negative integer",
  (u): u is number => Number.isSafeInteger(u) && (u as number) >= 0,
  (u, c) => {
    const n = typeof u === "string" && /^\+?\d+$/.test(u) ? Number(u) : NaN;
    return Number.isSafeInteger(n) ? t.success(n) : t.failure(u, c);
  }, t.identity);

/** `true` / `false` in any case, as Flink's boolean options. */
export const BooleanText = new t.Type<boolean, boolean, unknown>("true or false",
  (u): u is boolean => typeof u === "boolean",
  (u, c) => {
    const s = typeof u === "string" ? u.toLowerCase() : "";
    return s === "true" ? t.success(true) : s === "false" ? t.success(false) : t.failure(u, c);
  }, t.identity);

/** `host:port[;host:port...]`, as RocketMQ name server addresses are written. */
export const AddressText = new t.Type<string, string, unknown>("host:port[;host:port...]",
  (u): u is string => typeof u === "string",
  (u, c) => typeof u === "string" && u.split(";").every((a) => /^[^\s:;]+:\d{1,5}$/.test(a.trim()))
    ? t.success(u.split(";").map((a) => a.trim()).join(";"))
    : t.failure(u, c), t.identity);

/** One of `values`, compared case-insensitively, returned as spelled in `values`. */
export function oneOf<V extends string>(values: readonly V[]): t.Type<V, V, unknown> {
  return new t.Type<V, V, unknown>(`one of ${values.map((v) => `'${v}'`).join(", ")}`,
    (u): u is V => values.includes(u as V),
    (u, c) => {
      const found = typeof u === "string" ? values.find((v) => v.toLowerCase() === u.toLowerCase()) : undefined;
      return found === undefined ? t.failure(u, c) : t.success(found);
    }, t.identity);
}

/** An option that is known but accepts no value; `name` says why. */
export function refused(name: string): t.Type<string, string, unknown> {
  return new t.Type<string, string, unknown>(name, (u): u is string => false, (u, c) => t.failure(u, c), t.identity);
}

/** Only UTF-8 bodies are read and written (WHATWG encoders write nothing else). */
export const EncodingText = new t.Type<"UTF-8", "UTF-8", unknown>("'UTF-8' (the only supported encoding)",
  (u): u is "UTF-8" => u === "UTF-8",
  (u, c) => (typeof u === "string" && /^utf-?8$/i.test(u) ? t.success("UTF-8") : t.failure(u, c)), t.identity);

/**
 * A delimiter, with Java escapes undone as the Flink connector does
 * (`StringEscapeUtils.unescapeJava`): SQL has no backslash escapes, so
 * `'\u0001'` in DDL is six characters until this turns it into U+0001.
 */
export const DelimiterText = new t.Type<string, string, unknown>("a non-empty delimiter (Java escapes such as \\u0001 allowed)",
  (u): u is string => typeof u === "string" && u !== "",
  (u, c) => {
    if (typeof u !== "string") return t.failure(u, c);
    const text = unescapeJava(u);
    return E.isRight(text) && text.right !== "" ? t.success(text.right) : t.failure(u, c);
  }, t.identity);

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: "\t", n: "\n", r: "\r", b: "\b", f: "\f", "\\": "\\", "'": "'", '"': '"' };

/** Undoes Java string escapes: `\uXXXX`, `\t \n \r \b \f \\ \' \"`, octal `\0`..`\377`. Left on anything else. */
export function unescapeJava(text: string): E.Either<string, string> {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "\\") { out += c; continue; }
    const next = text[i + 1];
    if (next === undefined) return E.left("ends with a lone backslash");
    if (SIMPLE_ESCAPES[next] !== undefined) { out += SIMPLE_ESCAPES[next]; i++; continue; }
    if (next === "u") {
      let j = i + 1;
      while (text[j] === "u") j++;
      const hex = text.slice(j, j + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return E.left(`bad unicode escape at ${i}`);
      out += String.fromCharCode(parseInt(hex, 16));
      i = j + 3;
      continue;
    }
    const octal = /^[0-3]?[0-7]{1,2}|^[0-7]/.exec(text.slice(i + 1, i + 4));
    if (octal !== null) { out += String.fromCharCode(parseInt(octal[0], 8)); i += octal[0].length; continue; }
    return E.left(`unknown escape \\${next} at ${i}`);
  }
  return E.right(out);
}

// ---------------------------------------------------------------------------
// decoding a whole WITH clause

/** One option: its codec, and its default (undefined: optional with no default). */
export interface OptionSpec {
  readonly codec: t.Decoder<unknown, unknown> & { readonly name: string };
  readonly required?: boolean;
  readonly default?: unknown;
}

/**
 * Checks every given option against `specs`: an unknown key is an error that
 * lists the valid keys; a bad value names the key, the value and what was
 * expected; a missing required key is named. Returns typed values with
 * defaults applied (keys that are optional and absent are left out).
 */
export function decodeWithOptions(what: string, specs: Readonly<Record<string, OptionSpec>>, given: Readonly<Record<string, string>>): Record<string, unknown> {
  const valid = Object.keys(specs).sort();
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(specs, key)) {
      throw new ConfigError(`${what}: unknown option '${key}' (valid options: ${valid.join(", ")})`, key, given[key]);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const value = Object.hasOwn(given, key) ? given[key] : undefined;
    if (value === undefined) {
      if (spec.required) throw new ConfigError(`${what}: missing required option '${key}'`, key, undefined);
      if (spec.default !== undefined) out[key] = spec.default;
      continue;
    }
    const decoded = spec.codec.decode(value);
    if (E.isLeft(decoded)) {
      throw new ConfigError(`${what}: option '${key}' has value ${JSON.stringify(value)}: expected ${spec.codec.name}`, key, value);
    }
    out[key] = decoded.right;
  }
  return out;
}
