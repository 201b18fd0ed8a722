import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { ErrorCodes, TagInvalidError, TopicInvalidError } from "../../src/errors.ts";
import { TagName, TopicName, topicNameProblem, validateTag, validateTopic } from "../../src/selectors/names.ts";

const s = suite("selectors/TopicName and TagName");

function topicError(value: unknown, field?: string): TopicInvalidError {
  const result = validateTopic(value, field);
  if (E.isRight(result)) assert.unreachable(`expected ${String(value)} to be refused`);
  return (result as E.Left<TopicInvalidError>).left;
}

function tagError(value: unknown, field?: string): TagInvalidError {
  const result = validateTag(value, field);
  if (E.isRight(result)) assert.unreachable(`expected ${String(value)} to be refused`);
  return (result as E.Left<TagInvalidError>).left;
}

s("valid topics pass, including % and |", () => {
  for (const name of ["orders", "a", "Order_Events-2", "%weird|but-legal", "x".repeat(127)]) {
    assert.equal(validateTopic(name), E.right(name), name);
    assert.ok(TopicName.is(name), name);
  }
});

s("a topic with a space names the field and the value", () => {
  const err = topicError("my topic");
  assert.instance(err, TopicInvalidError);
  assert.is(err.code, ErrorCodes.TOPIC_INVALID);
  assert.is(err.field, "topic");
  assert.is(err.value, "my topic");
  assert.is(err.message, 'topic: topic must match ^[%|a-zA-Z0-9_-]+$, got "my topic"');
});

s("a 128-character topic is refused with its length", () => {
  const name = "t".repeat(128);
  const err = topicError(name, "dest");
  assert.is(err.field, "dest");
  assert.ok(err.message.startsWith("dest: topic is 128 characters long, at most 127 are allowed, got \"tttt"), err.message);
});

s("system topics and broker-owned prefixes are refused", () => {
  for (const name of ["TBW102", "SCHEDULE_TOPIC_XXXX", "BenchmarkTest", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRACE_TOPIC",
    "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT", "CHECKPOINT_TOPIC", "rmq_sys_wheel_timer", "RMQ_SYS_anything"]) {
    assert.match(topicError(name).message, /is a RocketMQ system topic/, name);
  }
  assert.is(topicError("%RETRY%group").message, 'topic: topic is a consumer group\'s retry or dead-letter topic, owned by the broker, got "%RETRY%group"');
  assert.match(topicError("%DLQ%group").message, /retry or dead-letter/);
  assert.is(topicNameProblem("%DLQ%group", { allowGroupTopics: true }), undefined);
});

s("empty and non-string topics", () => {
  assert.is(topicError("").message, 'topic: topic must not be empty, got ""');
  assert.is(topicError(undefined).message, "topic: topic must be a string, got undefined");
  assert.is(topicError(42).message, "topic: topic must be a string, got 42");
});

s("TopicName agrees with the broker's character rule on generated names (1000 runs)", () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom("a", "Z", "0", "_", "-", "%", "|", " ", ".", "é", "/"), maxLength: 140 }), (name) => {
      const legal = name.length >= 1 && name.length <= 127 && /^[%|a-zA-Z0-9_-]+$/.test(name) &&
        !name.startsWith("%RETRY%") && !name.startsWith("%DLQ%");
      assert.is(TopicName.is(name), legal, name);
    }),
    { numRuns: 1000 },
  );
});

s("tags: valid ones pass", () => {
  for (const tag of ["created", "a b", "TagA", "*x", "ü"]) assert.equal(validateTag(tag), E.right(tag), tag);
  assert.ok(TagName.is("created"));
});

s("a tag containing || names the field and the value", () => {
  const err = tagError("a||b");
  assert.instance(err, TagInvalidError);
  assert.is(err.code, ErrorCodes.TAG_INVALID);
  assert.is(err.field, "tag");
  assert.is(err.value, "a||b");
  assert.is(err.message, 'tag: tag must not contain "|" (the proxy refuses it, and "||" separates tags in subscriptions), got "a||b"');
});

s("empty, blank, control characters, too long", () => {
  assert.is(tagError("").message, 'tag: tag must not be empty, got ""');
  assert.is(tagError("  \t").message, 'tag: tag must not be only whitespace, got "  \\t"');
  assert.is(tagError("a\u0001b", "kind").message, 'kind: tag must not contain control characters, got "a\\u0001b"');
  assert.match(tagError("x".repeat(256)).message, /^tag: tag is 256 characters long, at most 255 are allowed/);
});

s.run();
