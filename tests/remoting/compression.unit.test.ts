/**
 * Body codecs: the LZ4 frame decoder and encoder, XXH32, the zstd frame
 * check, and inflateBody /
 * compressBody over every codec, checked against bytes written by Java's
 * RocketMQ compressors and by the reference lz4 tool, and against every
 * kind of broken input (each must give a ProtocolError, never a wrong body,
 * another error or an unbounded allocation).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { ProtocolError } from "../../src/errors.ts";
import { compressBody, inflateBody } from "../../src/remoting/message/compression.ts";
import { decodeLz4Frame } from "../../src/remoting/message/lz4-frame.ts";
import { encodeLz4Frame } from "../../src/remoting/message/lz4-frame-encode.ts";
import { CompressionType } from "../../src/remoting/message/message-const.ts";
import { xxhash32 } from "../../src/remoting/message/xxhash32.ts";
import { prng } from "../fixture/prng.ts";
import { INCOMPRESSIBLE, JAVA, LINKED, LZ4_CLI, SMALL } from "./compression-fixtures.ts";

const s = suite("remoting/message compression codecs");
const utf8 = new TextEncoder();
const text = new TextDecoder();
const b64 = (t: string) => Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
const MAX = 64 << 20;

function refused(bytes: Uint8Array, max = MAX, pattern?: RegExp): ProtocolError {
  try {
    decodeLz4Frame(bytes, max);
  } catch (err) {
    assert.instance(err, ProtocolError, `expected ProtocolError, got ${err}`);
    if (pattern) assert.match((err as Error).message, pattern);
    return err as ProtocolError;
  }
  return assert.unreachable("decoded without error") as never;
}

/** A frame with its header checksum recomputed after editing the descriptor. */
function withDescriptor(frame: Uint8Array, edit: (f: Uint8Array) => void): Uint8Array {
  const copy = frame.slice();
  edit(copy);
  const flg = copy[4]!;
  const descriptorEnd = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0);
  copy[descriptorEnd] = (xxhash32(copy, 4, descriptorEnd) >>> 8) & 0xff;
  return copy;
}

s("xxhash32 matches the reference values", () => {
  assert.is(xxhash32(new Uint8Array(0)), 0x02cc5d05);
  assert.is(xxhash32(utf8.encode("a")), 0x550d7456);
  assert.is(xxhash32(utf8.encode("abc")), 0x32d153ff);
  assert.is(xxhash32(utf8.encode("Nobody inspects the spammish repetition")), 0xe2293b2f);
  const padded = utf8.encode("xxabcxx");
  assert.is(xxhash32(padded, 2, 5), 0x32d153ff, "a range of a larger array");
});

s("bytes written by Java's RocketMQ compressors (LZ4, ZSTD, zlib) decompress to the original", () => {
  for (const [name, type] of [["LZ4", CompressionType.LZ4], ["ZSTD", CompressionType.ZSTD], ["ZLIB", CompressionType.ZLIB]] as const) {
    const out = inflateBody(b64(JAVA[name]), 0x1 | (type << 8), MAX);
    assert.is(text.decode(out), SMALL, name);
    assert.is(out.constructor, Uint8Array);
  }
});

s("frames of the reference lz4 tool decode: checksums, content size, linked and independent 64 KiB blocks, stored blocks", () => {
  for (const key of ["contentChecksum", "noContentChecksum", "blockChecksums", "contentSize"] as const) {
    assert.is(text.decode(decodeLz4Frame(b64(LZ4_CLI[key]), MAX)), SMALL, key);
  }
  for (const key of ["linked64k", "independent64k"] as const) {
    assert.is(text.decode(decodeLz4Frame(b64(LZ4_CLI[key]), MAX)), LINKED, key);
  }
  assert.equal(Array.from(decodeLz4Frame(b64(LZ4_CLI.incompressible), MAX)), Array.from(INCOMPRESSIBLE));
});

s("concatenated and skippable frames are read in order", () => {
  const a = b64(LZ4_CLI.noContentChecksum), b = encodeLz4Frame(utf8.encode("tail"));
  const skippable = new Uint8Array([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
  const all = new Uint8Array([...a, ...skippable, ...b]);
  assert.is(text.decode(decodeLz4Frame(all, MAX)), SMALL + "tail");
});

s("our frames decode to the input (random and repetitive bytes, empty, across the 4 MiB block size)", () => {
  fc.assert(fc.property(
    fc.oneof(
      fc.uint8Array({ maxLength: 5000 }),
      fc.array(fc.constantFrom(...utf8.encode("abcab")), { maxLength: 5000 }).map((a) => Uint8Array.from(a)),
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 400 })).map(([unit, n]) => {
        const out = new Uint8Array(unit.length * n);
        for (let i = 0; i < n; i++) out.set(unit, i * unit.length);
        return out;
      }),
    ),
    (input) => {
      const frame = encodeLz4Frame(input);
      assert.equal(Array.from(decodeLz4Frame(frame, MAX)), Array.from(input));
    },
  ), { numRuns: 300, seed: 42 });
  const big = new Uint8Array((4 << 20) + 12345);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
  const frame = encodeLz4Frame(big);
  assert.ok(frame.length < big.length / 10, `compressed ${big.length} to ${frame.length}`);
  const back = decodeLz4Frame(frame, MAX);
  assert.is(back.length, big.length);
  assert.ok(back.every((b, i) => b === big[i]));
  assert.is(decodeLz4Frame(encodeLz4Frame(new Uint8Array(0)), MAX).length, 0);
});

s("our frames have the header Java writes: independent blocks, 4 MiB block size, no content checksum", () => {
  const ours = encodeLz4Frame(utf8.encode(SMALL));
  assert.equal(Array.from(ours.subarray(0, 7)), Array.from(b64(JAVA.LZ4).subarray(0, 7)));
});

s("every truncation of a frame is refused", () => {
  for (const key of ["contentChecksum", "blockChecksums", "contentSize", "linked64k"] as const) {
    const frame = b64(LZ4_CLI[key]);
    for (let n = 0; n < frame.length; n++) refused(frame.subarray(0, n));
  }
});

s("broken descriptors are refused, each for its reason", () => {
  const frame = b64(LZ4_CLI.noContentChecksum);
  refused(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), MAX, /bad magic/);
  const badChecksum = frame.slice();
  badChecksum[6]! ^= 1;
  refused(badChecksum, MAX, /header checksum/);
  refused(withDescriptor(frame, (f) => void (f[4] = (f[4]! & 0x3f) | 0x80)), MAX, /version/);
  refused(withDescriptor(frame, (f) => void (f[4]! |= 0x02)), MAX, /reserved/);
  refused(withDescriptor(frame, (f) => void (f[5]! |= 0x80)), MAX, /reserved/);
  refused(withDescriptor(frame, (f) => void (f[5]! |= 0x01)), MAX, /reserved/);
  for (const code of [0, 1, 2, 3]) refused(withDescriptor(frame, (f) => void (f[5] = code << 4)), MAX, /block maximum size code/);
  refused(withDescriptor(frame, (f) => void (f[4]! |= 0x01)), MAX, /dictionary/);
});

s("broken blocks and checksums are refused", () => {
  const blocks = b64(LZ4_CLI.blockChecksums);
  const badBlockSum = blocks.slice();
  badBlockSum[blocks.length - 10]! ^= 1; // inside the block checksum (before end mark and content checksum)
  refused(badBlockSum, MAX, /block checksum/);
  const content = b64(LZ4_CLI.contentChecksum);
  const badContentSum = content.slice();
  badContentSum[content.length - 1]! ^= 1;
  refused(badContentSum, MAX, /content checksum/);
  const sized = b64(LZ4_CLI.contentSize);
  refused(withDescriptor(sized, (f) => void (f[6]! += 1)), MAX, /header says/);
  // a block size above the frame's 64 KiB maximum
  const small = withDescriptor(b64(LZ4_CLI.noContentChecksum), (f) => void (f[5] = 0x40));
  const oversized = small.slice();
  new DataView(oversized.buffer).setUint32(7, 0x10001, true);
  refused(oversized, MAX, /above the frame's/);
  // the linked frame read as independent: its second block refers back into the first
  refused(withDescriptor(b64(LZ4_CLI.linked64k), (f) => void (f[4]! |= 0x20)), MAX, /window/);
});

s("hand-made blocks: offset 0, offsets before the output, lengths past the block", () => {
  const frame = (block: number[]) => {
    const head = encodeLz4Frame(new Uint8Array(0)).subarray(0, 7);
    const size = [block.length & 0xff, block.length >> 8, 0, 0];
    return new Uint8Array([...head, ...size, ...block, 0, 0, 0, 0]);
  };
  assert.is(text.decode(decodeLz4Frame(frame([0x50, ...utf8.encode("hello")]), MAX)), "hello");
  // "ab" then a match of 4 at offset 2: "ababab"
  assert.is(text.decode(decodeLz4Frame(frame([0x20, 0x61, 0x62, 0x02, 0x00, 0x10, 0x78]), MAX)), "abababx");
  refused(frame([0x20, 0x61, 0x62, 0x00, 0x00, 0x10, 0x78]), MAX, /offset 0/);
  refused(frame([0x20, 0x61, 0x62, 0x03, 0x00, 0x10, 0x78]), MAX, /offset 3/);
  refused(frame([0x50, 0x61, 0x62]), MAX, /overrun/);
  refused(frame([0xf0, 0xff]), MAX, /literal length/);
  refused(frame([0x2f, 0x61, 0x62, 0x02, 0x00, 0xff]), MAX, /match length/);
  refused(frame([0x20, 0x61, 0x62, 0x02]), MAX, /truncated match offset/);
  refused(frame([0x20, 0x61, 0x62, 0x02, 0x00]), MAX, /last literals/);
});

s("output beyond the limit is refused before it is allocated, for every codec", () => {
  const zeros = new Uint8Array(1 << 20);
  const lz4 = encodeLz4Frame(zeros);
  assert.ok(lz4.length < 5000, "a small frame that expands 200-fold");
  assert.is(decodeLz4Frame(lz4, 1 << 20).length, 1 << 20);
  refused(lz4, (1 << 20) - 1, /limit/);
  // a content size in the header above the limit is refused at once
  const sized = b64(LZ4_CLI.contentSize);
  refused(sized, SMALL.length - 1, /limit/);
  for (const type of [0, 1, 2, 3]) {
    const { body, sysFlagBits } = compressBody(zeros, type, 5);
    assert.is(inflateBody(body, sysFlagBits, 1 << 20).length, 1 << 20);
    assert.throws(() => inflateBody(body, sysFlagBits, (1 << 20) - 1), (e: unknown) => e instanceof ProtocolError, `codec ${type}`);
  }
});

s("unknown codecs and corrupt bodies: ProtocolError naming the codec and the sysFlag, codec error as cause", () => {
  for (const type of [4, 5, 6, 7]) {
    assert.throws(() => inflateBody(utf8.encode("x"), 0x1 | (type << 8), MAX), (e: unknown) =>
      e instanceof ProtocolError && e.message.includes(`unknown codec ${type}`) && e.message.includes(`0x${(0x1 | (type << 8)).toString(16)}`));
  }
  for (const [type, name] of [[0, "zlib"], [1, "LZ4"], [2, "ZSTD"], [3, "zlib"]] as const) {
    try {
      inflateBody(utf8.encode("definitely not compressed"), 0x1 | (type << 8), MAX);
      assert.unreachable(`codec ${type}`);
    } catch (err) {
      assert.instance(err, ProtocolError);
      assert.match((err as Error).message, name);
      assert.ok((err as ProtocolError).cause !== undefined, `codec ${type}: cause`);
    }
  }
  assert.throws(() => compressBody(utf8.encode("x"), 5, 5), /compression type/);
});

s("zstd: every truncation, trailing junk and a second frame refused on every runtime", () => {
  const java = b64(JAVA.ZSTD);
  const flag = 0x1 | (CompressionType.ZSTD << 8);
  for (let n = 0; n < java.length; n++) {
    assert.throws(() => inflateBody(java.subarray(0, n), flag, MAX), (e: unknown) => e instanceof ProtocolError, `first ${n} bytes`);
  }
  assert.throws(() => inflateBody(new Uint8Array([...java, 1, 2, 3, 4, 5]), flag, MAX), (e: unknown) => e instanceof ProtocolError);
  // a second frame would be dropped silently by Node's decoder: refused instead
  const second = compressBody(utf8.encode("+more"), CompressionType.ZSTD, 3).body;
  assert.throws(() => inflateBody(new Uint8Array([...java, ...second]), flag, MAX), /bytes after the frame/);
  // block types: raw (incompressible input), RLE (one repeated byte) and compressed all pass the check
  for (const input of [INCOMPRESSIBLE, new Uint8Array(5000).fill(7), utf8.encode(LINKED)]) {
    const { body } = compressBody(input, CompressionType.ZSTD, 3);
    assert.equal(Array.from(inflateBody(body, flag, MAX)), Array.from(input));
  }
});

s("fuzz: 20,000 mutated frames give a body or a ProtocolError, never anything else", () => {
  const rand = prng(0x1a2b3c);
  const seeds: Uint8Array[] = [...Object.values(LZ4_CLI).map(b64), b64(JAVA.LZ4), encodeLz4Frame(utf8.encode(LINKED))];
  let refusedCount = 0;
  for (let i = 0; i < 20_000; i++) {
    const bytes = seeds[i % seeds.length]!.slice();
    const edits = 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
    try {
      const out = decodeLz4Frame(bytes, 1 << 20);
      assert.ok(out.length <= 1 << 20);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw new Error(`case ${i}: ${err}`);
      refusedCount++;
    }
  }
  assert.ok(refusedCount > 1000, `${refusedCount} refused`);
});

s.run();
