/**
 * Decoding the body of a pull response: stored messages back to back, in
 * the broker's commit-log layout (see PROTOCOL.md, "Stored message").
 *
 * This is the source's hot path, so it reads through one DataView, checks
 * every length against the bytes left before slicing, hands out bodies as
 * views instead of copies, and reuses the strings that repeat from message
 * to message (topic, hosts, the store host's id prefix).
 */
import { ProtocolError } from "../../errors.ts";
import { type BatchRecord, readBatchRecords } from "./batch-body.ts";
import { DEFAULT_MAX_INFLATED_BYTES, inflateBody } from "./compression.ts";
import { formatIPv4, formatIPv6, hexOf, isIPv4Mapped } from "./hosts.ts";
import { MessageConst, MessageMagic, MessageSysFlag } from "./message-const.ts";
import type { MessageExt } from "./message-ext.ts";
import { parsePropertiesInto } from "./properties.ts";

export interface DecodeMessagesOptions {
  /** Ceiling for one inflated (decompressed) body; default 64 MiB. */
  readonly maxInflatedBytes?: number;
}

/** A stored body after decompression and unwrapping. */
interface Unpacked {
  readonly body: Uint8Array;
  /** The stored sysFlag with the compressed bit cleared once inflated. */
  readonly sysFlag: number;
  /** The messages of an inner batch; undefined for a single message. */
  readonly records: BatchRecord[] | undefined;
}

/** Bytes from TOTALSIZE through BORNTIMESTAMP. */
const HEAD_BYTES = 48;
/** Smallest possible message: IPv4 hosts, V1 topic length, no body, topic or properties. */
const MIN_MESSAGE_BYTES = HEAD_BYTES + 8 + 8 + 8 + 4 + 8 + 4 + 1 + 2;
const TWO_POW_32 = 4294967296;
const UNWRAP_BITS = MessageSysFlag.NEED_UNWRAP | MessageSysFlag.INNER_BATCH;
const text = new TextDecoder();

/**
 * Decodes every message of a pull response body, unwrapping inner batches.
 *
 * Throws ProtocolError (and nothing else) when the bytes are not a valid
 * sequence of stored messages. A message whose own body cannot be decoded
 * (unknown codec, corrupt or oversized compressed data, an inner batch that
 * does not add up) does not throw: it comes back as stored, with
 * `decodeError` set, and the messages after it are read as usual. Bodies
 * that were not compressed are views into `body`, so keep or copy them
 * knowing that they pin the whole buffer.
 *
 * @example
 * const messages = decodeMessages(pullResponse.body);
 * for (const m of messages) console.log(m.queueOffset, m.tags, new TextDecoder().decode(m.body));
 */
export function decodeMessages(body: Uint8Array, options: DecodeMessagesOptions = {}): MessageExt[] {
  if (!(body instanceof Uint8Array)) throw new ProtocolError("message body must be a Uint8Array");
  return new StoredMessageReader(body, options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES).readAll();
}

/** One pass over one pull body; the caches live as long as the pass. */
class StoredMessageReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #maxInflated: number;
  #pos = 0;
  // topic cache: messages of one pull nearly always share the topic
  #topicAt = -1;
  #topicLength = -1;
  #topic = "";
  // IPv4 host caches: [ip, port] of the last host seen and its text
  #bornIp = 0;
  #bornPort = -1;
  #bornText = "";
  #storeIp = 0;
  #storePort = -1;
  #storeText = "";
  #storeHex = "";

  constructor(bytes: Uint8Array, maxInflated: number) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#maxInflated = maxInflated;
  }

  readAll(): MessageExt[] {
    const out: MessageExt[] = [];
    const end = this.#bytes.byteLength;
    while (this.#pos < end) this.#readOne(out);
    return out;
  }

  #fail(at: number, why: string): ProtocolError {
    return new ProtocolError(`stored message at byte ${at}: ${why}`);
  }

  /** A signed 64-bit field as a number; outside ±2^53 it cannot be exact, so it is refused. */
  #long(p: number, start: number, field: string): number {
    const hi = this.#view.getInt32(p);
    if (hi >= 0x200000 || hi < -0x200000) throw this.#fail(start, `${field} does not fit in a safe integer`);
    return hi * TWO_POW_32 + this.#view.getUint32(p + 4);
  }

  #readOne(out: MessageExt[]): void {
    const bytes = this.#bytes, view = this.#view, start = this.#pos;
    const left = bytes.byteLength - start;
    if (left < MIN_MESSAGE_BYTES) throw this.#fail(start, `truncated: ${left} bytes left`);
    const size = view.getInt32(start);
    if (size < MIN_MESSAGE_BYTES || size > left) throw this.#fail(start, `total size ${size} outside ${MIN_MESSAGE_BYTES}..${left}`);
    const end = start + size;
    const magic = view.getInt32(start + 4);
    if (magic !== MessageMagic.V1 && magic !== MessageMagic.V2) {
      throw this.#fail(start, `unknown magic code 0x${(magic >>> 0).toString(16)}`);
    }
    const topicLengthBytes = magic === MessageMagic.V1 ? 1 : 2;
    let sysFlag = view.getInt32(start + 36);
    const bornV6 = (sysFlag & MessageSysFlag.BORNHOST_V6) !== 0;
    const storeV6 = (sysFlag & MessageSysFlag.STOREHOST_V6) !== 0;
    const bornAt = start + HEAD_BYTES;
    const storeTimeAt = bornAt + (bornV6 ? 20 : 8);
    const storeAt = storeTimeAt + 8;
    const reconsumeAt = storeAt + (storeV6 ? 20 : 8);
    const bodyLengthAt = reconsumeAt + 12;
    // fixed part, body length, topic length and properties length must fit
    if (bodyLengthAt + 4 + topicLengthBytes + 2 > end) throw this.#fail(start, `total size ${size} too small for its host fields`);
    const bodyLength = view.getInt32(bodyLengthAt);
    const bodyAt = bodyLengthAt + 4;
    if (bodyLength < 0 || bodyLength > end - bodyAt - topicLengthBytes - 2) {
      throw this.#fail(start, `body length ${bodyLength} does not fit in total size ${size}`);
    }
    const topicLengthAt = bodyAt + bodyLength;
    const topicLength = topicLengthBytes === 1 ? bytes[topicLengthAt]! : view.getUint16(topicLengthAt);
    const topicAt = topicLengthAt + topicLengthBytes;
    const propsLengthAt = topicAt + topicLength;
    if (propsLengthAt + 2 > end) throw this.#fail(start, `topic length ${topicLength} does not fit in total size ${size}`);
    const propsLength = view.getUint16(propsLengthAt);
    const propsAt = propsLengthAt + 2;
    if (propsAt + propsLength !== end) {
      throw this.#fail(start, `properties length ${propsLength} disagrees with total size ${size}`);
    }

    const queueId = view.getInt32(start + 12);
    const flag = view.getInt32(start + 16);
    const bodyCRC = view.getInt32(start + 8);
    const queueOffset = this.#long(start + 20, start, "queue offset");
    const commitLogOffset = this.#long(start + 28, start, "commit log offset");
    const bornTimestamp = this.#long(start + 40, start, "born timestamp");
    const storeTimestamp = this.#long(storeTimeAt, start, "store timestamp");
    const reconsumeTimes = view.getInt32(reconsumeAt);
    const preparedTransactionOffset = this.#long(reconsumeAt + 4, start, "prepared transaction offset");
    const bornHost = bornV6 ? this.#v6Host(bornAt, start) : this.#bornHost(bornAt, start);
    let storeHost: string, storeHex: string;
    if (storeV6) {
      storeHost = this.#v6Host(storeAt, start);
      // Java shortens an IPv4-mapped address to 4 bytes before forming the id
      storeHex = isIPv4Mapped(bytes, storeAt) ? hexOf(bytes, storeAt + 12, storeAt + 20) : hexOf(bytes, storeAt, storeAt + 20);
    } else {
      storeHost = this.#storeHost(storeAt, start);
      storeHex = this.#storeHex;
    }
    const offsetMsgId = storeHex + hexOf(bytes, start + 28, start + 36);
    const topic = this.#topicText(topicAt, topicLength);

    const stored = bytes.subarray(bodyAt, topicLengthAt);
    this.#pos = end;
    if ((sysFlag & (MessageSysFlag.COMPRESSED | UNWRAP_BITS)) === 0) {
      out.push(makeMessage(topic, queueId, queueOffset, commitLogOffset, sysFlag, flag, bodyCRC,
        bornTimestamp, storeTimestamp, bornHost, storeHost, reconsumeTimes, preparedTransactionOffset,
        stored, this.#properties(propsAt, end), offsetMsgId, undefined));
      return;
    }
    const unpacked = this.#unpack(stored, sysFlag);
    if (unpacked instanceof ProtocolError) {
      // kept as stored (body and sysFlag) for the caller's failure policy; the next message is still read
      out.push(makeMessage(topic, queueId, queueOffset, commitLogOffset, sysFlag, flag, bodyCRC,
        bornTimestamp, storeTimestamp, bornHost, storeHost, reconsumeTimes, preparedTransactionOffset,
        stored, this.#properties(propsAt, end), offsetMsgId, unpacked));
      return;
    }
    sysFlag = unpacked.sysFlag;
    const records = unpacked.records;
    if (records === undefined) {
      out.push(makeMessage(topic, queueId, queueOffset, commitLogOffset, sysFlag, flag, bodyCRC,
        bornTimestamp, storeTimestamp, bornHost, storeHost, reconsumeTimes, preparedTransactionOffset,
        unpacked.body, this.#properties(propsAt, end), offsetMsgId, undefined));
      return;
    }
    // one stored entry holding a whole batch: offsets run base, base+1, ...
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      out.push(makeMessage(topic, queueId, queueOffset + i, commitLogOffset, sysFlag, r.flag, r.bodyCRC,
        bornTimestamp, storeTimestamp, bornHost, storeHost, reconsumeTimes, preparedTransactionOffset,
        r.body, r.properties, offsetMsgId, undefined));
    }
  }

  /**
   * Decompresses and unwraps one stored body, or returns why it cannot be:
   * a body that fails here fails alone, it does not stop the pull body.
   */
  #unpack(stored: Uint8Array, sysFlag: number): Unpacked | ProtocolError {
    try {
      let body = stored;
      if ((sysFlag & MessageSysFlag.COMPRESSED) !== 0 && stored.byteLength > 0) {
        body = inflateBody(stored, sysFlag, this.#maxInflated);
        sysFlag &= ~MessageSysFlag.COMPRESSED;
      }
      const records = (sysFlag & UNWRAP_BITS) === UNWRAP_BITS ? readBatchRecords(body) : undefined;
      return { body, sysFlag, records };
    } catch (error) {
      return error instanceof ProtocolError
        ? error
        : new ProtocolError(`message body cannot be decoded: ${(error as Error)?.message ?? error}`, { cause: error });
    }
  }

  #properties(at: number, end: number): Record<string, string> {
    const properties: Record<string, string> = {};
    if (end > at) parsePropertiesInto(text.decode(this.#bytes.subarray(at, end)), properties);
    return properties;
  }

  #topicText(at: number, length: number): string {
    const bytes = this.#bytes;
    if (length === this.#topicLength) {
      const prev = this.#topicAt;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (bytes[prev + i] !== bytes[at + i]) { same = false; break; }
      }
      if (same) { this.#topicAt = at; return this.#topic; }
    }
    this.#topicAt = at;
    this.#topicLength = length;
    this.#topic = text.decode(bytes.subarray(at, at + length));
    return this.#topic;
  }

  #port(at: number, start: number): number {
    const port = this.#view.getInt32(at);
    if (port < 0 || port > 65535) throw this.#fail(start, `port ${port} out of range`);
    return port;
  }

  #bornHost(at: number, start: number): string {
    const ip = this.#view.getInt32(at), port = this.#port(at + 4, start);
    if (ip !== this.#bornIp || port !== this.#bornPort) {
      this.#bornIp = ip;
      this.#bornPort = port;
      this.#bornText = `${formatIPv4(this.#bytes, at)}:${port}`;
    }
    return this.#bornText;
  }

  #storeHost(at: number, start: number): string {
    const ip = this.#view.getInt32(at), port = this.#port(at + 4, start);
    if (ip !== this.#storeIp || port !== this.#storePort) {
      this.#storeIp = ip;
      this.#storePort = port;
      this.#storeText = `${formatIPv4(this.#bytes, at)}:${port}`;
      this.#storeHex = hexOf(this.#bytes, at, at + 8);
    }
    return this.#storeText;
  }

  #v6Host(at: number, start: number): string {
    const port = this.#port(at + 16, start);
    if (isIPv4Mapped(this.#bytes, at)) return `${formatIPv4(this.#bytes, at + 12)}:${port}`;
    return `[${formatIPv6(this.#bytes, at)}]:${port}`;
  }
}

/** Builds every message with the same property order, so they share one object shape. */
function makeMessage(
  topic: string, queueId: number, queueOffset: number, commitLogOffset: number, sysFlag: number, flag: number,
  bodyCRC: number, bornTimestamp: number, storeTimestamp: number, bornHost: string, storeHost: string,
  reconsumeTimes: number, preparedTransactionOffset: number, body: Uint8Array, properties: Record<string, string>,
  offsetMsgId: string, decodeError: ProtocolError | undefined,
): MessageExt {
  const keysText = properties[MessageConst.KEYS];
  const uniqueKey = properties[MessageConst.UNIQ_KEY];
  const tranFlag = properties[MessageConst.TRAN_MSG];
  return {
    topic, queueId, queueOffset, commitLogOffset, sysFlag, flag, bodyCRC, bornTimestamp, storeTimestamp,
    bornHost, storeHost, reconsumeTimes, preparedTransactionOffset, body, properties,
    tags: properties[MessageConst.TAGS],
    keys: keysText === undefined ? [] : splitKeys(keysText),
    msgId: uniqueKey ?? offsetMsgId,
    offsetMsgId,
    // Java treats TRAN_MSG with Boolean.parseBoolean: "true" in any case
    transactionId: tranFlag !== undefined && tranFlag.toLowerCase() === "true" ? uniqueKey : undefined,
    decodeError,
  };
}

function splitKeys(keys: string): string[] {
  if (keys.indexOf(" ") < 0) return [keys];
  const out: string[] = [];
  for (const k of keys.split(" ")) if (k.length > 0) out.push(k);
  return out;
}
