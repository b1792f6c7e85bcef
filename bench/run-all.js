// `npm run bench`: every benchmark, one after the other, in one process run.
import { benchCheck } from "./check.js";
import { benchStartup } from "./startup.js";
import { benchRun } from "./run.js";
import { benchHello } from "./hello.js";

benchStartup();
console.log();
benchCheck();
console.log();
await benchRun();
console.log();
await benchHello();
