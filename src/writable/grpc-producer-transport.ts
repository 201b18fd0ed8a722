/**
 * ProducerTransport over the 5.x proxy's gRPC API, through the official
 * rocketmq-client-nodejs `Producer`. Its own retry policy (`maxAttempts`)
 * moves a failed send to another queue, so `retryTimes` maps onto it.
 *
 * Known limit (seen against the 5.5.0 proxy): the client's receipt names the
 * queue the client picked, which need not be the queue the proxy stored the
 * message in, so receipts from this transport carry only the message id.
 */
import { EventEmitter } from "node:events";
import { Producer } from "rocketmq-client-nodejs";
import { type Backoff, SEND_RETRY_BACKOFF } from "../backoff.ts";
import { brokerRefusal } from "../access-denied.ts";
import { BrokerError, ConnectionError, InputError, SendError, TimeoutError } from "../errors.ts";
import { GrpcBatchSender, toClientMessage } from "./grpc-batch-send.ts";
import { DEFAULT_MAX_MESSAGE_BYTES, validateOutgoingMessage } from "./message-rules.ts";
import type { OutgoingMessage, SendReceipt } from "./outgoing-message.ts";
import type { ProducerTransport } from "./producer-transport.ts";

export interface GrpcProducerOptions {
  /** Proxy endpoints, `host:port[;host:port]`. */
  readonly endpoints: string;
  readonly namespace?: string;
  /** Topics to prefetch routes for at startup. */
  readonly topics?: readonly string[];
  readonly retryTimes?: number;
  readonly sendTimeoutMs?: number;
  /** The wait before a batch is retried behind the same proxy endpoints (default 100 ms doubling to 1 s). */
  readonly retryBackoff?: Backoff;
  readonly accessKey?: string;
  readonly secretKey?: string;
  /** The largest body accepted (the broker's `maxMessageSize`); default 4 MiB. */
  readonly maxMessageBytes?: number;
}

const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Proxy response codes (the client's `ClientException.code`, 5 digits) worth another attempt. */
function retryableProxyCode(code: number): boolean {
  // 429xx too many requests, 5xxxx internal / proxy timeout
  return Math.floor(code / 100) === 429 || code >= 50000;
}

/** gRPC's own status codes (0..16), which @grpc/grpc-js puts in `code` when the call itself failed. */
const GrpcStatus = { DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, INTERNAL: 13, UNAVAILABLE: 14 } as const;

/**
 * The toolkit's typed error for a failed gRPC send. Two kinds of numeric
 * `code` arrive here and must not be confused:
 * - a proxy response code (>= 10000, e.g. 40401 topic not found), from the
 *   client's ClientException: the proxy answered and refused -> BrokerError
 *   (AuthenticationError / PermissionError for access refusals);
 * - a gRPC status (0..16), from grpc-js: the call did not get an answer.
 *   UNAVAILABLE (proxy down or unreachable) -> ConnectionError naming the
 *   endpoints; DEADLINE_EXCEEDED -> TimeoutError; others -> BrokerError
 *   carrying the gRPC status.
 */
export function grpcSendError(err: unknown, topic: string, endpoints: string, timeoutMs: number): Error {
  const e = err as { code?: unknown; message?: string };
  const message = e?.message ?? String(err);
  if (typeof e?.code === "number" && e.code >= 0 && e.code < 100) {
    if (e.code === GrpcStatus.UNAVAILABLE) {
      return new ConnectionError(`could not reach the proxy at ${endpoints} to send to topic ${topic}: ${message}`, endpoints, { cause: err });
    }
    if (e.code === GrpcStatus.DEADLINE_EXCEEDED) {
      return new TimeoutError(`send to topic ${topic} through ${endpoints} got no answer within ${timeoutMs} ms: ${message}`, timeoutMs, { cause: err });
    }
    return new BrokerError(`gRPC call to ${endpoints} failed sending to topic ${topic}: ${message}`, e.code, message, {
      cause: err, retryable: e.code === GrpcStatus.RESOURCE_EXHAUSTED || e.code === GrpcStatus.INTERNAL });
  }
  if (typeof e?.code === "number") {
    return brokerRefusal(`proxy at ${endpoints} refused the send to topic ${topic}: ${message}`, e.code, message, {
      cause: err, retryable: retryableProxyCode(e.code) });
  }
  if (err instanceof TypeError) {
    // the client refusing the message by the proxy's settings for the topic (e.g. a FIFO message to a
    // topic that takes only normal ones): the proxy's refusal, relayed without a response code (0)
    return new BrokerError(`proxy at ${endpoints} does not accept this message for topic ${topic}: ${message}`, 0, message, { cause: err });
  }
  return new SendError(`send to topic ${topic} through ${endpoints} failed: ${message}`, 1, { cause: err, retryable: true });
}

/** The first error in `err`'s cause chain that carries a proxy response code (>= 10000). */
function proxyAnswerIn(err: unknown): { code: number; message: string } | undefined {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "number" && e.code >= 10000) return { code: e.code, message: String(e.message) };
  }
  return undefined;
}

export class GrpcProducerTransport implements ProducerTransport {
  readonly kind = "grpc" as const;
  #producer: Producer;
  #started: Promise<void> | undefined;
  #endpoints: string;
  #timeoutMs: number;
  #maxMessageBytes: number;
  #batches: GrpcBatchSender;
  /** The wait before a batch is retried behind the same endpoints, as configured. */
  readonly retryBackoff: Backoff;

  constructor(options: GrpcProducerOptions) {
    this.#endpoints = options.endpoints;
    const attempts = (options.retryTimes ?? 3) + 1;
    this.#timeoutMs = options.sendTimeoutMs ?? 3000;
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.retryBackoff = options.retryBackoff ?? SEND_RETRY_BACKOFF;
    this.#producer = new Producer({
      endpoints: options.endpoints,
      namespace: options.namespace ?? "",
      topics: options.topics ? [...options.topics] : [],
      maxAttempts: attempts,
      requestTimeout: options.sendTimeoutMs ?? 3000,
      logger: silentLogger as never,
      ...(options.accessKey && options.secretKey
        ? { sessionCredentials: { accessKey: options.accessKey, accessSecret: options.secretKey } as never }
        : {}),
    });
    this.#batches = new GrpcBatchSender(this.#producer, {
      attempts,
      timeoutMs: this.#timeoutMs,
      backoff: this.retryBackoff,
      typeError: (err, topic) => grpcSendError(err, topic, this.#endpoints, this.#timeoutMs),
    });
  }

  /** Connects once; every send waits for it. */
  start(): Promise<void> {
    this.#started ??= this.#producer.startup().catch((err: unknown) => {
      // the client wraps the proxy's answer (e.g. wrong credentials while fetching routes) in plain Errors
      const refusal = proxyAnswerIn(err);
      if (refusal) {
        throw brokerRefusal(`the proxy at ${this.#endpoints} refused the gRPC producer's startup: ${refusal.message}`,
          refusal.code, refusal.message, { cause: err, retryable: retryableProxyCode(refusal.code) });
      }
      throw new ConnectionError(`could not start the gRPC producer at ${this.#endpoints}: ${(err as Error).message}`,
        this.#endpoints, { cause: err });
    });
    return this.#started;
  }

  /** Refuses a message RocketMQ would not store as written (message-rules.ts) before anything is sent. */
  async send(message: OutgoingMessage): Promise<SendReceipt> {
    validateOutgoingMessage(message, this.#maxMessageBytes);
    if (message.delayLevel !== undefined) {
      throw new InputError("message.delayLevel is not available over gRPC (use deliveryTimestamp), got " +
        String(message.delayLevel), "delayLevel", message.delayLevel);
    }
    await this.start();
    try {
      const receipt = await this.#producer.send(toClientMessage(message));
      return { msgId: receipt.messageId, topic: message.topic };
    } catch (err) {
      throw grpcSendError(err, message.topic, this.#endpoints, this.#timeoutMs);
    }
  }

  /** One SendMessage request for all of `messages` (one topic, no FIFO key or delivery time); all stored or a rejection. */
  async sendBatch(messages: readonly OutgoingMessage[]): Promise<SendReceipt[]> {
    for (const m of messages) validateOutgoingMessage(m, this.#maxMessageBytes);
    await this.start();
    return this.#batches.send(messages);
  }

  /**
   * Shuts the producer down, also when the proxy is gone.
   *
   * Works around two behaviours of rocketmq-client-nodejs 1.0.8 seen with a
   * stopped proxy (tests/slow/sink-broker-stop.test.ts): `shutdown()` first
   * notifies the proxy and, when that RPC fails, throws before it releases
   * the telemetry session and closes its gRPC channels; and a telemetry
   * stream that failed renews itself on a 1 s timer, forever. Either keeps
   * the process alive. So the notification is made best-effort and, once
   * closing, a renewal gets an inert stream instead of a new connection.
   */
  async close(): Promise<void> {
    const manager = (this.#producer as unknown as { rpcClientManager?: RpcClientManagerInternals }).rpcClientManager;
    if (!this.#started) {
      // never started, so nothing to tell the proxy; but the client's constructor already runs an idle-check
      // interval in its RpcClientManager, which would keep the process alive after close()
      if (typeof manager?.close === "function") manager.close();
      return;
    }
    await this.#started.catch(() => {});
    if (manager && typeof manager.notifyClientTermination === "function" && typeof manager.telemetry === "function") {
      const notify = manager.notifyClientTermination.bind(manager);
      manager.notifyClientTermination = (...args: unknown[]) => notify(...args).catch(() => undefined);
      manager.telemetry = () => inertStream();
    }
    await this.#producer.shutdown();
  }
}

/** The methods of the client's (internal) RpcClientManager that close() replaces or calls. */
interface RpcClientManagerInternals {
  notifyClientTermination: (...args: unknown[]) => Promise<unknown>;
  telemetry: (...args: unknown[]) => unknown;
  close?: () => void;
}

/** A telemetry stream that never connects, emits nothing and accepts writes. */
function inertStream(): EventEmitter {
  return Object.assign(new EventEmitter(), { write: () => true, end: () => undefined });
}
