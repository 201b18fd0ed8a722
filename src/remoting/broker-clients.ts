/**
 * Client membership on a broker: HEART_BEAT (who we are, which groups we
 * produce and consume for), UNREGISTER_CLIENT, GET_CONSUMER_LIST_BY_GROUP.
 */
import { ProtocolError } from "../errors.ts";
import { createRequest, expectSuccess } from "./command.ts";
import type { RemotingInvoker } from "./connection-pool.ts";
import { tagSet, type Subscription } from "./broker-pull.ts";
import { RequestCode, ResponseCode } from "./request-codes.ts";

/** One subscription of a consumer group, as a heartbeat announces it. */
export interface SubscriptionEntry extends Subscription {
  readonly topic: string;
}

/** A consumer group this client belongs to. Offsets are pulled by the client itself (CONSUME_ACTIVELY). */
export interface ConsumerRegistration {
  readonly groupName: string;
  readonly subscriptions: readonly SubscriptionEntry[];
  /** Default CLUSTERING: the group shares the queues. */
  readonly messageModel?: "CLUSTERING" | "BROADCASTING";
  /** Where the broker-side default says to start; default CONSUME_FROM_LAST_OFFSET. */
  readonly consumeFromWhere?: "CONSUME_FROM_LAST_OFFSET" | "CONSUME_FROM_FIRST_OFFSET" | "CONSUME_FROM_TIMESTAMP";
}

export interface HeartbeatData {
  readonly clientId: string;
  readonly producerGroups: readonly string[];
  readonly consumers: readonly ConsumerRegistration[];
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** Java's `String.hashCode`, which brokers use as the tag code of a consume queue entry. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The JSON body of HEART_BEAT (Java `HeartbeatData`). */
export function encodeHeartbeat(data: HeartbeatData): Uint8Array {
  return utf8.encode(JSON.stringify({
    clientID: data.clientId,
    producerDataSet: data.producerGroups.map((groupName) => ({ groupName })),
    consumerDataSet: data.consumers.map((c) => ({
      groupName: c.groupName,
      consumeType: "CONSUME_ACTIVELY",
      messageModel: c.messageModel ?? "CLUSTERING",
      consumeFromWhere: c.consumeFromWhere ?? "CONSUME_FROM_LAST_OFFSET",
      unitMode: false,
      subscriptionDataSet: c.subscriptions.map((s) => {
        const tags = s.expressionType === "TAG" ? [...(tagSet(s.expression) ?? [])] : [];
        return {
          classFilterMode: false,
          topic: s.topic,
          subString: s.expressionType === "TAG" && tags.length === 0 ? "*" : s.expression,
          tagsSet: tags,
          codeSet: tags.map(javaStringHash),
          subVersion: 0,
          expressionType: s.expressionType,
        };
      }),
    })),
    heartbeatFingerprint: 0,
  }));
}

/**
 * Announces this client and its groups to one broker. Brokers drop clients
 * not heard from for 120 s.
 *
 * @example
 * await heartbeat(pool, addr, { clientId, producerGroups: ["P"], consumers: [] });
 */
export async function heartbeat(invoker: RemotingInvoker, address: string, data: HeartbeatData): Promise<void> {
  const response = await invoker.request(address, createRequest(RequestCode.HEART_BEAT, {}, encodeHeartbeat(data)));
  expectSuccess(response, "heartbeat", address);
}

/** Tells a broker this client left a group (one group per call, as Java does). */
export async function unregisterClient(
  invoker: RemotingInvoker,
  address: string,
  clientId: string,
  group: { readonly producerGroup?: string; readonly consumerGroup?: string },
): Promise<void> {
  const response = await invoker.request(address, createRequest(RequestCode.UNREGISTER_CLIENT, {
    clientID: clientId,
    producerGroup: group.producerGroup,
    consumerGroup: group.consumerGroup,
  }));
  expectSuccess(response, "unregister client", address);
}

/**
 * The client ids of a consumer group's live members, as this broker knows
 * them (from their heartbeats). Empty when the broker knows no member.
 */
export async function getConsumerListByGroup(invoker: RemotingInvoker, address: string, consumerGroup: string): Promise<string[]> {
  const response = await invoker.request(address, createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup }));
  // brokers answer SYSTEM_ERROR "no consumer for this group" rather than an empty list
  if (response.code === ResponseCode.SYSTEM_ERROR && /no consumer for this group/i.test(response.remark ?? "")) return [];
  expectSuccess(response, `consumer list of ${consumerGroup}`, address);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.decode(response.body ?? new Uint8Array(0)));
  } catch (err) {
    throw new ProtocolError(`consumer list of ${consumerGroup} is not JSON`, { cause: err });
  }
  const ids = (parsed as { consumerIdList?: unknown } | null)?.consumerIdList;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) {
    throw new ProtocolError(`consumer list of ${consumerGroup} lacks consumerIdList`);
  }
  return ids as string[];
}
