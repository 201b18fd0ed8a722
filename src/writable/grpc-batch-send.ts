/**
 * Several messages in one gRPC SendMessage request.
 *
 * The proxy stores a SendMessageRequest with many messages as one batch, but
 * rocketmq-client-nodejs 1.0.x only ever puts one message in it: its
 * `Producer.send` takes one message and the method that builds the request is
 * a `#private`. This module builds the request from the client's public
 * classes (PublishingMessage, PublishingLoadBalancer, SendReceipt) and sends
 * it through the producer's own connection manager (a TypeScript `protected`
 * member, so reachable at run time), which keeps the producer's session,
 * credentials and telemetry. Every client internal used is named in
 * `ProducerInternals`, so an upgrade that moves one fails here, by name.
 */
import { PublishingLoadBalancer, PublishingMessage, SendReceipt as ClientReceipt } from "rocketmq-client-nodejs";
import type { Producer } from "rocketmq-client-nodejs";
// generated CommonJS that Node's export scanner cannot see into: take the classes off the default export
import servicePb from "rocketmq-client-nodejs/proto/apache/rocketmq/v2/service_pb.js";
import { type Backoff, backoffMs, sleep } from "../backoff.ts";
import { InputError, RocketMQError, SendError } from "../errors.ts";
import type { OutgoingMessage, SendReceipt } from "./outgoing-message.ts";

const { SendMessageRequest } = servicePb;
type SendMessageRequest = InstanceType<typeof SendMessageRequest>;
type ClientMessageQueue = ReturnType<PublishingLoadBalancer["takeMessageQueues"]>[number];
type TopicRouteData = ConstructorParameters<typeof PublishingLoadBalancer>[0];

/** The members of the client's Producer (TypeScript `protected`/public) that a batch request needs. */
interface ProducerInternals {
  readonly namespace: string;
  readonly isolated: Map<string, never>;
  readonly publishingSettings: ConstructorParameters<typeof PublishingMessage>[1];
  getRouteData(topic: string): Promise<TopicRouteData>;
  readonly rpcClientManager: {
    sendMessage(endpoints: unknown, request: SendMessageRequest, timeoutMs: number): Promise<Parameters<typeof ClientReceipt.processResponseInvocation>[1]>;
  };
}

function internalsOf(producer: Producer): ProducerInternals {
  const p = producer as unknown as Partial<ProducerInternals>;
  for (const member of ["isolated", "publishingSettings", "getRouteData", "rpcClientManager"] as const) {
    if (p[member] === undefined) {
      throw new TypeError(`rocketmq-client-nodejs Producer has no "${member}": this version cannot send gRPC batches`);
    }
  }
  return p as ProducerInternals;
}

export interface GrpcBatchOptions {
  readonly attempts: number;
  readonly timeoutMs: number;
  /** Pause before an attempt that goes back to the endpoints that just failed. */
  readonly backoff: Backoff;
  /** Turns a client or grpc-js failure into the toolkit's typed error (with `retryable`). */
  readonly typeError: (err: unknown, topic: string) => Error;
}

/** Why a message cannot travel in a gRPC batch, or undefined. */
function batchBlocker(m: OutgoingMessage, topic: string): [field: string, value: unknown] | undefined {
  if (m.topic !== topic) return ["topic", m.topic];
  if (m.shardingKey !== undefined) return ["shardingKey", m.shardingKey];
  if (m.deliveryTimestamp !== undefined) return ["deliveryTimestamp", m.deliveryTimestamp];
  if (m.delayLevel !== undefined) return ["delayLevel", m.delayLevel];
  return undefined;
}

export class GrpcBatchSender {
  readonly #producer: Producer;
  readonly #options: GrpcBatchOptions;
  /** One balancer per route object, so its round robin carries on between batches. */
  readonly #balancers = new WeakMap<TopicRouteData, PublishingLoadBalancer>();

  constructor(producer: Producer, options: GrpcBatchOptions) {
    this.#producer = producer;
    this.#options = options;
  }

  /** All stored, or a rejection with the typed error of the last attempt (nothing is split). */
  async send(messages: readonly OutgoingMessage[]): Promise<SendReceipt[]> {
    const topic = messages[0]?.topic;
    if (topic === undefined) return [];
    for (const [i, m] of messages.entries()) {
      const blocker = batchBlocker(m, topic);
      if (blocker) {
        throw new InputError(`a gRPC batch holds plain messages of one topic (${topic}); message ${i} has ${blocker[0]} ${JSON.stringify(blocker[1])}`,
          blocker[0], blocker[1]);
      }
    }
    const internals = internalsOf(this.#producer);
    let published: PublishingMessage[];
    try {
      published = messages.map((m) => new PublishingMessage(toClientMessage(m), internals.publishingSettings, false));
    } catch (err) {
      throw this.#options.typeError(err, topic);
    }
    const route = await internals.getRouteData(topic).catch((err: unknown) => Promise.reject(this.#options.typeError(err, topic)));
    const balancer = this.#balancer(route);
    const candidates = balancer.takeMessageQueues(internals.isolated, this.#options.attempts);
    let failedAt: string | undefined;
    let sameTargetRetries = 0;
    for (let attempt = 0; ; attempt++) {
      const mq = candidates[attempt % candidates.length]!;
      if (mq.broker.endpoints.facade === failedAt) {
        // the next queue is behind the same endpoints that just failed (one proxy): give them a moment
        await sleep(backoffMs(this.#options.backoff, sameTargetRetries++));
      }
      try {
        return await this.#sendOnce(internals, published, mq, topic);
      } catch (err) {
        const typed = err instanceof RocketMQError ? err : this.#options.typeError(err, topic);
        if (attempt + 1 >= this.#options.attempts || !(typed instanceof RocketMQError && typed.retryable)) throw typed;
        failedAt = mq.broker.endpoints.facade;
      }
    }
  }

  async #sendOnce(internals: ProducerInternals, published: readonly PublishingMessage[], mq: ClientMessageQueue, topic: string): Promise<SendReceipt[]> {
    const request = new SendMessageRequest();
    // toProtobuf stamps the born time, so it runs per attempt, as the client does
    for (const m of published) request.addMessages(m.toProtobuf(internals.namespace ?? "", mq));
    const response = await internals.rpcClientManager.sendMessage(mq.broker.endpoints, request, this.#options.timeoutMs);
    // processResponseInvocation throws the client's typed exception for any entry that is not OK
    const receipts = ClientReceipt.processResponseInvocation(mq, response);
    if (receipts.length === published.length) return receipts.map((r) => ({ msgId: r.messageId, topic }));
    // The 5.5.0 proxy answers a stored batch with one entry, whose id names the batch, not a message.
    // The messages are stored under the ids the client gave them (their UNIQ_KEY), so those are the receipts.
    if (receipts.length === 1) return published.map((m) => ({ msgId: m.messageId, topic }));
    throw new SendError(`the proxy answered ${receipts.length} receipt(s) for a batch of ${published.length} to topic ${topic}`, published.length);
  }

  #balancer(route: TopicRouteData): PublishingLoadBalancer {
    let balancer = this.#balancers.get(route);
    if (!balancer) {
      balancer = new PublishingLoadBalancer(route);
      this.#balancers.set(route, balancer);
    }
    return balancer;
  }
}

/** The client's message options for an OutgoingMessage (one shape for single and batch sends). */
export function toClientMessage(message: OutgoingMessage) {
  return {
    topic: message.topic,
    body: Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength),
    ...(message.tags !== undefined ? { tag: message.tags } : {}),
    ...(message.keys ? { keys: [...message.keys] } : {}),
    ...(message.properties ? { properties: new Map(Object.entries(message.properties)) } : {}),
    ...(message.deliveryTimestamp !== undefined ? { deliveryTimestamp: new Date(message.deliveryTimestamp) } : {}),
    ...(message.shardingKey !== undefined ? { messageGroup: message.shardingKey } : {}),
  };
}
