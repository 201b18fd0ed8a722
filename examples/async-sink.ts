/**
 * The sink in async mode: sends are pipelined (at most `maxInFlight`
 * unacknowledged), `close()` waits for every acknowledgement, and the first
 * failure errors the stream with a SendError that counts what was not
 * acknowledged. Here a plain `ReadableStream` of 2000 records is piped into
 * `sink.writable()`, without checkpoints.
 *
 *   node examples/async-sink.ts      (also: deno run -A, bun)
 */
import { createSink, DefaultTopicSelector, RemotingClient, SimpleKeyValueSerializationSchema } from "../mod.ts";
import { endOffsets, ensureTopic } from "./lib/sample-data.ts";

const namesrv = process.env.ROCKETMQ_NAMESRV || "127.0.0.1:9876";
const topic = `example-async-${Date.now().toString(36)}`;
const client = new RemotingClient({ nameServerAddress: namesrv });
await ensureTopic(client, topic, 4);

const sink = createSink({
  serializer: SimpleKeyValueSerializationSchema("id", "text"),
  topicSelector: DefaultTopicSelector(topic),
  options: { "nameserver.address": namesrv, maxInFlight: 128 },
}).withAsync(true);

const count = 2000;
let i = 0;
const records = new ReadableStream<{ id: string; text: string }>({
  pull(controller) {
    if (i === count) return controller.close();
    controller.enqueue({ id: `k-${i}`, text: `record ${i++}` });
  },
});
const started = Date.now();
await records.pipeTo(sink.writable()); // resolves once the broker acknowledged everything
const seconds = (Date.now() - started) / 1000;
console.log(`acknowledged ${sink.stats.acknowledged} of ${count}, ${sink.stats.unacknowledged} pending, ${(count / seconds).toFixed(0)} msg/s`);

const stored = [...(await endOffsets(client, topic)).values()].reduce((a, b) => a + b, 0);
console.log(`the broker holds ${stored} messages in ${topic}`);
await client.close();
