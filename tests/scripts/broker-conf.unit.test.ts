import { suite } from "uvu";
import * as assert from "uvu/assert";
import { extraBrokerConf } from "../../scripts/broker.ts";

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

s.run();
