import { closeSync, fstatSync, mkdirSync, openSync, readSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";
import { groupAlive } from "../sandbox/processes.js";
import { DEFAULT_NETWORK } from "../sandbox/policy.js";
import { spawnLaunch, type Sandbox } from "../sandbox/sandbox.js";
import { openAppDoor, type AppDoor } from "./app-door.js";

/**
 * The application under test, for user testing: the `start` procedure runs in its own process group
 * with its output in a log file, the runner waits until its `ready` address answers, and `stop()`
 * ends the whole group — the app and everything it started — whatever happened meanwhile.
 *
 * In a sandbox the app has a loopback of its own, which nothing of the host can reach. The runner
 * owns the way in (app-door.ts): it listens at the `ready` address on the host's loopback and pairs
 * each client with a connection the relay beside the app keeps open to it. The readiness probe,
 * http_request and the browser come in there; a user tester's commands through a relay of their own.
 * A taken address is the door's: the mission pauses.
 */

export interface AppOptions {
  command: string;
  cwd: string;
  sandbox: Sandbox;
  ready: string;
  timeoutMs: number;
  log: string;
  /** the group's id, journaled so that a resumed runner can kill what a killed one left running */
  onStart?: (pgid: number) => void;
}

export interface RunningApp {
  pgid: number;
  log: string;
  /** when the app is sandboxed, the folder of the socket a user tester's commands reach it through */
  socketDir?: string;
  stop(): Promise<void>;
}

/** `busy`: the address was taken before the start — a fault of the machine, not of the code under test */
export type AppStart = { ok: true; app: RunningApp; readyMs: number } | { ok: false; reason: string; pgid?: number; busy?: boolean };

const POLL_MS = 150;

/**
 * Groups started and not yet stopped. If the runner leaves by process.exit (a second ^C, say), the
 * `exit` hook kills them; only a SIGKILL of the runner leaves them behind, for the next run to kill.
 */
const live = new Set<number>();
let hooked = false;
function remember(pgid: number): void {
  live.add(pgid);
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const g of live) {
      try {
        process.kill(-g, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  });
}

/** Whether anything answers at the address: any HTTP response below 500 means a server is listening. */
async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(1000), redirect: "manual" });
    await r.arrayBuffer().catch(() => undefined);
    return r.status < 500;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* the group is gone */
  }
}

/** SIGTERM to the group, a grace period, then SIGKILL; returns once no member is left. */
export async function stopGroup(pgid: number, graceMs = 3000): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  const until = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
  const hard = Date.now() + 2000;
  while (groupAlive(pgid) && Date.now() < hard) await new Promise((r) => setTimeout(r, 20));
}

/** Whether something accepts connections at the address's host and port (an HTTP server or not). */
function listening(url: string): Promise<boolean> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname.replace(/^\[|\]$/g, ""), port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** The end of a log, read from its end: an app may log a great deal. */
export function logTail(path: string, bytes = 1500): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size, bytes));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export async function startApp(o: AppOptions): Promise<AppStart> {
  // an address that answers before the app starts belongs to something else: testing it would judge the wrong program
  if (await listening(o.ready))
    return {
      ok: false,
      busy: true,
      reason: `something already listens at ${new URL(o.ready).host} (${o.ready}) before the app was started; stop it and run again`,
    };
  let door: AppDoor | undefined;
  const ready = new URL(o.ready);
  if (o.sandbox.confined) {
    const opened = await openAppDoor(o.ready);
    if (opened === "busy")
      return { ok: false, busy: true, reason: `the address ${ready.host} (${o.ready}) is taken on this machine; free it and run again` };
    door = opened;
  }
  mkdirSync(dirname(o.log), { recursive: true });
  const fd = openSync(o.log, "a");
  const launch = o.sandbox.launch(o.command, {
    // always a loopback of its own: the runner's door on the host holds the `ready` address (M0602)
    network: DEFAULT_NETWORK.app,
    ...(door
      ? {
          relay: {
            mode: "serve" as const,
            host: ready.hostname.replace(/^\[|\]$/g, ""),
            port: Number(ready.port || (ready.protocol === "https:" ? 443 : 80)),
            socketDir: door.poolDir,
          },
        }
      : {}),
  });
  const child = spawnLaunch(launch, o.cwd, ["ignore", fd, fd]);
  closeSync(fd);
  let exited: number | null | undefined;
  child.on("exit", (code, signal) => {
    exited = code ?? (signal ? 128 : 1);
  });
  child.on("error", () => {
    exited = 127;
  });
  const pgid = child.pid;
  const cleanUp = (): void => door?.close();
  if (pgid === undefined) {
    cleanUp();
    return { ok: false, reason: `\`${o.command}\` could not be started; see ${o.log}` };
  }
  o.onStart?.(pgid);
  remember(pgid);
  const app: RunningApp = {
    pgid,
    log: o.log,
    ...(door ? { socketDir: door.reachDir } : {}),
    stop: async () => {
      await stopGroup(pgid);
      live.delete(pgid);
      cleanUp();
    },
  };
  const started = Date.now();
  while (Date.now() - started < o.timeoutMs) {
    if (exited !== undefined) {
      await app.stop();
      return {
        ok: false,
        pgid,
        reason: `\`${o.command}\` exited with code ${exited} before ${o.ready} answered; its output is in ${o.log}`,
      };
    }
    if (await answers(o.ready)) return { ok: true, app, readyMs: Date.now() - started };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  await app.stop();
  return {
    ok: false,
    pgid,
    reason: `${o.ready} did not answer within ${Math.round(o.timeoutMs / 1000)} s of starting \`${o.command}\`; its output is in ${o.log}`,
  };
}
