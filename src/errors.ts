/**
 * Every error the toolkit throws or routes into a stream.
 *
 * Each class carries a stable `code` string (never reworded: users match on
 * it), a `retryable` flag, and the original error as `cause`. Broker failures
 * keep the broker's numeric response code and remark.
 *
 * Add new classes here, in the section of the area they belong to, and add
 * their code to `ErrorCodes` first.
 */

/** Stable error codes. Keys and values are identical so logs stay greppable. */
export const ErrorCodes = {
  // configuration and input
  CONFIG_INVALID: "CONFIG_INVALID",
  INPUT_INVALID: "INPUT_INVALID",
  // serde and selectors
  DECODE_FAILED: "DECODE_FAILED",
  ENCODE_FAILED: "ENCODE_FAILED",
  TOPIC_INVALID: "TOPIC_INVALID",
  TAG_INVALID: "TAG_INVALID",
  // transport
  CONNECTION_FAILED: "CONNECTION_FAILED",
  CONNECTION_CLOSED: "CONNECTION_CLOSED",
  TIMEOUT: "TIMEOUT",
  PROTOCOL_ERROR: "PROTOCOL_ERROR",
  BROKER_ERROR: "BROKER_ERROR",
  AUTH_FAILED: "AUTH_FAILED",
  NO_PERMISSION: "NO_PERMISSION",
  ROUTE_NOT_FOUND: "ROUTE_NOT_FOUND",
  OUTAGE_EXCEEDED: "OUTAGE_EXCEEDED",
  // streams and checkpoints
  STREAM_CLOSED: "STREAM_CLOSED",
  SEND_FAILED: "SEND_FAILED",
  EPOCH_FAILED: "EPOCH_FAILED",
  STORE_CORRUPT: "STORE_CORRUPT",
  STORE_FAILED: "STORE_FAILED",
  STORE_MISSING: "STORE_MISSING",
  BARRIER_VIOLATION: "BARRIER_VIOLATION",
  // table DDL
  DDL_SYNTAX: "DDL_SYNTAX",
  DDL_INVALID: "DDL_INVALID",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface RocketMQErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
}

/** Base class: never thrown directly, so that `code` always says what happened. */
export abstract class RocketMQError extends Error {
  abstract readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

// ---------------------------------------------------------------------------
// configuration and input

/** A configuration key is missing, unknown or has a bad value. */
export class ConfigError extends RocketMQError {
  readonly code = ErrorCodes.CONFIG_INVALID;
  readonly key?: string;
  readonly value?: unknown;
  constructor(
    message: string,
    key?: string,
    value?: unknown,
    options?: RocketMQErrorOptions,
  ) {
    super(message, options);
    this.key = key;
    this.value = value;
  }
}

/** A value handed to the toolkit (a record, a message, an argument) is not acceptable. */
export class InputError extends RocketMQError {
  readonly code: ErrorCode = ErrorCodes.INPUT_INVALID;
  readonly field?: string;
  readonly value?: unknown;
  constructor(
    message: string,
    field?: string,
    value?: unknown,
    options?: RocketMQErrorOptions,
  ) {
    super(message, options);
    this.field = field;
    this.value = value;
  }
}

// ---------------------------------------------------------------------------
// serde and selectors

/** Where a record sits in its queue: enough to find it again with mqadmin or a pull. */
export interface RecordLocation {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly msgId: string;
}

/**
 * A record could not be decoded and the decode-failure policy is `fail`.
 * Serde itself never throws: this wraps its `DecodeError` value when a stream must.
 */
export class DecodeFailedError extends RocketMQError {
  readonly code = ErrorCodes.DECODE_FAILED;
  /** The part that failed: `key`, `value`, `value.user.id`, `value[3]`. */
  readonly field: string;
  /** A bounded rendering of the offending value (raw bytes as hex). */
  readonly value: string;
  readonly location?: RecordLocation;
  /** The record's raw value bytes, so it can be inspected or replayed. */
  readonly raw?: Uint8Array;
  constructor(
    message: string,
    field: string,
    value: string,
    options: RocketMQErrorOptions & { location?: RecordLocation; raw?: Uint8Array } = {},
  ) {
    super(message, options);
    this.field = field;
    this.value = value;
    this.location = options.location;
    this.raw = options.raw;
  }
}

/** A value could not be serialized; wraps serde's `EncodeError` value when a stream must throw. */
export class EncodeFailedError extends RocketMQError {
  readonly code = ErrorCodes.ENCODE_FAILED;
  readonly field: string;
  readonly value: string;
  constructor(message: string, field: string, value: string, options?: RocketMQErrorOptions) {
    super(message, options);
    this.field = field;
    this.value = value;
  }
}

/**
 * A topic name breaks RocketMQ's rules (characters, length) or names a system
 * topic. An InputError, so every refused message is one, with its own code.
 */
export class TopicInvalidError extends InputError {
  override readonly code: ErrorCode = ErrorCodes.TOPIC_INVALID;
  /** Where the name came from: `topic`, a record field name, an option key. */
  declare readonly field: string;
  constructor(message: string, field: string, value: unknown, options?: RocketMQErrorOptions) {
    super(message, field, value, options);
  }
}

/** A tag is empty, blank, too long, or contains `|` or control characters. An InputError with its own code. */
export class TagInvalidError extends InputError {
  override readonly code: ErrorCode = ErrorCodes.TAG_INVALID;
  declare readonly field: string;
  constructor(message: string, field: string, value: unknown, options?: RocketMQErrorOptions) {
    super(message, field, value, options);
  }
}

// ---------------------------------------------------------------------------
// transport

/** Could not connect to (or lost) a name server, broker or proxy. */
export class ConnectionError extends RocketMQError {
  readonly code: ErrorCode;
  readonly address: string;
  constructor(
    message: string,
    address: string,
    options: RocketMQErrorOptions & { closed?: boolean } = {},
  ) {
    super(message, { retryable: true, ...options });
    this.address = address;
    this.code = options.closed ? ErrorCodes.CONNECTION_CLOSED : ErrorCodes.CONNECTION_FAILED;
  }
}

/** A request got no answer in time. */
export class TimeoutError extends RocketMQError {
  readonly code = ErrorCodes.TIMEOUT;
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, options?: RocketMQErrorOptions) {
    super(message, { retryable: true, ...options });
    this.timeoutMs = timeoutMs;
  }
}

/** Bytes on the wire did not follow the protocol (bad frame, bad header, bad message). */
export class ProtocolError extends RocketMQError {
  readonly code = ErrorCodes.PROTOCOL_ERROR;
}

/** The broker (or name server, or proxy) answered with a failure response code. */
export class BrokerError extends RocketMQError {
  readonly code: ErrorCode = ErrorCodes.BROKER_ERROR;
  readonly responseCode: number;
  readonly remark: string;
  constructor(
    message: string,
    /** The broker's numeric response code, as sent. */
    responseCode: number,
    /** The broker's remark, as sent. */
    remark: string,
    options?: RocketMQErrorOptions,
  ) {
    super(message, options);
    this.responseCode = responseCode;
    this.remark = remark;
  }
}

/**
 * The broker or proxy did not accept the credentials: a wrong secret, an
 * unknown or disabled user, no credentials where authentication is on.
 * Retrying with the same credentials gives the same answer.
 */
export class AuthenticationError extends BrokerError {
  override readonly code: ErrorCode = ErrorCodes.AUTH_FAILED;
}

/** The credentials are valid but do not allow this action on this resource (topic, group). */
export class PermissionError extends BrokerError {
  override readonly code: ErrorCode = ErrorCodes.NO_PERMISSION;
}

/** No route for a topic: unknown topic, or no readable/writable queue. */
export class RouteError extends RocketMQError {
  readonly code = ErrorCodes.ROUTE_NOT_FOUND;
  readonly topic: string;
  constructor(message: string, topic: string, options?: RocketMQErrorOptions) {
    super(message, options);
    this.topic = topic;
  }
}

/**
 * A broker (or name server, or proxy) stayed unreachable longer than the
 * `maxOutageMs` the pipeline rides through. Retryable: a supervisor that
 * restarts the pipeline once the cluster is back loses nothing (a
 * checkpointed pipeline resumes from its last completed epoch).
 */
export class OutageError extends RocketMQError {
  readonly code = ErrorCodes.OUTAGE_EXCEEDED;
  /** What was unreachable: `broker broker-a`, `the brokers of topic T`. */
  readonly target: string;
  /** When the outage started (ms since the epoch): the first failed call after a success. */
  readonly since: number;
  readonly maxOutageMs: number;
  constructor(target: string, since: number, maxOutageMs: number, lastCause: unknown, now = Date.now()) {
    const cause = lastCause instanceof Error ? lastCause.message : String(lastCause);
    super(`${target} unreachable since ${new Date(since).toISOString()} (${now - since} ms; maxOutageMs is ${maxOutageMs}); last error: ${cause}`,
      { cause: lastCause, retryable: true });
    this.target = target;
    this.since = since;
    this.maxOutageMs = maxOutageMs;
  }
}

// ---------------------------------------------------------------------------
// streams and checkpoints

/** A send was not acknowledged; `unacknowledged` counts the records in doubt. */
export class SendError extends RocketMQError {
  readonly code = ErrorCodes.SEND_FAILED;
  readonly unacknowledged: number;
  constructor(
    message: string,
    unacknowledged: number,
    options?: RocketMQErrorOptions,
  ) {
    super(message, options);
    this.unacknowledged = unacknowledged;
  }
}

/** An epoch could not complete; the pipeline stops rather than skipping it. */
export class EpochError extends RocketMQError {
  readonly code = ErrorCodes.EPOCH_FAILED;
  readonly epoch: number;
  constructor(message: string, epoch: number, options?: RocketMQErrorOptions) {
    super(message, options);
    this.epoch = epoch;
  }
}

/** An offset store holds data that fails its integrity check. */
export class StoreCorruptError extends RocketMQError {
  readonly code = ErrorCodes.STORE_CORRUPT;
  readonly location: string;
  constructor(message: string, location: string, options?: RocketMQErrorOptions) {
    super(message, options);
    this.location = location;
  }
}

/** An offset store could not read or write. */
export class StoreError extends RocketMQError {
  readonly code: typeof ErrorCodes.STORE_FAILED | typeof ErrorCodes.STORE_MISSING = ErrorCodes.STORE_FAILED;
  readonly location: string;
  constructor(message: string, location: string, options?: RocketMQErrorOptions) {
    super(message, options);
    this.location = location;
  }
}

/**
 * An offset store's location does not exist and the store was not asked to
 * create it: an unmounted volume or a mistyped path must not read as "no
 * state", which would restart the pipeline from its start strategy.
 */
export class StoreMissingError extends StoreError {
  override readonly code = ErrorCodes.STORE_MISSING;
}

/**
 * A lifted user transform broke the barrier contract: when a barrier arrived,
 * it had not emitted the output of every record written before it (it holds
 * records across the barrier, which a crash would lose), or it emitted more
 * than a one-to-one transform may.
 */
export class BarrierViolationError extends RocketMQError {
  readonly code = ErrorCodes.BARRIER_VIOLATION;
  readonly epoch: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  constructor(
    message: string,
    epoch: number,
    recordsIn: number,
    recordsOut: number,
    options?: RocketMQErrorOptions,
  ) {
    super(message, options);
    this.epoch = epoch;
    this.recordsIn = recordsIn;
    this.recordsOut = recordsOut;
  }
}

/** Writing to or reading from a stream that is already closed or errored. */
export class StreamClosedError extends RocketMQError {
  readonly code = ErrorCodes.STREAM_CLOSED;
}

// ---------------------------------------------------------------------------
// table DDL

/**
 * A `CREATE TABLE` statement does not follow the grammar. `line` and `column`
 * are 1-based and point at the offending token; `found` is that token as
 * written (or `end of input`).
 */
export class DdlSyntaxError extends RocketMQError {
  readonly code = ErrorCodes.DDL_SYNTAX;
  readonly line: number;
  readonly column: number;
  readonly expected: string;
  readonly found: string;
  constructor(line: number, column: number, expected: string, found: string, options?: RocketMQErrorOptions) {
    super(`line ${line}, column ${column}: expected ${expected} but found ${found}`, options);
    this.line = line;
    this.column = column;
    this.expected = expected;
    this.found = found;
  }
}

/**
 * A `CREATE TABLE` statement parses but cannot be used: a duplicate column, a
 * bad type parameter, an unknown metadata key, a read-only metadata column on
 * a sink that is not `VIRTUAL`. `column` names the table column when there is one.
 */
export class DdlError extends RocketMQError {
  readonly code = ErrorCodes.DDL_INVALID;
  readonly column?: string;
  constructor(message: string, column?: string, options?: RocketMQErrorOptions) {
    super(message, options);
    this.column = column;
  }
}
