/**
 * Committing a consumer group's offset of one queue to the broker.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { RocketMQError } from "../errors.ts";
import type { MessageQueue } from "../offsets/message-queue.ts";
import type { RemotingClient } from "../remoting/client.ts";

/**
 * Commits, retrying errors the transport marks retryable (`attempts` in all,
 * 200 ms apart, doubling). The checkpoint coordinator fails the pipeline on a
 * rejection, so only a lasting failure should reach it.
 */
export async function commitWithRetry(
  client: RemotingClient,
  consumerGroup: string,
  mq: MessageQueue,
  offset: number,
  attempts = 4,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // confirmed, unlike Java's oneway commit, so a close can wait for it
      return await client.updateConsumerOffset(consumerGroup, mq, offset);
    } catch (error) {
      if (attempt >= attempts || !(error instanceof RocketMQError && error.retryable)) throw error;
      await sleep(200 * 2 ** (attempt - 1));
    }
  }
}
