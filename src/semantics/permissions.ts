import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type * as A from "../syntax/ast.js";
import { ROLES, type BoundMission } from "./model.js";
import { PERMISSION, checkSettings } from "./settings.js";
import { nearest } from "./suggest.js";

/**
 * What an agent may do, per role, and what a procedure's command may reach. The words are names the
 * checker looks up, not keywords (DESIGN §2's rule for providers and roles): `feature browser` stays
 * a feature. Omitted settings take the defaults below, the sandbox's before permissions existed.
 */

export const NETWORKS = ["none", "loopback", "full"] as const;
export type NetworkName = (typeof NETWORKS)[number];

/** Tool groups: `read` is read_file, list_files and search; `run` is run_command; … (src/agents/toolbox.ts). */
export const TOOLS = ["read", "write", "run", "research", "http", "browser"] as const;
export type ToolName = (typeof TOOLS)[number];

/** `tools none`: the role's terminal tool only (a verdict, a decision). */
export const NO_TOOLS = "none";

export type RoleKind = (typeof ROLES)[number];

export interface Permission {
  network: NetworkName;
  tools: ToolName[];
}

/**
 * The tools each kind of role can use at all. A reviewer judges what was written, so it never
 * writes; only a user tester has an app to talk to; research is asked by those who plan or build.
 */
export const CAN_USE: Record<RoleKind, readonly ToolName[]> = {
  orchestrator: ["read", "research"],
  worker: ["read", "write", "run", "research"],
  reviewer: ["read", "run"],
  user_tester: ["read", "run", "http", "browser"],
  researcher: ["read", "run"],
};

/** Each role's permissions when the mission says nothing: what the runner granted before permissions existed. */
export const DEFAULT_PERMISSIONS: Record<RoleKind, Permission> = {
  orchestrator: { network: "loopback", tools: ["read", "research"] },
  worker: { network: "loopback", tools: ["read", "write", "run", "research"] },
  reviewer: { network: "loopback", tools: ["read"] },
  user_tester: { network: "loopback", tools: ["read", "run", "http", "browser"] },
  researcher: { network: "loopback", tools: ["read"] },
};

/** `install` fetches dependencies; every other procedure is the project's own code and stays local. */
export function defaultProcedureNetwork(name: string): NetworkName {
  return name === "install" ? "full" : "loopback";
}

const RANK: Record<NetworkName, number> = { none: 0, loopback: 1, full: 2 };
export const wider = (a: NetworkName, than: NetworkName): boolean => RANK[a] > RANK[than];

export const isNetwork = (s: string): s is NetworkName => (NETWORKS as readonly string[]).includes(s);
export const isTool = (s: string): s is ToolName => (TOOLS as readonly string[]).includes(s);
const isRole = (s: string): s is RoleKind => (ROLES as readonly string[]).includes(s);

/** A setting's values as names: `tools read, write` → its two literals. */
export function listOf(s: A.Setting): A.Literal[] {
  return s.value ? [s.value, ...(s.more ?? [])] : [];
}

/**
 * A role played by an external command (`claude -p`) runs its agent with full network, to reach its
 * own API: binding such a model asks for the internet, so full is its default and no widening.
 */
export function defaultPermission(role: RoleKind, commandAgent: boolean): Permission {
  const base = DEFAULT_PERMISSIONS[role];
  return { network: commandAgent ? "full" : base.network, tools: [...base.tools] };
}

/** The permissions of one role: the mission's settings over the role's defaults (unknown names already reported). */
export function permissionOf(role: RoleKind, block: readonly A.Setting[] | undefined, commandAgent: boolean): Permission {
  const base = defaultPermission(role, commandAgent);
  const network = block?.find((s) => s.name.text === "network")?.value?.value;
  const tools = block?.find((s) => s.name.text === "tools");
  const named = tools ? listOf(tools).map((l) => String(l.value)) : undefined;
  return {
    // a command agent runs with full network whatever is declared (M0604): the plan says what runs
    network: !commandAgent && typeof network === "string" && isNetwork(network) ? network : base.network,
    // in the order of TOOLS, so that `tools write, read` and `tools read, write` lower alike
    tools: named ? TOOLS.filter((t) => named.includes(t) && CAN_USE[role].includes(t)) : [...base.tools],
  };
}

/** The network of a procedure's command: its `network` option over the default. */
export function procedureNetwork(p: A.ProcedureDecl): NetworkName {
  const v = p.options.find((o) => o.name.text === "network")?.value?.value;
  return typeof v === "string" && isNetwork(v) ? v : defaultProcedureNetwork(p.name.text);
}

/** The role blocks of a mission's permissions, first of each role (a second is M0206). */
export function roleBlocks(m: BoundMission): Map<RoleKind, A.Setting> {
  const out = new Map<RoleKind, A.Setting>();
  for (const r of m.permissions?.roles ?? []) if (isRole(r.name.text) && !out.has(r.name.text)) out.set(r.name.text, r);
  return out;
}

/**
 * Checks the permissions block and every procedure's `network`: unknown names (M0601), a tool the
 * role cannot use (M0602), a grant wider than the default (M0603), and a role whose model is an
 * external command the sandbox cannot hold to a narrower network (M0604).
 */
export function checkPermissions(m: BoundMission, out: Diagnostic[]): void {
  const seen = new Map<string, A.Setting>();
  for (const r of m.permissions?.roles ?? []) {
    const name = r.name.text;
    if (!isRole(name)) {
      unknown(r.name, "role", ROLES, out);
      // what it grants is still read, so that its other slips show now, not one fix later
      if (r.body) checkValues(r.body, out);
      continue;
    }
    const earlier = seen.get(name);
    if (earlier) {
      out.push(
        diagnostic("M0206", r.name.span, `the ${name}'s permissions are given twice`, {
          labels: [{ span: earlier.name.span, message: "first given here" }],
          help: "merge them into one block; only the first is used",
        }),
      );
      continue;
    }
    seen.set(name, r);
    if (!r.body) {
      out.push(diagnostic("M0001", (r.value ?? r.name).span, `expected \`{\` after \`${name}\`: ${name} { network loopback  tools read }`));
      continue;
    }
    checkRole(m, name, r.body, out);
  }
  checkProcedures(m, out);
  const worker = seen.get("worker")?.body?.find((s) => s.name.text === "network");
  if (worker) checkWorkerCode(m, worker, out);
}

/**
 * The worker's network holds its commands, not its code: every procedure runs what the worker wrote
 * (an `install` runs package scripts), so one that gets the internet by default undoes a narrower
 * worker. Written out (`{ network full }`), the mission asked for it and the diff shows it.
 */
function checkWorkerCode(m: BoundMission, setting: A.Setting, out: Diagnostic[]): void {
  const declared = setting.value?.kind === "name" ? String(setting.value.value) : "";
  if (!isNetwork(declared) || declared === "full" || roleModel(m, "worker")?.provider.text === "command") return;
  for (const p of m.procedures.values()) {
    if (p.options.some((o) => o.name.text === "network")) continue;
    const implied = defaultProcedureNetwork(p.name.text);
    if (implied !== "full") continue; // a loopback of its own reaches nothing outside
    out.push(
      diagnostic(
        "M0605",
        setting.value!.span,
        `the worker's network \`${declared}\` does not hold its code: \`${p.name.text}\` runs it with network \`${implied}\` by default`,
        {
          labels: [{ span: p.name.span, message: `runs the worker's code (package scripts too) with network \`${implied}\`` }],
          help: `write \`{ network ${implied} }\` on \`${p.name.text}\` to accept it, or give it \`network ${declared === "none" ? "none" : "loopback"}\` (with the packages vendored or cached)`,
        },
      ),
    );
  }
}

function checkProcedures(m: BoundMission, out: Diagnostic[]): void {
  for (const p of m.procedures.values()) {
    const setting = p.options.find((o) => o.name.text === "network");
    if (!setting) continue;
    const value = networkValue(setting, out);
    const base = defaultProcedureNetwork(p.name.text);
    if (value && value !== "loopback" && p.name.text === "start") {
      out.push(
        diagnostic(
          "M0602",
          setting.value!.span,
          `the app's \`start\` cannot run with network \`${value}\`: it runs on a loopback of its own`,
          {
            help: "user testing reaches the app through the runner's relay into that loopback; leave `network` out",
          },
        ),
      );
      continue;
    }
    if (value && wider(value, base))
      out.push(
        diagnostic(
          "M0603",
          setting.value!.span,
          `procedure \`${p.name.text}\` gets network \`${value}\`, wider than its default \`${base}\``,
          {
            help:
              value === "full"
                ? "its command can reach the internet while the project's code runs; grant it only if the command needs it"
                : "its command can reach services on this machine",
          },
        ),
      );
  }
}

/** The values of a role's block whatever the role: each network and tool a name it knows. */
function checkValues(body: readonly A.Setting[], out: Diagnostic[]): void {
  checkSettings(body, PERMISSION, out);
  const network = body.find((s) => s.name.text === "network");
  if (network) networkValue(network, out);
  const tools = body.find((s) => s.name.text === "tools");
  for (const v of tools && tools.value?.kind === "name" ? listOf(tools) : [])
    if (v.kind === "name" && !isTool(String(v.value)) && v.value !== NO_TOOLS) unknown(v, "tool", TOOLS, out);
}

function checkRole(m: BoundMission, role: RoleKind, body: readonly A.Setting[], out: Diagnostic[]): void {
  checkSettings(body, PERMISSION, out);
  const model = roleModel(m, role);
  const commandAgent = model?.provider.text === "command";
  const base = defaultPermission(role, commandAgent);
  const network = body.find((s) => s.name.text === "network");
  const value = network ? networkValue(network, out) : undefined;
  // a network only matters to a role that runs commands (a command agent runs its own)
  const runs = permissionOf(role, body, commandAgent).tools.includes("run") || commandAgent;
  if (network && value && runs && wider(value, base.network))
    out.push(
      diagnostic("M0603", network.value!.span, `the ${role} gets network \`${value}\`, wider than its default \`${base.network}\``, {
        help:
          value === "full"
            ? "an agent's commands can then reach the internet, the way a secret or the code gets out; grant it only where the work needs it"
            : "an agent's commands can then reach services on this machine",
      }),
    );
  const tools = body.find((s) => s.name.text === "tools");
  if (tools) checkTools(role, tools, out);
  if (role === "worker" && network && value && value !== "full") featureCommandWorkers(m, network, value, out);
  if (model && commandAgent && value && value !== "full")
    out.push(
      diagnostic(
        "M0604",
        network!.value!.span,
        `the ${role} is played by \`${model.name.text}\`, an external command, which runs with full network`,
        {
          labels: [{ span: model.provider.span, message: "a command agent calls its own API" }],
          help: "the runner cannot hold a command agent to a narrower network: bind the role to an anthropic or openai model, or leave `network` out",
        },
      ),
    );
}

/** A feature of its own `worker MODEL` that is an external command runs with full network too (M0604). */
function featureCommandWorkers(m: BoundMission, network: A.Setting, value: NetworkName, out: Diagnostic[]): void {
  for (const { decl } of m.order) {
    const model = decl.worker ? m.models.get(decl.worker.text) : undefined;
    if (model?.provider.text !== "command") continue;
    out.push(
      diagnostic(
        "M0604",
        decl.worker!.span,
        `feature \`${decl.name.text}\` is implemented by \`${model.name.text}\`, an external command, which runs with full network`,
        {
          labels: [{ span: network.value!.span, message: `the worker's network is \`${value}\`` }],
          help: "the runner cannot hold a command agent to a narrower network: give the feature an anthropic or openai model",
        },
      ),
    );
  }
}

/** The model that plays a role: the validator and researcher roles default to the orchestrator's (plan/lower.ts). */
export function roleModel(m: BoundMission, role: RoleKind): A.ModelDecl | undefined {
  const binding = m.roles.get(role) ?? (role === "worker" ? undefined : m.roles.get("orchestrator"));
  return m.models.get(binding?.model.text ?? "");
}

function checkTools(role: RoleKind, setting: A.Setting, out: Diagnostic[]): void {
  const values = listOf(setting);
  if (values.length === 0 || values.some((v) => v.kind !== "name")) return; // M0001 from checkSettings
  if (values.length === 1 && values[0].kind === "name" && values[0].value === NO_TOOLS) return;
  const base = DEFAULT_PERMISSIONS[role].tools;
  const seen = new Set<string>();
  for (const v of values) {
    const name = String(v.value);
    if (!isTool(name)) {
      if (name === NO_TOOLS)
        out.push(
          diagnostic("M0601", v.span, "`none` stands alone: `tools none` grants no tools", { help: "remove `none`, or the other tools" }),
        );
      else unknown(v, "tool", TOOLS, out);
      continue;
    }
    if (seen.has(name)) {
      out.push(diagnostic("M0206", v.span, `\`${name}\` is listed twice in the ${role}'s tools`, { help: "remove one of them" }));
      continue;
    }
    seen.add(name);
    if (!CAN_USE[role].includes(name))
      out.push(
        diagnostic("M0602", v.span, `the ${role} cannot use \`${name}\`: ${WHY_NOT[name] ?? `it is not a tool of the ${role}`}`, {
          help: `the ${role} can use: ${CAN_USE[role].join(", ")}`,
        }),
      );
    else if (!base.includes(name))
      out.push(
        diagnostic("M0603", v.span, `the ${role} gets \`${name}\`, beyond its default tools (${base.join(", ")})`, {
          help: WIDENING[name] ?? "grant it only where the work needs it",
        }),
      );
  }
}

const WHY_NOT: Partial<Record<ToolName, string>> = {
  write: "only a worker changes the code; the others judge or read it",
  http: "only a user tester has a running app to talk to",
  browser: "only a user tester has a running app to open",
  research: "only the worker and the orchestrator ask the researcher",
  run: "the orchestrator decides from the evidence; it does not run commands",
};

const WIDENING: Partial<Record<ToolName, string>> = {
  run: "its commands run in the sandbox with the worktree read-only; they can still use the network the role is given",
};

function networkValue(s: A.Setting, out: Diagnostic[]): NetworkName | undefined {
  const v = s.value;
  // no value, a list, or not a name: M0001 from the setting check
  if (!v || s.more?.length || v.kind !== "name") return undefined;
  if (isNetwork(String(v.value))) return v.value as NetworkName;
  unknown(v, "network", NETWORKS, out);
  return undefined;
}

/** The language's tool for each tool an agent calls: `search` is granted by `read`. */
const GROUP_OF: Record<string, ToolName> = {
  read_file: "read",
  list_files: "read",
  search: "read",
  write_file: "write",
  edit_file: "write",
  run_command: "run",
  http_request: "http",
  browser_open: "browser",
  browser_click: "browser",
  browser_fill: "browser",
  browser_text: "browser",
  browser_screenshot: "browser",
};

function unknown(v: { span: A.Span; text?: string; raw?: string }, what: string, known: readonly string[], out: Diagnostic[]): void {
  const text = v.text ?? v.raw ?? "";
  const group = what === "tool" ? GROUP_OF[text] : undefined;
  if (group) {
    out.push(
      diagnostic("M0601", v.span, `unknown tool \`${text}\`: permissions grant tools by group`, {
        help: `\`${text}\` is granted by \`${group}\`; tools: ${known.join(", ")}`,
      }),
    );
    return;
  }
  const guess = nearest(text, known);
  out.push(
    diagnostic("M0601", v.span, `unknown ${what} \`${text}\``, {
      help: `${guess ? `did you mean \`${guess}\`? ` : ""}${what === "network" ? "networks" : `${what}s`}: ${known.join(", ")}`,
    }),
  );
}
