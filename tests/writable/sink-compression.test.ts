/**
 * The remoting sink compressing like Java's producer, against the real
 * broker, one codec at a time: bodies at or above the threshold are stored
 * compressed (the codec in sysFlag bits 8-10), the rest as given, and every
 * body reads back intact through the toolkit's pull, its source, and Java's
 * mqadmin (a peer no one here wrote; it decompresses LZ4 with lz4-java).
 *
 * Not through the gRPC proxy: the proxy hands a compressed body on as is,
 * marked GZIP whatever the codec, and rocketmq-client-nodejs 1.0.8 gunzips
 * it, which fails ("incorrect header check") even on Java's own default,
 * zlib. That is why the sink compresses only when asked to.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import { CompressionType, MessageSysFlag } from "../../src/remoting/message/message-const.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";
import { createProducerTransport } from "../../src/writable/create-sink.ts";
import type { OutgoingMessage } from "../../src/writable/outgoing-message.ts";
import { RocketMQSink } from "../../src/writable/rocketmq-sink.ts";
import { parseSinkOptions } from "../../src/writable/sink-options.ts";
import { cluster, mqadmin, randomName } from "../fixture/broker.ts";
import { prng } from "../fixture/prng.ts";
import { freshTopic, newClient, pullAll } from "../remoting/client-helpers.ts";
import { parseQueryMsgById } from "./source-readback.ts";

const s = suite("sink compression (broker)");
const client = newClient();
s.after(() => client.close());

const utf8 = new TextEncoder();
const rand = prng(99);
const BODIES = {
  small: utf8.encode("below the threshold"),
  text: utf8.encode(Array.from({ length: 2000 }, (_, i) => `line ${i % 97} of a compressible body`).join("\n")),
  noise: Uint8Array.from({ length: 6000 }, () => Math.floor(rand() * 256)),
} as const;
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

const CODECS = [["zlib", CompressionType.ZLIB], ["lz4", CompressionType.LZ4], ["zstd", CompressionType.ZSTD]] as const;

s("zlib, lz4, zstd: bodies from the threshold on are stored compressed with the codec; all read back intact (pull, source, mqadmin)", async () => {
  const topic = await freshTopic(client, "sink_cmp", 1);
  for (const [name] of CODECS) {
    const transport = createProducerTransport(parseSinkOptions({
      "nameserver.address": cluster().namesrv, compressType: name, compressThresholdBytes: 1000,
    }));
    const sink = new RocketMQSink<OutgoingMessage>({ transport, toMessage: (m) => m });
    try {
      const w = sink.writable().getWriter();
      for (const [key, body] of Object.entries(BODIES)) await w.write({ topic, body, keys: [key], properties: { which: key, codec: name } });
      await w.close();
    } finally {
      await transport.close();
    }
  }
  const bodyOf = (which: string | undefined) => BODIES[which as keyof typeof BODIES];
  const order = CODECS.flatMap(([name]) => Object.keys(BODIES).map((k) => `${name}/${k}`));

  const stored = await pullAll(client, { topic, brokerName: "broker-a", queueId: 0 }, order.length);
  assert.equal(stored.map((m) => `${m.properties.codec}/${m.properties.which}`), order);
  const codecs = stored.map((m) => (m.sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK) >> 8);
  assert.equal(codecs, CODECS.flatMap(([, codec]) => [0, codec, 0]), "only the compressible body above the threshold is compressed");
  for (const m of stored) assert.ok(same(m.body, bodyOf(m.properties.which)), `pull: ${m.properties.codec}/${m.properties.which}`);

  const source = new RocketMQSource({
    schema: BytesDeserializationSchema, onLog: () => undefined,
    options: { "nameserver.address": cluster().namesrv, "consumer.group": randomName("sink_cmp"), "consumer.topic": topic, longPollingMs: 1000 },
  }).setStartFromEarliest();
  const reader = source.getReader();
  const got: Array<[string, Uint8Array]> = [];
  const timer = setTimeout(() => void reader.cancel(), 30_000);
  while (got.length < order.length) {
    const r = await reader.read();
    if (r.done) break;
    for (const rec of r.value.records) got.push([`${rec.properties.codec}/${rec.properties.which}`, rec.value]);
  }
  clearTimeout(timer);
  await reader.cancel();
  assert.equal(got.map(([k]) => k), order);
  for (const [k, v] of got) assert.ok(same(v, bodyOf(k.split("/")[1])), `source: ${k}`);

  // Java reads them too: mqadmin decompresses with the codec's Java library (lz4-java for LZ4)
  const ids = stored.map((m) => m.properties.UNIQ_KEY!);
  const out = mqadmin(["queryMsgById", "-n", cluster().namesrv, "-t", topic, "-i", ids.join(",")]);
  const views = parseQueryMsgById(out);
  for (const m of stored) {
    const view = views.get(m.properties.UNIQ_KEY!);
    assert.ok(view?.body, `mqadmin read ${m.properties.codec}/${m.properties.which}:\n${out}`);
    assert.ok(same(view.body, m.body), `mqadmin: ${m.properties.codec}/${m.properties.which}`);
  }
});

s.run();
