import { createRequire } from "node:module";

/**
 * The names the fleet's processes share with DBOS: the application (scopes workflows and queues),
 * its version (DBOS recovers and dequeues only workflows of its own version: every worker and
 * client of one missionc release must agree), the queue and the workflow.
 */
export const APP = "missionc-fleet";
export const QUEUE = "missions";
export const WORKFLOW = "mission";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
export const APP_VERSION = `missionc-${pkg.version}`;
