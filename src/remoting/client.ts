/**
 * The remoting transport in one object: name servers for routes, one pooled
 * connection per broker, and the broker operations addressed by queue
 * (`brokerName` resolved to its master through the topic's route).
 */
import { clearInterval, setInterval } from "node:timers";
import { checkDurationMs } from "../config/duration.ts";
import { RouteError } from "../errors.ts";
import { createAclSigner } from "./acl.ts";
import { createTopic, type CreateTopicOptions } from "./broker-admin.ts";
import {
  type ConsumerRegistration,
  getConsumerListByGroup,
  heartbeat,
  unregisterClient,
} from "./broker-clients.ts";
import {
  type BoundaryType,
  getMaxOffset,
  getMinOffset,
  queryConsumerOffset,
  searchOffsetByTimestamp,
  updateConsumerOffset,
} from "./broker-offsets.ts";
import { pullMessage, type PullRequest, type PullResult } from "./broker-pull.ts";
import { brokerRequestHandler, type BrokerRequestHandlers } from "./broker-requests.ts";
import {
  endTransaction,
  type EndTransactionRequest,
  type OutgoingMessage,
  sendBatch,
  type SendBatchResult,
  sendMessage,
  sendMessageOneway,
  type SendOptions,
  type SendResult,
} from "./broker-send.ts";
import { createClientId } from "./client-id.ts";
import { ConnectionPool } from "./connection-pool.ts";
import { NameServerClient } from "./nameserver.ts";
import {
  brokerAddresses,
  masterAddress,
  type MessageQueue,
  readableQueues,
  type TopicRoute,
  writableQueues,
} from "./route.ts";

export interface RemotingClientOptions extends BrokerRequestHandlers {
  /** `host:port`, several separated by `;`. */
  readonly nameServerAddress: string;
  /** Default 3000 ms. */
  readonly requestTimeoutMs?: number;
  /** Route refresh period (`nameserver.poll.interval`); default 30000 ms. */
  readonly pollNameServerIntervalMs?: number;
  /** Heartbeat period once started (`brokerserver.heartbeat.interval`); default 30000 ms. */
  readonly heartbeatBrokerIntervalMs?: number;
  /** ACL: both or neither. */
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly securityToken?: string;
  /** Default: `ip@pid#random`. */
  readonly clientId?: string;
}

/**
 * @example
 * const client = new RemotingClient({ nameServerAddress: "127.0.0.1:9876" });
 * const [mq] = await client.readableQueues("orders");
 * const r = await client.pull(mq!, { consumerGroup: "G", queueOffset: 0 });
 * await client.close();
 */
export class RemotingClient {
  readonly clientId: string;
  readonly pool: ConnectionPool;
  readonly nameServer: NameServerClient;
  readonly #options: RemotingClientOptions;
  readonly #producerGroups = new Set<string>();
  readonly #consumers = new Map<string, ConsumerRegistration>();
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(options: RemotingClientOptions) {
    this.#options = options;
    this.clientId = options.clientId ?? createClientId();
    const signer = options.accessKey !== undefined || options.secretKey !== undefined
      ? createAclSigner({ accessKey: options.accessKey ?? "", secretKey: options.secretKey ?? "", securityToken: options.securityToken })
      : undefined;
    this.pool = new ConnectionPool({
      requestTimeoutMs: options.requestTimeoutMs ?? 3000,
      signer,
      onRequest: brokerRequestHandler(() => this.pool, options),
      onError: options.onError,
    });
    this.nameServer = new NameServerClient(options.nameServerAddress, this.pool, {
      pollIntervalMs: options.pollNameServerIntervalMs ?? 30_000,
      onRefreshError: (_topic, err) => options.onError?.(err),
    });
  }

  // -------------------------------------------------------------------------
  // routes

  getRouteInfo(topic: string, options: { readonly refresh?: boolean } = {}): Promise<TopicRoute> {
    return this.nameServer.getRouteInfo(topic, options);
  }

  /** Readable queues of `topic`, sorted by broker name and queue id. */
  async readableQueues(topic: string): Promise<MessageQueue[]> {
    const queues = readableQueues(await this.getRouteInfo(topic));
    if (queues.length === 0) throw new RouteError(`topic ${topic} has no readable queue`, topic);
    return queues;
  }

  /** Writable queues of `topic` on brokers with a master. */
  async writableQueues(topic: string): Promise<MessageQueue[]> {
    const queues = writableQueues(await this.getRouteInfo(topic));
    if (queues.length === 0) throw new RouteError(`topic ${topic} has no writable queue`, topic);
    return queues;
  }

  /** The master address of the queue's broker (refreshing the route once if it is not there). */
  async brokerAddress(mq: Pick<MessageQueue, "topic" | "brokerName">): Promise<string> {
    const address = masterAddress(await this.getRouteInfo(mq.topic), mq.brokerName)
      ?? masterAddress(await this.getRouteInfo(mq.topic, { refresh: true }), mq.brokerName);
    if (address === undefined) throw new RouteError(`broker ${mq.brokerName} of topic ${mq.topic} has no master`, mq.topic);
    return address;
  }

  // -------------------------------------------------------------------------
  // consuming and offsets

  async pull(mq: MessageQueue, request: PullRequest): Promise<PullResult> {
    return pullMessage(this.pool, await this.brokerAddress(mq), mq, request);
  }

  async queryConsumerOffset(consumerGroup: string, mq: MessageQueue): Promise<number | undefined> {
    return queryConsumerOffset(this.pool, await this.brokerAddress(mq), consumerGroup, mq);
  }

  async updateConsumerOffset(consumerGroup: string, mq: MessageQueue, offset: number, options: { readonly oneway?: boolean } = {}): Promise<void> {
    return updateConsumerOffset(this.pool, await this.brokerAddress(mq), consumerGroup, mq, offset, options);
  }

  async searchOffsetByTimestamp(mq: MessageQueue, timestamp: number, boundaryType: BoundaryType = "LOWER"): Promise<number> {
    return searchOffsetByTimestamp(this.pool, await this.brokerAddress(mq), mq, timestamp, boundaryType);
  }

  async getMinOffset(mq: MessageQueue): Promise<number> {
    return getMinOffset(this.pool, await this.brokerAddress(mq), mq);
  }

  async getMaxOffset(mq: MessageQueue): Promise<number> {
    return getMaxOffset(this.pool, await this.brokerAddress(mq), mq);
  }

  /** Client ids of the group's members, as the first broker of `topic` knows them. */
  async getConsumerIds(consumerGroup: string, topic: string): Promise<string[]> {
    const route = await this.getRouteInfo(topic);
    const address = brokerAddresses(route)[0];
    if (address === undefined) throw new RouteError(`topic ${topic} has no broker`, topic);
    return getConsumerListByGroup(this.pool, address, consumerGroup);
  }

  // -------------------------------------------------------------------------
  // producing

  async send(mq: MessageQueue, message: OutgoingMessage, options: SendOptions): Promise<SendResult> {
    return sendMessage(this.pool, await this.brokerAddress(mq), mq, message, options);
  }

  /** Returns the message's client id; the broker confirms nothing. */
  async sendOneway(mq: MessageQueue, message: OutgoingMessage, options: SendOptions): Promise<string> {
    return sendMessageOneway(this.pool, await this.brokerAddress(mq), mq, message, options);
  }

  async sendBatch(mq: MessageQueue, messages: readonly OutgoingMessage[], options: SendOptions): Promise<SendBatchResult> {
    return sendBatch(this.pool, await this.brokerAddress(mq), mq, messages, options);
  }

  /** Commits or rolls back a half message sent to `brokerName`. */
  async endTransaction(brokerName: string, request: EndTransactionRequest): Promise<void> {
    return endTransaction(this.pool, await this.brokerAddress({ topic: request.topic, brokerName }), request);
  }

  /** For tests and tools: creates `topic` on every master of the route of `viaTopic` (default TBW102's brokers). */
  async createTopic(topic: string, options: CreateTopicOptions & { readonly viaTopic?: string } = {}): Promise<void> {
    const route = await this.getRouteInfo(options.viaTopic ?? "TBW102");
    const masters = route.brokerDatas.map((b) => b.brokerAddrs["0"]).filter((a): a is string => a !== undefined);
    if (masters.length === 0) throw new RouteError(`no master broker found through ${options.viaTopic ?? "TBW102"}`, topic);
    await Promise.all(masters.map((address) => createTopic(this.pool, address, topic, options)));
  }

  // -------------------------------------------------------------------------
  // membership

  /** Announces a producer group in heartbeats from now on. */
  registerProducer(group: string): void {
    this.#producerGroups.add(group);
  }

  /** Announces a consumer group (and its subscriptions) in heartbeats from now on. */
  registerConsumer(registration: ConsumerRegistration): void {
    this.#consumers.set(registration.groupName, registration);
  }

  /**
   * Sends one heartbeat to every broker of every subscribed topic (and of
   * every other cached route). Rejects with the first failure after trying all.
   */
  async heartbeat(): Promise<void> {
    for (const c of this.#consumers.values()) {
      for (const s of c.subscriptions) await this.getRouteInfo(s.topic);
    }
    const data = { clientId: this.clientId, producerGroups: [...this.#producerGroups], consumers: [...this.#consumers.values()] };
    const results = await Promise.allSettled(this.#allBrokers().map((address) => heartbeat(this.pool, address, data)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  /** Heartbeats now and every `intervalMs`; failures go to `onError`. */
  startHeartbeat(intervalMs = this.#options.heartbeatBrokerIntervalMs ?? 30_000): void {
    checkDurationMs("heartbeatBrokerIntervalMs", intervalMs);
    this.stopHeartbeat();
    if (this.#closed) return;
    const beat = () => {
      if (!this.#closed) this.heartbeat().catch((err: unknown) => this.#options.onError?.(err));
    };
    beat();
    this.#heartbeatTimer = setInterval(beat, intervalMs);
    this.#heartbeatTimer.unref();
  }

  stopHeartbeat(): void {
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  /**
   * Unregisters every group from every known broker, then closes all sockets
   * and timers. Unregistering is best effort: a broker that cannot be reached
   * drops the client by itself after 120 s without heartbeats.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.stopHeartbeat();
    const groups = [
      ...[...this.#producerGroups].map((producerGroup) => ({ producerGroup })),
      ...[...this.#consumers.keys()].map((consumerGroup) => ({ consumerGroup })),
    ];
    const brokers = this.#allBrokers();
    await Promise.allSettled(brokers.flatMap((address) => groups.map((g) => unregisterClient(this.pool, address, this.clientId, g))));
    this.nameServer.close();
    await this.pool.close();
  }

  #allBrokers(): string[] {
    return [...new Set(this.nameServer.cachedRoutes().flatMap(brokerAddresses))];
  }
}
