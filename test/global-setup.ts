import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * One folder for a whole test run, holding each test file's own (test/setup.ts), removed when the
 * run ends: a file whose tests are all skipped gets no afterAll, and its empty folder used to stay.
 * The forks inherit the variable.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "missionc-tests-"));
  process.env["MISSIONC_TEST_ROOT"] = root;
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
