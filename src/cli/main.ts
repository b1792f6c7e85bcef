import { cac, type CAC } from "cac";
import { nearest } from "../semantics/suggest.js";
import { EXIT, InputError, UsageError } from "./errors.js";
import { StateDamaged } from "../runner/files.js";
import { writeError } from "./output.js";
import { version } from "./version.js";

/**
 * The command table. Each command imports its module only when it runs, so `missionc --version`
 * loads neither the parser nor the runner. One error boundary turns expected errors into exit codes.
 */

type Action = (...args: never[]) => Promise<number>;

/**
 * cac gives a `--no-X` flag the default true and shows it, "--no-sandbox … (default: true)", which
 * reads as unconfined by default. The flag's absence is the default; the commands read it as such.
 */
function unsaidDefault(option: { negated: boolean; config: { default?: unknown } }): void {
  if (option.negated) delete option.config.default;
}

function commands(cli: CAC, done: (p: Promise<number>) => void): void {
  const run =
    (load: () => Promise<Action>) =>
    (...args: unknown[]) =>
      done(load().then((f) => (f as (...a: unknown[]) => Promise<number>)(...args)));

  cli
    .command("check <...files>", "Check mission files: syntax, names, order and contract coverage")
    .option("--format <format>", "Output: pretty, json, sarif or github (github by default under GITHUB_ACTIONS)")
    .option("--warnings-as-errors", "Fail on warnings too")
    .example("missionc check specs/*.mission")
    .example("missionc check specs/app.mission --format json")
    .action(run(async () => (await import("./check.js")).checkCommand));

  cli
    .command("plan <file>", "Lower a mission to its execution plan: a readable tree, or canonical JSON")
    .option("--json", "Print the plan as canonical JSON")
    .option("-o, --output <file>", "Write the plan JSON to a file")
    .option("--estimate", "Estimate tokens and cost per milestone before anything runs (not part of the plan)")
    .option("--script <file>", "For --estimate: a recorded script whose runs give the turns (default NAME.script.yaml beside the mission)")
    .example("missionc plan specs/app.mission")
    .example("missionc plan specs/app.mission -o plan.json")
    .action(run(async () => (await import("./plan.js")).planCommand));

  cli
    .command("fmt <...files>", "Print or rewrite mission files in the canonical layout (comments kept)")
    .option("--check", "List the files that are not formatted; exit 1 if any")
    .option("--write", "Rewrite the files in place")
    .example("missionc fmt --check specs/*.mission")
    .action(run(async () => (await import("./fmt.js")).fmtCommand));

  cli
    .command("diff <old> <new>", "What a spec change does to the plan; each side a .mission file, a plan JSON or REV:path from git")
    .option("--format <format>", "Output: text, markdown or json", { default: "text" })
    .option("--exit-code", "Exit 1 when there are changes")
    .example("missionc diff origin/main:specs/app.mission specs/app.mission --format markdown")
    .action(run(async () => (await import("./diff.js")).diffCommand));

  cli
    .command("graph <file>", "Draw milestones, features, needs and fulfills")
    .option("--format <format>", "Output: mermaid or dot", { default: "mermaid" })
    .example("missionc graph specs/app.mission --format dot | dot -Tsvg > mission.svg")
    .action(run(async () => (await import("./graph.js")).graphCommand));

  cli
    .command("run <file>", "Start or resume a mission (exit 0 done, 1 errors in the file, 2 usage/I-O, 3 paused, 4 locked)")
    .option("--offline", "Run every role on the scripted provider, from FILE's .script.yaml")
    .option("--script <file>", "The script for --offline (default: beside the mission, NAME.script.yaml)")
    .option("--until <milestone>", "Stop once this milestone is accepted")
    .option("--replan", "Accept an edited mission file: unchanged done features stay done")
    .option("--adopt", "Take over commits on the mission branch that missionc did not make (journaled)")
    .option("--record <script>", "Record every model turn of this run as a script that --offline --script replays")
    .option("--no-sandbox", "Run the agents' commands, procedures and checks unconfined (you decide this, never the mission file)")
    .option("--notify-env <name>", "Post milestone results, pauses and completion to the webhook whose URL this environment variable holds")
    .example("missionc run specs/app.mission --offline")
    .action(run(async () => (await import("./run.js")).runCommand))
    .options.forEach(unsaidDefault);

  cli
    .command(
      "fleet [action] [...args]",
      "Many missions on many machines: submit FILE --repo URL | worker | status | msg ID TEXT | pause ID | resume ID",
    )
    .option("--db <url>", "The fleet's Postgres (default: MISSIONC_FLEET_DB)")
    .option("--repo <url>", "submit: the git repository the workers clone (the mission file is taken from it)")
    .option("--offline", "submit: run every role on the scripted provider, from the mission's .script.yaml")
    .option("--concurrency <n>", "worker: missions this worker runs at once (default 1)")
    .option("--queue-concurrency <n>", "worker: missions the whole fleet runs at once")
    .option("--lease-seconds <t>", "worker: how long a worker's lease lasts unrenewed before its missions go to others (default 10)")
    .option("--dir <dir>", "worker: where the clones go (default ~/.cache/missionc/fleet)")
    .option("--no-sandbox", "worker: run the agents' commands unconfined")
    .option("--json", "status: as JSON")
    .option("--interrupt", "msg: stop the agent turn in progress first")
    .example("missionc fleet submit specs/app.mission --repo git@example.com:team/app.git")
    .example("missionc fleet worker --concurrency 4")
    .action(run(async () => (await import("./fleet.js")).fleetCommand))
    .options.forEach(unsaidDefault);

  cli
    .command("demo", "Run examples/hello offline in a new scratch git repository and print its path")
    .action(run(async () => (await import("./demo.js")).demoCommand));

  cli
    .command("status [target]", "Where a mission stands; TARGET is a .mission file, a repository or a state folder")
    .option("--json", "Print the status as JSON (specs/status.schema.json)")
    .option("--mission <name>", "Which mission, when the repository holds several")
    .action(run(async () => (await import("./status.js")).statusCommand));

  cli
    .command("log [target]", "The mission's journal, one readable line an event")
    .option("--mission <name>", "Which mission, when the repository holds several")
    .action(run(async () => (await import("./log.js")).logCommand));

  cli
    .command("pause [target]", "Ask a running mission to stop after its current turn (resume with run)")
    .option("--mission <name>", "Which mission, when the repository holds several")
    .action(run(async () => (await import("./inbox.js")).pauseCommand));

  cli
    .command("msg <text> [target]", "Send a message to the orchestrator, answered at the next gate or between steps")
    .option("--mission <name>", "Which mission, when the repository holds several")
    .option("--interrupt", "Stop the agent turn in progress first, so the message is answered now (the step then resumes)")
    .example('missionc msg "Skip the admin screens; users come first" specs/app.mission')
    .action(run(async () => (await import("./inbox.js")).msgCommand));

  cli
    .command(
      "watch [target]",
      "Status, redrawn live in place (plain lines when stdout is not a terminal); ends when no runner holds the mission",
    )
    .option("--mission <name>", "Which mission, when the repository holds several")
    .option("--interval <seconds>", "Seconds between redraws", { default: "1" })
    .action(run(async () => (await import("./watch.js")).watchCommand));

  cli
    .command(
      "report [target]",
      "The whole run: time split, time and tokens by role, cache reads, agent runs, follow-ups, assertions, cost, code",
    )
    .option("--mission <name>", "Which mission, when the repository holds several")
    .option("--format <format>", "md, html (one self-contained file with SVG charts) or json (specs/report.schema.json)", { default: "md" })
    .option("-o, --output <file>", "Write the report to a file")
    .example("missionc report specs/app.mission --format html -o report.html")
    .action(run(async () => (await import("./report.js")).reportCommand));

  cli
    .command("explain <code>", "Explain a diagnostic code, with a failing example and its fix")
    .example("missionc explain M0301")
    .action(run(async () => (await import("./explain.js")).explainCommand));

  cli
    .command("serve [...dirs]", "Mission Control in the browser: every mission of the repositories, live, with steering")
    .option("--port <port>", "The port (default: any free one)")
    .option("--host <address>", "The address to listen on (default 127.0.0.1; another is reachable by others: a warning says so)")
    .option("--fleet", "The fleet's missions too (missionc fleet), from its database, beside the repositories' own")
    .option("--db <url>", "With --fleet: the fleet's Postgres (default: MISSIONC_FLEET_DB)")
    .example("missionc serve")
    .example("missionc serve ../shop ../blog --port 4700")
    .action(run(async () => (await import("./serve.js")).serveCommand));

  cli
    .command("draft [request]", "Draft a mission with an orchestrator model that interviews you; nothing runs until you say `missionc run`")
    .option("-o, --output <file>", "Where to write the mission (default: a name from the request; with --from, that file)")
    .option("--model <provider:id>", "The drafting model (default: the revised mission's orchestrator, else anthropic:claude-opus-5-5)")
    .option("--answers <file>", "Answers to the questions, in order, instead of the terminal (specs/answers.schema.json)")
    .option("--from <file>", "Revise this mission with the change the request asks for, and show the change as `missionc diff` does")
    .option("--offline", "Draft from a recorded script (--script, default NAME.draft.yaml beside the mission)")
    .option("--script <file>", "The script for --offline, or where --record writes")
    .option("--record", "Record the model's answers into the script, for --offline replays")
    .option("--force", "Replace an existing mission file (without --from)")
    .example('missionc draft "a todo service with a web page" -o todo.mission')
    .example('missionc draft --from todo.mission "add due dates"')
    .action(run(async () => (await import("./draft.js")).draftCommand));

  cli
    .command(
      "lsp",
      "The language server, over stdio: diagnostics as you type, hover, definitions, references, rename, completion, outline, format, quick fixes",
    )
    .option("--stdio", "Talk over stdin and stdout (the only transport; editors pass it)")
    // editors pass their own flags (--clientProcessId=…); the server needs none of them
    .allowUnknownOptions()
    .example("missionc lsp --stdio")
    .action(run(async () => (await import("./lsp.js")).lspCommand));

  cli
    .command("init [name]", "Write a starter mission NAME.mission that checks clean")
    .option("--force", "Overwrite an existing file")
    .option("--script", "Also write NAME.script.yaml: a starter offline script that `run --offline` plays through")
    .example("missionc init todo_app")
    .action(run(async () => (await import("./init.js")).initCommand));
}

const COMMANDS = [
  "check",
  "plan",
  "fmt",
  "diff",
  "graph",
  "run",
  "demo",
  "status",
  "watch",
  "log",
  "report",
  "pause",
  "msg",
  "explain",
  "init",
  "lsp",
  "draft",
  "serve",
];

/**
 * cac 7 hands mri its boolean options in camelCase, so a kebab-case flag such as
 * `--warnings-as-errors` would take the next argument as its value; written in camelCase it does not.
 */
const KEBAB_BOOLEANS = ["--warnings-as-errors", "--exit-code"];

function normaliseFlags(argv: string[]): string[] {
  return argv.map((a) =>
    KEBAB_BOOLEANS.includes(a)
      ? a.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/^-([A-Z])/, (_, c: string) => `--${c.toLowerCase()}`)
      : // cac drops a lone `-`; `check -` reads stdin
        a === "-"
        ? STDIN_ARG
        : a,
  );
}

/** What a lone `-` (stdin) reaches the commands as. */
export const STDIN_ARG = "<stdin>";

export async function main(argv: string[]): Promise<number> {
  const cli = cac("missionc");
  let pending: Promise<number> | undefined;
  commands(cli, (p) => {
    pending = p;
  });
  cli.help();
  cli.version(version());
  try {
    if (argv.length === 0) {
      cli.outputHelp();
      return EXIT.usage;
    }
    const parsed = cli.parse(["node", "missionc", ...normaliseFlags(argv)], { run: false });
    if (parsed.options["version"] && cli.matchedCommand) {
      throw new UsageError(`--version is not an option of \`${cli.matchedCommandName}\``, "run `missionc --version` on its own");
    }
    if (parsed.options["help"] || parsed.options["version"]) return EXIT.ok;
    if (!cli.matchedCommand) {
      const word = parsed.args[0] ?? argv[0] ?? "";
      const guess = nearest(String(word), COMMANDS);
      throw new UsageError(
        `unknown command \`${String(word)}\``,
        guess ? `did you mean \`missionc ${guess}\`?` : "run `missionc --help` for the commands",
      );
    }
    await cli.runMatchedCommand();
    return pending ? await pending : EXIT.ok;
  } catch (e) {
    const options = (cli.matchedCommand?.options ?? []).flatMap((o) =>
      o.names.map((n) => (n.length === 1 ? `-${n}` : `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)),
    );
    return report(e, cli.matchedCommandName, options);
  }
}

function report(e: unknown, command: string | undefined, options: string[] = []): number {
  if (e instanceof UsageError) {
    writeError(`error: ${e.message}`);
    writeError(e.hint ? `hint: ${e.hint}` : `hint: run \`missionc ${command ? `${command} ` : ""}--help\``);
    return EXIT.usage;
  }
  if (e instanceof Error && e.name === "CACError") {
    // cac names an option as it stores it (`--warningsAsError`): say it as it was typed
    const unknownOption = /Unknown option `(.+)`/
      .exec(e.message)?.[1]
      .replace(/^--.*/, (o) => o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    writeError(`error: ${unknownOption ? `unknown option \`${unknownOption}\`` : e.message}`);
    const guess = unknownOption ? nearest(unknownOption, options) : undefined;
    writeError(guess ? `hint: did you mean \`${guess}\`?` : `hint: run \`missionc ${command ? `${command} ` : ""}--help\` for the options`);
    return EXIT.usage;
  }
  if (e instanceof InputError || e instanceof StateDamaged) {
    writeError(`error: ${e.message}`);
    return EXIT.usage;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  writeError(
    `internal error: ${err.message}\nThis is a bug in missionc; please report it.${process.env["MISSIONC_DEBUG"] ? `\n${err.stack ?? ""}` : " (MISSIONC_DEBUG=1 shows the trace)"}`,
  );
  return EXIT.usage;
}
