import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../src/plan/canonical.js";
import { same, stayed } from "../src/plan/diff.js";
import { planFromJson } from "../src/plan/load.js";
import { upgradePlan, type PlanV1, type PlanV2 } from "../src/plan/upgrade.js";
import { readStatus } from "../src/control/status.js";
import { layoutOf } from "../src/runner/layout.js";
import { runMission } from "../src/runner/run.js";
import { ROOT } from "./helpers/cases.js";
import { missionc } from "./helpers/cli.js";
import { git, journalEvents, missionCommits } from "./helpers/missions.js";
import { planOfFile, validPlan } from "./helpers/plans.js";
import { bwrapPath } from "./helpers/sandbox.js";

/**
 * missionc.plan/2 (issue 11): validation steps refer to the checks of earlier milestones instead of
 * copying them, so a plan grows with the mission, not with its square. missionc.plan/3 (issue 13)
 * adds permissions. Plans and missions written in /1 and /2 (test/fixtures/plan-v1 and plan-v2,
 * made by the last missionc that wrote each) still read, diff and resume.
 */
const V1 = join(ROOT, "test/fixtures/plan-v1");
const V2 = join(ROOT, "test/fixtures/plan-v2");
const v1Plan = (name: string) => JSON.parse(readFileSync(join(V1, `${name}.plan.json`), "utf8")) as PlanV1;
const OLD = [
  { format: "missionc.plan/1", dir: V1 },
  { format: "missionc.plan/2", dir: V2 },
] as const;

describe("missionc.plan/3", () => {
  it.each(OLD)("a $format plan, upgraded, is the very plan its mission lowers to today, digest included", ({ format, dir }) => {
    for (const [name, mission] of [
      ["hello", "hello/hello.mission"],
      ["slack-clone", "slack-clone/slack-clone.mission"],
    ] as const) {
      const old = JSON.parse(readFileSync(join(dir, `${name}.plan.json`), "utf8")) as PlanV1 | PlanV2;
      expect(old.format).toBe(format);
      const upgraded = validPlan(upgradePlan(old));
      expect(canonicalJson(upgraded)).toBe(canonicalJson(planOfFile(mission, join(dir, "sources"))));
      // and no feature changes its digest: a replan after the upgrade resets nothing
      expect(upgraded.features.map((f) => f.digest)).toEqual(old.features.map((f) => f.digest));
      // every role and procedure has the permissions it had before there were any
      expect(upgraded.permissions.reviewer).toEqual({ network: "loopback", tools: ["read"] });
      expect(Object.values(upgraded.procedures).map((p) => p.network)).toContain("loopback");
    }
  });

  it("reads /1 plan files against their own schema, and says which formats it knows", () => {
    const ok = planFromJson(readFileSync(join(V1, "slack-clone.plan.json"), "utf8"), "old.json");
    expect(ok.ok && ok.plan.format).toBe("missionc.plan/3");
    const ok2 = planFromJson(readFileSync(join(V2, "slack-clone.plan.json"), "utf8"), "old.json");
    expect(ok2.ok && ok2.plan.format).toBe("missionc.plan/3");
    const broken = { ...v1Plan("hello"), steps: [{ kind: "validate" }] };
    const bad = planFromJson(JSON.stringify(broken), "old.json");
    // checked against the shape of the step its kind names
    expect(!bad.ok && bad.reason).toBe("old.json does not match specs/plan-v1.schema.json: /steps/0 must have required property 'id'");
    const noChecks = v1Plan("slack-clone");
    const validate = noChecks.steps.find((x) => x.kind === "validate");
    if (validate) delete (validate as Partial<typeof validate>).checks;
    const missingChecks = planFromJson(JSON.stringify(noChecks), "old.json");
    expect(!missingChecks.ok && missingChecks.reason).toMatch(/\/steps\/\d+ must have required property 'checks'$/);
    // a /3 step is checked against the shape its kind names
    const v2 = upgradePlan(v1Plan("hello"));
    const step = v2.steps.find((x) => x.kind === "validate");
    if (step) delete (step as Partial<typeof step>).regressions;
    const missing = planFromJson(JSON.stringify(v2), "new.json");
    expect(!missing.ok && missing.reason).toMatch(
      /^new\.json does not match specs\/plan\.schema\.json: \/steps\/\d+ must have required property 'regressions'$/,
    );
    const unknown = planFromJson(JSON.stringify({ ...v1Plan("hello"), format: "missionc.plan/9" }), "x.json");
    expect(!unknown.ok && unknown.reason).toBe(
      'x.json is not a missionc plan: its "format" is "missionc.plan/9", expected "missionc.plan/3" (or the older "missionc.plan/2" or "missionc.plan/1")',
    );
    // a /2 plan with a /3 field is checked against /2's schema
    const v2File = JSON.parse(readFileSync(join(V2, "hello.plan.json"), "utf8")) as PlanV2;
    const mixed = planFromJson(JSON.stringify({ ...v2File, permissions: {} }), "v2.json");
    expect(!mixed.ok && mixed.reason).toBe("v2.json does not match specs/plan-v2.schema.json: (top) must NOT have additional properties");
  });

  it.each(OLD)("missionc diff compares a $format plan file with a /3 one and with a mission", ({ dir: fixtures }) => {
    const dir = mkdtempSync(join(tmpdir(), "plan-old-diff-"));
    cpSync(join(fixtures, "sources/slack-clone"), dir, { recursive: true });
    const v2 = join(dir, "now.plan.json");
    expect(missionc(["plan", join(dir, "slack-clone.mission"), "-o", v2]).status).toBe(0);
    expect(JSON.parse(readFileSync(v2, "utf8"))).toMatchObject({ format: "missionc.plan/3" });
    const old = join(fixtures, "slack-clone.plan.json");
    const same = missionc(["diff", old, v2, "--exit-code"]);
    expect([same.status, same.stderr]).toEqual([0, ""]);
    const mission = join(dir, "slack-clone.mission");
    writeFileSync(mission, readFileSync(mission, "utf8").replace('feature auth "Email/password', 'feature auth "E-mail/password'));
    const changed = missionc(["diff", old, mission, "--format", "json"]);
    expect(changed.status).toBe(0);
    const changes = (JSON.parse(changed.stdout) as { changes: { kind: string; entity: string }[] }).changes;
    expect(changes.map((c) => `${c.kind} ${c.entity}`)).toEqual(["changed feature/auth"]);
  });

  it("plan JSON grows linearly: ten times the milestones, about ten times the bytes", () => {
    const size = (milestones: number) => {
      const dir = mkdtempSync(join(tmpdir(), "plan-size-"));
      const file = join(dir, "m.mission");
      writeFileSync(file, generated(milestones));
      const r = missionc(["plan", file, "--json"]);
      expect(r.stderr).toBe("");
      return r.stdout.length;
    };
    const ratio = size(200) / size(20);
    // /1 was quadratic here: every milestone's scrutiny listed every earlier check again (ratio ≈ 50)
    expect(ratio).toBeGreaterThan(9);
    expect(ratio).toBeLessThan(11);
  });

  it("canonical JSON is JSON.stringify of the key-sorted value, byte for byte; `same` agrees with it", () => {
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    const reference = (v: unknown) => `${JSON.stringify(sorted(v), null, 2)}\n`;
    const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown); // -0 is 0, as in a file
    const withHoles = fc.oneof(json, fc.dictionary(fc.string(), fc.oneof(json, fc.constant(undefined))));
    fc.assert(
      fc.property(withHoles, withHoles, (a, b) => {
        expect(canonicalJson(a)).toBe(reference(a));
        expect(same(a, b)).toBe(reference(a ?? null) === reference(b ?? null));
        expect(same(a, JSON.parse(canonicalJson(a)))).toBe(true);
      }),
      { numRuns: Number(process.env["FC_RUNS"] ?? 300) },
    );
  });

  it("the order diff keeps is a longest common subsequence (against the n × m table)", () => {
    const names = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }).map((xs) => xs.map((x) => `n${x}`));
    fc.assert(
      fc.property(names, names, (before, after) => {
        const keep = stayed(before, after);
        const inOrder = (xs: string[]) => xs.filter((x) => keep.has(x));
        expect(inOrder(before)).toEqual(inOrder(after));
        expect(keep.size).toBe(lcsLength(before, after));
      }),
      { numRuns: Number(process.env["FC_RUNS"] ?? 300) },
    );
  });
});

describe("a mission started by a missionc that wrote an older plan format", () => {
  it.each(OLD)("$format: resumes without --replan, records the upgrade, and completes with the work already done", async ({ dir }) => {
    const repo = mkdtempSync(join(tmpdir(), "plan-old-resume-"));
    git(repo, "init", "-q", "-b", "main");
    git(repo, "fetch", "-q", "--update-head-ok", join(dir, "hello-crashed/repo.bundle"), "refs/heads/*:refs/heads/*");
    git(repo, "reset", "-q", "--hard", "main");
    mkdirSync(join(repo, ".missions"));
    cpSync(join(dir, "hello-crashed/state"), join(repo, ".missions/hello"), { recursive: true });
    const before = journalEvents(repo, "hello");
    expect(before.at(-1)?.type).toBe("committed");
    const oldDigest = (JSON.parse(readFileSync(join(repo, ".missions/hello/plan.json"), "utf8")) as PlanV1).digest;
    const progress: string[] = [];
    const outcome = await runMission({
      missionFile: join(repo, "hello.mission"),
      offline: true,
      progress: (l) => progress.push(l),
      ...(bwrapPath ? {} : { sandbox: false }),
    });
    expect(outcome, progress.join("\n")).toMatchObject({ exit: 0, status: "done" });
    const events = journalEvents(repo, "hello");
    const upgraded = events.filter((e) => e.type === "plan_upgraded");
    expect(upgraded.map((e) => e.data)).toEqual([
      { from: oldDigest, to: expect.stringMatching(/^sha256:/) as unknown, format: "missionc.plan/3" },
    ]);
    expect(events.some((e) => e.type === "replanned")).toBe(false);
    // the new session starts (run_started) before it upgrades: the hours since the crash are not
    // active time (the fixture's events are of 2026-12-02, so a wrong fold counts at least an hour)
    const resumedAt = events.findIndex((e, i) => e.type === "run_started" && i > before.length - 1);
    expect(resumedAt).toBeGreaterThan(-1);
    expect(events.findIndex((e) => e.type === "plan_upgraded")).toBeGreaterThan(resumedAt);
    expect(readStatus(layoutOf(repo, "hello")).elapsed_seconds).toBeLessThan(600);
    // the feature committed before the crash is not made again
    expect(events.filter((e) => e.type === "committed" && e.data["feature"] === "greeter")).toHaveLength(1);
    expect(missionCommits(repo).map((c) => c.subject)[0]).toBe("The greeting program (feature greeter)");
    const stored = JSON.parse(readFileSync(join(repo, ".missions/hello/plan.json"), "utf8")) as { format: string; digest: string };
    expect(stored).toMatchObject({ format: "missionc.plan/3", digest: upgraded[0]?.data["to"] });
    expect(existsSync(join(repo, ".missions/hello/lock"))).toBe(false);
    // a second run finds nothing to upgrade
    await runMission({
      missionFile: join(repo, "hello.mission"),
      offline: true,
      progress: () => {},
      ...(bwrapPath ? {} : { sandbox: false }),
    });
    expect(journalEvents(repo, "hello").filter((e) => e.type === "plan_upgraded")).toHaveLength(1);
  });
});

function lcsLength(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => Array.from<number>({ length: b.length + 1 }).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  return dp[0][0];
}

/** A mission of `milestones` milestones, two features and four assertions (two checked) each. */
function generated(milestones: number): string {
  const lines = [
    'mission big "Big" {',
    '  goal "g"',
    '  model m = anthropic "claude-sonnet-5-5"',
    "  role orchestrator = m",
    "  role worker = m",
    "  contract {",
  ];
  for (let i = 0; i < milestones; i++)
    for (let k = 0; k < 4; k++) lines.push(`    assert m${i}.a${k} "holds ${k}"${k < 2 ? ` { check "test ${i}${k}" }` : ""}`);
  lines.push("  }");
  for (let i = 0; i < milestones; i++) {
    lines.push(`  milestone ms${i} {`);
    lines.push(`    feature f${i}a { fulfills m${i}.a0, m${i}.a1 }`, `    feature f${i}b { fulfills m${i}.a2, m${i}.a3 }`);
    lines.push("    validate scrutiny, user_testing", "  }");
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
