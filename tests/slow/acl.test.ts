/**
 * ACL 2.0 against a real 5.5.0 broker and proxy with authentication and
 * authorization on: right credentials work, wrong ones fail fast with their
 * own codes, and no secret shows up anywhere a program might print it.
 *
 * This suite starts its OWN broker (scripts/broker.ts in a child process, on
 * dedicated ports) with `authenticationEnabled` / `authorizationEnabled` and
 * the local RocksDB providers in broker.conf (ROCKETMQ_BROKER_CONF), and the
 * proxy's providers in proxy.json (ROCKETMQ_PROXY_CONF). mqadmin signs with
 * the super user's credentials from `<state dir>/conf/tools.yml`, which this
 * suite writes, and creates two users: `alice` may publish and subscribe on
 * the topic; `bob` is a valid user with rights on another topic only.
 *
 * Cases, for the remoting sink, the gRPC sink and the remoting source:
 * alice's credentials store and read back; a wrong secret, an unknown user
 * and no credentials each fail with AUTH_FAILED, not retried; bob gets
 * NO_PERMISSION. Every secret of the run is then searched for in every error
 * message, `cause` chain, onLog entry and `util.inspect` of the parsed
 * options, sinks, sources and errors.
 *
 * Run: node tests/slow/acl.test.ts (CI runs tests/slow on Node).
 * Ports: ACL_NAMESRV_PORT (41876), ACL_BROKER_PORT (42911; the broker also
 * takes port-2 and port+1), ACL_PROXY_PORT (41081), ACL_PROXY_REMOTING_PORT (41080).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { classpath, mqadmin, rocketmqVersion } from "../../scripts/broker.ts";
import { BrokerError, ErrorCodes, RocketMQError } from "../../src/errors.ts";
import { RocketMQSource, type SourceLogEntry } from "../../src/readable/rocketmq-source.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import { parseSourceOptions } from "../../src/readable/source-options.ts";
import { BytesDeserializationSchema } from "../../src/serde/bytes.ts";
import { createMessageSink } from "../../src/writable/create-sink.ts";
import type { OutgoingMessage } from "../../src/writable/outgoing-message.ts";
import { parseSinkOptions, type SinkOptionsInput } from "../../src/writable/sink-options.ts";
import { randomName } from "../fixture/broker.ts";
import { brokerScript, envPort, portOpen } from "../fixture/dedicated-broker.ts";

const PORTS = {
  namesrv: envPort("ACL_NAMESRV_PORT", 41876),
  broker: envPort("ACL_BROKER_PORT", 42911),
  grpc: envPort("ACL_PROXY_PORT", 41081),
  proxyRemoting: envPort("ACL_PROXY_REMOTING_PORT", 41080),
};
const NAMESRV = `127.0.0.1:${PORTS.namesrv}`;
const ENDPOINTS = `127.0.0.1:${PORTS.grpc}`;
const STATE_DIR = join(tmpdir(), `rocketmq-webstreams-${PORTS.namesrv}`);

/** Fresh secrets per run, long and distinctive, so finding one anywhere is meaningful. */
const secret = (who: string) => `${who}-S3cret-${randomBytes(12).toString("hex")}`;
const ADMIN = { accessKey: "rocketmq", secretKey: secret("admin") };
const ALICE = { accessKey: "alice", secretKey: secret("alice") };
const BOB = { accessKey: "bob", secretKey: secret("bob") };
const WRONG = { accessKey: "alice", secretKey: secret("wrong") };
const UNKNOWN = { accessKey: `mallory${randomBytes(3).toString("hex")}`, secretKey: secret("mallory") };
const SECRETS = [ADMIN, ALICE, BOB, WRONG, UNKNOWN].map((c) => c.secretKey);

const TOPIC = randomName("acl");
const OTHER_TOPIC = randomName("acl_other");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const AUTH_PROVIDERS = {
  authenticationEnabled: "true",
  authenticationProvider: "org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider",
  authorizationEnabled: "true",
  authorizationProvider: "org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider",
};

/** broker.conf: the broker keeps users and ACLs in its local RocksDB and creates the super user on first start. */
const brokerConf = Object.entries({
  ...AUTH_PROVIDERS,
  authenticationMetadataProvider: "org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider",
  authorizationMetadataProvider: "org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider",
  initAuthenticationUser: JSON.stringify({ username: ADMIN.accessKey, password: ADMIN.secretKey }),
  innerClientAuthenticationCredentials: JSON.stringify(ADMIN),
}).map(([k, v]) => `${k}=${v}`).join("\n");

/** proxy.json: the proxy asks the broker for users and ACLs, as the super user. */
const proxyConf = JSON.stringify({
  ...AUTH_PROVIDERS,
  authenticationEnabled: true,
  authorizationEnabled: true,
  authenticationMetadataProvider: "org.apache.rocketmq.proxy.auth.ProxyAuthenticationMetadataProvider",
  authorizationMetadataProvider: "org.apache.rocketmq.proxy.auth.ProxyAuthorizationMetadataProvider",
  innerClientAuthenticationCredentials: JSON.stringify(ADMIN),
});

function log(msg: string): void {
  console.log(`  [acl] ${msg}`);
}



/** mqadmin against the ACL cluster, signed with the super user's credentials (tools.yml in its home). */
function admin(args: string[], attempt = 1): string {
  const out = mqadmin([...args.slice(0, 1), "-n", NAMESRV, "-c", "DefaultCluster", ...args.slice(1)], classpath(), STATE_DIR);
  // on the loaded shared machine the JVM tool can miss its own RPC deadlines: that is the tool, not the broker
  if (!/success/i.test(out) && /Timeout|RemotingConnectException|TooMuchRequest/.test(out) && attempt < 3) return admin(args, attempt + 1);
  if (!/success/i.test(out)) throw new Error(`mqadmin ${args[0]} failed:\n${out}`);
  return out;
}

/** Creates topics through the toolkit's own client, signed as the super user (a JVM start less per topic). */
async function createTopics(topics: readonly string[]): Promise<void> {
  const client = new RemotingClient({ nameServerAddress: NAMESRV, requestTimeoutMs: 10_000, ...ADMIN });
  try {
    for (const topic of topics) {
      await client.createTopic(topic, { queues: 2 });
      for (let i = 0; ; i++) {
        if (await client.writableQueues(topic).then((q) => q.length === 2, () => false)) break;
        if (i >= 50) throw new Error(`topic ${topic} has no route on ${NAMESRV}`);
        await new Promise((r) => setTimeout(r, 200));
        await client.getRouteInfo(topic, { refresh: true }).catch(() => undefined);
      }
    }
  } finally {
    await client.close();
  }
}

/** Rejects after `ms` (a guard against a hang, not a measured bound). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms)))])
    .finally(() => clearTimeout(timer));
}

type Credentials = { accessKey: string; secretKey: string } | Record<string, never>;
const seen: unknown[] = [];
const logs: SourceLogEntry[] = [];

function sinkOptions(kind: "remoting" | "grpc", credentials: Credentials): SinkOptionsInput {
  return { ...(kind === "remoting" ? { nameServerAddress: NAMESRV } : { endpoints: ENDPOINTS }), sendTimeoutMs: 10_000, ...credentials };
}

/** Writes one message through a fresh sink; resolves with the error of the write, or undefined when stored. */
async function writeOne(kind: "remoting" | "grpc", credentials: Credentials, topic: string, text: string): Promise<unknown> {
  const options = sinkOptions(kind, credentials);
  const sink = createMessageSink(options);
  seen.push(parseSinkOptions(options), sink);
  try {
    await within(sink.write([{ topic, body: encoder.encode(text) } satisfies OutgoingMessage]), 60_000, `${kind} write`);
    return undefined;
  } catch (err) {
    seen.push(err);
    return err;
  } finally {
    await sink.close().catch((err: unknown) => seen.push(err));
  }
}

/** Reads `topic` from the start with a fresh source; resolves with the bodies read, or the error the stream ended with. */
async function readAll(credentials: Credentials, expected: number): Promise<string[] | { error: unknown }> {
  const options = { nameServerAddress: NAMESRV, consumerGroup: randomName("acl_g"), topic: TOPIC, longPollingMs: 1000, ...credentials };
  const source = new RocketMQSource({ schema: BytesDeserializationSchema, options, onLog: (e) => logs.push(e) }).setStartFromEarliest();
  seen.push(parseSourceOptions(options), source);
  const reader = source.getReader();
  const bodies: string[] = [];
  try {
    while (bodies.length < expected) {
      const r = await within(reader.read(), 60_000, "source read");
      if (r.done) break;
      for (const record of r.value.records) bodies.push(decoder.decode(record.value));
    }
    return bodies;
  } catch (error) {
    seen.push(error);
    return { error };
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function assertRefused(err: unknown, code: string, what: string): void {
  assert.instance(err, BrokerError, `${what}: a BrokerError, got ${inspect(err).slice(0, 300)}`);
  assert.is((err as RocketMQError).code, code, `${what}: ${(err as Error).message}`);
  assert.not.ok((err as RocketMQError).retryable, `${what}: not retryable`);
  assert.ok((err as BrokerError).responseCode === 16 || (err as BrokerError).responseCode === 40100, `${what}: the broker's code kept`);
}

const s = suite("ACL 2.0 (dedicated broker with authentication and authorization)");

s.before(async () => {
  try {
    await setUp();
  } catch (err) {
    // uvu reports a failed hook as failed tests without the reason: say it here
    console.error(`  [acl] setup failed: ${err instanceof Error ? err.stack : String(err)}`);
    throw err;
  }
});

async function setUp(): Promise<void> {
  for (const p of [PORTS.namesrv, PORTS.broker, PORTS.broker - 2, PORTS.broker + 1, PORTS.grpc, PORTS.proxyRemoting]) {
    // a broker of a previous run may still be letting go of its ports
    for (let i = 0; i < 30 && await portOpen(p); i++) await new Promise((r) => setTimeout(r, 1000));
    assert.not.ok(await portOpen(p), `port ${p} must be free for the ACL broker`);
  }
  brokerScript("clean", PORTS, { ROCKETMQ_BROKER_CONF: brokerConf, ROCKETMQ_PROXY_CONF: proxyConf });
  mkdirSync(join(STATE_DIR, "conf"), { recursive: true });
  writeFileSync(join(STATE_DIR, "conf", "tools.yml"), `accessKey: ${ADMIN.accessKey}\nsecretKey: ${ADMIN.secretKey}\n`);
  const t0 = Date.now();
  brokerScript("start", PORTS, { ROCKETMQ_BROKER_CONF: brokerConf, ROCKETMQ_PROXY_CONF: proxyConf });
  log(`broker with ACL (RocketMQ ${rocketmqVersion()}) started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await createTopics([TOPIC, OTHER_TOPIC]);
  admin(["createUser", "-u", ALICE.accessKey, "-p", ALICE.secretKey, "-t", "Normal"]);
  admin(["createUser", "-u", BOB.accessKey, "-p", BOB.secretKey, "-t", "Normal"]);
  admin(["createAcl", "-s", `User:${ALICE.accessKey}`, "-r", `Topic:${TOPIC},Group:*`, "-a", "Pub,Sub,Get", "-d", "Allow"]);
  admin(["createAcl", "-s", `User:${BOB.accessKey}`, "-r", `Topic:${OTHER_TOPIC},Group:*`, "-a", "Pub,Sub,Get", "-d", "Allow"]);
  log(`users and ACLs created after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

s.after(() => {
  try {
    brokerScript("stop", PORTS, { ROCKETMQ_BROKER_CONF: brokerConf, ROCKETMQ_PROXY_CONF: proxyConf });
  } finally {
    brokerScript("clean", PORTS, { ROCKETMQ_BROKER_CONF: brokerConf, ROCKETMQ_PROXY_CONF: proxyConf });
  }
});

s("right credentials: both sinks store, the remoting source reads back", async () => {
  for (const kind of ["remoting", "grpc"] as const) {
    assert.is(await writeOne(kind, ALICE, TOPIC, `from ${kind}`), undefined, `${kind} sink with alice's credentials`);
  }
  const read = await readAll(ALICE, 2);
  assert.ok(Array.isArray(read), `source with alice's credentials: ${inspect(read).slice(0, 300)}`);
  assert.equal([...(read as string[])].sort(), ["from grpc", "from remoting"]);
  // bob is a valid user: his own topic works
  assert.is(await writeOne("remoting", BOB, OTHER_TOPIC, "bob's"), undefined);
});

for (const [label, credentials] of [["a wrong secret", WRONG], ["an unknown user", UNKNOWN], ["no credentials", {}]] as const) {
  s(`${label}: AUTH_FAILED on the remoting sink, the gRPC sink and the remoting source`, async () => {
    for (const kind of ["remoting", "grpc"] as const) {
      assertRefused(await writeOne(kind, credentials, TOPIC, "never stored"), ErrorCodes.AUTH_FAILED, `${kind} sink, ${label}`);
    }
    const read = await readAll(credentials, 1);
    assert.ok(!Array.isArray(read), `the source read ${inspect(read)}`);
    assertRefused((read as { error: unknown }).error, ErrorCodes.AUTH_FAILED, `remoting source, ${label}`);
  });
}

s("a valid user without permission on the topic: NO_PERMISSION on all three", async () => {
  for (const kind of ["remoting", "grpc"] as const) {
    assertRefused(await writeOne(kind, BOB, TOPIC, "never stored"), ErrorCodes.NO_PERMISSION, `${kind} sink, bob`);
  }
  const read = await readAll(BOB, 1);
  assert.ok(!Array.isArray(read), `the source read ${inspect(read)}`);
  assertRefused((read as { error: unknown }).error, ErrorCodes.NO_PERMISSION, "remoting source, bob");
});

s("no secret in any error message, cause chain, onLog entry, or util.inspect of options, sinks, sources and errors", () => {
  assert.ok(seen.filter((x) => x instanceof Error).length >= 12, "the refusals above were collected");
  const texts: string[] = [];
  for (const x of [...seen, ...logs]) {
    texts.push(inspect(x, { depth: Infinity }));
    for (let e: unknown = x, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
      texts.push(e.message, String(e.stack), JSON.stringify(e));
    }
  }
  for (const text of texts) {
    for (const secretKey of SECRETS) assert.not.ok(text.includes(secretKey), `a secret appears in: ${text.slice(0, 400)}`);
  }
  // the check can see a secret where one is: parsed options still hold it, just not enumerably
  const parsed = parseSinkOptions(sinkOptions("remoting", ALICE));
  assert.is(parsed.secretKey, ALICE.secretKey);
  assert.ok(inspect(parsed, { showHidden: true }).includes(ALICE.secretKey));
});

s.run();
