/**
 * Topic and tag names as branded io-ts types, with RocketMQ's rules
 * (apache/rocketmq `TopicValidator`, and the 5.x proxy's tag checks).
 *
 * A `TopicName` is a topic a producer may write to: the broker's character
 * set and length, and none of the broker's own topics. A `TagName` is a
 * non-empty tag the proxy accepts. Both are checked where a selector hands a
 * name to the sink, so a bad record fails at its own write.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { TagInvalidError, TopicInvalidError } from "../errors.ts";
import { preview } from "../serde/decode-error.ts";

// ---------------------------------------------------------------------------
// model

export const TOPIC_MAX_LENGTH = 127;
/** Not a broker limit: ours, so a tag stays a small part of the 32 KiB property block. */
export const TAG_MAX_LENGTH = 255;

/** Topics the broker creates and owns (TopicValidator's system set, develop 2025-09). */
export const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  "TBW102",
  "SCHEDULE_TOPIC_XXXX",
  "BenchmarkTest",
  "RMQ_SYS_TRANS_HALF_TOPIC",
  "RMQ_SYS_TRACE_TOPIC",
  "RMQ_SYS_TRANS_OP_HALF_TOPIC",
  "TRANS_CHECK_MAX_TIME_TOPIC",
  "SELF_TEST_TOPIC",
  "OFFSET_MOVED_EVENT",
  "CHECKPOINT_TOPIC",
]);

/**
 * The broker reserves `rmq_sys_`; `RMQ_SYS_` is how its older system topics
 * are spelled, so we keep producers off both.
 */
export const SYSTEM_TOPIC_PREFIXES = ["rmq_sys_", "RMQ_SYS_"] as const;

/** Retry and dead-letter topics, which the broker derives from consumer group names. */
export const GROUP_TOPIC_PREFIXES = ["%RETRY%", "%DLQ%"] as const;

const TOPIC_CHARS = /^[%|a-zA-Z0-9_-]+$/;

interface TopicNameBrand {
  readonly TopicName: unique symbol;
}
interface TagNameBrand {
  readonly TagName: unique symbol;
}

// ---------------------------------------------------------------------------
// constructors

/**
 * Why `name` is not a topic a producer may use, or `undefined` when it is.
 * `allowGroupTopics` admits `%RETRY%` / `%DLQ%` topics (for reading them).
 *
 * @example topicNameProblem("my topic") // "must match ^[%|a-zA-Z0-9_-]+$"
 */
export function topicNameProblem(name: string, options: { readonly allowGroupTopics?: boolean } = {}): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (!TOPIC_CHARS.test(name)) return "must match ^[%|a-zA-Z0-9_-]+$";
  if (name.length > TOPIC_MAX_LENGTH) return `is ${name.length} characters long, at most ${TOPIC_MAX_LENGTH} are allowed`;
  if (SYSTEM_TOPICS.has(name)) return "is a RocketMQ system topic";
  if (SYSTEM_TOPIC_PREFIXES.some((p) => name.startsWith(p))) return `is a RocketMQ system topic (prefix ${SYSTEM_TOPIC_PREFIXES.join(" or ")})`;
  if (!options.allowGroupTopics && GROUP_TOPIC_PREFIXES.some((p) => name.startsWith(p))) {
    return "is a consumer group's retry or dead-letter topic, owned by the broker";
  }
  return undefined;
}

/** Why `tag` is not a usable tag, or `undefined` when it is. */
export function tagNameProblem(tag: string): string | undefined {
  if (tag.length === 0) return "must not be empty";
  if (tag.trim().length === 0) return "must not be only whitespace";
  if (tag.includes("|")) return `must not contain "|" (the proxy refuses it, and "||" separates tags in subscriptions)`;
  // deno-lint-ignore no-control-regex
  // Java's Character.isISOControl, which the proxy applies: C0, DEL and C1
  if (/[\u0000-\u001f\u007f-\u009f]/.test(tag)) return "must not contain control characters";
  if (tag.length > TAG_MAX_LENGTH) return `is ${tag.length} characters long, at most ${TAG_MAX_LENGTH} are allowed`;
  return undefined;
}

/** A topic a producer may write to. */
export const TopicName = t.brand(
  t.string,
  (s): s is t.Branded<string, TopicNameBrand> => topicNameProblem(s) === undefined,
  "TopicName",
);
export type TopicName = t.TypeOf<typeof TopicName>;

/** A non-empty tag without `|` or control characters. */
export const TagName = t.brand(
  t.string,
  (s): s is t.Branded<string, TagNameBrand> => tagNameProblem(s) === undefined,
  "TagName",
);
export type TagName = t.TypeOf<typeof TagName>;

/**
 * @example validateTopic("orders") // Right("orders")
 * @example validateTopic("my topic", "dest") // Left(TopicInvalidError 'dest: topic must match ^[%|a-zA-Z0-9_-]+$, got "my topic"')
 */
export function validateTopic(value: unknown, field = "topic"): E.Either<TopicInvalidError, TopicName> {
  const problem = typeof value === "string" ? topicNameProblem(value) : "must be a string";
  return problem === undefined
    ? E.right(value as TopicName)
    : E.left(new TopicInvalidError(`${field}: topic ${problem}, got ${preview(value)}`, field, value));
}

/** @example validateTag("a||b") // Left(TagInvalidError 'tag: tag must not contain "|" ..., got "a||b"') */
export function validateTag(value: unknown, field = "tag"): E.Either<TagInvalidError, TagName> {
  const problem = typeof value === "string" ? tagNameProblem(value) : "must be a string";
  return problem === undefined
    ? E.right(value as TagName)
    : E.left(new TagInvalidError(`${field}: tag ${problem}, got ${preview(value)}`, field, value));
}
