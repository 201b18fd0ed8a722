/**
 * Source options (seed keys, camelCase, defaults, errors naming key and value)
 * and Java's average allocation.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError } from "../../src/errors.ts";
import { allocateAveragely } from "../../src/readable/allocate.ts";
import { parseSourceOptions, subscriptionOf } from "../../src/readable/source-options.ts";
import { StartFrom } from "../../src/readable/start-strategy.ts";

const s = suite("readable/options and allocation");
const seed = { "nameserver.address": "127.0.0.1:9876", "consumer.group": "G", "consumer.topic": "T" };

s("seed keys with the seed's defaults", () => {
  const o = parseSourceOptions(seed);
  assert.equal(
    [o.nameServerAddress, o.consumerGroup, o.topic, o.tag, o.offsetPersistIntervalMs, o.pullPoolSize, o.batchSize, o.delayWhenMessageNotFoundMs, o.pollNameServerIntervalMs, o.heartbeatBrokerIntervalMs, o.parallelism, o.decodeFailurePolicy],
    ["127.0.0.1:9876", "G", "T", "*", 5000, 20, 32, 10, 30000, 30000, 1, "fail"],
  );
  assert.equal(subscriptionOf(o), { expressionType: "TAG", expression: "*" });
});

s("Properties strings and camelCase give the same options", () => {
  const a = parseSourceOptions(new Map(Object.entries({ ...seed, "consumer.batch.size": "16", "consumer.tag": "a || b" })));
  const b = parseSourceOptions({ nameServerAddress: "127.0.0.1:9876", consumerGroup: "G", topic: "T", batchSize: 16, tag: "a || b" });
  assert.equal(a, b);
  assert.equal(subscriptionOf({ tag: "*", sql: "n > 1" }), { expressionType: "SQL92", expression: "n > 1" });
});

s("errors name the key and the value", () => {
  const fails = (input: Record<string, unknown>, pattern: RegExp, key: string) => {
    try {
      parseSourceOptions(input);
      assert.unreachable("should have thrown");
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, pattern);
      assert.is((e as ConfigError).key, key);
    }
  };
  fails({ "nameserver.address": "x:1", "consumer.topic": "T" }, /missing required option "consumer.group" \(or consumerGroup\)/, "consumer.group");
  fails({ ...seed, "consumer.batch.size": "zero" }, /"consumer.batch.size" has value "zero": expected an integer from 1 to 1024/, "consumer.batch.size");
  fails({ ...seed, "consumer.bogus": 1 }, /unknown option "consumer.bogus"/, "consumer.bogus");
  fails({ ...seed, decodeFailurePolicy: "dead-letter" }, /deadLetterTopic/, "deadLetterTopic");
  assert.throws(() => StartFrom.timestamp(-1), (e: unknown) => e instanceof ConfigError);
});

const queues = (n: number) => Array.from({ length: n }, (_, i) => ({ topic: "T", brokerName: "broker-a", queueId: i }));
const ids = (mqs: Array<{ queueId: number }>) => mqs.map((q) => q.queueId);

s("average allocation as Java computes it", () => {
  const q8 = queues(8);
  assert.equal(["a", "b"].map((c) => ids(allocateAveragely(q8, ["b", "a"], c))), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.equal(["a", "b", "c"].map((c) => ids(allocateAveragely(q8, ["c", "a", "b"], c))), [[0, 1, 2], [3, 4, 5], [6, 7]]);
  assert.equal(["a", "b", "c"].map((c) => ids(allocateAveragely(queues(2), ["a", "b", "c"], c))), [[0], [1], []]);
  assert.equal(ids(allocateAveragely(q8, ["a"], "z")), [], "not a member yet: nothing");
  // every queue exactly once, for many sizes
  for (let n = 1; n <= 20; n++) {
    for (let c = 1; c <= 7; c++) {
      const members = Array.from({ length: c }, (_, i) => `m${i}`);
      const all = members.flatMap((m) => ids(allocateAveragely(queues(n), members, m)));
      assert.equal(all, Array.from({ length: n }, (_, i) => i), `n=${n} c=${c}`);
    }
  }
});

s.run();
