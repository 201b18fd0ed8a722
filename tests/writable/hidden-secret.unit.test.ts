/**
 * The secret key stays out of what a program prints by accident: parsed
 * options (sink and source) and configuration errors. tests/slow/acl.test.ts
 * checks the same against a broker that refuses credentials.
 */
import { inspect } from "node:util";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError } from "../../src/errors.ts";
import { parseSourceOptions } from "../../src/readable/source-options.ts";
import { parseSinkOptions } from "../../src/writable/sink-options.ts";

const SECRET = "sk-9f8e7d6c5b4a-never-printed";
const s = suite("secret key hidden");

s("parsed sink and source options hold secretKey, but inspect, JSON and spreads do not show it", () => {
  const sink = parseSinkOptions({ nameServerAddress: "127.0.0.1:9876", accessKey: "ak", secretKey: SECRET });
  const source = parseSourceOptions({ nameServerAddress: "127.0.0.1:9876", consumerGroup: "g", topic: "t", accessKey: "ak", secretKey: SECRET });
  for (const o of [sink, source]) {
    assert.is(o.secretKey, SECRET);
    assert.is(o.accessKey, "ak");
    assert.not.ok(inspect(o, { depth: Infinity }).includes(SECRET));
    assert.not.ok(JSON.stringify(o).includes(SECRET));
    assert.ok(inspect(o).includes("ak"), "the access key is not a secret");
  }
});

s("configuration errors never show a secret's value, in the message or in `value`", () => {
  const cases: [() => unknown, string][] = [
    [() => parseSinkOptions({ nameServerAddress: "a:1", accessKey: "ak", secretKey: 12345678 as unknown as string }), "secretKey"],
    [() => parseSinkOptions({ nameServerAddress: "a:1", secretkey: SECRET } as never), "secretkey"],
    [() => parseSourceOptions({ nameServerAddress: "a:1", consumerGroup: "g", topic: "t", password: SECRET } as never), "password"],
  ];
  for (const [make, key] of cases) {
    let err: unknown;
    try {
      make();
    } catch (e) {
      err = e;
    }
    assert.instance(err, ConfigError, key);
    const text = inspect(err, { depth: Infinity });
    assert.not.ok(text.includes(SECRET) || text.includes("12345678"), `${key}: ${text.slice(0, 300)}`);
    assert.is((err as ConfigError).key, key);
  }
});

s.run();
