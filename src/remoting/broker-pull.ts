/**
 * PULL_MESSAGE: read a queue from an offset, optionally long-polling until
 * messages arrive, optionally committing the group's offset on the way.
 */
import { ProtocolError } from "../errors.ts";
import { brokerErrorOf, createRequest, type RemotingCommand } from "./command.ts";
import type { RemotingInvoker } from "./connection-pool.ts";
import { decodeMessages, type MessageExt } from "./message/mod.ts";
import { RequestCode, ResponseCode } from "./request-codes.ts";
import type { MessageQueue } from "./route.ts";

/** Java `PullSysFlag` bits. */
export const PullSysFlag = {
  COMMIT_OFFSET: 1,
  SUSPEND: 2,
  SUBSCRIPTION: 4,
  CLASS_FILTER: 8,
  LITE_PULL: 16,
} as const;

/** A subscription: tags (`"*"`, `"a || b"`) or an SQL92 expression over properties. */
export interface Subscription {
  readonly expressionType: "TAG" | "SQL92";
  readonly expression: string;
}

export const SUBSCRIBE_ALL: Subscription = { expressionType: "TAG", expression: "*" };

export interface PullRequest {
  readonly consumerGroup: string;
  readonly queueOffset: number;
  /** At most this many messages (the broker caps it at 32 from memory); default 32. */
  readonly maxMsgNums?: number;
  /** Long polling: the broker holds the request this long waiting for messages; 0 (default) answers at once. */
  readonly suspendTimeoutMillis?: number;
  /** Default: all tags. */
  readonly subscription?: Subscription;
  /** Also store this as the group's offset of the queue (the broker does it before answering). */
  readonly commitOffset?: number;
  readonly maxMsgBytes?: number;
  /** Default: `pullTimeoutMs(suspendTimeoutMillis, the invoker's request timeout)`. */
  readonly timeoutMs?: number;
}

/**
 * How much longer than its suspend time a broker may hold a long poll. The
 * broker looks at held pulls every 5 s (PullRequestHoldService, with long
 * polling on) and answers one only when that look finds its suspend time
 * passed, so an idle pull comes back up to 5 s late, more under load. Java's
 * consumers allow 10 s: 30 s (consumerTimeoutMillisWhenSuspend) for a 20 s
 * suspend (brokerSuspendMaxTimeMillis).
 */
export const LONG_POLL_MARGIN_MS = 10_000;

/**
 * The timeout of one pull: the plain request timeout, or for a long poll the
 * suspend time plus at least {@link LONG_POLL_MARGIN_MS}, so that an idle
 * queue's pull is answered by the broker rather than timed out by us.
 */
export function pullTimeoutMs(suspendTimeoutMillis: number, requestTimeoutMs: number): number {
  return suspendTimeoutMillis > 0 ? suspendTimeoutMillis + Math.max(LONG_POLL_MARGIN_MS, requestTimeoutMs) : requestTimeoutMs;
}

/**
 * FOUND: messages came back. NO_NEW_MSG: nothing at or after the offset.
 * NO_MATCHED_MSG: nothing matched the filter, continue at nextBeginOffset.
 * OFFSET_ILLEGAL: the offset is out of range, adopt nextBeginOffset.
 */
export type PullStatus = "FOUND" | "NO_NEW_MSG" | "NO_MATCHED_MSG" | "OFFSET_ILLEGAL";

export interface PullResult {
  readonly status: PullStatus;
  /** Where the next pull of this queue starts. */
  readonly nextBeginOffset: number;
  readonly minOffset: number;
  readonly maxOffset: number;
  /** The broker id the broker suggests pulling from next (0: the master). */
  readonly suggestWhichBrokerId: number;
  /** Decoded messages; with a tag filter, only those whose tag matches (the broker filters by hash only). */
  readonly messages: MessageExt[];
}

const STATUS_OF_CODE: Readonly<Record<number, PullStatus>> = {
  [ResponseCode.SUCCESS]: "FOUND",
  [ResponseCode.PULL_NOT_FOUND]: "NO_NEW_MSG",
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: "NO_MATCHED_MSG",
  [ResponseCode.PULL_OFFSET_MOVED]: "OFFSET_ILLEGAL",
};

/**
 * @example
 * const r = await pullMessage(pool, "127.0.0.1:10911", { topic: "T", brokerName: "broker-a", queueId: 0 },
 *   { consumerGroup: "G", queueOffset: 0, suspendTimeoutMillis: 20_000 });
 * if (r.status === "FOUND") handle(r.messages);
 */
export async function pullMessage(
  invoker: RemotingInvoker,
  address: string,
  mq: MessageQueue,
  request: PullRequest,
): Promise<PullResult> {
  const subscription = request.subscription ?? SUBSCRIBE_ALL;
  const suspend = request.suspendTimeoutMillis ?? 0;
  let sysFlag = PullSysFlag.SUBSCRIPTION;
  if (suspend > 0) sysFlag |= PullSysFlag.SUSPEND;
  if (request.commitOffset !== undefined) sysFlag |= PullSysFlag.COMMIT_OFFSET;
  const cmd = createRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: request.consumerGroup,
    topic: mq.topic,
    queueId: mq.queueId,
    queueOffset: request.queueOffset,
    maxMsgNums: request.maxMsgNums ?? 32,
    sysFlag,
    commitOffset: request.commitOffset ?? 0,
    suspendTimeoutMillis: suspend,
    subscription: subscription.expression,
    subVersion: 0,
    expressionType: subscription.expressionType,
    maxMsgBytes: request.maxMsgBytes,
  });
  const response = await invoker.request(address, cmd, request.timeoutMs ?? pullTimeoutMs(suspend, invoker.requestTimeoutMs));
  return pullResultOf(response, subscription, address);
}

/** Maps a PULL_MESSAGE response to a result; other codes throw BrokerError. */
export function pullResultOf(response: RemotingCommand, subscription: Subscription, address: string): PullResult {
  const status = STATUS_OF_CODE[response.code];
  if (status === undefined) throw brokerErrorOf(response, "pull", address);
  const h = response.extFields;
  const messages = status === "FOUND" && response.body ? decodeMessages(response.body) : [];
  const tags = subscription.expressionType === "TAG" ? tagSet(subscription.expression) : undefined;
  return {
    status,
    nextBeginOffset: longField(h, "nextBeginOffset"),
    minOffset: longField(h, "minOffset"),
    maxOffset: longField(h, "maxOffset"),
    suggestWhichBrokerId: h.suggestWhichBrokerId === undefined ? 0 : longField(h, "suggestWhichBrokerId"),
    messages: tags ? messages.filter((m) => m.tags !== undefined && tags.has(m.tags)) : messages,
  };
}

/** The tags of a TAG expression, or undefined for "*" (everything). */
export function tagSet(expression: string): Set<string> | undefined {
  const trimmed = expression.trim();
  if (trimmed === "" || trimmed === "*") return undefined;
  return new Set(trimmed.split("||").map((t) => t.trim()).filter((t) => t !== ""));
}

/** A numeric header field (Java long) as a number. */
export function longField(fields: Readonly<Record<string, string>>, name: string): number {
  const text = fields[name];
  const value = text === undefined ? NaN : Number(text);
  if (!Number.isSafeInteger(value)) throw new ProtocolError(`response header ${name} is ${JSON.stringify(text)}, not an integer`);
  return value;
}
