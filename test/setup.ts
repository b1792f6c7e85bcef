import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/**
 * Each test file gets its own temporary folder (TMPDIR, which os.tmpdir(), git and every child
 * process honour), removed when the file's tests are done: the scratch repositories, state folders
 * and logs of hundreds of runs do not pile up in /tmp.
 */
const scratch = mkdtempSync(join(process.env["MISSIONC_TEST_ROOT"] ?? tmpdir(), "missionc-tests-"));
process.env["TMPDIR"] = scratch;

/**
 * Every journal event any test writes, in this process or a child's (a CLI run inherits it), is
 * checked against specs/journal.schema.json as it is written: a field the types let through (a
 * spread, a cast) and the schema does not know fails the test that wrote it.
 */
process.env["MISSIONC_CHECK_JOURNAL"] = "1";

/**
 * The date `check` compares model end-of-life dates against (M0404): fixed, so that a golden file
 * does not change the day a model the SDK deprecates reaches its end of life.
 */
process.env["MISSIONC_TODAY"] = "2026-12-03";

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
});
