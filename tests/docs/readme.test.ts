/**
 * README.md cannot drift from the API:
 *
 * - every code block fenced as ```ts run is a complete program: it is written
 *   to a file (imports of "rocketmq-webstreams[/subpath]" pointed at this
 *   checkout's sources, as deno.json's "exports" map them), typechecked with
 *   the project's tsconfig (under Node; the types do not depend on the
 *   runtime), run on this suite's runtime, and must exit 0; its `// => text`
 *   comments are the exact lines it must print;
 * - ```ts run=pipeline blocks are the seed's job: fed sample rows on a fresh
 *   SOURCE_TOPIC, stopped with SIGINT once SINK_TOPIC holds as many messages,
 *   then they must exit 0 with every row there, transformed;
 * - the option tables list every seed key with its typed name, and their
 *   defaults are what the option parsers give.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseSinkOptions, parseSourceOptions, RemotingClient, SinkPropertyKeys, SourcePropertyKeys } from "../../mod.ts";
import { endOffsets, ensureTopic, fillTopic, readTopic, sampleRows, verifyOutput } from "../../examples/lib/sample-data.ts";
import { cluster, randomName } from "../fixture/broker.ts";
import { currentRuntime, exitWithin, root, run, RUNTIMES, signal, sleep } from "./helpers.ts";

const runtime = currentRuntime();
const readme = readFileSync(join(root, "README.md"), "utf8");
// the TypeScript sources behind each package subpath (package.json maps the same keys to the compiled
// dist/ files; tests/docs/package.unit.test.ts checks that the two maps agree)
const exportsMap = (JSON.parse(readFileSync(join(root, "deno.json"), "utf8")) as { exports: Record<string, string> }).exports;

interface Block { readonly line: number; readonly info: string; readonly code: string }

/** Fenced code blocks of a markdown text, with the line their fence opens on. */
function codeBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) body.push(lines[i]!);
    out.push({ line: start + 1, info: open[1]!.trim(), code: body.join("\n") + "\n" });
  }
  return out;
}

const runnable = codeBlocks(readme).filter((b) => /^ts\s+run(=\S+)?$/.test(b.info));
const dir = join(root, ".docs-run", `${runtime}-${process.pid}`);

/** The block as a file in `dir`, importing this checkout instead of the installed package. */
function materialize(block: Block): string {
  const code = block.code.replace(/(from\s+)"rocketmq-webstreams(\/[a-z]+)?"/g, (_m, from: string, sub: string | undefined) => {
    const target = exportsMap[sub ? `.${sub}` : "."];
    if (!target) throw new Error(`README line ${block.line}: no package export for rocketmq-webstreams${sub ?? ""}`);
    return `${from}"../../${target.replace(/^\.\//, "")}"`;
  });
  const file = join(dir, `readme-line-${block.line}.ts`);
  writeFileSync(file, code);
  return file;
}

const expectedLines = (block: Block) => [...block.code.matchAll(/\/\/ => (.*)$/gm)].map((m) => m[1]!.trimEnd());

const s = suite(`docs: README.md programs on ${runtime} (broker)`);
s.before(() => void mkdirSync(dir, { recursive: true }));
s.after(() => {
  rmSync(dir, { recursive: true, force: true });
  try {
    rmdirSync(join(root, ".docs-run")); // only when no other run is using it
  } catch {
    // not empty
  }
});

s("the README marks its complete programs: the quick start pipeline and at least two more", () => {
  assert.ok(runnable.some((b) => b.info === "ts run=pipeline"), "a ```ts run=pipeline block (the quick start)");
  assert.ok(runnable.filter((b) => b.info === "ts run").length >= 2, "```ts run blocks");
  for (const b of runnable) assert.ok(/^import /m.test(b.code), `README line ${b.line}: a complete program imports what it uses`);
});

if (runtime === "node") {
  s("every README program typechecks with the project's tsconfig", () => {
    for (const b of runnable) materialize(b);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.json", include: ["*.ts"] }));
    const r = spawnSync(RUNTIMES.node[0], [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    assert.is(r.status, 0, `tsc:\n${r.stdout}${r.stderr}`);
  });
}

const client = new RemotingClient({ nameServerAddress: cluster().namesrv, requestTimeoutMs: 10_000 });
s.after(() => client.close());

for (const block of runnable.filter((b) => b.info === "ts run")) {
  s(`README line ${block.line}: runs, exits 0${expectedLines(block).length ? " and prints its // => lines" : ""}`, async () => {
    const child = run(runtime, materialize(block), { ROCKETMQ_NAMESRV: cluster().namesrv });
    const code = await exitWithin(child, 60_000);
    const { stdout, stderr } = child.output();
    assert.is(code, 0, `${stdout}\n${stderr}`);
    const expected = expectedLines(block);
    // Deno colours console.log's non-string arguments even into a pipe: compare the text
    if (expected.length > 0) assert.equal(stdout.replace(/\x1b\[[0-9;]*m/g, "").trimEnd().split("\n"), expected);
  });
}

const N = 200;
const total = (offsets: Map<unknown, number>) => [...offsets.values()].reduce((a, b) => a + b, 0);
for (const block of runnable.filter((b) => b.info === "ts run=pipeline")) {
  s(`README line ${block.line}: the pipeline turns ${N} sample rows into {id, province} JSON, and SIGINT ends it with exit 0`, async () => {
    const runId = randomName("readme");
    const env = { ROCKETMQ_NAMESRV: cluster().namesrv, SOURCE_TOPIC: `${runId}_src`, SINK_TOPIC: `${runId}_sink`, GROUP: `${runId}_g` };
    await ensureTopic(client, env.SOURCE_TOPIC, 4);
    await ensureTopic(client, env.SINK_TOPIC, 4);
    const rows = sampleRows(runId, N);
    await fillTopic(env.ROCKETMQ_NAMESRV, env.SOURCE_TOPIC, rows);
    const child = run(runtime, materialize(block), env);
    try {
      for (let i = 0; i < 240 && child.running(); i++) {
        if (total(await endOffsets(client, env.SINK_TOPIC)) >= N) break;
        await sleep(500);
      }
      assert.ok(child.running(), `the program exited before its output was complete:\n${child.output().stderr}`);
      signal(child, "SIGINT");
      const code = await exitWithin(child, 60_000);
      assert.is(code, 0, child.output().stderr);
      const v = verifyOutput(rows, await readTopic(client, env.SINK_TOPIC), runId);
      assert.equal(v.missing, [], `${v.missing.length} rows missing`);
      assert.equal(v.wrong.slice(0, 3), [], `${v.wrong.length} rows transformed wrongly`);
      assert.is(v.foreign, 0);
      assert.is(v.received, N, "each row once in a clean run");
    } finally {
      if (child.running()) {
        signal(child, "SIGKILL");
        await child.exited;
      }
    }
  });
}

// ---------------------------------------------------------------------------
// option tables

interface OptionRow { readonly seed?: string; readonly typed: string; readonly defaultText: string }

/** Rows of the first table after the heading that starts with `heading`. */
function optionTable(heading: string): OptionRow[] {
  const at = readme.indexOf(`\n${heading}`);
  assert.ok(at >= 0, `README heading ${heading}`);
  const lines = readme.slice(at).split("\n");
  const first = lines.findIndex((l) => l.startsWith("|"));
  const rows: OptionRow[] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    const seed = /^`([^`]+)`$/.exec(cells[0]!)?.[1];
    for (const typed of [...cells[1]!.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!)) {
      rows.push({ ...(seed ? { seed } : {}), typed, defaultText: cells[2]!.replace(/`/g, "") });
    }
  }
  return rows;
}

function checkTable(rows: OptionRow[], keys: Readonly<Record<string, string>>, parsed: Record<string, unknown>): number {
  for (const [seed, typed] of Object.entries(keys)) {
    assert.ok(rows.some((r) => r.seed === seed && r.typed === typed), `the table lists seed key ${seed} as ${typed}`);
  }
  for (const r of rows) if (r.seed) assert.is(keys[r.seed], r.typed, `seed key ${r.seed}`);
  for (const [typed, value] of Object.entries(parsed)) {
    if (typeof value === "number" || typeof value === "string") assert.ok(rows.some((r) => r.typed === typed), `the table lists ${typed}`);
  }
  let checked = 0;
  for (const r of rows) {
    const value = parsed[r.typed];
    if (/^\d+$/.test(r.defaultText) && value !== undefined) {
      assert.is(value, Number(r.defaultText), `default of ${r.typed}`);
      checked++;
    } else if (/^[*a-z-]+$/.test(r.defaultText) && typeof value === "string" && r.defaultText !== "required" && r.defaultText !== "none") {
      assert.is(value, r.defaultText, `default of ${r.typed}`);
      checked++;
    }
  }
  return checked;
}

s("the source option table: every seed key with its typed name, and the parser's defaults", () => {
  const parsed = parseSourceOptions({ "nameserver.address": "127.0.0.1:9876", "consumer.group": "g", "consumer.topic": "t" }) as unknown as Record<string, unknown>;
  const rows = optionTable("### Source");
  assert.ok(checkTable(rows, SourcePropertyKeys, parsed) >= 12, "defaults checked");
  for (const r of rows.filter((r) => r.defaultText === "required")) {
    const without = { "nameserver.address": "127.0.0.1:9876", "consumer.group": "g", "consumer.topic": "t" } as Record<string, string>;
    delete without[r.seed!];
    assert.throws(() => parseSourceOptions(without), new RegExp(`missing required option "${r.seed!.replace(/\./g, "\\.")}"`));
  }
});

s("the sink option table: every seed key with its typed name, and the parser's defaults", () => {
  const parsed = parseSinkOptions({ "nameserver.address": "127.0.0.1:9876" }) as unknown as Record<string, unknown>;
  const rows = optionTable("### Sink");
  assert.ok(checkTable(rows, SinkPropertyKeys, parsed) >= 3, "defaults checked");
  assert.match(String(parsed.producerGroup), new RegExp(`^${rows.find((r) => r.typed === "producerGroup")!.defaultText.replace("<uuid>", "[0-9a-f-]{36}")}$`));
});

s.run();
