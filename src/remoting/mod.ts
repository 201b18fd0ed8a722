/**
 * The remoting transport (TCP, name server + brokers): the protocol every
 * RocketMQ 4.x and 5.x cluster speaks. Most code wants `RemotingClient`;
 * the lower layers (frames, connections, single broker operations) are
 * public for tools and tests.
 *
 * @example
 * import { RemotingClient } from "./mod.ts";
 * const client = new RemotingClient({ nameServerAddress: "127.0.0.1:9876" });
 * const queues = await client.readableQueues("orders");
 * await client.close();
 */
// client facade
export { RemotingClient } from "./client.ts";
export { createClientId } from "./client-id.ts";
// name server and routes
export { NameServerClient } from "./nameserver.ts";
export {
  brokerAddresses,
  compareQueues,
  MASTER_ID,
  masterAddress,
  parseTopicRoute,
  Perm,
  readableQueues,
  writableQueues,
} from "./route.ts";
export { parseAddress, splitAddressList } from "./address.ts";
// broker operations
export { longField, pullMessage, pullResultOf, PullSysFlag, SUBSCRIBE_ALL, tagSet } from "./broker-pull.ts";
export {
  getMaxOffset,
  getMinOffset,
  queryConsumerOffset,
  searchOffsetByTimestamp,
  updateConsumerOffset,
} from "./broker-offsets.ts";
export {
  endTransaction,
  messageProperties,
  sendBatch,
  sendMessage,
  sendMessageOneway,
  TransactionResolution,
} from "./broker-send.ts";
export {
  encodeHeartbeat,
  getConsumerListByGroup,
  heartbeat,
  javaStringHash,
  unregisterClient,
} from "./broker-clients.ts";
export { createTopic } from "./broker-admin.ts";
export { brokerRequestHandler } from "./broker-requests.ts";
// connections, frames, codes
export { ConnectionPool } from "./connection-pool.ts";
export { Connection } from "./connection.ts";
export { createAclSigner, signatureOf } from "./acl.ts";
export {
  brokerErrorOf,
  CLIENT_LANGUAGE,
  CommandFlag,
  createRequest,
  createResponse,
  expectSuccess,
  isOneway,
  isResponse,
  PROTOCOL_VERSION,
  toExtFields,
} from "./command.ts";
export { decodeFrameContent, DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder } from "./frame.ts";
export { decodeBinaryHeader, decodeJsonHeader, encodeBinaryHeader, encodeJsonHeader, SerializeType } from "./header-codec.ts";
export {
  describeResponseCode,
  isRetryableResponse,
  RequestCode,
  ResponseCode,
  RETRYABLE_RESPONSE_CODES,
} from "./request-codes.ts";
// stored-message codec (src/remoting/message)
export {
  compressBody,
  CompressionType,
  crc32,
  createUniqueId,
  decodeMessages,
  decodeProperties,
  encodeBatchBody,
  encodeProperties,
  encodeStoredMessage,
  encodeStoredMessages,
  formatOffsetMsgId,
  inflateBody,
  MessageConst,
  MessageMagic,
  MessageSysFlag,
  parseHost,
  parseOffsetMsgId,
  readBatchRecords,
  uniqueIdGenerator,
} from "./message/mod.ts";

export type { RemotingClientOptions } from "./client.ts";
export type { NameServerOptions } from "./nameserver.ts";
export type { BrokerData, MessageQueue, QueueData, TopicRoute } from "./route.ts";
export type { HostPort } from "./address.ts";
export type { PullRequest, PullResult, PullStatus, Subscription } from "./broker-pull.ts";
export type { BoundaryType } from "./broker-offsets.ts";
export type {
  EndTransactionRequest,
  OutgoingMessage,
  SendBatchResult,
  SendOptions,
  SendResult,
  SendStatus,
  TransactionState,
} from "./broker-send.ts";
export type { ConsumerRegistration, HeartbeatData, SubscriptionEntry } from "./broker-clients.ts";
export type { CreateTopicOptions } from "./broker-admin.ts";
export type { BrokerRequestHandlers, TransactionCheck } from "./broker-requests.ts";
export type { ConnectionPoolOptions, RemotingInvoker } from "./connection-pool.ts";
export type { ConnectionOptions, IncomingRequestHandler } from "./connection.ts";
export type { AclCredentials, RequestSigner } from "./acl.ts";
export type { RemotingCommand } from "./command.ts";
export type { EncodeFrameOptions } from "./frame.ts";
export type { CommandHeader } from "./header-codec.ts";
export type {
  BatchMessage,
  BatchRecord,
  DecodeMessagesOptions,
  HostBytes,
  MessageConstKey,
  MessageExt,
  OffsetMsgId,
  StoredMessageFields,
  UniqueIdSource,
} from "./message/mod.ts";
