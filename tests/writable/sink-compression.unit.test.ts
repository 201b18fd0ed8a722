/** Sink compression options (Java producer's compressType / threshold / level) and when a body is compressed. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError } from "../../src/errors.ts";
import { compressForSend, inflateBody, JAVA_PRODUCER_COMPRESSION } from "../../src/remoting/message/compression.ts";
import { CompressionType } from "../../src/remoting/message/message-const.ts";
import { parseSinkOptions } from "../../src/writable/sink-options.ts";
import { prng } from "../fixture/prng.ts";

const s = suite("sink options: compression");
const remoting = { "nameserver.address": "127.0.0.1:1" };

s("off unless compressType is given; then Java's threshold (4096) and level (5) by default", () => {
  assert.is(parseSinkOptions(remoting).compression, undefined);
  assert.is(parseSinkOptions({ ...remoting, compressType: "none" }).compression, undefined);
  assert.equal(parseSinkOptions({ ...remoting, compressType: "zlib" }).compression, { type: CompressionType.ZLIB, thresholdBytes: 4096, level: 5 });
  assert.equal(parseSinkOptions({ ...remoting, compressType: "LZ4" }).compression, { type: CompressionType.LZ4, thresholdBytes: 4096, level: 5 });
  assert.equal(parseSinkOptions({ ...remoting, compressType: "zstd", compressThresholdBytes: "100", compressLevel: 19 }).compression,
    { type: CompressionType.ZSTD, thresholdBytes: 100, level: 19 });
  assert.equal(JAVA_PRODUCER_COMPRESSION, { type: CompressionType.ZLIB, thresholdBytes: 4096, level: 5 });
});

s("bad values are refused naming the option and the value", () => {
  const fails = (input: Record<string, unknown>, pattern: RegExp, key: string) => {
    try {
      parseSinkOptions({ ...remoting, ...input });
      assert.unreachable(JSON.stringify(input));
    } catch (err) {
      assert.instance(err, ConfigError);
      assert.match((err as Error).message, pattern);
      assert.is((err as ConfigError).key, key);
    }
  };
  fails({ compressType: "gzip" }, /compressType/, "compressType");
  fails({ compressType: "zlib", compressLevel: 10 }, /compressLevel for zlib must be 0\.\.9, got 10/, "compressLevel");
  fails({ compressType: "zstd", compressLevel: 0 }, /compressLevel for zstd must be 1\.\.22, got 0/, "compressLevel");
  fails({ compressType: "zstd", compressLevel: 23 }, /compressLevel for zstd must be 1\.\.22, got 23/, "compressLevel");
  fails({ compressType: "zlib", compressThresholdBytes: -1 }, /compressThresholdBytes/, "compressThresholdBytes");
  fails({ compressLevel: 3 }, /need compressType/, "compressType");
  fails({ compressThresholdBytes: 3 }, /need compressType/, "compressType");
  try {
    parseSinkOptions({ endpoints: "127.0.0.1:1", compressType: "lz4" });
    assert.unreachable("gRPC with compressType");
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.match((err as Error).message, /remoting/);
  }
});

s("compressForSend: below the threshold as is; at it compressed (when smaller) and readable back; incompressible as is", () => {
  const text = new TextEncoder().encode("compress me ".repeat(400));
  for (const type of [CompressionType.ZLIB, CompressionType.LZ4, CompressionType.ZSTD]) {
    const compression = { type, thresholdBytes: text.length, level: 5 };
    const below = compressForSend(text.subarray(0, text.length - 1), compression);
    assert.is(below.compressionType, undefined);
    assert.is(below.body.length, text.length - 1);
    const at = compressForSend(text, compression);
    assert.is(at.compressionType, type);
    assert.ok(at.body.length < text.length / 4, `codec ${type}: ${at.body.length} bytes`);
    assert.equal(Array.from(inflateBody(at.body, 1 | (type << 8), 1 << 20)), Array.from(text));
    const rand = prng(7);
    const noise = Uint8Array.from({ length: 5000 }, () => Math.floor(rand() * 256));
    const random = compressForSend(noise, { type, thresholdBytes: 0, level: 5 });
    assert.is(random.compressionType, undefined, `codec ${type}: incompressible stays raw`);
    assert.is(random.body, noise);
  }
});

s.run();
