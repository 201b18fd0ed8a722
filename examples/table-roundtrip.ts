/**
 * Two tables over one topic, declared in Flink SQL DDL: a sink table writes
 * rows (the `tag` column sets each message's tag), and a source table
 * filtered on two tags reads them back with their metadata.
 *
 *   node examples/table-roundtrip.ts      (also: deno run -A, bun)
 *
 * env: ROCKETMQ_NAMESRV (default 127.0.0.1:9876). Creates its own topic.
 */
import { RemotingClient, tableSink, tableSource } from "../mod.ts";
import { ensureTopic } from "./lib/sample-data.ts";

const namesrv = process.env.ROCKETMQ_NAMESRV || "127.0.0.1:9876";
const topic = `example-table-${Date.now().toString(36)}`;
const admin = new RemotingClient({ nameServerAddress: namesrv });
await ensureTopic(admin, topic, 1);
await admin.close();

type Behavior = { user_id: bigint; item_id: bigint | null; behavior: string; tag: string | null };

// the sink: three body columns in the connector's default format (fields separated by \u0001), tag as metadata
const sink = tableSink<Behavior>(`
  CREATE TABLE user_behavior_sink (
    user_id BIGINT,
    item_id BIGINT,
    behavior STRING,
    tag STRING METADATA
  ) WITH (
    'connector' = 'rocketmq',
    'topic' = '${topic}',
    'produceGroup' = 'example_table_producer',
    'nameServerAddress' = '${namesrv}'
  )`);
const writer = sink.writable().getWriter();
await writer.write({ user_id: 1n, item_id: 1001n, behavior: "buy", tag: "buy" });
await writer.write({ user_id: 2n, item_id: 1002n, behavior: "pv", tag: "view" });
await writer.write({ user_id: 3n, item_id: null, behavior: "cart", tag: "cart" });
await writer.write({ user_id: 4n, item_id: 1004n, behavior: "buy", tag: "buy" });
await writer.close(); // every row acknowledged by the broker

// the source: the same body columns, plus metadata read from each message
type BehaviorRead = Behavior & { topic: string; queue_offset: bigint };
const source = tableSource<BehaviorRead>(`
  CREATE TABLE user_behavior_source (
    user_id BIGINT,
    item_id BIGINT,
    behavior STRING,
    topic STRING NOT NULL METADATA VIRTUAL,
    tag STRING METADATA VIRTUAL,
    queue_offset BIGINT NOT NULL METADATA FROM 'queueOffset' VIRTUAL
  ) WITH (
    'connector' = 'rocketmq',
    'topic' = '${topic}',
    'consumerGroup' = '${topic}-reader',
    'nameServerAddress' = '${namesrv}',
    'tag' = 'buy || cart',
    'scanStartupMode' = 'earliest'
  )`);
const rows = source.rows().getReader();
for (let read = 0; read < 3; read++) {
  const { value: row } = await rows.read();
  if (row === undefined) break;
  console.log(`offset ${row.queue_offset}: user ${row.user_id} ${row.behavior} item ${row.item_id ?? "-"} [${row.tag}]${row.topic === topic ? "" : " WRONG TOPIC"}`);
}
await rows.cancel(); // stops the source: it commits its offsets and disconnects
