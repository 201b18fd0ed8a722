/**
 * What the runner asks of the broker.
 *
 * Topics, subscription groups and per-attempt counts go through one
 * RemotingClient in the runner (a request each, milliseconds): the count is
 * the broker's own answer, the sum over the topic's queues of max offset -
 * min offset. In full and reduced runs mqadmin (the Java CLI, one JVM per
 * call, 3-10 s each on this machine) counts each written topic once more at
 * the end of its scenario, as a check through a client no one here wrote. The
 * quick run skips that second count to stay under its time budget.
 */
import { mqadmin } from "../../scripts/broker.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import { createRequest, expectSuccess } from "../../src/remoting/command.ts";

/** UPDATE_AND_CREATE_SUBSCRIPTIONGROUP in the remoting protocol (what `mqadmin updateSubGroup` sends). */
const UPDATE_AND_CREATE_SUBSCRIPTIONGROUP = 200;

/** mqadmin topicStatus: sum over the topic's queues of (max offset - min offset). */
export function storedMessagesByMqadmin(namesrv: string, topic: string): number {
  const out = mqadmin(["topicStatus", "-n", namesrv, "-t", topic]);
  let sum = 0;
  let rows = 0;
  for (const line of out.split("\n")) {
    const m = /^\S+\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(line);
    if (m) {
      sum += Number(m[3]) - Number(m[2]);
      rows++;
    }
  }
  if (rows === 0) throw new Error(`topicStatus ${topic} gave no queue rows: ${out.slice(-500)}`);
  return sum;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class BenchAdmin {
  readonly #client: RemotingClient;

  constructor(namesrv: string) {
    this.#client = new RemotingClient({ nameServerAddress: namesrv, requestTimeoutMs: 10_000 });
  }

  /** Creates the topic on every master and waits until the name server routes it. */
  async createTopic(topic: string, queues: number): Promise<void> {
    await this.#client.createTopic(topic, { queues });
    for (let i = 0; ; i++) {
      try {
        const route = await this.#client.readableQueues(topic);
        if (route.length >= queues) return;
      } catch (err) {
        if (i >= 100) throw err;
      }
      await sleep(100);
      await this.#client.getRouteInfo(topic, { refresh: true }).catch(() => undefined);
    }
  }

  /**
   * A subscription group that starts at the queues' minimum offset
   * (consumeFromMinEnable, as `mqadmin updateSubGroup -m true`): a pop
   * consumer of a group the broker auto-creates would start at the end.
   */
  async createGroup(group: string, topic: string): Promise<void> {
    const route = await this.#client.getRouteInfo(topic);
    const body = new TextEncoder().encode(JSON.stringify({
      groupName: group, consumeEnable: true, consumeFromMinEnable: true, consumeBroadcastEnable: true,
      retryQueueNums: 1, retryMaxTimes: 16, brokerId: 0, whichBrokerWhenConsumeSlowly: 1, notifyConsumerIdsChangedEnable: true,
    }));
    const masters = route.brokerDatas.flatMap((b) => (b.brokerAddrs["0"] ? [b.brokerAddrs["0"]] : []));
    if (masters.length === 0) throw new Error(`no master broker in the route of ${topic}`);
    await Promise.all(masters.map(async (address) =>
      expectSuccess(await this.#client.pool.request(address, createRequest(UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body)),
        `create subscription group ${group}`, address)));
  }

  /** The broker's count of stored messages of a topic: sum of (max offset - min offset) over its queues. */
  async stored(topic: string): Promise<number> {
    const queues = await this.#client.readableQueues(topic);
    const counts = await Promise.all(queues.map(async (mq) =>
      (await this.#client.getMaxOffset(mq)) - (await this.#client.getMinOffset(mq))));
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * The count once it reaches `expected` (the consume queue is built a little
   * after the acknowledgement), or whatever it is after `patienceMs`.
   */
  async storedAtLeast(topic: string, expected: number, patienceMs = 3000): Promise<number> {
    const until = Date.now() + patienceMs;
    for (;;) {
      const n = await this.stored(topic);
      if (n >= expected || Date.now() > until) return n;
      await sleep(50);
    }
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

export const randomName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
