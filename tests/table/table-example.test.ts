/**
 * examples/table-roundtrip.ts (the example src/table/README.md shows) runs
 * unchanged as a child process on the runtime executing this suite, against
 * the real broker, and prints the rows its header promises.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cluster } from "../fixture/broker.ts";
import { currentRuntime, exitWithin, run } from "../docs/helpers.ts";

const s = suite(`table: example on ${currentRuntime()} (broker)`);

s("table-roundtrip.ts: the tag-filtered source reads back the buy and cart rows with their offsets and tags", async () => {
  const child = run(currentRuntime(), "examples/table-roundtrip.ts", { ROCKETMQ_NAMESRV: cluster().namesrv });
  const code = await exitWithin(child, 120_000);
  const { stdout, stderr } = child.output();
  assert.is(code, 0, `exited ${code}\n${stdout}\n${stderr}`);
  assert.equal(stdout.trim().split("\n"), [
    "offset 0: user 1 buy item 1001 [buy]",
    "offset 2: user 3 cart item - [cart]",
    "offset 3: user 4 buy item 1004 [buy]",
  ]);
});

s.run();
