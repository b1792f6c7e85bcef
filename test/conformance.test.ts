import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cases.js";

/**
 * The public conformance corpus lives beside the project in CI (`../shared/conformance`), not in a
 * user's clone: there the test is skipped, and says so.
 */
const runner = resolve(ROOT, "../shared/conformance/run");
const present = existsSync(runner);
if (!present) console.warn(`conformance: skipped — ${runner} is not here (it is in CI, beside the checkout)`);

describe.skipIf(!present)("conformance corpus (../shared/conformance)", () => {
  it("every case passes `missionc check --format json`", () => {
    const r = spawnSync(runner, ["--cli", `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, "bin/missionc.js"))}`], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 300_000,
    });
    const last = r.stdout.trim().split("\n").pop() ?? "";
    expect(
      r.stdout.split("\n").filter((l) => l.startsWith("FAIL") || l.startsWith("      ")),
      last,
    ).toEqual([]);
    expect(last).toMatch(/conformance: \d+ passed, 0 failed/);
    expect(r.status).toBe(0);
  });
});
