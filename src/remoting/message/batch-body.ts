/**
 * The batch body of SEND_BATCH_MESSAGE, which is also how brokers keep an
 * inner batch inside one stored message. Per message: int32 total size,
 * int32 magic (0), int32 body CRC (0), int32 flag, int32 body length + body,
 * int16 properties length + UTF-8 properties. All big-endian.
 */
import { InputError, ProtocolError } from "../../errors.ts";
import { encodeProperties, parsePropertiesInto } from "./properties.ts";

/** One message of a batch as a producer hands it over. */
export interface BatchMessage {
  readonly body: Uint8Array;
  /** Application flag; 0 when absent. */
  readonly flag?: number;
  /** System and user properties (set `UNIQ_KEY`, `TAGS`, `KEYS` here). */
  readonly properties?: Readonly<Record<string, string>>;
}

/** One message read back from a batch body. */
export interface BatchRecord {
  readonly flag: number;
  readonly bodyCRC: number;
  readonly body: Uint8Array;
  readonly properties: Record<string, string>;
}

const RECORD_OVERHEAD = 4 + 4 + 4 + 4 + 4 + 2;
const MAX_PROPERTIES_BYTES = 0x7fff;
const utf8 = new TextEncoder();
const text = new TextDecoder();

/**
 * Encodes messages as one SEND_BATCH_MESSAGE body. All messages of a batch
 * must share a topic and have no delay level; the caller checks that, as it
 * also sets the request header.
 *
 * @example
 * const body = encodeBatchBody([{ body: new TextEncoder().encode("hi"), properties: { TAGS: "a" } }]);
 */
export function encodeBatchBody(messages: readonly BatchMessage[]): Uint8Array {
  const encodedProps: Uint8Array[] = [];
  let total = 0;
  for (const [i, m] of messages.entries()) {
    if (!(m.body instanceof Uint8Array)) throw new InputError(`batch message ${i} has no Uint8Array body`, "body", m.body);
    const flag = m.flag ?? 0;
    if (!Number.isInteger(flag) || flag < -0x80000000 || flag > 0x7fffffff) {
      throw new InputError(`batch message ${i} flag must be an int32, got ${flag}`, "flag", flag);
    }
    const props = utf8.encode(m.properties ? encodeProperties(m.properties) : "");
    if (props.byteLength > MAX_PROPERTIES_BYTES) {
      throw new InputError(`batch message ${i} properties take ${props.byteLength} bytes; at most ${MAX_PROPERTIES_BYTES}`, "properties");
    }
    encodedProps.push(props);
    total += RECORD_OVERHEAD + m.body.byteLength + props.byteLength;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  messages.forEach((m, i) => {
    const props = encodedProps[i]!;
    const size = RECORD_OVERHEAD + m.body.byteLength + props.byteLength;
    view.setInt32(pos, size);
    view.setInt32(pos + 4, 0); // magic: unused in batches
    view.setInt32(pos + 8, 0); // body CRC: the broker computes it
    view.setInt32(pos + 12, m.flag ?? 0);
    view.setInt32(pos + 16, m.body.byteLength);
    out.set(m.body, pos + 20);
    pos += 20 + m.body.byteLength;
    view.setInt16(pos, props.byteLength);
    out.set(props, pos + 2);
    pos += 2 + props.byteLength;
  });
  return out;
}

/**
 * Reads every record of a batch body. Bodies are views into `bytes`.
 * Throws ProtocolError when a record's sizes do not add up.
 */
export function readBatchRecords(bytes: Uint8Array): BatchRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  const records: BatchRecord[] = [];
  let pos = 0;
  while (pos < end) {
    const fail = (why: string) => new ProtocolError(`inner batch record ${records.length} at byte ${pos}: ${why}`);
    if (end - pos < RECORD_OVERHEAD) throw fail(`truncated: ${end - pos} bytes left`);
    const size = view.getInt32(pos);
    if (size < RECORD_OVERHEAD || size > end - pos) throw fail(`total size ${size} outside ${RECORD_OVERHEAD}..${end - pos}`);
    const recordEnd = pos + size;
    const bodyLength = view.getInt32(pos + 16);
    if (bodyLength < 0 || bodyLength > size - RECORD_OVERHEAD) throw fail(`body length ${bodyLength} does not fit`);
    const bodyStart = pos + 20;
    const propsAt = bodyStart + bodyLength;
    const propsLength = view.getUint16(propsAt);
    if (propsAt + 2 + propsLength !== recordEnd) throw fail(`properties length ${propsLength} disagrees with total size ${size}`);
    const properties: Record<string, string> = {};
    if (propsLength > 0) parsePropertiesInto(text.decode(bytes.subarray(propsAt + 2, recordEnd)), properties);
    records.push({
      flag: view.getInt32(pos + 12),
      bodyCRC: view.getInt32(pos + 8),
      body: bytes.subarray(bodyStart, propsAt),
      properties,
    });
    pos = recordEnd;
  }
  return records;
}
