/**
 * Reads a topic back with the toolkit's own source (RocketMQSource over
 * remoting, from the earliest offset, in a fresh group), up to the end of
 * every queue as the broker reports it when the read starts. No idle timer
 * decides when reading is done: the broker's max offsets do.
 *
 * Also: the mqadmin spot check (queryMsgById on a few message ids), parsed
 * into the fields a sink test compares.
 */
import { existsSync, readFileSync } from "node:fs";
import { RocketMQSource } from "../../src/readable/rocketmq-source.ts";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";
import { randomName } from "../fixture/broker.ts";

/** RocketMQ's own properties are upper case (UNIQ_KEY, KEYS, TAGS, __BORNHOST, ...); the tests' are not. */
const SYSTEM_PROPERTY = /^(__)?[A-Z][A-Z0-9_]*$/;

/** The user properties of a stored message (system properties left out). */
export function userProperties(properties: Readonly<Record<string, string>> | ReadonlyMap<string, string>): Record<string, string> {
  const entries = properties instanceof Map ? [...properties.entries()] : Object.entries(properties);
  return Object.fromEntries(entries.filter(([k]) => !SYSTEM_PROPERTY.test(k)).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Max offset of every readable queue of `topic`, by queue id. */
export async function endOffsets(namesrv: string, topic: string): Promise<Map<number, number>> {
  const client = new RemotingClient({ nameServerAddress: namesrv, requestTimeoutMs: 10_000 });
  try {
    const out = new Map<number, number>();
    for (const mq of await client.readableQueues(topic)) out.set(mq.queueId, await client.getMaxOffset(mq));
    return out;
  } finally {
    await client.close();
  }
}

/**
 * Every message of `topic` from offset 0 to each queue's end offset (as it is
 * when this is called), read by RocketMQSource. Rejects if the source ends or
 * `timeoutMs` passes first (a safety net against a hang, not a measurement).
 */
export async function readTopicWithSource(namesrv: string, topic: string, timeoutMs = 120_000): Promise<SourceRecord<Uint8Array>[]> {
  const ends = await endOffsets(namesrv, topic);
  const missing = new Map([...ends].filter(([, end]) => end > 0));
  const source = new RocketMQSource({
    schema: BytesDeserializationSchema,
    onLog: () => undefined,
    options: { "nameserver.address": namesrv, "consumer.group": randomName("sink_readback"), "consumer.topic": topic, longPollingMs: 1000 },
  }).setStartFromEarliest();
  const reader = source.getReader();
  const out: SourceRecord<Uint8Array>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`source read-back of ${topic} timed out with ${out.length} records; still missing ${JSON.stringify([...missing])}`)), timeoutMs);
  });
  try {
    while (missing.size > 0) {
      const r = await Promise.race([reader.read(), timeout]);
      if (r.done) throw new Error(`the source ended after ${out.length} records`);
      for (const record of r.value.records) {
        const end = ends.get(record.queueId);
        if (end === undefined || record.queueOffset >= end) continue; // written after the read began
        out.push(record);
        if (record.queueOffset === end - 1) missing.delete(record.queueId);
      }
    }
    return out;
  } finally {
    clearTimeout(timer);
    await reader.cancel();
  }
}

export interface AdminView {
  readonly msgId: string;
  readonly topic: string;
  readonly tags: string;
  readonly keys: string[];
  readonly properties: Record<string, string>;
  readonly body: Uint8Array | undefined;
}

/**
 * Parses `mqadmin queryMsgById` output (one block per id). The tool writes
 * each body to the file it names ("Message Body Path"); that file is read.
 * Properties print as `{k=v, k=v}`, so values with ", " or "=" can't be told
 * apart; the tests' property values have neither.
 */
export function parseQueryMsgById(out: string): Map<string, AdminView> {
  const views = new Map<string, AdminView>();
  for (const block of out.split(/(?=OffsetID:)/)) {
    const field = (name: string) => new RegExp(`^${name}:\\s+(.*)$`, "m").exec(block)?.[1]?.trim();
    const props = field("Properties");
    if (props === undefined) continue;
    const properties: Record<string, string> = {};
    for (const pair of props.replace(/^\{|\}$/g, "").split(", ")) {
      const eq = pair.indexOf("=");
      if (eq > 0) properties[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const msgId = properties.UNIQ_KEY ?? field("OffsetID") ?? "";
    const bodyPath = field("Message Body Path");
    views.set(msgId, {
      msgId,
      topic: field("Topic") ?? "",
      tags: (field("Tags") ?? "").replace(/^\[|\]$/g, ""),
      keys: (field("Keys") ?? "").replace(/^\[|\]$/g, "").split(" ").filter((k) => k.length > 0),
      properties,
      body: bodyPath !== undefined && existsSync(bodyPath) ? new Uint8Array(readFileSync(bodyPath)) : undefined,
    });
  }
  return views;
}
