/**
 * Where a sink sends each record: the seed's `TopicSelector`, with its two
 * instances, plus the check that turns what a selector says into a validated
 * destination.
 *
 * Selectors return plain strings (so a selector is as easy to write as the
 * seed's Java interface, and a `""` tag means "no tag"); the sink calls
 * `selectDestination`, which validates both names and returns an `Either`.
 */
import * as E from "fp-ts/lib/Either.js";
import type { Contravariant1 } from "fp-ts/lib/Contravariant.js";
import { InputError, type TagInvalidError, type TopicInvalidError } from "../errors.ts";
import { assertHasFunctions } from "../serde/assert-schema.ts";
import { type TagName, type TopicName, validateTag, validateTopic } from "./names.ts";

// ---------------------------------------------------------------------------
// model

export interface TopicSelector<T> {
  readonly getTopic: (t: T) => string;
  /** The tag for `t`; `""` for none. */
  readonly getTag: (t: T) => string;
  /** Optional: the record field `getTopic` reads, so errors can name it. */
  readonly topicField?: string;
  /** Optional: the record field `getTag` reads, so errors can name it. */
  readonly tagField?: string;
}

/** A checked destination. */
export interface Destination {
  readonly topic: TopicName;
  readonly tag?: TagName;
}

/** A record whose fields a `SimpleTopicSelector` reads: a plain object or a `Map`. */
export type FieldRecord = ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;

export const TopicSelectorURI = "rocketmq-webstreams/TopicSelector";
export type TopicSelectorURI = typeof TopicSelectorURI;

declare module "fp-ts/HKT" {
  interface URItoKind<A> {
    readonly "rocketmq-webstreams/TopicSelector": TopicSelector<A>;
  }
}

// ---------------------------------------------------------------------------
// constructors

/**
 * Every record goes to one topic, with one tag (or none).
 * Throws `TopicInvalidError` / `TagInvalidError` here, at construction.
 *
 * @example const selector = DefaultTopicSelector("orders", "created");
 */
export function DefaultTopicSelector<T = unknown>(topic: string, tag = ""): TopicSelector<T> {
  const checkedTopic = orThrow(validateTopic(topic, "topic"));
  if (tag !== "") orThrow(validateTag(tag, "tag"));
  return { getTopic: () => checkedTopic, getTag: () => tag };
}

/**
 * Reads topic and tag from record fields, falling back to the defaults when a
 * field is absent (or null), as the seed's selector does. Present values that
 * are not strings are turned into strings, so the check names them.
 *
 * @example
 * const selector = SimpleTopicSelector("dest", "orders", "kind", "");
 * selector.getTopic({ dest: "audit" }) // "audit"
 * selector.getTopic({}) // "orders"
 */
export function SimpleTopicSelector(
  topicField: string,
  defaultTopic: string,
  tagField: string,
  defaultTag = "",
): TopicSelector<FieldRecord> {
  for (const [name, value] of [["topicField", topicField], ["tagField", tagField]] as const) {
    if (typeof value !== "string" || value.length === 0) {
      throw new InputError(`${name} must be a non-empty string, got ${JSON.stringify(value)}`, name, value);
    }
  }
  orThrow(validateTopic(defaultTopic, "defaultTopic"));
  if (defaultTag !== "") orThrow(validateTag(defaultTag, "defaultTag"));
  return {
    getTopic: (record) => fieldText(record, topicField) ?? defaultTopic,
    getTag: (record) => fieldText(record, tagField) ?? defaultTag,
    topicField,
    tagField,
  };
}

function fieldText(record: FieldRecord, field: string): string | undefined {
  const value = record instanceof Map
    ? record.get(field)
    : Object.hasOwn(record, field) ? (record as Record<string, unknown>)[field] : undefined;
  return value === undefined || value === null ? undefined : typeof value === "string" ? value : String(value);
}

function orThrow<A>(result: E.Either<Error, A>): A {
  if (E.isLeft(result)) throw result.left;
  return result.right;
}

// ---------------------------------------------------------------------------
// combinators

/**
 * Asks the selector for `record`'s destination and validates it. An empty
 * (or missing) tag means no tag.
 *
 * @example
 * const dest = selectDestination(selector, record);
 * if (E.isLeft(dest)) throw dest.left; // TopicInvalidError or TagInvalidError
 */
export function selectDestination<T>(
  selector: TopicSelector<T>,
  record: T,
): E.Either<TopicInvalidError | TagInvalidError, Destination> {
  const topic = validateTopic(selector.getTopic(record), selector.topicField ?? "topic");
  if (E.isLeft(topic)) return topic;
  const rawTag: unknown = selector.getTag(record);
  if (rawTag === "" || rawTag === undefined || rawTag === null) return E.right({ topic: topic.right });
  const tag = validateTag(rawTag, selector.tagField ?? "tag");
  return E.isLeft(tag) ? tag : E.right({ topic: topic.right, tag: tag.right });
}

const contramapSelectorData = <A, B>(fa: TopicSelector<A>, f: (b: B) => A): TopicSelector<B> => ({
  getTopic: (b) => fa.getTopic(f(b)),
  getTag: (b) => fa.getTag(f(b)),
  ...(fa.topicField === undefined ? {} : { topicField: fa.topicField }),
  ...(fa.tagField === undefined ? {} : { tagField: fa.tagField }),
});

/**
 * Adapts a selector to a different record type.
 *
 * @example const byOrder = pipe(SimpleTopicSelector("dest", "orders", "kind"), contramapSelector((o: Order) => o.headers));
 */
export const contramapSelector = <A, B>(f: (b: B) => A) => (fa: TopicSelector<A>): TopicSelector<B> =>
  contramapSelectorData(fa, f);

/**
 * Throws `InputError` unless `x` has `getTopic` and `getTag` functions.
 *
 * @example assertTopicSelector(options.topicSelector, "topicSelector");
 */
export function assertTopicSelector(x: unknown, what = "topicSelector"): asserts x is TopicSelector<unknown> {
  assertHasFunctions(x, what, ["getTopic", "getTag"], "getTopic(record) and getTag(record)");
}

// ---------------------------------------------------------------------------
// instances

/** fp-ts `Contravariant` for selectors. */
export const TopicSelectorContravariant: Contravariant1<TopicSelectorURI> = {
  URI: TopicSelectorURI,
  contramap: contramapSelectorData,
};
