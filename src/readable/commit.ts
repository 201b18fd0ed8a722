/**
 * Committing a consumer group's offset of one queue to the broker.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { RocketMQError } from "../errors.ts";
import type { MessageQueue } from "../offsets/message-queue.ts";
import type { RemotingClient } from "../remoting/client.ts";

/** One confirmed UPDATE_CONSUMER_OFFSET (Java sends it oneway; a confirmation lets a close wait for it). */
export function commitOffset(client: RemotingClient, consumerGroup: string, mq: MessageQueue, offset: number): Promise<void> {
  return client.updateConsumerOffset(consumerGroup, mq, offset);
}

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
      return await commitOffset(client, consumerGroup, mq, offset);
    } catch (error) {
      if (attempt >= attempts || !(error instanceof RocketMQError && error.retryable)) throw error;
      await sleep(200 * 2 ** (attempt - 1));
    }
  }
}
