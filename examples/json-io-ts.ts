/**
 * JSON records checked by an io-ts codec, both ways: the sink refuses a value
 * that does not match the codec, and the source decodes bodies with it. A
 * malformed message on the topic is skipped (counted) under the `skip`
 * decode-failure policy; the default, `fail`, would error the stream with
 * the offset and the raw bytes.
 *
 *   node examples/json-io-ts.ts      (also: deno run -A, bun)
 */
import * as t from "io-ts";
import {
  createMessageSink,
  createSink,
  DefaultTopicSelector,
  JsonDeserializationSchema,
  JsonSerializationSchema,
  RemotingClient,
  RocketMQSource,
} from "../mod.ts";
import { ensureTopic } from "./lib/sample-data.ts";

const Order = t.type({ id: t.string, amount: t.number, items: t.array(t.string) });
type Order = t.TypeOf<typeof Order>;

const namesrv = process.env.ROCKETMQ_NAMESRV || "127.0.0.1:9876";
const topic = `example-json-${Date.now().toString(36)}`;
const client = new RemotingClient({ nameServerAddress: namesrv });
await ensureTopic(client, topic, 1);
await client.close();

// write: the serializer checks every value against the codec
const sink = createSink({
  serializer: JsonSerializationSchema(Order),
  topicSelector: DefaultTopicSelector<Order>(topic, "orders"),
  options: { "nameserver.address": namesrv },
});
await sink.write([
  { id: "o-1", amount: 12.5, items: ["tea"] },
  { id: "o-2", amount: 40, items: ["rice", "soy sauce"] },
]);
const refused = await sink.write([{ id: "o-3", amount: "lots" } as unknown as Order]).catch((e: Error & { code?: string }) => e);
console.log(`refused by the sink: ${refused instanceof Error ? `${refused.code} ${refused.message}` : "nothing?"}`);
await sink.close();

// someone else writes a body that is not an Order
const raw = createMessageSink({ "nameserver.address": namesrv });
await raw.write([{ topic, body: new TextEncoder().encode('{"id":"o-4","amount":"n/a"}') }, { topic, body: new TextEncoder().encode('{"id":"o-5","amount":3,"items":[]}') }]);
await raw.close();

// read: decoded and checked by the same codec; the bad one is skipped
const source = new RocketMQSource({
  schema: JsonDeserializationSchema(Order),
  options: { "nameserver.address": namesrv, "consumer.group": `${topic}-reader`, "consumer.topic": topic, decodeFailurePolicy: "skip" },
}).setStartFromEarliest();
const orders: Order[] = [];
const reader = source.getReader();
while (orders.length + source.stats.skipped < 4) {
  const { value: batch } = await reader.read();
  for (const record of batch?.records ?? []) orders.push(record.value);
}
await reader.cancel(); // stops pulling, commits the group's offsets, closes connections
for (const o of orders) console.log(`order ${o.id}: ${o.amount.toFixed(2)} for ${o.items.join(", ") || "(no items)"}`);
console.log(`skipped ${source.stats.skipped} record(s) that are not Orders`);
