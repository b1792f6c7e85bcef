import { wider } from "../semantics/permissions.js";
import { permissionFor } from "./lower.js";
import type { Network, Plan, PlanAssertion, PlanFeature } from "./types.js";

/**
 * What a spec change does to the plan, as data: one entry per entity that was added, removed,
 * changed or moved. Rendering is elsewhere (render-diff.ts), as text, Markdown or JSON.
 */

export type ChangeKind = "added" | "removed" | "changed" | "moved";

export interface Change {
  kind: ChangeKind;
  /** `feature/auth`, `assertion/auth.login`, `milestone/accounts`, `role/worker`, `budget/tokens`, … */
  entity: string;
  /** for `changed`: the fields that differ, each with its value before and after */
  fields?: Record<string, { before: unknown; after: unknown }>;
  /** for `moved`: where it was and where it is (milestone and position) */
  from?: { milestone?: string; position: number };
  to?: { milestone?: string; position: number };
  /** for `added` / `removed`: the entity's value */
  before?: unknown;
  after?: unknown;
  /** what the change lets an agent or a command do that it could not before: `network loopback → full`, `tools + write` */
  widens?: string[];
}

export interface PlanDiff {
  before: string;
  after: string;
  changes: Change[];
  summary: Record<ChangeKind, number>;
  /** how many changes widen a permission (each has `widens`) */
  widenings: number;
}

/**
 * Equal as plans are equal: key order does not count (a plan read from JSON has its keys sorted),
 * a key whose value is undefined is no key. Compared in place: two plans of 10,000 features have
 * some 400,000 fields to compare, and serializing each side of each was most of `diff`.
 */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = (r: Record<string, unknown>): string[] => Object.keys(r).filter((k) => r[k] !== undefined);
  const kx = keys(x);
  return kx.length === keys(y).length && kx.every((k) => y[k] !== undefined && same(x[k], y[k]));
}

function fieldChanges(a: Record<string, unknown>, b: Record<string, unknown>, ignore: string[] = []): Change["fields"] {
  const out: NonNullable<Change["fields"]> = {};
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (ignore.includes(k)) continue;
    if (!same(a[k], b[k])) out[k] = { before: a[k] ?? null, after: b[k] ?? null };
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * Names that kept their place: the longest common subsequence of the two orders. Names are unique
 * in each, so it is the longest increasing run of old positions taken in the new order (patience
 * sorting, n log n); an LCS table would be n × m, 10⁸ cells for two missions of 10,000 features.
 */
export function stayed(before: readonly string[], after: readonly string[]): Set<string> {
  const oldIndex = new Map(before.map((name, i) => [name, i]));
  const common = after.filter((name) => oldIndex.has(name));
  const positions = common.map((name) => oldIndex.get(name) ?? -1);
  // tails[k]: index in `common` of the smallest last old position of an increasing run of length k+1
  const tails: number[] = [];
  const previous = new Int32Array(common.length).fill(-1);
  positions.forEach((p, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (positions[tails[mid]] < p) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1];
    tails[lo] = i;
  });
  const keep = new Set<string>();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) keep.add(common[i]);
  return keep;
}

/** Entities listed in order (features, assertions, milestones): added, removed, moved, changed. */
function orderedDiff<T extends object>(
  kind: string,
  before: T[],
  after: T[],
  key: (x: T) => string,
  ignore: string[],
  out: Change[],
  unchanged: (before: T, after: T) => boolean = () => false,
): void {
  const a = new Map(before.map((x) => [key(x), x]));
  const b = new Map(after.map((x) => [key(x), x]));
  const milestoneOf = (x: T): string | undefined => (x as { milestone?: string }).milestone;
  // what changed milestone has moved whatever its place: the order kept is chosen among the rest
  const sameMilestone = (x: T): boolean => milestoneOf(x) === milestoneOf(a.get(key(x)) ?? x);
  const keep = stayed(before.filter((x) => !b.has(key(x)) || sameMilestone(b.get(key(x))!)).map(key), after.filter(sameMilestone).map(key));
  const beforeIndex = new Map(before.map((x, i) => [key(x), i]));
  after.forEach((x, i) => {
    const name = key(x);
    const old = a.get(name);
    if (!old) {
      out.push({ kind: "added", entity: `${kind}/${name}`, after: x });
      return;
    }
    if (!keep.has(name) || milestoneOf(old) !== milestoneOf(x)) {
      out.push({
        kind: "moved",
        entity: `${kind}/${name}`,
        from: { ...(milestoneOf(old) ? { milestone: milestoneOf(old) } : {}), position: beforeIndex.get(name)! + 1 },
        to: { ...(milestoneOf(x) ? { milestone: milestoneOf(x) } : {}), position: i + 1 },
      });
    }
    const fields = unchanged(old, x)
      ? undefined
      : fieldChanges(old as Record<string, unknown>, x as Record<string, unknown>, ["milestone", ...ignore]);
    if (fields) out.push({ kind: "changed", entity: `${kind}/${name}`, fields });
  });
  for (const [name, x] of a) if (!b.has(name)) out.push({ kind: "removed", entity: `${kind}/${name}`, before: x });
}

/** Entities in a table by name (roles, models, procedures, skills, budget, policy, mission). */
function tableDiff(kind: string, before: Record<string, unknown>, after: Record<string, unknown>, out: Change[]): void {
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = before[name];
    const b = after[name];
    if (a === undefined) out.push({ kind: "added", entity: `${kind}/${name}`, after: b });
    else if (b === undefined) out.push({ kind: "removed", entity: `${kind}/${name}`, before: a });
    else if (!same(a, b)) {
      const fields =
        typeof a === "object" && typeof b === "object" && a && b
          ? fieldChanges(a as Record<string, unknown>, b as Record<string, unknown>)
          : { value: { before: a, after: b } };
      out.push({ kind: "changed", entity: `${kind}/${name}`, ...(fields ? { fields } : {}) });
    }
  }
}

export function diffPlans(before: Plan, after: Plan): PlanDiff {
  const changes: Change[] = [];
  tableDiff("mission", before.mission, after.mission, changes);
  // entities are named in the language's words: budget/time, not the plan's time_seconds
  const words = (b: Plan["budget"]): Record<string, unknown> => ({ tokens: b.tokens, time: b.time_seconds, cost: b.cost_usd });
  const defined = (r: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
  tableDiff("budget", defined(words(before.budget)), defined(words(after.budget)), changes);
  tableDiff("policy", before.policy, after.policy, changes);
  tableDiff("model", before.models, after.models, changes);
  tableDiff("role", before.roles, after.roles, changes);
  tableDiff("permission", before.permissions, after.permissions, changes);
  tableDiff("procedure", before.procedures, after.procedures, changes);
  tableDiff("skill", before.skills, after.skills, changes);
  orderedDiff("milestone", before.milestones, after.milestones, (m) => m.name, ["features"], changes);
  // a feature's digest changes with what it asks for; its fields say what
  // the digest covers every field but the milestone (compared apart): equal digests, nothing to list
  orderedDiff<PlanFeature>(
    "feature",
    before.features,
    after.features,
    (f) => f.name,
    ["digest"],
    changes,
    (a, b) => a.digest === b.digest,
  );
  orderedDiff<PlanAssertion>("assertion", before.contract, after.contract, (a) => a.id, ["features"], changes);
  const sides = {
    before,
    after,
    featuresBefore: new Map(before.features.map((f) => [f.name, f])),
    featuresAfter: new Map(after.features.map((f) => [f.name, f])),
  };
  for (const c of changes) {
    const widens = widening(c, sides);
    if (widens.length) c.widens = widens;
  }
  const summary: Record<ChangeKind, number> = { added: 0, removed: 0, changed: 0, moved: 0 };
  for (const c of changes) summary[c.kind]++;
  return { before: before.digest, after: after.digest, changes, summary, widenings: changes.filter((c) => c.widens).length };
}

/**
 * What a permission or procedure change grants beyond what was granted before: the lines a reviewer
 * must not miss. A procedure added is compared with the network a procedure of its name gets by default.
 */
interface Sides {
  before: Plan;
  after: Plan;
  featuresBefore: Map<string, PlanFeature>;
  featuresAfter: Map<string, PlanFeature>;
}

function widening(c: Change, { before, after, featuresBefore, featuresAfter }: Sides): string[] {
  const [kind, name] = [c.entity.slice(0, c.entity.indexOf("/")), c.entity.slice(c.entity.indexOf("/") + 1)];
  const net = (from: Network, to: Network): string[] => (wider(to, from) ? [`network ${from} → ${to}`] : []);
  if (kind === "permission" && c.kind === "changed") {
    const [a, b] = [before.permissions[name as keyof Plan["permissions"]], after.permissions[name as keyof Plan["permissions"]]];
    return [...net(a.network, b.network), ...b.tools.filter((t) => !a.tools.includes(t)).map((t) => `tools + ${t}`)];
  }
  // a feature's worker model may be an external command, which runs with full network (lower.ts, permissionFor)
  // (the worker's own network is permission/worker's line; here only what the feature's model adds)
  if (kind === "feature" && (c.kind === "added" || c.kind === "changed")) {
    const model = featuresAfter.get(name)!.model;
    const old = c.kind === "added" ? after.roles.worker : featuresBefore.get(name)!.model;
    if (model === old && c.kind === "changed") return [];
    const was = c.kind === "added" ? after.permissions.worker.network : permissionFor(before, "worker", old).network;
    const now = permissionFor(after, "worker", model).network;
    return wider(now, after.permissions.worker.network) ? net(was, now) : [];
  }
  // a procedure added runs the project's code where nothing ran: with the internet, that is new reach
  if (kind === "procedure" && c.kind === "added") return after.procedures[name].network === "full" ? ["network full"] : [];
  if (kind === "procedure" && c.kind === "changed") return net(before.procedures[name].network, after.procedures[name].network);
  return [];
}
