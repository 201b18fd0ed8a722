/**
 * Routing records to topics and tags by their fields: the seed's
 * `SimpleTopicSelector(topicField, defaultTopic, tagField, defaultTag)`, and a
 * selector adapted to another record type with `contramapSelector`.
 *
 *   node examples/topic-selector.ts      (also: deno run -A, bun)
 */
import {
  contramapSelector,
  createSink,
  RemotingClient,
  SimpleKeyValueSerializationSchema,
  SimpleTopicSelector,
  type FieldRecord,
} from "../mod.ts";
import { ensureTopic, readTopic } from "./lib/sample-data.ts";

const namesrv = process.env.ROCKETMQ_NAMESRV || "127.0.0.1:9876";
const run = Date.now().toString(36);
const alerts = `example-alerts-${run}`, events = `example-events-${run}`;
const client = new RemotingClient({ nameServerAddress: namesrv });
await ensureTopic(client, alerts, 1);
await ensureTopic(client, events, 1);

type Reading = { sensor: string; celsius: number };

// records that name their topic go there; the others go to `events`; the tag is the `level` field
const byField = SimpleTopicSelector("topic", events, "level", "info");
// the same selector for Readings: hot ones are alerts
const selector = contramapSelector((r: Reading): FieldRecord => (r.celsius > 30 ? { topic: alerts, level: "hot" } : {}))(byField);

const sink = createSink({
  serializer: SimpleKeyValueSerializationSchema("sensor", "celsius"),
  topicSelector: selector,
  options: { "nameserver.address": namesrv },
});
const readings: Reading[] = [
  { sensor: "roof", celsius: 31.5 }, { sensor: "hall", celsius: 21 },
  { sensor: "lab", celsius: 19.5 }, { sensor: "boiler", celsius: 74 },
];
await sink.write(readings);
await sink.close();

for (const topic of [alerts, events]) {
  const stored = await readTopic(client, topic);
  console.log(`${topic.split("-")[1]}: ${stored.map((m) => `${m.keys.join(" ")}=${m.text} [${m.tags}]`).join(", ")}`);
}
await client.close();
