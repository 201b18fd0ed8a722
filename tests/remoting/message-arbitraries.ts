/**
 * fast-check arbitraries for the message codec tests: random stored
 * messages (with what decoding them must give back) and random buffers.
 */
import fc from "fast-check";
import { compressBody } from "../../src/remoting/message/compression.ts";
import { type BatchMessage, encodeBatchBody } from "../../src/remoting/message/batch-body.ts";
import { crc32, type StoredMessageFields } from "../../src/remoting/message/encode-stored-message.ts";
import type { MessageExt } from "../../src/remoting/message/message-ext.ts";
import { formatOffsetMsgId } from "../../src/remoting/message/message-id.ts";

const SEPARATORS = /[\u0001\u0002]/;
/** Non-empty text without the two property separators, including non-ASCII graphemes. */
export const propertyText = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).filter((s) => !SEPARATORS.test(s));
export const properties = fc.dictionary(
  fc.oneof(propertyText, fc.constantFrom("TAGS", "KEYS", "UNIQ_KEY", "TRAN_MSG", "__proto__", "WAIT")),
  propertyText,
  { maxKeys: 6 },
);

const topicChars = fc.constantFrom(..."abcXYZ019%|_-".split(""));
const topic = fc.oneof(
  fc.string({ unit: topicChars, minLength: 1, maxLength: 127 }),
  fc.string({ unit: topicChars, minLength: 128, maxLength: 300 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
);

/**
 * IPv6 in full eight-group form, zero-heavy so that `::` compression gets
 * exercised. (fc.ipV6's embedded-IPv4 forms are valid but Bun's URL parser
 * rejects some of them, and the URL parser is the oracle here.)
 */
export function ipV6Full(): fc.Arbitrary<string> {
  const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
  return fc.array(group, { minLength: 8, maxLength: 8 }).map((gs) => gs.map((g) => g.toString(16)).join(":"));
}

/** IPv4 or RFC 5952 IPv6 (never IPv4-mapped, which decodes as IPv4 on purpose) with a port. */
export const host = fc.oneof(
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 65535 })).map(([ip, port]) => `${ip}:${port}`),
  fc.tuple(ipV6Full(), fc.integer({ min: 0, max: 65535 }))
    .map(([ip, port]) => `${new URL(`http://[${ip}]/`).hostname}:${port}`)
    .filter((h) => !h.startsWith("[::ffff:")),
);

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const batchMessage: fc.Arbitrary<BatchMessage> = fc.record({
  body: fc.uint8Array({ maxLength: 64 }),
  flag: int32,
  properties,
});

/** sysFlag bits the encoder leaves alone: transaction, multi tags and high bits (compression type bits too). */
const freeSysFlag = int32.map((f) => f & ~(0x1 | 0x10 | 0x20 | 0x40 | 0x80));

export const storedMessage: fc.Arbitrary<StoredMessageFields> = fc.record({
  topic,
  queueId: int32,
  queueOffset: fc.maxSafeNat(),
  commitLogOffset: fc.maxSafeNat(),
  sysFlag: freeSysFlag,
  flag: int32,
  bodyCRC: fc.option(int32, { nil: undefined }),
  bornTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
  storeTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
  bornHost: host,
  storeHost: host,
  reconsumeTimes: int32,
  preparedTransactionOffset: fc.maxSafeInteger(),
  body: fc.uint8Array({ maxLength: 3000 }),
  properties,
  magic: fc.constantFrom(undefined, "V2" as const),
  compress: fc.boolean(),
  compressionType: fc.constantFrom(0, 1, 2, 3),
  innerBatch: fc.option(fc.array(batchMessage, { minLength: 1, maxLength: 4 }), { nil: undefined, freq: 5 }),
}, { requiredKeys: ["topic"] });

/** What decoding `fields` must give, computed from the fields alone. */
export function expectedMessages(fields: StoredMessageFields): MessageExt[] {
  let storedBody = fields.innerBatch ? encodeBatchBody(fields.innerBatch) : fields.body ?? new Uint8Array(0);
  const codec = fields.compressionType ?? 3;
  if (fields.compress) storedBody = compressBody(storedBody, codec, 6).body;
  const v6 = (h: string | undefined) => h?.startsWith("[") ?? false;
  let sysFlag = (fields.sysFlag ?? 0) & ~(0x10 | 0x20);
  if (v6(fields.bornHost)) sysFlag |= 0x10;
  if (v6(fields.storeHost)) sysFlag |= 0x20;
  if (fields.innerBatch) sysFlag |= 0xc0;
  if (fields.compress) sysFlag = (sysFlag & ~0x700) | (codec << 8); // compressed bit cleared after inflating
  const storeHost = fields.storeHost ?? "127.0.0.1:10911";
  const offsetMsgId = formatOffsetMsgId(storeHost, fields.commitLogOffset ?? 0);
  const common = {
    topic: fields.topic, queueId: fields.queueId ?? 0, commitLogOffset: fields.commitLogOffset ?? 0, sysFlag,
    bornTimestamp: fields.bornTimestamp ?? 0, storeTimestamp: fields.storeTimestamp ?? 0,
    bornHost: fields.bornHost ?? "127.0.0.1:50000", storeHost,
    reconsumeTimes: fields.reconsumeTimes ?? 0, preparedTransactionOffset: fields.preparedTransactionOffset ?? 0,
    offsetMsgId, decodeError: undefined,
  };
  const derive = (props: Record<string, string>) => ({
    properties: props,
    tags: props.TAGS,
    keys: props.KEYS === undefined ? [] : props.KEYS.split(" ").filter((k) => k !== ""),
    msgId: Object.hasOwn(props, "UNIQ_KEY") ? props.UNIQ_KEY! : offsetMsgId,
    transactionId: props.TRAN_MSG?.toLowerCase() === "true" ? props.UNIQ_KEY : undefined,
  });
  if (fields.innerBatch) {
    return fields.innerBatch.map((m, i) => ({
      ...common, queueOffset: (fields.queueOffset ?? 0) + i, flag: m.flag ?? 0, bodyCRC: 0, body: m.body,
      ...derive({ ...m.properties }),
    }));
  }
  return [{
    ...common, queueOffset: fields.queueOffset ?? 0, flag: fields.flag ?? 0,
    bodyCRC: fields.bodyCRC ?? crc32(storedBody), body: fields.body ?? new Uint8Array(0),
    ...derive({ ...fields.properties }),
  }];
}
