import { spawn } from "node:child_process";
import { connect, createServer, type Socket } from "node:net";

/**
 * The relay that lets user testing reach an app living in a sandbox's own network. It runs inside a
 * sandbox as the parent of the sandboxed command, and only ever connects out to Unix sockets the
 * runner listens on, in a folder the sandbox sees read-only: nothing inside can swap a socket for a
 * link to another of the host's (the runner never connects to a path).
 *
 *   serve SOCK HOST PORT -- CMD…  beside the app: keeps a few connections open to the runner's pool
 *                                 socket; when the runner hands one a client (one byte, 0x01), it
 *                                 connects to HOST:PORT inside and pipes the two
 *   reach SOCK HOST PORT -- CMD…  beside a user tester's command: listens at HOST:PORT inside and
 *                                 pipes each connection to the runner's socket, which leads to the app
 *
 * It starts CMD at once (after listening, for reach) and exits with CMD's status: the sandbox ends
 * with it. A standalone script (no imports of missionc's): the runner shows it read-only inside.
 */

const IDLE = 4;
const GO = 1;

function pipe(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const end = (): void => {
    a.destroy();
    b.destroy();
  };
  for (const s of [a, b]) {
    s.on("error", end);
    s.on("close", end);
  }
}

/** One waiting connection to the pool; when used, it is replaced. */
function offer(sock: string, host: string, port: number): void {
  const pooled = connect({ path: sock });
  let used = false;
  pooled.on("error", () => {
    if (!used) setTimeout(() => offer(sock, host, port), 100); // the runner is not listening yet, or restarts
  });
  pooled.once("data", (first: Buffer) => {
    if (first[0] !== GO) return pooled.destroy();
    used = true;
    offer(sock, host, port);
    pooled.pause();
    const app = connect({ host, port }, () => {
      if (first.length > 1) app.write(first.subarray(1));
      pipe(pooled, app);
      pooled.resume();
    });
    app.on("error", () => pooled.destroy()); // the app is not listening (yet): the runner's client sees a reset
  });
}

function main(argv: string[]): void {
  const [mode, sock, host, portText, dashes, ...command] = argv;
  const port = Number(portText);
  const program = command[0];
  if ((mode !== "serve" && mode !== "reach") || !sock || !host || !Number.isInteger(port) || dashes !== "--" || program === undefined) {
    process.stderr.write("usage: relay serve|reach SOCK HOST PORT -- COMMAND…\n");
    process.exit(2);
  }
  const run = (): void => {
    const child = spawn(program, command.slice(1), { stdio: "inherit" });
    child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
    child.on("error", () => process.exit(127));
  };
  if (mode === "serve") {
    for (let i = 0; i < IDLE; i++) offer(sock, host, port);
    run();
    return;
  }
  const server = createServer((incoming) => pipe(incoming, connect({ path: sock })));
  server.on("error", (e) => {
    process.stderr.write(`relay: ${e.message}\n`);
    process.exit(125);
  });
  server.listen({ host, port }, run);
}

main(process.argv.slice(2));
