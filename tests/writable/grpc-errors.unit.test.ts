/**
 * How the gRPC transport types a failed send: the client's ClientException
 * (the proxy answered with a 5-digit response code) versus a grpc-js call
 * failure (gRPC status 0..16: the proxy did not answer). The broker-stop
 * suite (tests/slow) sees the UNAVAILABLE case against a real stopped proxy.
 */
import { NotFoundException, TooManyRequestsException } from "rocketmq-client-nodejs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BrokerError, ConnectionError, SendError, TimeoutError } from "../../src/errors.ts";
import { grpcSendError } from "../../src/writable/grpc-producer-transport.ts";

/** gRPC status codes (grpc.io/docs/guides/status-codes; @grpc/grpc-js is only a transitive dependency here). */
const GrpcStatus = { DEADLINE_EXCEEDED: 4, UNIMPLEMENTED: 12, UNAVAILABLE: 14 } as const;
const statusName = (code: number) => Object.entries(GrpcStatus).find(([, c]) => c === code)?.[0];

/** What grpc-js rejects a unary call with: an Error with `code`, `details` and `metadata`. */
function grpcCallError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${statusName(code)}: ${details}`), { code, details, metadata: {} });
}

const s = suite("gRPC send errors");

s("UNAVAILABLE (proxy down) is a retryable ConnectionError naming the endpoints, not a broker refusal", () => {
  const cause = grpcCallError(GrpcStatus.UNAVAILABLE, "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:28081.");
  const err = grpcSendError(cause, "orders", "127.0.0.1:28081", 3000);
  assert.instance(err, ConnectionError);
  assert.is((err as ConnectionError).code, "CONNECTION_FAILED");
  assert.is((err as ConnectionError).address, "127.0.0.1:28081");
  assert.ok((err as ConnectionError).retryable);
  assert.match(err.message, /could not reach the proxy at 127\.0\.0\.1:28081 to send to topic orders: 14 UNAVAILABLE/);
  assert.is(err.cause, cause);
});

s("DEADLINE_EXCEEDED is a TimeoutError with the request timeout", () => {
  const err = grpcSendError(grpcCallError(GrpcStatus.DEADLINE_EXCEEDED, "Deadline exceeded"), "orders", "p:8081", 2500);
  assert.instance(err, TimeoutError);
  assert.is((err as TimeoutError).timeoutMs, 2500);
  assert.match(err.message, /within 2500 ms/);
});

s("another gRPC status is a BrokerError carrying that status", () => {
  const err = grpcSendError(grpcCallError(GrpcStatus.UNIMPLEMENTED, "no such method"), "orders", "p:8081", 3000);
  assert.instance(err, BrokerError);
  assert.is((err as BrokerError).responseCode, GrpcStatus.UNIMPLEMENTED);
  assert.not.ok((err as BrokerError).retryable);
});

s("the proxy's own response codes stay BrokerErrors with the code, retryable only for 429xx and 5xxxx", () => {
  const notFound = grpcSendError(new NotFoundException(40402, "topic not found", "req-1"), "orders", "p:8081", 3000);
  assert.instance(notFound, BrokerError);
  assert.is((notFound as BrokerError).responseCode, 40402);
  assert.not.ok((notFound as BrokerError).retryable);
  assert.match(notFound.message, /proxy at p:8081 refused the send to topic orders/);
  const busy = grpcSendError(new TooManyRequestsException(42900, "slow down", "req-2"), "orders", "p:8081", 3000);
  assert.ok((busy as BrokerError).retryable);
});

s("an error without a code is a SendError for the one message", () => {
  const err = grpcSendError(new Error("producer is not running"), "orders", "p:8081", 3000);
  assert.instance(err, SendError);
  assert.is((err as SendError).unacknowledged, 1);
});

s.run();
