/**
 * A real Apache RocketMQ for tests, benchmarks and the demo.
 *
 *   node scripts/broker.ts [--version X.Y.Z] start | stop | status | classpath | clean
 *
 * How the cluster is found, in order:
 *  1. ROCKETMQ_NAMESRV (and ROCKETMQ_ENDPOINTS for the gRPC proxy): an existing cluster.
 *  2. A local broker of ours already answering on the configured ports: reused.
 *  3. A Docker engine that answers: testcontainers with the apache/rocketmq image.
 *  4. Otherwise: name server + broker + proxy from Maven Central jars (scripts/broker/pom.xml),
 *     started with the machine's JDK 17 as two JVMs (name server; proxy in "local" mode,
 *     which hosts the broker in the same JVM to spare the 2-core machine a third JVM).
 *
 * Version: the pom's rocketmq.version (5.5.0) unless ROCKETMQ_VERSION (or --version) names another release on
 * Maven Central; each version resolves and caches its own classpath. 4.x ships no proxy: its local cluster is a
 * name server and a plain broker (BrokerStartup) as two JVMs, it has no gRPC endpoint (`endpoints` is absent),
 * and it reads its logback configuration from $ROCKETMQ_HOME/conf, which this script writes. A state dir
 * remembers the version started in it, so a broker of another version on the same ports is never reused.
 *
 * Ports (override with env): ROCKETMQ_NAMESRV_PORT 9876, ROCKETMQ_BROKER_PORT 10911,
 * ROCKETMQ_PROXY_PORT 8081 (gRPC), ROCKETMQ_PROXY_REMOTING_PORT 8080.
 * ROCKETMQ_BROKER_CONF: extra broker.conf lines, `key=value` separated by spaces or newlines, appended after
 * ours (a later line wins), for a local broker this script starts; e.g. "accessMessageInMemoryMaxRatio=0".
 * ROCKETMQ_PROXY_CONF: a JSON object of extra proxy.json keys, merged over ours, for the same local broker
 * (e.g. the proxy's authentication settings).
 * State, logs and the store live in $TMPDIR/rocketmq-webstreams-<namesrv port>.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pom = join(root, "scripts", "broker", "pom.xml");

export const ports = {
  namesrv: Number(process.env.ROCKETMQ_NAMESRV_PORT ?? 9876),
  broker: Number(process.env.ROCKETMQ_BROKER_PORT ?? 10911),
  grpc: Number(process.env.ROCKETMQ_PROXY_PORT ?? 8081),
  proxyRemoting: Number(process.env.ROCKETMQ_PROXY_REMOTING_PORT ?? 8080),
} as const;

export const stateDir = join(tmpdir(), `rocketmq-webstreams-${ports.namesrv}`);

export interface Cluster {
  kind: "existing" | "local-reused" | "local-started" | "testcontainers";
  namesrv: string;
  /** The gRPC proxy; absent for 4.x, which has none. */
  endpoints?: string;
  /** JVM classpath holding mqadmin (rocketmq-tools); absent for an existing cluster without jars. */
  classpath?: string;
  home?: string;
}

function log(msg: string): void {
  process.stderr.write(`[broker] ${msg}\n`);
}

/** The RocketMQ version to run: ROCKETMQ_VERSION, else the pom's rocketmq.version. */
export function rocketmqVersion(): string {
  return process.env.ROCKETMQ_VERSION || (/<rocketmq\.version>([^<]+)</.exec(readFileSync(pom, "utf8"))?.[1] ?? "unknown");
}

/** Whether a version ships the 5.x proxy (gRPC); 4.x does not. */
export function hasProxy(version = rocketmqVersion()): boolean {
  return Number(version.split(".")[0]) >= 5;
}

/** The Maven-resolved classpath of namesrv + broker (+ proxy on 5.x) + tools, cached per version. */
export function classpath(version = rocketmqVersion()): string {
  const file = join(tmpdir(), `rocketmq-webstreams-classpath-${version}.txt`);
  if (!existsSync(file)) {
    log(`resolving org.apache.rocketmq ${version} jars with Maven`);
    const r = spawnSync("mvn", ["-q", "-B", "-f", pom, "dependency:build-classpath", `-Drocketmq.version=${version}`,
      ...(hasProxy(version) ? [] : ["-Drocketmq.noProxy"]), `-Dmdep.outputFile=${file}`], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (r.status !== 0) throw new Error(`mvn dependency:build-classpath failed (exit ${r.status}); see output above`);
  }
  return readFileSync(file, "utf8").trim();
}

export function portOpen(port: number, host = "127.0.0.1", timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Runs mqadmin (org.apache.rocketmq.tools) with the given arguments; returns stdout. */
export function mqadmin(args: string[], cp = classpath(), home = stateDir): string {
  mkdirSync(home, { recursive: true });
  const r = spawnSync(
    "java",
    ["-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", `-Duser.home=${home}`, "-cp", cp,
      "org.apache.rocketmq.tools.command.MQAdminStartup", ...args],
    { env: { ...process.env, ROCKETMQ_HOME: home }, encoding: "utf8", timeout: 60_000 },
  );
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`;
}

/** ROCKETMQ_BROKER_CONF as broker.conf lines; a line that is not `key=value` is refused, naming it. */
export function extraBrokerConf(value: string | undefined): string[] {
  const lines = (value ?? "").split(/\s+/).filter(Boolean);
  for (const line of lines) {
    if (!/^[A-Za-z][A-Za-z0-9.]*=\S*$/.test(line)) throw new RangeError(`ROCKETMQ_BROKER_CONF: "${line}" is not a key=value line`);
  }
  return lines;
}

/** ROCKETMQ_PROXY_CONF as proxy.json keys; anything but a JSON object is refused. */
export function extraProxyConf(value: string | undefined): Record<string, unknown> {
  if (value === undefined || value.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new RangeError(`ROCKETMQ_PROXY_CONF is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new RangeError("ROCKETMQ_PROXY_CONF must be a JSON object of proxy.json keys");
  }
  return parsed as Record<string, unknown>;
}

/**
 * The broker.conf lines every local test broker shares (this script's and the outage suites' bare brokers): one
 * master on loopback, its store under `dir`, small files because the 2-core test machine and its disk are shared.
 */
export function brokerConfLines(o: { readonly namesrvPort: number; readonly brokerPort: number; readonly dir: string }): string[] {
  return [
    "brokerClusterName=DefaultCluster",
    "brokerName=broker-a",
    "brokerId=0",
    "brokerIP1=127.0.0.1",
    `listenPort=${o.brokerPort}`,
    `namesrvAddr=127.0.0.1:${o.namesrvPort}`,
    `storePathRootDir=${join(o.dir, "store")}`,
    `storePathCommitLog=${join(o.dir, "store", "commitlog")}`,
    "mappedFileSizeCommitLog=67108864",
    "mappedFileSizeConsumeQueue=600000",
    "maxIndexNum=10000",
    "maxHashSlotNum=4000",
    "autoCreateTopicEnable=true",
    "autoCreateSubscriptionGroup=true",
    "flushDiskType=ASYNC_FLUSH",
    "diskMaxUsedSpaceRatio=95",
  ];
}

function writeConfigs(): { namesrvConf: string; brokerConf: string; proxyConf: string } {
  mkdirSync(join(stateDir, "store"), { recursive: true });
  const namesrvConf = join(stateDir, "namesrv.properties");
  writeFileSync(namesrvConf, `listenPort=${ports.namesrv}\n`);
  const brokerConf = join(stateDir, "broker.conf");
  writeFileSync(brokerConf, [
    ...brokerConfLines({ namesrvPort: ports.namesrv, brokerPort: ports.broker, dir: stateDir }),
    "enablePropertyFilter=true",
    // A benchmark writes gigabytes per run: keep two hours of commit log and
    // delete expired files every hour, not only at the default 4 am, so a
    // long-lived dev broker does not fill the disk (55 GB seen here).
    "fileReservedTime=2",
    `deleteWhen=${Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0")).join(";")}`,
    ...extraBrokerConf(process.env.ROCKETMQ_BROKER_CONF),
    "",
  ].join("\n"));
  // 4.x configures logback from $ROCKETMQ_HOME/conf and exits when the file is missing (5.x has its own)
  mkdirSync(join(stateDir, "conf"), { recursive: true });
  const logback = `<configuration><appender name="F" class="ch.qos.logback.core.FileAppender"><file>${join(stateDir, "rocketmq.log")}</file>` +
    `<encoder><pattern>%d %p %c{0} - %m%n</pattern></encoder></appender><root level="WARN"><appender-ref ref="F"/></root></configuration>\n`;
  for (const name of ["logback_namesrv.xml", "logback_broker.xml", "logback_tools.xml"]) writeFileSync(join(stateDir, "conf", name), logback);
  const proxyConf = join(stateDir, "proxy.json");
  writeFileSync(
    proxyConf,
    JSON.stringify({
      rocketMQClusterName: "DefaultCluster",
      namesrvAddr: `127.0.0.1:${ports.namesrv}`,
      grpcServerPort: ports.grpc,
      remotingListenPort: ports.proxyRemoting,
      ...extraProxyConf(process.env.ROCKETMQ_PROXY_CONF),
    }),
  );
  return { namesrvConf, brokerConf, proxyConf };
}

/**
 * 4.x unmaps store files through DirectByteBuffer internals and the JDK's Cleaner by reflection, which JDK 17
 * refuses unless these packages are opened: without them the broker fails at shutdown, and then cannot load
 * the store it left behind. 5.x needs none of this.
 */
const jdk17Opens = () => hasProxy() ? [] : ["--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED"];

function startJvm(name: string, heap: string, mainClass: string, args: string[], cp: string): number {
  const out = openSync(join(stateDir, `${name}.out`), "a");
  const child = spawn(
    "java",
    [...jdk17Opens(), `-Xms${heap}`, `-Xmx${heap}`, "-XX:MaxDirectMemorySize=256m", "-XX:+UseG1GC", "-XX:ActiveProcessorCount=2",
      `-Duser.home=${stateDir}`, "-Drocketmq.client.logUseSlf4j=false", "-cp", cp, mainClass, ...args],
    { detached: true, stdio: ["ignore", out, out], env: { ...process.env, ROCKETMQ_HOME: stateDir } },
  );
  child.unref();
  writeFileSync(join(stateDir, `${name}.pid`), String(child.pid));
  return child.pid ?? -1;
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; logs in ${stateDir}`);
}

/** True when the broker is registered and a topic can be created through mqadmin. */
function topicCreatable(cp: string): boolean {
  const out = mqadmin(["updateTopic", "-n", `127.0.0.1:${ports.namesrv}`, "-c", "DefaultCluster", "-t", "rmqws_ready_check", "-r", "4", "-w", "4"], cp);
  return /create topic to .* success/i.test(out);
}

async function localRunning(): Promise<boolean> {
  return (await portOpen(ports.namesrv)) && (await portOpen(ports.broker)) && (!hasProxy() || (await portOpen(ports.grpc)));
}

/** The version this state dir's broker was started with (none when it was not started by this script). */
const versionFile = () => join(stateDir, "version");

function dockerAnswers(): boolean {
  try {
    execFileSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: "pipe", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

async function startTestcontainers(): Promise<Cluster> {
  // Brokers advertise their own configured port, so host port = container port.
  const { GenericContainer, Wait, Network } = await import("testcontainers");
  if (!hasProxy()) throw new Error(`the testcontainers rig runs 5.x only (RocketMQ ${rocketmqVersion()} asked); set ROCKETMQ_USE_DOCKER=0`);
  const image = `apache/rocketmq:${rocketmqVersion()}`;
  const network = await new Network().start();
  await new GenericContainer(image)
    .withNetwork(network).withNetworkAliases("namesrv")
    .withExposedPorts({ container: 9876, host: ports.namesrv })
    .withCommand(["sh", "mqnamesrv"])
    .withWaitStrategy(Wait.forLogMessage(/boot success/)).start();
  await new GenericContainer(image)
    .withNetwork(network)
    .withEnvironment({ NAMESRV_ADDR: "namesrv:9876" })
    .withExposedPorts({ container: 10911, host: ports.broker }, { container: 8081, host: ports.grpc })
    .withCopyContentToContainer([{ content: "brokerIP1=127.0.0.1\nautoCreateTopicEnable=true\nenablePropertyFilter=true\n", target: "/home/rocketmq/broker.conf" }])
    .withCommand(["sh", "mqbroker", "--enable-proxy", "-c", "/home/rocketmq/broker.conf"])
    .withWaitStrategy(Wait.forLogMessage(/rocketmq-proxy startup successfully/)).start();
  return { kind: "testcontainers", namesrv: `127.0.0.1:${ports.namesrv}`, endpoints: `127.0.0.1:${ports.grpc}` };
}

/** Finds or starts a cluster; idempotent. */
export async function ensureBroker(): Promise<Cluster> {
  if (process.env.ROCKETMQ_NAMESRV) {
    let cp: string | undefined;
    try { cp = classpath(); } catch { cp = undefined; }
    return {
      kind: "existing",
      namesrv: process.env.ROCKETMQ_NAMESRV,
      endpoints: process.env.ROCKETMQ_ENDPOINTS ?? process.env.ROCKETMQ_NAMESRV.replace(/:\d+$/, ":8081"),
      ...(cp ? { classpath: cp, home: stateDir } : {}),
    };
  }
  const version = rocketmqVersion();
  const proxy = hasProxy(version);
  const namesrv = `127.0.0.1:${ports.namesrv}`;
  const endpoints = proxy ? { endpoints: `127.0.0.1:${ports.grpc}` } : {};
  const cp = classpath(version);
  if (await localRunning()) {
    const running = existsSync(versionFile()) ? readFileSync(versionFile(), "utf8").trim() : version;
    if (running !== version) throw new Error(`a RocketMQ ${running} broker runs on namesrv port ${ports.namesrv}, not ${version}: stop it first`);
    return { kind: "local-reused", namesrv, ...endpoints, classpath: cp, home: stateDir };
  }
  if (process.env.ROCKETMQ_USE_DOCKER !== "0" && dockerAnswers()) {
    const cluster = await startTestcontainers();
    return { ...cluster, classpath: cp, home: stateDir };
  }
  const t0 = Date.now();
  const { namesrvConf, brokerConf, proxyConf } = writeConfigs();
  if (!(await portOpen(ports.namesrv))) {
    startJvm("namesrv", "128m", "org.apache.rocketmq.namesrv.NamesrvStartup", ["-c", namesrvConf], cp);
    await waitFor(`name server on ${ports.namesrv}`, () => portOpen(ports.namesrv), 60_000);
  }
  writeFileSync(versionFile(), version);
  if (proxy) {
    startJvm("proxy", "768m", "org.apache.rocketmq.proxy.ProxyStartup", ["-pc", proxyConf, "-bc", brokerConf, "-pm", "local"], cp);
  } else {
    startJvm("broker", "512m", "org.apache.rocketmq.broker.BrokerStartup", ["-c", brokerConf], cp);
  }
  await waitFor(`broker on ${ports.broker}`, () => portOpen(ports.broker), 120_000);
  if (proxy) await waitFor(`proxy gRPC on ${ports.grpc}`, () => portOpen(ports.grpc), 120_000);
  await waitFor("broker registered and topic creatable", () => topicCreatable(cp), 120_000);
  log(`local broker started in ${((Date.now() - t0) / 1000).toFixed(1)} s (RocketMQ ${version}, state ${stateDir})`);
  return { kind: "local-started", namesrv, ...endpoints, classpath: cp, home: stateDir };
}

/** The cluster, narrowed to one with a gRPC proxy; throws for 4.x, naming the version. */
export function withProxy(c: Cluster): Cluster & { endpoints: string } {
  if (c.endpoints === undefined) throw new Error(`RocketMQ ${rocketmqVersion()} has no gRPC proxy (4.x); this needs 5.x`);
  return c as Cluster & { endpoints: string };
}

/** Whether a process with this pid exists (signal 0 probes without sending). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the local JVMs this script started (the broker, or the proxy hosting it, first, so it unregisters). */
export async function stopBroker(): Promise<void> {
  for (const name of ["proxy", "broker", "namesrv"]) {
    const file = join(stateDir, `${name}.pid`);
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, "utf8"));
    if (alive(pid)) {
      process.kill(pid, "SIGTERM");
      const deadline = Date.now() + 20_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      if (alive(pid)) process.kill(pid, "SIGKILL");
      log(`stopped ${name} (pid ${pid})`);
    }
    rmSync(file);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flag = args.indexOf("--version");
  if (flag >= 0) {
    if (!args[flag + 1]) throw new Error("--version needs a RocketMQ version, e.g. --version 4.9.7");
    process.env.ROCKETMQ_VERSION = args.splice(flag, 2)[1];
  }
  const command = args[0] ?? "status";
  if (command === "start") {
    const c = await ensureBroker();
    console.log(JSON.stringify(c.classpath ? { ...c, classpath: "(maven)" } : c));
  } else if (command === "stop") {
    await stopBroker();
  } else if (command === "status") {
    console.log((await localRunning()) ? "running" : "stopped");
  } else if (command === "classpath") {
    console.log(classpath());
  } else if (command === "clean") {
    await stopBroker();
    rmSync(stateDir, { recursive: true, force: true });
  } else {
    console.error("usage: node scripts/broker.ts [--version X.Y.Z] start|stop|status|classpath|clean");
    process.exit(2);
  }
}
