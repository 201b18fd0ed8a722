/**
 * Fuzz: 120,000 random and mutated pull bodies. Decoding must either return
 * messages (a message whose body cannot be decoded carries a ProtocolError
 * as its decodeError) or throw ProtocolError, and every call must return promptly.
 * The generator is seeded, so a failure names a case that can be replayed.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ProtocolError } from "../../src/errors.ts";
import { decodeMessages } from "../../src/remoting/message/decode-messages.ts";
import { encodeStoredMessage, encodeStoredMessages, type StoredMessageFields } from "../../src/remoting/message/encode-stored-message.ts";
import { prng } from "../fixture/prng.ts";

const s = suite("remoting/message fuzz");
const CASES = 120_000;
const SLOW_MS = 1000; // loose on purpose: the shared 2-core machine stalls; a hang or a blow-up takes far longer


const utf8 = new TextEncoder();
const seeds: Uint8Array[] = [
  encodeStoredMessages([
    { topic: "TopicA", body: utf8.encode("hello"), properties: { TAGS: "a", KEYS: "k1 k2", UNIQ_KEY: "ABC" } },
    { topic: "TopicA", body: new Uint8Array(300), bornHost: "[2001:db8::1]:5", storeHost: "[::1]:10911" },
  ]),
  encodeStoredMessage({ topic: "T".repeat(150), body: utf8.encode("v2 topic") }),
  encodeStoredMessage({ topic: "z", body: utf8.encode("squeeze me ".repeat(40)), compress: true }),
  encodeStoredMessage({ topic: "b", innerBatch: [{ body: utf8.encode("one"), properties: { TAGS: "x" } }, { body: new Uint8Array(9) }] }),
  encodeStoredMessage({ topic: "bz", compress: true, innerBatch: [{ body: utf8.encode("two") }, { body: utf8.encode("three") }] }),
  encodeStoredMessage({ topic: "l", body: utf8.encode("lz4 lz4 lz4 ".repeat(40)), compress: true, compressionType: 1 }),
  encodeStoredMessage({ topic: "s", body: utf8.encode("zstd zstd ".repeat(40)), compress: true, compressionType: 2 }),
  encodeStoredMessage({ topic: "lb", compress: true, compressionType: 1, innerBatch: [{ body: utf8.encode("four".repeat(9)) }, { body: new Uint8Array(40) }] }),
  encodeStoredMessage({ topic: "p", properties: { "ключ": "значение", "__proto__": "x" } } satisfies StoredMessageFields),
];
const INTERESTING = [0, 1, -1, 0x7fffffff, -0x80000000, 0xffff, 0x10000, 91, 0x30, 0xc1, 0x3c1, 0x1c1, 0xdaa320a7 | 0, 0xdaa320ab | 0];

function mutate(rand: () => number, input: Uint8Array): Uint8Array {
  let bytes = input.slice();
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const kind = Math.floor(rand() * 6);
    const at = Math.floor(rand() * Math.max(1, bytes.length));
    if (kind === 0 && bytes.length > 0) {
      bytes[at] = Math.floor(rand() * 256); // one byte
    } else if (kind === 1 && bytes.length > 0) {
      bytes[at]! ^= 1 << Math.floor(rand() * 8); // one bit
    } else if (kind === 2 && at + 4 <= bytes.length) {
      new DataView(bytes.buffer).setInt32(at, INTERESTING[Math.floor(rand() * INTERESTING.length)]!);
    } else if (kind === 3) {
      bytes = bytes.subarray(0, Math.floor(rand() * (bytes.length + 1))).slice(); // truncate
    } else if (kind === 4) {
      const grown = new Uint8Array(bytes.length + Math.floor(rand() * 64)); // append junk
      grown.set(bytes);
      for (let i = bytes.length; i < grown.length; i++) grown[i] = Math.floor(rand() * 256);
      bytes = grown;
    } else if (bytes.length >= 4) {
      new DataView(bytes.buffer).setInt32(0, bytes.length); // keep the size consistent to reach deeper fields
    }
  }
  return bytes;
}

function randomBytes(rand: () => number): Uint8Array {
  const out = new Uint8Array(Math.floor(rand() * 400));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(rand() * 256);
  if (out.length >= 8 && rand() < 0.7) {
    // a plausible header, so the decoder goes past the first checks
    const v = new DataView(out.buffer);
    v.setInt32(0, out.length);
    v.setInt32(4, rand() < 0.5 ? 0xdaa320a7 | 0 : 0xdaa320ab | 0);
  }
  return out;
}

s(`${CASES} random and mutated bodies: only ProtocolError, each decode prompt`, () => {
  const seed = 0x5eed1234;
  const rand = prng(seed);
  let decoded = 0, rejected = 0, slowest = 0, slowestCase = -1;
  for (let i = 0; i < CASES; i++) {
    const input = i % 4 === 0 ? randomBytes(rand) : mutate(rand, seeds[i % seeds.length]!);
    const t0 = performance.now();
    try {
      const ms = decodeMessages(input);
      for (const m of ms) {
        if (!(m.body instanceof Uint8Array) || typeof m.topic !== "string") throw new Error("bad shape");
        if (m.decodeError !== undefined && !(m.decodeError instanceof ProtocolError)) throw new Error("decodeError is not a ProtocolError");
      }
      decoded++;
    } catch (err) {
      if (!(err instanceof ProtocolError)) {
        throw new Error(`case ${i} (seed ${seed}): ${String(err)}; input ${Buffer.from(input).toString("hex")}`);
      }
      rejected++;
    }
    let took = performance.now() - t0;
    // The shared 2-core machine (and GC) can stall any single case; a case
    // counts as slow only if it is slow on every one of three replays.
    for (let replay = 0; replay < 3 && took >= SLOW_MS; replay++) {
      const r0 = performance.now();
      try { decodeMessages(input); } catch { /* the outcome was checked above */ }
      took = Math.min(took, performance.now() - r0);
    }
    if (took > slowest) { slowest = took; slowestCase = i; }
  }
  assert.is(decoded + rejected, CASES);
  assert.ok(decoded > 1000, `decoded ${decoded}`);
  assert.ok(rejected > 1000, `rejected ${rejected}`);
  assert.ok(slowest < SLOW_MS, `case ${slowestCase} took ${slowest.toFixed(1)} ms`);
});

s.run();
