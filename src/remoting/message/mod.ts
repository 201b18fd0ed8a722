/**
 * Message codec of the remoting transport: decoding pull bodies, encoding
 * batch bodies and properties, and message ids.
 *
 * @example
 * import { decodeMessages } from "./mod.ts";
 * const messages = decodeMessages(pullBody);
 */
export { CompressionType, MessageConst, MessageMagic, MessageSysFlag } from "./message-const.ts";
export { decodeProperties, encodeProperties } from "./properties.ts";
export { decodeMessages } from "./decode-messages.ts";
export {
  compressBody,
  compressForSend,
  compressionNameOf,
  compressionTypeOf,
  DEFAULT_MAX_INFLATED_BYTES,
  inflateBody,
  JAVA_PRODUCER_COMPRESSION,
} from "./compression.ts";
export { encodeBatchBody, readBatchRecords } from "./batch-body.ts";
export { crc32, encodeStoredMessage, encodeStoredMessages } from "./encode-stored-message.ts";
export { createUniqueId, formatOffsetMsgId, parseOffsetMsgId, uniqueIdGenerator } from "./message-id.ts";
export { parseHost } from "./hosts.ts";

export type { MessageConstKey } from "./message-const.ts";
export type { MessageExt } from "./message-ext.ts";
export type { DecodeMessagesOptions } from "./decode-messages.ts";
export type { BodyCompression } from "./compression.ts";
export type { BatchMessage, BatchRecord } from "./batch-body.ts";
export type { StoredMessageFields } from "./encode-stored-message.ts";
export type { OffsetMsgId, UniqueIdSource } from "./message-id.ts";
export type { HostBytes } from "./hosts.ts";
