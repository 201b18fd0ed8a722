/**
 * Options come in two spellings: the seed's Properties keys as written
 * (`producer.retry.times`) and typed camelCase (`retryTimes`). Both are
 * checked by one io-ts codec; every problem is reported with the key, the
 * value and what was expected, and unknown keys are refused.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { ConfigError } from "../errors.ts";
import { SECRET_OPTION } from "./hidden-secret.ts";

/** Maps a seed Properties key to its camelCase option name. */
export type PropertyTable = Readonly<Record<string, string>>;

/** Positive integer that also accepts its decimal string form (Properties values are strings). */
export const PositiveIntFromInput = new t.Type<number, number, unknown>(
  "positive integer",
  (u): u is number => typeof u === "number" && Number.isSafeInteger(u) && u > 0,
  (u, c) => {
    const n = typeof u === "string" && /^\s*\d+\s*$/.test(u) ? Number(u) : u;
    return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? t.success(n) : t.failure(u, c);
  },
  (n) => n,
);

/** Non-negative integer, string form accepted. */
export const NonNegativeIntFromInput = new t.Type<number, number, unknown>(
  "non-negative integer",
  (u): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 0,
  (u, c) => {
    const n = typeof u === "string" && /^\s*\d+\s*$/.test(u) ? Number(u) : u;
    return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? t.success(n) : t.failure(u, c);
  },
  (n) => n,
);

/** An integer from `min` to `max`, string form accepted (bounded counts such as a pull's batch size). */
export function intFromInput(min: number, max: number): t.Type<number, number, unknown> {
  const within = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= min && n <= max;
  return new t.Type<number, number, unknown>(
    `an integer from ${min} to ${max}`,
    within,
    (u, c) => {
      const n = typeof u === "string" && /^\s*\d+\s*$/.test(u) ? Number(u) : u;
      return within(n) ? t.success(n) : t.failure(u, c);
    },
    (n) => n,
  );
}

/** Boolean, "true"/"false" accepted. */
export const BooleanFromInput = new t.Type<boolean, boolean, unknown>(
  "boolean",
  (u): u is boolean => typeof u === "boolean",
  (u, c) => (typeof u === "boolean" ? t.success(u) : u === "true" ? t.success(true) : u === "false" ? t.success(false) : t.failure(u, c)),
  (b) => b,
);

/** `host:port` list separated by `;`, as name server addresses and proxy endpoints are written. */
export const AddressList = new t.Type<string, string, unknown>(
  "host:port[;host:port...]",
  (u): u is string => typeof u === "string",
  (u, c) =>
    typeof u === "string" && u.split(";").every((a) => /^[^\s:;]+:\d{1,5}$/.test(a.trim()))
      ? t.success(u.split(";").map((a) => a.trim()).join(";"))
      : t.failure(u, c),
  (s) => s,
);

function render(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Normalises seed keys to camelCase, refuses unknown keys, then decodes.
 * `defaults` apply to keys given in neither spelling.
 */
export function decodeOptions<C extends t.Any>(
  what: string,
  codec: C,
  table: PropertyTable,
  input: Readonly<Record<string, unknown>> | Map<string, unknown>,
): t.TypeOf<C> {
  const entries = input instanceof Map ? [...input.entries()] : Object.entries(input);
  const props = (codec as unknown as { props?: Record<string, unknown> }).props
    ?? collectProps(codec);
  const known = new Set(Object.keys(props));
  const normalised: Record<string, unknown> = {};
  const spelledAs: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    const name = table[key] ?? key;
    if (!known.has(name)) {
      const valid = [...Object.keys(table), ...known].sort().join(", ");
      throw new ConfigError(`${what}: unknown option ${JSON.stringify(key)} (valid: ${valid})`, key, SECRET_OPTION.test(key) ? "(hidden)" : value);
    }
    if (name in normalised) {
      throw new ConfigError(`${what}: option ${JSON.stringify(key)} given twice (as ${spelledAs[name]} and ${key})`, key, SECRET_OPTION.test(key) ? "(hidden)" : value);
    }
    normalised[name] = value;
    spelledAs[name] = key;
  }
  const result = codec.decode(normalised);
  if (E.isRight(result)) return result.right;
  const first = result.left[0]!;
  const path = first.context.filter((c) => c.key !== "").map((c) => c.key);
  const name = path[0] ?? "";
  const key = spelledAs[name] ?? (Object.entries(table).find(([, v]) => v === name)?.[0] ?? name);
  const expected = first.context.at(-1)?.type.name ?? "a valid value";
  const problems = result.left.length > 1 ? ` (and ${result.left.length - 1} more problem(s))` : "";
  if (first.value === undefined) {
    throw new ConfigError(`${what}: missing required option ${JSON.stringify(key)}${key !== name ? ` (or ${name})` : ""}: expected ${expected}${problems}`, key, undefined);
  }
  const secret = SECRET_OPTION.test(key);
  throw new ConfigError(
    `${what}: option ${JSON.stringify(key)} has value ${secret ? "(hidden)" : render(first.value)}: expected ${expected}${problems}`,
    key, secret ? "(hidden)" : first.value);
}

function collectProps(codec: t.Any): Record<string, unknown> {
  const c = codec as unknown as { types?: t.Any[]; type?: t.Any; props?: Record<string, unknown> };
  if (c.props) return c.props;
  if (c.types) return Object.assign({}, ...c.types.map(collectProps));
  if (c.type) return collectProps(c.type);
  return {};
}
