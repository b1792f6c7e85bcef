import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/**
 * Each test file gets its own temporary folder (TMPDIR, which os.tmpdir(), git and every child
 * process honour), removed when the file's tests are done: the scratch repositories, state folders
 * and logs of hundreds of runs do not pile up in /tmp.
 */
const scratch = mkdtempSync(join(tmpdir(), "missionc-tests-"));
process.env["TMPDIR"] = scratch;

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
});
