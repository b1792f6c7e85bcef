// The command-line program from tsc's modules (dist/cli/main.js; chevrotain reached by the path of its
// single-file build, src/syntax/chevrotain.ts), without the bundle: bench/startup.js times it beside
// bin/missionc.js, the two ways of loading chevrotain's single-file build the issue asked to compare.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
