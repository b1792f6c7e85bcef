import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import { REQUIRED_ROLES, type BoundMission } from "./model.js";
import { PROVIDERS } from "./settings.js";

/**
 * Declarations nothing uses: a model no role or feature names, a skill no feature names. Usually a
 * leftover of an edit (the role moved to another model), sometimes a typo in the name that uses it.
 */
export function checkUnused(m: BoundMission, out: Diagnostic[]): void {
  // with a required role unbound (M0202), which model is unused is that fault's consequence
  if (!REQUIRED_ROLES.every((r) => m.roles.has(r))) return;
  const models = new Set<string>();
  for (const r of m.roles.values()) models.add(r.model.text);
  for (const { decl } of m.order) if (decl.worker) models.add(decl.worker.text);
  // a reference to a model that is not declared (M0102) is likely a typo of the one that looks unused
  const dangling = [...models].some((name) => !m.models.has(name));
  for (const [name, model] of m.models)
    // a name that is a keyword (M0001) or a provider unknown (M0401): already one diagnostic
    if (!dangling && !models.has(name) && !model.name.reserved && model.provider.text in PROVIDERS)
      out.push(
        diagnostic("M0403", model.name.span, `model \`${name}\` is declared but no role or feature uses it`, {
          help: "bind a role to it (`role reviewer = NAME`), name it in a feature (`worker NAME`), or remove it",
        }),
      );
  const skills = new Set<string>();
  for (const { decl } of m.order) for (const s of decl.skills) skills.add(s.text);
  const danglingSkill = [...skills].some((name) => !m.skills.has(name));
  for (const [name, skill] of m.skills)
    if (!danglingSkill && !skills.has(name))
      out.push(
        diagnostic("M0105", skill.name.span, `skill \`${name}\` is declared but no feature uses it`, {
          help: "name it in a feature (`skills NAME`), or remove it",
        }),
      );
}
