/**
 * DATE, TIME, TIMESTAMP and TIMESTAMP_LTZ values as canonical strings, exact
 * to the nanosecond (a JS `Date` stops at the millisecond):
 *
 * | type             | canonical form (p = precision digits after the dot) |
 * |------------------|------------------------------------------------------|
 * | DATE             | `2024-02-29`                                         |
 * | TIME(p)          | `13:45:07.123` (no dot when p = 0)                   |
 * | TIMESTAMP(p)     | `2024-02-29 13:45:07.123456`                         |
 * | TIMESTAMP_LTZ(p) | `2024-02-29T13:45:07.123Z` (always UTC)              |
 *
 * Parsing accepts a little more (one-digit month and day as Java's
 * `Date.valueOf` does, `T` or space between date and time, a UTC offset on
 * TIMESTAMP_LTZ) and normalises. Digits beyond the precision must be zeros:
 * a value is never silently truncated. Years run from 0000 to 9999, as in Flink.
 * All functions return `Either<reason, value>` and never throw.
 */
import * as E from "fp-ts/lib/Either.js";

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const OFFSET = /(Z|[+-]\d{2}(?::?\d{2})?)$/i;

// ---------------------------------------------------------------------------
// parse

/** @example parseDate("2024-2-9") // Right("2024-02-09") */
export function parseDate(text: string): E.Either<string, string> {
  const m = DATE.exec(text);
  if (m === null) return E.left("expected a date yyyy-MM-dd");
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return E.left("is not a calendar date");
  return E.right(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
}

/** @example parseTime("7:05:00.5", 3) // Right("07:05:00.500") */
export function parseTime(text: string, precision: number): E.Either<string, string> {
  const m = TIME.exec(text);
  if (m === null) return E.left("expected a time HH:mm:ss[.fffffffff]");
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return E.left("is not a time of day");
  return E.map((f: string) => `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${f}`)(fraction(m[4], precision));
}

/** @example parseTimestamp("2024-01-02T03:04:05", 3) // Right("2024-01-02 03:04:05.000") */
export function parseTimestamp(text: string, precision: number): E.Either<string, string> {
  const sep = text.search(/[ T]/);
  if (sep === -1) return E.left("expected a timestamp yyyy-MM-dd HH:mm:ss[.fffffffff]");
  const date = parseDate(text.slice(0, sep));
  if (E.isLeft(date)) return E.left("expected a timestamp yyyy-MM-dd HH:mm:ss[.fffffffff]");
  const time = parseTime(text.slice(sep + 1), precision);
  return E.isLeft(time) ? time : E.right(`${date.right} ${time.right}`);
}

/** @example parseTimestampLtz("2024-01-02 05:04:05+02:00", 0) // Right("2024-01-02T03:04:05Z") */
export function parseTimestampLtz(text: string, precision: number): E.Either<string, string> {
  const offsetMatch = OFFSET.exec(text);
  if (offsetMatch === null) return E.left("expected an instant yyyy-MM-ddTHH:mm:ss[.fffffffff] with Z or a UTC offset");
  const local = parseTimestamp(text.slice(0, offsetMatch.index), precision);
  if (E.isLeft(local)) return E.left("expected an instant yyyy-MM-ddTHH:mm:ss[.fffffffff] with Z or a UTC offset");
  const offset = offsetMinutes(offsetMatch[1]!);
  if (offset === undefined) return E.left("has a UTC offset outside -18:00..+18:00");
  const [date, time] = local.right.split(" ") as [string, string];
  const dot = time.indexOf(".");
  const frac = dot === -1 ? "" : time.slice(dot);
  const wholeMs = utcMillis(date, dot === -1 ? time : time.slice(0, dot)) - offset * 60_000;
  const utc = formatUtc(wholeMs);
  return utc === undefined ? E.left("is outside the years 0000-9999 in UTC") : E.right(`${utc}${frac}Z`);
}

// ---------------------------------------------------------------------------
// from epoch milliseconds (Flink writes and reads timestamps as long millis)

/** UTC wall time of `ms` as TIMESTAMP(p); digits below the millisecond are zeros. */
export function timestampFromEpochMillis(ms: number, precision: number): E.Either<string, string> {
  const utc = Number.isSafeInteger(ms) ? formatUtc(Math.floor(ms / 1000) * 1000) : undefined;
  if (utc === undefined) return E.left("is outside the years 0000-9999");
  return E.map((f: string) => utc.replace("T", " ") + f)(fraction(millisDigits(ms), precision));
}

/** `ms` as TIMESTAMP_LTZ(p). Sub-second digits the precision cannot hold are an error. */
export function ltzFromEpochMillis(ms: number, precision: number): E.Either<string, string> {
  return E.map((ts: string) => `${ts.replace(" ", "T")}Z`)(timestampFromEpochMillis(ms, precision));
}

/** Milliseconds of the day as TIME(p), as Flink's text format writes TIME. */
export function timeFromMillisOfDay(ms: number, precision: number): E.Either<string, string> {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 86_400_000) return E.left("is not a millisecond of the day (0..86399999)");
  return E.map((ts: string) => ts.slice(11))(timestampFromEpochMillis(ms, precision));
}

/** Epoch milliseconds of a TIMESTAMP_LTZ canonical string, truncated to the millisecond. */
export function epochMillisOfLtz(canonical: string): number {
  const [date, rest] = canonical.slice(0, -1).split("T") as [string, string];
  const [time, frac = ""] = rest.split(".") as [string, string?];
  return utcMillis(date, time) + Number((frac + "000").slice(0, 3));
}

// ---------------------------------------------------------------------------
// wall time in a time zone (for the startTime / endTime options)

/**
 * Epoch milliseconds of a wall-clock time `yyyy-MM-dd HH:mm:ss` in an IANA
 * zone (`undefined`: the process's local zone, as Java uses the JVM's).
 * Left when the text or the zone is bad.
 */
export function epochMillisOfWallTime(text: string, timeZone: string | undefined): E.Either<string, number> {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (m === null) return E.left("expected yyyy-MM-dd HH:mm:ss");
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (E.isLeft(parseDate(`${m[1]}-${m[2]}-${m[3]}`)) || h > 23 || mi > 59 || s > 59) return E.left("is not a valid date and time");
  if (timeZone === undefined) {
    const local = new Date(2000, 0, 1);
    local.setFullYear(y, mo - 1, d);
    local.setHours(h, mi, s, 0);
    return E.right(local.getTime());
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
  } catch {
    return E.left(`has an unknown time zone ${JSON.stringify(timeZone)}`);
  }
  const wall = utcMillis(`${m[1]}-${m[2]}-${m[3]}`, `${m[4]}:${m[5]}:${m[6]}`);
  // The zone's offset at the guessed instant, applied twice to settle near transitions.
  let guess = wall - zoneOffsetMs(format, wall);
  guess = wall - zoneOffsetMs(format, guess);
  return E.right(guess);
}

function zoneOffsetMs(format: Intl.DateTimeFormat, at: number): number {
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(at))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const asUtc = utcMillis(
    `${pad(parts.year!, 4)}-${pad(parts.month!, 2)}-${pad(parts.day!, 2)}`,
    `${pad(parts.hour!, 2)}:${pad(parts.minute!, 2)}:${pad(parts.second!, 2)}`);
  return asUtc - Math.floor(at / 1000) * 1000;
}

// ---------------------------------------------------------------------------
// helpers

/** `.` plus exactly `precision` digits (or "" for 0); longer input must end in zeros. */
function fraction(digits: string | undefined, precision: number): E.Either<string, string> {
  const all = (digits ?? "").padEnd(9, "0");
  if (/[1-9]/.test(all.slice(precision))) return E.left(`has more than ${precision} fractional second digit(s)`);
  return E.right(precision === 0 ? "" : `.${all.slice(0, precision)}`);
}

function millisDigits(ms: number): string {
  return pad(((ms % 1000) + 1000) % 1000, 3);
}

function offsetMinutes(text: string): number | undefined {
  if (text.toUpperCase() === "Z") return 0;
  const sign = text[0] === "-" ? -1 : 1;
  const digits = text.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || "0");
  if (minutes > 59 || hours * 60 + minutes > 18 * 60) return undefined;
  return sign * (hours * 60 + minutes);
}

/** UTC epoch ms of canonical `yyyy-MM-dd` and `HH:mm:ss` (years below 100 included). */
function utcMillis(date: string, time: string): number {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const [h, mi, s] = time.split(":").map(Number) as [number, number, number];
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d);
  at.setUTCHours(h, mi, s, 0);
  return at.getTime();
}

/** `yyyy-MM-ddTHH:mm:ss` of whole-second `ms` in UTC, or undefined outside years 0..9999. */
function formatUtc(ms: number): string | undefined {
  const at = new Date(ms);
  const year = at.getUTCFullYear();
  if (!Number.isFinite(year) || year < 0 || year > 9999) return undefined;
  return `${pad(year, 4)}-${pad(at.getUTCMonth() + 1, 2)}-${pad(at.getUTCDate(), 2)}T` +
    `${pad(at.getUTCHours(), 2)}:${pad(at.getUTCMinutes(), 2)}:${pad(at.getUTCSeconds(), 2)}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
