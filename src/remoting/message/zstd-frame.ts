/**
 * A structural check of zstd frames (RFC 8878), run before decompressing.
 *
 * `zstdDecompressSync` of Deno 2.9 and Bun 1.4 returns whatever it decoded
 * so far, often nothing, when the input stops in the middle of a frame,
 * where Node throws "unexpected end of file". Walking the frame and block
 * headers (no decompression) finds a truncated or overlong body on every
 * runtime the same way, for the cost of reading a few bytes per block.
 */
import { ProtocolError } from "../../errors.ts";

const MAGIC = 0xfd2fb528;
const DICT_ID_BYTES = [0, 1, 2, 4] as const;
const CONTENT_SIZE_BYTES = [0, 2, 4, 8] as const;
const BLOCK_RLE = 1;
const BLOCK_RESERVED = 3;

function fail(why: string): ProtocolError {
  return new ProtocolError(`zstd frame: ${why}`);
}

function u32(b: Uint8Array, p: number): number {
  if (p + 4 > b.byteLength) throw fail(`truncated at byte ${p}`);
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/**
 * Throws ProtocolError unless `src` is exactly one complete zstd frame.
 * One frame is what Java's compressor writes, and the only input every
 * runtime decodes whole: Node's decoder stops after the first frame, so
 * anything after it would be dropped without a word.
 *
 * @example
 * checkZstdFrame(zstdCompressSync(bytes)); // passes
 */
export function checkZstdFrame(src: Uint8Array): void {
  if (src.byteLength === 0) throw fail("empty input");
  const magic = u32(src, 0);
  if (magic !== MAGIC) throw fail(`bad magic number 0x${magic.toString(16)}`);
  const end = skipFrame(src, 4);
  if (end !== src.byteLength) throw fail(`${src.byteLength - end} bytes after the frame`);
}

/** From the frame header descriptor to just after the frame; returns that position. */
function skipFrame(src: Uint8Array, p: number): number {
  if (p >= src.byteLength) throw fail("truncated frame header");
  const descriptor = src[p++]!;
  if ((descriptor & 0x08) !== 0) throw fail(`reserved bit set in frame header descriptor 0x${descriptor.toString(16)}`);
  const singleSegment = (descriptor & 0x20) !== 0;
  const contentSizeFlag = descriptor >>> 6;
  const headerRest = (singleSegment ? 0 : 1) + DICT_ID_BYTES[descriptor & 0x03]!
    + (contentSizeFlag === 0 && singleSegment ? 1 : CONTENT_SIZE_BYTES[contentSizeFlag]!);
  p += headerRest;
  for (;;) {
    if (p + 3 > src.byteLength) throw fail(`truncated block header at byte ${p}`);
    const header = src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16);
    p += 3;
    const type = (header >>> 1) & 0x3;
    if (type === BLOCK_RESERVED) throw fail(`reserved block type at byte ${p - 3}`);
    const length = type === BLOCK_RLE ? 1 : header >>> 3;
    if (length > src.byteLength - p) throw fail(`block of ${length} bytes at byte ${p} overruns the input`);
    p += length;
    if ((header & 1) !== 0) break;
  }
  if ((descriptor & 0x04) !== 0) {
    if (p + 4 > src.byteLength) throw fail("truncated content checksum");
    p += 4;
  }
  return p;
}
