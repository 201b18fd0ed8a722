/**
 * Name server client against a scripted invoker: failover order, errors,
 * caching, the refresh timer, and the queue lists derived from a route.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BrokerError, ConnectionError, RouteError, TimeoutError } from "../../src/errors.ts";
import { createResponse, type RemotingCommand } from "../../src/remoting/command.ts";
import type { RemotingInvoker } from "../../src/remoting/connection-pool.ts";
import { NameServerClient } from "../../src/remoting/nameserver.ts";
import { brokerAddresses, masterAddress, readableQueues, writableQueues } from "../../src/remoting/route.ts";

const s = suite("remoting/nameserver");
const utf8 = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const routeJson = (readQueueNums = 2) => ({
  queueDatas: [
    { brokerName: "broker-b", readQueueNums, writeQueueNums: 1, perm: 6, topicSysFlag: 0 },
    { brokerName: "broker-a", readQueueNums: 1, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
    { brokerName: "broker-c", readQueueNums: 3, writeQueueNums: 3, perm: 2, topicSysFlag: 0 },
  ],
  brokerDatas: [
    { cluster: "C", brokerName: "broker-a", brokerAddrs: { "0": "10.0.0.1:10911", "1": "10.0.0.2:10911" } },
    { cluster: "C", brokerName: "broker-b", brokerAddrs: { "1": "10.0.0.3:10911" } },
    { cluster: "C", brokerName: "broker-c", brokerAddrs: { "0": "10.0.0.4:10911" } },
  ],
});

/** An invoker whose answer per address is scripted; it records every call. */
function scripted(answer: (address: string, cmd: RemotingCommand) => RemotingCommand | Error): RemotingInvoker & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    requestTimeoutMs: 100,
    async request(address, cmd) {
      calls.push(address);
      const a = answer(address, cmd);
      if (a instanceof Error) throw a;
      return a;
    },
    async oneway() {},
  };
}
const ok = (cmd: RemotingCommand, body: unknown) => createResponse(cmd, 0, undefined, {}, utf8.encode(JSON.stringify(body)));

s("asks for standard JSON and fails over past unreachable and silent name servers", async () => {
  const invoker = scripted((address, cmd) => {
    assert.is(cmd.code, 105);
    assert.equal(cmd.extFields, { topic: "T", acceptStandardJsonOnly: "true" });
    if (address === "a:9876") return new ConnectionError("refused", address);
    if (address === "b:9876") return new TimeoutError("silent", 100);
    return ok(cmd, routeJson());
  });
  const ns = new NameServerClient("a:9876;b:9876; c:9876", invoker, { pollIntervalMs: 0 });
  try {
    const route = await ns.getRouteInfo("T");
    assert.equal(invoker.calls, ["a:9876", "b:9876", "c:9876"]);
    assert.is(route.brokerDatas.length, 3);
    // cached; and the next real lookup starts at the address that answered
    await ns.getRouteInfo("T");
    assert.is(invoker.calls.length, 3);
    await ns.getRouteInfo("T", { refresh: true });
    assert.equal(invoker.calls.slice(3), ["c:9876"]);
  } finally {
    ns.close();
  }
});

s("all name servers down: the last transport error; unknown topic: RouteError; other codes: BrokerError", async () => {
  const down = new NameServerClient("a:1;b:1", scripted((a) => new ConnectionError("refused", a)), { pollIntervalMs: 0 });
  const err = await down.getRouteInfo("T").catch((e: unknown) => e);
  assert.ok(err instanceof ConnectionError && err.address === "b:1", String(err));
  down.close();

  const unknown = new NameServerClient("a:1", scripted((_a, cmd) => createResponse(cmd, 17, "No topic route info")), { pollIntervalMs: 0 });
  const routeErr = await unknown.getRouteInfo("Nope").catch((e: unknown) => e);
  assert.ok(routeErr instanceof RouteError && routeErr.topic === "Nope", String(routeErr));
  unknown.close();

  const busy = new NameServerClient("a:1", scripted((_a, cmd) => createResponse(cmd, 1, "name server not ready")), { pollIntervalMs: 0 });
  const brokerErr = await busy.getRouteInfo("T").catch((e: unknown) => e);
  assert.ok(brokerErr instanceof BrokerError && brokerErr.responseCode === 1 && brokerErr.retryable, String(brokerErr));
  busy.close();
});

s("concurrent lookups of one topic share one request", async () => {
  const invoker = scripted((_a, cmd) => ok(cmd, routeJson()));
  const ns = new NameServerClient("a:1", invoker, { pollIntervalMs: 0 });
  await Promise.all([ns.getRouteInfo("T"), ns.getRouteInfo("T"), ns.getRouteInfo("T")]);
  assert.is(invoker.calls.length, 1);
  ns.close();
});

s("cached routes refresh every pollIntervalMs, report changes, and stop on close", async () => {
  let readQueues = 2;
  const invoker = scripted((_a, cmd) => ok(cmd, routeJson(readQueues)));
  const changes: number[] = [];
  const ns = new NameServerClient("a:1", invoker, {
    pollIntervalMs: 40,
    onRouteChange: (_t, route) => changes.push(route.queueDatas[0]!.readQueueNums),
  });
  await ns.getRouteInfo("T");
  readQueues = 5;
  // timers drift on a loaded machine: wait for two refreshes, up to 2 s
  for (let i = 0; i < 100 && invoker.calls.length < 3; i++) await sleep(20);
  assert.ok(invoker.calls.length >= 3, `${invoker.calls.length} lookups`);
  assert.equal(changes, [5], "one change reported");
  assert.is(readableQueues(await ns.getRouteInfo("T")).filter((q) => q.brokerName === "broker-b").length, 5);
  ns.close();
  const count = invoker.calls.length;
  await sleep(120);
  assert.is(invoker.calls.length, count, "no lookups after close");
});

s("readable and writable queues: permissions, masters only for writing, sorted", async () => {
  const ns = new NameServerClient("a:1", scripted((_a, cmd) => ok(cmd, routeJson())), { pollIntervalMs: 0 });
  const route = await ns.getRouteInfo("T");
  ns.close();
  const ids = (qs: { brokerName: string; queueId: number }[]) => qs.map((q) => `${q.brokerName}/${q.queueId}`);
  assert.equal(ids(readableQueues(route)), ["broker-a/0", "broker-b/0", "broker-b/1"]);
  // broker-b has no master (id 0) and broker-c is write-only
  assert.equal(ids(writableQueues(route)), ["broker-a/0", "broker-a/1", "broker-c/0", "broker-c/1", "broker-c/2"]);
  assert.is(masterAddress(route, "broker-a"), "10.0.0.1:10911");
  assert.is(masterAddress(route, "broker-b"), undefined);
  assert.equal(brokerAddresses(route).sort(), ["10.0.0.1:10911", "10.0.0.2:10911", "10.0.0.3:10911", "10.0.0.4:10911"]);
});

s("bad addresses are configuration errors", () => {
  const inv = scripted(() => new Error("unused"));
  for (const bad of ["", "nohost", "a:0", "a:70000", ":9876", ";"]) {
    assert.throws(() => new NameServerClient(bad, inv), (e: unknown) => (e as Error).name === "ConfigError", bad);
  }
  const ns = new NameServerClient("[::1]:9876;a:1", inv, { pollIntervalMs: 0 });
  assert.equal(ns.addresses, ["[::1]:9876", "a:1"]);
  ns.close();
});

s.run();
