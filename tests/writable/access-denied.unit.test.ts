/**
 * Authentication failures and missing permissions get their own codes on both
 * transports. The texts below are what a 5.5.0 broker (remoting, code 16) and
 * proxy (gRPC, code 40100) answered with ACL 2.0 on (tests/slow/acl.test.ts
 * sees them live); the remoting command path and the gRPC error mapping both
 * go through `brokerRefusal`.
 */
import { UnauthorizedException } from "rocketmq-client-nodejs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { accessDeniedKind, brokerRefusal } from "../../src/access-denied.ts";
import { AuthenticationError, BrokerError, ErrorCodes, PermissionError } from "../../src/errors.ts";
import { brokerErrorOf, createResponse, createRequest } from "../../src/remoting/command.ts";
import { grpcSendError } from "../../src/writable/grpc-producer-transport.ts";

const s = suite("access refusals: AUTH_FAILED and NO_PERMISSION");

const authTexts = ["check signature failed.", "User:mallory is not found.", "username cannot be null.", "User:carol is disabled.",
  "No acl config for ak", "Authentication failed. Please verify the credentials and try again."];
const permissionTexts = ["User:bob has no permission to access Topic:t from 127.0.0.1, no matched policies.",
  "User:bob has no permission to access Topic:t from 127.0.0.1, the decision is deny."];

s("remoting NO_PERMISSION (16) and proxy UNAUTHORIZED (40100) / FORBIDDEN (40300) split by text", () => {
  for (const code of [16, 40100, 40300]) {
    for (const t of authTexts) assert.is(accessDeniedKind(code, t), "authentication", `${code} ${t}`);
    for (const t of permissionTexts) assert.is(accessDeniedKind(code, t), "permission", `${code} ${t}`);
  }
  // the code's own meaning when the text says nothing more
  assert.is(accessDeniedKind(16, "the topic[t] sending message is forbidden"), "permission");
  assert.is(accessDeniedKind(40300, "forbidden"), "permission");
  assert.is(accessDeniedKind(40100, "unauthorized"), "authentication");
  // other codes are not access refusals, whatever the text
  for (const code of [1, 13, 17, 40402, 50001]) assert.is(accessDeniedKind(code, "check signature failed."), undefined);
});

s("the errors are BrokerErrors with their own stable codes, the broker's code, remark and cause kept", () => {
  const cause = new Error("wire");
  const auth = brokerRefusal("m", 16, "check signature failed.", { cause });
  assert.instance(auth, AuthenticationError);
  assert.instance(auth, BrokerError);
  assert.is(auth.code, ErrorCodes.AUTH_FAILED);
  assert.is(auth.code, "AUTH_FAILED");
  assert.is(auth.responseCode, 16);
  assert.is(auth.remark, "check signature failed.");
  assert.is(auth.cause, cause);
  assert.not.ok(auth.retryable);
  const perm = brokerRefusal("m", 40100, permissionTexts[0]!);
  assert.instance(perm, PermissionError);
  assert.is(perm.code, "NO_PERMISSION");
  assert.is(perm.name, "PermissionError");
  const other = brokerRefusal("m", 17, "topic not exist");
  assert.is(other.constructor, BrokerError);
  assert.is(other.code, "BROKER_ERROR");
});

s("remoting: a failure response becomes the matching class", () => {
  const request = createRequest(310, {});
  const err = brokerErrorOf(createResponse(request, 16, "User:mallory is not found."), "send to t:0", "127.0.0.1:10911");
  assert.instance(err, AuthenticationError);
  assert.match(err.message, /send to t:0 at 127\.0\.0\.1:10911 failed: NO_PERMISSION\(16\): User:mallory is not found\./);
  assert.instance(brokerErrorOf(createResponse(request, 16, permissionTexts[0]!), "send", "a:1"), PermissionError);
});

s("gRPC: the client's UnauthorizedException becomes the matching class; a client TypeError refusal a BrokerError", () => {
  const auth = grpcSendError(new UnauthorizedException(40100, "check signature failed.", "req"), "t", "p:8081", 3000);
  assert.instance(auth, AuthenticationError);
  assert.is((auth as BrokerError).responseCode, 40100);
  const perm = grpcSendError(new UnauthorizedException(40100, permissionTexts[0]!, "req"), "t", "p:8081", 3000);
  assert.instance(perm, PermissionError);
  const typeErr = new TypeError("Current message type not match with topic accept message types, topic=t");
  const refused = grpcSendError(typeErr, "t", "p:8081", 3000);
  assert.is(refused.constructor, BrokerError, "a refusal, not a SendError");
  assert.is((refused as BrokerError).responseCode, 0);
  assert.not.ok((refused as BrokerError).retryable);
  assert.is(refused.cause, typeErr);
});

s.run();
