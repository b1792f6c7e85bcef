import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, symlinkSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheDir } from "../src/cli/compile-cache.js";
import { ROOT } from "./helpers/cases.js";
import { missionc } from "./helpers/cli.js";

/**
 * bin/missionc.js loads the bundled program through V8's code cache (src/cli/compile-cache.ts). The
 * cache may only ever make a start faster: whatever is in the folder, the command's output is the same.
 */
const hello = join(ROOT, "examples/hello/hello.mission");
const manifest = JSON.parse(readFileSync(join(ROOT, "dist/bundle/manifest.json"), "utf8")) as { file: string; sha256: string };
const fresh = () => mkdtempSync(join(tmpdir(), "code-cache-"));
const check = (dir: string) => missionc(["check", hello], { env: { MISSIONC_CACHE_DIR: dir } });
const bins = (dir: string) => readdirSync(dir).filter((n) => n.endsWith(".bin"));

describe("the code cache of the command-line program", () => {
  const expected = missionc(["check", hello], { env: { MISSIONC_CACHE_DIR: "" } });

  it("reads a bundle that is ASCII only (it is read as latin1) and whose sha256 is the manifest's", () => {
    const bytes = readFileSync(join(ROOT, "dist/bundle", manifest.file));
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(manifest.sha256);
  });

  it("is written after a command's first run, for this bundle and this Node, and read by the next", () => {
    const dir = fresh();
    expect(check(dir)).toEqual(expected);
    const files = bins(dir);
    expect(files).toEqual([`${manifest.sha256.slice(0, 16)}-${process.version}-${process.arch}-check.bin`]);
    const written = statSync(join(dir, files[0])).mtimeMs;
    expect(check(dir)).toEqual(expected);
    // accepted by V8, so not written again
    expect(statSync(join(dir, files[0])).mtimeMs).toBe(written);
    expect((statSync(dir).mode & 0o777).toString(8)).toBe("700");
  });

  it("replaces a damaged file and gives the same output meanwhile, wherever the damage is", () => {
    const dir = fresh();
    check(dir);
    const [file] = bins(dir);
    const path = join(dir, file);
    const good = readFileSync(path);
    // V8 checks a code cache's header only: bytes changed in the middle once crashed it (exit 133)
    const damages: [string, (b: Buffer) => Buffer][] = [
      ["all of it", (b) => Buffer.alloc(b.length, 7)],
      [
        "8 bytes in the middle",
        (b) => Buffer.concat([b.subarray(0, b.length >> 1), Buffer.from("deadbeefdeadbeef", "hex"), b.subarray((b.length >> 1) + 8)]),
      ],
      ["one bit at a third", (b) => flip(b, Math.floor(b.length / 3))],
      ["one bit at three quarters", (b) => flip(b, Math.floor((b.length * 3) / 4))],
      ["one bit of the checksum", (b) => flip(b, 5)],
      ["bytes appended", (b) => Buffer.concat([b, Buffer.from("garbage")])],
      ["cut in half", (b) => b.subarray(0, b.length >> 1)],
    ];
    for (const [what, damage] of damages) {
      const damaged = damage(good);
      writeFileSync(path, damaged);
      expect(check(dir), what).toEqual(expected);
      // written again, whole
      expect(readFileSync(path).equals(damaged), what).toBe(false);
      expect(check(dir), what).toEqual(expected);
    }
  });

  it("is skipped silently where it cannot be written, and off with an empty MISSIONC_CACHE_DIR", () => {
    const file = join(fresh(), "a-file");
    writeFileSync(file, "");
    const unwritable = join(file, "cache"); // a folder inside a file: not even root can make it
    expect(check(unwritable)).toEqual(expected);
    expect(missionc(["check", hello], { env: { MISSIONC_CACHE_DIR: "" } })).toEqual(expected);
    expect(cacheDir({ MISSIONC_CACHE_DIR: "" })).toBeUndefined();
    expect(cacheDir({ XDG_CACHE_HOME: "/x" })).toBe("/x/missionc");
  });

  it("is not needed: with dist/ built by tsc alone (no bundle), bin/missionc.js runs the modules", () => {
    // a copy of the package whose dist/ has everything but bundle/
    const pkg = fresh();
    mkdirSync(join(pkg, "bin"));
    for (const f of ["missionc.js", "package.json"]) cpSync(join(ROOT, "bin", f), join(pkg, "bin", f));
    mkdirSync(join(pkg, "dist"));
    for (const d of readdirSync(join(ROOT, "dist")).filter((n) => n !== "bundle")) symlinkSync(join(ROOT, "dist", d), join(pkg, "dist", d));
    for (const f of ["package.json", "node_modules", "specs", "skills", "examples"]) symlinkSync(join(ROOT, f), join(pkg, f));
    const r = spawnSync(process.execPath, [join(pkg, "bin/missionc.js"), "check", hello], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", MISSIONC_CACHE_DIR: "" },
    });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual(expected);
  });

  it("holds no import() in the bundle: restored from the cache, it would have lost its loader", () => {
    // vm.Script's importModuleDynamically does not survive V8's code cache (Node 20): a cached
    // `import("@anthropic-ai/sdk")` throws "A dynamic import callback was not specified"
    const bundle = readFileSync(join(ROOT, "dist/bundle", manifest.file), "utf8");
    expect(bundle.match(/\bimport\(\s*["'`]/g) ?? []).toEqual([]);
    expect(bundle).toMatch(/require\("@anthropic-ai\/sdk"\)/);
  });

  it("leaves no file for a mistyped command, and removes other bundles' files unused for a week", () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    const old = join(dir, "0123456789abcdef-v20.0.0-x64-check.bin");
    const recent = join(dir, "fedcba9876543210-v20.0.0-x64-check.bin");
    writeFileSync(old, "x");
    writeFileSync(recent, "x");
    const weekAndADay = (Date.now() - 8 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, weekAndADay, weekAndADay);
    expect(missionc(["chek", hello], { env: { MISSIONC_CACHE_DIR: dir } }).status).toBe(2);
    expect(bins(dir).sort()).toEqual([old, recent].map((p) => p.slice(dir.length + 1)).sort());
    check(dir);
    expect(bins(dir)).toContain("fedcba9876543210-v20.0.0-x64-check.bin");
    expect(bins(dir)).not.toContain("0123456789abcdef-v20.0.0-x64-check.bin");
  });
});

function flip(b: Buffer, at: number): Buffer {
  const out = Buffer.from(b);
  out[at] = (out[at] ?? 0) ^ 0x10;
  return out;
}
