import type { Plan } from "./types.js";

/** Milestones, features, `needs` and `fulfills`, drawn as Mermaid or Graphviz DOT. */

/** An id Mermaid accepts, one-to-one with the name: `_` doubles, any other character becomes `_` and its code. */
const mermaidId = (kind: string, name: string): string =>
  `${kind}_${name.replace(/[^A-Za-z0-9]/g, (c) => (c === "_" ? "__" : `_${c.charCodeAt(0).toString(16)}`))}`;
const mermaidText = (s: string): string => s.replace(/"/g, "#quot;");

export function toMermaid(p: Plan): string {
  const out = ["flowchart TD"];
  const features = new Map(p.features.map((f) => [f.name, f]));
  for (const ms of p.milestones) {
    out.push(`  subgraph ${mermaidId("m", ms.name)}["${mermaidText(ms.title ?? ms.name)}"]`);
    for (const name of ms.features) {
      const f = features.get(name);
      out.push(`    ${mermaidId("f", name)}["${mermaidText(f?.title ? `${name}: ${f.title}` : name)}"]`);
    }
    out.push("  end");
  }
  for (const a of p.contract) out.push(`  ${mermaidId("a", a.id)}(["${mermaidText(a.id)}"])`);
  for (const f of p.features) for (const n of f.needs) out.push(`  ${mermaidId("f", n)} --> ${mermaidId("f", f.name)}`);
  for (const f of p.features) for (const a of f.fulfills) out.push(`  ${mermaidId("f", f.name)} -.-> ${mermaidId("a", a)}`);
  out.push("  classDef assertion fill:#eef,stroke:#88a");
  if (p.contract.length) out.push(`  class ${p.contract.map((a) => mermaidId("a", a.id)).join(",")} assertion`);
  return `${out.join("\n")}\n`;
}

const dotString = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

export function toDot(p: Plan): string {
  const out = [`digraph ${dotString(p.mission.name)} {`, "  rankdir=LR;", '  node [fontname="Helvetica"];'];
  const features = new Map(p.features.map((f) => [f.name, f]));
  for (const ms of p.milestones) {
    out.push(`  subgraph ${dotString(`cluster_${ms.name}`)} {`, `    label=${dotString(ms.title ?? ms.name)};`);
    for (const name of ms.features) {
      const f = features.get(name);
      out.push(`    ${dotString(`feature:${name}`)} [shape=box, label=${dotString(f?.title ? `${name}\n${f.title}` : name)}];`);
    }
    out.push("  }");
  }
  for (const a of p.contract) out.push(`  ${dotString(`assertion:${a.id}`)} [shape=ellipse, label=${dotString(a.id)}];`);
  for (const f of p.features)
    for (const n of f.needs) out.push(`  ${dotString(`feature:${n}`)} -> ${dotString(`feature:${f.name}`)} [label="needs"];`);
  for (const f of p.features)
    for (const a of f.fulfills) out.push(`  ${dotString(`feature:${f.name}`)} -> ${dotString(`assertion:${a}`)} [style=dashed];`);
  out.push("}");
  return `${out.join("\n")}\n`;
}
