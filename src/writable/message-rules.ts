/**
 * What a message must be for RocketMQ to store it as written: the rules of
 * the Java client (`Validators.checkMessage`, `Message.putUserProperty`) and
 * the tighter of the two servers' limits, so that a message is accepted or
 * refused the same way over remoting and gRPC, before anything is sent.
 *
 * The limits, as RocketMQ 5.5.0 sets them by default:
 * - body: not empty (the proxy refuses it; the remoting broker fails with a
 *   NullPointerException) and at most the broker's `maxMessageSize`;
 * - user properties: at most 128, and names + values + tag + keys at most
 *   16 KiB of UTF-8 (the proxy's `userPropertyMaxNum` and
 *   `maxUserPropertySize`; the remoting broker's own bound, 32 KiB of the
 *   whole properties string, is looser);
 * - no name of `MessageConst.STRING_HASH_SET`: Java refuses them, the proxy
 *   too, while the remoting broker would store them and act on some
 *   (TTL, DELAY, TIMER_*);
 * - names and values not blank (Java refuses blank ones; the proxy drops
 *   empty ones silently) and free of ISO control characters (the proxy
 *   refuses them; remoting's properties string uses \u0001 and \u0002 as
 *   separators);
 * - a sharding key (the proxy's message group) under 64 bytes, not blank.
 * Topic and tag rules live in src/selectors and are applied here.
 */
import * as E from "fp-ts/lib/Either.js";
import { InputError } from "../errors.ts";
import { validateTag, validateTopic } from "../selectors/names.ts";
import { preview } from "../serde/decode-error.ts";
import type { OutgoingMessage } from "./outgoing-message.ts";

/** The broker's default `maxMessageSize` (4 MiB), which bounds the body. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** The proxy's `userPropertyMaxNum`. */
export const MAX_USER_PROPERTIES = 128;

/** The proxy's `maxUserPropertySize`: UTF-8 bytes of property names and values, the tag and the keys together. */
export const MAX_USER_PROPERTY_BYTES = 16 * 1024;

/** The proxy refuses a message group of `maxMessageGroupSize` (64) bytes or more. */
export const MAX_SHARDING_KEY_BYTES = 63;

/**
 * Property names a user may not set: RocketMQ 5.5.0's
 * `MessageConst.STRING_HASH_SET` (54 names), plus `__SHARDINGKEY`, which
 * the remoting transport sets from `shardingKey`.
 */
export const RESERVED_PROPERTY_NAMES: ReadonlySet<string> = new Set([
  "1ST_POP_TIME", "ARRIVE_TIME", "BORN_TIMESTAMP", "BUYER_ID", "CLUSTER", "CONSUME_START_TIME", "CORRECTION_FLAG",
  "CORRELATION_ID", "DELAY", "DLQ_ORIGIN_MESSAGE_ID", "DLQ_ORIGIN_TOPIC", "DUP_INFO", "EXTEND_UNIQ_INFO",
  "INNER_MULTI_QUEUE_OFFSET", "INSTANCE_ID", "KEYS", "MAX_OFFSET", "MAX_RECONSUME_TIMES", "MIN_OFFSET", "MQ2_FLAG",
  "MSG_REGION", "MSG_TYPE", "ORIGIN_GROUP", "ORIGIN_MESSAGE_ID", "PGROUP", "POP_CK", "POP_CK_OFFSET", "PUSH_REPLY_TIME",
  "REAL_QID", "REAL_TOPIC", "RECONSUME_TIME", "REPLY_TO_CLIENT", "RETRY_TOPIC", "TAGS", "TIMER_DELAY_LEVEL",
  "TIMER_DELAY_MS", "TIMER_DELAY_SEC", "TIMER_DELIVER_MS", "TIMER_DEL_UNIQKEY", "TIMER_DEQUEUE_MS", "TIMER_ENQUEUE_MS",
  "TIMER_OUT_MS", "TIMER_ROLL_TIMES", "TRACE_ON", "TRANSFER_FLAG", "TRAN_MSG", "TRAN_PREPARED_QUEUE_OFFSET", "TTL",
  "UNIQ_KEY", "WAIT", "_SYS_MSG_PRIORITY_", "__BORNHOST", "__CRC32#", "__LITE_TOPIC",
  "__SHARDINGKEY",
]);

/** Java's `Character.isISOControl`, which the proxy applies: C0, DEL and C1. */
// deno-lint-ignore no-control-regex
const ISO_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Java's `String.trim()` removes every char up to U+0020; what is left of a blank string is nothing. */
// deno-lint-ignore no-control-regex
const JAVA_BLANK = /^[\u0000-\u0020]*$/;

/**
 * The UTF-8 length of `text` as TextEncoder would encode it (a lone surrogate
 * becomes U+FFFD, 3 bytes), without encoding: TextEncoder allocates a buffer
 * per call, which costs microseconds per message on this path.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function refuse(field: string, value: unknown, problem: string): never {
  throw new InputError(`message.${field} ${problem}, got ${preview(value)}`, field, value);
}

/** Why a property name, property value, key or sharding key text is unusable, or undefined. */
function textProblem(text: unknown): string | undefined {
  if (typeof text !== "string") return "must be a string";
  if (JAVA_BLANK.test(text)) return "must not be empty or blank";
  if (ISO_CONTROL.test(text)) return "must not contain control characters (\\u0000-\\u001f, \\u007f-\\u009f)";
  return undefined;
}

function checkProperties(properties: unknown): number {
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) {
    refuse("properties", properties, "must be an object of string names to string values");
  }
  const names = Object.keys(properties);
  if (names.length > MAX_USER_PROPERTIES) {
    refuse("properties", `${names.length} properties`, `must hold at most ${MAX_USER_PROPERTIES} properties (the proxy's userPropertyMaxNum)`);
  }
  let bytes = 0;
  for (const name of names) {
    const value = (properties as Record<string, unknown>)[name];
    const nameProblem = textProblem(name);
    if (nameProblem !== undefined) refuse("properties", name, `names ${nameProblem}`);
    if (RESERVED_PROPERTY_NAMES.has(name)) {
      refuse(`properties.${name}`, name, "is a name RocketMQ reserves for itself (set tags, keys, delays and sharding keys through their own fields)");
    }
    const valueProblem = textProblem(value);
    if (valueProblem !== undefined) refuse(`properties.${name}`, value, valueProblem);
    bytes += utf8Length(name) + utf8Length(value as string);
  }
  return bytes;
}

/**
 * Checks a message against every rule above, so a bad record fails at the
 * write that carries it, before anything of its batch is sent. Refusals are
 * `InputError`s naming the field and (a bounded preview of) the value; a bad
 * topic or tag gives the selectors' `TopicInvalidError` / `TagInvalidError`.
 *
 * @example
 * validateOutgoingMessage({ topic: "orders", body: new TextEncoder().encode("hi"), properties: { TTL: "1" } });
 * // throws InputError: message.properties.TTL is a name RocketMQ reserves for itself ...
 */
export function validateOutgoingMessage(msg: unknown, maxBodyBytes = DEFAULT_MAX_MESSAGE_BYTES): OutgoingMessage {
  if (typeof msg !== "object" || msg === null) refuse("message", msg, "must be an object");
  const m = msg as Record<string, unknown>;
  const topic = validateTopic(m.topic, "topic");
  if (E.isLeft(topic)) throw topic.left;
  if (!(m.body instanceof Uint8Array)) refuse("body", m.body, "must be a Uint8Array");
  if (m.body.byteLength === 0) refuse("body", m.body, "must not be empty (RocketMQ refuses an empty body)");
  if (m.body.byteLength > maxBodyBytes) {
    refuse("body", m.body, `is ${m.body.byteLength} bytes, above the limit of ${maxBodyBytes} (broker maxMessageSize)`);
  }
  let propertyBytes = 0;
  if (m.tags !== undefined) {
    const tag = validateTag(m.tags, "tags");
    if (E.isLeft(tag)) throw tag.left;
    propertyBytes += utf8Length(tag.right);
  }
  if (m.keys !== undefined) {
    if (!Array.isArray(m.keys)) refuse("keys", m.keys, "must be an array of strings");
    for (const key of m.keys as unknown[]) {
      const problem = textProblem(key) ?? (/\s/.test(key as string) ? "must not contain whitespace (keys travel space-separated)" : undefined);
      if (problem !== undefined) refuse("keys", key, problem);
      propertyBytes += utf8Length(key as string);
    }
  }
  if (m.properties !== undefined) propertyBytes += checkProperties(m.properties);
  if (propertyBytes > MAX_USER_PROPERTY_BYTES) {
    refuse("properties", `${propertyBytes} bytes`,
      `names and values, with the tag and keys, must fit in ${MAX_USER_PROPERTY_BYTES} bytes of UTF-8 (the proxy's maxUserPropertySize)`);
  }
  if (m.delayLevel !== undefined && !(Number.isInteger(m.delayLevel) && (m.delayLevel as number) >= 1 && (m.delayLevel as number) <= 18)) {
    refuse("delayLevel", m.delayLevel, "must be an integer 1..18");
  }
  if (m.deliveryTimestamp !== undefined && !(Number.isSafeInteger(m.deliveryTimestamp) && (m.deliveryTimestamp as number) > 0)) {
    refuse("deliveryTimestamp", m.deliveryTimestamp, "must be epoch milliseconds");
  }
  if (m.shardingKey !== undefined) {
    const problem = textProblem(m.shardingKey);
    if (problem !== undefined) refuse("shardingKey", m.shardingKey, problem);
    const bytes = utf8Length(m.shardingKey as string);
    if (bytes > MAX_SHARDING_KEY_BYTES) refuse("shardingKey", m.shardingKey, `is ${bytes} bytes of UTF-8, at most ${MAX_SHARDING_KEY_BYTES} are allowed`);
    if (m.delayLevel !== undefined || m.deliveryTimestamp !== undefined) {
      refuse("shardingKey", m.shardingKey, "(FIFO) cannot be combined with a delay");
    }
  }
  return m as unknown as OutgoingMessage;
}
