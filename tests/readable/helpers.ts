/**
 * Shared steps of the source suites: a producer client, fresh topics,
 * producing numbered messages fast (batches), and reading a source until a
 * count is reached.
 */
import { RemotingClient } from "../../src/remoting/client.ts";
import type { MessageQueue } from "../../src/remoting/route.ts";
import { RocketMQSource, type RocketMQSourceInit } from "../../src/readable/rocketmq-source.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { Utf8DeserializationSchema } from "../../src/serde/bytes.ts";
import { cluster, randomName } from "../fixture/broker.ts";
import { freshTopic } from "../remoting/client-helpers.ts";

export { freshTopic };
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const utf8 = new TextEncoder();

export function newClient(): RemotingClient {
  return new RemotingClient({ nameServerAddress: cluster().namesrv, requestTimeoutMs: 10_000 });
}

export const queueOf = (topic: string, queueId: number): MessageQueue => ({ topic, brokerName: "broker-a", queueId });

/** Sends `count` messages `"<prefix>-<i>"` to one queue in batches of up to 64; returns their queue offsets. */
export async function produce(client: RemotingClient, mq: MessageQueue, count: number, prefix = "m", tags?: string): Promise<void> {
  for (let i = 0; i < count; i += 64) {
    const n = Math.min(64, count - i);
    await client.sendBatch(mq, Array.from({ length: n }, (_, j) => ({ body: utf8.encode(`${prefix}-${i + j}`), tags })), { producerGroup: "source_test_producer" });
  }
}

/** Spreads `count` messages over all queues of `topic`, 64 per batch, 8 batches in flight. */
export async function produceSpread(client: RemotingClient, topic: string, count: number, body = 100): Promise<void> {
  const queues = await client.writableQueues(topic);
  const payload = new Uint8Array(body).fill(120);
  const inFlight = new Set<Promise<unknown>>();
  let next = 0;
  for (let i = 0; i < count; i += 64) {
    const n = Math.min(64, count - i);
    const p = client.sendBatch(queues[next++ % queues.length]!, Array.from({ length: n }, () => ({ body: payload })), { producerGroup: "source_test_producer" })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

export type Init = Omit<RocketMQSourceInit<string>, "schema" | "options"> & { readonly options?: Record<string, unknown> };

export function utf8Source(topic: string, group: string, init: Init = {}): RocketMQSource<string> {
  return new RocketMQSource({
    schema: Utf8DeserializationSchema,
    onLog: () => undefined,
    ...init,
    options: { "nameserver.address": cluster().namesrv, "consumer.group": group, "consumer.topic": topic, longPollingMs: 2000, ...init.options },
  });
}

export const group = (prefix = "src_g") => randomName(prefix);

/** Reads batches until `count` records arrived or `timeoutMs` passed (then returns what it has). */
export async function readRecords<T>(reader: ReadableStreamDefaultReader<{ records: readonly SourceRecord<T>[] }>, count: number, timeoutMs = 15_000): Promise<SourceRecord<T>[]> {
  const out: SourceRecord<T>[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const r = await Promise.race([reader.read(), new Promise<"timeout">((res) => (timer = setTimeout(() => res("timeout"), left)))]);
    clearTimeout(timer);
    if (r === "timeout" || r.done) break;
    out.push(...r.value.records);
  }
  return out;
}

/** The first offset read per queue id. */
export function firstOffsets(records: readonly SourceRecord<unknown>[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of records) if (!(r.queueId in out)) out[r.queueId] = r.queueOffset;
  return out;
}

/** Commits a group offset as another member would (a pull first makes the broker create the group). */
export async function commitGroupOffset(client: RemotingClient, group: string, mq: MessageQueue, offset: number): Promise<void> {
  await client.pull(mq, { consumerGroup: group, queueOffset: 0, maxMsgNums: 1 });
  await client.updateConsumerOffset(group, mq, offset);
}
