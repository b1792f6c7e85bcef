// `npm run bench`: every benchmark, one after the other, in one process run.
import { benchCheck } from "./check.js";
import { benchStartup } from "./startup.js";

benchStartup();
console.log();
benchCheck();
