import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type * as A from "../syntax/ast.js";
import type { BoundFeature, BoundMission } from "./model.js";

/** Adds a value under its name unless the name is taken; a taken name is one M0101 pointing at both. */
function declare<T>(table: Map<string, T>, name: A.Name, value: T, where: (v: T) => Span, what: string, out: Diagnostic[]): boolean {
  const first = table.get(name.text);
  if (first === undefined) {
    table.set(name.text, value);
    return true;
  }
  const role = what === "role";
  out.push(
    diagnostic("M0101", name.span, role ? `role \`${name.text}\` is bound twice` : `${what} \`${name.text}\` is declared twice`, {
      labels: [{ span: where(first), message: role ? "first bound here" : "first declared here" }],
      help: role ? "bind each role once" : `rename one of them or remove the second; only the first ${what} is used`,
    }),
  );
  return false;
}

/** Builds the symbol tables of a mission from its declarations (includes already spliced in). */
export function bind(mission: A.MissionDecl, declarations: readonly A.Declaration[], out: Diagnostic[]): BoundMission {
  const m: BoundMission = {
    decl: mission,
    models: new Map(),
    roles: new Map(),
    procedures: new Map(),
    skills: new Map(),
    assertions: new Map(),
    milestones: new Map(),
    features: new Map(),
    order: [],
    shadowed: [],
  };
  for (const d of declarations) {
    switch (d.kind) {
      case "goal":
        m.goal ??= d;
        break;
      case "branch":
        m.branch ??= d;
        break;
      case "repo":
        m.repo ??= d;
        break;
      case "budget":
        m.budget ??= d;
        break;
      case "policy":
        m.policy ??= d;
        break;
      case "permissions":
        m.permissions ??= d;
        break;
      case "model":
        declare(m.models, d.name, d, (v) => v.name.span, "model", out);
        break;
      case "role":
        declare(m.roles, d.role, d, (v) => v.role.span, "role", out);
        break;
      case "procedure":
        declare(m.procedures, d.name, d, (v) => v.name.span, "procedure", out);
        break;
      case "skill":
        declare(m.skills, d.name, d, (v) => v.name.span, "skill", out);
        break;
      case "contract":
        for (const a of d.asserts) declare(m.assertions, a.id, a, (v) => v.id.span, "assertion", out);
        break;
      case "milestone":
        if (!declare(m.milestones, d.name, d, (v) => v.name.span, "milestone", out)) {
          for (const f of d.features) m.shadowed.push(f);
          break;
        }
        for (const f of d.features) {
          const bound: BoundFeature = { decl: f, milestone: d, index: m.order.length };
          if (declare(m.features, f.name, bound, (v) => v.decl.name.span, "feature", out)) m.order.push(bound);
          else m.shadowed.push(f);
        }
        break;
      default:
        break;
    }
  }
  return m;
}
