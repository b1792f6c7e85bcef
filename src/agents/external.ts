import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PlanModel } from "../plan/types.js";
import { spawnLaunch, type Sandbox } from "../sandbox/sandbox.js";
import { DEFAULT_NETWORK } from "../sandbox/policy.js";
import { estimateTokens, ProviderError, type ModelRequest, type ModelResponse, type Provider } from "./provider.js";

/**
 * An external agent CLI (`command "claude -p"`, `codex exec`, any program) as a provider. It runs in
 * the worktree with the prompt on stdin and writes its answer (a handoff, a decision, verdicts) as
 * JSON to the file named by MISSION_OUTPUT, whose schema is in MISSION_OUTPUT_SCHEMA. It runs in the
 * run's sandbox with the internet (it talks to its provider) and gets only the one key its
 * `api_key_env` names, and the role's permission as JSON in MISSION_PERMISSIONS (its own tools are
 * its own: a role without `write` gets the worktree read-only). Its answer comes back as a call of the run's
 * terminal tool, so it is validated like any other agent's (and sent back with the errors if wrong).
 */

export class CommandProvider implements Provider {
  readonly name = "command";

  constructor(
    private readonly model: PlanModel,
    private readonly cwd: string,
    private readonly sandbox: Sandbox,
    private readonly key?: { name: string; value: string },
  ) {}

  async complete(request: ModelRequest, signal?: AbortSignal): Promise<ModelResponse> {
    // every role is shown every tool (one cached list): the run names the one that ends it
    const terminal = request.tools.find((t) => t.name === request.terminal);
    if (!terminal) throw new ProviderError("a command agent needs a run that ends with a structured answer");
    const dir = mkdtempSync(join(tmpdir(), "missionc-cmd-"));
    const inside = this.sandbox.exchangePath(dir);
    const output = join(dir, "output.json");
    const schema = join(dir, "schema.json");
    writeFileSync(schema, JSON.stringify(terminal.input_schema, null, 2));
    const feedback = request.messages.slice(1).flatMap((m) => (m.tool_results ?? []).filter((r) => r.is_error).map((r) => r.content));
    const prompt = [
      ...request.system,
      request.messages[0]?.content ?? "",
      ...feedback.map((f) => `Your last answer was refused: ${f}`),
      `Write your answer as JSON matching the schema in $MISSION_OUTPUT_SCHEMA to the file named by $MISSION_OUTPUT.`,
    ].join("\n\n");
    // the agent's own key and nothing else of the runner's: the sandbox's allow-list does the rest
    const env = {
      MISSION_OUTPUT: join(inside, "output.json"),
      MISSION_OUTPUT_SCHEMA: join(inside, "schema.json"),
      ...(this.key ? { [this.key.name]: this.key.value } : {}),
      ...(request.permission ? { MISSION_PERMISSIONS: JSON.stringify(request.permission) } : {}),
    };
    const readOnly = request.permission !== undefined && !request.permission.tools.includes("write");
    const timeoutMs = (typeof this.model.options["timeout_seconds"] === "number" ? this.model.options["timeout_seconds"] : 1800) * 1000;
    try {
      const code = await new Promise<number>((resolve, reject) => {
        const launch = this.sandbox.launch(this.model.id, {
          network: DEFAULT_NETWORK.command_agent,
          env,
          exchange: dir,
          ...(readOnly ? { readOnly: true } : {}),
        });
        const child = spawnLaunch(launch, this.cwd, ["pipe", "ignore", "pipe"]);
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => {
          stderr = (stderr + d.toString()).slice(-2000);
        });
        const kill = (): void => {
          try {
            if (child.pid) process.kill(-child.pid, "SIGKILL");
          } catch {
            /* gone */
          }
        };
        const timer = setTimeout(() => {
          kill();
          reject(new ProviderError(`\`${this.model.id}\` did not finish within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        signal?.addEventListener(
          "abort",
          () => {
            kill();
            reject(new ProviderError("interrupted"));
          },
          { once: true },
        );
        child.on("error", (e) => {
          clearTimeout(timer);
          reject(new ProviderError(`cannot run \`${this.model.id}\`: ${e.message}`));
        });
        child.on("close", (c) => {
          clearTimeout(timer);
          kill();
          if (c !== 0) reject(new ProviderError(`\`${this.model.id}\` exited ${c}: ${stderr.trim().slice(-300)}`));
          else resolve(0);
        });
        child.stdin!.end(prompt);
      });
      let text: string;
      try {
        text = readFileSync(output, "utf8");
      } catch {
        throw new ProviderError(`\`${this.model.id}\` exited ${code} without writing $MISSION_OUTPUT`);
      }
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch {
        input = text;
      }
      return {
        content: "",
        tool_calls: [{ id: `call_${request.turn}_1`, name: terminal.name, input }],
        usage: { input: estimateTokens(prompt), cache_read: 0, cache_write: 0, output: estimateTokens(text), estimated: true },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
