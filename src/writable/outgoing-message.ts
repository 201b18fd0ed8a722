/**
 * The message a sink sends: what a user builds by hand (the seed's processor
 * builds `Message` objects), or what a serializer + topic selector produce.
 */
import { InputError } from "../errors.ts";

export interface OutgoingMessage {
  readonly topic: string;
  readonly body: Uint8Array;
  readonly tags?: string;
  readonly keys?: readonly string[];
  /** User properties; names reserved by RocketMQ (TAGS, KEYS, ...) are refused. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Delay level 1..18 of the broker's `messageDelayLevel` table (remoting transport). */
  readonly delayLevel?: number;
  /** Absolute delivery time in epoch ms (5.x timer messages). */
  readonly deliveryTimestamp?: number;
  /** FIFO: messages with the same key go to the same queue, in send order. */
  readonly shardingKey?: string;
}

/** What the broker said about a stored message. Queue fields are absent where a transport can't know them. */
export interface SendReceipt {
  readonly msgId: string;
  readonly topic: string;
  readonly brokerName?: string;
  readonly queueId?: number;
  readonly queueOffset?: number;
}

/** Property names the client sets itself; a user property of that name would corrupt the message. */
const RESERVED_PROPERTIES = new Set([
  "KEYS", "TAGS", "WAIT", "DELAY", "RETRY_TOPIC", "REAL_TOPIC", "REAL_QID", "TRAN_MSG", "PGROUP",
  "MIN_OFFSET", "MAX_OFFSET", "BUYER_ID", "ORIGIN_MESSAGE_ID", "TRANSFER_FLAG", "CORRECTION_FLAG",
  "MQ2_FLAG", "RECONSUME_TIME", "MSG_REGION", "TRACE_ON", "UNIQ_KEY", "MAX_RECONSUME_TIMES",
  "CONSUME_START_TIME", "__SHARDINGKEY", "TIMER_DELIVER_MS", "TIMER_DELAY_SEC", "TIMER_DELAY_MS",
  "CLUSTER", "INSTANCE_ID",
]);

/** The broker's default `maxMessageSize` (4 MiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Checks a message before anything is sent, so a bad record fails at the write
 * that carries it and never half-way through a batch.
 */
export function validateOutgoingMessage(msg: unknown, maxBodyBytes = DEFAULT_MAX_MESSAGE_BYTES): OutgoingMessage {
  if (typeof msg !== "object" || msg === null) {
    throw new InputError(`message must be an object, got ${describe(msg)}`, "message", msg);
  }
  const m = msg as Record<string, unknown>;
  if (typeof m.topic !== "string" || !/^[%|a-zA-Z0-9_-]{1,127}$/.test(m.topic)) {
    throw new InputError(
      `message.topic must be 1..127 characters of [%|a-zA-Z0-9_-], got ${describe(m.topic)}`, "topic", m.topic);
  }
  if (!(m.body instanceof Uint8Array)) {
    throw new InputError(`message.body must be a Uint8Array, got ${describe(m.body)}`, "body", m.body);
  }
  if (m.body.byteLength > maxBodyBytes) {
    throw new InputError(
      `message.body is ${m.body.byteLength} bytes, above the limit of ${maxBodyBytes} (broker maxMessageSize)`,
      "body", m.body.byteLength);
  }
  if (m.tags !== undefined && (typeof m.tags !== "string" || m.tags.length === 0 || m.tags.includes("||"))) {
    throw new InputError(`message.tags must be a non-empty string without "||", got ${describe(m.tags)}`, "tags", m.tags);
  }
  if (m.keys !== undefined) {
    if (!Array.isArray(m.keys) || m.keys.some((k) => typeof k !== "string" || k.length === 0 || /\s/.test(k))) {
      throw new InputError(`message.keys must be non-empty strings without spaces, got ${describe(m.keys)}`, "keys", m.keys);
    }
  }
  if (m.properties !== undefined) {
    if (typeof m.properties !== "object" || m.properties === null) {
      throw new InputError(`message.properties must be an object, got ${describe(m.properties)}`, "properties", m.properties);
    }
    for (const [name, value] of Object.entries(m.properties)) {
      if (RESERVED_PROPERTIES.has(name)) {
        throw new InputError(`message.properties.${name} is reserved by RocketMQ`, `properties.${name}`, value);
      }
      if (typeof value !== "string" || /[\u0001\u0002]/.test(name + value)) {
        throw new InputError(
          `message.properties.${name} must be a string without \\u0001 or \\u0002, got ${describe(value)}`,
          `properties.${name}`, value);
      }
    }
  }
  if (m.delayLevel !== undefined && !(Number.isInteger(m.delayLevel) && (m.delayLevel as number) >= 1 && (m.delayLevel as number) <= 18)) {
    throw new InputError(`message.delayLevel must be an integer 1..18, got ${describe(m.delayLevel)}`, "delayLevel", m.delayLevel);
  }
  if (m.deliveryTimestamp !== undefined && !(Number.isSafeInteger(m.deliveryTimestamp) && (m.deliveryTimestamp as number) > 0)) {
    throw new InputError(
      `message.deliveryTimestamp must be epoch milliseconds, got ${describe(m.deliveryTimestamp)}`, "deliveryTimestamp", m.deliveryTimestamp);
  }
  if (m.shardingKey !== undefined && (typeof m.shardingKey !== "string" || m.shardingKey.length === 0)) {
    throw new InputError(`message.shardingKey must be a non-empty string, got ${describe(m.shardingKey)}`, "shardingKey", m.shardingKey);
  }
  if (m.shardingKey !== undefined && (m.delayLevel !== undefined || m.deliveryTimestamp !== undefined)) {
    throw new InputError("message.shardingKey (FIFO) cannot be combined with a delay", "shardingKey", m.shardingKey);
  }
  return m as unknown as OutgoingMessage;
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.byteLength})`;
  if (typeof value === "string") return JSON.stringify(value.length > 140 ? `${value.slice(0, 140)}...` : value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
