import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type * as A from "../syntax/ast.js";
import { KIND_NAMES } from "../syntax/literals.js";
import { nearest } from "./suggest.js";

/** The value kinds each setting takes, and the options each provider takes. */

type Kind = A.LiteralKind;
interface SettingRule {
  kinds: Kind[];
  positive?: boolean;
  integer?: boolean;
  /** takes a comma-separated list (`tools read, write`) */
  list?: boolean;
  /** what to call the expected value in a message, when its kind says too little (`a name`) */
  expected?: string;
}

export const BUDGET: Record<string, SettingRule> = {
  tokens: { kinds: ["quantity", "number"], positive: true, integer: true },
  time: { kinds: ["duration"], positive: true },
  cost: { kinds: ["money"], positive: true },
};
export const POLICY: Record<string, SettingRule> = {
  max_rounds: { kinds: ["number"], positive: true, integer: true },
  concurrency: { kinds: ["number"], positive: true, integer: true },
};
const NETWORK: SettingRule = { kinds: ["name"], expected: "none, loopback or full" };
export const PROCEDURE_OPTIONS: Record<string, SettingRule> = {
  timeout: { kinds: ["duration"] },
  ready: { kinds: ["string"] },
  network: NETWORK,
  advisory: { kinds: ["boolean"] },
};
export const PERMISSION: Record<string, SettingRule> = {
  network: NETWORK,
  tools: { kinds: ["name"], list: true, expected: "tool names (read, write, run, research, http, browser)" },
};
const PRICE = "price";
export const PRICE_FIELDS: Record<string, SettingRule> = {
  input: { kinds: ["money"] },
  output: { kinds: ["money"] },
  cache_read: { kinds: ["money"] },
  cache_write: { kinds: ["money"] },
};

const COUNT: SettingRule = { kinds: ["quantity", "number"], integer: true };
const TEXT: SettingRule = { kinds: ["string"] };
export const PROVIDERS: Record<string, Record<string, SettingRule>> = {
  anthropic: {
    thinking: COUNT,
    temperature: { kinds: ["number"] },
    max_output: COUNT,
    base_url: TEXT,
    api_key_env: TEXT,
    [PRICE]: { kinds: [] },
  },
  openai: { temperature: { kinds: ["number"] }, max_output: COUNT, base_url: TEXT, api_key_env: TEXT, [PRICE]: { kinds: [] } },
  command: { timeout: { kinds: ["duration"] }, api_key_env: TEXT, [PRICE]: { kinds: [] } },
  scripted: {},
};

/** Checks one setting's value against its rule: kind (M0001) and, for budgets and policies, range (M0501). */
export function checkValue(s: A.Setting, rule: SettingRule, out: Diagnostic[]): void {
  const v = s.value;
  const expected = rule.expected ?? rule.kinds.map((k) => KIND_NAMES[k]).join(" or ");
  if (!v) {
    const why = s.body ? "takes a value, not a block" : "needs a value";
    out.push(diagnostic("M0001", s.name.span, `\`${s.name.text}\` ${why}: ${expected}`));
    return;
  }
  if (s.more?.length && !rule.list) {
    out.push(diagnostic("M0001", s.more[0].span, `\`${s.name.text}\` takes one value, not a list: ${expected}`));
    return;
  }
  for (const each of [v, ...(s.more ?? [])]) {
    if (each.kind === "malformed") return; // already M0003
    if (!rule.kinds.includes(each.kind)) {
      out.push(
        diagnostic("M0001", each.span, `expected ${expected} for \`${s.name.text}\`, found ${KIND_NAMES[each.kind]} \`${each.raw}\``),
      );
      return;
    }
  }
  const n = v.value as number;
  if (rule.positive && (typeof n !== "number" || n <= 0)) {
    out.push(
      diagnostic("M0501", v.span, `\`${s.name.text}\` must be greater than zero, found \`${v.raw}\``, {
        help: `leave \`${s.name.text}\` out for no limit`,
      }),
    );
  } else if (rule.integer && typeof n === "number" && !Number.isInteger(n)) {
    out.push(diagnostic(rule.positive ? "M0501" : "M0001", v.span, `\`${s.name.text}\` must be a whole number, found \`${v.raw}\``));
  }
}

/** Settings of a block whose fields the parser already checked (M0206); only the values remain. */
export function checkSettings(settings: readonly A.Setting[], rules: Record<string, SettingRule>, out: Diagnostic[]): void {
  for (const s of settings) {
    const rule = rules[s.name.text];
    if (rule) checkValue(s, rule, out);
  }
}

export function checkModel(model: A.ModelDecl, out: Diagnostic[]): void {
  const provider = model.provider.text;
  const options = PROVIDERS[provider];
  if (!options) {
    const guess = nearest(provider, Object.keys(PROVIDERS));
    out.push(
      diagnostic("M0401", model.provider.span, `unknown provider \`${provider}\``, {
        help: `${guess ? `did you mean \`${guess}\`? ` : ""}providers: ${Object.keys(PROVIDERS).join(", ")}`,
      }),
    );
    return;
  }
  const seen = new Map<string, A.Setting>();
  for (const o of model.options) {
    const earlier = seen.get(o.name.text);
    if (earlier) {
      out.push(
        diagnostic("M0206", o.name.span, `\`${o.name.text}\` is given twice in model \`${model.name.text}\``, {
          labels: [{ span: earlier.name.span, message: "first given here" }],
          help: "remove one of them; only the first is used",
        }),
      );
      continue;
    }
    seen.set(o.name.text, o);
    const rule = options[o.name.text];
    if (!rule) {
      const takes = Object.keys(options);
      out.push(
        diagnostic("M0401", o.name.span, `the \`${provider}\` provider does not take the option \`${o.name.text}\``, {
          help: takes.length ? `\`${provider}\` takes: ${takes.join(", ")}` : `\`${provider}\` takes no options`,
        }),
      );
    } else if (o.name.text === PRICE) {
      if (!o.body) out.push(diagnostic("M0001", (o.value ?? o.name).span, "expected `{` after `price`: price { input $3  output $15 }"));
      else checkSettings(o.body, PRICE_FIELDS, out);
    } else {
      checkValue(o, rule, out);
    }
  }
}
