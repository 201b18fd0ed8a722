/**
 * Builds the Java harness (scripts/bench-java): the rocketmq-client classpath
 * from Maven Central (`mvn dependency:build-classpath`), then javac into a
 * temp directory. Both are cached (the classpath by the pom, the classes by the
 * sources and the classpath), so a second run costs nothing. compileJava is
 * also what the version matrix compiles its Java fixtures with.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./paths.ts";

const project = join(root, "scripts", "bench-java");
const sources = join(project, "src", "main", "java", "bench");

export interface JavaHarness {
  readonly classpath: string;
  /** user.home of the Java clients, so their logs stay out of $HOME. */
  readonly home: string;
}

/**
 * Compiles `files` with javac --release 17 against `deps` (a classpath) into a
 * temp directory keyed by the sources and the classpath, so a second call with
 * the same inputs costs nothing. Returns the classes directory.
 */
export function compileJava(name: string, files: readonly string[], deps: string, log: (line: string) => void): string {
  const hash = createHash("sha256").update(deps);
  for (const f of [...files].sort()) hash.update(f).update(readFileSync(f));
  const classes = join(tmpdir(), `rocketmq-webstreams-${name}-${hash.digest("hex").slice(0, 16)}`, "classes");
  if (!existsSync(join(classes, ".compiled"))) {
    log(`compiling ${name} with javac --release 17`);
    const r = spawnSync("javac", ["--release", "17", "-encoding", "UTF-8", "-d", classes, "-cp", deps, ...files], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`javac failed (exit ${r.status ?? r.error?.message})`);
    writeFileSync(join(classes, ".compiled"), "");
  }
  return classes;
}

export function buildJavaHarness(log: (line: string) => void): JavaHarness {
  const pom = readFileSync(join(project, "pom.xml"), "utf8");
  const key = createHash("sha256").update(pom).digest("hex").slice(0, 16);
  const base = join(tmpdir(), `rocketmq-webstreams-bench-java-${key}`);
  const cpFile = join(base, "classpath.txt");
  mkdirSync(base, { recursive: true });
  if (!existsSync(cpFile)) {
    log("resolving the Java rocketmq-client classpath with Maven");
    const r = spawnSync("mvn", ["-q", "-B", "-f", join(project, "pom.xml"), "dependency:build-classpath",
      `-Dmdep.outputFile=${cpFile}`], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`mvn dependency:build-classpath failed (exit ${r.status ?? r.error?.message})`);
  }
  const deps = readFileSync(cpFile, "utf8").trim();
  const files = readdirSync(sources).filter((f) => f.endsWith(".java")).map((f) => join(sources, f));
  const classes = compileJava("bench-java", files, deps, log);
  const home = join(base, "home");
  mkdirSync(home, { recursive: true });
  return { classpath: `${classes}:${deps}`, home };
}
