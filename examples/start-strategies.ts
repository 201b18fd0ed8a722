/**
 * The five start strategies on one queue of ten messages (offsets 0..9):
 * where a fresh source begins reading under each.
 *
 *   node examples/start-strategies.ts      (also: deno run -A, bun)
 *
 * env: ROCKETMQ_NAMESRV (default 127.0.0.1:9876). Creates its own topic.
 */
import { createMessageSink, RemotingClient, RocketMQSource, Utf8DeserializationSchema, type SourceRecord } from "../mod.ts";
import { ensureTopic } from "./lib/sample-data.ts";

const namesrv = process.env.ROCKETMQ_NAMESRV || "127.0.0.1:9876";
const topic = `example-start-${Date.now().toString(36)}`;
const client = new RemotingClient({ nameServerAddress: namesrv });
await ensureTopic(client, topic, 1);
const [queue] = await client.readableQueues(topic);

const encoder = new TextEncoder();
const producer = createMessageSink({ "nameserver.address": namesrv });
const send = (from: number, to: number) =>
  producer.write(Array.from({ length: to - from }, (_, i) => ({ topic, body: encoder.encode(`m-${from + i}`) })));

await send(0, 5);
await new Promise((r) => setTimeout(r, 50));
const middle = Date.now(); // stored after m-4, before m-5
await new Promise((r) => setTimeout(r, 50));
await send(5, 10);

/** A source over `topic` for `group`; highWaterMark 0: pull only when read. */
const sourceFor = (group: string, batchSize = 32) => new RocketMQSource({
  schema: Utf8DeserializationSchema,
  options: { "nameserver.address": namesrv, "consumer.group": group, "consumer.topic": topic, "consumer.batch.size": batchSize },
  highWaterMark: 0,
});

/** Reads one batch and stops (cancel commits what was emitted to the group). */
async function firstBatch(source: RocketMQSource<string>): Promise<readonly SourceRecord<string>[]> {
  const reader = source.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return value?.records ?? [];
}
const show = (name: string, records: readonly SourceRecord<string>[]) =>
  console.log(`${name.padEnd(16)} first offset ${records[0]?.queueOffset}, value ${records[0]?.value}`);

show("earliest", await firstBatch(sourceFor(`${topic}-a`).setStartFromEarliest()));
show("timestamp", await firstBatch(sourceFor(`${topic}-b`).setStartFromTimeStamp(middle)));
show("specific offset", await firstBatch(sourceFor(`${topic}-c`).setStartFromSpecificOffsets(new Map([[queue!, 7]]))));

// group offsets: a first reader of group d consumes one batch of 4 and stops; the group's offset is now 4
await firstBatch(sourceFor(`${topic}-d`, 4).setStartFromEarliest());
show("group offsets", await firstBatch(sourceFor(`${topic}-d`).setStartFromGroupOffsets()));

// latest: only what is stored after the source took its queue
const latest = sourceFor(`${topic}-e`).setStartFromLatest();
await latest.rebalance(); // join the group and resolve start offsets now
await send(10, 11);
show("latest", await firstBatch(latest));

await producer.close();
await client.close();
