/**
 * The properties string of a message: `name \x01 value \x02` repeated. It
 * travels in send request headers (as a string) and in stored messages and
 * batch bodies (as UTF-8 bytes behind an int16 length).
 */
import { InputError } from "../../errors.ts";
import { MessageConst, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from "./message-const.ts";

const FORBIDDEN = /[\u0001\u0002]/;

/**
 * Serializes properties the way brokers expect them.
 *
 * Names and values must be non-empty and free of the two separator
 * characters: brokers drop empty names and values on decoding, so they would
 * vanish silently, and separators would corrupt the map.
 *
 * @example
 * encodeProperties({ TAGS: "a", KEYS: "k1 k2" }); // "TAGS\u0001a\u0002KEYS\u0001k1 k2\u0002"
 */
export function encodeProperties(properties: Readonly<Record<string, string>>): string {
  let out = "";
  for (const name of Object.keys(properties)) {
    const value = properties[name];
    if (value === undefined) continue;
    if (typeof value !== "string") {
      throw new InputError(`property ${JSON.stringify(name)} must be a string, got ${typeof value}`, "properties", value);
    }
    if (name.length === 0 || value.length === 0) {
      throw new InputError(`property names and values must be non-empty (${JSON.stringify(name)})`, "properties", name);
    }
    if (FORBIDDEN.test(name) || FORBIDDEN.test(value)) {
      throw new InputError(
        `property ${JSON.stringify(name)} contains a \\u0001 or \\u0002 separator`,
        "properties",
        name,
      );
    }
    out += name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  }
  return out;
}

/**
 * Parses a properties string leniently, as the Java broker and client do:
 * entries without a separator, with an empty name or an empty value are
 * skipped, and a later duplicate name wins.
 *
 * @example
 * decodeProperties("TAGS\u0001a\u0002"); // { TAGS: "a" }
 */
export function decodeProperties(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  parsePropertiesInto(text, map);
  return map;
}

/** Adds the entries of `text` to `map`; returns the map. Shared with the message decoder. */
export function parsePropertiesInto(text: string, map: Record<string, string>): Record<string, string> {
  const length = text.length;
  let index = 0;
  while (index < length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    // shortest useful entry is one name char, the separator, one value char
    if (end - index >= 3) {
      const sep = text.indexOf(NAME_VALUE_SEPARATOR, index);
      if (sep > index && sep < end - 1) {
        setProperty(map, knownName(text, index, sep) ?? text.slice(index, sep), text.slice(sep + 1, end));
      }
    }
    index = end + 1;
  }
  return map;
}

/** System property names grouped by length, to reuse the constant strings. */
const KNOWN_BY_LENGTH: string[][] = [];
for (const name of Object.values(MessageConst)) (KNOWN_BY_LENGTH[name.length] ??= []).push(name);

/**
 * The constant string for a system property name found at text[start, end).
 * Storing under an already-internalized key is much cheaper for V8 than
 * under a fresh slice, and nearly every message carries several of them.
 */
function knownName(text: string, start: number, end: number): string | undefined {
  const candidates = KNOWN_BY_LENGTH[end - start];
  if (candidates === undefined) return undefined;
  for (let i = 0; i < candidates.length; i++) {
    if (text.startsWith(candidates[i]!, start)) return candidates[i];
  }
  return undefined;
}

/** Assigns without letting a property named `__proto__` change the prototype. */
function setProperty(map: Record<string, string>, name: string, value: string): void {
  if (name === "__proto__") {
    Object.defineProperty(map, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    map[name] = value;
  }
}

// every key the broker or a client sets for itself; the rest are the producer's
const SYSTEM_PROPERTIES: ReadonlySet<string> = new Set(Object.values(MessageConst));

/** The producer's own properties of a message: system keys (TAGS, KEYS, UNIQ_KEY, ...) left out. */
export function userProperties(properties: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(properties)) if (!SYSTEM_PROPERTIES.has(k)) out[k] = v;
  return out;
}
