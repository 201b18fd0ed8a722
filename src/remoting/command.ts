/**
 * The unit of the remoting protocol: one command, request or response. On the
 * wire it is a header (JSON or RocketMQ's binary layout) and an optional body;
 * `frame.ts` does the bytes.
 */
import { brokerRefusal } from "../access-denied.ts";
import type { BrokerError } from "../errors.ts";
import { describeResponseCode, isRetryableResponse, ResponseCode } from "./request-codes.ts";

/** One request or response, as it travels. */
export interface RemotingCommand {
  /** Request code for requests, response code for responses. */
  readonly code: number;
  /** The sender's language: `"JAVA"`, `"OTHER"`, ... (names of Java's `LanguageCode`). */
  readonly language: string;
  /** The sender's protocol version (ordinal of Java's `MQVersion.Version`). */
  readonly version: number;
  /** Matches a response to its request; chosen by the requester. */
  readonly opaque: number;
  /** Bit 0: response. Bit 1: oneway (no response expected). */
  readonly flag: number;
  readonly remark?: string;
  /** The custom header: every value a string. */
  readonly extFields: Record<string, string>;
  readonly body?: Uint8Array;
}

export const CommandFlag = {
  RESPONSE: 1,
  ONEWAY: 2,
} as const;

/**
 * What we announce. 479 is `V5_3_3`: name servers send standard JSON routes
 * from 401 (`V4_9_4`) on, and nothing we use changes behaviour above it.
 */
export const PROTOCOL_VERSION = 479;
/** `LanguageCode` names that every broker version knows; `NODE_JS` only exists from 5.3.2. */
export const CLIENT_LANGUAGE = "OTHER";

export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & CommandFlag.RESPONSE) !== 0;
}

export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & CommandFlag.ONEWAY) !== 0;
}

/**
 * Turns a header record into string extFields, dropping `undefined` values,
 * so callers can write numbers and booleans directly.
 */
export function toExtFields(
  fields: Readonly<Record<string, string | number | boolean | bigint | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value !== undefined) out[key] = String(value);
  }
  return out;
}

/**
 * A request command. The connection assigns `opaque` when it sends it.
 *
 * @example
 * const cmd = createRequest(RequestCode.GET_MAX_OFFSET, { topic: "T", queueId: 0 });
 */
export function createRequest(
  code: number,
  fields: Readonly<Record<string, string | number | boolean | bigint | undefined>> = {},
  body?: Uint8Array,
): RemotingCommand {
  return {
    code,
    language: CLIENT_LANGUAGE,
    version: PROTOCOL_VERSION,
    opaque: 0,
    flag: 0,
    extFields: toExtFields(fields),
    ...(body === undefined ? {} : { body }),
  };
}

/** The response to `request`: same opaque, response bit set. */
export function createResponse(
  request: RemotingCommand,
  code: number,
  remark?: string,
  extFields: Record<string, string> = {},
  body?: Uint8Array,
): RemotingCommand {
  return {
    code,
    language: CLIENT_LANGUAGE,
    version: PROTOCOL_VERSION,
    opaque: request.opaque,
    flag: CommandFlag.RESPONSE,
    extFields,
    ...(remark === undefined ? {} : { remark }),
    ...(body === undefined ? {} : { body }),
  };
}

/** A BrokerError (AuthenticationError / PermissionError for access refusals) for a failure response, carrying its code, remark and retryability. */
export function brokerErrorOf(response: RemotingCommand, what: string, address: string): BrokerError {
  const remark = response.remark ?? "";
  return brokerRefusal(
    `${what} at ${address} failed: ${describeResponseCode(response.code)}${remark ? `: ${remark}` : ""}`,
    response.code,
    remark,
    { retryable: isRetryableResponse(response.code) },
  );
}

/** Returns `response` if it is SUCCESS, else throws its BrokerError. */
export function expectSuccess(response: RemotingCommand, what: string, address: string): RemotingCommand {
  if (response.code !== ResponseCode.SUCCESS) throw brokerErrorOf(response, what, address);
  return response;
}
