/**
 * Fuzz: 150,000 random and mutated byte streams, cut into random chunks and
 * fed to FrameDecoder. Each must yield well-formed commands or throw
 * ProtocolError (nothing else), return promptly, and never buffer more than
 * one frame plus one chunk. The generator is seeded, so a failure names a
 * case that can be replayed.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ProtocolError } from "../../src/errors.ts";
import { createRequest, createResponse, type RemotingCommand } from "../../src/remoting/command.ts";
import { encodeFrame, FrameDecoder } from "../../src/remoting/frame.ts";
import { SerializeType } from "../../src/remoting/header-codec.ts";
import { prng } from "../fixture/prng.ts";

const s = suite("remoting/frame fuzz");
const CASES = 150_000;
const SLOW_MS = 1000; // loose on purpose: the shared 2-core machine stalls; a hang or a blow-up takes far longer
const MAX_FRAME = 64 * 1024;


const utf8 = new TextEncoder();
const request = { ...createRequest(11, { topic: "T", queueId: 1, subscription: "a || b", "ü": "✓" }, utf8.encode("payload")), opaque: 3 };
const seeds: Uint8Array[] = [
  encodeFrame(request),
  encodeFrame(request, { serializeType: SerializeType.ROCKETMQ }),
  encodeFrame({ ...createResponse(request, 0, "done", { nextBeginOffset: "5" }), body: new Uint8Array(500) }),
  encodeFrame(createResponse(request, 19), { serializeType: SerializeType.ROCKETMQ }),
  encodeFrame(createRequest(39, {})),
];
const INTERESTING = [0, 1, 3, 4, 0x7f, 0x80, 0xff, 0x7fffffff, -1, -0x80000000, 0x01000010, 0x00ffffff, MAX_FRAME, MAX_FRAME + 1];

function mutate(rand: () => number): Uint8Array {
  const pick = rand();
  if (pick < 0.15) {
    // pure noise
    const out = new Uint8Array(Math.floor(rand() * 300));
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(rand() * 256);
    return out;
  }
  // concatenate one to three seeds, then damage the result
  const parts = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => seeds[Math.floor(rand() * seeds.length)]!);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  const view = new DataView(bytes.buffer);
  const edits = 1 + Math.floor(rand() * 4);
  let out = bytes;
  for (let e = 0; e < edits; e++) {
    const op = rand();
    const pos = Math.floor(rand() * out.length);
    if (op < 0.35) out[pos] = Math.floor(rand() * 256);
    else if (op < 0.55 && pos + 4 <= out.length) new DataView(out.buffer, out.byteOffset).setInt32(pos, INTERESTING[Math.floor(rand() * INTERESTING.length)]!);
    else if (op < 0.7) out = out.subarray(0, pos);
    else if (op < 0.8 && out.length >= 8) view.setInt32(rand() < 0.5 ? 0 : 4, INTERESTING[Math.floor(rand() * INTERESTING.length)]!);
    else if (op < 0.9) {
      const grown = new Uint8Array(out.length + 1);
      grown.set(out.subarray(0, pos));
      grown[pos] = Math.floor(rand() * 256);
      grown.set(out.subarray(pos), pos + 1);
      out = grown;
    } else out[pos] = [0x22, 0x7b, 0x7d, 0x5c, 0x3a, 0x2c][Math.floor(rand() * 6)]!; // JSON structure characters
  }
  return out;
}

function wellFormed(cmd: RemotingCommand): boolean {
  return Number.isInteger(cmd.code) && Number.isInteger(cmd.opaque) && Number.isInteger(cmd.flag)
    && typeof cmd.language === "string"
    && Object.values(cmd.extFields).every((v) => typeof v === "string")
    && (cmd.body === undefined || cmd.body instanceof Uint8Array);
}

/** Feeds `bytes` in chunks of `sizes`; returns the commands decoded, or the error thrown. */
function feed(bytes: Uint8Array, sizes: readonly number[], n: number): { commands: number; error?: unknown } {
  const decoder = new FrameDecoder({ maxFrameBytes: MAX_FRAME });
  let commands = 0;
  try {
    let pos = 0;
    for (const size of sizes) {
      const chunk = bytes.subarray(pos, pos + size);
      for (const cmd of decoder.push(chunk)) {
        commands++;
        if (!wellFormed(cmd)) assert.unreachable(`case ${n}: malformed command ${JSON.stringify(cmd)}`);
      }
      if (decoder.bufferedBytes > MAX_FRAME + 4 + chunk.length) assert.unreachable(`case ${n}: buffered ${decoder.bufferedBytes}`);
      pos += size;
    }
    return { commands };
  } catch (error) {
    return { commands, error };
  }
}

s(`${CASES} random and mutated streams give commands or ProtocolError, promptly and within bounds`, () => {
  const rand = prng(0x5eed);
  let decoded = 0;
  let rejected = 0;
  for (let n = 0; n < CASES; n++) {
    const bytes = mutate(rand);
    const sizes: number[] = [];
    for (let pos = 0; pos < bytes.length;) {
      const size = 1 + Math.floor(rand() * (rand() < 0.5 ? 8 : bytes.length));
      sizes.push(size);
      pos += size;
    }
    let started = performance.now();
    const outcome = feed(bytes, sizes, n);
    // This machine is shared: a GC pause or a descheduled thread can stall any one case, so
    // a slow case is replayed, and only a case that is slow every time fails (a hang is never fast).
    for (let replay = 0; replay < 3 && performance.now() - started > SLOW_MS; replay++) {
      started = performance.now();
      feed(bytes, sizes, n);
    }
    const took = performance.now() - started;
    if (took > SLOW_MS) assert.unreachable(`case ${n} took ${took.toFixed(1)} ms on every replay`);
    if (outcome.error !== undefined) {
      if (!(outcome.error instanceof ProtocolError)) {
        const err = outcome.error as Error;
        throw new Error(`case ${n} threw ${err?.constructor?.name}: ${err}`, { cause: err });
      }
      rejected++;
    }
    decoded += outcome.commands;
  }
  // the generator must exercise both outcomes, or the test proves little
  assert.ok(decoded > 10_000, `only ${decoded} commands decoded`);
  assert.ok(rejected > 10_000, `only ${rejected} streams rejected`);
});

s.run();
