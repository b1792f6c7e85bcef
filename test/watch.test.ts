import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { matchGolden, ROOT } from "./helpers/cases.js";
import { exampleRepo, runCli } from "./helpers/missions.js";

/**
 * DESIGN §8: `missionc watch` redraws the status live, in place, on a terminal, and prints plain
 * lines when stdout is not one. The plain mode has a golden file; the live mode runs in a real
 * terminal (tmux) while a mission runs, and the pane is read back with capture-pane.
 */

const normalise = (text: string): string => text.replace(/\b[0-9a-f]{10}\b/g, "<commit>");

describe("missionc watch", () => {
  it("plain lines when stdout is not a terminal: one line an event, then the end state (golden)", async () => {
    const repo = exampleRepo("hello");
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    const r = await runCli(["watch", "hello.mission"], repo);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("\x1b"); // no terminal control in plain mode
    matchGolden(join(ROOT, "test/watch/hello.plain.txt"), normalise(r.stdout));
  });

  const tmux = spawnSync("tmux", ["-V"]).status === 0;
  if (!tmux) console.warn("watch live test skipped: tmux is not installed (Debian: apt-get install tmux)");

  it.skipIf(!tmux)("live in a terminal: redrawn in place while the mission runs (tmux capture-pane)", async () => {
    const repo = exampleRepo("hello", (dir) => {
      const path = join(dir, "hello.script.yaml");
      const script = parseYaml(readFileSync(path, "utf8")) as { runs: Record<string, Record<string, unknown>[]> };
      for (const turn of script.runs["implement:greeter#1"]!) turn["delay_ms"] = 700; // slow enough to watch
      writeFileSync(path, stringify(script, { lineWidth: 0 }));
    });
    const run = spawn(process.execPath, [join(ROOT, "bin/missionc.js"), "run", "hello.mission", "--offline"], { cwd: repo, stdio: "ignore" });
    const ran = new Promise<number | null>((resolve) => run.on("close", resolve));
    for (;;) {
      const st = await runCli(["status", "hello.mission", "--json"], repo);
      if (st.code === 0 && JSON.parse(st.stdout).state === "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const session = `missionc-watch-${process.pid}-${Date.now()}`;
    const command = `${process.execPath} ${join(ROOT, "bin/missionc.js")} watch hello.mission --interval 0.2; echo WATCH-ENDED; sleep 30`;
    execFileSync("tmux", ["new-session", "-d", "-s", session, "-x", "120", "-y", "50", "-c", repo, command]);
    const capture = (): string => execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" });
    const history = (): string => execFileSync("tmux", ["capture-pane", "-p", "-S", "-", "-t", session], { encoding: "utf8" });
    try {
      const frames = new Set<string>();
      let finished = false;
      ran.then(() => { finished = true; });
      while (!finished) {
        const screen = capture();
        if (screen.trim()) frames.add(screen);
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(await ran).toBe(0);
      let last = capture();
      for (let i = 0; i < 50 && !last.includes("WATCH-ENDED"); i++) { await new Promise((r) => setTimeout(r, 100)); last = capture(); }
      expect(last).toContain("WATCH-ENDED");
      expect(last.split("\n")[0]).toMatch(/^mission hello "Hello, missions": done/);
      expect(last).toContain("features: 2 done, 0 pending of 2");
      // live: the frames changed while it ran, and each frame was drawn at the top of the screen
      const seen = [...frames].filter((f) => f.startsWith("mission hello"));
      expect(seen.length).toBeGreaterThanOrEqual(3);
      for (const f of seen) expect(f.split("\n")[0]).toMatch(/^mission hello "Hello, missions": (running|done)/);
      // in place: the whole history of the pane holds one frame, not one per redraw
      expect(history().match(/^mission hello /gm)).toHaveLength(1);
    } finally {
      spawnSync("tmux", ["kill-session", "-t", session]);
    }
  }, 60_000);
});
