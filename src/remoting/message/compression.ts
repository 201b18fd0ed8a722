/**
 * Decompressing message bodies. Brokers store the body exactly as the
 * producer sent it; sysFlag bit 0x1 says it is compressed and bits 8-10 name
 * the codec. Java producers write zlib (a DEFLATE stream with zlib header)
 * by default, and LZ4 (the LZ4 frame format) or ZSTD (a zstd frame) when
 * configured so. zlib and zstd come from `node:zlib` on every runtime; LZ4
 * from ./lz4-frame.ts and ./lz4-frame-encode.ts.
 */
import { constants, deflateSync, inflateSync, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { InputError, ProtocolError } from "../../errors.ts";
import { decodeLz4Frame } from "./lz4-frame.ts";
import { encodeLz4Frame } from "./lz4-frame-encode.ts";
import { checkZstdFrame } from "./zstd-frame.ts";
import { CompressionType, MessageSysFlag } from "./message-const.ts";

/** Default ceiling for one decompressed body: far above the broker's 4 MiB message limit, yet bounded. */
export const DEFAULT_MAX_INFLATED_BYTES = 64 * 1024 * 1024;

const CODEC_NAMES: Readonly<Record<number, string>> = {
  [CompressionType.ZLIB_LEGACY]: "zlib",
  [CompressionType.ZLIB]: "zlib",
  [CompressionType.LZ4]: "LZ4",
  [CompressionType.ZSTD]: "ZSTD",
};

/** The codec number in sysFlag bits 8-10. */
export function compressionTypeOf(sysFlag: number): number {
  return (sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK) >> MessageSysFlag.COMPRESSION_TYPE_SHIFT;
}

/** `"zlib"`, `"LZ4"`, `"ZSTD"`, or `"unknown codec N"` for the codec bits of `sysFlag`. */
export function compressionNameOf(sysFlag: number): string {
  const type = compressionTypeOf(sysFlag);
  return CODEC_NAMES[type] ?? `unknown codec ${type}`;
}

/** A plain Uint8Array view of a Buffer, so every body has one type whether or not it was compressed. */
function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Decompresses a stored body with the codec its sysFlag names. Throws
 * ProtocolError (with the codec's error as `cause`) for an unknown codec,
 * corrupt data, and output beyond `maxBytes` (a zip bomb stops there
 * instead of exhausting memory).
 */
export function inflateBody(compressed: Uint8Array, sysFlag: number, maxBytes: number): Uint8Array {
  const type = compressionTypeOf(sysFlag);
  const flagText = `sysFlag 0x${(sysFlag >>> 0).toString(16)}`;
  let out: Uint8Array;
  try {
    switch (type) {
      case CompressionType.ZLIB:
      case CompressionType.ZLIB_LEGACY:
        out = plain(inflateSync(compressed, { maxOutputLength: maxBytes }));
        break;
      case CompressionType.ZSTD:
        // some runtimes return a partial body for a truncated frame instead of throwing
        checkZstdFrame(compressed);
        out = plain(zstdDecompressSync(compressed, { maxOutputLength: maxBytes }));
        break;
      case CompressionType.LZ4:
        out = decodeLz4Frame(compressed, maxBytes);
        break;
      default:
        throw new ProtocolError(`compressed message body uses unknown codec ${type} (${flagText}); known: zlib, LZ4, ZSTD`);
    }
  } catch (cause) {
    if (cause instanceof ProtocolError && !CODEC_NAMES[type]) throw cause;
    const why = (cause as Error)?.message ?? String(cause);
    throw new ProtocolError(`compressed message body does not decompress as ${CODEC_NAMES[type]} (${flagText}): ${why}`, { cause });
  }
  // Some runtimes may not honour maxOutputLength; the size check still holds.
  if (out.byteLength > maxBytes) {
    throw new ProtocolError(`decompressed message body exceeds ${maxBytes} bytes (${flagText})`);
  }
  return out;
}

/**
 * When a producer compresses, as Java's `DefaultMQProducer` does: bodies of
 * at least `thresholdBytes` (`compressMsgBodyOverHowmuch`) with codec `type`
 * (`compressType`) at `level` (`compressLevel`). Batches are never compressed.
 */
export interface BodyCompression {
  readonly type: number;
  readonly thresholdBytes: number;
  readonly level: number;
}

/** Java's producer defaults: zlib, from 4096 bytes, level 5. */
export const JAVA_PRODUCER_COMPRESSION: BodyCompression = { type: CompressionType.ZLIB, thresholdBytes: 4096, level: 5 };

/**
 * The body to send and its codec, or the body as is (codec undefined) when
 * it is below the threshold or does not get smaller.
 *
 * @example
 * const { body, compressionType } = compressForSend(bytes, JAVA_PRODUCER_COMPRESSION);
 */
export function compressForSend(body: Uint8Array, compression: BodyCompression): { body: Uint8Array; compressionType?: number } {
  if (body.byteLength < compression.thresholdBytes) return { body };
  const compressed = compressBody(body, compression.type, compression.level).body;
  // Java keeps the compressed form even when it is larger; readers take both, so the smaller one goes
  return compressed.byteLength < body.byteLength ? { body: compressed, compressionType: compression.type } : { body };
}

/**
 * Compresses a body with codec `type` (a `CompressionType`) the way Java's
 * compressors do: zlib at `level` (0-9), zstd at `level`, LZ4 frames (LZ4
 * has no level in Java's compressor). Returns the bytes and the sysFlag bits
 * to OR into the message's sysFlag.
 *
 * @example
 * const { body, sysFlagBits } = compressBody(bytes, CompressionType.ZSTD, 5);
 */
export function compressBody(body: Uint8Array, type: number, level: number): { body: Uint8Array; sysFlagBits: number } {
  let out: Uint8Array;
  switch (type) {
    case CompressionType.ZLIB:
    case CompressionType.ZLIB_LEGACY:
      out = plain(deflateSync(body, { level }));
      break;
    case CompressionType.ZSTD:
      out = plain(zstdCompressSync(body, { params: { [constants.ZSTD_c_compressionLevel]: level } }));
      break;
    case CompressionType.LZ4:
      out = encodeLz4Frame(body);
      break;
    default:
      throw new InputError(`compression type must be one of 0 (zlib), 1 (LZ4), 2 (ZSTD), 3 (zlib), got ${type}`, "compressType", type);
  }
  return { body: out, sysFlagBits: MessageSysFlag.COMPRESSED | (type << MessageSysFlag.COMPRESSION_TYPE_SHIFT) };
}
