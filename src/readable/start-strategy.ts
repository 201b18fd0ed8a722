/**
 * Where a source starts reading a queue when no checkpoint state names an
 * offset for it: the seed's five start modes, as plain values.
 */
import { ConfigError } from "../errors.ts";
import { type MessageQueue, queueKey } from "../offsets/message-queue.ts";
import type { RemotingClient } from "../remoting/client.ts";

// ---------------------------------------------------------------------------
// model

/** What to do when a queue has no committed group offset, or its offset moved out of range. */
export const OffsetResetStrategy = {
  LATEST: "LATEST",
  EARLIEST: "EARLIEST",
} as const;
export type OffsetResetStrategy = (typeof OffsetResetStrategy)[keyof typeof OffsetResetStrategy];

export type StartStrategy =
  | { readonly kind: "earliest" }
  | { readonly kind: "latest" }
  | { readonly kind: "timestamp"; readonly timestamp: number }
  | { readonly kind: "group-offsets"; readonly reset: OffsetResetStrategy }
  | {
    readonly kind: "specific-offsets";
    /** queueKey -> next offset to read. */
    readonly offsets: ReadonlyMap<string, number>;
    /** For queues not named: group offsets with this reset. */
    readonly reset: OffsetResetStrategy;
  };

// ---------------------------------------------------------------------------
// constructors

/**
 * The seed's start modes.
 *
 * @example
 * StartFrom.timestamp(Date.parse("2025-01-01T00:00:00Z"));
 * StartFrom.specificOffsets(new Map([[{ topic: "T", brokerName: "broker-a", queueId: 0 }, 42]]));
 */
export const StartFrom = {
  /** The smallest offset each queue still stores (group offsets ignored). */
  earliest: (): StartStrategy => ({ kind: "earliest" }),
  /** Only messages stored from now on (group offsets ignored). */
  latest: (): StartStrategy => ({ kind: "latest" }),
  /** The first message stored at or after `timestamp` (epoch ms). */
  timestamp: (timestamp: number): StartStrategy => {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new ConfigError(`start timestamp must be epoch milliseconds, got ${timestamp}`, "startTimestamp", timestamp);
    }
    return { kind: "timestamp", timestamp };
  },
  /** The group's committed offset; `reset` where it has none (default LATEST, as the seed). */
  groupOffsets: (reset: OffsetResetStrategy = OffsetResetStrategy.LATEST): StartStrategy => ({ kind: "group-offsets", reset: checkReset(reset) }),
  /** Exact offsets for named queues (a `MessageQueue` or its `queueKey`); the rest use group offsets. */
  specificOffsets: (
    offsets: ReadonlyMap<MessageQueue | string, number>,
    reset: OffsetResetStrategy = OffsetResetStrategy.LATEST,
  ): StartStrategy => {
    const byKey = new Map<string, number>();
    for (const [q, offset] of offsets) {
      const key = typeof q === "string" ? q : queueKey(q);
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new ConfigError(`start offset of ${key} must be a non-negative integer, got ${offset}`, "specificOffsets", offset);
      }
      byKey.set(key, offset);
    }
    return { kind: "specific-offsets", offsets: byKey, reset: checkReset(reset) };
  },
} as const;

function checkReset(reset: OffsetResetStrategy): OffsetResetStrategy {
  if (reset !== "LATEST" && reset !== "EARLIEST") throw new ConfigError(`offset reset must be LATEST or EARLIEST, got ${String(reset)}`, "offsetResetStrategy", reset);
  return reset;
}

// ---------------------------------------------------------------------------
// resolution

/** The reset a strategy implies for queues without a committed offset and for offsets out of range. */
export function resetOf(strategy: StartStrategy): OffsetResetStrategy {
  switch (strategy.kind) {
    case "earliest": return "EARLIEST";
    case "latest": return "LATEST";
    case "timestamp": return "LATEST";
    default: return strategy.reset;
  }
}

/**
 * The first offset to read `mq` from.
 *
 * `honourStrategy` (a fresh start: the source's first assignment while no
 * other member of the group is alive) applies the strategy as the seed does:
 * earliest, latest, timestamp and named specific offsets ignore the group's
 * committed offsets. Otherwise (a queue handed over by a rebalance) the
 * committed offset wins, so members never re-read what another committed,
 * and the strategy applies only where the group has none.
 */
export async function resolveStartOffset(
  client: RemotingClient,
  consumerGroup: string,
  mq: MessageQueue,
  strategy: StartStrategy,
  honourStrategy: boolean,
): Promise<number> {
  if (!honourStrategy || strategy.kind === "group-offsets" || (strategy.kind === "specific-offsets" && !strategy.offsets.has(queueKey(mq)))) {
    const committed = await client.queryConsumerOffset(consumerGroup, mq);
    if (committed !== undefined && committed >= 0) return committed;
    if (strategy.kind === "group-offsets" || strategy.kind === "specific-offsets" && !strategy.offsets.has(queueKey(mq))) {
      return strategy.reset === "EARLIEST" ? client.getMinOffset(mq) : client.getMaxOffset(mq);
    }
  }
  switch (strategy.kind) {
    case "earliest": return client.getMinOffset(mq);
    case "latest": return client.getMaxOffset(mq);
    case "timestamp": return offsetAtTimestamp(client, mq, strategy.timestamp);
    case "specific-offsets": return strategy.offsets.get(queueKey(mq))!;
  }
}

/**
 * The first offset whose message was stored at or after `timestamp`. The
 * broker answers the nearest stored message; past the last one it is the
 * max offset (nothing to read yet).
 */
async function offsetAtTimestamp(client: RemotingClient, mq: MessageQueue, timestamp: number): Promise<number> {
  const [min, max] = await Promise.all([client.getMinOffset(mq), client.getMaxOffset(mq)]);
  if (min >= max) return max;
  return client.searchOffsetByTimestamp(mq, timestamp, "LOWER");
}
