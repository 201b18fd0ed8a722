/**
 * Sums a V8 CPU profile (`node --cpu-prof`) by where the time went: the
 * toolkit's own files, Node's web streams, the gRPC stack, other libraries,
 * Node internals, the garbage collector, idle. Self time only, from the
 * profile's samples and time deltas, so the groups add up to the wall time
 * the profile covers.
 *
 *   node bench/cpuprofile-summary.ts <file.cpuprofile> [more files...]
 */
import { readFileSync } from "node:fs";
import process from "node:process";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** First match wins; the order puts the specific library paths before the general node_modules one. */
const GROUPS: ReadonlyArray<readonly [string, (url: string, fn: string) => boolean]> = [
  ["(idle)", (_u, fn) => fn === "(idle)"],
  ["(garbage collector)", (_u, fn) => fn === "(garbage collector)"],
  ["(program: native, not attributed)", (_u, fn) => fn === "(program)"],
  ["toolkit src/", (u) => /\/src\/[^/]+\//.test(u) && !u.includes("node_modules")],
  ["toolkit bench worker", (u) => u.includes("/bench/") && !u.includes("node_modules")],
  ["node web streams", (u) => u.startsWith("node:internal/webstreams")],
  ["rocketmq-client-nodejs", (u) => u.includes("node_modules/rocketmq-client-nodejs/")],
  ["@grpc/grpc-js", (u) => u.includes("node_modules/@grpc/")],
  ["google-protobuf", (u) => u.includes("node_modules/google-protobuf/")],
  ["fp-ts / io-ts", (u) => /node_modules\/(fp-ts|io-ts)\//.test(u)],
  ["other node_modules", (u) => u.includes("node_modules/")],
  ["node http2", (u) => u.startsWith("node:internal/http2") || u === "node:http2"],
  ["node net / streams / timers", (u) => /^node:(internal\/)?(net|stream|streams|timers|tls|dns)/.test(u)],
  ["other node internals", (u) => u.startsWith("node:")],
  ["native / unnamed", () => true],
];

function summarize(file: string): void {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const group = new Map<number, string>();
  for (const n of profile.nodes) {
    group.set(n.id, GROUPS.find(([, match]) => match(n.callFrame.url, n.callFrame.functionName))![0]);
  }
  const ms = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const g = group.get(id) ?? "native / unnamed";
    ms.set(g, (ms.get(g) ?? 0) + dt);
  });
  const busy = total - (ms.get("(idle)") ?? 0);
  console.log(`${file}: ${Math.round(total)} ms sampled, ${Math.round(busy)} ms busy`);
  for (const [g, t] of [...ms].sort((a, b) => b[1] - a[1])) {
    const share = g === "(idle)" ? "" : ` (${((t / busy) * 100).toFixed(1)}% of busy)`;
    console.log(`  ${g.padEnd(36)} ${String(Math.round(t)).padStart(7)} ms${share}`);
  }
}

const files = process.argv.slice(2);
if (files.length === 0) throw new RangeError("usage: node bench/cpuprofile-summary.ts <file.cpuprofile> [...]");
for (const f of files) summarize(f);
