/**
 * The npm package works where the sources are not allowed: Node (and Deno
 * in a package.json project) refuse to strip types under node_modules, so
 * the package ships dist/ (JavaScript + declarations, `npm run build`).
 * This suite builds into a temporary directory, packs it with `npm pack`
 * (so package.json's "files" decide what ships), installs the tarball next
 * to this checkout's dependencies, and checks that Node 24 imports every
 * subpath with the same export names as the sources, and that a strict
 * NodeNext TypeScript consumer typechecks against the declarations.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { root } from "./helpers.ts";

type ExportMap = Record<string, { types: string; default: string }>;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: ExportMap; dependencies: Record<string, string> };
const sources = (JSON.parse(readFileSync(join(root, "deno.json"), "utf8")) as { exports: Record<string, string> }).exports;
const bin = (name: string) => join(root, "node_modules", ".bin", name);

function sh(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "error" } });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}

const s = suite("docs: the npm package (dist/ built, packed, installed, imported by Node 24)");
let work = "";
let installed = "";
let files: string[] = [];

s.before(() => {
  work = mkdtempSync(join(tmpdir(), "rmq-ws-pack-"));
  const staged = join(work, "staged");
  mkdirSync(staged);
  sh(bin("tsc"), ["-p", join(root, "tsconfig.build.json"), "--outDir", join(staged, "dist")], root);
  cpSync(join(root, "package.json"), join(staged, "package.json"));
  cpSync(join(root, "README.md"), join(staged, "README.md"));
  const packed = JSON.parse(sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], staged)) as
    [{ filename: string; files: { path: string }[] }];
  files = packed[0].files.map((f) => f.path);
  const app = join(work, "app");
  installed = join(app, "node_modules", "rocketmq-webstreams");
  mkdirSync(installed, { recursive: true });
  sh("tar", ["xzf", join(work, packed[0].filename), "-C", installed, "--strip-components", "1"], work);
  // the runtime dependencies come from this checkout instead of the registry (CI may be offline)
  for (const dep of Object.keys(pkg.dependencies)) symlinkSync(join(root, "node_modules", dep), join(app, "node_modules", dep), "dir");
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
});
s.after(() => void rmSync(work, { recursive: true, force: true }));

s("package.json and deno.json export the same subpaths, each dist file compiled from its deno.json source", () => {
  assert.equal(Object.keys(pkg.exports).sort(), Object.keys(sources).sort());
  for (const [sub, target] of Object.entries(pkg.exports)) {
    const src = sources[sub]!.replace(/^\.\//, "");
    assert.is(target.default, `./dist/${src.replace(/\.ts$/, ".js")}`, `${sub} default`);
    assert.is(target.types, `./dist/${src.replace(/\.ts$/, ".d.ts")}`, `${sub} types`);
  }
});

s("the tarball holds the JS and declarations of every export, and no tests, benchmarks or scripts", () => {
  for (const target of Object.values(pkg.exports)) {
    for (const file of [target.default, target.types]) assert.ok(files.includes(file.replace(/^\.\//, "")), `${file} is packed`);
  }
  // what `npm pack` would take from this checkout itself (dry run: the checkout's dist/ may be absent or stale)
  const fromCheckout = (JSON.parse(sh("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], root)) as [{ files: { path: string }[] }])[0]
    .files.map((f) => f.path);
  const stray = [...files, ...fromCheckout].filter((f) => !/^(dist\/|README\.md$|package\.json$)/.test(f));
  assert.equal(stray, [], "nothing but dist/, README.md and package.json ships");
});

s("Node 24 imports every subpath of the installed package, with the sources' export names", async () => {
  const probe = join(installed, "..", "..", "probe.mjs");
  writeFileSync(probe, `const subs = ${JSON.stringify(Object.keys(pkg.exports))};\nconst out = {};\n` +
    `for (const sub of subs) out[sub] = Object.keys(await import("rocketmq-webstreams" + sub.slice(1))).sort();\n` +
    `console.log(JSON.stringify(out));\n`);
  const names = JSON.parse(sh(bin("node"), [probe], join(installed, "..", ".."))) as Record<string, string[]>;
  for (const [sub, src] of Object.entries(sources)) {
    const expected = Object.keys(await import(pathToFileURL(join(root, src)).href)).sort();
    assert.ok(expected.length > 0, `${sub} exports something`);
    assert.equal(names[sub], expected, `${sub}: the installed JS exports what ${src} does`);
  }
});

s("a strict NodeNext TypeScript consumer typechecks against the packed declarations", () => {
  const app = join(installed, "..", "..");
  writeFileSync(join(app, "consumer.ts"), [
    `import { RocketMQSource, checkpoint } from "rocketmq-webstreams";`,
    `import { RocketMQError, ErrorCodes } from "rocketmq-webstreams/errors";`,
    `import { RemotingClient } from "rocketmq-webstreams/remoting";`,
    `const source: typeof RocketMQSource = RocketMQSource;`,
    `const code: string = ErrorCodes.CONFIG_INVALID;`,
    `export const used = [source, checkpoint, RocketMQError, RemotingClient, code] as const;`,
  ].join("\n"));
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext",
    target: "ES2023", lib: ["ES2023", "DOM"], strict: true, noEmit: true, types: [] }, files: ["consumer.ts"] }));
  sh(bin("tsc"), ["-p", join(app, "tsconfig.json")], app);
});

s.run();
