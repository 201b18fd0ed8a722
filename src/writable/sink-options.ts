/**
 * Sink options: the seed's Properties keys with their defaults, or the same
 * things typed in camelCase. Exactly one transport is chosen by what is
 * configured: `nameServerAddress` (remoting) or `endpoints` (gRPC proxy).
 */
import { randomUUID } from "node:crypto";
import * as t from "io-ts";
import { AddressList, decodeOptions, NonNegativeIntFromInput, PositiveIntFromInput } from "../config/decode-options.ts";
import { DurationMs, NonNegativeDurationMs } from "../config/duration.ts";
import { SEND_RETRY_BACKOFF } from "../backoff.ts";
import { ConfigError } from "../errors.ts";
import { hideSecretKey } from "../config/hidden-secret.ts";
import { DEFAULT_MAX_OUTAGE_MS } from "../outage.ts";
import { type BodyCompression, JAVA_PRODUCER_COMPRESSION } from "../remoting/message/compression.ts";
import { CompressionType } from "../remoting/message/message-const.ts";

/** Seed Properties key -> typed option name. */
export const SinkPropertyKeys = {
  "nameserver.address": "nameServerAddress",
  "producer.group": "producerGroup",
  "producer.retry.times": "retryTimes",
  "producer.timeout": "sendTimeoutMs",
} as const;

/** The shortest request timeout the gRPC client (rocketmq-client-nodejs) accepts. */
const MIN_GRPC_TIMEOUT_MS = 1000;

const SinkOptionsCodec = t.partial({
  nameServerAddress: AddressList,
  endpoints: AddressList,
  producerGroup: t.string,
  retryTimes: NonNegativeIntFromInput,
  sendTimeoutMs: DurationMs,
  maxInFlight: PositiveIntFromInput,
  batchMaxMessages: PositiveIntFromInput,
  batchMaxBytes: PositiveIntFromInput,
  maxMessageBytes: PositiveIntFromInput,
  retryBackoffMs: NonNegativeDurationMs,
  retryBackoffMaxMs: NonNegativeDurationMs,
  maxOutageMs: NonNegativeDurationMs,
  accessKey: t.string,
  secretKey: t.string,
  compressType: t.keyof({ none: null, zlib: null, lz4: null, zstd: null, ZLIB: null, LZ4: null, ZSTD: null }, "CompressType"),
  compressThresholdBytes: NonNegativeIntFromInput,
  compressLevel: NonNegativeIntFromInput,
});

const CODEC_OF_TYPE = { zlib: CompressionType.ZLIB, lz4: CompressionType.LZ4, zstd: CompressionType.ZSTD } as const;
/** Levels each codec takes (Java's Deflater 0-9, zstd 1-22; Java's LZ4 compressor has none). */
const LEVELS = { zlib: [0, 9], lz4: [0, Number.MAX_SAFE_INTEGER], zstd: [1, 22] } as const;

export type SinkOptionsInput = t.TypeOf<typeof SinkOptionsCodec> | Readonly<Record<string, unknown>>;

export interface SinkOptions {
  readonly nameServerAddress?: string;
  readonly endpoints?: string;
  readonly producerGroup: string;
  readonly retryTimes: number;
  readonly sendTimeoutMs: number;
  readonly maxInFlight?: number;
  readonly batchMaxMessages?: number;
  readonly batchMaxBytes?: number;
  readonly maxMessageBytes: number;
  /**
   * The wait before a send is retried on the broker (or proxy) that just
   * failed it, doubling per retry up to `retryBackoffMaxMs`; 0 for none. A
   * retry that can go to another broker goes at once.
   */
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /**
   * How long sends ride through a broker (or proxy) that can't be reached
   * before the sink fails with an OutageError; 0 fails at once, as a send
   * whose retries are spent. Default 180,000 (3 minutes).
   */
  readonly maxOutageMs: number;
  readonly accessKey?: string;
  readonly secretKey?: string;
  /**
   * Remoting only: compress bodies of at least `thresholdBytes` with this
   * codec, as Java's producer does (`compressType`, default none here where
   * Java's is zlib; `compressThresholdBytes`, default 4096; `compressLevel`,
   * default 5). Batches are sent uncompressed, as Java does.
   */
  readonly compression?: BodyCompression;
}

/**
 * Validates and completes sink options.
 *
 * @example
 * parseSinkOptions({ "nameserver.address": "127.0.0.1:9876" }).retryTimes; // 3
 */
export function parseSinkOptions(input: SinkOptionsInput | Map<string, unknown>): SinkOptions {
  const o = decodeOptions("sink options", SinkOptionsCodec, SinkPropertyKeys, input);
  if ((o.nameServerAddress === undefined) === (o.endpoints === undefined)) {
    throw new ConfigError(
      "sink options: give exactly one of \"nameserver.address\" (nameServerAddress, remoting) or \"endpoints\" (gRPC proxy)",
      "nameserver.address", o.nameServerAddress ?? o.endpoints);
  }
  // rocketmq-client-nodejs refuses a request timeout under 1 s with a bare RangeError
  if (o.endpoints !== undefined && o.sendTimeoutMs !== undefined && o.sendTimeoutMs < MIN_GRPC_TIMEOUT_MS) {
    throw new ConfigError(`sink options: "producer.timeout" (sendTimeoutMs) is ${o.sendTimeoutMs} ms: over gRPC (endpoints) it must be at least ${MIN_GRPC_TIMEOUT_MS} ms`,
      "sendTimeoutMs", o.sendTimeoutMs);
  }
  if ((o.accessKey === undefined) !== (o.secretKey === undefined)) {
    throw new ConfigError("sink options: accessKey and secretKey go together", o.accessKey ? "secretKey" : "accessKey", undefined);
  }
  const retryBackoffMs = o.retryBackoffMs ?? SEND_RETRY_BACKOFF.initialMs;
  // a larger first wait given alone raises the cap with it rather than being refused
  const retryBackoffMaxMs = o.retryBackoffMaxMs ?? Math.max(retryBackoffMs, SEND_RETRY_BACKOFF.maxMs);
  if (retryBackoffMaxMs < retryBackoffMs) {
    throw new ConfigError(`sink options: retryBackoffMaxMs (${retryBackoffMaxMs}) is below retryBackoffMs (${retryBackoffMs})`,
      "retryBackoffMaxMs", retryBackoffMaxMs);
  }
  const { compressType, compressThresholdBytes, compressLevel, ...rest } = o;
  return hideSecretKey({
    ...rest,
    ...compressionOf(o),
    retryBackoffMs,
    retryBackoffMaxMs,
    producerGroup: o.producerGroup ?? `rmqws-producer-${randomUUID()}`,
    retryTimes: o.retryTimes ?? 3,
    sendTimeoutMs: o.sendTimeoutMs ?? 3000,
    maxMessageBytes: o.maxMessageBytes ?? 4 * 1024 * 1024,
    maxOutageMs: o.maxOutageMs ?? DEFAULT_MAX_OUTAGE_MS,
  });
}

/** The compression settings the options ask for; none without `compressType` (or with "none"). */
function compressionOf(o: t.TypeOf<typeof SinkOptionsCodec>): { compression?: BodyCompression } {
  const type = o.compressType?.toLowerCase() as "none" | keyof typeof CODEC_OF_TYPE | undefined;
  if (type === undefined || type === "none") {
    if (o.compressThresholdBytes !== undefined || o.compressLevel !== undefined) {
      throw new ConfigError("sink options: compressThresholdBytes and compressLevel need compressType", "compressType", o.compressType);
    }
    return {};
  }
  if (o.endpoints !== undefined) {
    throw new ConfigError("sink options: compressType applies to the remoting transport (nameserver.address); the gRPC proxy compresses on its own", "compressType", o.compressType);
  }
  const level = o.compressLevel ?? JAVA_PRODUCER_COMPRESSION.level;
  const [min, max] = LEVELS[type];
  if (level < min || level > max) {
    throw new ConfigError(`sink options: compressLevel for ${type} must be ${min}..${max}, got ${level}`, "compressLevel", level);
  }
  return {
    compression: {
      type: CODEC_OF_TYPE[type],
      thresholdBytes: o.compressThresholdBytes ?? JAVA_PRODUCER_COMPRESSION.thresholdBytes,
      level,
    },
  };
}
