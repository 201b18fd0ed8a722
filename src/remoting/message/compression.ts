/**
 * Inflating compressed message bodies. Brokers store the body exactly as the
 * producer sent it; sysFlag bit 0x1 says it is compressed and bits 8-10 name
 * the codec. Java producers use zlib (the DEFLATE stream with zlib header)
 * by default; LZ4 and ZSTD exist in 5.x but need codecs this toolkit does
 * not ship.
 */
import { inflateSync } from "node:zlib";
import { ProtocolError } from "../../errors.ts";
import { CompressionType, MessageSysFlag } from "./message-const.ts";

/** Default ceiling for one inflated body: far above the broker's 4 MiB message limit, yet bounded. */
export const DEFAULT_MAX_INFLATED_BYTES = 64 * 1024 * 1024;

const CODEC_NAMES: Readonly<Record<number, string>> = {
  [CompressionType.LZ4]: "LZ4",
  [CompressionType.ZSTD]: "ZSTD",
};

/** The codec number in sysFlag bits 8-10. */
export function compressionTypeOf(sysFlag: number): number {
  return (sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK) >> MessageSysFlag.COMPRESSION_TYPE_SHIFT;
}

/**
 * Inflates a stored body. Throws ProtocolError for codecs other than zlib,
 * for corrupt data, and for output beyond `maxBytes` (a zip bomb stops there
 * instead of exhausting memory).
 */
export function inflateBody(compressed: Uint8Array, sysFlag: number, maxBytes: number): Uint8Array {
  const type = compressionTypeOf(sysFlag);
  if (type !== CompressionType.ZLIB && type !== CompressionType.ZLIB_LEGACY) {
    const name = CODEC_NAMES[type] ?? `unknown codec ${type}`;
    throw new ProtocolError(`compressed message body uses ${name} (sysFlag 0x${(sysFlag >>> 0).toString(16)}); only zlib is supported`);
  }
  let out: Uint8Array;
  try {
    const inflated = inflateSync(compressed, { maxOutputLength: maxBytes });
    // a plain Uint8Array view, so that every body has the same type whether or not it was compressed
    out = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  } catch (cause) {
    throw new ProtocolError(`compressed message body does not inflate as zlib: ${(cause as Error)?.message ?? cause}`, { cause });
  }
  // Some runtimes may not honour maxOutputLength; the size check still holds.
  if (out.byteLength > maxBytes) {
    throw new ProtocolError(`inflated message body exceeds ${maxBytes} bytes`);
  }
  return out;
}
