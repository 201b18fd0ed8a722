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
  ROUTE_NOT_FOUND: "ROUTE_NOT_FOUND",
  // streams and checkpoints
  STREAM_CLOSED: "STREAM_CLOSED",
  SEND_FAILED: "SEND_FAILED",
  EPOCH_FAILED: "EPOCH_FAILED",
  STORE_CORRUPT: "STORE_CORRUPT",
  STORE_FAILED: "STORE_FAILED",
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
  constructor(
    message: string,
    readonly key?: string,
    readonly value?: unknown,
    options?: RocketMQErrorOptions,
  ) {
    super(message, options);
  }
}

/** A value handed to the toolkit (a record, a message, an argument) is not acceptable. */
export class InputError extends RocketMQError {
  readonly code = ErrorCodes.INPUT_INVALID;
  constructor(
    message: string,
    readonly field?: string,
    readonly value?: unknown,
    options?: RocketMQErrorOptions,
  ) {
    super(message, options);
  }
}

// ---------------------------------------------------------------------------
// transport

/** Could not connect to (or lost) a name server, broker or proxy. */
export class ConnectionError extends RocketMQError {
  readonly code: ErrorCode;
  constructor(
    message: string,
    readonly address: string,
    options: RocketMQErrorOptions & { closed?: boolean } = {},
  ) {
    super(message, { retryable: true, ...options });
    this.code = options.closed ? ErrorCodes.CONNECTION_CLOSED : ErrorCodes.CONNECTION_FAILED;
  }
}

/** A request got no answer in time. */
export class TimeoutError extends RocketMQError {
  readonly code = ErrorCodes.TIMEOUT;
  constructor(message: string, readonly timeoutMs: number, options?: RocketMQErrorOptions) {
    super(message, { retryable: true, ...options });
  }
}

/** Bytes on the wire did not follow the protocol (bad frame, bad header, bad message). */
export class ProtocolError extends RocketMQError {
  readonly code = ErrorCodes.PROTOCOL_ERROR;
}

/** The broker (or name server, or proxy) answered with a failure response code. */
export class BrokerError extends RocketMQError {
  readonly code = ErrorCodes.BROKER_ERROR;
  constructor(
    message: string,
    /** The broker's numeric response code, as sent. */
    readonly responseCode: number,
    /** The broker's remark, as sent. */
    readonly remark: string,
    options?: RocketMQErrorOptions,
  ) {
    super(message, options);
  }
}

/** No route for a topic: unknown topic, or no readable/writable queue. */
export class RouteError extends RocketMQError {
  readonly code = ErrorCodes.ROUTE_NOT_FOUND;
  constructor(message: string, readonly topic: string, options?: RocketMQErrorOptions) {
    super(message, options);
  }
}

// ---------------------------------------------------------------------------
// streams and checkpoints

/** A send was not acknowledged; `unacknowledged` counts the records in doubt. */
export class SendError extends RocketMQError {
  readonly code = ErrorCodes.SEND_FAILED;
  constructor(
    message: string,
    readonly unacknowledged: number,
    options?: RocketMQErrorOptions,
  ) {
    super(message, options);
  }
}

/** An epoch could not complete; the pipeline stops rather than skipping it. */
export class EpochError extends RocketMQError {
  readonly code = ErrorCodes.EPOCH_FAILED;
  constructor(message: string, readonly epoch: number, options?: RocketMQErrorOptions) {
    super(message, options);
  }
}

/** An offset store holds data that fails its integrity check. */
export class StoreCorruptError extends RocketMQError {
  readonly code = ErrorCodes.STORE_CORRUPT;
  constructor(message: string, readonly location: string, options?: RocketMQErrorOptions) {
    super(message, options);
  }
}

/** An offset store could not read or write. */
export class StoreError extends RocketMQError {
  readonly code = ErrorCodes.STORE_FAILED;
  constructor(message: string, readonly location: string, options?: RocketMQErrorOptions) {
    super(message, options);
  }
}

/** Writing to or reading from a stream that is already closed or errored. */
export class StreamClosedError extends RocketMQError {
  readonly code = ErrorCodes.STREAM_CLOSED;
}
