/**
 * The page `missionc serve` serves: one file, plain HTML, CSS and JavaScript, no library and no CDN.
 * It lists the missions and opens one as a dashboard fed by server-sent events; every figure is
 * written out as text (a bar beside its number, never a colour alone), and every control is a
 * labelled form element reachable by keyboard.
 */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mission Control — missionc</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #111; background: #fafafa; }
  header { background: #1d2330; color: #fff; padding: .6rem 1rem; }
  header h1 { font-size: 1.1rem; margin: 0; }
  main { padding: 1rem; max-width: 70rem; }
  table { border-collapse: collapse; margin: .5rem 0 1rem; background: #fff; }
  th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; }
  th { background: #eef; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  .bar { display: inline-block; height: .8rem; background: #2f5fb3; vertical-align: middle; min-width: 2px; }
  .state-done { color: #0a6b2d; font-weight: 600; } .state-paused { color: #9a4b00; font-weight: 600; }
  button, input, textarea { font: inherit; }
  button { padding: .3rem .8rem; }
  a, button { color: #0b3d91; }
  :focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
  #live { color: #555; }
</style>
</head>
<body>
<header><h1>Mission Control</h1></header>
<main>
  <section aria-labelledby="list-title">
    <h2 id="list-title">Missions</h2>
    <table id="missions"><thead><tr><th>mission</th><th>state</th><th>milestone</th><th>features done</th><th>elapsed</th><th>tokens</th><th>cost</th></tr></thead><tbody></tbody></table>
  </section>
  <section id="dashboard" hidden aria-live="polite">
    <h2 id="title"></h2>
    <p id="live"></p>
    <h3>Milestones</h3>
    <table id="milestones"><thead><tr><th>milestone</th><th>accepted</th><th>rounds</th><th>assertions passed</th><th>failing</th></tr></thead><tbody></tbody></table>
    <h3>Where the time went</h3>
    <table id="split"><thead><tr><th>phase</th><th>seconds</th><th>share</th></tr></thead><tbody></tbody></table>
    <h3>Tokens by role</h3>
    <table id="roles"><thead><tr><th>role</th><th>share of tokens</th><th>cache reads of its input</th></tr></thead><tbody></tbody></table>
    <p id="cache"></p>
    <h3>Follow-ups</h3>
    <ul id="followups"></ul>
    <h3>Changes of course</h3>
    <ul id="course"></ul>
    <h3>Steer</h3>
    <form id="steer">
      <label for="text">Message to the orchestrator</label><br>
      <textarea id="text" rows="2" cols="60" required></textarea><br>
      <label><input type="checkbox" id="interrupt"> stop the agent turn in progress first</label><br>
      <button type="submit">Send</button>
      <button type="button" id="pause">Pause after the current turn</button>
    </form>
    <p id="steered" role="status"></p>
  </section>
</main>
<script>
"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const api = (path, init) => fetch(path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token), init);
const el = (id) => document.getElementById(id);
const text = (v) => document.createTextNode(v === undefined || v === null ? "" : String(v));
const cell = (v, numeric) => { const td = document.createElement("td"); if (numeric) td.className = "n"; td.appendChild(v instanceof Node ? v : text(v)); return td; };
const row = (cells) => { const tr = document.createElement("tr"); for (const c of cells) tr.appendChild(c); return tr; };
const pct = (x) => (x * 100).toFixed(1) + "%";
function bar(share) {
  const span = document.createElement("span");
  const b = document.createElement("span"); b.className = "bar"; b.style.width = Math.max(2, Math.round(share * 200)) + "px"; b.setAttribute("aria-hidden", "true");
  span.appendChild(b); span.appendChild(text(" " + pct(share)));
  return span;
}
let source;
async function list() {
  const res = await api("/api/missions");
  const missions = await res.json();
  const body = el("missions").tBodies[0]; body.replaceChildren();
  for (const m of missions) {
    const a = document.createElement("a"); a.href = "#" + m.id; a.textContent = m.mission;
    a.addEventListener("click", (e) => { e.preventDefault(); open(m.id); history.replaceState(null, "", "?token=" + encodeURIComponent(token) + "#" + m.id); });
    const state = document.createElement("span"); state.className = "state-" + m.state; state.textContent = m.state;
    body.appendChild(row([cell(a), cell(state), cell(m.milestone ?? "-"), cell(m.features ? m.features.done + "/" + m.features.total : "-", true), cell(m.elapsed_seconds + " s", true), cell(m.tokens, true), cell(m.cost_usd !== undefined ? "$" + Number(m.cost_usd).toFixed(4) : "-", true)]));
  }
  if (location.hash.length > 1) open(location.hash.slice(1));
}
let current;
function open(id) {
  current = id;
  el("dashboard").hidden = false;
  if (source) source.close();
  source = new EventSource("/api/missions/" + id + "/events?token=" + encodeURIComponent(token));
  source.addEventListener("report", (e) => show(JSON.parse(e.data)));
  source.addEventListener("problem", (e) => { el("live").textContent = "the journal could not be read: " + JSON.parse(e.data); });
}
function show(r) {
  el("title").textContent = r.mission + (r.title ? " — " + r.title : "");
  el("live").textContent = r.state + " · " + r.journal_events + " journal events · " + r.wall_seconds + " s · " + r.tokens.total + " tokens · updated " + new Date().toLocaleTimeString();
  const ms = el("milestones").tBodies[0]; ms.replaceChildren();
  for (const m of r.milestones) ms.appendChild(row([cell(m.name), cell(m.accepted ? "yes" : "no"), cell(m.rounds, true), cell(m.passed + "/" + m.assertions, true), cell(m.failing.join(", ") || "-")]));
  const split = el("split").tBodies[0]; split.replaceChildren();
  for (const [phase, s] of Object.entries(r.time.split)) split.appendChild(row([cell(phase), cell(s.seconds, true), cell(bar(s.share))]));
  const roles = el("roles").tBodies[0]; roles.replaceChildren();
  for (const [role, share] of Object.entries(r.token_share_by_role)) roles.appendChild(row([cell(role), cell(bar(share)), cell(pct(r.cache_read_share.by_role[role] ?? 0), true)]));
  el("cache").textContent = "cache reads: " + pct(r.cache_read_share.total) + " of input tokens" + (r.tokens.estimated ? " (simulated: scripted agents)" : "");
  const fu = el("followups"); fu.replaceChildren();
  for (const f of r.follow_ups) { const li = document.createElement("li"); li.textContent = f.name + " (" + f.milestone + "; fulfills " + f.fulfills.join(", ") + (f.done ? "; done" : "") + ")"; fu.appendChild(li); }
  const course = el("course"); course.replaceChildren();
  for (const c of r.changes_of_course) { const li = document.createElement("li"); li.textContent = [c.gate || c.run || "", c.action || "", c.reason || ""].filter(Boolean).join(" — "); course.appendChild(li); }
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
list();
</script>
</body>
</html>
`;
