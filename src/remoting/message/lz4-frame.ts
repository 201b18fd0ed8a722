/**
 * Decoding of the LZ4 frame format, which is what Java producers write with
 * `CompressionType.LZ4` (RocketMQ's compressor wraps lz4-java's
 * `LZ4FrameOutputStream`: independent blocks, 4 MiB block size, no checksums
 * beyond the header's).
 *
 * Written here rather than taken from npm: no runtime ships LZ4, and the
 * pure-JS packages on npm either decode only raw blocks, skip the frame's
 * checksums and bounds (reading past the input yields garbage instead of an
 * error), or are Node-only native or WASM builds. The format is small and
 * fully specified, so a bounded, checked decoder costs ~200 lines.
 *
 * Every frame is read twice: a first pass checks the structure and sums the
 * decompressed size without writing anything (so an oversized body is
 * refused before any allocation), the second copies into one buffer of
 * exactly that size. Concatenated and skippable frames are accepted, as
 * lz4-java's reader does. Dictionaries are not (RocketMQ never sets one).
 */
import { ProtocolError } from "../../errors.ts";
import { xxhash32 } from "./xxhash32.ts";

const MAGIC = 0x184d2204;
/** Skippable frames use the magic numbers 0x184D2A50..0x184D2A5F. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION = 0x40;
const FLG_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const UNCOMPRESSED_BLOCK = 0x80000000;
const MIN_MATCH = 4;
/** Below this many bytes a plain loop beats creating a subarray view for `set`. */
const SHORT_COPY = 32;
/** Block maximum sizes by the BD byte's bits 4-6 (values 4..7). */
const BLOCK_MAX: Readonly<Record<number, number>> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

function fail(why: string): ProtocolError {
  return new ProtocolError(`LZ4 frame: ${why}`);
}

function u32(b: Uint8Array, p: number): number {
  if (p + 4 > b.byteLength) throw fail(`truncated at byte ${p}`);
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/**
 * Decompresses one or more LZ4 frames. Throws ProtocolError when the input
 * is not a valid frame sequence, a checksum disagrees, or the output would
 * exceed `maxBytes`.
 *
 * @example
 * decodeLz4Frame(compressed, 64 << 20); // the original bytes
 */
export function decodeLz4Frame(src: Uint8Array, maxBytes: number): Uint8Array {
  const size = walkFrames(src, undefined, maxBytes);
  const out = new Uint8Array(size);
  walkFrames(src, out, maxBytes);
  return out;
}

/** Measures (dst undefined) or decodes into dst; returns the total decompressed size. */
function walkFrames(src: Uint8Array, dst: Uint8Array | undefined, maxBytes: number): number {
  let p = 0;
  let out = 0;
  if (src.byteLength === 0) throw fail("empty input");
  while (p < src.byteLength) {
    const magic = u32(src, p);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      const length = u32(src, p + 4);
      if (length > src.byteLength - p - 8) throw fail(`skippable frame of ${length} bytes overruns the input`);
      p += 8 + length;
      continue;
    }
    if (magic !== MAGIC) throw fail(`bad magic number 0x${magic.toString(16)} at byte ${p}`);
    [p, out] = walkFrame(src, p + 4, dst, out, maxBytes);
  }
  return out;
}

/** One frame from its descriptor; returns [input position, output position] after it. */
function walkFrame(src: Uint8Array, p: number, dst: Uint8Array | undefined, out: number, maxBytes: number): [number, number] {
  if (p + 3 > src.byteLength) throw fail("truncated frame descriptor");
  const descriptorAt = p;
  const flg = src[p]!, bd = src[p + 1]!;
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION) throw fail(`unsupported version bits in FLG 0x${flg.toString(16)}`);
  if ((flg & FLG_RESERVED) !== 0 || (bd & 0x8f) !== 0) throw fail(`reserved descriptor bits set (FLG 0x${flg.toString(16)}, BD 0x${bd.toString(16)})`);
  if ((flg & FLG_DICT_ID) !== 0) throw fail("frames that need a dictionary are not supported");
  const blockMax = BLOCK_MAX[(bd >> 4) & 0x7];
  if (blockMax === undefined) throw fail(`invalid block maximum size code ${(bd >> 4) & 0x7}`);
  p += 2;
  let contentSize = -1;
  if ((flg & FLG_CONTENT_SIZE) !== 0) {
    if (p + 8 > src.byteLength) throw fail("truncated content size");
    const high = u32(src, p + 4);
    if (high > 0x1fffff) throw fail("content size beyond 2^53");
    contentSize = high * 4294967296 + u32(src, p);
    if (out + contentSize > maxBytes) throw fail(`content size ${contentSize} exceeds the ${maxBytes}-byte limit`);
    p += 8;
  }
  if (p >= src.byteLength) throw fail("truncated frame descriptor");
  const checksum = (xxhash32(src, descriptorAt, p) >>> 8) & 0xff;
  if (src[p] !== checksum) throw fail(`header checksum 0x${src[p]!.toString(16)} should be 0x${checksum.toString(16)}`);
  p++;

  const frameStart = out;
  const independent = (flg & FLG_INDEPENDENT) !== 0;
  const blockChecksums = (flg & FLG_BLOCK_CHECKSUM) !== 0;
  for (;;) {
    const word = u32(src, p);
    p += 4;
    if (word === 0) break;
    const length = (word & ~UNCOMPRESSED_BLOCK) >>> 0;
    if (length > blockMax) throw fail(`block of ${length} bytes above the frame's ${blockMax}-byte maximum`);
    if (length > src.byteLength - p) throw fail(`block of ${length} bytes at byte ${p} overruns the input`);
    if (blockChecksums) {
      const expected = u32(src, p + length);
      if (dst === undefined && xxhash32(src, p, p + length) !== expected) throw fail(`block checksum mismatch at byte ${p}`);
    }
    const blockStart = out;
    if ((word & UNCOMPRESSED_BLOCK) !== 0) {
      if (out + length > maxBytes) throw tooLarge(maxBytes);
      dst?.set(src.subarray(p, p + length), out);
      out += length;
    } else {
      // linked blocks may refer back into earlier blocks of the same frame
      out = walkBlock(src, p, p + length, dst, out, independent ? blockStart : frameStart, maxBytes);
    }
    if (out - blockStart > blockMax) throw fail(`block decompresses to ${out - blockStart} bytes, above the frame's ${blockMax}-byte maximum`);
    p += length + (blockChecksums ? 4 : 0);
  }
  if (contentSize >= 0 && out - frameStart !== contentSize) {
    throw fail(`frame decompresses to ${out - frameStart} bytes, its header says ${contentSize}`);
  }
  if ((flg & FLG_CONTENT_CHECKSUM) !== 0) {
    const expected = u32(src, p);
    if (dst !== undefined && xxhash32(dst, frameStart, out) !== expected) throw fail("content checksum mismatch");
    p += 4;
  }
  return [p, out];
}

function tooLarge(maxBytes: number): ProtocolError {
  return fail(`decompressed size exceeds the ${maxBytes}-byte limit`);
}

/**
 * One compressed block: sequences of (token, literals, offset, match). With
 * `dst` undefined it only checks and measures. `lowest` is the first output
 * byte a match may refer to.
 */
function walkBlock(
  src: Uint8Array, p: number, end: number, dst: Uint8Array | undefined, out: number, lowest: number, maxBytes: number,
): number {
  for (;;) {
    if (p >= end) throw fail(`block ends without its last literals at byte ${p}`);
    const token = src[p++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (p >= end) throw fail(`literal length runs past the block at byte ${p}`);
        b = src[p++]!;
        literals += b;
      } while (b === 255);
    }
    if (literals > end - p) throw fail(`${literals} literals overrun the block at byte ${p}`);
    if (out + literals > maxBytes) throw tooLarge(maxBytes);
    if (dst !== undefined) {
      if (literals > SHORT_COPY) dst.set(src.subarray(p, p + literals), out);
      else for (let i = 0; i < literals; i++) dst[out + i] = src[p + i]!;
    }
    p += literals;
    out += literals;
    // the last sequence of a block has literals only
    if (p === end) return out;
    if (end - p < 2) throw fail(`truncated match offset at byte ${p}`);
    const offset = src[p]! | (src[p + 1]! << 8);
    p += 2;
    if (offset === 0 || offset > out - lowest) throw fail(`match offset ${offset} reaches before the block's window at byte ${p - 2}`);
    let match = token & 15;
    if (match === 15) {
      let b: number;
      do {
        if (p >= end) throw fail(`match length runs past the block at byte ${p}`);
        b = src[p++]!;
        match += b;
      } while (b === 255);
    }
    match += MIN_MATCH;
    if (out + match > maxBytes) throw tooLarge(maxBytes);
    if (dst !== undefined) {
      let from = out - offset;
      if (offset >= match && match > SHORT_COPY) {
        dst.copyWithin(out, from, from + match);
      } else {
        // short or overlapping (repeating the last `offset` bytes): byte by byte
        const stop = out + match;
        for (let i = out; i < stop; i++) dst[i] = dst[from++]!;
      }
    }
    out += match;
  }
}
