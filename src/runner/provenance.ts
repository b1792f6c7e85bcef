import { readdirSync } from "node:fs";
import type { BranchHistory, Workspace } from "./git.js";
import type { Layout } from "./layout.js";

/**
 * Before any work: is the mission branch what the journal says it is? The journal is what tells the
 * runner which steps are done; a branch with missionc's commits and no journal would have every step
 * done again over them, and a branch with commits missionc did not make would have the next worker
 * build on code nobody reviewed. Both are refused, saying what was found and what to do; foreign
 * commits may be taken over with `--adopt`, which is journaled.
 */

export type Provenance = { ok: true; adopted: BranchHistory["foreign"] } | { ok: false; message: string };

export interface Journaled {
  /** the mission has a `mission_started` event */
  started: boolean;
  /** the branch's head when it started */
  base: string;
  /** commits taken over by an earlier `--adopt` */
  adopted: ReadonlySet<string>;
  /** whether the journal file exists at all (a missing one is said so) */
  journalExists: boolean;
  /** the trailers of the steps whose commit the journal announced (`commit_intent`): every step commit on the branch must be one */
  intents: ReadonlySet<string>;
}

export async function checkProvenance(
  git: Workspace,
  layout: Layout,
  branch: string,
  journaled: Journaled,
  adopt: boolean,
): Promise<Provenance> {
  if (!git.history) return { ok: true, adopted: [] };
  if (!journaled.started) {
    const history = await git.history();
    const handoffs = filesIn(layout.handoffs);
    if (history.steps.length || handoffs.length) {
      const found = [
        history.steps.length ? `${history.steps.length} commit(s) of missionc on ${branch}` : "",
        handoffs.length ? `${handoffs.length} handoff(s) in ${layout.handoffs}` : "",
      ].filter(Boolean);
      return {
        ok: false,
        message: `the journal (${layout.journal}) is ${journaled.journalExists ? "empty" : "missing"}, but this mission has done work: ${found.join(" and ")}. The journal is what says which steps are done: without it every step would be done again. Put the journal back (from a backup); or, to start the mission over, delete the branch (\`git branch -D ${branch}\`) and ${layout.dir}`,
      };
    }
    return foreignProblem(history.foreign, branch, adopt, `${branch} exists already and holds`);
  }
  const history = await git.history(journaled.base);
  // a step commit the journal never announced: the journal has lost its end (truncated, restored
  // from an older copy), and the steps it no longer knows would be done again over their commits
  const unknown = history.steps.filter((c) => !journaled.intents.has(c.step));
  if (unknown.length)
    return {
      ok: false,
      message: `the journal (${layout.journal}) ends before the work on ${branch}: ${unknown.length} commit(s) of missionc are not in it (the first: ${unknown[0].commit.slice(0, 10)}, step ${unknown[0].step}); it was cut short or restored from an older copy. Put back the whole journal; or, to start the mission over, delete the branch (\`git branch -D ${branch}\`) and ${layout.dir}`,
    };
  const foreign = history.foreign.filter((c) => !journaled.adopted.has(c.commit));
  return foreignProblem(foreign, branch, adopt, `since the mission started, ${branch} has received`);
}

function foreignProblem(foreign: BranchHistory["foreign"], branch: string, adopt: boolean, what: string): Provenance {
  if (foreign.length === 0 || adopt) return { ok: true, adopted: foreign };
  const first = foreign[0];
  return {
    ok: false,
    message: `${what} ${foreign.length} commit(s) missionc did not make (the first: ${first.commit.slice(0, 10)} "${first.subject}"); the next worker would build on code no validator has seen. Run again with --adopt to take them over (the mission builds on them, and the journal says so), or remove them from ${branch}`,
  };
}

function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
