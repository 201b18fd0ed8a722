/**
 * Sample data and small broker chores shared by the demo (scripts/demo.ts) and
 * the docs tests (tests/docs/): realistic `{id, address}` rows for
 * flink-source2, filling a topic through the toolkit's own sink, creating
 * topics, and reading a topic back by offset to check what a pipeline wrote.
 */
import { createMessageSink, RemotingClient, type MessageQueue } from "../../mod.ts";

export interface SampleRow {
  /** `<runId>-<n>`: rows of one run are told apart from older ones by it. */
  readonly id: string;
  readonly address: string;
  /** The last word of `address`: what the pipeline must produce. */
  readonly province: string;
}

const STREETS = ["Nanjing Road", "Huaihai Road", "Renmin Avenue", "Jiefang Road", "Zhongshan Road", "Wenyi West Road",
  "Binjiang Avenue", "Tianmu Shan Road", "Shennan Boulevard", "Chang'an Avenue", "Xinhua Street", "Dongfeng Road"];
const PLACES: ReadonlyArray<readonly [city: string, province: string]> = [
  ["Hangzhou Xihu", "Zhejiang"], ["Ningbo Haishu", "Zhejiang"], ["Guangzhou Tianhe", "Guangdong"],
  ["Shenzhen Nanshan", "Guangdong"], ["Nanjing Gulou", "Jiangsu"], ["Suzhou Gusu", "Jiangsu"],
  ["Chengdu Wuhou", "Sichuan"], ["Wuhan Hongshan", "Hubei"], ["Xi'an Yanta", "Shaanxi"],
  ["Jinan Lixia", "Shandong"], ["Qingdao Shinan", "Shandong"], ["Changsha Yuelu", "Hunan"],
  ["Fuzhou Gulou", "Fujian"], ["Xiamen Siming", "Fujian"], ["Kunming Wuhua", "Yunnan"],
  ["Harbin Nangang", "Heilongjiang"], ["Shijiazhuang Chang'an", "Hebei"], ["Hefei Shushan", "Anhui"],
];

/** `count` rows with addresses like "88 Wenyi West Road Unit 3 Hangzhou Xihu Zhejiang"; same `seed`, same rows. */
export function sampleRows(runId: string, count: number, seed = 20250101): SampleRow[] {
  let state = seed >>> 0;
  const next = (n: number) => {
    // xorshift32: deterministic, good enough to vary addresses
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state % n;
  };
  const rows: SampleRow[] = [];
  for (let i = 0; i < count; i++) {
    const [city, province] = PLACES[next(PLACES.length)]!;
    const unit = next(4) === 0 ? ` Unit ${1 + next(30)}` : "";
    rows.push({ id: `${runId}-${i}`, address: `${1 + next(999)} ${STREETS[next(STREETS.length)]}${unit} ${city} ${province}`, province });
  }
  return rows;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Creates (or updates) `topic` with `queues` read/write queues and waits until the name server routes it. */
export async function ensureTopic(client: RemotingClient, topic: string, queues: number): Promise<void> {
  await client.createTopic(topic, { queues });
  for (let i = 0; ; i++) {
    try {
      const route = await client.getRouteInfo(topic, { refresh: true });
      if (route.queueDatas.some((q) => q.readQueueNums === queues && q.writeQueueNums === queues)) return;
    } catch (error) {
      if (i >= 150) throw error;
    }
    if (i >= 150) throw new Error(`topic ${topic} is not routed with ${queues} queues after 15 s`);
    await sleep(100);
  }
}

/** The next offset to be written, per queue of `topic`. */
export async function endOffsets(client: RemotingClient, topic: string): Promise<Map<MessageQueue, number>> {
  const out = new Map<MessageQueue, number>();
  for (const mq of await client.readableQueues(topic)) out.set(mq, await client.getMaxOffset(mq));
  return out;
}

/**
 * Sends the rows as the seed's source expects them: key = id, body = address.
 * Uses the toolkit's own sink (async mode); resolves once the broker stored every row.
 */
export async function fillTopic(namesrv: string, topic: string, rows: readonly SampleRow[], onProgress?: (sent: number) => void): Promise<void> {
  const encoder = new TextEncoder();
  const sink = createMessageSink({ "nameserver.address": namesrv }).withAsync(true);
  const writer = sink.writable().getWriter();
  let sent = 0;
  for (const row of rows) {
    await writer.write({ topic, body: encoder.encode(row.address), keys: [row.id] });
    if (++sent % 250 === 0) onProgress?.(sent);
  }
  await writer.close();
  onProgress?.(sent);
}

export interface StoredMessage {
  readonly queueId: number;
  readonly queueOffset: number;
  readonly keys: readonly string[];
  readonly tags: string | undefined;
  readonly text: string;
}

/** Every message of `topic` from `from` (per queue; default the queue's start) to its current end, by pulling offsets. */
export async function readTopic(client: RemotingClient, topic: string, from?: ReadonlyMap<MessageQueue, number>): Promise<StoredMessage[]> {
  const decoder = new TextDecoder();
  const start = new Map<string, number>();
  for (const [mq, offset] of from ?? []) start.set(`${mq.brokerName}@${mq.queueId}`, offset);
  const out: StoredMessage[] = [];
  for (const [mq, end] of await endOffsets(client, topic)) {
    let offset = start.get(`${mq.brokerName}@${mq.queueId}`) ?? await client.getMinOffset(mq);
    let waits = 0;
    while (offset < end) {
      const r = await client.pull(mq, { consumerGroup: "rmqws-readback", queueOffset: offset, maxMsgNums: 32 });
      if (r.status !== "FOUND") {
        // the consume queue is written just after the store: wait a little, at most 10 s per queue
        if (r.status === "NO_NEW_MSG" && r.nextBeginOffset <= offset && ++waits <= 200) { await sleep(50); continue; }
        if (r.nextBeginOffset <= offset) throw new Error(`reading ${topic} queue ${mq.queueId}: stuck at ${offset} (${r.status}), end ${end}`);
        offset = r.nextBeginOffset;
        continue;
      }
      for (const m of r.messages) {
        if (m.queueOffset < end) out.push({ queueId: mq.queueId, queueOffset: m.queueOffset, keys: m.keys, tags: m.tags, text: decoder.decode(m.body) });
      }
      offset = r.nextBeginOffset;
    }
  }
  return out;
}

export interface Verification {
  readonly expected: number;
  /** Rows of this run found in the output, duplicates included. */
  readonly received: number;
  readonly distinct: number;
  readonly duplicates: number;
  readonly missing: string[];
  /** Output rows of this run whose province is not the last word of the input address. */
  readonly wrong: Array<{ id: string; got: unknown; expected: string }>;
  /** Output messages that are not JSON `{id, province}` rows of this run. */
  readonly foreign: number;
  readonly samples: Array<{ input: SampleRow; output: string }>;
}

/** Checks the sink topic's messages against the input rows of one run. */
export function verifyOutput(rows: readonly SampleRow[], messages: readonly StoredMessage[], runId: string): Verification {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const seen = new Map<string, number>();
  const wrong: Verification["wrong"] = [];
  const samples: Verification["samples"] = [];
  let foreign = 0;
  let received = 0;
  for (const m of messages) {
    let row: { id?: unknown; province?: unknown };
    try {
      row = JSON.parse(m.text) as typeof row;
    } catch {
      foreign++;
      continue;
    }
    const input = typeof row.id === "string" && row.id.startsWith(`${runId}-`) ? byId.get(row.id) : undefined;
    if (!input) {
      foreign++;
      continue;
    }
    received++;
    seen.set(input.id, (seen.get(input.id) ?? 0) + 1);
    const exact = row.province === input.province && Object.keys(row).sort().join() === "id,province" && m.keys.includes(input.id);
    if (!exact) wrong.push({ id: input.id, got: row, expected: input.province });
    else if (samples.length < 3 && Number(input.id.slice(runId.length + 1)) % 997 === 0) samples.push({ input, output: m.text });
  }
  const missing = rows.filter((r) => !seen.has(r.id)).map((r) => r.id);
  return { expected: rows.length, received, distinct: seen.size, duplicates: received - seen.size, missing, wrong, foreign, samples };
}
