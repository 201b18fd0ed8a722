/**
 * Constants of RocketMQ's message formats: property names, system flag bits,
 * magic codes and compression types, as the Java broker and client define
 * them (apache/rocketmq `MessageConst`, `MessageSysFlag`, `MessageDecoder`,
 * `CompressionType`). They are wire facts: never rename a value.
 */

/**
 * Names of the system properties a message can carry in its properties
 * string. User properties share the same map, so avoid these names for your own.
 *
 * @example
 * msg.properties[MessageConst.TAGS]; // "TagA"
 */
export const MessageConst = {
  /** Space-separated business keys (indexed by the broker for queries). */
  KEYS: "KEYS",
  TAGS: "TAGS",
  /** "true"/"false": wait for the store to flush before answering a send. */
  WAIT: "WAIT",
  /** Delay level (1..18) of a scheduled message. */
  DELAY: "DELAY",
  RETRY_TOPIC: "RETRY_TOPIC",
  REAL_TOPIC: "REAL_TOPIC",
  REAL_QID: "REAL_QID",
  /** "true" on a transactional half message. */
  TRAN_MSG: "TRAN_MSG",
  /** Producer group of a transactional message (the broker checks it). */
  PGROUP: "PGROUP",
  /** Added by pull clients: the queue's min/max offset at pull time. */
  MIN_OFFSET: "MIN_OFFSET",
  MAX_OFFSET: "MAX_OFFSET",
  BUYER_ID: "BUYER_ID",
  ORIGIN_MESSAGE_ID: "ORIGIN_MESSAGE_ID",
  TRANSFER_FLAG: "TRANSFER_FLAG",
  CORRECTION_FLAG: "CORRECTION_FLAG",
  MQ2_FLAG: "MQ2_FLAG",
  RECONSUME_TIME: "RECONSUME_TIME",
  MSG_REGION: "MSG_REGION",
  TRACE_ON: "TRACE_ON",
  /** The client-side unique message id (what Java shows as the message id). */
  UNIQ_KEY: "UNIQ_KEY",
  EXTEND_UNIQ_INFO: "EXTEND_UNIQ_INFO",
  MAX_RECONSUME_TIMES: "MAX_RECONSUME_TIMES",
  CONSUME_START_TIME: "CONSUME_START_TIME",
  INNER_NUM: "INNER_NUM",
  INNER_BASE: "INNER_BASE",
  DUP_INFO: "DUP_INFO",
  CHECK_IMMUNITY_TIME_IN_SECONDS: "CHECK_IMMUNITY_TIME_IN_SECONDS",
  TRAN_PREPARED_QUEUE_OFFSET: "TRAN_PREPARED_QUEUE_OFFSET",
  TRANSACTION_ID: "__transactionId__",
  TRANSACTION_CHECK_TIMES: "TRANSACTION_CHECK_TIMES",
  INSTANCE_ID: "INSTANCE_ID",
  CORRELATION_ID: "CORRELATION_ID",
  REPLY_TO_CLIENT: "REPLY_TO_CLIENT",
  TTL: "TTL",
  ARRIVE_TIME: "ARRIVE_TIME",
  PUSH_REPLY_TIME: "PUSH_REPLY_TIME",
  CLUSTER: "CLUSTER",
  MSG_TYPE: "MSG_TYPE",
  POP_CK: "POP_CK",
  POP_CK_OFFSET: "POP_CK_OFFSET",
  FIRST_POP_TIME: "1ST_POP_TIME",
  /** Sharding key of FIFO (ordered) messages. */
  SHARDING_KEY: "__SHARDINGKEY",
  FORWARD_QUEUE_ID: "PROPERTY_FORWARD_QUEUE_ID",
  REDIRECT: "REDIRECT",
  INNER_MULTI_DISPATCH: "INNER_MULTI_DISPATCH",
  INNER_MULTI_QUEUE_OFFSET: "INNER_MULTI_QUEUE_OFFSET",
  TRACE_CONTEXT: "TRACE_CONTEXT",
  TIMER_DELAY_SEC: "TIMER_DELAY_SEC",
  /** Absolute delivery time (epoch ms) of a timer message. */
  TIMER_DELIVER_MS: "TIMER_DELIVER_MS",
  TIMER_ENQUEUE_MS: "TIMER_ENQUEUE_MS",
  TIMER_DEQUEUE_MS: "TIMER_DEQUEUE_MS",
  TIMER_ROLL_TIMES: "TIMER_ROLL_TIMES",
  TIMER_OUT_MS: "TIMER_OUT_MS",
  TIMER_DEL_UNIQKEY: "TIMER_DEL_UNIQKEY",
  TIMER_DELAY_LEVEL: "TIMER_DELAY_LEVEL",
  TIMER_DELAY_MS: "TIMER_DELAY_MS",
  BORN_HOST: "__BORNHOST",
  BORN_TIMESTAMP: "BORN_TIMESTAMP",
  CRC32: "__CRC32#",
  DLQ_ORIGIN_TOPIC: "DLQ_ORIGIN_TOPIC",
  DLQ_ORIGIN_MESSAGE_ID: "DLQ_ORIGIN_MESSAGE_ID",
} as const;

export type MessageConstKey = (typeof MessageConst)[keyof typeof MessageConst];

/** Bits of a message's `sysFlag` (send requests and stored messages). */
export const MessageSysFlag = {
  COMPRESSED: 0x1,
  MULTI_TAGS: 0x2,
  /** The two transaction bits: 0 none, 0x4 prepared, 0x8 commit, 0xc rollback. */
  TRANSACTION_MASK: 0xc,
  TRANSACTION_PREPARED: 0x4,
  TRANSACTION_COMMIT: 0x8,
  TRANSACTION_ROLLBACK: 0xc,
  BORNHOST_V6: 0x10,
  STOREHOST_V6: 0x20,
  /** Together with INNER_BATCH: the stored body holds a whole batch to unwrap. */
  NEED_UNWRAP: 0x40,
  INNER_BATCH: 0x80,
  /** Bits 8-10 name the compression codec when COMPRESSED is set. */
  COMPRESSION_TYPE_MASK: 0x700,
  COMPRESSION_TYPE_SHIFT: 8,
} as const;

/** Codec numbers found in sysFlag bits 8-10 (0 is what clients before 5.x wrote: zlib). */
export const CompressionType = {
  ZLIB_LEGACY: 0,
  LZ4: 1,
  ZSTD: 2,
  ZLIB: 3,
} as const;

/** First field after the size of every stored message: which layout follows. */
export const MessageMagic = {
  /** Topic length in one byte. */
  V1: 0xdaa320a7 | 0,
  /** Topic length in two bytes (brokers use it for topics longer than 127 bytes). */
  V2: 0xdaa320ab | 0,
  /** Padding at the end of a commit log file; never a message. */
  BLANK: 0xcbd43194 | 0,
} as const;

/** Separators inside the properties string: name \x01 value \x02. */
export const NAME_VALUE_SEPARATOR = "\u0001";
export const PROPERTY_SEPARATOR = "\u0002";
