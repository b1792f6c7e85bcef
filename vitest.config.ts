import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // .ci/run sets MISSIONC_TEST_REPORT to count passed and failed tests from the JSON report
    reporters: process.env["MISSIONC_TEST_REPORT"] ? ["default", "json"] : ["default"],
    ...(process.env["MISSIONC_TEST_REPORT"] ? { outputFile: { json: process.env["MISSIONC_TEST_REPORT"] } } : {}),
  },
});
