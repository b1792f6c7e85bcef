import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * What an attack must leave untouched, and where a canary must never be found: the tests of
 * test/sandbox.test.ts take a picture before a run and compare after it.
 */

/** Canary keys in the runner's environment: shaped like keys, unique to the test run. */
export function canaries(): Record<string, string> {
  const tag = `${process.pid}${Date.now().toString(36)}`.toUpperCase();
  return {
    ANTHROPIC_API_KEY: `sk-ant-api03-CANARYANT${tag}QQQQ`,
    OPENAI_API_KEY: `sk-proj-CANARYOAI${tag}ZZZZZZZZ`,
    MY_SERVICE_TOKEN: `token-CANARYSVC${tag}`,
  };
}

/** The forms a canary must not appear in: plain, reversed, base64 of either. */
export function canaryForms(values: string[]): string[] {
  return values.flatMap((v) => {
    const r = v.split("").reverse().join("");
    return [v, r, Buffer.from(v).toString("base64"), Buffer.from(r).toString("base64")];
  });
}

/** Every file under `dir`, by path relative to it, with a digest of its bytes (links by target). */
export function picture(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (skip(rel)) continue;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(p)}`);
      else if (st.isFile()) out.set(rel, `${(st.mode & 0o777).toString(8)}:${createHash("sha256").update(readFileSync(p)).digest("hex")}`);
      else out.set(rel, `special:${st.mode}`);
    }
  };
  walk(dir);
  return out;
}

/**
 * What lies outside the mission's worktree in a repository: the user's files and the git directory's
 * executable parts (config, hooks, attributes). The state folder and the objects git adds are not.
 */
export function outsideWorktree(repo: string): Map<string, string> {
  return picture(repo, (rel) => {
    if (rel === ".missions" || rel.startsWith(".missions/")) return true;
    if (!rel.startsWith(".git")) return false;
    return !(
      rel === ".git" ||
      rel === ".git/config" ||
      rel === ".git/hooks" ||
      rel.startsWith(".git/hooks/") ||
      rel === ".git/info" ||
      rel === ".git/info/attributes"
    );
  });
}

/** Where the canaries were found: any file under the folders, any git object of the repository, the texts. */
export function canarySightings(forms: string[], folders: string[], repo: string, texts: Record<string, string>): string[] {
  const found: string[] = [];
  const look = (where: string, text: string): void => {
    for (const f of forms) if (text.includes(f)) found.push(`${where}: ${f.slice(0, 12)}…`);
  };
  for (const folder of folders)
    for (const [rel] of picture(folder)) {
      try {
        look(join(folder, rel), readFileSync(join(folder, rel), "latin1"));
      } catch {
        /* a socket, a FIFO */
      }
    }
  // objects are compressed on disk: read them through git
  const objects = execFileSync("git", ["cat-file", "--batch-all-objects", "--batch"], { cwd: repo, maxBuffer: 1 << 30 }).toString("latin1");
  look("git objects", objects);
  for (const [name, text] of Object.entries(texts)) look(name, text);
  return found;
}

/** Processes whose command line contains `text`, from /proc. */
export function running(text: string): string[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .flatMap((pid) => {
      try {
        const line = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
        return line.includes(text) ? [`${pid} ${line}`] : [];
      } catch {
        return [];
      }
    });
}
