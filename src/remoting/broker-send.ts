/**
 * Producing over remoting: SEND_MESSAGE_V2 (one message), SEND_BATCH_MESSAGE
 * (several, one topic and queue) and END_TRANSACTION.
 */
import { InputError } from "../errors.ts";
import { brokerErrorOf, createRequest, type RemotingCommand } from "./command.ts";
import type { RemotingInvoker } from "./connection-pool.ts";
import { createUniqueId, encodeBatchBody, encodeProperties, MessageConst, MessageSysFlag } from "./message/mod.ts";
import { longField } from "./broker-pull.ts";
import { RequestCode, ResponseCode } from "./request-codes.ts";
import type { MessageQueue } from "./route.ts";

/** A message to send. `properties` are user properties; tags, keys and the id go in their own fields. */
export interface OutgoingMessage {
  readonly body: Uint8Array;
  readonly tags?: string;
  /** One key or several (stored space-separated, so a key cannot contain a space). */
  readonly keys?: string | readonly string[];
  readonly properties?: Readonly<Record<string, string>>;
  /** Application flag; default 0. */
  readonly flag?: number;
  /** The client id (`UNIQ_KEY`); generated when absent. */
  readonly uniqueId?: string;
  /**
   * The body is already compressed with this codec (a `CompressionType`:
   * 0/3 zlib, 1 LZ4, 2 ZSTD): sets the compressed bit and the codec bits of
   * the message's sysFlag, as Java producers do. Single sends only.
   */
  readonly compressionType?: number;
}

export interface SendOptions {
  readonly producerGroup: string;
  /** Send as a transactional half message (invisible until END_TRANSACTION commits it). */
  readonly transactional?: boolean;
  readonly timeoutMs?: number;
}

/** SEND_OK, or stored with a replication/flush caveat (the message is stored either way). */
export type SendStatus = "SEND_OK" | "FLUSH_DISK_TIMEOUT" | "FLUSH_SLAVE_TIMEOUT" | "SLAVE_NOT_AVAILABLE";

export interface SendResult {
  readonly status: SendStatus;
  /** The client id (`UNIQ_KEY`), what Java shows as the message id. */
  readonly msgId: string;
  /** The broker-formed id (store host + commit-log offset). */
  readonly offsetMsgId: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly regionId?: string;
  readonly transactionId?: string;
}

export interface SendBatchResult extends Omit<SendResult, "msgId" | "offsetMsgId"> {
  /** One per message, in order. */
  readonly msgIds: string[];
  readonly offsetMsgIds: string[];
}

const STATUS_OF_CODE: Readonly<Record<number, SendStatus>> = {
  [ResponseCode.SUCCESS]: "SEND_OK",
  [ResponseCode.FLUSH_DISK_TIMEOUT]: "FLUSH_DISK_TIMEOUT",
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: "FLUSH_SLAVE_TIMEOUT",
  [ResponseCode.SLAVE_NOT_AVAILABLE]: "SLAVE_NOT_AVAILABLE",
};

/** Java `MessageSysFlag.TRANSACTION_PREPARED_TYPE`. */
const TRANSACTION_PREPARED = 0x4;

/** The properties a message is stored with: user properties plus TAGS, KEYS, UNIQ_KEY (and TRAN_MSG/PGROUP). */
export function messageProperties(message: OutgoingMessage, options: SendOptions): Record<string, string> {
  const props: Record<string, string> = { ...message.properties };
  if (message.tags !== undefined) props[MessageConst.TAGS] = message.tags;
  if (message.keys !== undefined) {
    const keys = typeof message.keys === "string" ? [message.keys] : message.keys;
    if (keys.some((k) => k === "" || k.includes(" "))) throw new InputError("message keys must be non-empty and contain no spaces", "keys", message.keys);
    if (keys.length > 0) props[MessageConst.KEYS] = keys.join(" ");
  }
  props[MessageConst.UNIQ_KEY] = message.uniqueId ?? createUniqueId();
  if (options.transactional) {
    props[MessageConst.TRAN_MSG] = "true";
    props[MessageConst.PGROUP] = options.producerGroup;
  }
  return props;
}

/** The sysFlag a single message is sent with: transaction type and compression bits. */
function sysFlagOf(message: OutgoingMessage | undefined, options: SendOptions): number {
  let sysFlag = options.transactional ? TRANSACTION_PREPARED : 0;
  const type = message?.compressionType;
  if (type !== undefined) {
    if (!Number.isInteger(type) || type < 0 || type > 7) {
      throw new InputError(`compressionType must be an integer 0..7, got ${type}`, "compressionType", type);
    }
    sysFlag |= MessageSysFlag.COMPRESSED | (type << MessageSysFlag.COMPRESSION_TYPE_SHIFT);
  }
  return sysFlag;
}

function sendHeader(mq: MessageQueue, options: SendOptions, properties: string, flag: number, batch: boolean, sysFlag: number) {
  // single-letter names: SendMessageRequestHeaderV2, to keep the header small on the hot path
  return {
    a: options.producerGroup,
    b: mq.topic,
    c: "TBW102",
    d: 4,
    e: mq.queueId,
    f: sysFlag,
    g: Date.now(),
    h: flag,
    i: properties,
    j: 0,
    k: false,
    m: batch,
    n: mq.brokerName,
  };
}

/**
 * Sends one message to one queue and waits for the broker to store it.
 *
 * @example
 * const r = await sendMessage(pool, "127.0.0.1:10911", mq, { body: new TextEncoder().encode("hi"), tags: "a" }, { producerGroup: "P" });
 */
export async function sendMessage(
  invoker: RemotingInvoker,
  address: string,
  mq: MessageQueue,
  message: OutgoingMessage,
  options: SendOptions,
): Promise<SendResult> {
  const props = messageProperties(message, options);
  const cmd = createRequest(
    RequestCode.SEND_MESSAGE_V2,
    sendHeader(mq, options, encodeProperties(props), message.flag ?? 0, false, sysFlagOf(message, options)),
    message.body,
  );
  const response = await invoker.request(address, cmd, options.timeoutMs);
  const result = sendResultOf(response, address, mq);
  return { ...result, msgId: props[MessageConst.UNIQ_KEY]!, offsetMsgId: response.extFields.msgId ?? "" };
}

/** Sends one message without waiting for (or getting) an answer. Returns its client id. */
export async function sendMessageOneway(
  invoker: RemotingInvoker,
  address: string,
  mq: MessageQueue,
  message: OutgoingMessage,
  options: SendOptions,
): Promise<string> {
  const props = messageProperties(message, options);
  const header = sendHeader(mq, options, encodeProperties(props), message.flag ?? 0, false, sysFlagOf(message, options));
  await invoker.oneway(address, createRequest(RequestCode.SEND_MESSAGE_V2, header, message.body), options.timeoutMs);
  return props[MessageConst.UNIQ_KEY]!;
}

/**
 * Sends several messages to one queue in one request; they get consecutive offsets.
 *
 * @example
 * const r = await sendBatch(pool, addr, mq, [{ body: a }, { body: b }], { producerGroup: "P" });
 */
export async function sendBatch(
  invoker: RemotingInvoker,
  address: string,
  mq: MessageQueue,
  messages: readonly OutgoingMessage[],
  options: SendOptions,
): Promise<SendBatchResult> {
  if (messages.length === 0) throw new InputError("a batch needs at least one message", "messages", messages);
  if (options.transactional) throw new InputError("batches cannot be transactional", "transactional", true);
  const propsList = messages.map((m) => messageProperties(m, options));
  const body = encodeBatchBody(messages.map((m, i) => ({ body: m.body, flag: m.flag ?? 0, properties: propsList[i]! })));
  if (messages.some((m) => m.compressionType !== undefined)) {
    throw new InputError("compressed bodies go in single sends, not batches", "compressionType", messages.find((m) => m.compressionType !== undefined)!.compressionType);
  }
  const cmd = createRequest(RequestCode.SEND_BATCH_MESSAGE, sendHeader(mq, options, "", 0, true, sysFlagOf(undefined, options)), body);
  const response = await invoker.request(address, cmd, options.timeoutMs);
  const result = sendResultOf(response, address, mq);
  return {
    ...result,
    msgIds: propsList.map((p) => p[MessageConst.UNIQ_KEY]!),
    offsetMsgIds: (response.extFields.msgId ?? "").split(",").filter((id) => id !== ""),
  };
}

function sendResultOf(response: RemotingCommand, address: string, mq: MessageQueue) {
  const status = STATUS_OF_CODE[response.code];
  if (status === undefined) throw brokerErrorOf(response, `send to ${mq.topic}:${mq.queueId}`, address);
  const h = response.extFields;
  return {
    status,
    queueId: h.queueId === undefined ? mq.queueId : longField(h, "queueId"),
    queueOffset: longField(h, "queueOffset"),
    ...(h.MSG_REGION ? { regionId: h.MSG_REGION } : {}),
    ...(h.transactionId ? { transactionId: h.transactionId } : {}),
  };
}

/** Java `MessageSysFlag` transaction types, as END_TRANSACTION's commitOrRollback. */
export const TransactionResolution = { UNKNOWN: 0, COMMIT: 8, ROLLBACK: 12 } as const;
export type TransactionState = keyof typeof TransactionResolution;

export interface EndTransactionRequest {
  readonly producerGroup: string;
  readonly topic: string;
  /** The half message's queue offset (SendResult.queueOffset). */
  readonly tranStateTableOffset: number;
  /** The half message's commit-log offset (from its offsetMsgId). */
  readonly commitLogOffset: number;
  /** The half message's client id (UNIQ_KEY). */
  readonly msgId: string;
  readonly transactionId?: string;
  readonly state: TransactionState;
  /** True when answering the broker's CHECK_TRANSACTION_STATE. */
  readonly fromTransactionCheck?: boolean;
}

/**
 * Commits or rolls back a half message. Oneway, as in Java: the broker does
 * not confirm, and checks back (CHECK_TRANSACTION_STATE) if it never hears.
 *
 * @example
 * await endTransaction(pool, addr, { producerGroup: "P", topic: "T", tranStateTableOffset: r.queueOffset,
 *   commitLogOffset: parseOffsetMsgId(r.offsetMsgId).commitLogOffset, msgId: r.msgId, state: "COMMIT" });
 */
export function endTransaction(invoker: RemotingInvoker, address: string, request: EndTransactionRequest): Promise<void> {
  return invoker.oneway(address, createRequest(RequestCode.END_TRANSACTION, {
    producerGroup: request.producerGroup,
    topic: request.topic,
    tranStateTableOffset: request.tranStateTableOffset,
    commitLogOffset: request.commitLogOffset,
    commitOrRollback: TransactionResolution[request.state],
    msgId: request.msgId,
    transactionId: request.transactionId ?? request.msgId,
    fromTransactionCheck: request.fromTransactionCheck ?? false,
  }));
}
