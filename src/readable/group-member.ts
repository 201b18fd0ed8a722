/**
 * One member of a consumer group: its own client id and connections,
 * heartbeats that announce the subscription, and the Java rebalance (every
 * `rebalanceIntervalMs` and whenever a broker says the group changed).
 * What to do with the queues it gets is the source's business.
 */
import { clearInterval, setInterval } from "node:timers";
import type { MessageQueue } from "../offsets/message-queue.ts";
import { RemotingClient } from "../remoting/client.ts";
import type { Subscription } from "../remoting/broker-pull.ts";
import { allocateAveragely } from "./allocate.ts";

export interface GroupMemberOptions {
  readonly nameServerAddress: string;
  readonly consumerGroup: string;
  readonly topic: string;
  readonly subscription: Subscription;
  readonly requestTimeoutMs: number;
  readonly pollNameServerIntervalMs: number;
  readonly heartbeatBrokerIntervalMs: number;
  readonly rebalanceIntervalMs: number;
  readonly accessKey?: string;
  readonly secretKey?: string;
  /** Takes the new assignment (sorted queues) and the sorted member ids it was computed from. */
  readonly assign: (member: GroupMember, queues: MessageQueue[], clientIds: readonly string[]) => Promise<void>;
  /** A background rebalance or heartbeat failed; the next one retries. */
  readonly onError: (member: GroupMember, error: unknown) => void;
}

export class GroupMember {
  readonly client: RemotingClient;
  readonly #options: GroupMemberOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> = Promise.resolve();
  #again = false;
  #pending = false;
  #closed = false;

  constructor(options: GroupMemberOptions) {
    this.#options = options;
    this.client = new RemotingClient({
      nameServerAddress: options.nameServerAddress,
      requestTimeoutMs: options.requestTimeoutMs,
      pollNameServerIntervalMs: options.pollNameServerIntervalMs,
      heartbeatBrokerIntervalMs: options.heartbeatBrokerIntervalMs,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      consumerIdsChanged: (group) => {
        if (group === options.consumerGroup) this.requestRebalance();
      },
      onError: (error) => options.onError(this, error),
    });
    this.client.registerConsumer({
      groupName: options.consumerGroup,
      subscriptions: [{ topic: options.topic, ...options.subscription }],
    });
  }

  get clientId(): string {
    return this.client.clientId;
  }

  /** Joins the group (first heartbeat awaited), takes a first assignment, then keeps both going. */
  async start(): Promise<void> {
    await this.client.heartbeat();
    // stopped while starting: start no timer that stop() has already missed
    if (this.#closed) return;
    this.client.startHeartbeat();
    await this.rebalance();
    if (this.#closed) return;
    this.#timer = setInterval(() => this.requestRebalance(), this.#options.rebalanceIntervalMs);
    this.#timer.unref();
  }

  /** Rebalances now; rejects if it fails. Calls are serialised. */
  rebalance(): Promise<void> {
    const run = this.#running.catch(() => undefined).then(() => this.#rebalanceOnce());
    this.#running = run;
    return run;
  }

  /** Rebalances in the background; coalesces requests that arrive while one runs. */
  requestRebalance(): void {
    if (this.#closed) return;
    if (this.#pending) { this.#again = true; return; }
    this.#pending = true;
    this.rebalance()
      .catch((error: unknown) => this.#options.onError(this, error))
      .finally(() => {
        this.#pending = false;
        if (this.#again) { this.#again = false; this.requestRebalance(); }
      });
  }

  async #rebalanceOnce(): Promise<void> {
    if (this.#closed) return;
    const { client } = this;
    const [queues, ids] = await Promise.all([
      client.readableQueues(this.#options.topic),
      client.getConsumerIds(this.#options.consumerGroup, this.#options.topic),
    ]);
    // Java keeps its queues when the broker does not list it yet: a heartbeat is on its way
    if (!ids.includes(this.clientId)) return;
    const sortedIds = [...new Set(ids)].sort();
    if (this.#closed) return;
    await this.#options.assign(this, allocateAveragely(queues, sortedIds, this.clientId), sortedIds);
  }

  /** Stops rebalancing (waits for one in progress). The client stays open: see `close`. */
  async stop(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running.catch(() => undefined);
  }

  /** Unregisters from the brokers and closes sockets and timers. */
  async close(): Promise<void> {
    await this.stop();
    await this.client.close();
  }
}
