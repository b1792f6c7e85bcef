import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chalk } from "chalk";
import { checksOf } from "../src/plan/checks.js";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../src/plan/canonical.js";
import { renderPlanTree } from "../src/plan/render-plan.js";
import { format } from "../src/format/format.js";
import { ROOT, discoverCases, matchGolden, readExpectations } from "./helpers/cases.js";
import { planOf, planOfFile } from "./helpers/plans.js";
import { missionc } from "./helpers/cli.js";

const plain = new Chalk({ level: 0 });
const EXAMPLES = ["examples/hello/hello.mission", "examples/slack-clone/slack-clone.mission", "test/plan/permissions.mission"];

describe("the plan", () => {
  for (const example of EXAMPLES) {
    it(`${example}: golden JSON and tree, valid against specs/plan.schema.json`, () => {
      const plan = planOfFile(example);
      const name = example.split("/").pop()!.replace(".mission", "");
      matchGolden(join(ROOT, "test/plan", `${name}.plan.json`), canonicalJson(plan));
      matchGolden(join(ROOT, "test/plan", `${name}.plan.txt`), renderPlanTree(plan, plain));
    });
  }

  it("is byte-identical across runs and across checkouts in different places (no absolute paths)", () => {
    const here = canonicalJson(planOfFile("examples/slack-clone/slack-clone.mission"));
    expect(canonicalJson(planOfFile("examples/slack-clone/slack-clone.mission"))).toBe(here);
    const elsewhere = mkdtempSync(join(tmpdir(), "missionc-plan-"));
    cpSync(join(ROOT, "examples/slack-clone"), join(elsewhere, "deep/er/slack"), { recursive: true });
    expect(canonicalJson(planOfFile("deep/er/slack/slack-clone.mission", elsewhere))).toBe(here);
    expect(here).not.toContain(ROOT);
    expect(here).not.toContain(elsewhere);
  });

  it("does not change when only comments, whitespace or layout change", () => {
    const path = join(ROOT, "examples/slack-clone/slack-clone.mission");
    const text = readFileSync(path, "utf8");
    const base = planOf(text, path);
    // layout noise outside text blocks (whose lines are content)
    const noisy = text
      .split('"""')
      .map((part, i) => (i % 2 ? part : part.replace(/\n/g, "\n\n   ")))
      .join('"""')
      .replace(/milestone accounts/, "/* a comment */ milestone   accounts // more\n")
      .replace(/role worker\s+= sonnet/, "role\tworker=sonnet");
    expect(planOf(noisy, path).digest).toBe(base.digest);
    expect(planOf(format(text, path).text!, path).digest).toBe(base.digest);
  });

  it("changing one feature's spec changes that feature's digest and no other's", () => {
    const path = join(ROOT, "examples/slack-clone/slack-clone.mission");
    const text = readFileSync(path, "utf8");
    const before = planOf(text, path);
    const after = planOf(text.replace("Rate-limit failed logins.", "Rate-limit failed logins per IP."), path);
    expect(after.digest).not.toBe(before.digest);
    const changed = after.features.filter((f, i) => f.digest !== before.features[i].digest).map((f) => f.name);
    expect(changed).toEqual(["auth"]);
  });

  it("every clean test case lowers to a plan that satisfies the schema", () => {
    let lowered = 0;
    for (const c of discoverCases(join(ROOT, "test/cases"))) {
      const exp = readExpectations(c);
      if (!exp.ok) continue;
      planOf(readFileSync(c.entry, "utf8"), c.entry);
      lowered++;
    }
    expect(lowered).toBeGreaterThan(5);
  });

  it("resolves judges, regression checks and role defaults as DESIGN §2 and §4 say", () => {
    const plan = planOfFile("examples/slack-clone/slack-clone.mission");
    const judge = (id: string) => plan.contract.find((a) => a.id === id)!.by;
    expect(judge("auth.login")).toBe("check"); // has a check, no by
    expect(judge("auth.hashing")).toBe("reviewer"); // by reviewer
    expect(judge("auth.signup")).toBe("user_tester"); // neither, milestone runs user_testing
    const channels = plan.steps.find((s) => s.id === "validate:channels:scrutiny");
    // the plan refers to earlier milestones' checks; expanded, they are those of `accounts`
    expect(channels?.kind === "validate" && channels.regressions).toBe(true);
    expect(
      channels?.kind === "validate" &&
        checksOf(plan, channels)
          .filter((c) => c.regression)
          .map((c) => c.assertion),
    ).toEqual(["auth.login", "ws.create"]);
    const userTesting = plan.steps.find((s) => s.id === "validate:channels:user_testing");
    expect(userTesting?.kind === "validate" && [userTesting.regressions, userTesting.checks]).toEqual([false, []]);
    expect(plan.steps.map((s) => s.id).slice(0, 5)).toEqual([
      "implement:auth",
      "implement:workspaces",
      "validate:accounts:scrutiny",
      "validate:accounts:user_testing",
      "gate:accounts",
    ]);
    expect(plan.skills["realtime"].path).toBe("skills/websockets.md");
  });
});

describe("missionc plan", () => {
  it("prints the tree, --json prints the plan, -o writes it", () => {
    expect(missionc(["plan", "examples/hello/hello.mission"]).stdout).toBe(readFileSync(join(ROOT, "test/plan/hello.plan.txt"), "utf8"));
    const json = missionc(["plan", "examples/hello/hello.mission", "--json"]);
    expect(json.stdout).toBe(readFileSync(join(ROOT, "test/plan/hello.plan.json"), "utf8"));
    const dir = mkdtempSync(join(tmpdir(), "missionc-plan-"));
    const r = missionc(["plan", join(ROOT, "examples/hello/hello.mission"), "-o", "plan.json"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "plan.json"), "utf8")).toBe(json.stdout);
  });

  it("a file with errors: its diagnostics, a clear message, exit 1, no stack trace", () => {
    const r = missionc(["plan", "test/fixtures/broken.mission"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error\[M0301\]/);
    expect(r.stderr).toMatch(/has errors; fix them first/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
