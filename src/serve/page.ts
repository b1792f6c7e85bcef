import { createHash } from "node:crypto";
import { PAGE_SCRIPT } from "./page-script.js";

/** The one script the page may run (its Content-Security-Policy names it by this hash). */
export const SCRIPT_HASH = `sha256-${createHash("sha256").update(PAGE_SCRIPT).digest("base64")}`;

/**
 * The page `missionc serve` serves: one file, plain HTML, CSS and JavaScript, no library and no CDN.
 * It lists the missions and opens one as a dashboard fed by server-sent events; every figure is
 * written out as text (a bar beside its number, never a colour alone), every chart is a table a
 * screen reader reads, and every control is a labelled form element reachable by keyboard.
 */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mission Control — missionc</title>
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #111; background: #fafafa; }
  header { background: #1d2330; color: #fff; padding: .6rem 1rem; }
  header h1 { font-size: 1.1rem; margin: 0; }
  main { padding: 1rem; max-width: 78rem; }
  table { border-collapse: collapse; margin: .5rem 0 1rem; background: #fff; }
  caption { text-align: left; font-weight: 600; padding: .2rem 0; }
  th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
  th { background: #eef; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .bar { display: inline-block; height: .8rem; background: #2f5fb3; vertical-align: middle; }
  .state-done, .v-pass { color: #0a6b2d; font-weight: 600; }
  .state-paused, .v-unverified { color: #8a4200; font-weight: 600; }
  .v-fail { color: #a40000; font-weight: 600; }
  button, input, textarea { font: inherit; }
  button { padding: .2rem .7rem; color: #0b3d91; }
  a { color: #0b3d91; }
  :focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
  #live { color: #444; }
  pre { background: #f1f1f1; border: 1px solid #ccc; padding: .5rem; overflow: auto; max-height: 30rem; white-space: pre-wrap; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 0 1.5rem; }
  #timeline-wrap { max-height: 26rem; overflow: auto; }
  img.shot { max-width: 100%; border: 1px solid #999; }
  .kind { font-family: ui-monospace, monospace; font-size: .9em; }
</style>
</head>
<body>
<header><h1>Mission Control</h1></header>
<main>
  <section aria-labelledby="list-title">
    <h2 id="list-title">Missions</h2>
    <p id="list-status" role="status"></p>
    <table id="missions"><thead><tr><th scope="col">mission</th><th scope="col">repository</th><th scope="col">state</th><th scope="col">milestone</th><th scope="col">features done</th><th scope="col">elapsed</th><th scope="col">tokens</th><th scope="col">cost</th><th scope="col">budget left</th></tr></thead><tbody></tbody></table>
  </section>
  <section id="dashboard" hidden>
    <h2 id="title"></h2>
    <p id="live" aria-live="polite"></p>
    <div class="grid">
      <div>
        <table id="split"><caption>Where the time went</caption><thead><tr><th scope="col">phase</th><th scope="col">seconds</th><th scope="col">share</th></tr></thead><tbody></tbody></table>
        <p id="cache"></p>
      </div>
      <table id="roles"><caption>By role: time, tokens, cost</caption><thead><tr><th scope="col">role</th><th scope="col">seconds</th><th scope="col">share of tokens</th><th scope="col">cache reads of its input</th><th scope="col">cost</th></tr></thead><tbody></tbody></table>
    </div>
    <h3 id="timeline-title">Timeline</h3>
    <p id="timeline-note"></p>
    <div id="timeline-wrap" tabindex="0" role="region" aria-labelledby="timeline-title">
      <table id="timeline"><thead><tr><th scope="col">#</th><th scope="col">time</th><th scope="col">step</th><th scope="col">what</th><th scope="col">took</th><th scope="col">outcome</th></tr></thead><tbody></tbody></table>
    </div>
    <h3>Validation rounds</h3>
    <table id="rounds"><thead><tr><th scope="col">milestone</th><th scope="col">round</th><th scope="col">result</th><th scope="col">failing</th><th scope="col">evidence</th></tr></thead><tbody></tbody></table>
    <section id="evidence" hidden aria-labelledby="evidence-title">
      <h3 id="evidence-title" tabindex="-1"></h3>
      <div id="evidence-body"></div>
    </section>
    <h3>Features</h3>
    <table id="features"><thead><tr><th scope="col">feature</th><th scope="col">milestone</th><th scope="col">origin</th><th scope="col">state</th><th scope="col">handoff</th><th scope="col">commit</th></tr></thead><tbody></tbody></table>
    <section id="diff" hidden aria-labelledby="diff-title">
      <h3 id="diff-title" tabindex="-1"></h3>
      <pre id="diff-body"></pre>
    </section>
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
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
