/**
 * ACL signing, checked against the signature apache/rocketmq's own test
 * expects: HMAC-SHA1 with key "12345678" over "RocketMQ" is
 * "IUc8rrO/0gDch8CjObLQsW2rsiA=". The inputs below are arranged so that the
 * sorted-values-then-body content is exactly "RocketMQ".
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError } from "../../src/errors.ts";
import { createAclSigner, signatureOf } from "../../src/remoting/acl.ts";
import { createRequest } from "../../src/remoting/command.ts";

const s = suite("remoting/acl");
const EXPECTED = "IUc8rrO/0gDch8CjObLQsW2rsiA=";

s("values are concatenated in key order, Signature excluded, body appended", () => {
  assert.is(signatureOf({ b: "MQ", a: "Rocket", Signature: "old" }, undefined, "12345678"), EXPECTED);
  assert.is(signatureOf({ a: "Rocket" }, new TextEncoder().encode("MQ"), "12345678"), EXPECTED);
  assert.is.not(signatureOf({ a: "MQ", b: "Rocket" }, undefined, "12345678"), EXPECTED);
});

s("the signer adds AccessKey (sorted with the rest), SecurityToken and Signature", () => {
  // "AccessKey" sorts before "zz": content "Rocket" + "MQ"
  const signed = createAclSigner({ accessKey: "Rocket", secretKey: "12345678" })(createRequest(30, { zz: "MQ" }));
  assert.equal(signed.extFields, { zz: "MQ", AccessKey: "Rocket", Signature: EXPECTED });
  const withToken = createAclSigner({ accessKey: "ak", secretKey: "sk", securityToken: "tok" })(createRequest(30, { zz: "MQ" }));
  assert.is(withToken.extFields.SecurityToken, "tok");
  assert.is(withToken.extFields.Signature, signatureOf({ AccessKey: "ak", SecurityToken: "tok", zz: "MQ" }, undefined, "sk"));
});

s("both keys are required", () => {
  assert.throws(() => createAclSigner({ accessKey: "ak", secretKey: "" }), (e: unknown) => e instanceof ConfigError);
  assert.throws(() => createAclSigner({ accessKey: "", secretKey: "sk" }), (e: unknown) => e instanceof ConfigError);
});

s.run();
