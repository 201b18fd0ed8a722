/**
 * Sink options: the seed's Properties keys with their defaults, or the same
 * things typed in camelCase. Exactly one transport is chosen by what is
 * configured: `nameServerAddress` (remoting) or `endpoints` (gRPC proxy).
 */
import { randomUUID } from "node:crypto";
import * as t from "io-ts";
import { AddressList, decodeOptions, NonNegativeIntFromInput, PositiveIntFromInput } from "../config/decode-options.ts";
import { SEND_RETRY_BACKOFF } from "../backoff.ts";
import { ConfigError } from "../errors.ts";
import { DEFAULT_MAX_OUTAGE_MS } from "../outage.ts";

/** Seed Properties key -> typed option name. */
export const SinkPropertyKeys = {
  "nameserver.address": "nameServerAddress",
  "producer.group": "producerGroup",
  "producer.retry.times": "retryTimes",
  "producer.timeout": "sendTimeoutMs",
} as const;

const SinkOptionsCodec = t.partial({
  nameServerAddress: AddressList,
  endpoints: AddressList,
  producerGroup: t.string,
  retryTimes: NonNegativeIntFromInput,
  sendTimeoutMs: PositiveIntFromInput,
  maxInFlight: PositiveIntFromInput,
  batchMaxMessages: PositiveIntFromInput,
  batchMaxBytes: PositiveIntFromInput,
  maxMessageBytes: PositiveIntFromInput,
  retryBackoffMs: NonNegativeIntFromInput,
  retryBackoffMaxMs: NonNegativeIntFromInput,
  maxOutageMs: NonNegativeIntFromInput,
  accessKey: t.string,
  secretKey: t.string,
});

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
  return {
    ...o,
    retryBackoffMs,
    retryBackoffMaxMs,
    producerGroup: o.producerGroup ?? `rmqws-producer-${randomUUID()}`,
    retryTimes: o.retryTimes ?? 3,
    sendTimeoutMs: o.sendTimeoutMs ?? 3000,
    maxMessageBytes: o.maxMessageBytes ?? 4 * 1024 * 1024,
    maxOutageMs: o.maxOutageMs ?? DEFAULT_MAX_OUTAGE_MS,
  };
}
