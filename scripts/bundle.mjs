// The command-line program as one CommonJS file, dist/bundle/missionc-<hash>.cjs, built from tsc's output
// in dist/ after `tsc`. A Node process that imports some 40 separate ES modules and chevrotain pays
// for resolving, reading and compiling each at every start; one file lets bin/missionc.js load it
// through V8's code cache (src/cli/compile-cache.ts), which Node 20 cannot do for ES modules.
// bench/startup.js measures the difference. The library entry (dist/index.js) stays tsc's output,
// with its declaration files.
//
// What is bundled: the compiler, the CLI, and the three packages on the path of every command
// (chevrotain, from its single-file build; chalk; cac). Everything else stays a `require` of
// node_modules, made only by the commands that need it (the runner's git, the AI SDKs, ajv, yaml,
// the fleet's engine; `check` must not reach ajv or yaml at start: src/agents/json-schema.ts,
// src/control/recorded-turns.ts):
// each command's module is still loaded on demand, as src/cli/main.ts imports it. dist/bundle/ sits
// two folders deep like every module of dist/, so the paths the modules resolve against their own
// URL (../../specs, ../../skills, ../../package.json) still hold.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = /** @type {{ dependencies: Record<string, string> }} */ (JSON.parse(readFileSync(join(root, "package.json"), "utf8")));
const BUNDLED = new Set(["chevrotain", "chalk", "cac"]);
const external = Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d));

// src/syntax/chevrotain.ts reaches chevrotain's single-file build through `require` at run time,
// which a bundler cannot follow: here that module becomes a static re-export of the same file.
const chevrotainBuild = join(dirname(createRequire(join(root, "package.json")).resolve("chevrotain")), "..", "chevrotain.mjs");
/** @type {esbuild.Plugin} */
const chevrotainInline = {
  name: "chevrotain-single-file",
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]syntax[\\/]chevrotain\.js$/ }, () => ({
      contents: `export { createToken, EmbeddedActionsParser, EOF, Lexer } from ${JSON.stringify(chevrotainBuild)};`,
      loader: "js",
      resolveDir: root,
    }));
  },
};

const out = join(root, "dist", "bundle");
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { missionc: "dist/cli/main.js" },
  outdir: "dist/bundle",
  // the name carries the content's hash, and the files are replaced one by one, each by a rename:
  // a missionc starting while this runs reads the old bundle or the new one, never half of one
  entryNames: "[name]-[hash]",
  outExtension: { ".js": ".cjs" },
  write: false,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external,
  plugins: [chevrotainInline],
  // `import()` of the packages left out becomes `require`: code that V8 restores from its code cache
  // has lost vm.Script's importModuleDynamically, and its `import()` would throw (Node 20; all of
  // these packages ship CommonJS too)
  supported: { "dynamic-import": false },
  // the modules find specs/, skills/ and package.json relative to their own URL
  define: { "import.meta.url": "__missioncModuleUrl" },
  banner: { js: 'const __missioncModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: "linked",
  legalComments: "eof",
  logLevel: "warning",
});
// the loader bin/missionc.js requires first (src/cli/compile-cache.ts), as CommonJS too
const launcher = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ["dist/cli/compile-cache.js"],
  outfile: "dist/bundle/launch.cjs",
  write: false,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
if (result.errors.length || launcher.errors.length) process.exit(1);

/** @param {string} path @param {string | Uint8Array} contents */
function replace(path, contents) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

/**
 * The bundle in ASCII only, so that bin/missionc.js reads it as latin1 (a one-byte string: ~2.5 ms
 * less at every start than decoding a megabyte of UTF-8). esbuild escapes what is not ASCII in
 * strings and template literals itself (its default charset), and leaves it in comments and regular
 * expressions, where a \u escape means the same.
 * @param {Uint8Array} contents
 */
function ascii(contents) {
  const text = Buffer.from(contents).toString("utf8");
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

mkdirSync(out, { recursive: true });
for (const f of [...result.outputFiles, ...launcher.outputFiles]) replace(f.path, f.path.endsWith(".cjs") ? ascii(f.contents) : f.contents);
// its types are those of the module it was built from
replace(join(out, "launch.d.cts"), 'export { loadBundle } from "../cli/compile-cache.js";\n');
const bundle = result.outputFiles.find((f) => f.path.endsWith(".cjs"));
if (!bundle) throw new Error("esbuild wrote no bundle");
// bin/missionc.js trusts a code-cache file only for the bundle it was made from
const sha256 = createHash("sha256").update(ascii(bundle.contents)).digest("hex");
const file = basename(bundle.path);
replace(join(out, "manifest.json"), `${JSON.stringify({ file, sha256 }, null, 2)}\n`);
// earlier bundles: the one before stays for a missionc that read the manifest just before
const earlier = readdirSync(out)
  .filter((n) => /^missionc-.*\.cjs$/.test(n) && n !== file)
  .map((n) => ({ n, t: statSync(join(out, n)).mtimeMs }))
  .sort((a, b) => b.t - a.t)
  .slice(1);
for (const { n } of earlier) for (const f of [n, `${n}.map`]) rmSync(join(out, f), { force: true });
