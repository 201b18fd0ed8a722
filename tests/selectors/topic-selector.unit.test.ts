import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { pipe } from "fp-ts/lib/function.js";
import { InputError, TagInvalidError, TopicInvalidError } from "../../src/errors.ts";
import {
  assertTopicSelector,
  contramapSelector,
  DefaultTopicSelector,
  type FieldRecord,
  selectDestination,
  SimpleTopicSelector,
  TopicSelectorContravariant,
  type TopicSelector,
} from "../../src/selectors/topic-selector.ts";

const s = suite("selectors/TopicSelector");

function leftOf<L, A>(r: E.Either<L, A>): L {
  if (E.isRight(r)) assert.unreachable(`expected Left, got ${JSON.stringify(r.right)}`);
  return (r as E.Left<L>).left;
}

s("DefaultTopicSelector: one topic, one tag or none", () => {
  const sel = DefaultTopicSelector("orders", "created");
  assert.is(sel.getTopic({}), "orders");
  assert.is(sel.getTag({}), "created");
  assert.equal(selectDestination(sel, {}), E.right({ topic: "orders", tag: "created" }));
  assert.equal(selectDestination(DefaultTopicSelector("orders"), 1), E.right({ topic: "orders" }));
});

s("DefaultTopicSelector refuses bad names at construction", () => {
  assert.throws(() => DefaultTopicSelector("my topic"), (e: unknown) => e instanceof TopicInvalidError && e.message === 'topic: topic must match ^[%|a-zA-Z0-9_-]+$, got "my topic"');
  assert.throws(() => DefaultTopicSelector("orders", "a||b"), (e: unknown) => e instanceof TagInvalidError && e.field === "tag");
});

s("SimpleTopicSelector: the field when present, else the default (object and Map records)", () => {
  const sel = SimpleTopicSelector("dest", "orders", "kind", "plain");
  assert.is(sel.getTopic({ dest: "audit" }), "audit");
  assert.is(sel.getTopic({ other: "x" }), "orders");
  assert.is(sel.getTopic({ dest: null }), "orders");
  assert.is(sel.getTag({ kind: "vip" }), "vip");
  assert.is(sel.getTag({}), "plain");
  assert.is(sel.getTopic(new Map([["dest", "audit"]])), "audit");
  assert.is(sel.getTag(new Map()), "plain");
  // Inherited properties are not fields.
  assert.is(SimpleTopicSelector("toString", "orders", "kind").getTopic({}), "orders");
  assert.equal(selectDestination(sel, { dest: "audit", kind: "vip" }), E.right({ topic: "audit", tag: "vip" }));
  assert.equal(selectDestination(SimpleTopicSelector("dest", "orders", "kind"), {}), E.right({ topic: "orders" }));
});

s("SimpleTopicSelector: a bad field value is a typed error naming the record field and value", () => {
  const sel = SimpleTopicSelector("dest", "orders", "kind", "");
  const topicErr = leftOf(selectDestination(sel, { dest: "my topic" }));
  assert.instance(topicErr, TopicInvalidError);
  assert.is(topicErr.message, 'dest: topic must match ^[%|a-zA-Z0-9_-]+$, got "my topic"');
  const longErr = leftOf(selectDestination(sel, { dest: "x".repeat(128) }));
  assert.match(longErr.message, /^dest: topic is 128 characters long, at most 127 are allowed, got "x+…/);
  const tagErr = leftOf(selectDestination(sel, { kind: "a||b" }));
  assert.instance(tagErr, TagInvalidError);
  assert.is(tagErr.message, 'kind: tag must not contain "|" (the proxy refuses it, and "||" separates tags in subscriptions), got "a||b"');
  // A non-string field value is stringified, then checked: named, not silently replaced.
  assert.is(leftOf(selectDestination(sel, { dest: { x: 1 } })).message, 'dest: topic must match ^[%|a-zA-Z0-9_-]+$, got "[object Object]"');
});

s("SimpleTopicSelector refuses bad defaults and field names at construction", () => {
  assert.throws(() => SimpleTopicSelector("dest", "TBW102", "kind"), (e: unknown) => e instanceof TopicInvalidError && e.field === "defaultTopic");
  assert.throws(() => SimpleTopicSelector("dest", "orders", "kind", " "), (e: unknown) => e instanceof TagInvalidError && e.field === "defaultTag");
  assert.throws(() => SimpleTopicSelector("", "orders", "kind"), (e: unknown) => e instanceof InputError && e.field === "topicField");
});

s("user selectors are validated where they return names", () => {
  const user: TopicSelector<string> = { getTopic: (t) => t, getTag: () => "" };
  assert.equal(selectDestination(user, "orders"), E.right({ topic: "orders" }));
  assert.is(leftOf(selectDestination(user, "SCHEDULE_TOPIC_XXXX")).message, 'topic: topic is a RocketMQ system topic, got "SCHEDULE_TOPIC_XXXX"');
});

s("assertTopicSelector names every missing function", () => {
  assertTopicSelector(DefaultTopicSelector("orders"));
  assert.throws(() => assertTopicSelector({ getTopic: () => "x" }),
    (e: unknown) => e instanceof InputError && e.message === "topicSelector must have getTopic(record) and getTag(record): getTag is missing");
  assert.throws(() => assertTopicSelector({}, "sink.topicSelector"),
    (e: unknown) => e instanceof InputError && e.message === "sink.topicSelector must have getTopic(record) and getTag(record): getTopic is missing, getTag is missing");
});

const selectors: Array<TopicSelector<FieldRecord>> = [
  SimpleTopicSelector("dest", "orders", "kind", ""),
  SimpleTopicSelector("kind", "fallback", "dest", "t"),
  DefaultTopicSelector("orders", "x"),
];
const recordArb = fc.dictionary(fc.constantFrom("dest", "kind", "other"), fc.string({ maxLength: 6 }), { noNullPrototype: true });
const both = (sel: TopicSelector<unknown>, r: unknown) => [sel.getTopic(r), sel.getTag(r)];

s("Contravariant identity for selectors (1000 runs)", () => {
  fc.assert(
    fc.property(fc.constantFrom(...selectors), recordArb, (sel, r) => {
      const mapped = TopicSelectorContravariant.contramap(sel, (x: FieldRecord) => x);
      assert.equal(both(mapped as TopicSelector<unknown>, r), both(sel as TopicSelector<unknown>, r));
    }),
    { numRuns: 1000 },
  );
});

s("Contravariant composition for selectors (1000 runs)", () => {
  fc.assert(
    fc.property(fc.constantFrom(...selectors), fc.func(recordArb), fc.func(fc.anything()), fc.anything(), (sel, f, g, c) => {
      const twice = TopicSelectorContravariant.contramap(TopicSelectorContravariant.contramap(sel, f), g);
      const once = TopicSelectorContravariant.contramap(sel, (x: unknown) => f(g(x)));
      assert.equal(both(twice, c), both(once, c));
    }),
    { numRuns: 1000 },
  );
});

s("pipeable contramapSelector keeps the field names for errors", () => {
  const sel = pipe(SimpleTopicSelector("dest", "orders", "kind"), contramapSelector((o: { headers: FieldRecord }) => o.headers));
  assert.is(sel.getTopic({ headers: { dest: "audit" } }), "audit");
  assert.is(leftOf(selectDestination(sel, { headers: { dest: "a b" } })).message, 'dest: topic must match ^[%|a-zA-Z0-9_-]+$, got "a b"');
});

s.run();
