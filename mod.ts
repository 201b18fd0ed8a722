/**
 * rocketmq-webstreams: the public API, as an explicit allow-list.
 * Values first, then types. Anything not exported here is internal.
 */
export {
  BrokerError,
  ConfigError,
  ConnectionError,
  EpochError,
  ErrorCodes,
  InputError,
  ProtocolError,
  RocketMQError,
  RouteError,
  SendError,
  StoreCorruptError,
  StoreError,
  StreamClosedError,
  TimeoutError,
} from "./src/errors.ts";
export type { ErrorCode, RocketMQErrorOptions } from "./src/errors.ts";
