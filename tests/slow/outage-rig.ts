/**
 * A broker of the test's own that a test can kill, pause and restart: the
 * outage suites never touch the shared broker.
 *
 * A name server and a bare broker (BrokerStartup, no gRPC proxy), started
 * here with the jars scripts/broker.ts resolves and its broker settings
 * (small files, temporary store). The outage suites speak remoting only, and
 * a bare broker restarts in a fraction of the time the proxy-hosted one
 * takes (about 60 s here on the loaded 2-core machine), which matters for a
 * suite that restarts it five times.
 *
 * Ports: OUTAGE_NAMESRV_PORT (51876), OUTAGE_BROKER_PORT (52911; the broker
 * also takes port-2 and port+1). They must be free.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { alive, brokerConfLines, classpath, portOpen } from "../../scripts/broker.ts";
import { RemotingClient } from "../../src/remoting/client.ts";

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
export const PORTS = {
  namesrv: port("OUTAGE_NAMESRV_PORT", 51876),
  broker: port("OUTAGE_BROKER_PORT", 52911),
};
export const NAMESRV = `127.0.0.1:${PORTS.namesrv}`;
/** This cluster's configs, logs, pids and store. */
const STATE_DIR = join(tmpdir(), `rocketmq-webstreams-outage-${PORTS.namesrv}`);

function writeConfigs(): void {
  mkdirSync(join(STATE_DIR, "store"), { recursive: true });
  writeFileSync(join(STATE_DIR, "namesrv.properties"), `listenPort=${PORTS.namesrv}\n`);
  writeFileSync(join(STATE_DIR, "broker.conf"), [
    ...brokerConfLines({ namesrvPort: PORTS.namesrv, brokerPort: PORTS.broker, dir: STATE_DIR }),
    // a restarted name server learns the broker's routes at its next registration: every 10 s, not 30
    "registerNameServerPeriod=10000",
    "",
  ].join("\n"));
}

export function rigLog(msg: string): void {
  console.log(`  [outage ${new Date().toISOString().slice(11, 23)}] ${msg}`);
}


type Jvm = "namesrv" | "broker";

function pidOf(jvm: Jvm): number {
  return Number(readFileSync(join(STATE_DIR, `${jvm}.pid`), "utf8"));
}

/** Starts one JVM as scripts/broker.ts does (same JVM flags). */
function startJvm(jvm: Jvm): void {
  const out = openSync(join(STATE_DIR, `${jvm}.out`), "a");
  const [heap, mainClass, args] = jvm === "namesrv"
    ? ["128m", "org.apache.rocketmq.namesrv.NamesrvStartup", ["-c", join(STATE_DIR, "namesrv.properties")]]
    : ["512m", "org.apache.rocketmq.broker.BrokerStartup", ["-c", join(STATE_DIR, "broker.conf")]];
  const child = spawn("java", [`-Xms${heap}`, `-Xmx${heap}`, "-XX:MaxDirectMemorySize=256m", "-XX:+UseG1GC",
    "-XX:ActiveProcessorCount=2", `-Duser.home=${STATE_DIR}`, "-Drocketmq.client.logUseSlf4j=false", "-cp", classpath(),
    mainClass, ...args], { detached: true, stdio: ["ignore", out, out], env: { ...process.env, ROCKETMQ_HOME: STATE_DIR } });
  child.unref();
  writeFileSync(join(STATE_DIR, `${jvm}.pid`), String(child.pid));
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; logs in ${STATE_DIR}`);
    await sleep(250);
  }
}

function killLeftovers(): void {
  for (const jvm of ["broker", "namesrv"] as const) {
    try {
      const pid = pidOf(jvm);
      if (alive(pid)) process.kill(pid, "SIGKILL");
    } catch {
      // not started, or already stopped
    }
  }
}

/** The dedicated cluster: start once, then kill, pause and restart its parts. */
export const rig = {
  async start(): Promise<void> {
    if (await portOpen(PORTS.namesrv) || await portOpen(PORTS.broker)) {
      throw new Error(`ports ${PORTS.namesrv}/${PORTS.broker} are taken: another run of this suite, or stop it with scripts/broker.ts stop`);
    }
    rmSync(STATE_DIR, { recursive: true, force: true });
    writeConfigs();
    // a run that dies (an uncaught error) must not leave the JVMs behind
    process.once("exit", killLeftovers);
    await this.restart("namesrv");
    await this.restart("broker");
    // topics are created through the route of TBW102, which exists once the broker registered
    const client = new RemotingClient({ nameServerAddress: NAMESRV, requestTimeoutMs: 10_000 });
    try {
      await waitFor("the broker's registration", () => client.getRouteInfo("TBW102", { refresh: true }).then(() => true, () => false), 120_000);
    } finally {
      await client.close();
    }
  },
  /** SIGKILL: no shutdown hook, no deregistration, whatever was in flight is cut. */
  async kill(jvm: Jvm): Promise<void> {
    const pid = pidOf(jvm);
    if (!alive(pid)) throw new Error(`${jvm} (pid ${pid}) is not running`);
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
    if (alive(pid)) throw new Error(`${jvm} (pid ${pid}) survived SIGKILL`);
  },
  /** Starts `jvm` (again, on the same store) and waits until it answers. */
  async restart(jvm: Jvm): Promise<void> {
    startJvm(jvm);
    const p = jvm === "namesrv" ? PORTS.namesrv : PORTS.broker;
    await waitFor(`the ${jvm} on ${p}`, () => portOpen(p), 180_000);
  },
  pause(): void {
    process.kill(pidOf("broker"), "SIGSTOP");
  },
  resume(): void {
    process.kill(pidOf("broker"), "SIGCONT");
  },
  /** Always safe to call: stops whatever of the cluster runs (a paused broker too) and removes its store. */
  async stop(): Promise<void> {
    process.removeListener("exit", killLeftovers);
    for (const jvm of ["broker", "namesrv"] as const) {
      let pid: number;
      try {
        pid = pidOf(jvm);
      } catch {
        continue;
      }
      if (!alive(pid)) continue;
      process.kill(pid, "SIGCONT");
      process.kill(pid, "SIGKILL");
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
    }
    rmSync(STATE_DIR, { recursive: true, force: true });
  },
};

/** Creates a topic with `queues` queues on the dedicated broker and waits for its route. */
export async function createTopic(topic: string, queues: number): Promise<void> {
  const client = new RemotingClient({ nameServerAddress: NAMESRV, requestTimeoutMs: 10_000 });
  try {
    await client.createTopic(topic, { queues });
    for (let i = 0; ; i++) {
      const ok = await client.writableQueues(topic).then((q) => q.length === queues, () => false);
      if (ok) return;
      if (i >= 100) throw new Error(`topic ${topic} has no route on ${NAMESRV}`);
      await sleep(200);
      await client.getRouteInfo(topic, { refresh: true }).catch(() => undefined);
    }
  } finally {
    await client.close();
  }
}
