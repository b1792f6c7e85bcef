import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toDot, toMermaid } from "../src/plan/graph.js";
import { ROOT, matchGolden } from "./helpers/cases.js";
import { missionc } from "./helpers/cli.js";
import { planOfFile } from "./helpers/plans.js";

const EXAMPLES = ["examples/hello/hello.mission", "examples/slack-clone/slack-clone.mission"];
const dot = spawnSync("dot", ["-V"], { encoding: "utf8" });
const hasDot = dot.status === 0;
if (!hasDot) console.warn("graph: `dot` (Debian's graphviz) is not installed; the check that it accepts the DOT output is skipped");

describe("missionc graph", () => {
  for (const example of EXAMPLES) {
    const name = example.split("/").pop()!.replace(".mission", "");
    it(`${name}: golden mermaid and dot`, () => {
      const plan = planOfFile(example);
      matchGolden(join(ROOT, "test/graph", `${name}.mmd`), toMermaid(plan));
      matchGolden(join(ROOT, "test/graph", `${name}.dot`), toDot(plan));
      // every feature and assertion is drawn, and every needs and fulfills edge
      const mermaid = toMermaid(plan);
      const needs = plan.features.reduce((n, f) => n + f.needs.length, 0);
      const fulfills = plan.features.reduce((n, f) => n + f.fulfills.length, 0);
      expect(mermaid.match(/ --> /g)?.length ?? 0).toBe(needs);
      expect(mermaid.match(/ -\.-> /g)?.length ?? 0).toBe(fulfills);
      expect(mermaid.match(/^ {2}subgraph /gm)?.length).toBe(plan.milestones.length);
    });

    it.skipIf(!hasDot)(`${name}: the DOT output is accepted by graphviz`, () => {
      const r = spawnSync("dot", ["-Tsvg"], { input: toDot(planOfFile(example)), encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/<svg/);
      for (const f of planOfFile(example).features) expect(r.stdout).toContain(f.name);
    });
  }

  it("keeps names apart that differ only in punctuation (`my-f`, `my_f`; `x.y_z`, `x_y.z`)", () => {
    const base = planOfFile("examples/hello/hello.mission");
    const plan = {
      ...base,
      milestones: [{ name: "m", features: ["my-f", "my_f"], validators: ["scrutiny" as const] }],
      features: [
        { ...base.features[0], name: "my-f", milestone: "m", needs: [], fulfills: ["x.y_z"] },
        { ...base.features[0], name: "my_f", milestone: "m", needs: ["my-f"], fulfills: ["x_y.z"] },
      ],
      contract: [
        { ...base.contract[0], id: "x.y_z" },
        { ...base.contract[0], id: "x_y.z" },
      ],
    };
    const ids = [...toMermaid(plan).matchAll(/^\s+(\S+)[[(]/gm)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(toMermaid(plan)).not.toMatch(/(\S+) --> \1$/m);
  });

  it("from the command line, in both formats; an unknown format is a usage error", () => {
    expect(missionc(["graph", "examples/hello/hello.mission"]).stdout).toBe(toMermaid(planOfFile("examples/hello/hello.mission")));
    expect(missionc(["graph", "examples/hello/hello.mission", "--format", "dot"]).stdout).toBe(
      toDot(planOfFile("examples/hello/hello.mission")),
    );
    const bad = missionc(["graph", "examples/hello/hello.mission", "--format", "png"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown format `png`/);
  });
});
