/**
 * ACL 1.0 request signing, as RocketMQ's `AclClientRPCHook` does it: add
 * `AccessKey` (and `SecurityToken`) to the extFields, sort the extFields by
 * name, concatenate their values (never `Signature`'s), append the body, and
 * put Base64(HMAC-SHA1(secretKey, those bytes)) in `Signature`.
 * ACL 2.0 brokers accept the same signature.
 */
import { createHmac } from "node:crypto";
import { ConfigError } from "../errors.ts";
import type { RemotingCommand } from "./command.ts";

export interface AclCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly securityToken?: string;
}

/** Turns a request into its signed form. */
export type RequestSigner = (cmd: RemotingCommand) => RemotingCommand;

const utf8 = new TextEncoder();

/**
 * @example
 * const sign = createAclSigner({ accessKey: "rocketmq2", secretKey: "12345678" });
 * const signed = sign(createRequest(RequestCode.GET_MAX_OFFSET, { topic: "T", queueId: 0 }));
 */
export function createAclSigner(credentials: AclCredentials): RequestSigner {
  const { accessKey, secretKey, securityToken } = credentials;
  if (!accessKey || !secretKey) {
    throw new ConfigError("ACL signing needs both accessKey and secretKey", accessKey ? "secretKey" : "accessKey");
  }
  return (cmd) => {
    const extFields: Record<string, string> = { ...cmd.extFields, AccessKey: accessKey };
    if (securityToken) extFields.SecurityToken = securityToken;
    delete extFields.Signature;
    extFields.Signature = signatureOf(extFields, cmd.body, secretKey);
    return { ...cmd, extFields };
  };
}

/** The `Signature` value for these extFields and body. */
export function signatureOf(extFields: Readonly<Record<string, string>>, body: Uint8Array | undefined, secretKey: string): string {
  let content = "";
  // Java sorts with a TreeMap (UTF-16 code unit order), which is what sort() does
  for (const name of Object.keys(extFields).sort()) {
    if (name !== "Signature") content += extFields[name];
  }
  const hmac = createHmac("sha1", utf8.encode(secretKey));
  hmac.update(utf8.encode(content));
  if (body && body.byteLength > 0) hmac.update(body);
  return hmac.digest("base64");
}
