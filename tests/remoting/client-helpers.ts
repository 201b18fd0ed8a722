/**
 * Shared steps of the remoting broker suites: a client on the test cluster,
 * a fresh topic that the name server already routes, and pulling until a
 * count is reached (the consume queue is written just after the store).
 */
import { RemotingClient, type RemotingClientOptions } from "../../src/remoting/client.ts";
import type { PullRequest } from "../../src/remoting/broker-pull.ts";
import type { MessageExt } from "../../src/remoting/message/mod.ts";
import type { MessageQueue } from "../../src/remoting/route.ts";
import { cluster, randomName } from "../fixture/broker.ts";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const utf8 = new TextEncoder();
export const text = new TextDecoder();

export function newClient(options: Partial<RemotingClientOptions> = {}): RemotingClient {
  return new RemotingClient({ nameServerAddress: cluster().namesrv, requestTimeoutMs: 5000, ...options });
}

/** Creates a topic through the client (UPDATE_AND_CREATE_TOPIC) and waits until its route is served. */
export async function freshTopic(client: RemotingClient, prefix: string, queues = 1): Promise<string> {
  const topic = randomName(prefix);
  await client.createTopic(topic, { queues });
  for (let i = 0; ; i++) {
    try {
      const route = await client.getRouteInfo(topic, { refresh: true });
      if (route.queueDatas.some((q) => q.readQueueNums === queues)) return topic;
    } catch (err) {
      if (i >= 100) throw err;
    }
    await sleep(100);
  }
}

/** Pulls from `offset` until `count` messages arrived (or 10 s passed). */
export async function pullAll(
  client: RemotingClient,
  mq: MessageQueue,
  count: number,
  request: Partial<PullRequest> = {},
): Promise<MessageExt[]> {
  const out: MessageExt[] = [];
  let offset = request.queueOffset ?? 0;
  const deadline = Date.now() + 10_000;
  while (out.length < count && Date.now() < deadline) {
    const r = await client.pull(mq, { consumerGroup: "remoting_test_reader", ...request, queueOffset: offset });
    out.push(...r.messages);
    if (r.status === "NO_NEW_MSG") await sleep(50);
    offset = r.nextBeginOffset;
  }
  return out;
}
