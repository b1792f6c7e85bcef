import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { planFromMission } from "../plan/load.js";
import { nodeHost } from "../syntax/host.js";
import { repositoryRoot } from "../runner/git.js";
import { layoutAt, layoutOf, type Layout } from "../runner/layout.js";

/**
 * The mission a reading command (`status`, `pause`, `msg`, …) is about: TARGET is a `.mission` file,
 * a repository, or a state folder, default the working directory; `--mission` picks one of several.
 */

export class TargetError extends Error {}

export async function findMission(target: string | undefined, mission?: string): Promise<Layout> {
  const given = resolve(target ?? ".");
  if (!existsSync(given)) throw new TargetError(`${target} does not exist`);
  if (statSync(given).isFile()) {
    if (!given.endsWith(".mission")) throw new TargetError(`${target} is not a .mission file, a repository or a mission's state folder`);
    const loaded = planFromMission(given, nodeHost());
    if (!loaded.ok) throw new TargetError(loaded.reason);
    const root = await repositoryRoot(resolve(given, "..", loaded.plan.mission.repo));
    return layoutOf(root, loaded.plan.mission.name);
  }
  if (existsSync(join(given, "journal.jsonl")) || existsSync(join(given, "plan.json"))) {
    // normally <repo>/.missions/<name>; a folder elsewhere is read where it is
    const parent = resolve(given, "..");
    return parent.split(/[\\/]/).pop() === ".missions" ? layoutAt(given, resolve(parent, "..")) : layoutAt(given, given);
  }
  const root = await repositoryRoot(given).catch(() => {
    throw new TargetError(`${target ?? "the working directory"} is not in a git repository, and not a mission's state folder`);
  });
  const dir = join(root, ".missions");
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => existsSync(join(dir, n, "plan.json")))
        .sort()
    : [];
  if (mission) {
    if (!names.includes(mission)) throw new TargetError(`no mission \`${mission}\` in ${root}; missions: ${names.join(", ") || "(none)"}`);
    return layoutOf(root, mission);
  }
  if (names.length === 0)
    throw new TargetError(`no mission has run in ${root} (no .missions/ folder); start one with \`missionc run FILE\``);
  if (names.length > 1) throw new TargetError(`${root} holds several missions; choose one with --mission: ${names.join(", ")}`);
  return layoutOf(root, names[0]);
}
