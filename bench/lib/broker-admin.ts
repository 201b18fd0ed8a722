/**
 * What the runner asks of the broker, through mqadmin (the Java CLI, one JVM
 * per call, about 3 s here): topics, consumer groups, and the broker's own
 * count of stored messages, which checks the sinks' claims independently.
 */
import { mqadmin } from "../../scripts/broker.ts";

export function createTopic(namesrv: string, topic: string, queues: number): void {
  const out = mqadmin(["updateTopic", "-n", namesrv, "-c", "DefaultCluster", "-t", topic,
    "-r", String(queues), "-w", String(queues)]);
  if (!/success/i.test(out)) throw new Error(`could not create topic ${topic}: ${out.slice(-500)}`);
}

/** A subscription group that starts at the queues' minimum offset (pop consumers need the group to exist). */
export function createGroup(namesrv: string, group: string): void {
  const out = mqadmin(["updateSubGroup", "-n", namesrv, "-c", "DefaultCluster", "-g", group, "-m", "true"]);
  if (!/success/i.test(out)) throw new Error(`could not create group ${group}: ${out.slice(-500)}`);
}

/** Sum over the topic's queues of (max offset - min offset): the messages the broker stored. */
export function storedMessages(namesrv: string, topic: string): number {
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

export const randomName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
