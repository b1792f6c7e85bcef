import { spawn } from "node:child_process";
import { connect, createServer, type Socket } from "node:net";

/**
 * The relay that lets user testing reach an app living in a sandbox's own network: it runs inside
 * a sandbox as the parent of the sandboxed command, and pipes connections between a Unix socket in
 * a folder the runner shares with it and a TCP port of the sandbox's loopback.
 *
 *   serve SOCK HOST PORT -- CMD…  (beside the app) connections to SOCK reach HOST:PORT inside
 *   reach SOCK HOST PORT -- CMD…  (beside a user tester's command) HOST:PORT inside reaches SOCK
 *
 * It listens first, then runs CMD, and exits with CMD's status: the sandbox ends with it. A
 * standalone script (no imports of missionc's): the runner shows it read-only inside the sandbox.
 */

function pipe(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const end = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on("error", end);
  b.on("error", end);
  a.on("close", end);
  b.on("close", end);
}

function main(argv: string[]): void {
  const [mode, sock, host, portText, dashes, ...command] = argv;
  const port = Number(portText);
  if ((mode !== "serve" && mode !== "reach") || !sock || !host || !Number.isInteger(port) || dashes !== "--" || command.length === 0) {
    process.stderr.write("usage: relay serve|reach SOCK HOST PORT -- COMMAND…\n");
    process.exit(2);
  }
  const target = mode === "serve" ? () => connect({ host, port }) : () => connect({ path: sock });
  const server = createServer((incoming) => pipe(incoming, target()));
  server.on("error", (e) => {
    process.stderr.write(`relay: ${e.message}\n`);
    process.exit(125);
  });
  const run = (): void => {
    const child = spawn(command[0], command.slice(1), { stdio: "inherit" });
    child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
    child.on("error", () => process.exit(127));
  };
  if (mode === "serve") server.listen({ path: sock }, run);
  else server.listen({ host, port }, run);
}

main(process.argv.slice(2));
