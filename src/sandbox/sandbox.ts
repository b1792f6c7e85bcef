import { spawn, spawnSync, type ChildProcess, type StdioOptions } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { scrubbedEnv } from "../agents/secrets.js";
import { bwrapArgs, MASKED, type BwrapSpec, type Masked } from "./bwrap.js";
import { maskedGitConfig } from "./git-config.js";
import { INSIDE, sandboxEnv, type Network } from "./policy.js";
import { canDenyInternet, denyInternetProgram } from "./seccomp.js";

/**
 * Every command that runs code from the worktree goes through a Sandbox: bubblewrap when it can
 * start, or nothing at all when the person running the mission said `--no-sandbox`. Which one is
 * decided once per run; the commands only ask how to start.
 */

export interface LaunchOptions {
  network: Network;
  /** the worktree shown read-only: the commands of a role without `write` */
  readOnly?: boolean;
  /** variables beyond the allow-list (a command agent's own key, where its answer goes) */
  env?: Record<string, string>;
  /** a folder of the runner's shown read-write at `exchangePath()` */
  exchange?: string;
  /**
   * user testing: the app's address inside, and the folder (shown read-only) holding the runner's
   * socket the relay connects to; `serve` beside the app, `reach` beside a user tester's command
   */
  relay?: { mode: "serve" | "reach"; host: string; port: number; socketDir: string };
}

/** The runner's socket each relay connects to, in the folder its sandbox sees (validators/app-door.ts). */
export const RELAY_SOCKET = { serve: "pool.sock", reach: "reach.sock" } as const;
const RELAY_SCRIPT = new URL("../../dist/sandbox/relay.js", import.meta.url);
const RELAY_INSIDE = "/run/missionc-relay.mjs";
const SOCKET_INSIDE = "/run/missionc-app";

export interface Launch {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** the seccomp program bwrap reads from fd 3 */
  seccomp?: Buffer;
}

export interface Sandbox {
  readonly confined: boolean;
  launch(command: string, options: LaunchOptions): Launch;
  /** where the exchange folder is, as the command sees it */
  exchangePath(hostDir: string): string;
}

export class SandboxUnavailable extends Error {}

/** Starts a launch in its own process group (the unit a timeout or a resumed runner kills). */
type Stdio = "pipe" | "ignore" | number;

export function spawnLaunch(launch: Launch, cwd: string, stdio: [Stdio, Stdio, Stdio]): ChildProcess {
  const all: StdioOptions = [...stdio, ...(launch.seccomp ? ["pipe" as const] : [])];
  const child = spawn(launch.file, launch.args, { cwd, env: launch.env, detached: true, stdio: all });
  if (launch.seccomp) {
    const fd3 = child.stdio[3] as NodeJS.WritableStream | null;
    fd3?.on("error", () => undefined); // bwrap that failed to start closed it first
    fd3?.end(launch.seccomp);
  }
  return child;
}

/** No confinement: the runner's environment minus secrets, the host's network. */
export class Unconfined implements Sandbox {
  readonly confined = false;
  /** keyNames: the variables the mission's models name with `api_key_env`, whatever their names */
  constructor(private readonly keyNames: readonly string[] = []) {}
  launch(command: string, options: LaunchOptions): Launch {
    return { file: "/bin/sh", args: ["-c", command], env: { ...scrubbedEnv(process.env, this.keyNames), ...options.env } };
  }
  exchangePath(hostDir: string): string {
    return hostDir;
  }
}

export interface Place {
  worktree: string;
  gitDir?: string;
  cache: string;
  /** where to keep the masked copy of the git config (a folder the sandbox does not show) */
  private?: string;
}

const SYSTEM = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"];

function hostSystem(): BwrapSpec["system"] {
  const out: BwrapSpec["system"] = [];
  for (const path of SYSTEM) {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) out.push({ path, link: readlinkSync(path) });
    else if (st.isDirectory()) out.push({ path });
  }
  return out;
}

function hostMasked(): Masked[] {
  return MASKED.filter((p) => existsSync(p)).map((p) => ({ path: p, folder: statSync(p).isDirectory() }));
}

/**
 * Where the resolver's configuration really is, when /etc/resolv.conf is a link out of /etc
 * (systemd-resolved's /run/systemd/resolve): shown read-only to commands with the internet.
 */
function resolverFolder(): string | undefined {
  try {
    const real = realpathSync("/etc/resolv.conf");
    const folder = dirname(real);
    return SYSTEM.some((s) => folder === s || folder.startsWith(s + sep)) ? undefined : folder;
  } catch {
    return undefined;
  }
}

/** The node installation, when it lies outside the system folders (nvm, a tarball in ~). */
function nodePrefix(): string | undefined {
  const prefix = dirname(dirname(realpathSync(process.execPath)));
  return SYSTEM.some((s) => prefix === s || prefix.startsWith(s + sep)) ? undefined : prefix;
}

function findOnPath(name: string, path = process.env["PATH"] ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

const INSTALL_HINT =
  "install bubblewrap (Debian and Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`; Arch: `sudo pacman -S bubblewrap`), or run with `--no-sandbox` to run the agents' commands unconfined";

export class Bubblewrap implements Sandbox {
  readonly confined = true;
  private readonly system = hostSystem();
  private readonly masked = hostMasked();
  private readonly prefix = nodePrefix();
  private readonly resolver = resolverFolder();

  constructor(
    private readonly bwrap: string,
    private readonly place: Place,
  ) {}

  private maskedConfig: string | undefined;

  /** The credential-free copy of the repository's config, written once per run. */
  private gitConfig(): string | undefined {
    const { gitDir, private: dir } = this.place;
    if (!gitDir || !dir || !existsSync(join(gitDir, "config"))) return undefined;
    if (!this.maskedConfig) {
      mkdirSync(dir, { recursive: true });
      this.maskedConfig = join(dir, "git-config");
      writeFileSync(this.maskedConfig, maskedGitConfig(readFileSync(join(gitDir, "config"), "utf8")));
    }
    return this.maskedConfig;
  }

  launch(command: string, options: LaunchOptions): Launch {
    mkdirSync(this.place.cache, { recursive: true });
    const gitConfig = this.gitConfig();
    const none = options.network === "none";
    const spec: BwrapSpec = {
      network: options.network,
      worktree: this.place.worktree,
      ...(options.readOnly ? { readOnlyWorktree: true } : {}),
      cache: this.place.cache,
      system: this.system,
      ...(this.place.gitDir ? { gitDir: this.place.gitDir } : {}),
      ...(gitConfig ? { gitConfig } : {}),
      ...(this.prefix ? { nodePrefix: this.prefix } : {}),
      mounts: [
        ...(options.network === "full" && this.resolver ? [{ host: this.resolver, inside: this.resolver, writable: false }] : []),
        ...(options.exchange ? [{ host: options.exchange, inside: INSIDE.exchange, writable: true }] : []),
        ...(options.relay
          ? [
              { host: options.relay.socketDir, inside: SOCKET_INSIDE, writable: false },
              { host: fileURLToPath(RELAY_SCRIPT), inside: RELAY_INSIDE, writable: false },
            ]
          : []),
      ],
      ...(none ? { seccompFd: 3 } : {}),
    };
    const shell = ["/bin/sh", "-c", command];
    const r = options.relay;
    const program = r
      ? [
          realpathSync(process.execPath),
          RELAY_INSIDE,
          r.mode,
          `${SOCKET_INSIDE}/${RELAY_SOCKET[r.mode]}`,
          r.host,
          String(r.port),
          "--",
          ...shell,
        ]
      : shell;
    return {
      file: this.bwrap,
      args: bwrapArgs(spec, program, this.masked),
      env: sandboxEnv(process.env, options.env),
      ...(none ? { seccomp: denyInternetProgram() } : {}),
    };
  }

  exchangePath(): string {
    return INSIDE.exchange;
  }

  /**
   * Starts one sandbox and reads what it got: bwrap must run, and the command inside must hold no
   * capability (as root without a user namespace, bwrap would keep them all and a remount would write
   * the host).
   */
  probe(): void {
    const launch = this.launch("grep '^CapEff' /proc/self/status", { network: "loopback" });
    const r = spawnSync(launch.file, launch.args, { env: launch.env, encoding: "utf8", timeout: 10_000 });
    if (r.error) throw new SandboxUnavailable(`bubblewrap could not start (${r.error.message}); ${INSTALL_HINT}`);
    if (r.status !== 0)
      throw new SandboxUnavailable(
        `bubblewrap could not make a sandbox here: ${(r.stderr || r.stdout).trim().split("\n")[0]} (user namespaces may be disabled: sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces); ${INSTALL_HINT}`,
      );
    const eff = /CapEff:\s*([0-9a-f]+)/.exec(r.stdout)?.[1];
    if (!eff || /[^0]/.test(eff))
      throw new SandboxUnavailable(`a command inside bubblewrap kept capabilities (CapEff ${eff ?? "unknown"}); it would not be confined`);
  }
}

/**
 * Where bubblewrap is, once it has been seen to confine a command on this machine; otherwise
 * SandboxUnavailable, saying how to get it (or that `--no-sandbox` exists).
 */
export function findBubblewrap(path = process.env["PATH"]): string {
  if (process.platform !== "linux")
    throw new SandboxUnavailable(
      `no sandbox exists for ${process.platform} yet; run with \`--no-sandbox\` to run the agents' commands unconfined`,
    );
  if (!canDenyInternet()) throw new SandboxUnavailable(`no seccomp program for ${process.arch}; run with \`--no-sandbox\``);
  const bwrap = findOnPath("bwrap", path);
  if (!bwrap) throw new SandboxUnavailable(`\`bwrap\` is not on PATH; ${INSTALL_HINT}`);
  const scratch = mkdtempSync(join(tmpdir(), "missionc-probe-"));
  try {
    new Bubblewrap(bwrap, { worktree: scratch, cache: join(scratch, ".cache") }).probe();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return bwrap;
}

/** What running without a sandbox gives up, printed when `--no-sandbox` is chosen. */
export const UNCONFINED_WARNING =
  "running without a sandbox (--no-sandbox): the agents' commands, the procedures and the checks run as you, with your files, your network and your processes in reach; only variables with secret-looking names are hidden from them, and of the mission's permissions only the tools hold (not networks, not a read-only worktree)";
