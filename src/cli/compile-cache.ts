import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/**
 * Loads the bundled command-line program (dist/bundle/missionc.cjs, scripts/bundle.mjs) through V8's
 * code cache: the bytecode of every function a command ran is kept on disk after its first run, so
 * the next start does not parse and compile chevrotain and the compiler again. That compilation is
 * most of what a small `check` costs beyond Node's own start (bench/startup.js: about 30 ms of 80).
 * Node 22 does this itself (module.enableCompileCache); Node 20, which missionc supports, does not.
 *
 * The cache is a convenience and never a source of truth: a missing, unreadable, stale or rejected
 * cache file means compiling as usual, and a cache that cannot be written is skipped silently.
 * A file is trusted only for the exact bundle it was made from (the bundle's sha256, written by the
 * build into manifest.json, is in its name) and V8 itself rejects one from another Node version or
 * other flags. One file per command, since each command runs different code. Files are written to a
 * temporary name and renamed, so parallel runs never read a half-written one. Each file begins with
 * the sha256 of the rest: V8 checks a code cache's header, not its contents, and bytes damaged in
 * the middle crash the process inside V8's deserializer (found by flipping bits in a test).
 */

export type Main = (argv: string[]) => Promise<number>;

interface Manifest {
  file: string;
  sha256: string;
}

/** `$MISSIONC_CACHE_DIR`, else the XDG cache folder; empty `MISSIONC_CACHE_DIR=` turns the cache off. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env["MISSIONC_CACHE_DIR"];
  if (set !== undefined) return set === "" ? undefined : set;
  const base = env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return join(base, "missionc");
}

export function loadBundle(
  bundleDir: string,
  command: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { main: Main; save: () => void } {
  const manifest = JSON.parse(readFileSync(join(bundleDir, "manifest.json"), "utf8")) as Manifest;
  const file = join(bundleDir, manifest.file);
  // ASCII only (scripts/bundle.mjs makes it so): read as latin1, a one-byte string, no UTF-8 to decode
  const source = readFileSync(file, "latin1");
  const dir = cacheDir(env);
  const prefix = `${manifest.sha256.slice(0, 16)}-`;
  const cacheFile = dir
    ? join(dir, `${prefix}${process.version}-${process.arch}-${(command ?? "none").replace(/[^a-z]/g, "")}.bin`)
    : undefined;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = unsealed(readFileSync(cacheFile));
    } catch {
      /* first run of this command with this bundle */
    }
  }
  // the module wrapper of CommonJS, so the bundle sees the usual require, module and __filename
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as { main?: Main } };
  const run = script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  const main = module.exports.main;
  if (typeof main !== "function") throw new Error(`${file} does not export main`);
  const save = (): void => {
    if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
    try {
      mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, sealed(script.createCachedData()), { mode: 0o600 });
      renameSync(temp, cacheFile);
      // files of other bundles, unused for a week (an older missionc, or one since rebuilt), and
      // recorded scripts' turns kept a week ago (src/control/recorded-turns.ts: read again if needed)
      const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
      for (const name of readdirSync(dirname(cacheFile))) {
        const other = join(dirname(cacheFile), name);
        const stale = (!name.startsWith(prefix) && name.endsWith(".bin")) || name.startsWith("turns-");
        if (stale && statSync(other).mtimeMs < weekAgo) rmSync(other, { force: true });
      }
    } catch {
      /* a cache that cannot be written only costs the next start its compilation */
    }
  };
  return { main, save };
}

const SEAL = 32; // bytes of sha256

function sealed(data: Buffer): Buffer {
  return Buffer.concat([createHash("sha256").update(data).digest(), data]);
}

/** The cache data a file holds, or undefined when it is not exactly what was written. */
function unsealed(file: Buffer): Buffer | undefined {
  if (file.length <= SEAL) return undefined;
  const data = file.subarray(SEAL);
  return createHash("sha256").update(data).digest().equals(file.subarray(0, SEAL)) ? data : undefined;
}
