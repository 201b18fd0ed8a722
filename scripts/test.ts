/**
 * The project's one test command (`npm test`).
 *
 * 1. Makes sure a real RocketMQ answers: an existing cluster from
 *    ROCKETMQ_NAMESRV / ROCKETMQ_ENDPOINTS, else the project's local JVM
 *    broker (scripts/broker.ts), started once for the whole run.
 * 2. Runs the same uvu suites (tests/run.ts) on Node 24, Deno 2 and Bun 1,
 *    the binaries that `npm ci` installed into node_modules/.bin.
 * 3. Prints each runtime's totals and one final line "N passed, N failed".
 *    Exits non-zero if any runtime failed or did not run.
 *
 * flags: --no-broker (unit files only), --only <substring>, --runtime <name>,
 *        --slow (also tests/slow, on every runtime chosen)
 *
 * tests/slow holds the crash test (about a minute): the quick local `npm test`
 * leaves it out; with CI=true it runs on Node only (its child processes are
 * what is under test, and their runtime is chosen with CRASH_CHILD_RUNTIME).
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBroker, ports } from "./broker.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const args = process.argv.slice(2);
const noBroker = args.includes("--no-broker");
const ci = process.env.CI === "true" || process.env.CI === "1";
const slowEverywhere = !noBroker && args.includes("--slow");
const slowOnNode = slowEverywhere || (!noBroker && ci);
const pick = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

const RUNTIMES = {
  node: [bin("node"), "tests/run.ts"],
  deno: [bin("deno"), "run", "--allow-all", "--no-lock", "tests/run.ts"],
  bun: [bin("bun"), "tests/run.ts"],
} as const;
type RuntimeName = keyof typeof RUNTIMES;

interface Totals { runtime: string; total: number; passed: number; skipped: number; exitCode: number; sawTotals: boolean }

function runSuites(runtime: RuntimeName, extra: string[], env: NodeJS.ProcessEnv): Promise<Totals> {
  const [cmd, ...rest] = RUNTIMES[runtime];
  return new Promise((resolve) => {
    const child = spawn(cmd, [...rest, ...extra], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      out += chunk.toString();
    });
    child.on("error", (err) => {
      console.error(`[${runtime}] could not start: ${err.message}`);
    });
    child.on("close", (code, signal) => {
      const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
      const num = (label: string) => {
        const all = [...plain.matchAll(new RegExp(`${label}:\\s+(\\d+)`, "g"))];
        const last = all.at(-1);
        return last ? Number(last[1]) : undefined;
      };
      const total = num("Total"), passed = num("Passed"), skipped = num("Skipped");
      resolve({
        runtime,
        total: total ?? 0,
        passed: passed ?? 0,
        skipped: skipped ?? 0,
        exitCode: code ?? (signal ? 128 : 1),
        sawTotals: total !== undefined && passed !== undefined,
      });
    });
  });
}

const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" };
const extra: string[] = [];
if (noBroker) extra.push("--unit");
const only = pick("--only");
if (only) extra.push("--only", only);

if (slowOnNode) console.log(`slow suites (tests/slow): on${slowEverywhere ? "" : ", Node only"}`);
if (!noBroker) {
  const t0 = Date.now();
  const cluster = await ensureBroker();
  env.ROCKETMQ_NAMESRV = cluster.namesrv;
  env.ROCKETMQ_ENDPOINTS = cluster.endpoints;
  // The local broker's own address, for the few tests that look at routes or bytes directly.
  if (cluster.kind !== "existing") env.ROCKETMQ_BROKER ??= `127.0.0.1:${ports.broker}`;
  if (cluster.classpath) env.ROCKETMQ_CLASSPATH = cluster.classpath;
  if (cluster.home) env.ROCKETMQ_HOME = cluster.home;
  console.log(`broker: ${cluster.kind} namesrv=${cluster.namesrv} endpoints=${cluster.endpoints} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * In CI the sink round trips run at .ci/run's 10,000 records (SINK_ROUNDTRIP_N) on Node only; Deno and Bun run the
 * same tests at their 2,000-record default, which keeps .ci/run under an hour. Outside CI the variable reaches every
 * runtime, so `SINK_ROUNDTRIP_N=10000 npm test` runs the full count everywhere.
 */
function envFor(runtime: RuntimeName): NodeJS.ProcessEnv {
  if (!ci || runtime === "node") return env;
  const { SINK_ROUNDTRIP_N: _nodeOnly, ...rest } = env;
  return rest;
}

const chosen = pick("--runtime");
const names = (chosen ? [chosen] : Object.keys(RUNTIMES)) as RuntimeName[];
const results: Totals[] = [];
for (const runtime of names) {
  console.log(`\n===== ${runtime} =====`);
  results.push(await runSuites(runtime, slowEverywhere || (slowOnNode && runtime === "node") ? [...extra, "--slow"] : extra, envFor(runtime)));
}

let passed = 0, failed = 0;
console.log("\n===== totals =====");
for (const r of results) {
  // uvu's Total counts the tests that ran; skipped ones (test.skip) are outside it
  const rFailed = r.sawTotals ? r.total - r.passed : 0;
  // a runtime that crashed, printed no totals or exited non-zero counts as a failure
  const broken = !r.sawTotals || (r.exitCode !== 0 && rFailed === 0) ? 1 : 0;
  console.log(`${r.runtime}: ${r.passed} passed, ${rFailed + broken} failed, ${r.skipped} skipped (exit ${r.exitCode})`);
  passed += r.passed;
  failed += rFailed + broken;
}
if (passed === 0 && failed === 0) failed = 1; // no test ran at all is a failure
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
