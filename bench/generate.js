// Generates one mission in two forms from the same content: `.mission` text and YAML text. Every
// size checks with no errors and validates against bench/mission.schema.json (bench/check.js runs
// 1,000, 10,000 and 100,000 features, bench/diff.js 10,000). `node bench/generate.js 10 > x.mission`
// writes a small one to look at; `node bench/generate.js 10 yaml` its YAML form.

const PER_MILESTONE = 10;
const ASSERTIONS_PER_FEATURE = 5;

/**
 * @typedef {{ id: string, text: string, check?: string, by?: string }} Assertion
 * @typedef {{ name: string, title: string, spec: string, fulfills: string[], needs?: string[] }} Feature
 * @typedef {{ name: string, title: string, features: Feature[], validate: string[] }} Milestone
 * @typedef {ReturnType<typeof missionContent>} Content
 */

/** The content, as plain data. @param {number} features */
export function missionContent(features) {
  /** @type {Milestone[]} */
  const milestones = [];
  /** @type {Assertion[]} */
  const contract = [];
  for (let m = 0; m * PER_MILESTONE < features; m++) {
    /** @type {Feature[]} */
    const list = [];
    for (let i = m * PER_MILESTONE; i < Math.min(features, (m + 1) * PER_MILESTONE); i++) {
      const fulfills = [];
      for (let k = 0; k < ASSERTIONS_PER_FEATURE; k++) {
        const id = `f${i}.a${k}`;
        fulfills.push(id);
        /** @type {Assertion} */
        const a = { id, text: `Feature ${i} behaves as described in case ${k}` };
        if (k === 0) a.check = `npm test -- f${i}`;
        if (k === 1) a.by = "reviewer";
        contract.push(a);
      }
      /** @type {Feature} */
      const f = {
        name: `feature_${i}`,
        title: `Feature number ${i}`,
        spec: `Implement feature ${i}.\nKeep it small and tested.`,
        fulfills,
      };
      if (i > 0 && i % 3 === 0) f.needs = [`feature_${i - 1}`, `feature_${i - 2}`];
      list.push(f);
    }
    milestones.push({ name: `milestone_${m}`, title: `Milestone ${m}`, features: list, validate: ["scrutiny", "user_testing"] });
  }
  return {
    name: "generated",
    title: "Generated mission",
    goal: "A generated mission for benchmarks.",
    budget: { tokens: "800M", time: "24h", cost: "$600" },
    policy: { max_rounds: 3 },
    /** @type {Record<string, { provider: string, id: string, thinking?: string }>} */
    models: {
      lead: { provider: "anthropic", id: "claude-opus-5-5", thinking: "16k" },
      coder: { provider: "anthropic", id: "claude-sonnet-5-5" },
      judge: { provider: "openai", id: "gpt-5" },
    },
    roles: { orchestrator: "lead", worker: "coder", reviewer: "judge", user_tester: "judge" },
    procedures: { test: { command: "npm test", timeout: "15m" } },
    contract,
    milestones,
  };
}

/** @param {string} s */
const q = (s) => JSON.stringify(s);

/** @param {Content} c */
export function toMission(c) {
  const out = [`mission ${c.name} ${q(c.title)} {`, `  goal ${q(c.goal)}`];
  out.push(`  budget { tokens ${c.budget.tokens}  time ${c.budget.time}  cost ${c.budget.cost} }`);
  out.push(`  policy { max_rounds ${c.policy.max_rounds} }`);
  for (const [name, m] of Object.entries(c.models))
    out.push(`  model ${name} = ${m.provider} ${q(m.id)}${m.thinking ? ` { thinking ${m.thinking} }` : ""}`);
  for (const [role, model] of Object.entries(c.roles)) out.push(`  role ${role} = ${model}`);
  for (const [name, p] of Object.entries(c.procedures)) out.push(`  procedure ${name} = ${q(p.command)} { timeout ${p.timeout} }`);
  out.push("  contract {");
  for (const a of c.contract) {
    const opts = [a.check ? `check ${q(a.check)}` : "", a.by ? `by ${a.by}` : ""].filter(Boolean);
    out.push(`    assert ${a.id} ${q(a.text)}${opts.length ? ` { ${opts.join("  ")} }` : ""}`);
  }
  out.push("  }");
  for (const m of c.milestones) {
    out.push(`  milestone ${m.name} ${q(m.title)} {`);
    for (const f of m.features) {
      out.push(`    feature ${f.name} ${q(f.title)} {`);
      out.push(`      spec """\n        ${f.spec.split("\n").join("\n        ")}\n      """`);
      if (f.needs) out.push(`      needs ${f.needs.join(", ")}`);
      out.push(`      fulfills ${f.fulfills.join(", ")}`);
      out.push("    }");
    }
    out.push(`    validate ${m.validate.join(", ")}`);
    out.push("  }");
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

/** @param {Content} c */
export function toYaml(c) {
  const out = ["mission:", `  name: ${c.name}`, `  title: ${q(c.title)}`, `  goal: ${q(c.goal)}`];
  out.push("  budget:", `    tokens: ${c.budget.tokens}`, `    time: ${c.budget.time}`, `    cost: ${q(c.budget.cost)}`);
  out.push("  policy:", `    max_rounds: ${c.policy.max_rounds}`);
  out.push("  models:");
  for (const [name, m] of Object.entries(c.models)) {
    out.push(`    ${name}:`, `      provider: ${m.provider}`, `      id: ${q(m.id)}`);
    if (m.thinking) out.push(`      thinking: ${m.thinking}`);
  }
  out.push("  roles:");
  for (const [role, model] of Object.entries(c.roles)) out.push(`    ${role}: ${model}`);
  out.push("  procedures:");
  for (const [name, p] of Object.entries(c.procedures))
    out.push(`    ${name}:`, `      command: ${q(p.command)}`, `      timeout: ${p.timeout}`);
  out.push("  contract:");
  for (const a of c.contract) {
    out.push(`    - id: ${a.id}`, `      text: ${q(a.text)}`);
    if (a.check) out.push(`      check: ${q(a.check)}`);
    if (a.by) out.push(`      by: ${a.by}`);
  }
  out.push("  milestones:");
  for (const m of c.milestones) {
    out.push(`    - name: ${m.name}`, `      title: ${q(m.title)}`, "      features:");
    for (const f of m.features) {
      out.push(
        `        - name: ${f.name}`,
        `          title: ${q(f.title)}`,
        "          spec: |",
        ...f.spec.split("\n").map((l) => `            ${l}`),
      );
      if (f.needs) out.push(`          needs: [${f.needs.join(", ")}]`);
      out.push(`          fulfills: [${f.fulfills.join(", ")}]`);
    }
    out.push(`      validate: [${m.validate.join(", ")}]`);
  }
  return `${out.join("\n")}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 10);
  process.stdout.write(process.argv[3] === "yaml" ? toYaml(missionContent(n)) : toMission(missionContent(n)));
}
