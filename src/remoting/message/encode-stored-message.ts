/**
 * Encoding messages in the broker's stored layout (what a pull returns).
 * Clients never send this format; it exists so that tests, fuzzing and the
 * decode benchmark can build pull bodies without a broker, and it follows
 * the broker's own writer field by field: V1/V2 topic length, IPv4/IPv6
 * hosts, compressed bodies (zlib, LZ4, ZSTD) and inner batches.
 */
import { InputError } from "../../errors.ts";
import { type BatchMessage, encodeBatchBody } from "./batch-body.ts";
import { compressBody } from "./compression.ts";
import { parseHost } from "./hosts.ts";
import { CompressionType, MessageMagic, MessageSysFlag } from "./message-const.ts";
import { encodeProperties } from "./properties.ts";

/** Fields of one stored message; everything but `topic` has a plain default. */
export interface StoredMessageFields {
  readonly topic: string;
  readonly queueId?: number;
  readonly queueOffset?: number;
  readonly commitLogOffset?: number;
  /** Host-version bits are set from the hosts; compression and batch bits from the options below. */
  readonly sysFlag?: number;
  readonly flag?: number;
  /** Defaults to the CRC32 (top bit cleared) of the stored, possibly compressed, body, as brokers compute it. */
  readonly bodyCRC?: number;
  readonly bornTimestamp?: number;
  readonly storeTimestamp?: number;
  /** `"a.b.c.d:port"` or `"[v6]:port"`; default `"127.0.0.1:50000"`. */
  readonly bornHost?: string;
  /** Default `"127.0.0.1:10911"`. */
  readonly storeHost?: string;
  readonly reconsumeTimes?: number;
  readonly preparedTransactionOffset?: number;
  readonly body?: Uint8Array;
  readonly properties?: Readonly<Record<string, string>>;
  /** Default: V2 when the topic takes more than 127 bytes (as brokers choose), else V1. */
  readonly magic?: "V1" | "V2";
  /**
   * Compress the body with the codec `compressionType` names (default ZLIB, 3;
   * LZ4 1 and ZSTD 2 too) and set the compressed bit and codec bits. An
   * unknown codec number sets the bits over the body as given.
   */
  readonly compress?: boolean;
  readonly compressionType?: number;
  /** Store these messages as one inner batch (the body is then their batch encoding). */
  readonly innerBatch?: readonly BatchMessage[];
}

const utf8 = new TextEncoder();
const KNOWN_CODECS: ReadonlySet<number> = new Set(Object.values(CompressionType));

/**
 * Encodes one message in the stored layout.
 *
 * @example
 * const bytes = encodeStoredMessage({ topic: "t", queueOffset: 7, body: new Uint8Array([1, 2]) });
 * decodeMessages(bytes)[0].queueOffset; // 7
 */
export function encodeStoredMessage(fields: StoredMessageFields): Uint8Array {
  const born = parseHost(fields.bornHost ?? "127.0.0.1:50000");
  const store = parseHost(fields.storeHost ?? "127.0.0.1:10911");
  let sysFlag = (fields.sysFlag ?? 0) & ~(MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOST_V6);
  if (born.ip.length === 16) sysFlag |= MessageSysFlag.BORNHOST_V6;
  if (store.ip.length === 16) sysFlag |= MessageSysFlag.STOREHOST_V6;

  let body = fields.body ?? new Uint8Array(0);
  if (fields.innerBatch) {
    body = encodeBatchBody(fields.innerBatch);
    sysFlag |= MessageSysFlag.NEED_UNWRAP | MessageSysFlag.INNER_BATCH;
  }
  if (fields.compress) {
    const type = fields.compressionType ?? CompressionType.ZLIB;
    // an unknown codec number keeps the body as given: the bytes no reader can decompress
    if (KNOWN_CODECS.has(type)) body = compressBody(body, type, 6).body;
    sysFlag = (sysFlag & ~MessageSysFlag.COMPRESSION_TYPE_MASK) | MessageSysFlag.COMPRESSED
      | (type << MessageSysFlag.COMPRESSION_TYPE_SHIFT);
  }
  const topic = utf8.encode(fields.topic);
  const props = utf8.encode(fields.properties ? encodeProperties(fields.properties) : "");
  const magic = fields.magic ?? (topic.length > 127 ? "V2" : "V1");
  const topicLengthBytes = magic === "V1" ? 1 : 2;
  if (topic.length >= 1 << (8 * topicLengthBytes)) throw new InputError(`topic too long for ${magic}`, "topic", fields.topic);
  if (props.length > 0xffff) throw new InputError("properties longer than 65535 bytes", "properties");

  const size = 48 + born.ip.length + 4 + 8 + store.ip.length + 4 + 4 + 8
    + 4 + body.length + topicLengthBytes + topic.length + 2 + props.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const long = (at: number, value: number | undefined) => {
    if (value !== undefined && !Number.isSafeInteger(value)) throw new InputError(`64-bit field must be a safe integer, got ${value}`, "fields", value);
    view.setBigInt64(at, BigInt(value ?? 0));
  };
  view.setInt32(0, size);
  view.setInt32(4, magic === "V1" ? MessageMagic.V1 : MessageMagic.V2);
  view.setInt32(8, fields.bodyCRC ?? crc32(body));
  view.setInt32(12, fields.queueId ?? 0);
  view.setInt32(16, fields.flag ?? 0);
  long(20, fields.queueOffset);
  long(28, fields.commitLogOffset);
  view.setInt32(36, sysFlag);
  long(40, fields.bornTimestamp);
  let pos = 48;
  const host = (h: { ip: Uint8Array; port: number }) => {
    out.set(h.ip, pos);
    view.setInt32(pos + h.ip.length, h.port);
    pos += h.ip.length + 4;
  };
  host(born);
  long(pos, fields.storeTimestamp);
  pos += 8;
  host(store);
  view.setInt32(pos, fields.reconsumeTimes ?? 0);
  long(pos + 4, fields.preparedTransactionOffset);
  view.setInt32(pos + 12, body.length);
  pos += 16;
  out.set(body, pos);
  pos += body.length;
  if (topicLengthBytes === 1) out[pos] = topic.length;
  else view.setUint16(pos, topic.length);
  pos += topicLengthBytes;
  out.set(topic, pos);
  pos += topic.length;
  view.setUint16(pos, props.length);
  out.set(props, pos + 2);
  return out;
}

/** Encodes several messages back to back, as one pull response body. */
export function encodeStoredMessages(messages: readonly StoredMessageFields[]): Uint8Array {
  const parts = messages.map(encodeStoredMessage);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) { out.set(p, pos); pos += p.length; }
  return out;
}

let crcTable: Int32Array | undefined;

/** CRC32 (IEEE) with the top bit cleared, as the broker's `UtilAll.crc32` reports it. */
export function crc32(bytes: Uint8Array): number {
  const table = (crcTable ??= buildCrcTable());
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) & 0x7fffffff;
}

function buildCrcTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}
