/**
 * The two header serializations of a remoting command.
 *
 * - JSON (serialize type 0): what we send, and what 5.x brokers answer with
 *   by default.
 * - ROCKETMQ binary (serialize type 1), big-endian: code i16, language i8,
 *   version i16, opaque i32, flag i32, remark (i32 length + UTF-8), extFields
 *   (i32 total length, then per entry i16 key length + key, i32 value length
 *   + value). Brokers configured for it (and 4.9.x mirroring a request) use it.
 *
 * Decoders throw ProtocolError and nothing else: these bytes come off a
 * socket and may be anything.
 */
import { ProtocolError } from "../errors.ts";
import type { RemotingCommand } from "./command.ts";

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** The header part of a command: everything but the body. */
export type CommandHeader = Omit<RemotingCommand, "body">;

/** Java `LanguageCode` ordinals, for the binary header's language byte. */
const LANGUAGES = [
  "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST",
  "NODE_JS",
] as const;

const utf8 = new TextEncoder();
const text = new TextDecoder();

// ---------------------------------------------------------------------------
// JSON

export function encodeJsonHeader(cmd: CommandHeader): Uint8Array {
  return utf8.encode(JSON.stringify({
    code: cmd.code,
    language: cmd.language,
    version: cmd.version,
    opaque: cmd.opaque,
    flag: cmd.flag,
    ...(cmd.remark === undefined ? {} : { remark: cmd.remark }),
    extFields: cmd.extFields,
  }));
}

export function decodeJsonHeader(bytes: Uint8Array): CommandHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.decode(bytes));
  } catch (err) {
    throw new ProtocolError(`JSON command header does not parse: ${(err as Error).message}`, { cause: err });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError("JSON command header is not an object");
  }
  const h = parsed as Record<string, unknown>;
  const remark = h.remark;
  if (remark !== undefined && remark !== null && typeof remark !== "string") {
    throw new ProtocolError(`JSON command header remark is a ${typeof remark}, not a string`);
  }
  return {
    code: int32Field(h, "code", true),
    language: languageField(h.language),
    version: int32Field(h, "version", false),
    opaque: int32Field(h, "opaque", true),
    flag: int32Field(h, "flag", false),
    ...(typeof remark === "string" ? { remark } : {}),
    extFields: extFieldsOf(h.extFields),
  };
}

function int32Field(h: Record<string, unknown>, name: string, required: boolean): number {
  const v = h[name];
  if (v === undefined && !required) return 0;
  if (typeof v !== "number" || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
    throw new ProtocolError(`JSON command header field ${name} is ${JSON.stringify(v)}, not an int32`);
  }
  return v;
}

function languageField(v: unknown): string {
  if (v === undefined || v === null) return "OTHER";
  if (typeof v === "string") return v;
  if (typeof v === "number") return LANGUAGES[v] ?? "OTHER";
  throw new ProtocolError(`JSON command header language is a ${typeof v}`);
}

function extFieldsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (typeof v !== "object" || Array.isArray(v)) throw new ProtocolError("JSON command header extFields is not an object");
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    if (typeof value === "string") out[key] = value;
    else if (typeof value === "number" || typeof value === "boolean") out[key] = String(value);
    else if (value !== null) throw new ProtocolError(`extField ${JSON.stringify(key)} is a ${typeof value}, not a string`);
  }
  return out;
}

// ---------------------------------------------------------------------------
// ROCKETMQ binary

export function encodeBinaryHeader(cmd: CommandHeader): Uint8Array {
  const remark = cmd.remark ? utf8.encode(cmd.remark) : new Uint8Array(0);
  const entries: [Uint8Array, Uint8Array][] = [];
  let extLength = 0;
  for (const [key, value] of Object.entries(cmd.extFields)) {
    const entry: [Uint8Array, Uint8Array] = [utf8.encode(key), utf8.encode(value)];
    if (entry[0].length > 0x7fff) throw new ProtocolError(`extField name of ${entry[0].length} bytes is too long`);
    entries.push(entry);
    extLength += 2 + entry[0].length + 4 + entry[1].length;
  }
  const out = new Uint8Array(2 + 1 + 2 + 4 + 4 + 4 + remark.length + 4 + extLength);
  const view = new DataView(out.buffer);
  view.setInt16(0, cmd.code);
  view.setInt8(2, Math.max(0, LANGUAGES.indexOf(cmd.language as (typeof LANGUAGES)[number])));
  view.setInt16(3, cmd.version);
  view.setInt32(5, cmd.opaque);
  view.setInt32(9, cmd.flag);
  view.setInt32(13, remark.length);
  out.set(remark, 17);
  let pos = 17 + remark.length;
  view.setInt32(pos, extLength);
  pos += 4;
  for (const [key, value] of entries) {
    view.setInt16(pos, key.length);
    out.set(key, pos + 2);
    pos += 2 + key.length;
    view.setInt32(pos, value.length);
    out.set(value, pos + 4);
    pos += 4 + value.length;
  }
  return out;
}

export function decodeBinaryHeader(bytes: Uint8Array): CommandHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  let pos = 0;
  const need = (n: number, what: string, limit = end) => {
    if (n < 0 || n > limit - pos) {
      throw new ProtocolError(`binary command header: ${what} of ${n} bytes at ${pos} does not fit (${limit - pos} left)`);
    }
  };
  need(17, "fixed fields");
  const code = view.getInt16(0);
  const languageByte = view.getInt8(2);
  const version = view.getInt16(3);
  const opaque = view.getInt32(5);
  const flag = view.getInt32(9);
  const remarkLength = view.getInt32(13);
  pos = 17;
  need(remarkLength, "remark");
  const remark = remarkLength > 0 ? text.decode(bytes.subarray(pos, pos + remarkLength)) : undefined;
  pos += remarkLength;
  need(4, "extFields length");
  const extLength = view.getInt32(pos);
  pos += 4;
  need(extLength, "extFields");
  const extEnd = pos + extLength;
  const extFields: Record<string, string> = {};
  while (pos < extEnd) {
    need(2, "extField name length", extEnd);
    const keyLength = view.getInt16(pos);
    pos += 2;
    need(keyLength, "extField name", extEnd);
    const key = text.decode(bytes.subarray(pos, pos + keyLength));
    pos += keyLength;
    need(4, "extField value length", extEnd);
    const valueLength = view.getInt32(pos);
    pos += 4;
    need(valueLength, `extField ${JSON.stringify(key)} value`, extEnd);
    // Java reads a zero length as null and keeps a null value: it means "absent"
    if (valueLength > 0) extFields[key] = text.decode(bytes.subarray(pos, pos + valueLength));
    pos += valueLength;
  }
  // like Java, ignore bytes after the extFields: a later version may append fields
  return {
    code,
    language: LANGUAGES[languageByte] ?? "OTHER",
    version,
    opaque,
    flag,
    ...(remark === undefined ? {} : { remark }),
    extFields,
  };
}
