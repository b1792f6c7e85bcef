import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Usage } from "../src/agents/provider.js";
import { exampleRepo, runCli } from "./helpers/missions.js";
import { missionc } from "./helpers/cli.js";
import type { Estimate } from "../src/control/estimate.js";
import { parseAs } from "./helpers/json.js";
import { ROOT } from "./helpers/cases.js";

/**
 * Issue 17: `missionc plan --estimate`, before anything runs. On the hello example, with its
 * recorded script giving the turns, the estimate of each run it covers (the first attempts: the
 * worker's, the reviewer's, the gate's) is within a factor of two of what the recorded run used.
 */

const sum = (u: Usage): number => u.input + u.cache_read + u.cache_write + u.output;

describe("missionc plan --estimate", () => {
  it("on examples/hello: within the range of its recorded run's token use, run by run", async () => {
    const repo = exampleRepo();
    const est = missionc(["plan", "hello.mission", "--estimate", "--json"], { cwd: repo });
    expect(est.status, est.stderr).toBe(0);
    const e = parseAs<Estimate>(est.stdout);
    expect(e.runs.map((r) => r.run)).toEqual(["implement:greeter#1", "review:greeting#1:greeter", "gate:greeting#1"]);
    expect(e.runs.every((r) => r.recorded)).toBe(true);
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    const actual = new Map<string, number>();
    for (const line of readFileSync(join(repo, ".missions/hello/journal.jsonl"), "utf8").split("\n").filter(Boolean)) {
      const ev = JSON.parse(line) as { type: string; data: { run?: string; usage?: Usage } };
      if (ev.type === "model_response" && ev.data.run && ev.data.usage)
        actual.set(ev.data.run, (actual.get(ev.data.run) ?? 0) + sum(ev.data.usage));
    }
    for (const r of e.runs) {
      const used = actual.get(r.run)!;
      const ratio = sum(r.usage) / used;
      console.log(`estimate ${r.run}: ${sum(r.usage)} tokens, the recorded run used ${used} (${ratio.toFixed(2)}x)`);
      expect(ratio, r.run).toBeGreaterThan(0.5);
      expect(ratio, r.run).toBeLessThan(2);
    }
    // the whole run did more (a follow-up, a second round), which the estimate says it leaves out
    const whole = [...actual.values()].reduce((a, b) => a + b, 0);
    expect(sum(e.total.usage)).toBeLessThan(whole);
    expect(e.assumptions.join("\n")).toMatch(/follow-ups and failed rounds come on top/);
  });

  it("prints a table a milestone, the total, the simulated cache share and its assumptions; the plan JSON does not change", () => {
    const r = missionc(["plan", "examples/slack-clone/slack-clone.mission", "--estimate"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^milestone\s+runs\s+input\s+cache read\s+cache write\s+output\s+cost$/m);
    for (const m of ["accounts", "channels", "realtime", "search", "total"])
      expect(r.stdout).toMatch(new RegExp(`^${m}\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\$\\d+\\.\\d\\d$`, "m"));
    expect(r.stdout).toMatch(/cache reads \d+\.\d% of input tokens \(simulated\)/);
    expect(r.stdout).toMatch(/turns and answers from the prior \(no recorded script\)/);
    const plain = missionc(["plan", "examples/slack-clone/slack-clone.mission", "--json"]);
    expect(plain.stdout).not.toMatch(/estimate/);
  });

  it("`check` warns with the same estimate, from the recorded script, whose turns it keeps by the script's content", () => {
    const dir = mkdtempSync(join(tmpdir(), "missionc-estimate-"));
    const cache = join(dir, "cache");
    cpSync(join(ROOT, "examples/hello"), join(dir, "hello"), { recursive: true });
    const mission = join(dir, "hello/hello.mission");
    writeFileSync(mission, readFileSync(mission, "utf8").replace(/budget \{[^}]*\}/, "budget { tokens 20k }"));
    const env = { MISSIONC_CACHE_DIR: cache };
    const warned = (): number => {
      const r = missionc(["check", mission], { env });
      expect(r.status, r.stderr).toBe(0);
      const m = /warning\[M0502\]: the estimate is ([\d,]+) tokens/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      return Number(m?.[1]?.replace(/,/g, ""));
    };
    const estimated = (): number => {
      const r = missionc(["plan", mission, "--estimate"], { env });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/runs as the recorded script has them/);
      const row = /^total\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(r.stdout);
      return row ? row.slice(1, 5).reduce((a, b) => a + Number(b), 0) : NaN;
    };
    const kept = (): string[] => readdirSync(cache).filter((f) => f.startsWith("turns-"));

    const first = warned();
    expect(first).toBe(estimated());
    expect(kept()).toHaveLength(1);
    expect(warned()).toBe(first);

    // a longer recorded run: a new estimate, not the kept one
    const script = join(dir, "hello/hello.script.yaml");
    writeFileSync(
      script,
      readFileSync(script, "utf8").replace(
        '- text: "Now the tests."',
        '- text: "Now the tests, and everything I can think of first. ' + "More words. ".repeat(400) + '"',
      ),
    );
    const longer = warned();
    expect(longer).toBeGreaterThan(first);
    expect(longer).toBe(estimated());
    expect(kept()).toHaveLength(2);

    // a damaged cache file is read past, never believed
    for (const damage of ["{ not json", '{ "implement:greeter#1": "many" }', "[]"]) {
      for (const f of kept()) writeFileSync(join(cache, f), damage);
      expect(warned()).toBe(longer);
    }
  });
});
