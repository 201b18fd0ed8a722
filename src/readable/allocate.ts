/**
 * Java's `AllocateMessageQueueAveragely`: every member computes the same
 * split from the same sorted inputs, so no coordinator is needed.
 */
import type { MessageQueue } from "../offsets/message-queue.ts";

/** Sorts queues as Java clients do: topic, broker name, queue id. */
export function sortQueues<Q extends MessageQueue>(queues: readonly Q[]): Q[] {
  return [...queues].sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1
      : a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1
      : a.queueId - b.queueId);
}

/**
 * The queues `clientId` reads: contiguous runs of the sorted queues, the
 * first `N % C` members taking one extra. Empty when `clientId` is not in
 * `clientIds` (the broker has not seen its heartbeat yet).
 *
 * @example
 * allocateAveragely(queues8, ["a", "b", "c"], "b"); // queues 3, 4, 5
 */
export function allocateAveragely<Q extends MessageQueue>(queues: readonly Q[], clientIds: readonly string[], clientId: string): Q[] {
  const sortedQueues = sortQueues(queues);
  const ids = [...new Set(clientIds)].sort();
  const index = ids.indexOf(clientId);
  if (index < 0 || sortedQueues.length === 0) return [];
  const n = sortedQueues.length;
  const c = ids.length;
  const mod = n % c;
  const size = n <= c ? 1 : Math.floor(n / c) + (index < mod ? 1 : 0);
  const start = index < mod ? index * size : index * size + mod;
  const take = Math.min(size, n - start);
  return take > 0 ? sortedQueues.slice(start, start + take) : [];
}
