/**
 * The one interface a sink needs from a wire protocol. Two implementations:
 * remoting (our own client, `nameServerAddress`) and gRPC (the official
 * rocketmq-client-nodejs `Producer`, `endpoints`). Transports know nothing of
 * streams; retries across brokers/queues happen inside them.
 */
import type { OutgoingMessage, SendReceipt } from "./outgoing-message.ts";

export interface ProducerTransport {
  readonly kind: "remoting" | "grpc";
  /** Resolves once the broker has stored the message; rejects with a typed error after the retries. */
  send(message: OutgoingMessage): Promise<SendReceipt>;
  /**
   * Sends several messages of one topic in one request where the protocol has
   * it. Either all are stored or the promise rejects.
   */
  sendBatch?(messages: readonly OutgoingMessage[]): Promise<SendReceipt[]>;
  /**
   * Resolves once the brokers `topic` is sent to answer a request that
   * stores nothing (a sink riding through an outage resends held messages
   * only then); rejects with a typed error while they can't be reached.
   */
  probe?(topic: string): Promise<void>;
  close(): Promise<void>;
}
