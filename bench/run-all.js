// `npm run bench`: every benchmark, one after the other, in one process run; each section's time
// and the total at the end.
import { benchCheck } from "./check.js";
import { benchDiffPlan } from "./diff.js";
import { benchStartup } from "./startup.js";
import { benchRun } from "./run.js";
import { benchHello } from "./hello.js";
import { benchSandbox } from "./sandbox.js";
import { benchJournal } from "./journal.js";
import { benchLsp } from "./lsp.js";
import { benchServe } from "./serve.js";
import { benchFleet } from "./fleet.js";

const started = performance.now();
/** @type {[string, number][]} */
const took = [];
/** @param {string} name @param {() => unknown} bench */
async function section(name, bench) {
  const s = performance.now();
  await bench();
  took.push([name, (performance.now() - s) / 1000]);
  console.log();
}

await section("startup", benchStartup);
await section("check", benchCheck);
await section("diff", benchDiffPlan);
await section("run", benchRun);
await section("hello", benchHello);
await section("sandbox", benchSandbox);
await section("journal", benchJournal);
await section("lsp", benchLsp);
await section("serve", benchServe);
await section("fleet", benchFleet);
console.log(
  `npm run bench: ${((performance.now() - started) / 1000).toFixed(0)} s after the build (${took.map(([n, s]) => `${n} ${s.toFixed(0)} s`).join(", ")})`,
);
