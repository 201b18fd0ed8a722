/**
 * Durations in milliseconds: the one rule every timeout, interval and wait
 * option goes through (source, sink, checkpoint, offset stores, table DDL,
 * the remoting client).
 *
 * Node, Deno and Bun keep timer delays in a signed 32-bit integer: a delay
 * of 2^31 ms or more is not an error there but becomes 1 ms, so a timeout
 * of "25 days" would fire at once and report that it waited 25 days. A
 * duration is therefore a whole number of milliseconds from its minimum
 * (0 or 1) to 2^31-1 (about 24.8 days); anything else is refused with the
 * key and the value.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { ConfigError } from "../errors.ts";

/** The largest delay a timer honours on Node, Deno and Bun (2^31-1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export type DurationMinimum = 0 | 1;

/** Decimal integer text, as Properties files and DDL literals write numbers. */
const INTEGER_TEXT = /^\s*\+?\d+\s*$/;

function isDuration(u: unknown, min: DurationMinimum): u is number {
  return typeof u === "number" && Number.isInteger(u) && u >= min && u <= MAX_TIMER_MS;
}

function durationCodec(min: DurationMinimum): t.Type<number, number, unknown> {
  return new t.Type<number, number, unknown>(
    `a whole number of milliseconds from ${min} to ${MAX_TIMER_MS}`,
    (u): u is number => isDuration(u, min),
    (u, c) => {
      const n = typeof u === "string" && INTEGER_TEXT.test(u) ? Number(u) : u;
      return isDuration(n, min) ? t.success(n) : t.failure(u, c);
    },
    (n) => n,
  );
}

/** A duration of at least 1 ms (timeouts, periods); decimal text accepted. */
export const DurationMs = durationCodec(1);

/** A duration that may be 0 ("none": no wait, no long poll, no refresh); decimal text accepted. */
export const NonNegativeDurationMs = durationCodec(0);

/**
 * Checks one duration given outside an options codec (constructor
 * arguments): returns it, or throws a ConfigError naming `key` and the value.
 *
 * @example
 * const intervalMs = checkDurationMs("intervalMs", options.intervalMs); // 2 ** 31 -> ConfigError
 */
export function checkDurationMs(key: string, value: unknown, min: DurationMinimum = 1): number {
  const codec = min === 0 ? NonNegativeDurationMs : DurationMs;
  const decoded = codec.decode(value);
  if (E.isRight(decoded)) return decoded.right;
  throw new ConfigError(`${key} must be ${codec.name}, got ${render(value)}`, key, value);
}

function render(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
