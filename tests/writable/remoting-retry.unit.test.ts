/**
 * The remoting transport's retry rule, against a stand-in client: a failed
 * send moves to another broker at once when the route has one, and waits
 * (doubling) before asking the same broker again. Only the retry logic is
 * under test here; how a real broker answers when busy is the slow suite's.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BrokerError, ConnectionError, TimeoutError } from "../../src/errors.ts";
import type { RemotingClient } from "../../src/remoting/client.ts";
import { ResponseCode } from "../../src/remoting/request-codes.ts";
import type { MessageQueue } from "../../src/remoting/route.ts";
import { RemotingProducerTransport } from "../../src/writable/remoting-producer-transport.ts";

interface Attempt { readonly brokerName: string; readonly at: number }

/** Answers the first `failures` sends with `responseCode`, then succeeds; records each attempt. */
function stubClient(brokers: readonly string[], failures: number, responseCode: number) {
  const attempts: Attempt[] = [];
  const queues: MessageQueue[] = brokers.flatMap((brokerName) => [0, 1].map((queueId) => ({ topic: "t", brokerName, queueId })));
  const client = {
    registerProducer: () => {},
    writableQueues: () => Promise.resolve(queues),
    send: (mq: MessageQueue) => {
      attempts.push({ brokerName: mq.brokerName, at: performance.now() });
      if (attempts.length <= failures) {
        return Promise.reject(new BrokerError(`send failed: ${responseCode}`, responseCode, "busy", { retryable: responseCode === ResponseCode.SYSTEM_BUSY }));
      }
      return Promise.resolve({ msgId: `id${attempts.length}`, queueId: mq.queueId, queueOffset: 7 });
    },
  };
  return { client: client as unknown as RemotingClient, attempts };
}

const message = { topic: "t", body: new Uint8Array([1]) };
const s = suite("remoting transport retries");

s("one broker: SYSTEM_BUSY is retried on it after 40, then 80 ms", async () => {
  const { client, attempts } = stubClient(["a"], 2, ResponseCode.SYSTEM_BUSY);
  const t = new RemotingProducerTransport({ nameServerAddress: "x:1", producerGroup: "g", client, retryBackoff: { initialMs: 40, maxMs: 1000 } });
  const receipt = await t.send(message);
  assert.is(receipt.msgId, "id3");
  assert.equal(attempts.map((a) => a.brokerName), ["a", "a", "a"]);
  // lower bounds only: a timer never fires early by more than its 1 ms rounding, however loaded the machine
  assert.ok(attempts[1]!.at - attempts[0]!.at >= 39, `first pause ${attempts[1]!.at - attempts[0]!.at} ms`);
  assert.ok(attempts[2]!.at - attempts[1]!.at >= 79, `second pause ${attempts[2]!.at - attempts[1]!.at} ms`);
});

s("the pause stops doubling at maxMs", async () => {
  const { client, attempts } = stubClient(["a"], 3, ResponseCode.SYSTEM_BUSY);
  const t = new RemotingProducerTransport({ nameServerAddress: "x:1", producerGroup: "g", client, retryBackoff: { initialMs: 30, maxMs: 45 } });
  await t.send(message);
  assert.is(attempts.length, 4);
  assert.ok(attempts[3]!.at - attempts[2]!.at >= 44, `third pause ${attempts[3]!.at - attempts[2]!.at} ms`);
});

s("two brokers: the retry goes to the other broker without a pause", async () => {
  const { client, attempts } = stubClient(["a", "b"], 1, ResponseCode.SYSTEM_BUSY);
  // a pause this long would stand out; the second attempt must not wait for it
  const t = new RemotingProducerTransport({ nameServerAddress: "x:1", producerGroup: "g", client, retryBackoff: { initialMs: 60_000, maxMs: 60_000 } });
  await t.send(message);
  assert.equal(attempts.map((a) => a.brokerName), ["a", "b"]);
});

s("retries stop after retryTimes and the broker's error comes out unchanged", async () => {
  const { client, attempts } = stubClient(["a"], 10, ResponseCode.SYSTEM_BUSY);
  const t = new RemotingProducerTransport({ nameServerAddress: "x:1", producerGroup: "g", client, retryTimes: 2, retryBackoff: { initialMs: 1, maxMs: 1 } });
  const err = await t.send(message).then(() => undefined, (e: unknown) => e);
  assert.instance(err, BrokerError);
  assert.is((err as BrokerError).responseCode, ResponseCode.SYSTEM_BUSY);
  assert.is(attempts.length, 3);
});

s("a failure that cannot succeed later (NO_PERMISSION) is not retried", async () => {
  const { client, attempts } = stubClient(["a"], 10, ResponseCode.NO_PERMISSION);
  const t = new RemotingProducerTransport({ nameServerAddress: "x:1", producerGroup: "g", client, retryBackoff: { initialMs: 1, maxMs: 1 } });
  const err = await t.send(message).then(() => undefined, (e: unknown) => e);
  assert.instance(err, BrokerError);
  assert.is(attempts.length, 1);
});

/** A client whose sends fail with `errors[i]` (then succeed), recording the timeout each attempt was given. */
function scriptedClient(errors: readonly Error[], options: { readonly takeMs?: number } = {}) {
  const timeouts: number[] = [];
  const client = {
    registerProducer: () => {},
    writableQueues: () => Promise.resolve([{ topic: "t", brokerName: "a", queueId: 0 }]),
    send: async (_mq: MessageQueue, _m: unknown, o: { timeoutMs: number }) => {
      timeouts.push(o.timeoutMs);
      const error = errors[timeouts.length - 1];
      if (options.takeMs) await new Promise((r) => setTimeout(r, options.takeMs));
      if (error) throw error;
      return { msgId: "ok", queueId: 0, queueOffset: 1 };
    },
  };
  return { client: client as unknown as RemotingClient, timeouts };
}

s("sendTimeoutMs is the budget of the whole send: an attempt that timed out is not sent again", async () => {
  const { client, timeouts } = scriptedClient([new TimeoutError("no answer in 3000 ms", 3000)]);
  const t = new RemotingProducerTransport({ nameServerAddress: "x:1", producerGroup: "g", client, retryBackoff: { initialMs: 1, maxMs: 1 } });
  const err = await t.send(message).then(() => undefined, (e: unknown) => e);
  assert.instance(err, TimeoutError);
  assert.is(timeouts.length, 1, "one attempt: a paused broker would store every attempt queued in its socket");
});

s("each retry gets only what is left of the budget, and none starts once it is spent", async () => {
  const refused = () => new ConnectionError("could not connect to 127.0.0.1:1: connect ECONNREFUSED", "127.0.0.1:1");
  const { client, timeouts } = scriptedClient(Array.from({ length: 11 }, refused), { takeMs: 150 });
  const t = new RemotingProducerTransport({ nameServerAddress: "x:1", producerGroup: "g", client, sendTimeoutMs: 1000,
    retryTimes: 10, retryBackoff: { initialMs: 100, maxMs: 100 } });
  const err = await t.send(message).then(() => undefined, (e: unknown) => e);
  assert.instance(err, ConnectionError, "the last attempt's error comes out");
  assert.is(timeouts[0], 1000, "the first attempt has the whole budget");
  for (let i = 1; i < timeouts.length; i++) assert.ok(timeouts[i]! < timeouts[i - 1]!, `attempt ${i + 1} got ${timeouts[i]} ms, after ${timeouts[i - 1]}`);
  // each attempt takes at least 150 ms plus a 100 ms pause: at most 4 fit in 1,000 ms (the 10 retries allowed would not)
  assert.ok(timeouts.length >= 2 && timeouts.length <= 4, `${timeouts.length} attempts`);
});

s.run();
