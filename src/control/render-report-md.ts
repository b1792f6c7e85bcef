import type { Report } from "./report.js";

/** The report as Markdown: what a PR comment or a mission log in the repository holds. */

export const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
const table = (head: string[], rows: (string | number)[][]): string =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

export function renderReportMarkdown(r: Report): string {
  const t = r.tokens;
  const out = [
    `# Mission report: ${r.mission}${r.title ? ` — ${r.title}` : ""}`,
    `State: **${r.state.replace("_", " ")}** · wall time ${r.wall_seconds} s · ${r.agent_runs.total} agent runs · ${r.follow_ups.length} follow-up${r.follow_ups.length === 1 ? "" : "s"} · assertions passed ${r.assertions.passed}/${r.assertions.total} · cost $${r.cost.usd.toFixed(4)}`,
    "## Time",
    table(
      ["phase", "seconds", "share"],
      Object.entries(r.time.split).map(([p, s]) => [p, s.seconds, pct(s.share)]),
    ),
    "Each role's time includes the tools it ran (share of all roles' time; reviewers in parallel add up):",
    table(
      ["role", "seconds", "share", "agent runs", "in commands"],
      Object.entries(r.time.by_role).map(([role, s]) => [role, s.seconds, pct(s.share), s.agent_runs, s.command_seconds]),
    ),
    "## Tokens",
    `${t.total} tokens${t.estimated ? " (estimated: scripted agents)" : ""}; cache reads are ${pct(r.cache_read_share.total)} of input tokens (cache read / (input + cache read + cache write))${t.estimated ? ", simulated: a provider's prefix cache serving the scripted agents' requests" : ""}.`,
    table(
      ["role", "input", "cache read", "cache write", "output", "share of tokens", "cache-read share"],
      [
        ...Object.entries(t.by_role).map(([role, u]) => [
          role,
          u.input,
          u.cache_read,
          u.cache_write,
          u.output,
          pct(r.token_share_by_role[role] ?? 0),
          pct(r.cache_read_share.by_role[role] ?? 0),
        ]),
        [
          "**all**",
          t.by_type.input,
          t.by_type.cache_read,
          t.by_type.cache_write,
          t.by_type.output,
          "100.0%",
          pct(r.cache_read_share.total),
        ],
      ],
    ),
    "## Validation",
    table(
      ["milestone", "accepted", "rounds", "assertions passed", "failing"],
      r.milestones.map((m) => [m.name, m.accepted ? "yes" : "no", m.rounds, `${m.passed}/${m.assertions}`, m.failing.join(", ") || "—"]),
    ),
    ...(r.follow_ups.length
      ? [
          "## Follow-ups",
          table(
            ["feature", "milestone", "fulfills", "created at", "done"],
            r.follow_ups.map((f) => [f.name, f.milestone, f.fulfills.join(", "), f.created_by, f.done ? "yes" : "no"]),
          ),
        ]
      : []),
    ...(r.changes_of_course.length
      ? ["## Changes of course", r.changes_of_course.map((c) => `- ${c.gate}: ${c.action} — ${c.reason}`).join("\n")]
      : []),
    "## Cost and budget",
    `$${r.cost.usd.toFixed(4)}${r.cost.unpriced_models.length ? ` (no price for ${r.cost.unpriced_models.join(", ")})` : ""}` +
      [
        r.budget.tokens ? ` · tokens left ${r.budget.tokens.left} of ${r.budget.tokens.limit}` : "",
        r.budget.time_seconds ? ` · time left ${r.budget.time_seconds.left} s of ${r.budget.time_seconds.limit} s` : "",
        r.budget.cost_usd ? ` · cost left $${r.budget.cost_usd.left.toFixed(2)} of $${r.budget.cost_usd.limit}` : "",
      ].join(""),
    "## Code",
    r.code
      ? `${r.code.files_changed} files changed, +${r.code.lines_added} −${r.code.lines_removed}; test share of the changed lines ${pct(r.code.test_share)} (${r.code.test_lines_changed} of ${r.code.lines_changed}); ${r.code.size_lines} lines in ${r.code.size_files} files at the branch's head.`
      : "No mission branch to measure yet.",
  ];
  return `${out.join("\n\n")}\n`;
}
