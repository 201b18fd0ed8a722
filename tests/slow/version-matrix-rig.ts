/**
 * The version matrix's rig: one RocketMQ broker per version on that version's
 * own ports (started through scripts/broker.ts in a child Node), and the Java
 * fixtures (tests/fixture/java/fixtures) compiled and run against the
 * rocketmq-client of the same version, from that version's Maven classpath.
 *
 * The default version (the pom's) uses the broker the test runner already
 * started, when there is one, rather than a second copy of it.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileJava } from "../../bench/lib/java-harness.ts";
import { classpath, hasProxy, mqadmin as runMqadmin, rocketmqVersion } from "../../scripts/broker.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "tests", "fixture", "java", "fixtures");

/** Dedicated ports per version: [name server, broker, proxy gRPC, proxy remoting]; the broker also takes port-2 and port+1. */
const PORTS: Readonly<Record<string, readonly [number, number, number, number]>> = {
  "4.9.7": [33876, 34911, 0, 0],
  "5.3.3": [35876, 36911, 35081, 35080],
  "5.4.0": [37876, 38911, 37081, 37080],
  "5.5.0": [39876, 40911, 39081, 39080],
};

export const MATRIX_VERSIONS: readonly string[] = (process.env.MATRIX_VERSIONS ?? "4.9.7,5.3.3,5.4.0,5.5.0").split(",").map((v) => v.trim()).filter(Boolean);

export interface VersionBroker {
  readonly version: string;
  readonly namesrv: string;
  /** The gRPC proxy; absent on 4.x. */
  readonly endpoints?: string;
  /** Whether this rig started it (and so stops it). */
  readonly owned: boolean;
  /** The version's jars: namesrv, broker, tools and rocketmq-client. */
  readonly classpath: string;
  readonly home: string;
}

function brokerEnv(version: string): NodeJS.ProcessEnv {
  const ports = PORTS[version];
  if (!ports) throw new Error(`no ports assigned to RocketMQ ${version} in the version matrix`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ROCKETMQ_VERSION: version,
    ROCKETMQ_NAMESRV_PORT: String(ports[0]),
    ROCKETMQ_BROKER_PORT: String(ports[1]),
    ROCKETMQ_USE_DOCKER: "0",
  };
  if (ports[2]) {
    env.ROCKETMQ_PROXY_PORT = String(ports[2]);
    env.ROCKETMQ_PROXY_REMOTING_PORT = String(ports[3]);
  }
  // the runner's cluster would be reused otherwise. Emptied, not deleted: Deno's
  // child_process adds `env` to the parent's environment, so a deleted key comes back
  env.ROCKETMQ_NAMESRV = "";
  env.ROCKETMQ_ENDPOINTS = "";
  return env;
}

function brokerScript(version: string, command: "start" | "stop" | "clean"): void {
  const r = spawnSync(join(root, "node_modules", ".bin", "node"), [join(root, "scripts", "broker.ts"), command], {
    cwd: root, env: brokerEnv(version), encoding: "utf8", timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`scripts/broker.ts ${command} (RocketMQ ${version}) exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
}

/** Starts `version`'s broker on its ports (or takes the runner's broker for the default version). */
export function startBroker(version: string): VersionBroker {
  const shared = process.env.ROCKETMQ_NAMESRV;
  if (version === defaultVersion() && shared && process.env.MATRIX_OWN_DEFAULT !== "1") {
    return {
      version, namesrv: shared, endpoints: process.env.ROCKETMQ_ENDPOINTS, owned: false,
      classpath: process.env.ROCKETMQ_CLASSPATH ?? classpath(version), home: join(tmpdir(), "rocketmq-webstreams-matrix-home"),
    };
  }
  const ports = PORTS[version]!;
  try {
    brokerScript(version, "start");
  } catch (err) {
    brokerScript(version, "stop");
    throw err;
  }
  return {
    version, namesrv: `127.0.0.1:${ports[0]}`, owned: true, classpath: classpath(version),
    home: join(tmpdir(), `rocketmq-webstreams-${ports[0]}`),
    ...(hasProxy(version) ? { endpoints: `127.0.0.1:${ports[2]}` } : {}),
  };
}

/** Stops and removes a broker this rig started (state kept when `keep`, for a look at the logs). */
export function stopBroker(broker: VersionBroker, keep: boolean): void {
  if (broker.owned) brokerScript(broker.version, keep ? "stop" : "clean");
}

/** The pom's version: what the runner's own broker runs. */
function defaultVersion(): string {
  const saved = process.env.ROCKETMQ_VERSION;
  delete process.env.ROCKETMQ_VERSION;
  try {
    return rocketmqVersion();
  } finally {
    if (saved !== undefined) process.env.ROCKETMQ_VERSION = saved;
  }
}

/** mqadmin of the broker's own version; retried when the JVM tool misses its own RPC deadline on a busy machine. */
export function mqadmin(broker: VersionBroker, args: string[]): string {
  for (let attempt = 1; ; attempt++) {
    const out = runMqadmin(args, broker.classpath, broker.home);
    if (!/RemotingTimeoutException|RemotingConnectException|RemotingTooMuchRequestException/.test(out) || attempt >= 3) return out;
  }
}

/** One JSON line a fixture printed about a message (see tests/fixture/java/fixtures/Json.java). */
export interface JavaMessage {
  readonly case: string;
  readonly topic: string;
  readonly msgId: string;
  readonly tags: string;
  readonly keys: string;
  readonly sha256: string;
  readonly length: number;
  readonly rolledBack: boolean;
  readonly delayMs: number;
  readonly properties: Readonly<Record<string, string>>;
}

export interface JavaOutput {
  readonly messages: JavaMessage[];
  /** case -> why the version cannot write it */
  readonly skipped: Map<string, string>;
}

/** Runs a fixture class (FixtureProducer, FixtureConsumer) with the version's client; resolves with its JSON lines. */
export function runFixture(broker: VersionBroker, main: string, args: string[], timeoutMs = 180_000): Promise<JavaOutput> {
  const files = readdirSync(fixtures).filter((f) => f.endsWith(".java")).map((f) => join(fixtures, f));
  const classes = compileJava(`fixtures-${broker.version}`, files, broker.classpath, (line) => console.log(`    ${line}`));
  const child = spawn("java", ["-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", `-Duser.home=${broker.home}`,
    "-cp", `${classes}:${broker.classpath}`, `fixtures.${main}`, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (err += s));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      // the Java client logs to stdout as well; only the fixture's lines are JSON objects
      const lines = out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
      if (code !== 0 || !lines.some((l) => l.done === true)) {
        reject(new Error(`java fixtures.${main} (RocketMQ ${broker.version}) exited ${code} without finishing:\n${out.slice(-4000)}\n${err.slice(-4000)}`));
        return;
      }
      const skipped = new Map(lines.filter((l) => typeof l.skipped === "string").map((l) => [l.case as string, l.skipped as string]));
      resolve({ messages: lines.filter((l) => typeof l.msgId === "string") as unknown as JavaMessage[], skipped });
    });
  });
}
