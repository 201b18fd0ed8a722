/**
 * Topic routes from the name servers: failover across `a:9876;b:9876`, a
 * cache, and a refresh of every cached route each `pollIntervalMs` (the
 * seed's `nameserver.poll.interval`).
 */
import { setInterval, clearInterval } from "node:timers";
import { checkDurationMs } from "../config/duration.ts";
import { ConnectionError, RouteError, TimeoutError } from "../errors.ts";
import { splitAddressList } from "./address.ts";
import { brokerErrorOf, createRequest } from "./command.ts";
import type { RemotingInvoker } from "./connection-pool.ts";
import { RequestCode, ResponseCode } from "./request-codes.ts";
import { parseTopicRoute, type TopicRoute } from "./route.ts";

export interface NameServerOptions {
  /** Refresh period of cached routes; default 30000 ms. 0 turns refreshing off. */
  readonly pollIntervalMs?: number;
  /** Per-address timeout of one lookup; the invoker's default otherwise. */
  readonly requestTimeoutMs?: number;
  /** A refreshed route differs from the cached one. */
  readonly onRouteChange?: (topic: string, route: TopicRoute) => void;
  /** A background refresh failed (the cached route stays in use). */
  readonly onRefreshError?: (topic: string, error: unknown) => void;
}

/**
 * @example
 * const ns = new NameServerClient("127.0.0.1:9876", pool);
 * const route = await ns.getRouteInfo("orders");
 * ns.close();
 */
export class NameServerClient {
  readonly addresses: readonly string[];
  readonly #invoker: RemotingInvoker;
  readonly #options: NameServerOptions;
  readonly #routes = new Map<string, { route: TopicRoute; json: string }>();
  readonly #lookups = new Map<string, Promise<TopicRoute>>();
  /** Index of the address that answered last: start there next time. */
  #preferred = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(addresses: string | readonly string[], invoker: RemotingInvoker, options: NameServerOptions = {}) {
    this.addresses = typeof addresses === "string" ? splitAddressList(addresses) : addresses.flatMap(splitAddressList);
    checkDurationMs("pollIntervalMs", options.pollIntervalMs ?? 30_000, 0);
    if (options.requestTimeoutMs !== undefined) checkDurationMs("requestTimeoutMs", options.requestTimeoutMs);
    this.#invoker = invoker;
    this.#options = options;
  }

  /** The cached route of `topic`, else a fresh lookup (which is then cached and refreshed). */
  getRouteInfo(topic: string, options: { readonly refresh?: boolean } = {}): Promise<TopicRoute> {
    const cached = this.#routes.get(topic);
    if (cached && !options.refresh) return Promise.resolve(cached.route);
    return this.#lookup(topic);
  }

  /** Topics whose routes are cached. */
  get topics(): string[] {
    return [...this.#routes.keys()];
  }

  /** Cached routes, for callers that need every broker (heartbeats). */
  cachedRoutes(): TopicRoute[] {
    return [...this.#routes.values()].map((r) => r.route);
  }

  /** Stops the refresh timer and forgets the cache. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#routes.clear();
  }

  /** Asks the name servers, in failover order, and caches the answer. */
  #lookup(topic: string): Promise<TopicRoute> {
    let pending = this.#lookups.get(topic);
    if (!pending) {
      pending = this.#ask(topic).finally(() => this.#lookups.delete(topic));
      this.#lookups.set(topic, pending);
    }
    return pending;
  }

  async #ask(topic: string): Promise<TopicRoute> {
    if (this.#closed) throw new ConnectionError("the name server client is closed", this.addresses.join(";"), { closed: true, retryable: false });
    const request = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic, acceptStandardJsonOnly: true });
    let lastError: unknown;
    for (let i = 0; i < this.addresses.length; i++) {
      const index = (this.#preferred + i) % this.addresses.length;
      const address = this.addresses[index]!;
      let response;
      try {
        response = await this.#invoker.request(address, request, this.#options.requestTimeoutMs);
      } catch (err) {
        // an unreachable or silent name server: the next one may know the route
        if (err instanceof ConnectionError || err instanceof TimeoutError) {
          lastError = err;
          continue;
        }
        throw err;
      }
      this.#preferred = index;
      if (response.code === ResponseCode.TOPIC_NOT_EXIST) {
        throw new RouteError(`topic ${topic} does not exist (name server ${address}: ${response.remark ?? ""})`, topic);
      }
      if (response.code !== ResponseCode.SUCCESS) throw brokerErrorOf(response, `route lookup of ${topic}`, address);
      const route = parseTopicRoute(topic, response.body);
      this.#store(topic, route);
      return route;
    }
    throw lastError;
  }

  #store(topic: string, route: TopicRoute): void {
    if (this.#closed) return;
    const json = JSON.stringify(route);
    const previous = this.#routes.get(topic);
    this.#routes.set(topic, { route, json });
    if (previous && previous.json !== json) this.#options.onRouteChange?.(topic, route);
    this.#startPolling();
  }

  #startPolling(): void {
    const period = this.#options.pollIntervalMs ?? 30_000;
    if (this.#timer || period === 0) return;
    this.#timer = setInterval(() => void this.#refreshAll(), period);
    // a route cache alone must not keep a process alive
    this.#timer.unref();
  }

  async #refreshAll(): Promise<void> {
    for (const topic of this.topics) {
      if (this.#closed) return;
      try {
        await this.#lookup(topic);
      } catch (err) {
        this.#options.onRefreshError?.(topic, err);
      }
    }
  }
}
