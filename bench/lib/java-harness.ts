/**
 * Builds the Java harness (scripts/bench-java): the rocketmq-client classpath
 * from Maven Central (`mvn dependency:build-classpath`), then javac into a
 * temp directory. Both are cached by the content of the pom and the sources,
 * so a second run costs nothing.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
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

export function buildJavaHarness(log: (line: string) => void): JavaHarness {
  const pom = readFileSync(join(project, "pom.xml"), "utf8");
  const files = readdirSync(sources).filter((f) => f.endsWith(".java")).sort().map((f) => join(sources, f));
  const hash = createHash("sha256").update(pom);
  for (const f of files) hash.update(readFileSync(f));
  const key = hash.digest("hex").slice(0, 16);
  const base = join(tmpdir(), `rocketmq-webstreams-bench-java-${key}`);
  const cpFile = join(base, "classpath.txt");
  const classes = join(base, "classes");
  mkdirSync(base, { recursive: true });
  if (!existsSync(cpFile)) {
    log("resolving the Java rocketmq-client classpath with Maven");
    const r = spawnSync("mvn", ["-q", "-B", "-f", join(project, "pom.xml"), "dependency:build-classpath",
      `-Dmdep.outputFile=${cpFile}`], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`mvn dependency:build-classpath failed (exit ${r.status ?? r.error?.message})`);
  }
  const deps = readFileSync(cpFile, "utf8").trim();
  if (!existsSync(join(classes, "bench", "Bench.class"))) {
    log("compiling the Java harness with javac --release 17");
    const r = spawnSync("javac", ["--release", "17", "-d", classes, "-cp", deps, ...files], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`javac failed (exit ${r.status ?? r.error?.message})`);
  }
  const home = join(base, "home");
  mkdirSync(home, { recursive: true });
  return { classpath: `${classes}:${deps}`, home };
}
