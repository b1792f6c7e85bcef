import { execFileSync } from "node:child_process";
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { hasStackTrace, missionc } from "./helpers/cli.js";
import { ROOT } from "./helpers/cases.js";
import { SANDBOX_FLAGS } from "./helpers/sandbox.js";
import type { JsonDiagnostic } from "../src/diagnostics/render-json.js";
import type { CheckResult } from "../src/semantics/check.js";
import { parseAs } from "./helpers/json.js";

/** What `check --format json` prints (DESIGN §3). */
type CheckJson = Pick<CheckResult, "ok" | "coverage" | "files"> & { diagnostics: JsonDiagnostic[] };

/** The part of a SARIF 2.1.0 log these tests read. */
interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
    }[];
  }[];
}

const SLACK = "examples/slack-clone/slack-clone.mission";
const BROKEN = "test/fixtures/broken.mission";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "missionc-cli-"));
}

describe("missionc check", () => {
  it("prints a clean result with the coverage summary for the Slack clone", () => {
    const r = missionc(["check", SLACK]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`ok  ${SLACK}`);
    expect(r.stdout).toMatch(/coverage: 18\/18 assertions fulfilled \(100%\), 7 with a machine check/);
    expect(r.stdout).toMatch(/accounts\s+5 assertions\s+2 checked/);
  });

  it("--format json has the shape of DESIGN §3", () => {
    const r = missionc(["check", BROKEN, "--format", "json"]);
    expect(r.status).toBe(1);
    const out = parseAs<CheckJson>(r.stdout);
    expect(out.ok).toBe(false);
    const d = out.diagnostics.find((x: { code: string }) => x.code === "M0301");
    expect(d).toMatchObject({ severity: "error", file: BROKEN, labels: [] });
    expect([typeof d?.range.start.line, typeof d?.range.start.column, typeof d?.range.end]).toEqual(["number", "number", "object"]);
    expect(typeof d?.help).toBe("string");
    expect(out.coverage).toMatchObject({ assertions: 3, fulfilled: 2, ratio: 0.6667, checked: 1, unfulfilled: ["chat.edit"] });
    expect(out.coverage.milestones.one).toEqual({ assertions: 2, fulfilled: 2, checked: 1 });
    expect(out.files).toEqual([{ file: BROKEN, ok: false, coverage: out.coverage }]);
  });

  it("with several files sums coverage and lists each file", () => {
    const r = missionc(["check", SLACK, "examples/hello/hello.mission", "--format", "json"]);
    expect(r.status).toBe(0);
    const out = parseAs<CheckJson>(r.stdout);
    expect(out.files.map((f: { file: string }) => f.file)).toEqual([SLACK, "examples/hello/hello.mission"]);
    expect(out.coverage.assertions).toBe(21);
  });

  it("warnings pass unless --warnings-as-errors", () => {
    expect(missionc(["check", "test/fixtures/warning.mission"]).status).toBe(0);
    const r = missionc(["check", "test/fixtures/warning.mission", "--warnings-as-errors", "--format", "json"]);
    expect(r.status).toBe(1);
    expect(parseAs<CheckJson>(r.stdout).ok).toBe(false);
  });

  it("--format sarif is SARIF 2.1.0 with rules and locations", () => {
    const r = missionc(["check", BROKEN, "--format", "sarif"]);
    expect(r.status).toBe(1);
    const log = parseAs<SarifLog>(r.stdout);
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const schema = parseAs<object>(readFileSync(join(ROOT, "test/fixtures/sarif-2.1.0-subset.schema.json"), "utf8"));
    expect(ajv.validate(schema, log), JSON.stringify(ajv.errors)).toBe(true);
    const run = log.runs[0];
    const result = run.results.find((x) => x.ruleId === "M0301")!;
    expect(result.level).toBe("error");
    expect(result.locations[0]?.physicalLocation.artifactLocation.uri).toBe(BROKEN);
    expect(run.tool.driver.rules[result.ruleIndex]?.id).toBe("M0301");
  });

  it("--format github prints workflow annotations, and is the default under GITHUB_ACTIONS", () => {
    const explicit = missionc(["check", BROKEN, "--format", "github"]);
    const auto = missionc(["check", BROKEN], { env: { GITHUB_ACTIONS: "true" } });
    expect(auto.stdout).toBe(explicit.stdout);
    expect(explicit.stdout).toMatch(
      /^::error file=test\/fixtures\/broken\.mission,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=M0301::assertion `chat\.edit` is fulfilled by no feature%0Ahelp: /m,
    );
  });

  it("pretty output has no colour under NO_COLOR or when piped, and colour under FORCE_COLOR", () => {
    expect(missionc(["check", BROKEN]).stdout).not.toContain("\u001b[");
    expect(missionc(["check", BROKEN], { env: { NO_COLOR: undefined } }).stdout).not.toContain("\u001b[");
    expect(missionc(["check", BROKEN], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } }).stdout).toContain("\u001b[");
  });

  it("an unknown format is a usage error", () => {
    const r = missionc(["check", SLACK, "--format", "xml"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown format `xml`/);
  });
});

describe("bad input: a clear message, exit 2 (I/O) or 1 (diagnostics), never a stack trace", () => {
  it("a missing file", () => {
    const r = missionc(["check", "no/such.mission"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot check no\/such\.mission: it does not exist/);
    expect(r.stdout).toBe("");
    expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
  });

  it("a directory means every .mission file under it (issue 15); one without any is a usage error", () => {
    const r = missionc(["check", "examples"]);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ["examples/hello/hello.mission", "examples/notes/notes.mission", "examples/slack-clone/slack-clone.mission"])
      expect(r.stdout).toContain(`ok  ${f}`);
    const empty = scratch();
    const none = missionc(["check", empty]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/no \.mission file in/);
  });

  it("- reads the mission from stdin (issue 15)", () => {
    const r = missionc(["check", "-", "--format", "json"], { input: readFileSync(join(ROOT, "examples/hello/hello.mission"), "utf8") });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { files: { file: string }[] }).files.map((f) => f.file)).toEqual(["<stdin>"]);
  });

  it("a binary file", () => {
    const dir = scratch();
    writeFileSync(join(dir, "x.mission"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    const r = missionc(["check", "x.mission"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/binary/);
  });

  it("an empty file is M0201 at 1:1", () => {
    const dir = scratch();
    writeFileSync(join(dir, "empty.mission"), "");
    const r = missionc(["check", "empty.mission", "--format", "json"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(parseAs<CheckJson>(r.stdout).diagnostics[0]).toMatchObject({ code: "M0201", range: { start: { line: 1, column: 1 } } });
  });

  it("a file over the size limit, which the message says how to raise", () => {
    const dir = scratch();
    writeFileSync(join(dir, "big.mission"), "// padding\n".repeat(Math.ceil((3 * 1024 * 1024) / 11)));
    const r = missionc(["check", "big.mission"], { cwd: dir, env: { MISSIONC_MAX_FILE_MB: "2" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/too large \(3\.0 MB; the limit is 2\.0 MB: set MISSIONC_MAX_FILE_MB to raise it/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    // the default limit (128 MB) is far above that
    expect(missionc(["check", "big.mission"], { cwd: dir }).status).toBe(1);
  });

  it("a file over the default limit of 128 MB, never read (a sparse file)", () => {
    const dir = scratch();
    const fd = openSync(join(dir, "huge.mission"), "w");
    ftruncateSync(fd, 129 * 1024 * 1024);
    closeSync(fd);
    const r = missionc(["check", "huge.mission"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/too large \(129\.0 MB; the limit is 128\.0 MB/);
  });

  it("text that is not UTF-8", () => {
    const dir = scratch();
    writeFileSync(join(dir, "latin1.mission"), Buffer.from("mission caf\xe9 {}", "latin1"));
    const r = missionc(["check", "latin1.mission"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/UTF-8/);
  });

  it("hostile input: 50,000 stray characters, blocks nested 3,000 deep, a 10 MB unterminated string, a FIFO", () => {
    const dir = scratch();
    writeFileSync(join(dir, "semi.mission"), "a;".repeat(50_000));
    const semi = missionc(["check", "semi.mission"], { cwd: dir });
    expect(semi.status).toBe(1);
    expect(semi.stdout).toMatch(/more problems in this file are not shown/);
    writeFileSync(join(dir, "deep.mission"), `mission m {\n${"x { ".repeat(3000)}`);
    const deep = missionc(["check", "deep.mission", "--format", "json"], { cwd: dir });
    expect(deep.status).toBe(1);
    expect(parseAs<CheckJson>(deep.stdout).diagnostics.map((d: { message: string }) => d.message)).toContain(
      "blocks nested more than 64 deep; the rest of the file is not read",
    );
    writeFileSync(join(dir, "long.mission"), `mission m { goal "${"x".repeat(10 * 1024 * 1024)}`);
    const long = missionc(["check", "long.mission", "--format", "json"], { cwd: dir });
    expect(long.status).toBe(1);
    expect(parseAs<CheckJson>(long.stdout).diagnostics[0].code).toBe("M0002");
    execFileSync("mkfifo", [join(dir, "pipe.mission")]);
    const fifo = missionc(["check", "pipe.mission"], { cwd: dir });
    expect(fifo.status).toBe(2);
    expect(fifo.stderr).toMatch(/is not a regular file/);
    for (const r of [semi, deep, long, fifo]) expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("paths in diagnostics are relative to the working directory, for included files too", () => {
    const dir = scratch();
    mkdirSync(join(dir, "specs/parts"), { recursive: true });
    writeFileSync(
      join(dir, "specs/main.mission"),
      readFileSync(join(ROOT, "test/fixtures/broken.mission"), "utf8").replace(
        "milestone one",
        'include "parts/more.mission"\n  milestone one',
      ),
    );
    writeFileSync(join(dir, "specs/parts/more.mission"), 'contract { assert x.y "y" }\n');
    const r = missionc(["check", "specs/main.mission", "--format", "json"], { cwd: dir });
    const files = parseAs<CheckJson>(r.stdout).diagnostics.map((d: { file: string }) => d.file);
    expect(files).toContain("specs/main.mission");
    expect(files).toContain("specs/parts/more.mission");
  });
});

describe("the rest of the command line", () => {
  it("--help lists every command and `check --help` every option", () => {
    const top = missionc(["--help"]);
    expect(top.status).toBe(0);
    for (const cmd of ["check", "explain", "init"]) expect(top.stdout).toContain(cmd);
    const sub = missionc(["check", "--help"]);
    expect(sub.status).toBe(0);
    for (const opt of ["--format", "--warnings-as-errors", "pretty, json, sarif or github"]) expect(sub.stdout).toContain(opt);
  });

  it("--version prints the package version", () => {
    const r = missionc(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(parseAs<{ version: string }>(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });

  it("an unknown command is a usage error with a hint", () => {
    const r = missionc(["chek", SLACK]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command `chek`/);
    expect(r.stderr).toMatch(/did you mean `missionc check`\?/);
  });

  it("an unknown flag is a usage error with a hint", () => {
    const r = missionc(["check", SLACK, "--frmat", "json"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option `--frmat`/);
    expect(r.stderr).toMatch(/hint: did you mean `--format`\?/);
    // named as typed, not as the parser stores it
    const kebab = missionc(["check", SLACK, "--warnings-as-error"]);
    expect(kebab.stderr).toMatch(/unknown option `--warnings-as-error`\n.*did you mean `--warnings-as-errors`\?/);
    const far = missionc(["check", SLACK, "--colourful"]);
    expect(far.stderr).toMatch(/missionc check --help/);
  });

  it("flags go anywhere: --warnings-as-errors before the files takes no file for its value; --version after a command is refused", () => {
    const before = missionc([
      "check",
      "--warnings-as-errors",
      "--format",
      "json",
      "test/fixtures/warning.mission",
      "examples/hello/hello.mission",
    ]);
    expect(parseAs<CheckJson>(before.stdout).files.map((f: { file: string }) => f.file)).toEqual([
      "test/fixtures/warning.mission",
      "examples/hello/hello.mission",
    ]);
    expect(before.status).toBe(1);
    const version = missionc(["check", "test/fixtures/broken.mission", "-v"]);
    expect(version.status).toBe(2);
    expect(version.stderr).toMatch(/--version is not an option of `check`/);
  });

  it("check without files is a usage error", () => {
    const r = missionc(["check"]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("explain prints a code's entry: meaning, failing example, fix", () => {
    const r = missionc(["explain", "M0301"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^## M0301/);
    expect(r.stdout).toMatch(/### Example/);
    expect(r.stdout).toMatch(/### Fix/);
    expect(r.stdout).not.toMatch(/## M0302/);
    expect(missionc(["explain", "m0301"]).stdout).toBe(r.stdout);
  });

  it("explain of an unknown code is a usage error that suggests one", () => {
    const r = missionc(["explain", "M0310"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no diagnostic code `M0310`/);
  });

  it("init writes a starter mission that checks clean, and refuses to overwrite it", () => {
    const dir = scratch();
    const r = missionc(["init", "todo_app"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, "todo_app.mission"))).toBe(true);
    const c = missionc(["check", "todo_app.mission", "--warnings-as-errors"], { cwd: dir });
    expect(c.stdout).toContain("ok  todo_app.mission");
    expect(c.status).toBe(0);
    const again = missionc(["init", "todo_app"], { cwd: dir });
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it("init --script writes a starter offline script too, which run --offline plays through to the end (issue 15)", () => {
    const dir = scratch();
    expect(missionc(["init", "todo_app", "--script"], { cwd: dir }).stdout).toMatch(/created todo_app\.mission and todo_app\.script\.yaml/);
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
    execFileSync("git", ["add", "-A"], { cwd: dir });
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"], { cwd: dir });
    const r = missionc(["run", "todo_app.mission", "--offline", ...SANDBOX_FLAGS], { cwd: dir });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("mission complete");
  });
});
