/**
 * The benchmark suite's one entry point.
 *
 *   npm run bench                      full run (1M x 1 KiB, 3 reps) -> BENCHMARKS.md + bench/throughput.svg
 *   npm run bench -- --quick           harness check (< 3 min) -> bench/results/quick.md
 *   npm run bench -- --only sink-async,java --messages 100000
 *   node bench/run.ts --render bench/results/benchmarks.json   re-write a saved run's report (e.g. after analysis.md changed)
 *   node bench/run.ts --render bench/results/<name>.json --out BENCHMARKS.md   publish a saved run under another report name
 *
 * Reuses (or starts) the broker through scripts/broker.ts, creates one fresh
 * 8-queue topic per scenario (the source, pipeline and memory scenarios share
 * one backlog, written once), runs every contender of a scenario in its own
 * process, repetitions interleaved, checks that all moved the same number of
 * messages (and that the broker agrees), and writes the report and chart.
 * Exits 1 when a contender failed or the harness broke; it never judges the
 * numbers (CI runs --quick for that reason). Flags: bench/lib/options.ts.
 */
import { rmSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { ensureBroker, rocketmqVersion, withProxy } from "../scripts/broker.ts";
import { CONTENDERS, PENDING } from "./contenders/index.ts";
import { type Contender, type ContenderResult, type RunContext, SCENARIOS, type Scenario, SCENARIO_TITLES } from "./contenders/types.ts";
import { BenchAdmin, randomName, storedMessagesByMqadmin } from "./lib/broker-admin.ts";
import { runWorker, WorkerFailedError } from "./lib/child.ts";
import { buildJavaHarness, type JavaHarness } from "./lib/java-harness.ts";
import { machine } from "./lib/machine.ts";
import { chartFor, parseOptions } from "./lib/options.ts";
import { type BrokerCheck, combinedCheck, invalidReasons, type ScenarioOutcome, type ScenarioPiece, summarize } from "./lib/outcome.ts";
import { root } from "./lib/paths.ts";
import { buildForNode } from "./lib/node-build.ts";
import { loadRecord, publish, recordPath, type RunRecord } from "./lib/publish.ts";
import { carriedRounds, type CarriedRounds, checkSameCounts, finishedScenarios, type Invocation } from "./lib/resume.ts";
import { command, runNodeFrom, runtimeVersions } from "./lib/runtimes.ts";
import { rate, spread } from "./lib/stats.ts";
import { extraValues } from "./lib/targets.ts";

const t0 = Date.now();
const log = (line: string) => process.stdout.write(`[bench ${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} s] ${line}\n`);

if (process.argv[2] === "--render") {
  // re-render a saved run (after bench/analysis.md changed): no broker, nothing measured
  const [file, flag, out] = process.argv.slice(3);
  if (!file) throw new RangeError("--render needs the run record, e.g. bench/results/benchmarks.json");
  if (flag !== undefined && (flag !== "--out" || !out)) throw new RangeError(`--render RECORD takes only --out FILE after it, got ${flag} ${out ?? ""}`);
  const record = loadRecord(file);
  // under another name the record is saved again beside the new report, so that report can be re-rendered too
  const written = out ? publish({ ...record, options: { ...record.options, out, chart: chartFor(out) } }, true) : publish(record, false);
  log(`rendered ${relative(root, written.report)} and ${relative(root, written.chart)} from ${file}` +
    (written.record ? `; its record is now also ${relative(root, written.record)}` : ""));
  process.exit(0);
}
const options = parseOptions(process.argv.slice(2));
/** Scenarios that read a backlog; they share one topic, filled once per run. */
const READS_BACKLOG: ReadonlySet<Scenario> = new Set(["source", "pipeline", "memory"]);
const resumed = options.resume ? loadRecord(options.resume) : undefined;
if (resumed) checkSameCounts(resumed.options, options);
/**
 * Scenarios an earlier invocation finished (--resume): not run again. The record's other scenarios
 * are run again if this invocation selects them, and otherwise carried over as they were.
 */
const expectedNames = (scenario: Scenario) => CONTENDERS
  .filter((c) => c.scenario === scenario && !options.skip.some((s) => c.name.includes(s))).map((c) => c.name);
const kept = resumed ? finishedScenarios(resumed.outcomes, expectedNames) : [];
const selected = CONTENDERS.filter((c) =>
  (options.only.length === 0 || options.only.some((s) => c.scenario === s || c.name.includes(s) || c.runtime === s))
  && !options.skip.some((s) => c.name.includes(s)) && !kept.some((o) => o.scenario === c.scenario));
if (selected.length === 0) {
  throw new RangeError(kept.length ? `--resume ${options.resume}: its finished scenarios cover everything selected; nothing left to run`
    : `--only ${options.only.join(",")} selects no contender`);
}
if (resumed) {
  const unfinished = resumed.outcomes.filter((o) => o.roundsDone !== undefined).map((o) => `${o.scenario} (${o.roundsDone} round(s) so far)`);
  log(`resuming ${options.resume}: keeping ${kept.map((o) => o.scenario).join(", ") || "no scenario"} as finished` +
    (unfinished.length ? `; unfinished: ${unfinished.join(", ")}` : ""));
}
/** The resumed record's scenario outcomes, as loaded: what this invocation did not replace came from earlier ones. */
const earlier: ReadonlySet<ScenarioOutcome> = new Set(resumed?.outcomes ?? []);
log(`${options.quick ? "quick" : options.fullSize ? "full" : "reduced"} run: ${selected.length} contenders, ` +
  `${options.messages} msgs (sync ${options.syncMessages}, latency ${options.latencyMessages} + ${options.latencyWarmup} warm-up), ` +
  `warm-up ${options.warmup}, ${options.reps} rep(s), ${options.size} B`);

const cluster = withProxy(await ensureBroker());
log(`broker: ${cluster.kind}, name server ${cluster.namesrv}, proxy ${cluster.endpoints}`);
const admin = new BenchAdmin(cluster.namesrv);
/** The end-of-scenario count through mqadmin as well (a JVM per call): not in the quick run, for its time budget. */
const mqadminCheck = !options.quick;
const java: JavaHarness | undefined = selected.some((c) => c.runtime === "java" || READS_BACKLOG.has(c.scenario))
  ? buildJavaHarness(log) : undefined;
const nodeBuild = selected.some((c) => c.runtime === "node") ? buildForNode(log) : undefined;
if (nodeBuild) runNodeFrom(nodeBuild);
const startedAt = new Date();
const machineInfo = machine();
const versions: Record<string, string> = {
  ...runtimeVersions(),
  // how Node contenders loaded the toolkit; the report's fairness rules say so (older records lack it: .ts sources)
  ...(nodeBuild ? { nodeToolkitFrom: "compiled JavaScript (tsc into bench/.build)" } : {}),
};
const brokerInfo = { version: rocketmqVersion(), kind: cluster.kind, namesrv: cluster.namesrv, endpoints: cluster.endpoints };
const partialRecord = recordPath(options.out).replace(/\.json$/, ".partial.json");

/** A deadline no healthy contender gets near: 60 s plus 40 ms per message (a 25 msg/s floor). */
const deadline = (messages: number) => 60_000 + messages * 40;

function context(topic: string, backlog: string | undefined, timed: number, warmup: number, rep: number, label: string): RunContext {
  return {
    namesrv: cluster.namesrv, endpoints: cluster.endpoints, topic, ...(backlog ? { backlog } : {}), messages: timed, warmup,
    size: options.size, rep,
    newGroup: async (prefix) => {
      const group = randomName(prefix);
      await admin.createGroup(group, topic);
      return group;
    },
    spawn: (runtime, entry, args) => runWorker({
      command: [...command(runtime, entry, java?.classpath, java?.home), ...args],
      timeoutMs: deadline(timed + warmup),
      onProgress: (count) => log(`  ${label}: ${count} acknowledged/received`),
    }),
  };
}

/** The lines of a worker's stderr that say what went wrong (exception messages, not stack frames). */
function failureLines(output: string): string {
  const lines = output.split("\n").filter((l) => l.trim() !== "" && !/^\s+at /.test(l) && !/^\s*\.\.\. \d+ more/.test(l));
  return lines.slice(0, 4).join(" | ").slice(0, 600);
}

/** A failure for the log and the report: a worker's message with its cause lines, else the error's text. */
function describeFailure(err: unknown): string {
  return err instanceof WorkerFailedError ? `${err.message}: ${failureLines(err.output)}` : String(err);
}

/** Fills the source topic once per run with the Java batch producer (fastest here; not a contender). */
async function fillBacklog(topic: string, count: number): Promise<void> {
  if (!java) throw new Error("the backlog is written by the Java harness, which did not build");
  log(`filling the backlog: ${count} messages into ${topic}`);
  await runWorker({
    command: [...command("java", "produce-batch", java.classpath, java.home), "--namesrv", cluster.namesrv, "--topic", topic,
      "--messages", String(count), "--warmup", "0", "--size", String(options.size), "--batch", "64", "--inflight", "8",
      "--timeout-ms", "10000"],
    timeoutMs: deadline(count),
  });
}

let backlog: { topic: string; count: number; stored: number; refilled?: string } | undefined;

async function sharedBacklog(count: number): Promise<{ topic: string; count: number; stored: number; refilled?: string }> {
  if (backlog?.count === count) return backlog;
  const filledTopic = async () => {
    const topic = randomName("bench_backlog");
    await admin.createTopic(topic, options.queues);
    await fillBacklog(topic, count);
    return topic;
  };
  let topic: string;
  let refilled: string | undefined;
  try {
    topic = await filledTopic();
  } catch (err) {
    // a busy spell on this 2-core machine can fail the setup's own producer (SYSTEM_BUSY from the broker's
    // fast-failure clean-up): fill a fresh topic once, so no half-written backlog is ever read, and say so
    refilled = describeFailure(err);
    log(`  backlog fill failed, filling a fresh topic: ${refilled}`);
    topic = await filledTopic();
  }
  const stored = await admin.storedAtLeast(topic, count);
  if (mqadminCheck) {
    const byMqadmin = storedMessagesByMqadmin(cluster.namesrv, topic);
    if (byMqadmin !== stored) throw new Error(`backlog ${topic}: the broker counts ${stored} messages, mqadmin ${byMqadmin}`);
  }
  backlog = { topic, count, stored, ...(refilled !== undefined ? { refilled } : {}) };
  return backlog;
}

/**
 * Runs a scenario's rounds (one repetition of every contender, back to back)
 * from the first one `carried` lacks. After every round but the last, the
 * outcome so far goes to `onRound`, marked unfinished, so a cut run keeps it.
 */
async function runScenario(scenario: Scenario, contenders: readonly Contender[], carried: CarriedRounds | undefined,
  onRound: (unfinished: ScenarioOutcome) => void): Promise<ScenarioOutcome> {
  const timed = scenario === "sink-sync" ? options.syncMessages : scenario === "latency" ? options.latencyMessages : options.messages;
  const warmup = scenario === "latency" ? options.latencyWarmup : options.warmup;
  const drains = scenario === "source" || scenario === "memory";
  const source = READS_BACKLOG.has(scenario) ? await sharedBacklog(timed + warmup) : undefined;
  // the drains read the backlog itself; every other scenario writes a fresh topic of its own
  const topic = drains && source ? source.topic : randomName(`bench_${scenario.replace("-", "_")}`);
  const firstRep = (carried?.rounds ?? 0) + 1;
  log(`== ${SCENARIO_TITLES[scenario]}: topic ${topic}${source && !drains ? ` (reads ${source.topic})` : ""}, ${timed} timed + ${warmup} warm-up per rep` +
    (carried ? `, rounds ${firstRep}-${options.reps} (1-${carried.rounds} carried from an earlier invocation)` : ""));
  if (!drains) await admin.createTopic(topic, options.queues);
  const outcome: ScenarioOutcome = { scenario, topic, timed, warmup, attempts: [...(carried?.attempts ?? [])], notes: [...(carried?.notes ?? [])] };
  if (source?.refilled) outcome.notes.push(`the first fill of the backlog failed and a fresh topic was filled (${source.refilled})`);
  /** This invocation's share of the broker check: the backlog the drains read, or what the writers stored in its topic. */
  let check: BrokerCheck | undefined;
  if (drains && source) {
    check = { what: "backlog written before the drains", expected: source.count, stored: source.stored };
  } else if (source) {
    outcome.notes.push(`reads the backlog ${source.topic} (${source.stored.toLocaleString("en-US")} messages stored, ${source.count.toLocaleString("en-US")} written)`);
  }
  // what a writer says the broker acknowledged (the latency rows count received messages in `total`)
  const acked = (r: ContenderResult) => (typeof r.extra?.acknowledged === "number" ? r.extra.acknowledged : r.total);
  let storedByFailures = 0;
  const writersCheck = async (): Promise<BrokerCheck> => {
    const expected = outcome.attempts.filter((a) => a.rep >= firstRep).reduce((sum, a) => sum + (a.result ? acked(a.result) : 0), 0);
    const total = mqadminCheck ? storedMessagesByMqadmin(cluster.namesrv, topic) : await admin.stored(topic);
    return {
      what: `messages stored in the topic (${mqadminCheck ? "mqadmin topicStatus" : "broker offsets"}) minus ${storedByFailures} left by failed attempts, vs acknowledged by all contenders; each attempt also checked on its own`,
      expected, stored: total - storedByFailures,
    };
  };
  /** This invocation's rounds up to `lastRep` as a piece after the carried ones, and the broker check over all of them. */
  const piecesTo = (lastRep: number): { pieces: ScenarioPiece[]; brokerCheck?: BrokerCheck } => {
    const piece: ScenarioPiece = { startedAt: startedAt.toISOString(), ...(versions.commit ? { commit: versions.commit } : {}), firstRep,
      lastRep, topic, ...(check ? { brokerCheck: check } : {}) };
    const pieces = [...(carried?.pieces ?? []), piece];
    const brokerCheck = pieces.length === 1 ? check : combinedCheck(pieces);
    return { pieces, ...(brokerCheck ? { brokerCheck } : {}) };
  };
  for (let rep = firstRep; rep <= options.reps; rep++) {
    for (const contender of contenders) {
      const label = `${contender.name} rep ${rep}/${options.reps}`;
      // A failed repetition gets one more try (a busy shared machine makes transient send timeouts);
      // the failure stays in the report's notes, and a second failure counts.
      for (let attempt = 1; attempt <= 2; attempt++) {
        // writers: the broker's count before and after each attempt, so each one is checked on its own
        const before = drains ? 0 : await admin.stored(topic);
        try {
          const result = await contender.run(context(topic, drains ? undefined : source?.topic, timed, warmup, rep, label));
          const stored = drains ? undefined : (await admin.storedAtLeast(topic, before + acked(result))) - before;
          outcome.attempts.push({ contender, rep, result, ...(stored !== undefined ? { stored } : {}) });
          log(`  ${label}: ${Math.round(rate(result.messages, result.ms))} msg/s (${result.messages} in ${Math.round(result.ms)} ms, ` +
            `total ${result.total}${result.peakRssMiB ? `, peak RSS ${result.peakRssMiB} MiB` : ""})`);
          break;
        } catch (err) {
          const cause = describeFailure(err);
          log(`  ${label}: FAILED (attempt ${attempt}/2) ${cause}`);
          if (!drains) {
            // what the failed process got stored without seeing it acknowledged: noted, and out of the checks
            await new Promise((r) => setTimeout(r, 500));
            const orphans = (await admin.stored(topic)) - before;
            storedByFailures += orphans;
            if (orphans > 0) outcome.notes.push(`the failed attempt of ${label} left ${orphans} stored message(s) it never saw acknowledged; they are excluded from the broker check`);
          }
          if (attempt === 2) outcome.attempts.push({ contender, rep, error: cause });
          else outcome.notes.push(`${label} failed once and was run again (${cause})`);
        }
      }
    }
    if (!drains) check = await writersCheck();
    // unfinished: a copy marked with its complete rounds and pieces, so a later --resume can carry them
    if (rep < options.reps) onRound({ ...outcome, attempts: [...outcome.attempts], notes: [...outcome.notes], roundsDone: rep, ...piecesTo(rep) });
  }
  const { pieces, brokerCheck } = piecesTo(options.reps);
  if (brokerCheck) outcome.brokerCheck = brokerCheck;
  // a scenario run in one invocation needs no pieces: its topic and check say it all
  if (carried) outcome.pieces = pieces;
  const invalid = invalidReasons(outcome);
  log(invalid.length === 0 ? `  ${scenario}: valid` : `  ${scenario}: INVALID: ${invalid.join("; ")}`);
  return outcome;
}

/**
 * After each scenario the record so far goes to <record>.partial.json: a long
 * run that is cut short (a session ends, the machine reboots) keeps what it
 * measured, and `--render` can show it, marked by the scenarios it lacks.
 */
function savePartial(): void {
  writeFileSync(partialRecord, JSON.stringify(runRecord(), (key, value) => (key === "run" ? undefined : value), 1));
  log(`  saved the ${outcomes.length} scenario(s) so far to ${relative(root, partialRecord)}`);
}

/** This run's record; with --resume, the kept scenarios first and every contributing invocation named. */
function runRecord(): RunRecord {
  const now: Invocation = { argv: process.argv.slice(2), startedAt: startedAt.toISOString(), wallSeconds: (Date.now() - t0) / 1000,
    ...(versions.commit ? { commit: versions.commit } : {}), scenarios: outcomes.filter((o) => !earlier.has(o)).map((o) => o.scenario) };
  const before: Invocation[] = !resumed ? [] : (resumed.invocations ?? [{ argv: resumed.argv, startedAt: resumed.startedAt,
    wallSeconds: resumed.wallSeconds, ...(resumed.versions.commit ? { commit: resumed.versions.commit } : {}), scenarios: [] }])
    .map((i) => ({ ...i, scenarios: outcomes.filter((o) => (earlier.has(o) && (i.scenarios.length === 0 || i.scenarios.includes(o.scenario)))
      // a scenario finished by a later invocation still names the earlier ones that ran some of its rounds
      || (o.pieces?.some((p) => p.startedAt === i.startedAt) ?? false))
      .map((o) => o.scenario) }));
  const invocations = [...before, now];
  return {
    options, machine: machineInfo, versions, pending: PENDING,
    outcomes: [...outcomes].sort((a, b) => SCENARIOS.indexOf(a.scenario) - SCENARIOS.indexOf(b.scenario)),
    startedAt: (resumed?.startedAt ?? startedAt.toISOString()),
    broker: brokerInfo,
    wallSeconds: invocations.reduce((sum, i) => sum + i.wallSeconds, 0), argv: process.argv.slice(2),
    ...(resumed ? { invocations } : {}),
  };
}

const outcomes: ScenarioOutcome[] = [...earlier];
/** Adds a scenario's outcome, in place of the resumed record's outcome for it, if there was one. */
function put(outcome: ScenarioOutcome): void {
  const replaced = outcomes.findIndex((o) => o.scenario === outcome.scenario);
  if (replaced >= 0) outcomes.splice(replaced, 1);
  outcomes.push(outcome);
}
for (const scenario of SCENARIOS) {
  const contenders = selected.filter((c) => c.scenario === scenario);
  if (contenders.length === 0) continue;
  const before = resumed?.outcomes.find((o) => o.scenario === scenario);
  // an unfinished scenario's complete rounds, when this invocation runs the same contenders the record expects
  const sameContenders = expectedNames(scenario).join("\n") === contenders.map((c) => c.name).join("\n");
  const carried = before && sameContenders ? carriedRounds(before, expectedNames(scenario), options.reps) : undefined;
  try {
    const outcome = await runScenario(scenario, contenders, carried, (unfinished) => {
      put(unfinished);
      savePartial();
    });
    if (before && !carried) {
      // the record being resumed had this scenario and it was not kept: say why, in the report
      const why = [...(before.roundsDone !== undefined ? [`unfinished after ${before.roundsDone} round(s), not carried`] : []), ...invalidReasons(before)];
      const missing = contenders.filter((c) => !before.attempts.some((a) => a.contender.name === c.name)).map((c) => c.name);
      outcome.notes.push(`run again on --resume: the earlier invocation's run of this scenario was not kept (${[...why,
        ...(missing.length ? [`no rows for ${missing.join(", ")}`] : [])].join("; ") || "incomplete"})`);
    }
    put(outcome);
  } catch (err) {
    // setup of the scenario failed (topic, backlog, broker count): record it against every contender, go on
    const detail = describeFailure(err);
    log(`  ${scenario}: SETUP FAILED: ${detail}`);
    put({ scenario, topic: "(setup failed)", timed: 0, warmup: options.warmup, notes: [`setup failed: ${detail}`],
      attempts: contenders.map((contender) => ({ contender, rep: 0, error: `scenario setup failed` })) });
  }
  savePartial();
}

const written = publish(runRecord(), true);
rmSync(partialRecord, { force: true });
log(`wrote ${relative(root, written.report)}, ${relative(root, written.chart)} and ${relative(root, written.record!)}`);
for (const o of outcomes) {
  for (const s of summarize(o)) {
    const p99 = extraValues(o, s.contender.name, "p99Ms");
    const p50 = extraValues(o, s.contender.name, "p50Ms");
    const lat = p99.length ? `, p50 ${spread(p50).median} ms, p99 ${spread(p99).median} ms` : "";
    log(`${o.scenario.padEnd(10)} ${s.contender.name.padEnd(62)} ${s.rates ? `${Math.round(s.rates.median)} msg/s (min ${Math.round(s.rates.min)}, max ${Math.round(s.rates.max)})${lat}` : "FAILED"}`);
  }
}
for (const p of PENDING) log(`${p.scenario.padEnd(10)} ${p.name.padEnd(62)} not available yet (${p.waitsFor})`);
const failed = outcomes.flatMap((o) => o.attempts.filter((a) => a.error));
const invalidCount = outcomes.filter((o) => invalidReasons(o).length > 0).length;
log(`done in ${Math.round((Date.now() - t0) / 1000)} s: ${failed.length} failed run(s), ${invalidCount} invalid scenario(s)`);
await admin.close();
process.exit(failed.length > 0 ? 1 : 0);
