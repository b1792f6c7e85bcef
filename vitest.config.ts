import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    // Most tests wait on child processes (git, the CLI, a mission's own commands) rather than
    // compute, so one more file in flight than there are cores keeps both cores busy.
    pool: "forks",
    maxWorkers: availableParallelism() + 1,
    // backstops against a hang, never a measure of speed: no test waits for time, only for events
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // .ci/run sets MISSIONC_TEST_REPORT to count passed and failed tests from the JSON report
    reporters: process.env["MISSIONC_TEST_REPORT"] ? ["default", "json"] : ["default"],
    ...(process.env["MISSIONC_TEST_REPORT"] ? { outputFile: { json: process.env["MISSIONC_TEST_REPORT"] } } : {}),
  },
});
