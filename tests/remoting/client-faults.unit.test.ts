/**
 * Faults at the client level, with throwaway local servers playing the name
 * server and the broker (never the shared broker): an unreachable or silent
 * name server, failover to a live one, and a broker that dies mid-request.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConnectionError, TimeoutError } from "../../src/errors.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import { createResponse } from "../../src/remoting/command.ts";
import { type FakeServer, startFakeServer } from "./fake-server.ts";

const s = suite("remoting/client faults");
const utf8 = new TextEncoder();

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** A name server that routes every topic to one broker-a at `brokerAddress`. */
function fakeNameServer(brokerAddress: () => string): Promise<FakeServer> {
  return startFakeServer((cmd, socket, srv) => {
    if (cmd.code !== 105) return srv.send(socket, createResponse(cmd, 3));
    srv.send(socket, createResponse(cmd, 0, undefined, {}, utf8.encode(JSON.stringify({
      queueDatas: [{ brokerName: "broker-a", readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 }],
      brokerDatas: [{ cluster: "C", brokerName: "broker-a", brokerAddrs: { "0": brokerAddress() } }],
    }))));
  });
}

s("an unreachable name server gives ConnectionError within the timeout", async () => {
  const client = new RemotingClient({ nameServerAddress: "127.0.0.1:1", requestTimeoutMs: 8000 });
  try {
    const started = Date.now();
    const err = await rejection(client.getRouteInfo("T"));
    assert.ok(err instanceof ConnectionError, String(err));
    assert.is(err.address, "127.0.0.1:1");
    // a refused connection must fail at once, well before the 8 s request timeout
    // (bounds are loose: the shared 2-core machine stalls)
    assert.ok(Date.now() - started < 6000, `${Date.now() - started} ms`);
  } finally {
    await client.close();
  }
});

s("a name server that accepts but never answers gives TimeoutError at the timeout", async () => {
  const silent = await startFakeServer(() => {});
  const client = new RemotingClient({ nameServerAddress: silent.address, requestTimeoutMs: 300 });
  try {
    const started = Date.now();
    const err = await rejection(client.getRouteInfo("T"));
    assert.ok(err instanceof TimeoutError, String(err));
    const took = Date.now() - started;
    assert.ok(took >= 290 && took < 6000, `${took} ms`);
  } finally {
    await client.close();
    await silent.close();
  }
});

s("fails over from a dead name server to a live one", async () => {
  const ns = await fakeNameServer(() => "127.0.0.1:2");
  const client = new RemotingClient({ nameServerAddress: `127.0.0.1:1;${ns.address}`, requestTimeoutMs: 1000 });
  try {
    assert.equal((await client.readableQueues("T")).map((q) => `${q.brokerName}/${q.queueId}`), ["broker-a/0", "broker-a/1"]);
    assert.is(await client.brokerAddress({ topic: "T", brokerName: "broker-a" }), "127.0.0.1:2");
  } finally {
    await client.close();
    await ns.close();
  }
});

s("a broker that dies mid-request: every in-flight pull and send fails with ConnectionError, no hang", async () => {
  let requests = 0;
  const broker = await startFakeServer((_cmd, socket) => {
    // hold the first four requests (two long polls, a send, an offset query), then die
    if (++requests === 4) setTimeout(() => socket.destroy(), 50);
  });
  const ns = await fakeNameServer(() => broker.address);
  const client = new RemotingClient({ nameServerAddress: ns.address, requestTimeoutMs: 10_000 });
  try {
    const mq = { topic: "T", brokerName: "broker-a", queueId: 0 };
    const started = Date.now();
    const errors = await Promise.all([
      rejection(client.pull(mq, { consumerGroup: "G", queueOffset: 0, suspendTimeoutMillis: 20_000 })),
      rejection(client.pull(mq, { consumerGroup: "G", queueOffset: 5, suspendTimeoutMillis: 20_000 })),
      rejection(client.send(mq, { body: utf8.encode("x") }, { producerGroup: "P" })),
      rejection(client.getMaxOffset(mq)),
    ]);
    for (const err of errors) {
      assert.ok(err instanceof ConnectionError, String(err));
      assert.is(err.code, "CONNECTION_CLOSED");
      assert.ok(err.retryable);
    }
    assert.ok(Date.now() - started < 6000, `${Date.now() - started} ms`);
    // the broker is back (the fake server still listens): the next request reconnects
    const again = rejection(client.getMinOffset(mq));
    setTimeout(() => { for (const sock of broker.sockets) sock.destroy(); }, 100);
    assert.ok((await again) instanceof ConnectionError);
    assert.is(broker.received.length, 5, "the second connection carried the fifth request");
  } finally {
    await client.close();
    await ns.close();
    await broker.close();
  }
});

s.run();
