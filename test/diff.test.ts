import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import type { PlanDiff } from "../src/plan/diff.js";
import { canonicalJson } from "../src/plan/canonical.js";
import { diffPlans } from "../src/plan/diff.js";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "../src/plan/render-diff.js";
import { ROOT, matchGolden } from "./helpers/cases.js";
import { hasStackTrace, missionc } from "./helpers/cli.js";
import { planOf, planOfFile } from "./helpers/plans.js";

const plain = new Chalk({ level: 0 });
const KINDS = ["added", "removed", "changed", "moved"] as const;

describe("diff: one case per kind of change, golden in text, markdown and json", () => {
  for (const kind of KINDS) {
    it(kind, () => {
      const dir = join(ROOT, "test/diff", kind);
      const d = diffPlans(planOfFile(`test/diff/${kind}/old.mission`), planOfFile(`test/diff/${kind}/new.mission`));
      expect(d.changes.length).toBeGreaterThan(0);
      expect(d.changes.every((c) => c.kind === kind || (kind === "changed" && c.kind === "changed"))).toBe(true);
      matchGolden(join(dir, "expected.txt"), renderDiffText(d, plain));
      // named as the command line names them, so that `missionc diff --format markdown` prints the golden
      matchGolden(
        join(dir, "expected.md"),
        renderDiffMarkdown(d, { before: `test/diff/${kind}/old.mission`, after: `test/diff/${kind}/new.mission` }),
      );
      matchGolden(join(dir, "expected.json"), renderDiffJson(d));
    });
  }

  it("widened permissions: each role and procedure an entity, every widening marked (and no narrowing)", () => {
    const dir = join(ROOT, "test/diff/widened");
    const d = diffPlans(planOfFile("test/diff/widened/old.mission"), planOfFile("test/diff/widened/new.mission"));
    expect(d.changes.map((c) => [c.entity, c.widens ?? []])).toEqual([
      ["permission/reviewer", ["tools + run"]],
      ["permission/user_tester", []],
      ["permission/worker", ["network loopback → full", "tools + research"]],
      ["procedure/install", []],
      ["procedure/test", ["network loopback → full"]],
    ]);
    matchGolden(join(dir, "expected.txt"), renderDiffText(d, plain));
    matchGolden(join(dir, "expected.md"), renderDiffMarkdown(d));
    matchGolden(join(dir, "expected.json"), renderDiffJson(d));
    // a procedure added with the internet runs the project's code with it: a widening; one with a loopback is not
    const added = diffPlans(
      planOfFile("test/diff/widened/old.mission"),
      planOf(
        readFileSync(join(dir, "old.mission"), "utf8").replace(
          'procedure test    = "npm test"',
          'procedure test    = "npm test"\n  procedure e2e = "npm run e2e" { network full }\n  procedure lint = "npm run lint"',
        ),
        join(dir, "added.mission"),
      ),
    );
    expect(added.changes.map((c) => [c.kind, c.entity, c.widens ?? []])).toEqual([
      ["added", "procedure/e2e", ["network full"]],
      ["added", "procedure/lint", []],
    ]);
  });

  it("a role handed to a command agent gets its full network, and the diff says so", () => {
    const base = readFileSync(join(ROOT, "test/diff/widened/old.mission"), "utf8").replace(
      "worker      { network loopback  tools read, write, run }",
      "worker      { network none  tools read, write, run }",
    );
    const cli = base
      .replace('model judge = openai "gpt-5"', 'model judge = openai "gpt-5"\n  model cli = command "claude -p"')
      .replace("role worker = coder", "role worker = cli");
    const d = diffPlans(planOf(base, join(ROOT, "test/diff/widened/a.mission")), planOf(cli, join(ROOT, "test/diff/widened/b.mission")));
    expect(d.changes.find((c) => c.entity === "permission/worker")).toMatchObject({
      kind: "changed",
      fields: { network: { before: "none", after: "full" } },
      widens: ["network none → full"],
    });
    expect(d.widenings).toBe(1);
    // a feature of its own command worker: the feature's line says what it adds
    const featured = base
      .replace('model judge = openai "gpt-5"', 'model judge = openai "gpt-5"\n  model cli = command "claude -p"')
      .replace('feature card "Card payments" { fulfills pay.card }', 'feature card "Card payments" { worker cli  fulfills pay.card }');
    const f = diffPlans(
      planOf(base, join(ROOT, "test/diff/widened/a.mission")),
      planOf(featured, join(ROOT, "test/diff/widened/c.mission")),
    );
    expect(f.changes.filter((c) => c.widens).map((c) => [c.entity, c.widens])).toEqual([["feature/card", ["network none → full"]]]);
  });

  it("names entities as DESIGN §4 writes them", () => {
    const changed = diffPlans(planOfFile("test/diff/changed/old.mission"), planOfFile("test/diff/changed/new.mission"));
    const entities = changed.changes.map((c) => c.entity);
    for (const e of [
      "feature/store",
      "assertion/cart.sum",
      "role/worker",
      "model/judge",
      "procedure/test",
      "budget/tokens",
      "policy/max_rounds",
    ])
      expect(entities).toContain(e);
    const store = changed.changes.find((c) => c.entity === "feature/store")!;
    expect(store.fields!["spec"]).toEqual({ before: "Keep the cart in memory", after: "Keep the cart in SQLite" });
    const moved = diffPlans(planOfFile("test/diff/moved/old.mission"), planOfFile("test/diff/moved/new.mission"));
    expect(moved.changes.find((c) => c.entity === "feature/totals")).toMatchObject({
      kind: "moved",
      from: { milestone: "cart" },
      to: { milestone: "pay" },
    });
  });

  it("a mission compared with itself, or with its own plan JSON, has no changes", () => {
    const plan = planOfFile("examples/slack-clone/slack-clone.mission");
    expect(diffPlans(plan, plan).changes).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), "missionc-diff-"));
    writeFileSync(join(dir, "plan.json"), canonicalJson(plan));
    const r = missionc(["diff", join(dir, "plan.json"), "examples/slack-clone/slack-clone.mission", "--exit-code"]);
    expect(r.stdout).toMatch(/No changes/);
    expect(r.status).toBe(0);
  });

  it("a plan JSON edited by hand after missionc wrote it is refused, not trusted by its digests", () => {
    const plan = planOfFile("examples/slack-clone/slack-clone.mission");
    const dir = mkdtempSync(join(tmpdir(), "missionc-diff-"));
    const edited = canonicalJson(plan).replace(/"title": "[^"]+"/, '"title": "Something else"');
    expect(edited).not.toBe(canonicalJson(plan));
    writeFileSync(join(dir, "plan.json"), edited);
    const r = missionc(["diff", join(dir, "plan.json"), "examples/slack-clone/slack-clone.mission"]);
    expect([r.status, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toMatch(/plan\.json was edited after missionc wrote it: its content does not match its digest/);
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" },
  });
}

describe("missionc diff", () => {
  it("--format markdown and --exit-code, from the command line", () => {
    const r = missionc(["diff", "test/diff/moved/old.mission", "test/diff/moved/new.mission", "--format", "markdown", "--exit-code"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(readFileSync(join(ROOT, "test/diff/moved/expected.md"), "utf8"));
    // the comment names its file: the CI recipe concatenates one per mission (issue 15)
    expect(r.stdout.split("\n")[0]).toBe(
      "**missionc diff** `test/diff/moved/new.mission` (against `test/diff/moved/old.mission`) — Plan: 0 to add, 0 to change, 0 to remove, 3 to move.",
    );
    const added = missionc(["diff", "test/diff/added/old.mission", "test/diff/added/new.mission", "--format", "markdown"]);
    expect(added.stdout).toContain('| + | `assertion/pay.refund` | added: "A payment can be refunded" (by user_tester) |');
  });

  it("reads REV:path from a real git repository, includes and skills at that revision too", () => {
    const repo = mkdtempSync(join(tmpdir(), "missionc-git-"));
    cpSync(join(ROOT, "examples/slack-clone"), join(repo, "specs"), { recursive: true });
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "first");
    const chat = join(repo, "specs/contract/chat.mission");
    writeFileSync(
      chat,
      readFileSync(chat, "utf8")
        .replace("Paginated history", "paginated history")
        .replace("One WebSocket per client", "One WebSocket per tab"),
    );
    writeFileSync(
      join(repo, "specs/skills/sqlite.md"),
      `${readFileSync(join(repo, "specs/skills/sqlite.md"), "utf8")}\n- Vacuum weekly.\n`,
    );
    const r = missionc(["diff", "HEAD:specs/slack-clone.mission", "specs/slack-clone.mission", "--format", "json"], { cwd: repo });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as PlanDiff;
    expect(d.changes.map((c: { entity: string }) => c.entity)).toEqual(["skill/sqlite", "feature/socket_delivery"]);
    // and the same from a sub-folder, with a path relative to it
    const sub = missionc(["diff", "HEAD:./slack-clone.mission", "slack-clone.mission", "--format", "json"], { cwd: join(repo, "specs") });
    expect((JSON.parse(sub.stdout) as PlanDiff).changes).toEqual(d.changes);
  });

  it("bad input: an unknown revision, a plan JSON that fails the schema, a file with errors", () => {
    const repo = mkdtempSync(join(tmpdir(), "missionc-git-"));
    cpSync(join(ROOT, "examples/hello"), repo, { recursive: true });
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "first");
    const rev = missionc(["diff", "no-such-rev:hello.mission", "hello.mission"], { cwd: repo });
    expect(rev.status).toBe(2);
    expect(rev.stderr).toMatch(/`no-such-rev` is not a revision in this repository/);
    const gone = missionc(["diff", "HEAD:missing.mission", "hello.mission"], { cwd: repo });
    expect(gone.status).toBe(2);
    expect(gone.stderr).toMatch(/missing\.mission does not exist at HEAD/);

    writeFileSync(join(repo, "plan.json"), JSON.stringify({ format: "missionc.plan/1", digest: "nope" }));
    const bad = missionc(["diff", "plan.json", "hello.mission"], { cwd: repo });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/plan\.json does not match specs\/plan-v1\.schema\.json/);
    writeFileSync(join(repo, "other.json"), JSON.stringify({ hello: 1 }));
    expect(missionc(["diff", "other.json", "hello.mission"], { cwd: repo }).stderr).toMatch(/is not a missionc plan/);

    const errors = missionc(["diff", join(ROOT, "test/fixtures/broken.mission"), "hello.mission"], { cwd: repo });
    expect(errors.status).toBe(1);
    expect(errors.stderr).toMatch(/M0301/);
    for (const r of [rev, gone, bad, errors]) expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
