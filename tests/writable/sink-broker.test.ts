/**
 * The sink over both transports (remoting: our client; gRPC: the proxy through
 * rocketmq-client-nodejs's Producer), against the real broker: every mode stores every record exactly as given, read back by
 * the official client's SimpleConsumer, by the toolkit's own RocketMQSource, and
 * (a few records) by the Java mqadmin; in batch mode a completed epoch means
 * everything before its barrier is on the broker; bad input fails at its write.
 *
 * SINK_ROUNDTRIP_N sets the record count of the round trips (default 2000; the figure is 10000).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { InputError } from "../../src/errors.ts";
import { batchOf } from "../../src/offsets/flow.ts";
import { checkpoint } from "../../src/offsets/checkpoint.ts";
import { createProducerTransport } from "../../src/writable/create-sink.ts";
import { RocketMQSink } from "../../src/writable/rocketmq-sink.ts";
import { parseSinkOptions } from "../../src/writable/sink-options.ts";
import type { OutgoingMessage } from "../../src/writable/outgoing-message.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { cluster, createTopic, mqadmin, randomName } from "../fixture/broker.ts";
import { GrpcReadback } from "../fixture/grpc-readback.ts";
import { parseQueryMsgById, readTopicWithSource, userProperties } from "./source-readback.ts";

const N = Number(process.env.SINK_ROUNDTRIP_N ?? 2000);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Row { id: number; text: string }

function toMessage(topic: string) {
  return (row: Row): OutgoingMessage => ({
    topic,
    body: encoder.encode(JSON.stringify(row)),
    tags: `tag${row.id % 3}`,
    keys: [`key-${row.id}`],
    properties: { rowId: String(row.id), note: "ünïcödé ✓" },
  });
}

function rows(n: number): Row[] {
  return Array.from({ length: n }, (_, id) => ({ id, text: `row ${id} ${"x".repeat(id % 50)}` }));
}

function assertStoredExactly(received: Map<string, import("rocketmq-client-nodejs").MessageView>, expected: Row[]): void {
  const byId = new Map<number, Row>();
  for (const m of received.values()) {
    const row = JSON.parse(decoder.decode(m.body)) as Row;
    assert.not.ok(byId.has(row.id), `row ${row.id} stored twice`);
    byId.set(row.id, row);
    assert.is(m.tag, `tag${row.id % 3}`);
    assert.equal(m.keys, [`key-${row.id}`]);
    assert.is(m.properties.get("rowId"), String(row.id));
    assert.is(m.properties.get("note"), "ünïcödé ✓");
  }
  assert.is(byId.size, expected.length, "every record stored once");
  for (const row of expected) assert.equal(byId.get(row.id), row);
}

/** A view of the same bytes as a plain Uint8Array (uvu's equal also compares constructors: Buffer vs Uint8Array). */
const plain = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The same comparison for what the toolkit's source read: byte-identical bodies, tags, keys, exactly the user properties. */
function assertSourceReadExactly(records: readonly SourceRecord<Uint8Array>[], expected: Row[], make: (row: Row) => OutgoingMessage): void {
  const seen = new Set<number>();
  for (const r of records) {
    const row = JSON.parse(decoder.decode(r.body)) as Row;
    assert.not.ok(seen.has(row.id), `row ${row.id} read twice by the source`);
    seen.add(row.id);
    const want = make(expected[row.id]!);
    assert.equal(plain(r.body), plain(want.body), `row ${row.id} body`);
    assert.is(r.tags, want.tags);
    assert.equal([...r.keys], want.keys);
    assert.equal(userProperties(r.properties), userProperties(want.properties!));
  }
  assert.is(seen.size, expected.length, "the source read every record once");
}

const TRANSPORTS = {
  remoting: () => ({ "nameserver.address": cluster().namesrv }),
  grpc: () => ({ endpoints: cluster().endpoints }),
} as const;
const transport = (kind: keyof typeof TRANSPORTS) => createProducerTransport(parseSinkOptions(TRANSPORTS[kind]()));

const s = suite("sink over remoting and gRPC");

for (const kind of ["remoting", "grpc"] as const) {

for (const mode of ["sync", "async", "batch"] as const) {
  s(`${kind} ${mode}: ${N} records round trip with bodies, keys, tags and properties intact${mode === "batch" ? " (batchWritable, 37 per chunk)" : ""}`, async () => {
    const topic = randomName(`sink_${mode}`);
    createTopic(topic, 4);
    const readback = new GrpcReadback(topic, randomName("readback"));
    await readback.start();
    const producer = transport(kind);
    // count the batch requests: batch mode must really send several messages per request on both protocols
    let batchRequests = 0;
    const sendBatch = producer.sendBatch?.bind(producer);
    if (sendBatch) producer.sendBatch = (messages) => (batchRequests++, sendBatch(messages));
    const ackedIds = new Set<string>();
    const sink = new RocketMQSink<Row>({
      transport: producer,
      toMessage: toMessage(topic),
      onAck: (receipt) => ackedIds.add(receipt.msgId),
    }).withAsync(mode === "async").withBatchFlushOnCheckpoint(mode === "batch");
    const input = rows(N);
    try {
      if (mode === "batch") {
        // batch mode through batchWritable(), in chunks that straddle the 64-message send batches
        const w = sink.batchWritable().getWriter();
        for (let i = 0; i < input.length; i += 37) await w.write(input.slice(i, i + 37));
        await w.close();
      } else {
        const w = sink.writable().getWriter();
        for (const row of input) await w.write(row);
        await w.close();
      }
      assert.equal(sink.stats, { acknowledged: N, unacknowledged: 0, outages: 0, resent: 0 });
      if (mode === "batch") assert.ok(batchRequests >= Math.floor(N / 64), `${kind}: ${batchRequests} batch requests for ${N} records`);
      else assert.is(batchRequests, 0, `${kind} ${mode}: no batch requests`);
      const received = await readback.receive(N);
      assertStoredExactly(received, input);
      // the toolkit's own source, from the earliest offset, agrees
      const fromSource = await readTopicWithSource(cluster().namesrv, topic);
      assertSourceReadExactly(fromSource, input, toMessage(topic));
      // every receipt names a stored message: the acknowledged ids are exactly the stored messages' UNIQ_KEYs
      assert.equal([...ackedIds].sort(), fromSource.map((r) => r.properties.UNIQ_KEY!).sort(), `${kind} ${mode}: receipt ids = stored ids`);
      // and so does the Java tool, on the first, a middle and the last record
      const byRow = new Map(fromSource.map((r) => [(JSON.parse(decoder.decode(r.body)) as Row).id, r]));
      const sampleRows = [0, N >> 1, N - 1];
      const ids = sampleRows.map((id) => byRow.get(id)!.properties.UNIQ_KEY!);
      const out = mqadmin(["queryMsgById", "-n", cluster().namesrv, "-t", topic, "-i", ids.join(",")]);
      const views = parseQueryMsgById(out);
      sampleRows.forEach((id, i) => {
        const view = views.get(ids[i]!);
        assert.ok(view, `mqadmin found message ${ids[i]} (row ${id}):\n${out}`);
        const want = toMessage(topic)(input[id]!);
        assert.is(view.topic, topic);
        assert.is(view.tags, want.tags);
        assert.equal(view.keys, want.keys);
        assert.equal(userProperties(view.properties), userProperties(want.properties!));
        assert.equal(view.body && plain(view.body), plain(want.body), `row ${id}: the body mqadmin saved`);
      });
    } finally {
      await readback.close();
    }
  });
}

s(`${kind} batch mode: when an epoch completes, every record before its barrier is on the broker`, async () => {
  const topic = randomName("sink_epoch");
  createTopic(topic, 2);
  const readback = new GrpcReadback(topic, randomName("readback"));
  await readback.start();
  const sink = new RocketMQSink<Row & { queue: { topic: string; brokerName: string; queueId: number }; queueOffset: number }>({
    transport: transport(kind),
    toMessage: toMessage(topic),
    batchMaxMessages: 1000, // larger than an epoch: only the barrier's flush sends
  }).withBatchFlushOnCheckpoint(true);
  const cp = checkpoint({ pipelineId: randomName("pipeline"), intervalMs: 60_000 });
  const queue = { topic: "upstream", brokerName: "b", queueId: 0 };
  // Write straight into the checkpoint stream: its write() resolves once the
  // batch has passed it, so the barrier requested next comes after the batch.
  // (Through an extra identity TransformStream, Deno may still hold the batch
  // upstream when the barrier is injected; the epoch would then rightly be empty.)
  const checkpoints = cp.stream<Row & { queue: typeof queue; queueOffset: number }>();
  const done = checkpoints.readable.pipeTo(cp.sink(sink));
  const writer = checkpoints.writable.getWriter();
  try {
    let offset = 0;
    for (let epoch = 1; epoch <= 3; epoch++) {
      const epochRows = rows(150).map((r) => ({ ...r, id: offset + r.id, queue, queueOffset: offset + r.id }));
      offset += epochRows.length;
      await writer.write(batchOf(epochRows));
      const completed = await cp.requestCheckpoint();
      assert.is(completed.epoch, epoch);
      assert.is(completed.offsets.get("upstream@b@0"), offset, "the barrier covers every record written before it");
      assert.is(sink.stats.acknowledged, offset, `epoch ${epoch}: the broker acknowledged every record before the barrier`);
      // read back only now: the epoch's completion is the claim under test
      const got = await readback.receive(offset, 30_000);
      assert.is(got.size, offset, `epoch ${epoch}: all ${offset} records before the barrier are readable`);
    }
    await writer.close();
    await done;
  } finally {
    await readback.close();
  }
});

s(`${kind}: bad input fails at the write that carries it; earlier records are unaffected`, async () => {
  const topic = randomName("sink_bad");
  createTopic(topic, 2);
  const readback = new GrpcReadback(topic, randomName("readback"));
  await readback.start();
  const sink = new RocketMQSink<Row>({
    transport: transport(kind),
    toMessage: (row) => {
      if (row.id === 3) throw new Error("serializer exploded");
      if (row.id === 4) return { ...toMessage(topic)(row), topic: "bad topic" };
      if (row.id === 5) return { ...toMessage(topic)(row), body: new Uint8Array(4 * 1024 * 1024 + 1) };
      return toMessage(topic)(row);
    },
  });
  try {
    await sink.write(rows(3));
    for (const [id, pattern] of [[3, /record 3 could not be turned into a message: serializer exploded/],
      [4, /topic: topic must match .*got "bad topic"/],
      [5, /message\.body is 4194305 bytes, above the limit of 4194304/]] as const) {
      const err = await sink.write([{ id, text: "" }]).then(() => undefined, (e: unknown) => e);
      assert.instance(err, InputError, `record ${id}`);
      assert.match((err as Error).message, pattern);
    }
    await sink.close();
    const got = await readback.receive(3, 20_000);
    assert.is(got.size, 3, "the three good records are stored");
  } finally {
    await readback.close();
  }
});

}

s("options: seed keys with defaults, and errors that name the key and value", () => {
  const o = parseSinkOptions({ "nameserver.address": "127.0.0.1:9876" });
  assert.is(o.retryTimes, 3);
  assert.is(o.sendTimeoutMs, 3000);
  assert.match(o.producerGroup, /^rmqws-producer-[0-9a-f-]{36}$/);
  assert.throws(() => parseSinkOptions({ "nameserver.address": "127.0.0.1:9876", "producer.retry.times": "many" }),
    /option "producer\.retry\.times" has value "many": expected non-negative integer/);
  assert.throws(() => parseSinkOptions({ "nameserver.address": "127.0.0.1:9876", "producer.grup": "x" }), /unknown option "producer\.grup"/);
  assert.throws(() => parseSinkOptions({}), /give exactly one of "nameserver\.address"/);
});

s.run();
