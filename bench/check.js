// bench/check: `missionc check` in-process on generated missions of 1,000 and 10,000 features
// (5 assertions each), side by side with the same content as YAML parsed by `yaml` and validated
// by ajv against bench/mission.schema.json. Prints times and the ratios the targets are about.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import { loadProgram } from "../dist/syntax/includes.js";
import { checkProgram } from "../dist/semantics/check.js";
import { parse } from "../dist/syntax/parse.js";
import { missionContent, toMission, toYaml } from "./generate.js";

const schema = /** @type {object} */ (JSON.parse(readFileSync(new URL("./mission.schema.json", import.meta.url), "utf8")));
const validate = new Ajv({ allErrors: false, strict: false }).compile(schema);

/** A host that serves the one generated file from memory: no disk in the timing. */
/** @type {import("../dist/syntax/host.js").SourceHost} */
const host = { read: () => ({ error: "no includes here" }), exists: () => true, list: () => [], display: (p) => p };

/** @param {string} text */
function missionc(text) {
  const r = checkProgram(loadProgram("/bench/generated.mission", text, host), host);
  if (r.diagnostics.some((d) => d.severity === "error")) throw new Error(`generated mission has errors: ${r.diagnostics[0].message}`);
  return r;
}

/** @param {string} text */
function yamlAjv(text) {
  /** @type {unknown} */
  const doc = parseYaml(text);
  if (!validate(doc)) throw new Error(`YAML form fails its schema: ${JSON.stringify(validate.errors?.[0])}`);
  return doc;
}

/** @param {string} text */
function parseOnly(text) {
  return parse(text, "generated.mission");
}

/**
 * Medians of `runs` timings of each function, after `warm` untimed runs, in milliseconds. The
 * functions take turns, so that both sides see the same machine state; each timed run starts
 * from a collected heap (node --expose-gc), so no run pays for the garbage of the one before.
 * @param {((text: string) => unknown)[]} fns
 * @param {string[]} arg
 * @param {number} runs
 */
function timeSideBySide(fns, arg, runs, warm = 2) {
  /** @type {number[][]} */
  const times = fns.map(() => []);
  for (let i = 0; i < warm + runs; i++) {
    fns.forEach((fn, k) => {
      globalThis.gc?.();
      const s = process.hrtime.bigint();
      fn(arg[k]);
      if (i >= warm) times[k]?.push(Number(process.hrtime.bigint() - s) / 1e6);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}

export function benchCheck() {
  const rows = [];
  for (const n of [1000, 10000]) {
    const content = missionContent(n);
    const mission = toMission(content);
    const yaml = toYaml(content);
    const runs = n >= 10000 ? 5 : 15;
    const [check, yamlMs, parseMs] = timeSideBySide([missionc, yamlAjv, parseOnly], [mission, yaml, mission], runs);
    const r = {
      features: n,
      assertions: content.contract.length,
      missionBytes: mission.length,
      yamlBytes: yaml.length,
      check,
      yaml: yamlMs,
      parse: parseMs,
    };
    rows.push(r);
  }
  const [small, large] = rows;
  console.log("bench/check — missionc check vs YAML + ajv on the same content (median ms)");
  console.log("features  assertions  .mission KB  yaml KB   parse ms   check ms   yaml+ajv ms   yaml+ajv / check");
  for (const r of rows) {
    console.log(
      `${String(r.features).padStart(8)}  ${String(r.assertions).padStart(10)}  ${(r.missionBytes / 1024).toFixed(0).padStart(11)}  ${(r.yamlBytes / 1024).toFixed(0).padStart(7)}  ${r.parse.toFixed(1).padStart(9)}  ${r.check.toFixed(1).padStart(9)}  ${r.yaml.toFixed(1).padStart(12)}  ${(r.yaml / r.check).toFixed(2).padStart(16)}x`,
    );
  }
  const growth = large.check / small.check;
  const speedup = large.yaml / large.check;
  console.log(`check time for 10x the input: ${growth.toFixed(2)}x (target: within 12x) ${growth <= 12 ? "MET" : "MISSED"}`);
  console.log(
    `check vs YAML+ajv at 10,000 features: ${speedup.toFixed(2)}x faster (target: at least 3x) ${speedup >= 3 ? "MET" : "MISSED"}`,
  );
  return { growth, speedup };
}

if (import.meta.url === `file://${process.argv[1]}`) benchCheck();
