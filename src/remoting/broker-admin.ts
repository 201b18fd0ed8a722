/**
 * Administration a test or a tool needs: UPDATE_AND_CREATE_TOPIC on one broker.
 * Production topics are better created by operators (mqadmin updateTopic).
 */
import { createRequest, expectSuccess } from "./command.ts";
import type { RemotingInvoker } from "./connection-pool.ts";
import { RequestCode } from "./request-codes.ts";

export interface CreateTopicOptions {
  /** Read and write queue count; default 4. */
  readonly queues?: number;
  /** Default 6 (read + write). */
  readonly perm?: number;
  /** Topic attributes, e.g. `{ "message.type": "FIFO" }`. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/**
 * Creates (or updates) a topic on one broker; the broker registers it with
 * the name servers on its next registration, within seconds.
 *
 * @example
 * await createTopic(pool, "127.0.0.1:10911", "orders", { queues: 8 });
 */
export async function createTopic(
  invoker: RemotingInvoker,
  address: string,
  topic: string,
  options: CreateTopicOptions = {},
): Promise<void> {
  const queues = options.queues ?? 4;
  const attributes = Object.entries(options.attributes ?? {}).map(([k, v]) => `+${k}=${v}`).join(",");
  const response = await invoker.request(address, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
    topic,
    defaultTopic: "TBW102",
    readQueueNums: queues,
    writeQueueNums: queues,
    perm: options.perm ?? 6,
    topicFilterType: "SINGLE_TAG",
    topicSysFlag: 0,
    order: false,
    attributes: attributes === "" ? undefined : attributes,
  }));
  expectSuccess(response, `create topic ${topic}`, address);
}
