#!/usr/bin/env node
import { main } from "../dist/cli/main.js";

// `missionc … | head`: the reader has gone; stop quietly, as other command-line tools do
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
