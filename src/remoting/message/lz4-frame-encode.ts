/**
 * Encoding of the LZ4 frame format the way Java producers write it
 * (independent blocks, 4 MiB maximum block size, header checksum only), so
 * that Java consumers, which read it with lz4-java's frame reader, and this
 * toolkit read what it sends. The block compressor is the simple greedy one:
 * a 4-byte hash table, no lazy matching. It trades some ratio for a small,
 * obviously bounded loop; ./lz4-frame.ts says why no npm package is used.
 */
import { xxhash32 } from "./xxhash32.ts";

const MAGIC = 0x184d2204;
/** Version 01, independent blocks; BD: 4 MiB blocks (what lz4-java writes by default). */
const FLG = 0x60;
const BD = 0x70;
const BLOCK_MAX = 4 << 20;
const UNCOMPRESSED_BLOCK = 0x80000000;
const MIN_MATCH = 4;
/** The format's end-of-block rules: the last 5 bytes are literals, the last match starts 12 bytes before the end. */
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;
const HASH_LOG = 12;
/** Reused by every call (encoding is synchronous); cleared per block so output depends on input only. */
const table = new Int32Array(1 << HASH_LOG);

function readU32(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
}

function hash(word: number): number {
  return Math.imul(word, 2654435761) >>> (32 - HASH_LOG);
}

function writeU32LE(b: Uint8Array, p: number, v: number): void {
  b[p] = v; b[p + 1] = v >>> 8; b[p + 2] = v >>> 16; b[p + 3] = v >>> 24;
}

/** Worst case of one compressed block of n bytes. */
function blockBound(n: number): number {
  return n + Math.ceil(n / 255) + 16;
}

/**
 * Compresses `src` into one LZ4 frame.
 *
 * @example
 * decodeLz4Frame(encodeLz4Frame(bytes), 1 << 20); // bytes again
 */
export function encodeLz4Frame(src: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(src.byteLength / BLOCK_MAX));
  // header, end mark, and per block its size word plus the worst case of the block itself
  const out = new Uint8Array(7 + 4 + blocks * 4 + blockBound(src.byteLength) + blocks * 16);
  writeU32LE(out, 0, MAGIC);
  out[4] = FLG;
  out[5] = BD;
  out[6] = (xxhash32(out, 4, 6) >>> 8) & 0xff;
  let p = 7;
  for (let start = 0; start < src.byteLength; start += BLOCK_MAX) {
    const end = Math.min(src.byteLength, start + BLOCK_MAX);
    const length = compressBlock(src, start, end, out, p + 4);
    if (length >= end - start) {
      // incompressible: stored as is, flagged by the size's top bit
      writeU32LE(out, p, (end - start) | UNCOMPRESSED_BLOCK);
      out.set(src.subarray(start, end), p + 4);
      p += 4 + (end - start);
    } else {
      writeU32LE(out, p, length);
      p += 4 + length;
    }
  }
  writeU32LE(out, p, 0);
  return out.subarray(0, p + 4);
}

/** Compresses src[start, end) into dst at `at`; returns the compressed length. */
function compressBlock(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): number {
  table.fill(-1);
  let d = at;
  let anchor = start;
  const matchLimit = end - LAST_LITERALS;
  const searchEnd = end - MF_LIMIT;
  let p = start;
  while (p < searchEnd) {
    const word = readU32(src, p);
    const h = hash(word);
    const candidate = table[h]!;
    table[h] = p;
    if (candidate < 0 || p - candidate > MAX_OFFSET || readU32(src, candidate) !== word) {
      p++;
      continue;
    }
    let matchEnd = p + MIN_MATCH;
    let from = candidate + MIN_MATCH;
    while (matchEnd < matchLimit && src[matchEnd] === src[from]) { matchEnd++; from++; }
    d = writeSequence(src, anchor, p, dst, d, p - candidate, matchEnd - p);
    p = anchor = matchEnd;
  }
  return writeSequence(src, anchor, end, dst, d, 0, 0) - at;
}

/** One sequence: literals src[from, to), then a match (none when length is 0). Returns the new output position. */
function writeSequence(src: Uint8Array, from: number, to: number, dst: Uint8Array, d: number, offset: number, length: number): number {
  const literals = to - from;
  const matchCode = length === 0 ? 0 : length - MIN_MATCH;
  const tokenAt = d++;
  dst[tokenAt] = ((literals >= 15 ? 15 : literals) << 4) | (matchCode >= 15 ? 15 : matchCode);
  if (literals >= 15) d = writeLength(dst, d, literals - 15);
  dst.set(src.subarray(from, to), d);
  d += literals;
  if (length === 0) return d;
  dst[d++] = offset & 0xff;
  dst[d++] = offset >>> 8;
  if (matchCode >= 15) d = writeLength(dst, d, matchCode - 15);
  return d;
}

function writeLength(dst: Uint8Array, d: number, n: number): number {
  while (n >= 255) { dst[d++] = 255; n -= 255; }
  dst[d++] = n;
  return d;
}
