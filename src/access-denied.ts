/**
 * Tells an authentication failure from a missing permission in a broker's or
 * proxy's refusal, so both transports raise the same error for the same cause.
 *
 * Neither protocol has a code for each: a 5.x broker with ACL 2.0 answers
 * both over remoting with NO_PERMISSION (16), and the proxy answers both over
 * gRPC with UNAUTHORIZED (40100); FORBIDDEN (40300) is the proxy relaying a
 * broker's NO_PERMISSION. What differs is the text, which comes from
 * RocketMQ's authentication handlers ("check signature failed.",
 * "User:x is not found.", "username cannot be null.", "User:x is disabled.";
 * ACL 1.0's "No acl config for ..." and signature errors) or from its
 * authorization handlers ("User:x has no permission to access ...").
 */
import { AuthenticationError, BrokerError, PermissionError, type RocketMQErrorOptions } from "./errors.ts";

/** Remoting `ResponseCode.NO_PERMISSION`. */
const REMOTING_NO_PERMISSION = 16;
/** The proxy's gRPC `Code.UNAUTHORIZED` and `Code.FORBIDDEN`. */
const PROXY_UNAUTHORIZED = 40100;
const PROXY_FORBIDDEN = 40300;

const PERMISSION_TEXT = /has no permission|no matched polic|decision is deny/i;
const AUTHENTICATION_TEXT = /signature|is not found|not found\.|is disabled|username cannot be null|authentication|no acl config|accesskey|credential/i;

/** Which kind of refusal `responseCode` + `text` is, or undefined for any other failure. */
export function accessDeniedKind(responseCode: number, text: string): "authentication" | "permission" | undefined {
  if (responseCode !== REMOTING_NO_PERMISSION && responseCode !== PROXY_UNAUTHORIZED && responseCode !== PROXY_FORBIDDEN) {
    return undefined;
  }
  if (PERMISSION_TEXT.test(text)) return "permission";
  if (AUTHENTICATION_TEXT.test(text)) return "authentication";
  // the codes' own meaning where the text says nothing more
  return responseCode === PROXY_UNAUTHORIZED ? "authentication" : "permission";
}

/** A BrokerError, or its AuthenticationError / PermissionError subclass when the refusal is one of those. */
export function brokerRefusal(message: string, responseCode: number, remark: string, options?: RocketMQErrorOptions): BrokerError {
  switch (accessDeniedKind(responseCode, remark)) {
    case "authentication":
      return new AuthenticationError(message, responseCode, remark, options);
    case "permission":
      return new PermissionError(message, responseCode, remark, options);
    default:
      return new BrokerError(message, responseCode, remark, options);
  }
}
