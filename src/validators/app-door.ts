import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RELAY_SOCKET } from "../sandbox/sandbox.js";

/**
 * The way into a sandboxed app, owned by the runner. The app's loopback is its own; the runner
 * listens (and only listens) in three places, and pairs each client with a connection the app's relay
 * keeps waiting in the pool:
 *   - at the `ready` address on the host's loopback: the readiness probe, http_request, the browser;
 *   - `reach/reach.sock`: the user tester's commands, through their own relay;
 *   - `pool/pool.sock`: the app's relay, offering connections to the app.
 * The relays see their folder read-only, so no socket can be swapped for a link to another of the
 * host's, and the runner never connects to a path. A taken `ready` address is reported as busy.
 */

const WAIT_MS = 5000;
const GO = Buffer.from([1]);

export interface AppDoor {
  /** the folder the app's relay sees (read-only), holding the pool socket */
  poolDir: string;
  /** the folder a user tester's relay sees (read-only), holding its socket */
  reachDir: string;
  close(): void;
}

function listen(server: Server, options: { path: string } | { host: string; port: number; exclusive: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(options, () => resolve(true));
  });
}

export async function openAppDoor(ready: string): Promise<AppDoor | "busy"> {
  const u = new URL(ready);
  const dir = mkdtempSync(join(tmpdir(), "missionc-app-"));
  const poolDir = join(dir, "pool");
  const reachDir = join(dir, "reach");
  mkdirSync(poolDir);
  mkdirSync(reachDir);
  const idle: Socket[] = [];
  const waiting: ((s: Socket) => void)[] = [];
  const open = new Set<Socket>();
  const track = (s: Socket): void => {
    open.add(s);
    s.on("close", () => open.delete(s));
    s.on("error", () => s.destroy());
  };
  const pool = createServer((offered) => {
    track(offered);
    offered.on("close", () => {
      const at = idle.indexOf(offered);
      if (at >= 0) idle.splice(at, 1); // a waiting one gone: the relay's sandbox ended
    });
    const waiter = waiting.shift();
    if (waiter) waiter(offered);
    else idle.push(offered);
  });
  const enter = (client: Socket): void => {
    track(client);
    client.pause();
    const timer = setTimeout(() => client.destroy(), WAIT_MS); // the app's relay is not up (yet)
    const pair = (offered: Socket): void => {
      clearTimeout(timer);
      if (client.destroyed) return void idle.push(offered);
      offered.write(GO);
      client.pipe(offered);
      offered.pipe(client);
      const end = (): void => {
        client.destroy();
        offered.destroy();
      };
      client.on("close", end);
      offered.on("close", end);
      client.resume();
    };
    const ready = idle.shift();
    if (ready) pair(ready);
    else waiting.push(pair);
  };
  const reach = createServer(enter);
  const front = createServer(enter);
  const close = (): void => {
    for (const s of [pool, reach, front]) s.close();
    for (const s of open) s.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!(await listen(front, { host, port, exclusive: true }))) {
    close();
    return "busy";
  }
  await listen(pool, { path: join(poolDir, RELAY_SOCKET.serve) });
  await listen(reach, { path: join(reachDir, RELAY_SOCKET.reach) });
  return { poolDir, reachDir, close };
}
