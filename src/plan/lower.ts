import { dirname, relative, resolve, sep } from "node:path";
import type * as A from "../syntax/ast.js";
import type { SourceHost } from "../syntax/host.js";
import type { CheckedMission } from "../semantics/check.js";
import { validatorsOf } from "../semantics/coverage.js";
import { ROLES, type BoundMission } from "../semantics/model.js";
import { permissionOf, procedureNetwork, roleBlocks, roleModel } from "../semantics/permissions.js";
import { checksValidator } from "./checks.js";
import { groupBy } from "./group.js";
import { digestOf, sha256 } from "./canonical.js";
import {
  PLAN_FORMAT,
  type Judge,
  type Plan,
  type PlanAssertion,
  type PlanFeature,
  type PlanModel,
  type PlanPermission,
  type PlanProcedure,
  type PlanSkill,
  type PlanStep,
  type RoleName,
  type ValidateStep,
  type Validator,
} from "./types.js";

/** Defaults the language leaves to the plan: three failed rounds, one reviewer at a time. */
export const DEFAULT_POLICY = { max_rounds: 3, concurrency: 1 };
const SCRUTINY_PROCEDURES = ["test", "typecheck", "lint"];
const USER_TESTING_PROCEDURES = ["install", "start"];
const VALIDATOR_ORDER: Validator[] = ["scrutiny", "user_testing"];

/**
 * Lowers a checked mission (no errors) into its plan. Pure but for reading skill files through the
 * host, to record their sha256. Paths in the plan are relative to the mission file's folder.
 */
export function lower(checked: CheckedMission, host: SourceHost): Plan {
  const m = checked.mission;
  if (!m) throw new Error("lower: the file has no mission");
  const rootDir = dirname(checked.program.root.abs);
  const absOf = (display: string): string => checked.program.files.get(display)?.abs ?? resolve(display);
  const skills = lowerSkills(m, host, rootDir, absOf);
  const roles = lowerRoles(m);
  const contract = lowerContract(checked);
  const features = lowerFeatures(m, roles, skills);
  const procedures = Object.fromEntries([...m.procedures].map(([k, v]) => [k, lowerProcedure(v)]));
  const models = Object.fromEntries([...m.models].map(([k, v]) => [k, lowerModel(v)]));
  const blocks = roleBlocks(m);
  const permissions = Object.fromEntries(
    ROLES.map((r) => [r, permissionOf(r, blocks.get(r)?.body, roleModel(m, r)?.provider.text === "command")]),
  ) as Plan["permissions"];
  const milestones = [...m.milestones.values()].map((ms) => ({
    features: ms.features.filter((f) => m.features.get(f.name.text)?.decl === f).map((f) => f.name.text),
    name: ms.name.text,
    ...(ms.title ? { title: String(ms.title.value) } : {}),
    validators: orderedValidators(ms),
  }));
  const body: Omit<Plan, "digest"> = {
    format: PLAN_FORMAT,
    mission: {
      name: m.decl.name.text,
      ...(m.decl.title ? { title: String(m.decl.title.value) } : {}),
      goal: m.goal ? String(m.goal.text.value) : "",
      branch: m.branch ? String(m.branch.value.value) : `mission/${m.decl.name.text}`,
      repo: m.repo ? String(m.repo.value.value) : ".",
    },
    budget: lowerBudget(m),
    policy: lowerPolicy(m),
    models,
    roles,
    permissions,
    procedures,
    skills,
    contract,
    milestones,
    features,
    steps: stepsOf({ milestones, features, contract, models, roles, permissions, procedures }),
  };
  return { ...body, digest: digestOf(body) };
}

function orderedValidators(ms: A.MilestoneDecl): Validator[] {
  const declared = validatorsOf(ms);
  return VALIDATOR_ORDER.filter((v) => declared.has(v));
}

function setting(settings: readonly A.Setting[] | undefined, name: string): number | undefined {
  const v = settings?.find((s) => s.name.text === name)?.value?.value;
  return typeof v === "number" ? v : undefined;
}

function lowerBudget(m: BoundMission): Plan["budget"] {
  const s = m.budget?.settings;
  const out: Plan["budget"] = {};
  const tokens = setting(s, "tokens");
  if (tokens !== undefined) out.tokens = tokens;
  const time = setting(s, "time");
  if (time !== undefined) out.time_seconds = time;
  const cost = setting(s, "cost");
  if (cost !== undefined) out.cost_usd = cost;
  return out;
}

function lowerPolicy(m: BoundMission): Plan["policy"] {
  const s = m.policy?.settings;
  return {
    max_rounds: setting(s, "max_rounds") ?? DEFAULT_POLICY.max_rounds,
    concurrency: setting(s, "concurrency") ?? DEFAULT_POLICY.concurrency,
  };
}

function lowerModel(d: A.ModelDecl): PlanModel {
  const model: PlanModel = { id: String(d.id.value), options: {}, provider: d.provider.text };
  for (const o of d.options) {
    if (o.name.text === "price") {
      model.price = Object.fromEntries(
        (o.body ?? []).filter((p) => typeof p.value?.value === "number").map((p) => [p.name.text, p.value!.value as number]),
      );
    } else if (o.value && (typeof o.value.value === "number" || typeof o.value.value === "string")) {
      const key = o.name.text === "timeout" ? "timeout_seconds" : o.name.text;
      model.options[key] = o.value.value;
    }
  }
  return model;
}

function lowerProcedure(d: A.ProcedureDecl): PlanProcedure {
  const advisory = d.options.find((o) => o.name.text === "advisory")?.value?.value === true;
  const p: PlanProcedure = {
    ...(advisory ? { advisory: true as const } : {}),
    command: String(d.command.value),
    network: procedureNetwork(d),
  };
  const timeout = setting(d.options, "timeout");
  if (timeout !== undefined) p.timeout_seconds = timeout;
  const ready = d.options.find((o) => o.name.text === "ready")?.value?.value;
  if (typeof ready === "string") p.ready = ready;
  return p;
}

function lowerSkills(m: BoundMission, host: SourceHost, rootDir: string, absOf: (f: string) => string): Record<string, PlanSkill> {
  const out: Record<string, PlanSkill> = {};
  for (const [name, s] of m.skills) {
    const abs = resolve(dirname(absOf(s.path.span.file)), String(s.path.value));
    const read = host.read(abs);
    out[name] = { path: relative(rootDir, abs).split(sep).join("/"), sha256: sha256("text" in read ? read.text : "") };
  }
  return out;
}

function lowerRoles(m: BoundMission): Record<RoleName, string> {
  const bound = (r: string): string | undefined => m.roles.get(r)?.model.text;
  const orchestrator = bound("orchestrator")!;
  return {
    orchestrator,
    worker: bound("worker")!,
    // validator and researcher roles default to the orchestrator's model
    reviewer: bound("reviewer") ?? orchestrator,
    user_tester: bound("user_tester") ?? orchestrator,
    researcher: bound("researcher") ?? orchestrator,
  };
}

function lowerContract(checked: CheckedMission): PlanAssertion[] {
  const out: PlanAssertion[] = [];
  for (const p of checked.places.values()) {
    if (!p.milestone) continue;
    const a = p.assertion;
    const implicit: Judge = a.check ? "check" : validatorsOf(p.milestone).has("user_testing") ? "user_tester" : "reviewer";
    const judge = (a.by?.value.text as Judge | undefined) ?? implicit;
    // keys in canonical order, here and below: canonicalJson then has nothing to copy (canonical.ts)
    out.push({
      by: judge,
      ...(a.check ? { check: String(a.check.value) } : {}),
      features: p.features.map((f) => f.decl.name.text),
      id: a.id.text,
      milestone: p.milestone.name.text,
      text: String(a.text.value),
    });
  }
  return out;
}

function lowerFeatures(m: BoundMission, roles: Record<RoleName, string>, skills: Record<string, PlanSkill>): PlanFeature[] {
  return m.order.map(({ decl: f, milestone }) => {
    const model = f.worker?.text ?? roles.worker;
    const title = f.title ? String(f.title.value) : undefined;
    const spec = f.spec ? String(f.spec.value) : undefined;
    const fulfills = f.fulfills.map((n) => n.text);
    const needs = f.needs.map((n) => n.text);
    const named = f.skills.map((n) => n.text);
    const workerModel = m.models.get(model);
    // what the feature asks for; its digest is the plan/1 one, so a mission started then resumes
    const digest = digestOf({
      fulfills,
      model,
      name: f.name.text,
      needs,
      skills: named.map((s) => ({ name: s, sha256: skills[s]?.sha256 })),
      ...(spec !== undefined ? { spec } : {}),
      ...(title !== undefined ? { title } : {}),
      worker: workerModel ? lowerModel(workerModel) : model,
    });
    return {
      digest,
      fulfills,
      milestone: milestone.name.text,
      model,
      name: f.name.text,
      needs,
      skills: named,
      ...(spec !== undefined ? { spec } : {}),
      ...(title !== undefined ? { title } : {}),
    };
  });
}

/**
 * What an agent of `role` played by `model` may do: the role's permission, with full network when
 * the model is an external command, which calls its own API (semantics/permissions.ts). The steps
 * carry it; the runner asks it again for the work the orchestrator adds.
 */
export function permissionFor(p: Pick<Plan, "models" | "permissions">, role: RoleName, model: string): PlanPermission {
  const granted = p.permissions[role];
  return p.models[model]?.provider === "command" && granted.network !== "full" ? { network: "full", tools: granted.tools } : granted;
}

/**
 * The steps, from the plan's own tables: each milestone's features in order, its validators, its
 * gate. Linear in the mission: every assertion and feature is named once, and the regression checks
 * of earlier milestones are a flag on the step that runs them, not a copy.
 */
export function stepsOf(
  p: Pick<Plan, "milestones" | "features" | "contract" | "models" | "roles" | "permissions" | "procedures">,
): PlanStep[] {
  const permitted = (role: RoleName, model: string): PlanPermission => permissionFor(p, role, model);
  const featuresOf = groupBy(p.features, (f) => f.milestone);
  const assertionsOf = groupBy(p.contract, (a) => a.milestone);
  const steps: PlanStep[] = [];
  for (const ms of p.milestones) {
    const name = ms.name;
    const features = featuresOf.get(name) ?? [];
    for (const f of features) {
      steps.push({
        feature: f.name,
        id: `implement:${f.name}`,
        kind: "implement",
        milestone: name,
        model: f.model,
        permission: permitted("worker", f.model),
        role: "worker",
      });
    }
    const here = assertionsOf.get(name) ?? [];
    const runsChecks = checksValidator(ms.validators);
    const validates: ValidateStep[] = ms.validators.map((v) => ({
      assertions: [],
      checks: v === runsChecks ? here.filter((a) => a.check !== undefined).map((a) => a.id) : [],
      features: v === "scrutiny" ? features.map((f) => f.name) : [],
      id: `validate:${name}:${v}`,
      kind: "validate",
      milestone: name,
      model: v === "scrutiny" ? p.roles.reviewer : p.roles.user_tester,
      permission: v === "scrutiny" ? permitted("reviewer", p.roles.reviewer) : permitted("user_tester", p.roles.user_tester),
      procedures: (v === "scrutiny" ? SCRUTINY_PROCEDURES : USER_TESTING_PROCEDURES).filter((x) => x in p.procedures),
      regressions: v === runsChecks,
      role: v === "scrutiny" ? "reviewer" : "user_tester",
      validator: v,
    }));
    const stepOf = (v: Validator | undefined): ValidateStep | undefined => validates.find((s) => s.validator === v);
    const checksStep = stepOf(runsChecks);
    for (const a of here) {
      const step = a.by === "user_tester" ? stepOf("user_testing") : a.by === "reviewer" ? stepOf("scrutiny") : checksStep;
      (step ?? checksStep)?.assertions.push(a.id);
    }
    steps.push(...validates);
    steps.push({
      id: `gate:${name}`,
      kind: "gate",
      milestone: name,
      model: p.roles.orchestrator,
      permission: permitted("orchestrator", p.roles.orchestrator),
      role: "orchestrator",
    });
  }
  return steps;
}
