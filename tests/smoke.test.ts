/**
 * Smoke test of the test rig itself: the official gRPC client
 * (rocketmq-client-nodejs) sends through the proxy, and the Java mqadmin CLI
 * finds that exact message in the topic. Fails whenever the broker is down.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { Producer } from "rocketmq-client-nodejs";
import { cluster, createTopic, mqadmin, randomName } from "./fixture/broker.ts";

const smoke = suite("smoke: real broker through the proxy and mqadmin");

smoke("a message sent by rocketmq-client-nodejs is seen by mqadmin", async () => {
  const topic = randomName("smoke");
  createTopic(topic, 2);
  const producer = new Producer({ endpoints: cluster().endpoints, namespace: "", topics: [topic], logger: silentLogger() });
  await producer.startup();
  try {
    const key = randomName("key");
    const body = `hello from ${typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node"}`;
    const receipt = await producer.send({ topic, tag: "smoke", keys: [key], body: Buffer.from(body) });
    assert.type(receipt.messageId, "string");
    // Look the message up by its id, not by the receipt's queue: through the
    // 5.5.0 proxy, the receipt's messageQueue need not be the queue the broker
    // stored the message in. The index is built asynchronously after the send
    // is acknowledged, so mqadmin may need a second look.
    let out = "";
    for (let attempt = 0; attempt < 5 && !out.includes("Topic:"); attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 1000));
      out = mqadmin(["queryMsgById", "-n", cluster().namesrv, "-t", topic, "-i", receipt.messageId]);
    }
    assert.match(out, new RegExp(`Topic:\\s+${topic}`), `mqadmin printed:\n${out}`);
    assert.match(out, /Tags:\s+\[smoke\]/);
    assert.match(out, new RegExp(`Keys:\\s+\\[${key}\\]`));
    // the gRPC message id is the client's UNIQ_KEY property, which mqadmin prints
    assert.match(out, new RegExp(`UNIQ_KEY=${receipt.messageId}[,}]`));
    // mqadmin writes the body it read from the broker to a file and prints its path
    const bodyPath = /Message Body Path:\s+(\S+)/.exec(out)?.[1];
    assert.ok(bodyPath, `no body path in mqadmin output:\n${out}`);
    assert.is(readFileSync(bodyPath, "utf8"), body);
  } finally {
    await producer.shutdown();
  }
});

function silentLogger() {
  const noop = () => {};
  return { info: noop, warn: noop, error: noop, debug: noop } as unknown as never;
}

declare const Deno: unknown;
declare const Bun: unknown;

smoke.run();
