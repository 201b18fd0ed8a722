import { suite } from "uvu";
import * as assert from "uvu/assert";
import { extraBrokerConf, extraProxyConf } from "../../scripts/broker.ts";

const s = suite("scripts/broker: extra broker.conf lines from ROCKETMQ_BROKER_CONF");

s("none when unset or blank", () => {
  assert.equal(extraBrokerConf(undefined), []);
  assert.equal(extraBrokerConf("  \n "), []);
});

s("key=value lines separated by spaces or newlines, kept in order", () => {
  assert.equal(extraBrokerConf("accessMessageInMemoryMaxRatio=0 maxTransferCountOnMessageInDisk=32\ndeleteWhen=04;05"),
    ["accessMessageInMemoryMaxRatio=0", "maxTransferCountOnMessageInDisk=32", "deleteWhen=04;05"]);
});

s("refuses a line that is not key=value, naming it", () => {
  assert.throws(() => extraBrokerConf("accessMessageInMemoryMaxRatio=0 oops"), /"oops" is not a key=value line/);
  assert.throws(() => extraBrokerConf("=1"), /"=1"/);
});

s("ROCKETMQ_PROXY_CONF: a JSON object of proxy.json keys, anything else refused", () => {
  assert.equal(extraProxyConf(undefined), {});
  assert.equal(extraProxyConf("  "), {});
  assert.equal(extraProxyConf('{"authenticationEnabled":true,"x":"y"}'), { authenticationEnabled: true, x: "y" });
  assert.throws(() => extraProxyConf("authenticationEnabled=true"), /not JSON/);
  for (const bad of ["[1]", "null", "3", '"s"']) assert.throws(() => extraProxyConf(bad), /must be a JSON object/);
});

s.run();
