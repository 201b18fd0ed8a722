/**
 * Every duration option, in every spelling (seed Properties keys, camelCase,
 * table DDL options, constructor arguments), goes through the one duration
 * rule: whole milliseconds up to 2^31-1 (the largest delay a timer honours on
 * Node, Deno and Bun), refused otherwise with a ConfigError naming the key
 * and the value. Bounded counts (batch size, retries, pool sizes) beside them.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkDurationMs, MAX_TIMER_MS } from "../../src/config/duration.ts";
import { ConfigError } from "../../src/errors.ts";
import { checkpoint } from "../../src/offsets/checkpoint.ts";
import { CheckpointStream } from "../../src/offsets/checkpoint-stream.ts";
import { parseSourceOptions } from "../../src/readable/source-options.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import { createRequest } from "../../src/remoting/command.ts";
import { Connection } from "../../src/remoting/connection.ts";
import { ConnectionPool } from "../../src/remoting/connection-pool.ts";
import { NameServerClient } from "../../src/remoting/nameserver.ts";
import { LONG_POLL_MARGIN_MS, pullTimeoutMs } from "../../src/remoting/broker-pull.ts";
import { tableSinkConfig, tableSourceConfig } from "../../src/table/options.ts";
import { parseCreateTable } from "../../src/table/parser.ts";
import { parseSinkOptions } from "../../src/writable/sink-options.ts";

const s = suite("config/duration bounds");

const SOURCE = { "nameserver.address": "127.0.0.1:9876", "consumer.group": "G", "consumer.topic": "T" };
const SINK = { "nameserver.address": "127.0.0.1:9876" };

/** Values no duration accepts, whatever its minimum. */
const ALWAYS_BAD: readonly unknown[] = [2 ** 31, 2 ** 31 + 5, Number.MAX_SAFE_INTEGER, 1e21, -1, -(2 ** 31), 1.5, NaN, Infinity, -Infinity, "2147483648", "-5", "1.5", "10s", "", true, null, [], {}];

function refused(run: () => unknown, key: string, value: unknown): void {
  try {
    run();
  } catch (e) {
    assert.instance(e, ConfigError, `${key}=${String(value)}: ${String(e)}`);
    assert.is((e as ConfigError).key, key, `${key}=${String(value)}: named ${(e as ConfigError).key}`);
    assert.ok(Object.is((e as ConfigError).value, value), `${key}=${String(value)}: carried ${String((e as ConfigError).value)}`);
    // the message names the key (or its seed spelling) and shows the value
    assert.ok((e as Error).message.includes(key), (e as Error).message);
    return;
  }
  assert.unreachable(`${key}=${JSON.stringify(value)} was accepted`);
}

const SOURCE_DURATIONS: ReadonlyArray<readonly [key: string, min: 0 | 1]> = [
  ["consumer.offset.persist.interval", 1], ["offsetPersistIntervalMs", 1],
  ["consumer.delay.when.message.not.found", 0], ["delayWhenMessageNotFoundMs", 0],
  ["nameserver.poll.interval", 1], ["pollNameServerIntervalMs", 1],
  ["brokerserver.heartbeat.interval", 1], ["heartbeatBrokerIntervalMs", 1],
  ["rebalanceIntervalMs", 1], ["requestTimeoutMs", 1], ["longPollingMs", 0],
];

s("source: every duration key, seed and camelCase spelling", () => {
  for (const [key, min] of SOURCE_DURATIONS) {
    for (const bad of [...ALWAYS_BAD, ...(min === 1 ? [0, "0"] : [])]) refused(() => parseSourceOptions({ ...SOURCE, [key]: bad }), key, bad);
    // the edges are accepted, as numbers and as Properties strings
    const low = parseSourceOptions({ ...SOURCE, [key]: min });
    const lowText = parseSourceOptions(new Map(Object.entries({ ...SOURCE, [key]: ` ${min} ` })));
    assert.equal(low, lowText, key);
  }
  for (const [key] of SOURCE_DURATIONS.filter(([k]) => k !== "longPollingMs" && k !== "requestTimeoutMs")) {
    parseSourceOptions({ ...SOURCE, [key]: MAX_TIMER_MS });
    parseSourceOptions({ ...SOURCE, [key]: String(MAX_TIMER_MS) });
  }
});

s("source: the derived pull timeout must fit a timer too", () => {
  assert.is(pullTimeoutMs(20_000, 3000), 30_000);
  assert.is(pullTimeoutMs(20_000, 15_000), 35_000);
  assert.is(pullTimeoutMs(0, 3000), 3000);
  const top = MAX_TIMER_MS - LONG_POLL_MARGIN_MS;
  assert.is(parseSourceOptions({ ...SOURCE, longPollingMs: top }).longPollingMs, top);
  refused(() => parseSourceOptions({ ...SOURCE, longPollingMs: top + 1 }), "longPollingMs", top + 1);
  refused(() => parseSourceOptions({ ...SOURCE, requestTimeoutMs: MAX_TIMER_MS }), "requestTimeoutMs", MAX_TIMER_MS);
  assert.is(parseSourceOptions({ ...SOURCE, requestTimeoutMs: MAX_TIMER_MS, longPollingMs: 0 }).requestTimeoutMs, MAX_TIMER_MS);
});

s("source: counts are bounded (batch size by Java's pull limit, pools and parallelism positive)", () => {
  for (const key of ["consumer.batch.size", "batchSize"]) {
    for (const bad of [0, 1025, 2 ** 31, -1, 1.5, NaN, "1025", "x"]) refused(() => parseSourceOptions({ ...SOURCE, [key]: bad }), key, bad);
    assert.is(parseSourceOptions({ ...SOURCE, [key]: 1024 }).batchSize, 1024);
    assert.is(parseSourceOptions({ ...SOURCE, [key]: "1" }).batchSize, 1);
  }
  for (const key of ["consumer.pull.thread.pool.size", "pullPoolSize", "parallelism"]) {
    for (const bad of [0, -1, 1.5, NaN]) refused(() => parseSourceOptions({ ...SOURCE, [key]: bad }), key, bad);
  }
});

s("sink: every duration key, seed and camelCase spelling; retries not negative", () => {
  const durations: ReadonlyArray<readonly [string, 0 | 1]> = [["producer.timeout", 1], ["sendTimeoutMs", 1], ["retryBackoffMs", 0], ["retryBackoffMaxMs", 0]];
  for (const [key, min] of durations) {
    for (const bad of [...ALWAYS_BAD, ...(min === 1 ? [0] : [])]) refused(() => parseSinkOptions({ ...SINK, [key]: bad }), key, bad);
  }
  assert.is(parseSinkOptions({ ...SINK, "producer.timeout": String(MAX_TIMER_MS) }).sendTimeoutMs, MAX_TIMER_MS);
  assert.is(parseSinkOptions({ ...SINK, retryBackoffMs: MAX_TIMER_MS }).retryBackoffMaxMs, MAX_TIMER_MS);
  for (const key of ["producer.retry.times", "retryTimes"]) {
    for (const bad of [-1, 1.5, NaN, "-1"]) refused(() => parseSinkOptions({ ...SINK, [key]: bad }), key, bad);
  }
  for (const key of ["maxInFlight", "batchMaxMessages", "batchMaxBytes", "maxMessageBytes"]) {
    for (const bad of [0, -1, 1.5]) refused(() => parseSinkOptions({ ...SINK, [key]: bad }), key, bad);
  }
});

s("checkpoint and CheckpointStream: intervalMs", () => {
  for (const bad of [...ALWAYS_BAD, 0]) {
    refused(() => checkpoint({ pipelineId: "p", intervalMs: bad as number }), "intervalMs", bad);
    refused(() => new CheckpointStream({ intervalMs: bad as number }), "intervalMs", bad);
  }
  checkpoint({ pipelineId: "p", intervalMs: MAX_TIMER_MS });
});

function ddl(options: Record<string, string>): string {
  const opts = Object.entries(options).map(([k, v]) => `'${k}' = '${v.replaceAll("'", "''")}'`).join(", ");
  return `CREATE TABLE t (a INT) WITH (${opts})`;
}
const TABLE = { connector: "rocketmq", topic: "t1", nameServerAddress: "127.0.0.1:9876" };

s("table DDL: options that map to durations", () => {
  const bad = ["2147483648", "99999999999", "-1", "1.5", "NaN", "10s", ""];
  for (const key of ["partitionDiscoveryIntervalMs", "consumer.timeout"]) {
    for (const v of bad) refused(() => tableSourceConfig(parseCreateTable(ddl({ ...TABLE, consumerGroup: "g", [key]: v }))), key, v);
    tableSourceConfig(parseCreateTable(ddl({ ...TABLE, consumerGroup: "g", [key]: String(MAX_TIMER_MS) })));
  }
  for (const v of bad) refused(() => tableSinkConfig(parseCreateTable(ddl({ ...TABLE, producerGroup: "p", sleepTimeMs: v }))), "sleepTimeMs", v);
  for (const v of ["-1", "1.5"]) refused(() => tableSinkConfig(parseCreateTable(ddl({ ...TABLE, producerGroup: "p", retryTimes: v }))), "retryTimes", v);
});

s("remoting constructors and requests: the same rule", async () => {
  // null stands for "not given" in constructor options (the default applies)
  const given = ALWAYS_BAD.filter((v) => v !== null);
  for (const bad of [...given, 0]) {
    refused(() => new ConnectionPool({ requestTimeoutMs: bad as number }), "requestTimeoutMs", bad);
    refused(() => new ConnectionPool({ connectTimeoutMs: bad as number }), "connectTimeoutMs", bad);
    refused(() => new Connection("127.0.0.1:1", { connectTimeoutMs: bad as number }), "connectTimeoutMs", bad);
    refused(() => new RemotingClient({ nameServerAddress: "127.0.0.1:1", requestTimeoutMs: bad as number }), "requestTimeoutMs", bad);
    refused(() => new NameServerClient("127.0.0.1:1", new ConnectionPool(), { requestTimeoutMs: bad as number }), "requestTimeoutMs", bad);
  }
  for (const bad of given) {
    refused(() => new NameServerClient("127.0.0.1:1", new ConnectionPool(), { pollIntervalMs: bad as number }), "pollIntervalMs", bad);
    const client = new RemotingClient({ nameServerAddress: "127.0.0.1:1" });
    refused(() => client.startHeartbeat(bad as number), "heartbeatBrokerIntervalMs", bad);
    await client.close();
  }
  // a request with an overflowing timeout is refused before any socket or timer exists
  const conn = new Connection("127.0.0.1:1");
  for (const bad of [2 ** 31, -1, NaN, 0]) {
    let error: unknown;
    await conn.request(createRequest(105, {}), bad).catch((e: unknown) => (error = e));
    assert.instance(error, ConfigError);
    assert.is((error as ConfigError).key, "timeoutMs");
  }
  assert.is(conn.connected, false);
  await conn.close();
});

s("checkDurationMs: minimum 0 or 1, edges included", () => {
  assert.is(checkDurationMs("k", 0, 0), 0);
  assert.is(checkDurationMs("k", MAX_TIMER_MS), MAX_TIMER_MS);
  refused(() => checkDurationMs("k", 0), "k", 0);
  refused(() => checkDurationMs("k", MAX_TIMER_MS + 1, 0), "k", MAX_TIMER_MS + 1);
});

s.run();
