/**
 * Compressed and undecodable messages against the real broker. The messages
 * are sent through the remoting client with the compressed sysFlag bits set
 * over bodies compressed here (or over bytes no codec wrote), so the broker
 * stores exactly what a Java producer with `setCompressType(...)` would.
 *
 * One topic, three queues. Queue 0 holds good messages (plain, LZ4, ZSTD,
 * zlib) with four undecodable ones between them: an unknown codec, a
 * truncated LZ4 frame, a corrupt ZSTD frame and a zlib body that inflates
 * past the 64 MiB limit. Queues 1 and 2 hold only good messages. Each
 * decode-failure policy reads the whole topic.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DecodeFailedError, ProtocolError } from "../../src/errors.ts";
import { DLQ_ORIGIN_SYS_FLAG } from "../../src/readable/decode-pulled.ts";
import type { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { compressBody, compressionTypeOf } from "../../src/remoting/message/compression.ts";
import { CompressionType } from "../../src/remoting/message/message-const.ts";
import { freshTopic, group, newClient, queueOf, readRecords, sleep, utf8, utf8Source } from "./helpers.ts";

const s = suite("readable/poison messages (broker)");
const client = newClient();
s.after(() => client.close());

const PRODUCER = { producerGroup: "poison_test_producer" };
const LZ4_TEXT = "lz4 body, ".repeat(500);
const ZSTD_TEXT = "zstd body; ".repeat(500);
const ZLIB_TEXT = "zlib body. ".repeat(500);

interface Poison { readonly offset: number; readonly codec: number; readonly body: Uint8Array; readonly why: RegExp }

let topic = "";
/** Queue 0's undecodable messages, by queue offset. */
const poisons: Poison[] = [];
/** What every policy but `fail` delivers, per queue, in order. */
const expected: string[][] = [[], [], []];

s.before(async () => {
  topic = await freshTopic(client, "poison", 3);
  const q0 = queueOf(topic, 0);
  const send = async (body: Uint8Array, compressionType?: number) =>
    (await client.send(q0, { body, tags: "t", keys: "k", ...(compressionType === undefined ? {} : { compressionType }) }, PRODUCER)).queueOffset;
  const good = async (text: string, codec?: number) => {
    const body = codec === undefined ? utf8.encode(text) : compressBody(utf8.encode(text), codec, 5).body;
    await send(body, codec);
    expected[0]!.push(text);
  };
  const bad = async (body: Uint8Array, codec: number, why: RegExp) => {
    poisons.push({ offset: await send(body, codec), codec, body, why });
  };
  const lz4 = compressBody(utf8.encode("the frame is cut short ".repeat(50)), CompressionType.LZ4, 5).body;
  const zstd = compressBody(utf8.encode("the frame is scrambled ".repeat(50)), CompressionType.ZSTD, 5).body.slice();
  for (let i = 6; i < zstd.length - 4; i++) zstd[i] = (zstd[i]! * 31 + 7) & 0xff;
  const bomb = compressBody(new Uint8Array((64 << 20) + 1), CompressionType.ZLIB, 9).body;

  await good("good-0");
  await good(LZ4_TEXT, CompressionType.LZ4);
  await good(ZSTD_TEXT, CompressionType.ZSTD);
  await bad(utf8.encode("codec five does not exist"), 5, /unknown codec 5/);
  await good("good-4");
  await bad(lz4.subarray(0, lz4.length - 6), CompressionType.LZ4, /LZ4/);
  await good(ZLIB_TEXT, CompressionType.ZLIB);
  await bad(zstd, CompressionType.ZSTD, /ZSTD/);
  await bad(bomb, CompressionType.ZLIB, /zlib/);
  await good("good-9");
  for (const q of [1, 2]) {
    for (let i = 0; i < 5; i++) {
      const text = `q${q}-${i}`;
      await client.send(queueOf(topic, q), { body: utf8.encode(text) }, PRODUCER);
      expected[q]!.push(text);
    }
  }
  assert.equal(poisons.map((p) => p.offset), [3, 5, 7, 8]);
});

function byQueue(records: readonly SourceRecord<string>[]): string[][] {
  const out: string[][] = [[], [], []];
  for (const r of records) out[r.queueId]!.push(r.value);
  return out;
}

function ascendingPerQueue(records: readonly SourceRecord<string>[]): void {
  const last = new Map<number, number>();
  for (const r of records) {
    assert.ok((last.get(r.queueId) ?? -1) < r.queueOffset, `queue ${r.queueId} in order`);
    last.set(r.queueId, r.queueOffset);
  }
}

const total = () => expected.reduce((n, q) => n + q.length, 0);

/**
 * Reads until the stream ends or errors, collecting the records of each chunk. A source that never errors would
 * hang the test: the reader is cancelled after 30 s.
 */
async function readUntilError<C>(reader: ReadableStreamDefaultReader<C>, recordsOf: (chunk: C) => readonly SourceRecord<string>[]):
  Promise<{ got: SourceRecord<string>[]; error: unknown }> {
  const got: SourceRecord<string>[] = [];
  let error: unknown;
  const timer = setTimeout(() => void reader.cancel(new Error("no error within 30 s")), 30_000);
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      got.push(...recordsOf(r.value));
    }
  } catch (e) {
    error = e;
  } finally {
    clearTimeout(timer);
  }
  return { got, error };
}

async function readAll(source: RocketMQSource<string>): Promise<SourceRecord<string>[]> {
  const reader = source.getReader();
  try {
    const got = await readRecords(reader, total(), 30_000);
    assert.equal((await readRecords(reader, 1, 1500)).length, 0, "nothing more");
    return got;
  } finally {
    await reader.cancel();
  }
}

s("skip: every good message of every queue arrives in order, LZ4 and ZSTD decoded; the four undecodable ones are counted", async () => {
  const source = utf8Source(topic, group("poison_skip"), { options: { decodeFailurePolicy: "skip" } }).setStartFromEarliest();
  const got = await readAll(source);
  ascendingPerQueue(got);
  assert.equal(byQueue(got), expected);
  assert.equal(got.filter((r) => r.queueId === 0).map((r) => r.queueOffset), [0, 1, 2, 4, 6, 9]);
  assert.is(source.stats.skipped, 4);
  assert.is(source.stats.deadLettered, 0);
});

s("dead-letter: the same delivery; the DLQ topic holds each undecodable message's stored body and sysFlag", async () => {
  const dlt = await freshTopic(client, "poison_dlt", 1);
  const source = utf8Source(topic, group("poison_dl"), { options: { decodeFailurePolicy: "dead-letter", deadLetterTopic: dlt } })
    .setStartFromEarliest();
  const got = await readAll(source);
  ascendingPerQueue(got);
  assert.equal(byQueue(got), expected);
  assert.is(source.stats.deadLettered, 4);
  assert.is(source.stats.skipped, 0);

  const dead = (await client.pull(queueOf(dlt, 0), { consumerGroup: "poison_dlt_check", queueOffset: 0, maxMsgNums: 32 })).messages;
  assert.equal(dead.map((m) => Number(m.properties.DLQ_ORIGIN_QUEUE_OFFSET)), poisons.map((p) => p.offset));
  for (const [i, m] of dead.entries()) {
    const p = poisons[i]!;
    assert.is(m.decodeError, undefined, "dead letters are stored plain");
    assert.ok(m.body.length === p.body.length && m.body.every((b, j) => b === p.body[j]), `offset ${p.offset}: the stored bytes, still compressed`);
    const sysFlag = Number(m.properties[DLQ_ORIGIN_SYS_FLAG]);
    assert.is(sysFlag & 1, 1, "compressed bit kept");
    assert.is(compressionTypeOf(sysFlag), p.codec);
    assert.is(m.properties.DLQ_ORIGIN_TOPIC, topic);
    assert.is(m.properties.DLQ_ORIGIN_QUEUE_ID, "0");
    assert.match(m.properties.DLQ_DECODE_ERROR!, p.why);
    assert.is(m.tags, "t");
    assert.equal(m.keys, ["k"]);
  }
});

s("fail: the records before the first undecodable message arrive, then the stream errors naming topic, broker, queue and offset", async () => {
  const consumerGroup = group("poison_fail");
  // room for every batch, and a reader that starts late: the batches wait in the stream's queue,
  // which erroring the stream would discard, so the error has to wait until they are read
  const source = utf8Source(topic, consumerGroup, { highWaterMark: 8, options: { decodeFailurePolicy: "fail", "consumer.batch.size": 32 } })
    .setStartFromEarliest();
  const reader = source.getReader();
  await sleep(3000);
  const { got, error } = await readUntilError(reader, (batch) => batch.records);
  assert.instance(error, DecodeFailedError, `got ${error}`);
  const e = error as DecodeFailedError;
  assert.equal(e.location && { ...e.location, msgId: undefined }, { topic, brokerName: "broker-a", queueId: 0, queueOffset: 3, msgId: undefined });
  assert.match(e.message, /unknown codec 5/);
  assert.match(e.message, new RegExp(`topic ${topic}, broker broker-a, queue 0, offset 3`));
  assert.is(e.field, "body");
  assert.equal(e.raw, poisons[0]!.body);
  assert.instance(e.cause, ProtocolError);
  ascendingPerQueue(got);
  assert.equal(byQueue(got)[0], ["good-0", LZ4_TEXT, ZSTD_TEXT], "queue 0 up to the failure, nothing after it");
  for (const q of [1, 2]) assert.equal(byQueue(got)[q], expected[q]!.slice(0, byQueue(got)[q]!.length), `queue ${q}: a prefix`);
  // the queue's consumed offset stops at the failure, so a restart reads it again
  let committed: number | undefined;
  for (let i = 0; i < 50 && committed !== 3; i++) {
    committed = await client.queryConsumerOffset(consumerGroup, queueOf(topic, 0));
    if (committed !== 3) await sleep(100);
  }
  assert.is(committed, 3);
});

s("fail, one record per chunk (records()): every record before the undecodable one is read, then the error", async () => {
  const source = utf8Source(topic, group("poison_fail_rec"), { highWaterMark: 8, options: { decodeFailurePolicy: "fail" } }).setStartFromEarliest();
  const reader = source.records().getReader();
  await sleep(3000); // batches wait in the source's queue meanwhile
  const { got, error } = await readUntilError(reader, (record) => [record]);
  assert.instance(error, DecodeFailedError, `got ${error}`);
  assert.is((error as DecodeFailedError).location?.queueOffset, 3);
  ascendingPerQueue(got);
  assert.equal(byQueue(got)[0], ["good-0", LZ4_TEXT, ZSTD_TEXT]);
});

s.run();
