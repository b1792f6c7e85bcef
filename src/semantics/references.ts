import { dirname, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type * as A from "../syntax/ast.js";
import type { SourceHost } from "../syntax/host.js";
import { JUDGES, VALIDATORS, type BoundMission } from "./model.js";
import { unknownModel } from "./roles.js";
import { suggestion } from "./suggest.js";

function unknown(what: string, ref: A.Name, known: Iterable<string>, out: Diagnostic[]): void {
  if (ref.reserved) return;
  out.push(diagnostic("M0102", ref.span, `unknown ${what} \`${ref.text}\``, { help: suggestion(ref.text, known, what) }));
}

/** Names used by features, milestones and assertions, and the skill files on disk. */
export function checkReferences(m: BoundMission, host: SourceHost, absOf: (display: string) => string, out: Diagnostic[]): void {
  for (const f of m.order) {
    for (const id of f.decl.fulfills) if (!m.assertions.has(id.text)) unknown("assertion", id, m.assertions.keys(), out);
    for (const s of f.decl.skills) if (!m.skills.has(s.text)) unknown("skill", s, m.skills.keys(), out);
    if (f.decl.worker && !m.models.has(f.decl.worker.text)) unknownModel(m, f.decl.worker, out);
  }
  for (const ms of m.milestones.values()) {
    if (ms.features.length === 0) {
      out.push(
        diagnostic("M0205", ms.name.span, `milestone \`${ms.name.text}\` has no features`, {
          help: "add a feature to it, or remove the milestone until there is work for it",
        }),
      );
    }
    for (const v of ms.validate?.validators ?? [])
      if (!(VALIDATORS as readonly string[]).includes(v.text)) unknown("validator", v, VALIDATORS, out);
  }
  for (const a of m.assertions.values()) {
    if (a.by && !(JUDGES as readonly string[]).includes(a.by.value.text)) unknown("judge", a.by.value, JUDGES, out);
  }
  for (const s of m.skills.values()) {
    const path = resolve(dirname(absOf(s.path.span.file)), String(s.path.value));
    if (!host.exists(path)) {
      out.push(
        diagnostic("M0104", s.path.span, `skill file \`${String(s.path.value)}\` not found (looked for ${host.display(path)})`, {
          help: "skill paths are relative to the file that declares the skill",
        }),
      );
      continue;
    }
    const read = host.read(path);
    if ("error" in read) {
      out.push(
        diagnostic("M0104", s.path.span, `skill file \`${String(s.path.value)}\` cannot be used: it ${read.error}`, {
          help: "a skill is a Markdown text file handed to agents",
        }),
      );
    }
  }
}
