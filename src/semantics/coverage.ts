import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type * as A from "../syntax/ast.js";
import type { BoundFeature, BoundMission } from "./model.js";

export interface MilestoneCoverage {
  assertions: number;
  fulfilled: number;
  checked: number;
}

/** Contract coverage, the figures `check` prints and CI reads. */
export interface Coverage {
  assertions: number;
  fulfilled: number;
  ratio: number;
  /** assertions with a machine `check`: the share a CI can trust without a model */
  checked: number;
  unfulfilled: string[];
  milestones: Record<string, MilestoneCoverage>;
}

export interface AssertionPlace {
  assertion: A.AssertDecl;
  /** fulfilling features, in execution order */
  features: BoundFeature[];
  /** the milestone where its last fulfilling feature runs: where it is first validated */
  milestone: A.MilestoneDecl | undefined;
  /** fulfilled only by a duplicate declaration: its M0101 says it all, so no M0301 follows */
  shadowed: boolean;
}

/** Where each assertion is fulfilled and first validated. */
export function placeAssertions(m: BoundMission): Map<string, AssertionPlace> {
  const places = new Map<string, AssertionPlace>();
  for (const a of m.assertions.values()) places.set(a.id.text, { assertion: a, features: [], milestone: undefined, shadowed: false });
  for (const f of m.order) {
    for (const id of f.decl.fulfills) {
      const p = places.get(id.text);
      if (p && p.features[p.features.length - 1] !== f) p.features.push(f);
    }
  }
  for (const p of places.values()) p.milestone = p.features[p.features.length - 1]?.milestone;
  for (const f of m.shadowed)
    for (const id of f.fulfills) {
      const p = places.get(id.text);
      if (p && !p.milestone) p.shadowed = true;
    }
  return places;
}

export function validatorsOf(ms: A.MilestoneDecl): Set<string> {
  return new Set(ms.validate ? ms.validate.validators.map((v) => v.text) : ["scrutiny", "user_testing"]);
}

const NEEDS: Record<string, string> = { reviewer: "scrutiny", user_tester: "user_testing" };

/** M0301 (unfulfilled), M0302 (feature without assertions), M0303 (judge its milestone does not run). */
export function checkContract(m: BoundMission, places: Map<string, AssertionPlace>, out: Diagnostic[]): void {
  for (const p of places.values()) {
    const a = p.assertion;
    if (!p.milestone) {
      if (p.shadowed) continue;
      out.push(
        diagnostic("M0301", a.id.span, `assertion \`${a.id.text}\` is fulfilled by no feature`, {
          help: `add \`fulfills ${a.id.text}\` to the feature that makes it true`,
        }),
      );
      continue;
    }
    const judge = a.by?.value.text;
    const validator = judge ? NEEDS[judge] : undefined;
    if (a.by && validator && !validatorsOf(p.milestone).has(validator)) {
      out.push(
        diagnostic(
          "M0303",
          a.by.span,
          `\`${a.id.text}\` is judged by the ${judge}, but milestone \`${p.milestone.name.text}\` does not run \`${validator}\``,
          {
            labels: [{ span: p.milestone.validate?.span ?? p.milestone.name.span, message: `validators of \`${p.milestone.name.text}\`` }],
            help: `add \`${validator}\` to the milestone's \`validate\`, or judge the assertion another way`,
          },
        ),
      );
    }
  }
  for (const f of m.order) {
    if (f.decl.fulfills.length === 0) {
      out.push(
        diagnostic("M0302", f.decl.name.span, `feature \`${f.decl.name.text}\` fulfils no assertion`, {
          help: "add `fulfills <assertion>`: work that no assertion checks is work no validator will look at",
        }),
      );
    }
  }
}

export function coverageOf(m: BoundMission | undefined, places: Map<string, AssertionPlace>): Coverage {
  const cov: Coverage = { assertions: 0, fulfilled: 0, ratio: 0, checked: 0, unfulfilled: [], milestones: {} };
  if (!m) return cov;
  for (const ms of m.milestones.keys()) cov.milestones[ms] = { assertions: 0, fulfilled: 0, checked: 0 };
  for (const p of places.values()) {
    cov.assertions++;
    const checked = p.assertion.check !== undefined;
    if (checked) cov.checked++;
    if (!p.milestone) {
      cov.unfulfilled.push(p.assertion.id.text);
      continue;
    }
    cov.fulfilled++;
    const per = cov.milestones[p.milestone.name.text];
    per.assertions++;
    per.fulfilled++;
    if (checked) per.checked++;
  }
  cov.ratio = cov.assertions ? Math.round((cov.fulfilled / cov.assertions) * 10000) / 10000 : 0;
  return cov;
}

export function sumCoverage(list: Coverage[]): Coverage {
  const total: Coverage = { assertions: 0, fulfilled: 0, ratio: 0, checked: 0, unfulfilled: [], milestones: {} };
  for (const c of list) {
    total.assertions += c.assertions;
    total.fulfilled += c.fulfilled;
    total.checked += c.checked;
    for (const id of c.unfulfilled) total.unfulfilled.push(id);
    for (const [k, v] of Object.entries(c.milestones)) {
      const t = (total.milestones[k] ??= { assertions: 0, fulfilled: 0, checked: 0 });
      t.assertions += v.assertions;
      t.fulfilled += v.fulfilled;
      t.checked += v.checked;
    }
  }
  total.ratio = total.assertions ? Math.round((total.fulfilled / total.assertions) * 10000) / 10000 : 0;
  return total;
}
