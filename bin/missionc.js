#!/usr/bin/env node
// CommonJS (bin/package.json): an ES module entry costs Node 20 its ES module loader at every start
const { existsSync } = require("node:fs");
const { join } = require("node:path");

// Output that cannot be written (the reader of `missionc … | head` has gone, a full disk, `> /dev/full`,
// a closed descriptor) is one line and exit 2: never 0, which for `run` means "done". A run is not cut
// off mid-step for it: it is stopped as SIGTERM stops it (at the next turn, journaled), and resumes.
const argv = process.argv.slice(2);
let outputFailed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (/** @type {NodeJS.ErrnoException} */ e) => {
    if (outputFailed) return;
    outputFailed = true;
    if (stream === process.stdout) {
      try {
        require("node:fs").writeSync(2, `error: cannot write the output: ${e.code ?? e.message}\n`);
      } catch {
        /* stderr is gone too */
      }
    }
    if (argv[0] === "run") process.kill(process.pid, "SIGTERM");
    else process.exit(2);
  });
}

const bundle = join(__dirname, "..", "dist", "bundle");

/** @param {number} code */
const done = (code) => {
  process.exitCode = outputFailed ? 2 : code;
};

if (existsSync(join(bundle, "manifest.json"))) {
  // the bundled program (scripts/bundle.mjs), compiled from V8's code cache after its first run
  const { loadBundle } = require("../dist/bundle/launch.cjs");
  const command = /^[a-z]+$/.test(argv[0] ?? "") ? argv[0] : undefined;
  const { main, save } = loadBundle(bundle, command);
  main(argv).then((/** @type {number} */ code) => {
    done(code);
    // a usage error (a mistyped command) leaves no cache file behind
    if (code <= 1) save();
  });
} else {
  // built with `tsc` alone (no `npm run build`): the same program from its modules, slower to start
  import("../dist/cli/main.js").then(({ main }) => main(argv).then(done));
}
