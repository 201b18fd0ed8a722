/**
 * Numeric codes of the remoting protocol: what a request asks for, and how
 * the broker or name server answered. Values are the wire values of
 * apache/rocketmq's `RequestCode` and `ResponseCode` (only those this
 * toolkit sends or must recognise).
 */

/** Request codes, sent by us or by the broker to us. */
export const RequestCode = {
  PULL_MESSAGE: 11,
  QUERY_CONSUMER_OFFSET: 14,
  UPDATE_CONSUMER_OFFSET: 15,
  UPDATE_AND_CREATE_TOPIC: 17,
  SEARCH_OFFSET_BY_TIMESTAMP: 29,
  GET_MAX_OFFSET: 30,
  GET_MIN_OFFSET: 31,
  HEART_BEAT: 34,
  UNREGISTER_CLIENT: 35,
  END_TRANSACTION: 37,
  GET_CONSUMER_LIST_BY_GROUP: 38,
  /** Broker -> client, oneway: "is this half message committed?" */
  CHECK_TRANSACTION_STATE: 39,
  /** Broker -> client, oneway: the group's members changed, rebalance now. */
  NOTIFY_CONSUMER_IDS_CHANGED: 40,
  LOCK_BATCH_MQ: 41,
  UNLOCK_BATCH_MQ: 42,
  GET_ROUTEINFO_BY_TOPIC: 105,
  /** Broker -> client, oneway. */
  RESET_CONSUMER_CLIENT_OFFSET: 220,
  /** Broker -> client, expects an answer. */
  GET_CONSUMER_STATUS_FROM_CLIENT: 221,
  /** Broker -> client, expects an answer. */
  GET_CONSUMER_RUNNING_INFO: 307,
  /** Broker -> client, expects an answer. */
  CONSUME_MESSAGE_DIRECTLY: 309,
  SEND_MESSAGE_V2: 310,
  SEND_BATCH_MESSAGE: 320,
  LITE_PULL_MESSAGE: 361,
} as const;
export type RequestCode = (typeof RequestCode)[keyof typeof RequestCode];

/** Response codes (the `code` of a command whose response flag is set). */
export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TRANSACTION_FAILED: 4,
  /** A send that answers 10, 11 or 12 was stored; only replication or flushing lagged. */
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  VERSION_NOT_SUPPORTED: 15,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  TOPIC_EXIST_ALREADY: 18,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
  SUBSCRIPTION_PARSE_FAILED: 23,
  SUBSCRIPTION_NOT_EXIST: 24,
  SUBSCRIPTION_NOT_LATEST: 25,
  SUBSCRIPTION_GROUP_NOT_EXIST: 26,
  FILTER_DATA_NOT_EXIST: 27,
  FILTER_DATA_NOT_LATEST: 28,
  INVALID_PARAMETER: 29,
  CONSUMER_NOT_ONLINE: 206,
  POLLING_FULL: 209,
  POLLING_TIMEOUT: 210,
  BROKER_NOT_EXIST: 211,
  FLOW_CONTROL: 215,
  NOT_LEADER_FOR_QUEUE: 501,
  GO_AWAY: 1500,
} as const;
export type ResponseCode = (typeof ResponseCode)[keyof typeof ResponseCode];

/**
 * Failures worth retrying after a pause (busy, flow control, a broker that is
 * starting or stopping, a subscription the broker has not caught up with).
 * Everything else (illegal message, no permission, unknown topic) repeats
 * identically, so retrying it only delays the error.
 */
export const RETRYABLE_RESPONSE_CODES: ReadonlySet<number> = new Set<number>([
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SUBSCRIPTION_NOT_LATEST,
  ResponseCode.FILTER_DATA_NOT_LATEST,
  ResponseCode.POLLING_FULL,
  ResponseCode.FLOW_CONTROL,
  ResponseCode.NOT_LEADER_FOR_QUEUE,
  ResponseCode.GO_AWAY,
]);

/** Whether a failure response code may succeed when asked again later. */
export function isRetryableResponse(code: number): boolean {
  return RETRYABLE_RESPONSE_CODES.has(code);
}

const NAME_OF_RESPONSE = new Map<number, string>(
  Object.entries(ResponseCode).map(([name, code]) => [code, name]),
);

/** `"TOPIC_NOT_EXIST(17)"`, or `"code 4711"` for codes this table does not know. */
export function describeResponseCode(code: number): string {
  const name = NAME_OF_RESPONSE.get(code);
  return name === undefined ? `code ${code}` : `${name}(${code})`;
}
