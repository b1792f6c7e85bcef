import { homedir } from "node:os";
import { join } from "node:path";
import { absolute } from "../syntax/host.js";
import { EXIT, InputError, UsageError } from "./errors.js";
import { renderPretty } from "../diagnostics/render-pretty.js";
import { colourFor, write, writeError } from "./output.js";

/**
 * `missionc fleet submit | worker | status | msg | pause | resume`: many missions on many machines,
 * through DBOS and the fleet's Postgres (docs/scale-out.md). The database is `--db URL` or
 * MISSIONC_FLEET_DB (a URL may hold a password: the environment keeps it out of `ps`).
 */

export interface FleetFlags {
  db?: string;
  repo?: string;
  offline?: boolean;
  concurrency?: string | number;
  queueConcurrency?: string | number;
  leaseSeconds?: string | number;
  dir?: string;
  json?: boolean;
  interrupt?: boolean;
  sandbox?: boolean;
}

const ACTIONS = "submit FILE --repo GIT_URL | worker | status | msg ID TEXT | pause ID | resume ID";

function database(flags: FleetFlags): string {
  const db = flags.db ?? process.env["MISSIONC_FLEET_DB"];
  if (!db) throw new UsageError("the fleet's database is needed", "--db postgres://… or MISSIONC_FLEET_DB");
  postgresUrl(db);
  if (flags.db) process.env["MISSIONC_FLEET_DB"] = flags.db; // so the runner treats it as the secret it may be
  return db;
}

/** A Postgres URL, or a usage error that does not repeat the value (it may hold a password). */
export function postgresUrl(db: string): string {
  if (!/^postgres(ql)?:\/\//.test(db)) throw new UsageError("the fleet's database is a Postgres URL", "postgres://USER@HOST:PORT/DATABASE");
  return db;
}

function count(value: string | number | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${value} is not a count`, "a whole number from 1");
  return n;
}

export async function fleetCommand(action: string | undefined, args: string[], flags: FleetFlags): Promise<number> {
  const fleet = await import("../fleet/client.js");
  try {
    switch (action) {
      case "submit": {
        if (args.length !== 1 || !flags.repo)
          throw new UsageError("fleet submit needs a mission file and --repo", "missionc fleet submit FILE --repo GIT_URL");
        const { id } = await fleet.submit(database(flags), absolute(args[0]), flags.repo, flags.offline === true);
        write(`${id}\n`);
        return EXIT.ok;
      }
      case "worker":
        return await worker(database(flags), flags);
      case "status": {
        if (args.length)
          throw new UsageError(`fleet status takes no ${args.length > 1 ? "arguments" : "argument"}`, "missionc fleet status [--json]");
        const all = await fleet.fleetStatus(database(flags));
        if (flags.json) write(`${JSON.stringify(all, null, 2)}\n`);
        else if (all.length === 0) write("no missions in the fleet (missionc fleet submit puts one on its queue)\n");
        else for (const m of all) write(`${statusLine(m)}\n`);
        return EXIT.ok;
      }
      case "msg": {
        const [id, text] = args;
        if (!id || !text?.trim())
          throw new UsageError("fleet msg needs a mission id and a message", 'missionc fleet msg ID "…" [--interrupt]');
        write(`${await fleet.steer(database(flags), id, { kind: "message", text, interrupt: flags.interrupt === true })}\n`);
        return EXIT.ok;
      }
      case "pause":
        if (!args[0]) throw new UsageError("fleet pause needs a mission id", "missionc fleet pause ID");
        write(`${await fleet.steer(database(flags), args[0], { kind: "pause" })}\n`);
        return EXIT.ok;
      case "resume":
        if (!args[0]) throw new UsageError("fleet resume needs a mission id", "missionc fleet resume ID");
        write(`${await fleet.resume(database(flags), args[0])}\n`);
        return EXIT.ok;
      default:
        throw new UsageError(action ? `no fleet command \`${action}\`` : "which fleet command?", ACTIONS);
    }
  } catch (e) {
    if (e instanceof fleet.MissionHasErrors) {
      const errors = e.diagnostics.filter((d) => d.severity === "error");
      writeError(renderPretty(errors, (f) => e.sources.get(f), colourFor(process.stderr)));
      writeError(`error: ${e.message}`);
      return EXIT.findings;
    }
    if (e instanceof fleet.FleetProblem) throw new InputError(e.message);
    const code = (e as { code?: string }).code;
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "28P01" || code === "28000" || code === "3D000")
      throw new InputError(`the fleet's database cannot be reached: ${(e as Error).message}`);
    if (e instanceof TypeError && /url/i.test(e.message)) throw new InputError(`the fleet's database URL is not one: ${e.message}`);
    throw e;
  }
}

/** The engine's state of the latest run, in words about the run (DBOS's SUCCESS is a run that ended, however) */
const ENGINE_WORDS: Record<string, string> = {
  ENQUEUED: "queued",
  SUCCESS: "run ended",
  ERROR: "run failed",
  CANCELLED: "run cancelled",
  MAX_RECOVERY_ATTEMPTS_EXCEEDED: "run failed",
};

function statusLine(m: Awaited<ReturnType<typeof import("../fleet/client.js").fleetStatus>>[number]): string {
  const s = m.status;
  const where = !m.workflow
    ? "not queued"
    : m.workflow.status === "PENDING"
      ? `running${m.workflow.executor ? ` on ${m.workflow.executor}` : ""}`
      : (ENGINE_WORDS[m.workflow.status] ?? m.workflow.status.toLowerCase());
  const figures = s
    ? `${s.state} · ${s.milestone ? `milestone ${s.milestone} · ` : ""}${s.features.done}/${s.features.total} features · ${s.tokens.total} tokens · $${s.cost.usd.toFixed(4)} · ${s.elapsed_seconds} s`
    : "not started";
  const ended =
    m.last_run && m.last_run.status !== "done" && m.workflow?.status !== "PENDING"
      ? ` · last run: ${m.last_run.status}${m.last_run.message ? ` — ${m.last_run.message}` : ""}`
      : "";
  return `${m.id}  ${figures} · ${where} · journal ${m.journal.events} events${m.journal.verified ? "" : ` DAMAGED: ${m.journal.problem}`}${ended}`;
}

async function worker(db: string, flags: FleetFlags): Promise<number> {
  const concurrency = count(flags.concurrency, "--concurrency", 1);
  const fleetWide = flags.queueConcurrency !== undefined ? count(flags.queueConcurrency, "--queue-concurrency", 1) : undefined;
  if (fleetWide !== undefined && fleetWide < concurrency)
    throw new UsageError(
      `--queue-concurrency ${fleetWide} is below --concurrency ${concurrency}`,
      "the whole fleet cannot run fewer missions at once than one worker",
    );
  // DBOS 5.3 queries one pg client from two places at once, which pg 8 warns of at every start
  process.noDeprecation = true;
  const { FleetWorker } = await import("../fleet/worker.js");
  const w = new FleetWorker({
    db,
    dir: flags.dir ? absolute(flags.dir) : join(homedir(), ".cache", "missionc", "fleet"),
    concurrency,
    ...(fleetWide !== undefined ? { queueConcurrency: fleetWide } : {}),
    leaseSeconds: count(flags.leaseSeconds, "--lease-seconds", 10),
    sandbox: flags.sandbox !== false,
    log: (line) => write(`${new Date().toISOString()} ${line}\n`),
  });
  await w.start();
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  writeError("worker: leaving; its missions go to the other workers (the lease is dropped)");
  await w.stop();
  process.exit(EXIT.ok); // the runners in flight stop with the process: their journals resume elsewhere
}
