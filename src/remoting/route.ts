/**
 * A topic's route as the name server describes it, and the queues it yields.
 */
import { ProtocolError, RouteError } from "../errors.ts";

/** Queue counts and permissions of a topic on one broker. */
export interface QueueData {
  readonly brokerName: string;
  readonly readQueueNums: number;
  readonly writeQueueNums: number;
  /** Bits: 2 write, 4 read (Java `PermName`). */
  readonly perm: number;
  readonly topicSysFlag: number;
}

/** One broker group: its name and its members' addresses by broker id ("0" is the master). */
export interface BrokerData {
  readonly cluster: string;
  readonly brokerName: string;
  readonly brokerAddrs: Readonly<Record<string, string>>;
}

export interface TopicRoute {
  readonly topic: string;
  readonly queueDatas: readonly QueueData[];
  readonly brokerDatas: readonly BrokerData[];
}

/** One queue of a topic on a broker (the same shape as `offsets`' MessageQueue). */
export interface MessageQueue {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

export const Perm = { WRITE: 2, READ: 4 } as const;
/** The broker id of a master in `brokerAddrs`. */
export const MASTER_ID = "0";

const text = new TextDecoder();

/** Parses the name server's route body (standard JSON, as asked for with acceptStandardJsonOnly). */
export function parseTopicRoute(topic: string, body: Uint8Array | undefined): TopicRoute {
  if (!body || body.byteLength === 0) throw new RouteError(`the name server sent an empty route for ${topic}`, topic);
  let raw: unknown;
  try {
    raw = JSON.parse(text.decode(body));
  } catch (err) {
    throw new ProtocolError(`route of ${topic} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const r = raw as { queueDatas?: unknown; brokerDatas?: unknown };
  if (typeof raw !== "object" || raw === null || !Array.isArray(r.queueDatas) || !Array.isArray(r.brokerDatas)) {
    throw new ProtocolError(`route of ${topic} lacks queueDatas or brokerDatas`);
  }
  const queueDatas = r.queueDatas.map((q: Record<string, unknown>): QueueData => ({
    brokerName: String(q.brokerName),
    readQueueNums: Number(q.readQueueNums) || 0,
    writeQueueNums: Number(q.writeQueueNums) || 0,
    perm: Number(q.perm) || 0,
    topicSysFlag: Number(q.topicSysFlag) || 0,
  }));
  const brokerDatas = r.brokerDatas.map((b: Record<string, unknown>): BrokerData => {
    const addrs: Record<string, string> = {};
    for (const [id, addr] of Object.entries((b.brokerAddrs ?? {}) as Record<string, unknown>)) {
      if (typeof addr === "string") addrs[id] = addr;
    }
    return { cluster: String(b.cluster ?? ""), brokerName: String(b.brokerName), brokerAddrs: addrs };
  });
  return { topic, queueDatas, brokerDatas };
}

/**
 * Every readable queue, sorted by broker name then queue id (the order in
 * which Java consumers allocate queues).
 *
 * @example
 * readableQueues(route); // [{ topic, brokerName: "broker-a", queueId: 0 }, ...]
 */
export function readableQueues(route: TopicRoute): MessageQueue[] {
  const out: MessageQueue[] = [];
  for (const q of route.queueDatas) {
    if ((q.perm & Perm.READ) === 0) continue;
    for (let queueId = 0; queueId < q.readQueueNums; queueId++) out.push({ topic: route.topic, brokerName: q.brokerName, queueId });
  }
  return out.sort(compareQueues);
}

/** Every writable queue of a broker that has a master, sorted like {@link readableQueues}. */
export function writableQueues(route: TopicRoute): MessageQueue[] {
  const out: MessageQueue[] = [];
  for (const q of route.queueDatas) {
    if ((q.perm & Perm.WRITE) === 0 || masterAddress(route, q.brokerName) === undefined) continue;
    for (let queueId = 0; queueId < q.writeQueueNums; queueId++) out.push({ topic: route.topic, brokerName: q.brokerName, queueId });
  }
  return out.sort(compareQueues);
}

/** The master's address of `brokerName`, if the route has one. */
export function masterAddress(route: TopicRoute, brokerName: string): string | undefined {
  return route.brokerDatas.find((b) => b.brokerName === brokerName)?.brokerAddrs[MASTER_ID];
}

/** Every broker address (masters and slaves) the route mentions. */
export function brokerAddresses(route: TopicRoute): string[] {
  return [...new Set(route.brokerDatas.flatMap((b) => Object.values(b.brokerAddrs)))];
}

/** Orders queues by topic, broker name, queue id. */
export function compareQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}
