/**
 * The compatibility matrix: the toolkit against every RocketMQ version it
 * supports (4.9.7, 5.3.3, 5.4.0, 5.5.0; MATRIX_VERSIONS picks a subset), with
 * the Java clients of the same version as the peer no one here wrote.
 *
 * Per version, one broker (its own ports; the runner's for the default
 * version), started once, then:
 *  - messages the Java producer wrote (zlib-compressed bodies, LZ4/ZSTD where
 *    the version has them, a batch, unicode keys/tags/properties, a committed
 *    and a rolled-back transaction, delayed and timer messages) read by
 *    RocketMQSource byte-identical: body, keys, tags, user properties;
 *  - a retry topic above 127 characters (the V2 magic code), where the version lets a Java client make one;
 *  - tag and SQL92 filters on Java-written messages;
 *  - messages our sink wrote (remoting; gRPC on 5.x) read by the Java consumer;
 *  - group offsets our source committed, as that version's mqadmin consumerProgress shows them.
 *
 * Slow (a broker start per version), hence tests/slow: CI runs it on Node.
 * Run alone: node scripts/test.ts --only version-matrix --runtime node --slow
 * The README's version table is filled from this suite's results.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";
import { GrpcProducerTransport } from "../../src/writable/grpc-producer-transport.ts";
import type { OutgoingMessage } from "../../src/writable/outgoing-message.ts";
import type { ProducerTransport } from "../../src/writable/producer-transport.ts";
import { RemotingProducerTransport } from "../../src/writable/remoting-producer-transport.ts";
import { RocketMQSink } from "../../src/writable/rocketmq-sink.ts";
import { hasProxy } from "../../scripts/broker.ts";
import { randomName } from "../fixture/broker.ts";
import { endOffsets, readTopicWithSource, userProperties } from "../writable/source-readback.ts";
import { type JavaMessage, type JavaOutput, MATRIX_VERSIONS, mqadmin, runFixture, startBroker, stopBroker, type VersionBroker } from "./version-matrix-rig.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const encoder = new TextEncoder();
const CASES = ["zlib", "lz4", "zstd", "batch", "unicode", "tx", "delay", "filter", "retry", "sinkremoting", "sinkgrpc", "progress"] as const;

/** Waits until the queues of `topic` hold `count` messages in all (transactions and delays land after the send). */
async function waitForStored(namesrv: string, topic: string, count: number, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // a retry topic has no route until the broker creates it on the first send-back
    const ends = await endOffsets(namesrv, topic).catch(() => new Map<number, number>());
    const stored = [...ends.values()].reduce((a, b) => a + b, 0);
    if (stored >= count) return;
    if (Date.now() > deadline) throw new Error(`${topic} holds ${stored} messages after ${timeoutMs} ms, expected ${count}`);
    await sleep(250);
  }
}

/**
 * Asserts that a record the source read is the message Java sent: body bytes, keys, tags, user properties, and
 * the message id Java's send returned. Not for batch members: 5.3.3 stores every message of a Java batch with
 * the batch's own id (its Java consumer sees the same), so they are told apart by their keys alone.
 */
function assertSameMessage(ours: SourceRecord<Uint8Array> | undefined, java: JavaMessage, topic = java.topic): void {
  assert.ok(ours, `message ${java.msgId} (${java.case}, keys ${java.keys}) was read`);
  assert.is(ours.topic, topic);
  if (java.case !== "batch") assert.is(ours.properties.UNIQ_KEY, java.msgId, `${java.keys}: message id`);
  assert.is(ours.body.length, java.length, `${java.keys}: body length`);
  assert.is(sha256(ours.body), java.sha256, `${java.keys}: body bytes`);
  assert.is(ours.tags ?? "", java.tags, `${java.keys}: tags`);
  assert.is(ours.keys.join(" "), java.keys, `${java.keys}: keys`);
  assert.equal(userProperties(ours.properties), userProperties(java.properties), `${java.keys}: user properties`);
}

/** Records by their keys, which every fixture message has its own of. */
const byKeys = (records: readonly SourceRecord<Uint8Array>[]) => new Map(records.map((r) => [r.keys.join(" "), r]));

type BatchReader = ReadableStreamDefaultReader<{ readonly records: readonly SourceRecord<Uint8Array>[] }>;

/**
 * Reads batches into `out` until `done()` or `deadline`. One read stays pending across idle ticks: a read
 * abandoned to a timer would take its batch with it.
 */
async function readUntil(reader: BatchReader, out: SourceRecord<Uint8Array>[], done: () => boolean, deadline: number): Promise<void> {
  let pending: ReturnType<BatchReader["read"]> | undefined;
  while (!done() && Date.now() < deadline) {
    pending ??= reader.read();
    const r = await Promise.race([pending, sleep(250).then(() => "idle" as const)]);
    if (r === "idle") continue;
    pending = undefined;
    if (r.done) return;
    out.push(...r.value.records);
  }
}

/** Reads `topic` with a filter until `expected` records arrived, then a little longer: a record the filter lets through wrongly shows. */
async function readFiltered(namesrv: string, topic: string, filter: { tag: string } | { sql: string }, expected: number): Promise<SourceRecord<Uint8Array>[]> {
  const source = new RocketMQSource({
    schema: BytesDeserializationSchema,
    onLog: () => undefined,
    options: { "nameserver.address": namesrv, "consumer.group": randomName("matrix_filter"), "consumer.topic": topic, longPollingMs: 500, ...filter },
  }).setStartFromEarliest();
  const reader = source.getReader();
  const out: SourceRecord<Uint8Array>[] = [];
  try {
    const deadline = Date.now() + 60_000;
    await readUntil(reader, out, () => out.length >= expected, deadline);
    const grace = Date.now() + 2000;
    await readUntil(reader, out, () => false, grace);
    return out;
  } finally {
    await reader.cancel();
  }
}

/** Writes `count` messages with our sink (remoting or gRPC) to `topic`; returns what it sent, by key. */
async function writeWithSink(broker: VersionBroker, kind: "remoting" | "grpc", topic: string, count: number): Promise<Map<string, OutgoingMessage>> {
  const transport: ProducerTransport = kind === "remoting"
    ? new RemotingProducerTransport({ nameServerAddress: broker.namesrv, producerGroup: randomName("matrix_pg"), sendTimeoutMs: 10_000 })
    : new GrpcProducerTransport({ endpoints: broker.endpoints!, topics: [topic], sendTimeoutMs: 10_000 });
  const sent = new Map<string, OutgoingMessage>();
  const sink = new RocketMQSink<number>({
    transport,
    toMessage: (i) => {
      const m: OutgoingMessage = {
        topic,
        // every fifth body above 4 KiB, where Java's producer would compress
        body: encoder.encode(`${kind} ${i} ✓ `.repeat(i % 5 === 0 ? 600 : 1 + i)),
        tags: i % 2 === 0 ? `tag-${kind}` : "标签",
        keys: [`${kind}-${i}`, `ключ-${i}`],
        properties: { i: String(i), "名前": `値 ${i} 🚀`, kind },
      };
      sent.set(`${kind}-${i} ключ-${i}`, m);
      return m;
    },
  });
  const writer = sink.writable().getWriter();
  for (let i = 0; i < count; i++) await writer.write(i);
  await writer.close();
  assert.is(sink.stats.acknowledged, count, `${kind} sink: every message acknowledged`);
  return sent;
}

function matrixSuite(version: string): void {
  const s = suite(`version matrix: RocketMQ ${version}`);
  const grpc = hasProxy(version);
  const base = randomName(`mx${version.replaceAll(".", "")}`);
  const topic = (c: (typeof CASES)[number]) => `${base}_${c}`;
  let broker: VersionBroker | undefined;
  let produced: JavaOutput = { messages: [], skipped: new Map() };
  let t0 = 0;
  let failed = false;
  const javaCase = (c: string) => produced.messages.filter((m) => m.case === c);
  const b = () => broker!;
  const test = (name: string, fn: () => Promise<void>) => s(name, async () => {
    try {
      await fn();
    } catch (err) {
      failed = true;
      throw err;
    }
  });

  s.before(async () => {
    try {
      await setUp();
    } catch (err) {
      // uvu reports a failing hook only as failed tests; say why
      console.error(`  [matrix ${version}] set-up failed: ${(err as Error).stack ?? String(err)}`);
      failed = true;
      throw err;
    }
  });

  async function setUp(): Promise<void> {
    t0 = Date.now();
    broker = startBroker(version);
    console.log(`  [matrix ${version}] broker ${broker.owned ? "started" : "shared"} (${broker.namesrv}) at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const client = new RemotingClient({ nameServerAddress: broker.namesrv, requestTimeoutMs: 10_000 });
    try {
      for (const c of CASES) await client.createTopic(topic(c), { queues: 4 });
      for (const c of CASES) {
        for (let i = 0; (await client.getRouteInfo(topic(c), { refresh: true }).catch(() => undefined)) === undefined; i++) {
          if (i > 50) throw new Error(`topic ${topic(c)} has no route on ${broker.namesrv}`);
          await sleep(200);
        }
      }
    } finally {
      await client.close();
    }
    produced = await runFixture(broker, "FixtureProducer", [broker.namesrv, base]);
    console.log(`  [matrix ${version}] Java fixtures written (${produced.messages.length} messages; not in this version: ${[...produced.skipped.keys()].join(", ") || "none"}) at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  s.after(() => {
    if (broker) stopBroker(broker, failed);
    console.log(`  [matrix ${version}] wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  test("Java zlib-compressed bodies, a Java batch and unicode keys/tags/properties: read byte-identical by RocketMQSource", async () => {
    for (const c of ["zlib", "batch", "unicode"] as const) {
      const java = javaCase(c);
      assert.ok(java.length > 0, `Java wrote ${c} messages`);
      const records = await readTopicWithSource(b().namesrv, topic(c), 90_000);
      const ours = byKeys(records);
      assert.is(ours.size, java.length, `${c}: as many messages read as Java wrote`);
      for (const m of java) assertSameMessage(ours.get(m.keys), m);
      if (c === "batch") console.log(`    Java batch of ${java.length}: stored with ${new Set(records.map((r) => r.properties.UNIQ_KEY)).size} distinct message id(s)`);
    }
    assert.ok(javaCase("zlib").some((m) => m.length > 4096), "some zlib bodies are above Java's 4 KiB compression threshold");
  });

  const compressed = "Java LZ4 and ZSTD bodies (setCompressType): read byte-identical by RocketMQSource";
  if (!grpc) {
    test(`${compressed}: not in ${version}, whose Java producer has no setCompressType`, async () => {
      assert.ok(produced.skipped.get("lz4")?.includes("setCompressType"), "the 4.x producer reported it cannot write LZ4");
      assert.ok(produced.skipped.get("zstd")?.includes("setCompressType"), "nor ZSTD");
    });
  } else {
    test(compressed, async () => {
      for (const c of ["lz4", "zstd"] as const) {
        const java = javaCase(c);
        assert.is(java.length, 3, `Java wrote 3 ${c} messages (skipped: ${produced.skipped.get(c)})`);
        const ours = byKeys(await readTopicWithSource(b().namesrv, topic(c), 90_000));
        assert.is(ours.size, java.length, `${c}: as many read as written`);
        for (const m of java) assertSameMessage(ours.get(m.keys), m);
      }
    });
  }

  test("a Java transaction: the committed message is read intact, the rolled-back one never", async () => {
    const java = javaCase("tx");
    const committed = java.filter((m) => !m.rolledBack);
    assert.is(committed.length, 1);
    assert.is(java.length - committed.length, 1, "one rolled back");
    await waitForStored(b().namesrv, topic("tx"), committed.length);
    const ours = byKeys(await readTopicWithSource(b().namesrv, topic("tx"), 90_000));
    assertSameMessage(ours.get(committed[0]!.keys), committed[0]!);
    assert.is(ours.size, 1, `only the committed message is in the topic: ${[...ours.keys()]}`);
  });

  test("Java delayed messages (delay level 1; a timer message where the version has one): delivered after the delay, intact", async () => {
    const java = javaCase("delay");
    assert.is(java.length, grpc ? 2 : 1, `delay level everywhere, timer on 5.x (skipped: ${produced.skipped.get("timer")})`);
    await waitForStored(b().namesrv, topic("delay"), java.length);
    const ours = byKeys(await readTopicWithSource(b().namesrv, topic("delay"), 90_000));
    assert.is(ours.size, java.length);
    for (const m of java) {
      const r = ours.get(m.keys);
      assertSameMessage(r, m);
      // stored in the topic only once the delay passed (timers fire on 1 s slots, hence the margin)
      assert.ok(r!.storeTimestamp - r!.bornTimestamp >= 900, `${m.keys}: stored ${r!.storeTimestamp - r!.bornTimestamp} ms after birth, delay ${m.delayMs}`);
    }
  });

  test("tag and SQL92 filters on Java-written messages", async () => {
    const java = javaCase("filter");
    assert.is(java.length, 10);
    const byTag = await readFiltered(b().namesrv, topic("filter"), { tag: "TagA" }, 5);
    assert.equal(byTag.map((r) => Number(r.properties.n)).sort(), [0, 2, 4, 6, 8], "tag TagA");
    const bySql = await readFiltered(b().namesrv, topic("filter"), { sql: "n >= 7" }, 3);
    assert.equal(bySql.map((r) => Number(r.properties.n)).sort(), [7, 8, 9], "SQL92 n >= 7");
    const ours = byKeys([...byTag, ...bySql]);
    for (const m of java) if (ours.has(m.keys)) assertSameMessage(ours.get(m.keys), m);
  });

  const v2 = "a retry topic above 127 characters (stored with the V2 magic code): Java's retried messages read intact by RocketMQSource";
  if (!grpc) {
    s.skip(`${v2} (not applicable: ${version} has no V2 magic code, its store refuses topics above 127 characters)`, async () => undefined);
  } else {
    test(v2, async () => {
      // a 5.x store takes a topic above 127 characters only as a retry topic, %RETRY%<group>
      const group = `${randomName("mx_retry")}_${"g".repeat(140)}`;
      const retryTopic = `%RETRY%${group}`;
      const out = await runFixture(b(), "FixtureRetryTopic", [b().namesrv, topic("retry"), group, "3"]);
      const reason = out.skipped.get("retry");
      if (reason !== undefined) {
        // the client refuses such groups; the claim is checked, not assumed
        assert.ok(/caps group names/.test(reason), reason);
        console.log(`    V2 retry topic: not reachable on ${version}: ${reason}`);
        return;
      }
      assert.is(out.messages.length, 3);
      assert.ok(retryTopic.length > 127, "the retry topic is longer than a V1 record's one-byte topic length holds");
      await waitForStored(b().namesrv, retryTopic, out.messages.length);
      const ours = byKeys(await readTopicWithSource(b().namesrv, retryTopic, 90_000));
      assert.is(ours.size, out.messages.length);
      for (const m of out.messages) assertSameMessage(ours.get(m.keys), m, retryTopic);
      console.log(`    V2 retry topic (${retryTopic.length} characters): ${ours.size} messages read`);
    });
  }

  const sinkCase = (kind: "remoting" | "grpc") => async () => {
    const t = topic(kind === "remoting" ? "sinkremoting" : "sinkgrpc");
    const sent = await writeWithSink(b(), kind, t, 20);
    // a send retried after a timeout on the busy machine may be stored twice (at-least-once): Java reads all stored
    const stored = [...(await endOffsets(b().namesrv, t)).values()].reduce((x, y) => x + y, 0);
    assert.ok(stored >= sent.size, `${stored} stored, ${sent.size} sent`);
    const read = await runFixture(b(), "FixtureConsumer", [b().namesrv, t, String(stored), "90000"]);
    const javaByKeys = new Map(read.messages.map((m) => [m.keys, m]));
    assert.is(read.messages.length, stored, `the Java consumer read ${read.messages.length} of ${stored}`);
    assert.ok(read.messages.every((m) => sent.has(m.keys)), "and only what the sink sent");
    for (const [keys, m] of sent) {
      const java = javaByKeys.get(keys);
      assert.ok(java, `Java read the message with keys ${keys}`);
      assert.is(java.sha256, sha256(m.body), `${keys}: body bytes`);
      assert.is(java.length, m.body.length);
      assert.is(java.tags, m.tags);
      assert.equal(userProperties(java.properties), userProperties(m.properties!), `${keys}: user properties`);
    }
  };
  test("our sink's messages over remoting: read back by the Java consumer of the same version", sinkCase("remoting"));
  if (grpc) test("our sink's messages over gRPC (the proxy): read back by the Java consumer", sinkCase("grpc"));
  else s.skip(`our sink's messages over gRPC (skipped: ${version} has no gRPC proxy; 4.x speaks remoting only)`, async () => undefined);

  test("group offsets our source committed show in that version's mqadmin consumerProgress", async () => {
    const t = topic("batch");
    const group = randomName("matrix_progress");
    const source = new RocketMQSource({
      schema: BytesDeserializationSchema,
      onLog: () => undefined,
      options: { "nameserver.address": b().namesrv, "consumer.group": group, "consumer.topic": t, longPollingMs: 500 },
    }).setStartFromEarliest();
    const reader = source.getReader();
    const read: SourceRecord<Uint8Array>[] = [];
    const deadline = Date.now() + 60_000;
    await readUntil(reader, read, () => read.length >= 8, deadline);
    await reader.cancel(); // commits what was emitted
    assert.is(read.length, 8);
    const ends = await endOffsets(b().namesrv, t);
    const out = mqadmin(b(), ["consumerProgress", "-n", b().namesrv, "-g", group]);
    // columns: topic, broker, queue id, broker offset, consumer offset, ...
    const rows = out.split("\n").filter((l) => l.startsWith(t)).map((l) => l.trim().split(/\s+/).slice(0, 5));
    const expected = [...ends].map(([q, end]) => [t, "broker-a", String(q), String(end), String(end)]);
    assert.equal(rows.sort(), expected.sort(), out);
  });

  s.run();
}

for (const version of MATRIX_VERSIONS) matrixSuite(version);
