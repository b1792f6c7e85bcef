import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type * as A from "../syntax/ast.js";
import { REQUIRED_ROLES, ROLES, type BoundMission } from "./model.js";
import { nearest, suggestion } from "./suggest.js";

/** Role bindings: known roles (M0102), known models (M0102), required roles (M0202), independent validators (M0402). */
export function checkRoles(m: BoundMission, out: Diagnostic[]): void {
  for (const r of m.roles.values()) {
    if (!(ROLES as readonly string[]).includes(r.role.text) && !r.role.reserved) {
      const guess = nearest(r.role.text, ROLES);
      out.push(
        diagnostic("M0102", r.role.span, `unknown role \`${r.role.text}\``, {
          help: `${guess ? `did you mean \`${guess}\`? ` : ""}roles: ${ROLES.join(", ")}`,
        }),
      );
    }
    if (!m.models.has(r.model.text)) unknownModel(m, r.model, out);
  }
  // `role workr = m` is one fault: the unknown role above, not also a missing worker
  const meant = new Set([...m.roles.keys()].filter((r) => !(ROLES as readonly string[]).includes(r)).map((r) => nearest(r, ROLES)));
  for (const role of REQUIRED_ROLES) {
    if (m.roles.has(role) || meant.has(role)) continue;
    out.push(
      diagnostic("M0202", m.decl.name.span, `mission \`${m.decl.name.text}\` has no ${role}: the \`${role}\` role is required`, {
        help: `bind it to a model: \`role ${role} = <model>\``,
      }),
    );
  }
  checkIndependence(m, out);
}

export function unknownModel(m: BoundMission, ref: A.Name, out: Diagnostic[]): void {
  if (ref.reserved) return;
  out.push(
    diagnostic("M0102", ref.span, `unknown model \`${ref.text}\``, {
      help: m.models.size ? suggestion(ref.text, m.models.keys(), "model") : 'declare it: `model NAME = anthropic "model-id"`',
    }),
  );
}

/** Where a model runs: two models on one provider and server share blind spots. */
function origin(model: A.ModelDecl): string {
  const baseUrl = model.options.find((o) => o.name.text === "base_url")?.value?.value;
  if (model.provider.text === "command") return `command:${String(model.id.value)}`;
  return `${model.provider.text}:${baseUrl === undefined ? "" : String(baseUrl)}`;
}

function checkIndependence(m: BoundMission, out: Diagnostic[]): void {
  const worker = m.models.get(m.roles.get("worker")?.model.text ?? "");
  if (!worker) return;
  for (const role of ["reviewer", "user_tester"]) {
    const binding = m.roles.get(role);
    const model = m.models.get(binding?.model.text ?? "");
    if (!binding || !model || origin(model) !== origin(worker)) continue;
    out.push(
      diagnostic("M0402", binding.span, `the ${role} uses the same provider as the worker (\`${model.provider.text}\`)`, {
        labels: [{ span: m.roles.get("worker")!.span, message: "the worker is bound here" }],
        help: "a validator on another provider is more likely to catch what the worker's model misses",
      }),
    );
  }
}
