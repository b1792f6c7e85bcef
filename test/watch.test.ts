import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { matchGolden, ROOT } from "./helpers/cases.js";
import { exampleRepo, journalHas, runCli } from "./helpers/missions.js";

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

  it.skipIf(!tmux)(
    "live in a terminal: redrawn in place while the mission runs (tmux capture-pane)",
    async () => {
      // the worker's first three turns are each held until the test has seen the screen change: the
      // frames are caught whatever the machine's speed, never by guessing how long a turn takes
      const holds = ["t1", "t2", "t3"];
      const repo = exampleRepo("hello", (dir) => {
        const path = join(dir, "hello.script.yaml");
        const script = parseYaml(readFileSync(path, "utf8")) as { runs: Record<string, Record<string, unknown>[]> };
        holds.forEach((file, i) => {
          script.runs["implement:greeter#1"][i]["wait_for"] = file;
        });
        writeFileSync(path, stringify(script, { lineWidth: 0 }));
      });
      const run = spawn(process.execPath, [join(ROOT, "bin/missionc.js"), "run", "hello.mission", "--offline"], {
        cwd: repo,
        stdio: "ignore",
      });
      const ran = new Promise<number | null>((resolve) => run.on("close", resolve));
      await journalHas(repo, "hello", (e) => e.type === "agent_started");
      const session = `missionc-watch-${process.pid}-${Date.now()}`;
      const command = `${process.execPath} ${join(ROOT, "bin/missionc.js")} watch hello.mission --interval 0.2; echo WATCH-ENDED; sleep 30`;
      execFileSync("tmux", ["new-session", "-d", "-s", session, "-x", "120", "-y", "50", "-c", repo, command]);
      const capture = (): string => execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" });
      const history = (): string => execFileSync("tmux", ["capture-pane", "-p", "-S", "-", "-t", session], { encoding: "utf8" });
      /** polls the pane until `accept` holds for what it shows (the test's time-out bounds it) */
      const screenWhere = async (accept: (screen: string) => boolean): Promise<string> => {
        for (;;) {
          const screen = capture();
          if (accept(screen)) return screen;
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      try {
        const frames: string[] = [];
        for (const file of holds) {
          const previous = frames.at(-1);
          frames.push(await screenWhere((screen) => screen.startsWith("mission hello") && screen !== previous));
          writeFileSync(join(repo, file), ""); // the held turn may end: the next frame must differ
        }
        expect(await ran).toBe(0);
        const last = await screenWhere((screen) => screen.includes("WATCH-ENDED"));
        expect(last.split("\n")[0]).toMatch(/^mission hello "Hello, missions": done/);
        expect(last).toContain("features: 2 done, 0 pending of 2");
        // live: each frame was drawn at the top of the screen while the mission ran
        for (const f of frames) expect(f.split("\n")[0]).toMatch(/^mission hello "Hello, missions": running/);
        expect(new Set(frames).size).toBe(holds.length);
        // in place: the whole history of the pane holds one frame, not one per redraw
        expect(history().match(/^mission hello /gm)).toHaveLength(1);
      } finally {
        spawnSync("tmux", ["kill-session", "-t", session]);
      }
    },
    60_000,
  );
});
