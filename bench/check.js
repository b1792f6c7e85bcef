// bench/check: `missionc check` on generated missions of 1,000, 10,000 and 100,000 features (5
// assertions each), side by side with the same content as YAML checked by bench/yaml-ajv.js (parsed
// by `yaml`, validated by ajv against bench/mission.schema.json). Twice: (a) whole processes, wall
// clock, as a user or CI would run them; (b) in this process, the text already in memory, so the
// figure is the compiler's work alone. Contenders and sizes take turns run by run. Prints min and
// median of each, the ratio yaml/check, the growth of check's time per 10x input, and the goals.
// `node --expose-gc bench/check.js [FEATURES…]` runs it alone (on the sizes given, if any).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadProgram } from "../dist/syntax/includes.js";
import { checkProgram } from "../dist/semantics/check.js";
import { missionContent, toMission, toYaml } from "./generate.js";
import { cells, interleaved, median, ms, printTable, ratio, runNode, verdict } from "./timing.js";
import { yamlChecker } from "./yaml-ajv.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin/missionc.js");
const YAML_AJV = join(ROOT, "bench/yaml-ajv.js");
/** A run that takes longer is stopped and reported as timed out (YAML at 100,000 takes about a minute). */
const TIMEOUT_MS = 300_000;

/**
 * Runs of each contender (check, yaml) at each size, and untimed warm-ups before them. Fewer at the
 * large sizes. One YAML run of 100,000 features takes 50 to 100 s: its parse needs about 4 GB, near
 * node's default heap limit, where the collector thrashes. So YAML runs once there, its min its
 * median, to keep `npm run bench` near 6 minutes (the growth figures rest on check's runs); and its
 * in-process figure (`yaml: "inside"`) is timed inside that whole-process run, around the parse and
 * the validation alone, because the same parse in this process, beside the texts it holds, runs out
 * of memory and would stop the bench.
 * @typedef {{ warmups: number, check: number, yaml: number }} Runs
 * @type {{ features: number, whole: Runs, inProcess: { warmups: number, check: number, yaml: number | "inside" } }[]}
 */
const SIZES = [
  { features: 1_000, whole: { warmups: 1, check: 11, yaml: 11 }, inProcess: { warmups: 2, check: 11, yaml: 11 } },
  { features: 10_000, whole: { warmups: 1, check: 5, yaml: 5 }, inProcess: { warmups: 1, check: 5, yaml: 5 } },
  { features: 100_000, whole: { warmups: 0, check: 3, yaml: 1 }, inProcess: { warmups: 0, check: 3, yaml: "inside" } },
];

/** A host that serves the one generated file from memory: no disk in the in-process timing. */
/** @type {import("../dist/syntax/host.js").SourceHost} */
const host = { read: () => ({ error: "no includes here" }), exists: () => true, list: () => [], display: (p) => p };

/** @param {string} text @returns {import("./timing.js").Outcome} */
function checkInProcess(text) {
  const r = checkProgram(loadProgram("/bench/generated.mission", text, host), host);
  const error = r.diagnostics.find((d) => d.severity === "error");
  return error ? { ok: false, status: "failed", message: `the generated mission has errors: ${error.message}` } : { ok: true };
}

/** @param {number} n */
const count = (n) => n.toLocaleString("en");

/** @param {number} bytes */
const size = (bytes) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} KB`);

/**
 * Writes the mission and its YAML form of `features` features into `dir`.
 * @param {string} dir @param {number} features
 */
function generate(dir, features) {
  const content = missionContent(features);
  const mission = join(dir, `generated-${features}.mission`);
  const yaml = join(dir, `generated-${features}.yaml`);
  writeFileSync(mission, toMission(content));
  writeFileSync(yaml, toYaml(content));
  return {
    features,
    assertions: content.contract.length,
    mission,
    yaml,
    missionBytes: statSync(mission).size,
    yamlBytes: statSync(yaml).size,
  };
}

/** @typedef {ReturnType<typeof generate>} Generated */
/** @typedef {{ check: import("./timing.js").Timing, yaml: import("./timing.js").Timing }} Pair */

/**
 * Prints one mode's table, its failures, the ratio goals (when given) and the growth of check's time.
 * @param {string} mode
 * @param {Generated[]} files
 * @param {Pair[]} pairs
 * @param {Map<number, number>} ratioGoals features → the least yaml/check ratio wanted
 */
function report(mode, files, pairs, ratioGoals) {
  printTable(
    [
      "features",
      "runs c/y",
      "check min",
      "check median",
      "yaml+ajv min",
      "yaml+ajv median",
      "yaml/check median",
      "yaml/check min",
      ratioGoals.size ? "goal" : "",
    ],
    files.map((f, i) => {
      const p = pairs[i];
      if (!p) return [];
      const c = cells(p.check);
      const y = cells(p.yaml);
      const goal = ratioGoals.get(f.features);
      return [
        count(f.features),
        `${p.check.times.length}/${p.yaml.times.length}`,
        c.min,
        c.median,
        y.min,
        y.median,
        ratio(p.yaml.median, p.check.median),
        ratio(p.yaml.min, p.check.min),
        goal === undefined ? "" : `≥ ${goal}x ${verdict(p.yaml.median / p.check.median >= goal)}`,
      ];
    }),
  );
  files.forEach((f, i) => {
    for (const [name, t] of /** @type {const} */ ([
      ["check", pairs[i]?.check],
      ["yaml+ajv", pairs[i]?.yaml],
    ]))
      if (t?.failure)
        console.log(`  ${count(f.features)} ${name}: ${t.failure.status} after ${ms(t.failure.afterMs)} ms — ${t.failure.message}`);
  });
  /** @type {string[]} */
  const growth = [];
  let met = true;
  for (let i = 1; i < files.length; i++) {
    const [small, large] = [files[i - 1], files[i]];
    const [a, b] = [pairs[i - 1]?.check, pairs[i]?.check];
    if (!small || !large || !a || !b) continue;
    const name = `${count(large.features / 1000)}k/${count(small.features / 1000)}k`;
    const times = large.features / small.features;
    if (a.failure || b.failure) {
      growth.push(`${name} n/a (check ${(a.failure ?? b.failure)?.status} at ${count((a.failure ? small : large).features)})`);
      continue;
    }
    const g = b.median / a.median;
    // per 10x input, whatever the step between the sizes
    const per10 = g ** (1 / Math.log10(times));
    met &&= per10 <= 12;
    growth.push(`${name} ${g.toFixed(2)}x (min ${(b.min / a.min).toFixed(2)}x)${times === 10 ? "" : `, ${per10.toFixed(2)}x per 10x`}`);
  }
  if (growth.length) console.log(`  check's growth per 10x input, ${mode}: ${growth.join("; ")} (goal ≤ 12x) ${verdict(met)}`);
}

/** @param {number[]} [only] the sizes to run, by number of features (all by default) */
export function benchCheck(only) {
  const sizes = only?.length ? SIZES.filter((s) => only.includes(s.features)) : SIZES;
  const dir = mkdtempSync(join(tmpdir(), "missionc-bench-check-"));
  try {
    const files = sizes.map((s) => generate(dir, s.features));
    console.log("bench/check — missionc check vs YAML + ajv on the same content; interleaved, ms");
    console.log(
      `  ${files.map((f) => `${count(f.features)} features (${count(f.assertions)} assertions): .mission ${size(f.missionBytes)}, YAML ${size(f.yamlBytes)}`).join("; ")}`,
    );

    console.log("(a) whole process, wall clock: `node bin/missionc.js check FILE.mission` vs `node bench/yaml-ajv.js FILE.yaml`");
    /** Per size, the parse + validate times YAML_AJV_TIMING=1 made bench/yaml-ajv.js report. @type {number[][]} */
    const inside = sizes.map(() => []);
    const whole = interleaved(
      sizes.flatMap((s, i) => {
        const f = files[i];
        const timeInside = s.inProcess.yaml === "inside";
        return [
          {
            name: `check ${s.features}`,
            warmups: s.whole.warmups,
            runs: s.whole.check,
            run: () => runNode([BIN, "check", f.mission], { cwd: ROOT, timeoutMs: TIMEOUT_MS, refused: /too large/ }),
          },
          {
            name: `yaml ${s.features}`,
            warmups: s.whole.warmups,
            runs: s.whole.yaml,
            run: () => {
              const env = timeInside ? { ...process.env, YAML_AJV_TIMING: "1" } : process.env;
              const r = runNode([YAML_AJV, f.yaml], { cwd: ROOT, timeoutMs: TIMEOUT_MS, env });
              const reported = r.ok && r.stderr ? /parse\+validate ms: ([\d.]+)/.exec(r.stderr)?.[1] : undefined;
              if (reported) inside[i]?.push(Number(reported));
              return r;
            },
          },
        ];
      }),
    );
    /** @param {import("./timing.js").Timing[]} t @returns {Pair[]} */
    const pairsOf = (t) => sizes.map((_, i) => ({ check: t[2 * i], yaml: t[2 * i + 1] }));
    const wholePairs = pairsOf(whole);
    report(
      "whole process",
      files,
      wholePairs,
      new Map([
        [1_000, 3],
        [10_000, 5],
      ]),
    );

    console.log("(b) in-process: checkProgram(loadProgram(text)) from dist vs parse + validate, the text in memory (no input limit)");
    const yamlCheck = yamlChecker();
    const texts = sizes.map((s, i) => ({
      mission: readFileSync(files[i].mission, "utf8"),
      yaml: s.inProcess.yaml === "inside" ? "" : readFileSync(files[i].yaml, "utf8"),
    }));
    const inProcess = interleaved(
      sizes.flatMap((s, i) => {
        const t = texts[i];
        const yamlRuns = s.inProcess.yaml;
        return [
          { name: `check ${s.features}`, warmups: s.inProcess.warmups, runs: s.inProcess.check, run: () => checkInProcess(t.mission) },
          {
            name: `yaml ${s.features}`,
            warmups: s.inProcess.warmups,
            runs: yamlRuns === "inside" ? 0 : yamlRuns,
            /** @returns {import("./timing.js").Outcome} */
            run: () => {
              const r = yamlCheck(t.yaml);
              return r.ok ? { ok: true } : { ok: false, status: "failed", message: `the YAML form fails its schema: ${r.error}` };
            },
          },
        ];
      }),
    );
    const inProcessPairs = pairsOf(inProcess);
    sizes.forEach((s, i) => {
      const pair = inProcessPairs[i];
      const times = inside[i] ?? [];
      if (s.inProcess.yaml !== "inside" || !pair) return;
      const failure = wholePairs[i]?.yaml.failure;
      pair.yaml = failure
        ? { name: pair.yaml.name, times: [], min: Number.NaN, median: Number.NaN, failure }
        : { name: pair.yaml.name, times, min: times.length ? Math.min(...times) : Number.NaN, median: median(times) };
    });
    report("in-process", files, inProcessPairs, new Map());
    for (const s of sizes)
      if (s.inProcess.yaml === "inside")
        console.log(
          `  ${count(s.features)} yaml+ajv: timed inside the whole-process run${s.whole.yaml === 1 ? "" : "s"} of (a), around the parse and the validation (a parse this size, ~4 GB, would exhaust this process's heap)`,
        );
    return { whole: wholePairs, inProcess: inProcessPairs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchCheck(process.argv.slice(2).map(Number));
