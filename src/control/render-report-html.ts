import { barChart, escapeHtml as h, progressChart, stackedBar } from "./charts.js";
import { pct } from "./render-report-md.js";
import type { Report } from "./report.js";

/** The report as one self-contained HTML file: inline CSS and SVG charts, no script, nothing fetched. */

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#1d2329;max-width:760px;margin:32px auto;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde1e6;padding-bottom:4px}
.summary{color:#4a5560}table{border-collapse:collapse;margin:8px 0;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #eceff2;text-align:right}
th:first-child,td:first-child{text-align:left}svg.chart{display:block;margin:12px 0}svg text{font:12px system-ui,sans-serif;fill:#1d2329}svg text.title{font-weight:600}
.ok{color:#2f8a63}.no{color:#b8412f}`;

const table = (head: string[], rows: (string | number)[][]): string =>
  `<table><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${h(String(c))}</td>`).join("")}</tr>`).join("")}</tbody></table>`;

export function renderReportHtml(r: Report): string {
  const t = r.tokens;
  const split = Object.entries(r.time.split).map(([p, s]) => ({ label: p, value: s.seconds, note: `${s.seconds} s (${pct(s.share)})` }));
  const roles = Object.entries(r.time.by_role).map(([role, s]) => ({
    label: role,
    value: s.seconds,
    note: `${s.seconds} s (${pct(s.share)})`,
  }));
  const types = (["input", "cache_read", "cache_write", "output"] as const).map((k) => ({
    label: k.replace("_", " "),
    value: t.by_type[k],
    note: String(t.by_type[k]),
  }));
  const body = [
    `<h1>Mission report: ${h(r.mission)}${r.title ? ` — ${h(r.title)}` : ""}</h1>`,
    `<p class="summary">State <b>${h(r.state.replace("_", " "))}</b> · wall time ${r.wall_seconds} s · ${r.agent_runs.total} agent runs · ${r.follow_ups.length} follow-up${r.follow_ups.length === 1 ? "" : "s"} · assertions passed ${r.assertions.passed}/${r.assertions.total} · cost $${r.cost.usd.toFixed(4)}</p>`,
    "<h2>Time</h2>",
    stackedBar("Wall time by phase", split),
    barChart("Time by role (tools included)", roles),
    "<h2>Tokens</h2>",
    `<p>${t.total} tokens${t.estimated ? " (estimated: scripted agents)" : ""}; cache reads are <b>${pct(r.cache_read_share.total)}</b> of input tokens${t.estimated ? " (simulated: a provider's prefix cache serving the scripted agents' requests)" : ""}.</p>`,
    stackedBar("Tokens by type", types),
    table(
      ["role", "input", "cache read", "cache write", "output", "share of tokens", "cache-read share"],
      Object.entries(t.by_role).map(([role, u]) => [
        role,
        u.input,
        u.cache_read,
        u.cache_write,
        u.output,
        pct(r.token_share_by_role[role] ?? 0),
        pct(r.cache_read_share.by_role[role] ?? 0),
      ]),
    ),
    "<h2>Validation</h2>",
    progressChart(
      "Assertions passed per milestone",
      r.milestones.map((m) => ({ label: m.name, done: m.passed, total: m.assertions })),
    ),
    table(
      ["milestone", "accepted", "rounds", "failing"],
      r.milestones.map((m) => [m.name, m.accepted ? "yes" : "no", m.rounds, m.failing.join(", ") || "—"]),
    ),
    ...(r.follow_ups.length
      ? [
          "<h2>Follow-ups</h2>",
          table(
            ["feature", "milestone", "fulfills", "created at", "done"],
            r.follow_ups.map((f) => [f.name, f.milestone, f.fulfills.join(", "), f.created_by, f.done ? "yes" : "no"]),
          ),
        ]
      : []),
    ...(r.changes_of_course.length
      ? [
          "<h2>Changes of course</h2>",
          `<ul>${r.changes_of_course.map((c) => `<li>${h(`${c.gate}: ${c.action} — ${c.reason}`)}</li>`).join("")}</ul>`,
        ]
      : []),
    "<h2>Cost, budget and code</h2>",
    table(
      ["figure", "value"],
      [
        ["cost", `$${r.cost.usd.toFixed(4)}${r.cost.unpriced_models.length ? ` (no price for ${r.cost.unpriced_models.join(", ")})` : ""}`],
        ...(r.budget.tokens ? [["tokens left", `${r.budget.tokens.left} of ${r.budget.tokens.limit}`]] : []),
        ...(r.budget.time_seconds ? [["time left", `${r.budget.time_seconds.left} s of ${r.budget.time_seconds.limit} s`]] : []),
        ...(r.budget.cost_usd ? [["cost left", `$${r.budget.cost_usd.left.toFixed(2)} of $${r.budget.cost_usd.limit}`]] : []),
        ...(r.code
          ? [
              ["files changed", r.code.files_changed],
              ["lines added / removed", `+${r.code.lines_added} −${r.code.lines_removed}`],
              ["test share of changed lines", `${pct(r.code.test_share)} (${r.code.test_lines_changed} of ${r.code.lines_changed})`],
              ["code size at head", `${r.code.size_lines} lines in ${r.code.size_files} files`],
            ]
          : []),
      ],
    ),
  ];
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${h(`Mission report: ${r.mission}`)}</title><style>${STYLE}</style></head>\n<body>\n${body.join("\n")}\n</body></html>\n`;
}
