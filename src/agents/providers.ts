import type { Plan, PlanModel, RoleName } from "../plan/types.js";
import { AnthropicProvider } from "./anthropic.js";
import { CommandProvider } from "./external.js";
import { OpenAIProvider } from "./openai.js";
import type { Provider } from "./provider.js";
import type { Sandbox } from "../sandbox/sandbox.js";

/** The provider for each model a run will use, with its key from the environment, checked before any work starts. */

const DEFAULT_KEY: Record<string, string> = { anthropic: "ANTHROPIC_API_KEY", openai: "OPENAI_API_KEY" };

export class MissingKey extends Error {}

/** Which roles use which models in this plan (validator roles only when a milestone runs them). */
export function modelsInUse(plan: Plan): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const use = (model: string, who: string): void => {
    uses.set(model, [...(uses.get(model) ?? []), who]);
  };
  const roles: RoleName[] = ["orchestrator", "worker", "researcher"];
  if (plan.milestones.some((m) => m.validators.includes("scrutiny"))) roles.push("reviewer");
  if (plan.milestones.some((m) => m.validators.includes("user_testing"))) roles.push("user_tester");
  for (const r of roles) use(plan.roles[r], `role ${r}`);
  for (const f of plan.features) if (f.model !== plan.roles.worker) use(f.model, `feature ${f.name}`);
  return uses;
}

/** The environment variable that holds the model's key, and its value. */
export function keyFor(model: PlanModel, env: NodeJS.ProcessEnv): { name: string; value?: string } | undefined {
  const name = typeof model.options["api_key_env"] === "string" ? model.options["api_key_env"] : DEFAULT_KEY[model.provider];
  return name ? { name, value: env[name] } : undefined;
}

export function buildProviders(
  plan: Plan,
  worktree: string,
  sandbox: Sandbox,
  env: NodeJS.ProcessEnv = process.env,
): Map<string, Provider> {
  const providers = new Map<string, Provider>();
  // every missing key at once: a person setting them one run at a time would start the mission N times
  const missing: string[] = [];
  for (const [name, users] of modelsInUse(plan)) {
    const model = plan.models[name];
    if (!model) continue;
    const key = keyFor(model, env);
    const local = typeof model.options["base_url"] === "string";
    const named = typeof model.options["api_key_env"] === "string";
    if (named && !key?.value) {
      missing.push(
        `${users.join(", ")} ${users.length > 1 ? "use" : "uses"} model \`${name}\` (${model.provider} "${model.id}"), whose api_key_env names ${key?.name}: it is not set`,
      );
      continue;
    }
    if (model.provider === "command") {
      providers.set(name, new CommandProvider(model, worktree, sandbox, key?.value ? { name: key.name, value: key.value } : undefined));
      continue;
    }
    if (model.provider === "scripted") continue;
    if (!key?.value && !(model.provider === "openai" && local)) {
      missing.push(
        `${users.join(", ")} ${users.length > 1 ? "use" : "uses"} model \`${name}\` (${model.provider} "${model.id}"), which needs the environment variable ${key?.name}: it is not set`,
      );
      continue;
    }
    // a local OpenAI-compatible server takes any key
    const value = key?.value ?? "missionc-local";
    // a request that hangs is cut here, then retried by the runner's policy
    const timeoutMs = Number(env["MISSIONC_PROVIDER_TIMEOUT_MS"] ?? 600_000);
    providers.set(
      name,
      model.provider === "anthropic" ? new AnthropicProvider(model, value, timeoutMs) : new OpenAIProvider(model, value, timeoutMs),
    );
  }
  if (missing.length) throw new MissingKey(missing.join("\n"));
  return providers;
}
