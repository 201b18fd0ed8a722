/**
 * Micro-benchmark of the pull-body decoder: a body of N stored messages of
 * 1 KiB each (the properties a Java producer sets: UNIQ_KEY, WAIT, TAGS,
 * KEYS), decoded over and over. Prints messages/s and MB/s of pull body.
 *
 * usage: <node|deno run -A|bun> bench/decode-messages.ts [--messages 32] [--body 1024] [--seconds 3] [--compressed]
 * (32 is what one pull returns at most; try --messages 1000 for a long body.)
 */
import process from "node:process";
import { decodeMessages } from "../src/remoting/message/decode-messages.ts";
import { encodeStoredMessages, type StoredMessageFields } from "../src/remoting/message/encode-stored-message.ts";
import { uniqueIdGenerator } from "../src/remoting/message/message-id.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const count = option("messages", 32);
const bodyBytes = option("body", 1024);
const seconds = option("seconds", 3);
const compressed = args.includes("--compressed");

const nextId = uniqueIdGenerator({ ip: new Uint8Array([10, 1, 2, 3]), pid: 4242, instance: 7, now: Date.now });
const payload = new Uint8Array(bodyBytes);
for (let i = 0; i < payload.length; i++) payload[i] = 32 + ((i * 7) % 90);
const fields: StoredMessageFields[] = Array.from({ length: count }, (_, i) => ({
  topic: "BenchmarkTopic",
  queueId: 3,
  queueOffset: 1_000_000 + i,
  commitLogOffset: 5_000_000_000 + i * 1300,
  bornTimestamp: Date.now(),
  storeTimestamp: Date.now() + 1,
  bornHost: `10.1.2.3:${40000 + (i % 3)}`,
  storeHost: "10.1.2.10:10911",
  body: payload,
  compress: compressed,
  properties: { UNIQ_KEY: nextId(), WAIT: "true", TAGS: "TagA", KEYS: `order-${i}` },
}));
const pullBody = encodeStoredMessages(fields);

function runtime(): string {
  const v = process.versions as Record<string, string | undefined>;
  if (v.bun) return `bun ${v.bun}`;
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  if (deno) return `deno ${deno.version.deno}`;
  return `node ${process.version}`;
}

// warm-up, then a timed run; every result is checked so the work cannot be optimised away
let sink = 0;
const check = (n: number) => {
  if (n !== count) throw new Error(`decoded ${n} messages, expected ${count}`);
};
for (let i = 0; i < 2000; i++) check(decodeMessages(pullBody).length);
const t0 = performance.now();
let rounds = 0;
while (performance.now() - t0 < seconds * 1000) {
  for (let i = 0; i < 100; i++) {
    const ms = decodeMessages(pullBody);
    sink += ms[ms.length - 1]!.queueOffset;
    rounds++;
  }
}
const elapsed = (performance.now() - t0) / 1000;
const msgs = (rounds * count) / elapsed;
const mb = (rounds * pullBody.length) / elapsed / 1e6;
console.log(
  `${runtime()}: decodeMessages ${count} x ${bodyBytes} B${compressed ? " (zlib)" : ""} ` +
    `(${pullBody.length} B body): ${Math.round(msgs).toLocaleString("en-US")} msgs/s, ${mb.toFixed(0)} MB/s ` +
    `[${rounds} rounds in ${elapsed.toFixed(2)} s; check ${sink % 7}]`,
);
