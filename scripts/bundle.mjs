// The command-line program as one CommonJS file, dist/bundle/missionc.cjs, built from tsc's output
// in dist/ after `tsc`. A Node process that imports some 40 separate ES modules and chevrotain pays
// for resolving, reading and compiling each at every start; one file lets bin/missionc.js load it
// through V8's code cache (src/cli/compile-cache.ts), which Node 20 cannot do for ES modules.
// bench/startup.js measures the difference. The library entry (dist/index.js) stays tsc's output,
// with its declaration files.
//
// What is bundled: the compiler, the CLI, and the three packages on the path of every command
// (chevrotain, from its single-file build; chalk; cac). Everything else stays a `require` of
// node_modules, made only by the commands that need it (the runner's git, the AI SDKs, ajv, yaml):
// each command's module is still loaded on demand, as src/cli/main.ts imports it. dist/bundle/ sits
// two folders deep like every module of dist/, so the paths the modules resolve against their own
// URL (../../specs, ../../skills, ../../package.json) still hold.
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = /** @type {{ dependencies: Record<string, string> }} */ (JSON.parse(readFileSync(join(root, "package.json"), "utf8")));
const BUNDLE = "missionc.cjs";
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
      contents: `export { createToken, EmbeddedActionsParser, EOF, Lexer, LLkLookaheadStrategy } from ${JSON.stringify(chevrotainBuild)};`,
      loader: "js",
      resolveDir: root,
    }));
  },
};

rmSync(join(root, "dist", "bundle"), { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ["dist/cli/main.js"],
  outfile: `dist/bundle/${BUNDLE}`,
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
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
if (result.errors.length || launcher.errors.length) process.exit(1);
// its types are those of the module it was built from
writeFileSync(join(root, "dist", "bundle", "launch.d.cts"), 'export { loadBundle } from "../cli/compile-cache.js";\n');
// bin/missionc.js trusts a code-cache file only for the bundle it was made from
const sha256 = createHash("sha256")
  .update(readFileSync(join(root, "dist", "bundle", BUNDLE)))
  .digest("hex");
writeFileSync(join(root, "dist", "bundle", "manifest.json"), `${JSON.stringify({ file: BUNDLE, sha256 }, null, 2)}\n`);
