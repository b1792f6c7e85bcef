/**
 * The dashboard's script, inlined in the page (page.ts). It builds everything with DOM calls and
 * text nodes, never innerHTML: the journal holds what agents wrote, and none of it may become markup.
 */
export const PAGE_SCRIPT = String.raw`"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const withToken = (path) => path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
const api = (path, init) => fetch(withToken(path), init);
const el = (id) => document.getElementById(id);
function node(tag, children, props) {
  const n = document.createElement(tag);
  for (const c of [].concat(children ?? [])) n.appendChild(c instanceof Node ? c : document.createTextNode(c === undefined || c === null ? "" : String(c)));
  if (props) for (const [k, v] of Object.entries(props)) if (k === "class") n.className = v; else n.setAttribute(k, v);
  return n;
}
const cell = (v, numeric) => node("td", v, numeric ? { class: "n" } : undefined);
const row = (cells) => node("tr", cells);
const pct = (x) => (x * 100).toFixed(1) + "%";
const money = (x) => "$" + Number(x).toFixed(4);
// a share as a bar and its number; a bar never thinner than 3 px, so a 2% share stays visible
function bar(share) {
  const b = node("span", [], { class: "bar", "aria-hidden": "true" });
  b.style.width = Math.max(3, Math.round(share * 220)) + "px";
  return node("span", [b, " " + pct(share)]);
}
function button(label, onClick, described, id) {
  const b = node("button", label, { type: "button" });
  if (id) b.id = id;
  if (described) b.setAttribute("aria-label", described);
  b.addEventListener("click", onClick);
  return b;
}

// a live page is rebuilt only where its data changed, and keeps what the reader opened and focused
const shown = {};
function rerender(key, data, render) {
  const k = JSON.stringify(data);
  if (shown[key] === k) return;
  shown[key] = k;
  const focused = document.activeElement && document.activeElement.id;
  const opened = [...document.querySelectorAll("details[open]")].map((d) => d.id).filter(Boolean);
  render(data);
  for (const id of opened) { const d = document.getElementById(id); if (d) d.open = true; }
  if (focused) { const f = document.getElementById(focused); if (f && f !== document.activeElement) f.focus(); }
}
function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return s + " s";
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return (d ? d + " d " : "") + (d || h ? h + " h " : "") + m + " min";
}
const BUDGET = { tokens: "tokens", cost_usd: "cost", time_seconds: "time" };
function budgetLeft(b) {
  if (!b || Object.keys(b).length === 0) return "no budget";
  return Object.entries(b).map(([k, v]) => (BUDGET[k] || k) + ": " + (k === "cost_usd" ? money(v.left) + " of " + money(v.limit) : k === "time_seconds" ? duration(v.left) + " of " + duration(v.limit) : v.left + " of " + v.limit)).join("; ");
}
function when(at) {
  const t = new Date(at);
  return t.toDateString() === new Date().toDateString() ? t.toLocaleTimeString() : t.toLocaleString();
}

async function list() {
  let missions;
  try {
    const res = await api("/api/missions");
    if (!res.ok) throw new Error((await res.text()).trim());
    missions = await res.json();
    el("list-status").textContent = "";
  } catch (e) {
    el("list-status").textContent = "missionc serve cannot be reached (" + e.message + "); if it was started again, open the new address it printed";
    return;
  }
  rerender("list", missions, () => {
    const body = el("missions").tBodies[0];
    body.replaceChildren();
    for (const m of missions) {
      const a = node("a", m.mission, { href: "#" + m.id, id: "m-" + m.id });
      a.addEventListener("click", (e) => { e.preventDefault(); open(m.id); history.replaceState(null, "", "?token=" + encodeURIComponent(token) + "#" + m.id); });
      body.appendChild(row([cell(a), cell(m.repo), cell(node("span", m.state, { class: "state-" + m.state })), cell(m.milestone ?? "-"),
        cell(m.features ? m.features.done + "/" + m.features.total : "-", true), cell(m.elapsed_seconds !== undefined ? duration(m.elapsed_seconds) : "-", true),
        cell(m.tokens ?? "-", true), cell(m.cost_usd !== undefined ? money(m.cost_usd) : "-", true), cell(budgetLeft(m.budget))]));
    }
  });
}

let source;
let current;
function open(id) {
  if (current === id && source) return;
  current = id;
  for (const k of Object.keys(shown)) if (k !== "list") delete shown[k];
  el("dashboard").hidden = false;
  el("evidence").hidden = true;
  el("diff").hidden = true;
  if (source) source.close();
  source = new EventSource(withToken("/api/missions/" + id + "/events"));
  source.addEventListener("dashboard", (e) => show(JSON.parse(e.data)));
  source.addEventListener("error", () => {
    el("live").textContent = "the connection to missionc serve is lost; retrying — if it was started again, open the new address it printed";
  });
  source.addEventListener("problem", (e) => { el("live").textContent = "the journal could not be read: " + JSON.parse(e.data); });
}

let lastState;
function show(d) {
  const r = d.report;
  if (lastState !== undefined && lastState !== r.state + r.journal_events) list();
  lastState = r.state + r.journal_events;
  el("title").textContent = r.mission + (r.title ? " — " + r.title : "");
  el("live").textContent = r.state + " · " + r.journal_events + " journal events · " + r.wall_seconds + " s · " + r.tokens.total + " tokens" +
    (r.tokens.estimated ? " (simulated)" : "") + " · " + money(r.cost.usd) + " · updated " + new Date().toLocaleTimeString();
  const split = el("split").tBodies[0];
  split.replaceChildren();
  for (const [phase, s] of Object.entries(r.time.split)) split.appendChild(row([cell(phase), cell(s.seconds, true), cell(bar(s.share))]));
  const roles = el("roles").tBodies[0];
  roles.replaceChildren();
  const names = [...new Set([...Object.keys(r.time.by_role), ...Object.keys(r.token_share_by_role)])];
  for (const role of names)
    roles.appendChild(row([cell(role), cell(r.time.by_role[role] ? r.time.by_role[role].seconds : 0, true), cell(bar(r.token_share_by_role[role] ?? 0)),
      cell(pct(r.cache_read_share.by_role[role] ?? 0), true), cell(money(r.cost.by_role[role] ?? 0), true)]));
  el("cache").textContent = "cache reads: " + pct(r.cache_read_share.total) + " of input tokens" + (r.tokens.estimated ? " (simulated: scripted agents)" : "");
  rerender("timeline", d.timeline, timeline);
  rerender("rounds", d.rounds, rounds);
  rerender("features", d.features, features);
  const course = el("course");
  course.replaceChildren();
  for (const c of r.changes_of_course) course.appendChild(node("li", [c.gate, c.action, c.reason].filter(Boolean).join(" — ")));
  if (r.changes_of_course.length === 0) course.appendChild(node("li", "none"));
}

function timeline(t) {
  el("timeline-note").textContent = t.total + " steps" + (t.total > t.steps.length ? ", the last " + t.steps.length + " shown" : "") + "; newest first";
  const body = el("timeline").tBodies[0];
  body.replaceChildren();
  for (const s of t.steps.slice().reverse()) {
    const took = s.seconds !== undefined ? s.seconds + " s" : s.outcome === "under way" ? "…" : "";
    body.appendChild(row([cell(s.seq, true), cell(when(s.at)), cell(node("span", s.kind, { class: "kind" })), cell(s.label), cell(took, true), cell(s.outcome ?? "")]));
  }
}

function rounds(list) {
  const body = el("rounds").tBodies[0];
  body.replaceChildren();
  for (const r of list) {
    const what = r.milestone + " round " + r.round;
    body.appendChild(row([cell(r.milestone), cell(r.round, true), cell(node("span", r.passed ? "passed" : "failed", { class: r.passed ? "v-pass" : "v-fail" })),
      cell(r.failing.join(", ") || "-"), cell(button("Evidence", () => evidence(r.milestone, r.round), "Evidence of " + what, "ev-" + r.milestone + "-" + r.round))]));
  }
}

async function evidence(milestone, round) {
  const res = await api("/api/missions/" + current + "/rounds/" + encodeURIComponent(milestone) + "/" + round);
  const v = await res.json();
  const body = el("evidence-body");
  body.replaceChildren();
  el("evidence-title").textContent = "Evidence: " + milestone + ", round " + round + (v.passed ? " (passed)" : " (failed)");
  for (const a of [...(v.assertions ?? []), ...(v.regressions ?? [])]) {
    const parts = [node("h4", [a.id + (a.regression ? " (regression) " : " "), node("span", a.verdict, { class: "v-" + a.verdict }), " — by " + a.by])];
    parts.push(node("pre", a.evidence));
    for (const x of a.exchanges ?? []) {
      parts.push(node("p", [node("strong", x.tool), " " + x.input]));
      parts.push(node("pre", x.output));
      if (x.screenshot) {
        const name = x.screenshot.split("/").pop();
        parts.push(node("img", [], { class: "shot", src: withToken("/api/missions/" + current + "/files/validation/screenshots/" + encodeURIComponent(name)), alt: "the user tester's screenshot " + name + ", taken for " + a.id }));
      }
    }
    body.appendChild(node("article", parts, { class: "assertion", "data-id": a.id }));
  }
  for (const p of v.procedures ?? []) {
    body.appendChild(node("article", [node("h4", ["procedure " + p.name + " ", node("span", p.passed ? "passed" : "failed", { class: p.passed ? "v-pass" : "v-fail" }), " — " + p.command + " → exit " + p.exit_code + " in " + p.duration_ms + " ms"]), node("pre", p.output_tail)]));
  }
  el("evidence").hidden = false;
  el("evidence-title").focus();
}

function features(list) {
  const body = el("features").tBodies[0];
  body.replaceChildren();
  for (const f of list) {
    const state = f.done ? (f.commit ? "done" : "done without a change") : f.attempts ? "attempt " + f.attempts : "pending";
    let handoff = "-";
    if (f.handoff) {
      const h = f.handoff;
      const items = [node("p", "status: " + h.status), node("p", "implemented: " + (h.implemented.join("; ") || "-")), node("p", "left undone: " + (h.left_undone.join("; ") || "-"))];
      for (const c of h.commands) items.push(node("p", node("code", c.command + " → exit " + c.exit_code)));
      for (const i of h.issues) items.push(node("p", "issue (" + i.severity + "): " + i.text));
      if (h.notes) items.push(node("p", "notes: " + h.notes));
      handoff = node("details", [node("summary", h.status + (h.issues.length ? ", " + h.issues.length + " issue(s)" : ""))].concat(items), { id: "ho-" + f.name });
    }
    const commit = f.commit ? button(f.commit.slice(0, 10), () => diff(f.name, f.commit), "Diff of " + f.name + ", commit " + f.commit.slice(0, 10), "diff-" + f.name) : "-";
    body.appendChild(row([cell(f.name + (f.title ? " — " + f.title : "")), cell(f.milestone), cell(f.origin === "follow_up" ? "follow-up" : "plan"), cell(state), cell(handoff), cell(commit)]));
  }
}

async function diff(feature, sha) {
  const res = await api("/api/missions/" + current + "/commits/" + sha);
  el("diff-title").textContent = "Commit " + sha.slice(0, 10) + " of " + feature;
  el("diff-body").textContent = await res.text();
  el("diff").hidden = false;
  el("diff-title").focus();
}

el("steer").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await api("/api/missions/" + current + "/message", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: el("text").value, interrupt: el("interrupt").checked }) });
  const answer = await res.json();
  el("steered").textContent = res.ok ? "sent: " + answer.note : "not sent: " + answer.error;
  if (res.ok) el("text").value = "";
});
el("pause").addEventListener("click", async () => {
  const res = await api("/api/missions/" + current + "/pause", { method: "POST" });
  const answer = await res.json();
  el("steered").textContent = res.ok ? "pause requested: " + answer.note : "not paused: " + answer.error;
});
list().then(() => { if (location.hash.length > 1) open(location.hash.slice(1)); });
setInterval(list, 5000);
`;
